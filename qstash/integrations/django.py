"""Receive QStash deliveries in Django: a decorator for sync and async function views.

::

    from django.http import HttpResponse
    from qstash.integrations.django import get_delivery, verify_qstash

    @verify_qstash()
    def webhook(request):
        delivery = get_delivery(request)  # also request.qstash
        order = delivery.json()           # request.body is still there too
        ...
        return HttpResponse(status=204)

    @verify_qstash(public_url="https://api.example.com")
    async def webhook_async(request):
        ...

The decorated view is CSRF-exempt (QStash cannot send a CSRF token; the signature is the
proof of origin). A refused delivery never reaches the view: it gets 401 (missing or
malformed signature) or 403 (a signature that does not verify) with
``{"error": <reason>, "message": <why>}``. For a class-based view, decorate its dispatch:
``method_decorator(verify_qstash(), name="dispatch")``.
Install with ``pip install 'qstash[django]'``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast
from urllib.parse import quote

try:
    from asgiref.sync import iscoroutinefunction
    from django.http import HttpRequest, HttpResponse
    from django.views.decorators.csrf import csrf_exempt
except ImportError as exc:  # pragma: no cover - exercised in a test with django hidden
    raise ImportError(
        "qstash.integrations.django needs Django: pip install 'qstash[django]'"
    ) from exc

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

# Where the verified delivery is kept: request.qstash.
ATTRIBUTE = "qstash"
# RFC 3986 path characters besides unreserved ones; '%' is not here: the path is decoded.
_PATH_SAFE = "/:@!$&'()*+,;="


def request_url(request: HttpRequest) -> str:
    """The absolute URL of ``request``: Django's scheme and host, path and raw query string.

    The scheme and host are Django's (``SECURE_PROXY_SSL_HEADER``, ``USE_X_FORWARDED_HOST``
    and ``ALLOWED_HOSTS`` apply); the query string is kept as received, byte for byte.
    """
    query = request.META.get("QUERY_STRING", "")
    return f"{request.scheme}://{request.get_host()}{quote(request.path, safe=_PATH_SAFE)}" + (
        f"?{query}" if query else ""
    )


def get_delivery(request: HttpRequest) -> Delivery:
    """The delivery verified for ``request`` (``request.qstash``).

    Raises:
        LookupError: the view is not decorated with :func:`verify_qstash`.
    """
    value = getattr(request, ATTRIBUTE, None)
    if not isinstance(value, Delivery):
        raise LookupError(
            "this request carries no verified QStash delivery: decorate the view with "
            "@verify_qstash()"
        )
    return value


def to_response(reply: Reply) -> HttpResponse:
    """A Django response for a framework-free :class:`~qstash.delivery.Reply`."""
    return HttpResponse(reply.body, status=reply.status, headers=dict(reply.headers))


def non_retryable(reason: str = "non-retryable failure") -> HttpResponse:
    """489 with ``Upstash-NonRetryable-Error: true``: QStash stops retrying (→ DLQ).

    See :func:`qstash.delivery.non_retryable`.
    """
    return to_response(_delivery.non_retryable(reason))


def retry_after(
    delay: float | timedelta, *, status: int = 503, reason: str = "retry later"
) -> HttpResponse:
    """A ``Retry-After`` response: QStash retries after ``delay`` seconds (0 to a day).

    See :func:`qstash.delivery.retry_after`.
    """
    return to_response(_delivery.retry_after(delay, status=status, reason=reason))


def _verify(verifier: DeliveryVerifier, request: HttpRequest) -> HttpResponse | None:
    """Verify ``request``; None when genuine, else the rejection response."""
    try:
        DeliveryVerifier.check_signature_present(request.headers)
        # request.body is cached by Django: the view can read it (or request.POST) again.
        # Under ASGI the body is already buffered, so this does no blocking I/O.
        delivery = verifier.verify(
            body=request.body,
            headers=request.headers.items(),
            request_url=request_url(request),
            request=request,
        )
    except SignatureError as error:
        return to_response(_delivery.rejection(error))
    setattr(request, ATTRIBUTE, delivery)
    return None


def verify_qstash(
    *,
    receiver: Receiver | None = None,
    public_url: str | Callable[[HttpRequest], str] | None = None,
    trust_forwarded_headers: bool = False,
    check_url: bool = True,
    clock_tolerance: float | timedelta = DEFAULT_CLOCK_TOLERANCE,
) -> Callable[[View], View]:
    """A view decorator that lets only verified QStash deliveries through; CSRF-exempt.

    The view runs with the :class:`~qstash.delivery.Delivery` in ``request.qstash`` (see
    :func:`get_delivery`) and ``request.body`` intact. Works on sync and async views (an
    async view stays async).

    Args:
        receiver, public_url, trust_forwarded_headers, check_url, clock_tolerance: as for
            :class:`~qstash.delivery.DeliveryVerifier`; a ``public_url`` callable gets the
            ``HttpRequest``. The default URL is the request's own as Django builds it, so
            ``SECURE_PROXY_SSL_HEADER`` / ``USE_X_FORWARDED_HOST`` are honoured.

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
        wrapper: Callable[..., Any]
        if iscoroutinefunction(view):

            async def async_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                rejected = _verify(verifier, request)
                if rejected is not None:
                    return rejected
                return await view(request, *args, **kwargs)

            wrapper = async_view
        else:

            def sync_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                rejected = _verify(verifier, request)
                if rejected is not None:
                    return rejected
                return view(request, *args, **kwargs)

            wrapper = sync_view
        return cast(View, csrf_exempt(functools.wraps(view)(wrapper)))

    return decorate
