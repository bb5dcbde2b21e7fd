"""Receive QStash deliveries in Flask: a view decorator.

::

    from flask import Flask
    from qstash.integrations.flask import get_delivery, verify_qstash

    app = Flask(__name__)

    @app.post("/qstash/webhook")
    @verify_qstash()
    def webhook():
        delivery = get_delivery()  # also flask.g.qstash
        order = delivery.json()    # request.get_data() / request.get_json() work too
        ...
        return "", 204

Put ``@verify_qstash()`` below the route decorator, so the route registers the verified
view. A refused delivery never reaches the view: it gets 401 (missing or malformed
signature) or 403 (a signature that does not verify) with
``{"error": <reason>, "message": <why>}``. Async views (``flask[async]``) work the same way.
Install with ``pip install 'qstash[flask]'``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast
from urllib.parse import quote

try:
    import flask
except ImportError as exc:  # pragma: no cover - exercised in a test with flask hidden
    raise ImportError("qstash.integrations.flask needs Flask: pip install 'qstash[flask]'") from exc

from qstash import delivery as _delivery
from qstash.delivery import DEFAULT_CLOCK_TOLERANCE, Delivery, DeliveryVerifier, Reply
from qstash.errors import SignatureError
from qstash.receiver import Receiver

__all__ = [
    "get_delivery",
    "non_retryable",
    "request_url",
    "retry_after",
    "to_response",
    "verify_qstash",
]

View = TypeVar("View", bound=Callable[..., Any])

# RFC 3986 path characters besides unreserved ones; '%' is not here: the path is decoded.
_PATH_SAFE = "/:@!$&'()*+,;="


def request_url(request: flask.Request) -> str:
    """The absolute URL of ``request`` as a URI, with the raw query string.

    ``request.url`` is an IRI (``%C3%BC`` shown as ``ü``), which would not equal the URL
    QStash signed; this keeps the query string byte for byte and percent-encodes the path.
    """
    path = request.root_path.rstrip("/") + request.path
    query = request.query_string.decode("utf-8", "replace")
    return f"{request.scheme}://{request.host}{quote(path, safe=_PATH_SAFE)}" + (
        f"?{query}" if query else ""
    )


def get_delivery() -> Delivery:
    """The delivery verified for the current request (``flask.g.qstash``).

    Raises:
        LookupError: the current view is not decorated with :func:`verify_qstash`.
    """
    value = flask.g.get("qstash")
    if not isinstance(value, Delivery):
        raise LookupError(
            "this request carries no verified QStash delivery: decorate the view with "
            "@verify_qstash()"
        )
    return value


def to_response(reply: Reply) -> flask.Response:
    """A Flask response for a framework-free :class:`~qstash.delivery.Reply`."""
    return flask.Response(reply.body, status=reply.status, headers=dict(reply.headers))


def non_retryable(reason: str = "non-retryable failure") -> flask.Response:
    """489 with ``Upstash-NonRetryable-Error: true``: QStash stops retrying (→ DLQ).

    See :func:`qstash.delivery.non_retryable`.
    """
    return to_response(_delivery.non_retryable(reason))


def retry_after(
    delay: float | timedelta, *, status: int = 503, reason: str = "retry later"
) -> flask.Response:
    """A ``Retry-After`` response: QStash retries after ``delay`` seconds (0 to a day).

    See :func:`qstash.delivery.retry_after`.
    """
    return to_response(_delivery.retry_after(delay, status=status, reason=reason))


def _verify(verifier: DeliveryVerifier) -> flask.Response | None:
    """Verify the current request; None when genuine, else the rejection response."""
    request = flask.request
    try:
        DeliveryVerifier.check_signature_present(request.headers)
        # Cached: the view can call request.get_data() / get_json() again.
        body = request.get_data(cache=True)
        flask.g.qstash = verifier.verify(
            body=body,
            headers=request.headers.items(),
            request_url=request_url(request),
            request=request,
        )
    except SignatureError as error:
        return to_response(_delivery.rejection(error))
    return None


def verify_qstash(
    *,
    receiver: Receiver | None = None,
    public_url: str | Callable[[flask.Request], str] | None = None,
    trust_forwarded_headers: bool = False,
    check_url: bool = True,
    clock_tolerance: float | timedelta = DEFAULT_CLOCK_TOLERANCE,
) -> Callable[[View], View]:
    """A view decorator that lets only verified QStash deliveries through.

    The view runs with the :class:`~qstash.delivery.Delivery` in ``flask.g.qstash`` (see
    :func:`get_delivery`) and the request body still readable. Sync and async views.

    Args:
        receiver, public_url, trust_forwarded_headers, check_url, clock_tolerance: as for
            :class:`~qstash.delivery.DeliveryVerifier`; a ``public_url`` callable gets the
            Flask ``request``. The default URL is the request's own (so a Werkzeug
            ``ProxyFix`` in front of the app is honoured).

    Raises:
        InvalidArgumentError: conflicting URL choices or a bad ``public_url`` (at once).
    """
    verifier = DeliveryVerifier(
        receiver,
        public_url=public_url,
        trust_forwarded_headers=trust_forwarded_headers,
        check_url=check_url,
        clock_tolerance=clock_tolerance,
    )

    def decorate(view: View) -> View:
        if inspect.iscoroutinefunction(view):

            @functools.wraps(view)
            async def async_view(*args: Any, **kwargs: Any) -> Any:
                rejected = _verify(verifier)
                if rejected is not None:
                    return rejected
                return await view(*args, **kwargs)

            return cast(View, async_view)

        @functools.wraps(view)
        def sync_view(*args: Any, **kwargs: Any) -> Any:
            rejected = _verify(verifier)
            if rejected is not None:
                return rejected
            return view(*args, **kwargs)

        return cast(View, sync_view)

    return decorate
