"""Receive QStash deliveries in web frameworks: verified before your handler runs.

One module per framework; import the one you use (each imports its framework, so this
package imports none of them):

* :mod:`qstash.integrations.fastapi`: ``Depends(verify_qstash())`` gives an endpoint the
  verified :class:`~qstash.delivery.Delivery` (``pip install 'qstash[fastapi]'``);
* :mod:`qstash.integrations.starlette`: ``QStashMiddleware``, an ASGI middleware that
  protects chosen paths of any Starlette/FastAPI app;
* :mod:`qstash.integrations.flask`: the ``@verify_qstash()`` view decorator
  (``pip install 'qstash[flask]'``);
* :mod:`qstash.integrations.django`: the ``@verify_qstash()`` decorator for sync and async
  function views, CSRF-exempt (``pip install 'qstash[django]'``).

Each reads the raw body once, verifies it with :class:`~qstash.receiver.Receiver`, leaves the
body readable by the handler, and answers a refused delivery with 401 (no usable signature)
or 403 (a signature that does not verify) and ``{"error": <reason>, "message": <why>}``.
The framework-free core is :mod:`qstash.delivery`.
"""
