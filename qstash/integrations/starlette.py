"""Receive QStash deliveries in Starlette (and FastAPI) apps: an ASGI middleware.

``QStashMiddleware`` verifies every request to the paths it protects before the app sees
it, then replays the raw body, so endpoints still read ``await request.body()`` /
``await request.json()`` and find the verified delivery in ``request.state.qstash``::

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route
    from qstash.integrations.starlette import QStashMiddleware, get_delivery

    async def webhook(request):
        delivery = get_delivery(request)
        ...

    app = Starlette(
        routes=[Route("/qstash/webhook", webhook, methods=["POST"])],
        middleware=[Middleware(QStashMiddleware, paths=["/qstash/*"])],
    )

For a FastAPI endpoint dependency see :mod:`qstash.integrations.fastapi`.
Install with ``pip install 'qstash[fastapi]'`` (or just Starlette).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from urllib.parse import quote, unquote

try:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
except ImportError as exc:  # pragma: no cover - exercised in a test with starlette hidden
    raise ImportError(
        "qstash.integrations.starlette needs Starlette: pip install 'qstash[fastapi]' "
        "(or pip install starlette)"
    ) from exc

from qstash import delivery as _delivery
from qstash.delivery import DEFAULT_CLOCK_TOLERANCE, Delivery, DeliveryVerifier, Reply
from qstash.errors import InvalidArgumentError, SignatureError
from qstash.receiver import Receiver

__all__ = [
    "STATE_KEY",
    "QStashMiddleware",
    "get_delivery",
    "non_retryable",
    "request_url",
    "retry_after",
    "to_response",
    "verify_request",
]

# Where a verified delivery is kept: request.state.qstash.
STATE_KEY = "qstash"
# RFC 3986 path characters besides unreserved ones; '%' is not here: the path is decoded.
_PATH_SAFE = "/:@!$&'()*+,;="


def request_url(request: Request) -> str:
    """The absolute URL of ``request`` as sent: scheme, ``Host``, raw path and query.

    Starlette's ``request.url`` carries the percent-decoded path (``/a b`` for ``/a%20b``);
    QStash signs the URL as published, so the raw path from the ASGI scope is used when the
    server provides it (``raw_path``), and the decoded path is re-encoded otherwise.
    """
    scope = request.scope
    url = request.url
    path: str = scope["path"]
    exact: str | None = None
    raw = scope.get("raw_path")
    if raw:
        raw_text = raw.split(b"?", 1)[0].decode("latin-1")
        decoded = unquote(raw_text)
        root: str = scope.get("root_path", "")
        if decoded == path:
            exact = raw_text
        elif root and root + decoded == path:
            # Servers started with a root path put it in front of `path` but not `raw_path`.
            exact = quote(root, safe=_PATH_SAFE) + raw_text
    if exact is None:
        exact = quote(path, safe=_PATH_SAFE)
    query = scope.get("query_string", b"").decode("utf-8", "replace")
    return f"{url.scheme}://{url.netloc}{exact}" + (f"?{query}" if query else "")


def get_delivery(request: Request) -> Delivery:
    """The delivery that :class:`QStashMiddleware` (or the FastAPI dependency) verified.

    Raises:
        LookupError: the request was not verified (its path is not protected).
    """
    value = request.scope.get("state", {}).get(STATE_KEY)
    if not isinstance(value, Delivery):
        raise LookupError(
            "this request carries no verified QStash delivery: protect its path with "
            "QStashMiddleware(paths=[...]) or use Depends(verify_qstash())"
        )
    return value


def to_response(reply: Reply) -> Response:
    """A Starlette response for a framework-free :class:`~qstash.delivery.Reply`."""
    return Response(reply.body, status_code=reply.status, headers=dict(reply.headers))


def non_retryable(reason: str = "non-retryable failure") -> Response:
    """489 with ``Upstash-NonRetryable-Error: true``: QStash stops retrying (→ DLQ).

    See :func:`qstash.delivery.non_retryable`.
    """
    return to_response(_delivery.non_retryable(reason))


def retry_after(
    delay: float | timedelta, *, status: int = 503, reason: str = "retry later"
) -> Response:
    """A ``Retry-After`` response: QStash retries after ``delay`` seconds (0 to a day).

    See :func:`qstash.delivery.retry_after`.
    """
    return to_response(_delivery.retry_after(delay, status=status, reason=reason))


async def verify_request(verifier: DeliveryVerifier, request: Request) -> Delivery:
    """Verify a Starlette request with ``verifier``, reading its body once (cached).

    The delivery is also stored in ``request.state.qstash``.

    Raises:
        SignatureError: the request is not a genuine QStash delivery.
    """
    headers = request.headers.items()
    DeliveryVerifier.check_signature_present(request.headers)
    body = await request.body()
    delivery = verifier.verify(
        body=body, headers=headers, request_url=request_url(request), request=request
    )
    request.scope.setdefault("state", {})[STATE_KEY] = delivery
    return delivery


def _path_matcher(paths: str | Iterable[str]) -> Callable[[str], bool]:
    if isinstance(paths, str):
        paths = [paths]
    exact: set[str] = set()
    prefixes: list[str] = []
    for pattern in paths:
        if not isinstance(pattern, str) or not (pattern == "*" or pattern.startswith("/")):
            raise InvalidArgumentError(
                "paths must be request paths such as '/qstash/webhook', prefixes such as "
                f"'/qstash/*', or '*' for every path; got {pattern!r}",
                argument="paths",
            )
        if pattern.endswith("*"):
            prefixes.append(pattern[:-1])
        else:
            exact.add(pattern)
    if not exact and not prefixes:
        raise InvalidArgumentError("paths must name at least one path", argument="paths")
    prefix_tuple = tuple(prefixes)
    return lambda path: path in exact or path.startswith(prefix_tuple)


class QStashMiddleware:
    """ASGI middleware that lets only verified QStash deliveries reach chosen paths.

    For a request whose path matches, it reads the whole body, verifies it, stores the
    :class:`~qstash.delivery.Delivery` in ``request.state.qstash`` (see
    :func:`get_delivery`) and passes the request on with the body replayed, unchanged. A
    refused delivery never reaches the app: it gets 401 (missing or malformed signature)
    or 403 (a signature that does not verify) with ``{"error": <reason>, "message": <why>}``.
    A request without ``Upstash-Signature`` is refused before its body is read.

    Args:
        app: the ASGI app to protect.
        paths: request paths (``scope["path"]``) to protect: exact (``"/qstash/webhook"``),
            prefixes ending in ``*`` (``"/qstash/*"``), or ``"*"`` for all. Other paths and
            non-HTTP requests pass through untouched.
        receiver, public_url, trust_forwarded_headers, check_url, clock_tolerance: as for
            :class:`~qstash.delivery.DeliveryVerifier`; a ``public_url`` callable gets the
            Starlette ``Request``.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        paths: str | Iterable[str],
        receiver: Receiver | None = None,
        public_url: str | Callable[[Request], str] | None = None,
        trust_forwarded_headers: bool = False,
        check_url: bool = True,
        clock_tolerance: float | timedelta = DEFAULT_CLOCK_TOLERANCE,
    ) -> None:
        self.app = app
        self._matches = _path_matcher(paths)
        self._verifier = DeliveryVerifier(
            receiver,
            public_url=public_url,
            trust_forwarded_headers=trust_forwarded_headers,
            check_url=check_url,
            clock_tolerance=clock_tolerance,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Verify a matching HTTP request, then run the app with the body replayed."""
        if scope["type"] != "http" or not self._matches(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            DeliveryVerifier.check_signature_present(request.headers)
            body = await _read_body(receive)
            if body is None:
                return  # the client went away; there is no one to answer
            delivery = self._verifier.verify(
                body=body,
                headers=request.headers.items(),
                request_url=request_url(request),
                request=request,
            )
        except SignatureError as error:
            await to_response(_delivery.rejection(error))(scope, receive, send)
            return
        scope.setdefault("state", {})[STATE_KEY] = delivery
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None if the client disconnected first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that yields ``body`` once, then defers to the real one."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        # After the body, the app only waits for a disconnect; the server provides it.
        return await receive()

    return replay
