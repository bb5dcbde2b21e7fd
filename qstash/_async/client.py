"""The asynchronous QStash client. The source of truth: the sync client is generated from it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Self
from urllib.request import getproxies

import httpx

from qstash import __version__
from qstash._async.transport import AsyncClientTransport, AsyncQStashTransport
from qstash._config import check_timeout, resolve_client_settings
from qstash._retry import SECRETS_EXTENSION, RetryConfig, RetryPolicy
from qstash.errors import InvalidArgumentError

if TYPE_CHECKING:
    import qstash_openapi
    from qstash._async.chat import AsyncChatApi
    from qstash._async.dlq import AsyncDlqApi
    from qstash._async.flow_control import AsyncFlowControlApi
    from qstash._async.log import AsyncEventApi, AsyncLogApi
    from qstash._async.message import AsyncMessageApi
    from qstash._async.queue import AsyncQueueApi
    from qstash._async.schedule import AsyncScheduleApi
    from qstash._async.signing_key import AsyncSigningKeyApi
    from qstash._async.url_group import AsyncUrlGroupApi
    from qstash._publish import RequestSpec

__all__ = ["DEFAULT_LIMITS", "DEFAULT_TIMEOUT", "AsyncQStash"]

DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
"""5 s to connect, 600 s for everything else (long enough for LLM completions)."""

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)
"""Up to 100 connections, all of which may stay open between calls (for 5 s, httpx's default).

httpx keeps only 20 idle by default: after a burst of 64 concurrent calls, 44 connections would
be closed, and the next burst would pay 44 new TCP and TLS handshakes. Keeping them costs our
async pool (``qstash._pool``) nothing per request; httpx's own pool, under the sync client,
rarely holds more than one connection per thread.
"""

_USER_AGENT = f"qstash-python/{__version__}"


def _new_dedup_id() -> str:
    return secrets.token_hex(16)


def _inner_transport(
    httpx_client: httpx.AsyncClient | None,
    limits: httpx.Limits | None,
    transport: httpx.AsyncBaseTransport | None,
) -> httpx.AsyncBaseTransport:
    """The transport doing the I/O under the retrying one: the caller's; else, when the
    environment names a proxy, an httpx client that applies it; else our pooled transport."""
    if httpx_client is not None and transport is not None:
        raise InvalidArgumentError(
            "give httpx_client or transport, not both: requests go through one of them",
            argument="transport",
        )
    if limits is not None:
        if httpx_client is not None or transport is not None:
            raise InvalidArgumentError(
                "limits sets the pool of the default transport; set them on your own "
                "httpx_client or transport instead",
                argument="limits",
            )
        if not isinstance(limits, httpx.Limits):
            raise InvalidArgumentError(
                f"limits must be an httpx.Limits, got {type(limits).__name__}", argument="limits"
            )
    if transport is not None:
        if not isinstance(transport, httpx.AsyncBaseTransport):
            raise InvalidArgumentError(
                f"transport must be an httpx.AsyncBaseTransport, got {type(transport).__name__}",
                argument="transport",
            )
        return transport
    if httpx_client is not None:
        return AsyncClientTransport(httpx_client)
    if getproxies():
        # HTTP(S)_PROXY, ALL_PROXY, NO_PROXY... (what urllib and httpx read): an httpx client
        # of our own applies them per URL, as the official SDK's default client does.
        own = httpx.AsyncClient(limits=limits or DEFAULT_LIMITS, trust_env=True)
        return AsyncClientTransport(own, owned=True)
    # Imported here: it loads httpcore and anyio, which `import qstash` should not pay for.
    from qstash._pool import AsyncPoolTransport

    return AsyncPoolTransport(limits=limits or DEFAULT_LIMITS)


class AsyncQStash:
    """Client for the QStash API.

    Args:
        token: QStash token; defaults to ``QSTASH_TOKEN`` (or the region / dev-mode settings,
            see the README's configuration section).
        base_url: API base URL; defaults to ``QSTASH_URL``, else ``https://qstash.upstash.io``.
        retry: how calls to QStash are retried: a :class:`qstash.RetryPolicy`, the official
            SDK's dict ``{"retries": n, "backoff": lambda n: milliseconds}``, ``False`` for no
            retries, or ``None`` for the default (5 retries, exponential backoff with jitter).
        timeout: HTTP timeout in seconds or an ``httpx.Timeout``
            (default: 5 s to connect, 600 s otherwise).
        httpx_client: an ``httpx.AsyncClient`` of your own (proxies, TLS, limits...). Requests go
            through it, with this client's base URL, auth, retries and errors; it is never closed
            by this client.
        limits: the connection pool of the default transport (default :data:`DEFAULT_LIMITS`:
            100 connections, 20 kept alive). Not with ``httpx_client`` or ``transport``, which
            bring their own pool.
        transport: an ``httpx.AsyncBaseTransport`` to send with instead of the default one;
            retries and errors still apply, and it is closed with this client. For an async
            client making many concurrent calls, ``qstash.aiohttp.AiohttpTransport()`` is the
            fast choice (see the README's Performance section).
        id_factory: makes the deduplication ids that keep retried publishes from being
            delivered twice (default: 128 random bits, hex). Injectable for tests.

    Use it as a context manager, or call :meth:`aclose` when done.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        retry: RetryPolicy | RetryConfig | bool | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        httpx_client: httpx.AsyncClient | None = None,
        id_factory: Callable[[], str] = _new_dedup_id,
        limits: httpx.Limits | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        settings = resolve_client_settings(token, base_url)
        self._base_url = settings.base_url
        self._retry = RetryPolicy.coerce(retry)
        self._id_factory = id_factory
        self._token_secrets = (settings.token,)
        inner = _inner_transport(httpx_client, limits, transport)
        self._transport = AsyncQStashTransport(inner, policy=self._retry, secrets=(settings.token,))
        self._http = httpx.AsyncClient(
            base_url=settings.base_url,
            headers={"Authorization": f"Bearer {settings.token}", "User-Agent": _USER_AGENT},
            timeout=timeout if isinstance(timeout, httpx.Timeout) else check_timeout(timeout),
            transport=self._transport,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._base_url!r})"

    @property
    def base_url(self) -> str:
        """The QStash API base URL this client talks to."""
        return self._base_url

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy applied to every request."""
        return self._retry

    @property
    def http(self) -> httpx.AsyncClient:
        """The ``httpx.AsyncClient`` carrying auth, base URL, retries and error mapping.

        Event hooks or ``auth`` set on it apply to every call. Without them, the SDK's own
        calls go straight to its transport, skipping what httpx's ``send`` adds around it:
        their responses set no cookies on this client and httpx logs no line for them.
        """
        return self._http

    @cached_property
    def openapi(self) -> qstash_openapi.Client:
        """The generated low-level client (``qstash_openapi``) on this client's connection.

        Raw endpoint calls made with it share this client's auth, base URL, timeouts, retries
        and typed errors::

            from qstash_openapi.api.queues import list_queues
            queues = await list_queues.asyncio(client=client.openapi)
        """
        import qstash_openapi

        low_level = qstash_openapi.Client(base_url=self._base_url)
        low_level.set_async_httpx_client(self._http)
        return low_level

    @cached_property
    def message(self) -> AsyncMessageApi:
        """Publish, enqueue, batch, get and cancel messages."""
        from qstash._async.message import AsyncMessageApi

        return AsyncMessageApi(self)

    @cached_property
    def schedule(self) -> AsyncScheduleApi:
        """Create (cron checked first), get, list, delete, pause and resume schedules."""
        from qstash._async.schedule import AsyncScheduleApi

        return AsyncScheduleApi(self)

    @cached_property
    def queue(self) -> AsyncQueueApi:
        """Upsert, get, list, delete, pause and resume queues."""
        from qstash._async.queue import AsyncQueueApi

        return AsyncQueueApi(self)

    @cached_property
    def url_group(self) -> AsyncUrlGroupApi:
        """Add and remove endpoints; get, list and delete URL groups."""
        from qstash._async.url_group import AsyncUrlGroupApi

        return AsyncUrlGroupApi(self)

    @cached_property
    def signing_key(self) -> AsyncSigningKeyApi:
        """Get and rotate the signing keys."""
        from qstash._async.signing_key import AsyncSigningKeyApi

        return AsyncSigningKeyApi(self)

    @cached_property
    def flow_control(self) -> AsyncFlowControlApi:
        """Inspect, pause, resume, pin, unpin and list flow-control keys."""
        from qstash._async.flow_control import AsyncFlowControlApi

        return AsyncFlowControlApi(self)

    @cached_property
    def chat(self) -> AsyncChatApi:
        """LLM chat completions (Upstash-hosted or any OpenAI-compatible API), whole or streamed."""
        from qstash._async.chat import AsyncChatApi

        return AsyncChatApi(self)

    @cached_property
    def dlq(self) -> AsyncDlqApi:
        """The dead-letter queue: list, get, delete and retry messages whose delivery failed."""
        from qstash._async.dlq import AsyncDlqApi

        return AsyncDlqApi(self)

    @cached_property
    def log(self) -> AsyncLogApi:
        """Logs: every state change of every message, with filters and paging."""
        from qstash._async.log import AsyncLogApi

        return AsyncLogApi(self)

    @cached_property
    def event(self) -> AsyncEventApi:
        """Deprecated: the old name of :attr:`log`; every call warns."""
        from qstash._async.log import AsyncEventApi

        return AsyncEventApi(self)

    async def _send(self, spec: RequestSpec) -> httpx.Response:
        """Send a request built by a pure builder; raises the typed errors of the transport."""
        http = self._http
        request = http.build_request(
            spec.method,
            # Absolute: httpx parses it once, instead of parsing and merging a relative path
            # with base_url (about a twentieth of a local publish's time).
            self._base_url + spec.path,
            headers=spec.headers,
            content=spec.content,
            extensions=spec.extensions,
        )
        hooks = http.event_hooks
        if http.is_closed or http.auth is not None or hooks["request"] or hooks["response"]:
            # Someone gave `client.http` auth or event hooks (or closed it): httpx applies them.
            return await http.send(request)
        # Straight to our transport, which retries, raises typed errors and reads the body:
        # what httpx's send adds around it (auth and redirect flows, cookies, timing, a log
        # line) is unused here, and skipping it takes about a tenth off a local publish.
        response = await self._transport.handle_async_request(request)
        response.request = request
        return response

    def _secrets_of(self, spec: RequestSpec) -> tuple[str, ...]:
        """What must never show in an error about ``spec``: the token and the request's own
        third-party secrets (LLM provider keys)."""
        extra = spec.extensions.get(SECRETS_EXTENSION, ())
        return self._token_secrets + (tuple(extra) if isinstance(extra, tuple) else ())

    def _dedup_ids(self) -> Callable[[], str] | None:
        """The dedup-id factory when retries are on (ids make a lost response safe to retry)."""
        return self._id_factory if self._retry.max_retries > 0 else None

    def _dedup_id(self) -> str | None:
        """A fresh deduplication id when retries are on, else None."""
        return self._id_factory() if self._retry.max_retries > 0 else None

    async def aclose(self) -> None:
        """Close the connection pool (an injected ``httpx_client`` stays open)."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
