"""An httpx transport that sends with aiohttp: the fastest choice for many concurrent async calls.

``AsyncQStash``'s default transport (httpcore connections in a pool of our own) already avoids
the cost of httpx's pool; aiohttp's C-accelerated HTTP stack spends less CPU per request still,
about twice as many requests per second at 64 concurrent calls on a small machine. Behind this
transport ``AsyncQStash`` keeps its retries, typed errors and every other behaviour (the
README's Performance section has the figures)::

    from qstash import AsyncQStash
    from qstash.aiohttp import AiohttpTransport

    client = AsyncQStash(transport=AiohttpTransport())

Needs the ``aiohttp`` extra (``pip install "qstash[aiohttp]"``) and asyncio (aiohttp does not
run under trio). Requests go out exactly as httpx built them (URL, headers, body); responses
come back as httpx responses, streamed, with httpx decoding any ``Content-Encoding``.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import httpx

try:
    import aiohttp
    import yarl
    from multidict import CIMultiDict
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        'qstash.aiohttp needs aiohttp: pip install "qstash[aiohttp]"', name=exc.name
    ) from exc

__all__ = ["AiohttpTransport"]

# aiohttp adds these when a request lacks them; httpx decided already, so add nothing (an
# added Content-Type would even become the published message's content type).
_NO_AUTO_HEADERS = ("Accept", "Accept-Encoding", "Content-Type", "User-Agent")
_HTTP_1_1 = {"http_version": b"HTTP/1.1"}


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests through one ``aiohttp.ClientSession`` (asyncio only).

    Args:
        limits: connection pool size: ``max_connections`` (``None``: unbounded) and
            ``keepalive_expiry`` (seconds an idle connection is kept) are used; aiohttp keeps
            every idle connection up to ``max_connections``. Default: the clients'
            ``DEFAULT_LIMITS`` (100 connections).
        verify: ``True`` (default) checks server certificates as httpx does, ``False`` does
            not, or give an ``ssl.SSLContext``.

    The session is created on the first request, inside the running event loop, and closed
    by :meth:`aclose` (``AsyncQStash.aclose()`` closes the transport it was given). Use the
    transport from one event loop. Timeouts come from the request, as httpx sets them:
    ``connect`` bounds making a connection, ``read`` each read, ``pool`` waiting for a free
    connection. aiohttp's errors are raised as the httpx errors they correspond to, so retries
    and typed errors work as with httpx's own transport.
    """

    def __init__(
        self, *, limits: httpx.Limits | None = None, verify: ssl.SSLContext | bool = True
    ) -> None:
        if limits is None:
            from qstash._async.client import DEFAULT_LIMITS

            limits = DEFAULT_LIMITS
        self._limits = limits
        self._verify = verify
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(limits={self._limits!r})"

    def _new_session(self) -> aiohttp.ClientSession:
        ssl_setting: ssl.SSLContext | bool = self._verify
        if ssl_setting is True:
            # httpx's own default context (certifi's roots), so both transports trust the same.
            ssl_setting = httpx.create_ssl_context()
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections or 0,  # 0: no limit
            keepalive_timeout=self._limits.keepalive_expiry,
            ssl=ssl_setting,
        )
        return aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),  # httpx keeps the cookies, if any
            auto_decompress=False,  # httpx decodes, as for its own transport
            skip_auto_headers=_NO_AUTO_HEADERS,
        )

    def _timeout(self, request: httpx.Request) -> aiohttp.ClientTimeout:
        spec = request.extensions.get("timeout", {})
        key = (spec.get("connect"), spec.get("read"), spec.get("pool"))
        timeout = self._timeouts.get(key)
        if timeout is None:
            connect, read, pool = key
            # aiohttp's `connect` covers waiting for a pooled connection and making one.
            waiting = None if pool is None and connect is None else (pool or 0) + (connect or 0)
            timeout = aiohttp.ClientTimeout(
                total=None, connect=waiting, sock_connect=connect, sock_read=read
            )
            self._timeouts[key] = timeout
        return timeout

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` with aiohttp; the response body stays unread (streamed)."""
        if self._session is None:
            self._session = self._new_session()
        content = await request.aread()
        with _httpx_errors():
            response = await self._session.request(
                request.method,
                # encoded=True: send the URL exactly as httpx built it, no re-quoting.
                yarl.URL(str(request.url), encoded=True),
                # The raw list keeps httpx's header names as written (not lower-cased).
                headers=CIMultiDict(
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in request.headers.raw
                ),
                data=content or None,
                allow_redirects=False,
                timeout=self._timeout(request),
            )
        return httpx.Response(
            response.status,
            headers=list(response.raw_headers),
            stream=_ResponseStream(response),
            extensions={**_HTTP_1_1, "reason_phrase": (response.reason or "").encode()},
        )

    async def aclose(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


class _ResponseStream(httpx.AsyncByteStream):
    """An aiohttp response body as an httpx stream; closing it frees the connection."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for chunk in self._response.content.iter_any():
                yield chunk

    async def aclose(self) -> None:
        # A fully read body returns the connection to the pool; a partly read one closes it.
        self._response.release()


@contextmanager
def _httpx_errors() -> Iterator[None]:
    """Raise aiohttp's failures as the httpx errors the retry policy classifies."""
    try:
        yield
    except aiohttp.ClientProxyConnectionError as exc:
        raise httpx.ProxyError(str(exc)) from exc
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
        # Nothing was sent: never connected, or no pooled connection came free in time.
        timed_out = isinstance(exc, aiohttp.ConnectionTimeoutError)
        raise (httpx.ConnectTimeout if timed_out else httpx.ConnectError)(str(exc)) from exc
    except TimeoutError as exc:
        # aiohttp's SocketTimeoutError (sock_read), or a timeout it did not classify.
        raise httpx.ReadTimeout(str(exc) or "timed out reading the response") from exc
    except aiohttp.InvalidURL as exc:
        raise httpx.UnsupportedProtocol(str(exc)) from exc
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError) as exc:
        raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from exc
    except aiohttp.ClientError as exc:
        raise httpx.ReadError(str(exc) or type(exc).__name__) from exc
