"""The default async transport: httpcore's HTTP/1.1 connections under a lean pool of our own.

Why: with many concurrent requests, ``httpx.AsyncHTTPTransport`` spends most of the CPU of a
busy ``AsyncQStash`` in httpcore's connection pool rather than on the wire. Measured at 64
concurrent tasks (httpcore 1.0.9): every request start and end re-scans every connection and
every queued request, polls the socket of every idle connection, and hands one idle connection
to several queued requests at once; all but one of them fail and go round again, about 15 pool
passes per request. Its idle-connection cap also counts busy connections, so above 20
connections it closes connections that were about to be reused.

What: the same ``httpcore.AsyncHTTPConnection`` objects (HTTP/1.1, TLS, keep-alive expiry) and
the same request, response and exception conversions as httpx, with a pool that does little:
``max_connections`` slots, a last-in-first-out stack of idle connections per origin (checked
once, when taken: expired or closed by the server means closed and skipped), one request per
connection at a time, and the connection back on its stack when the response is closed (or
its body fails to read). ``max_keepalive_connections`` caps the idle ones (the oldest makes
room) and ``keepalive_expiry`` ages them (expired ones are closed as connections come back),
as in httpx. The pool timeout applies while waiting for a slot.

Used for the default transport of :class:`~qstash.AsyncQStash` only (no proxy, no HTTP/2, no
custom sockets: a caller who needs those passes ``transport=`` or ``httpx_client=``). The
sync client keeps ``httpx.HTTPTransport``: one request at a time per thread does not hit these
costs; ``scripts/unasync`` maps :class:`AsyncPoolTransport` to :data:`PoolTransport`.
"""

from __future__ import annotations

import ssl
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import anyio
import httpcore
import httpx

__all__ = ["AsyncPoolTransport", "PoolTransport"]

_Idle = tuple[float, httpcore.AsyncHTTPConnection]
"""An idle connection and the ``time.monotonic()`` at which it was given back."""

PoolTransport = httpx.HTTPTransport
"""The sync twin of :class:`AsyncPoolTransport`: httpx's own transport."""

# httpcore's exceptions as httpx's, subclasses before their bases (what httpx's own transport
# raises for each).
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for core, mapped in _ERRORS:
            if isinstance(exc, core):
                raise mapped(str(exc)) from exc
        raise


class _Lease:
    """One request's hold on a pool slot and a connection, given back exactly once."""

    __slots__ = ("_connection", "_origin", "_pool", "_returned")

    def __init__(
        self, pool: _AsyncPool, origin: httpcore.Origin, connection: httpcore.AsyncHTTPConnection
    ) -> None:
        self._pool = pool
        self._origin = origin
        self._connection = connection
        self._returned = False

    async def give_back(self) -> None:
        """Put the connection back on its stack if it can serve another request (else close
        it), and free the slot."""
        if self._returned:
            return
        self._returned = True
        await self._pool.give_back(self._origin, self._connection)


class _AsyncPool:
    """``max_connections`` slots and the idle connections, per origin (see the module
    docstring)."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._max_connections = limits.max_connections
        self._max_idle = limits.max_keepalive_connections
        self._expiry = limits.keepalive_expiry
        # By (scheme, host, port) (httpcore's Origin is not hashable): (time given back,
        # connection), oldest first; requests take the newest.
        self._idle: dict[tuple[bytes, bytes, int], deque[_Idle]] = {}
        self._idle_count = 0
        self._busy: set[httpcore.AsyncHTTPConnection] = set()
        self._slots: anyio.Semaphore | None = None  # made in the event loop, on first use
        self._ssl_context: ssl.SSLContext | None = None  # made for the first https origin
        self._closed = False

    async def send(self, request: httpcore.Request) -> tuple[httpcore.Response, _Lease]:
        """Send ``request`` on a pooled connection; the lease must be given back once the
        response is closed."""
        scheme = request.url.scheme
        if scheme not in (b"http", b"https"):
            # Checked before a slot is taken (httpcore's Origin would raise a KeyError).
            raise httpcore.UnsupportedProtocol(
                f"Request URL has an unsupported protocol '{scheme.decode()}://'."
                if scheme
                else "Request URL is missing an 'http://' or 'https://' protocol."
            )
        origin = request.url.origin
        await self._take_slot(request)
        try:
            while True:
                connection, reused = await self._connection(origin)
                self._busy.add(connection)
                try:
                    response = await connection.handle_async_request(request)
                except httpcore.ConnectionNotAvailable:
                    # A reused connection that stopped being usable between the check and the
                    # request: drop it and use another, as httpcore's own pool does.
                    await self._drop(connection)
                    if not reused:
                        raise
                    continue
                except BaseException:
                    await self._drop(connection)
                    raise
                return response, _Lease(self, origin, connection)
        except BaseException:
            self._free_slot()
            raise

    async def _take_slot(self, request: httpcore.Request) -> None:
        if self._max_connections is None:
            return
        if self._slots is None:
            self._slots = anyio.Semaphore(self._max_connections)
        try:
            self._slots.acquire_nowait()  # the usual case: no checkpoint, no timer
            return
        except anyio.WouldBlock:
            pass
        timeouts = request.extensions.get("timeout")
        timeout = timeouts.get("pool") if isinstance(timeouts, dict) else None
        with anyio.move_on_after(timeout) as scope:
            await self._slots.acquire()
        if scope.cancelled_caught:
            raise httpcore.PoolTimeout("timed out waiting for a free connection")

    def _free_slot(self) -> None:
        if self._slots is not None:
            self._slots.release()

    async def _connection(
        self, origin: httpcore.Origin
    ) -> tuple[httpcore.AsyncHTTPConnection, bool]:
        """The most recently used idle connection to ``origin`` that is still usable, or a
        new one; and whether it was reused."""
        stack = self._idle.get((origin.scheme, origin.host, origin.port))
        while stack:
            _, connection = stack.pop()
            self._idle_count -= 1
            # has_expired(): past keepalive_expiry, or the server closed it (readable socket).
            if connection.is_idle() and not connection.has_expired():
                return connection, True
            await _close(connection)
        ssl_context = None
        if origin.scheme == b"https":
            if self._ssl_context is None:
                self._ssl_context = httpx.create_ssl_context()
            ssl_context = self._ssl_context
        new = httpcore.AsyncHTTPConnection(
            origin=origin, ssl_context=ssl_context, keepalive_expiry=self._expiry
        )
        return new, False

    async def give_back(
        self, origin: httpcore.Origin, connection: httpcore.AsyncHTTPConnection
    ) -> None:
        """A response was closed: keep its connection for the next request, or close it.

        Idle connections past ``keepalive_expiry`` are closed here (the oldest of each
        origin), and when ``max_keepalive_connections`` are idle already the oldest idle one
        makes room: a burst to one host cannot leave stale connections that crowd out
        another host's.
        """
        self._busy.discard(connection)
        try:
            now = time.monotonic()
            closing = self._expired(now)
            if connection.is_idle() and not self._closed and self._max_idle != 0:
                if self._max_idle is not None and self._idle_count >= self._max_idle:
                    closing.append(self._take_oldest())
                key = (origin.scheme, origin.host, origin.port)
                self._idle.setdefault(key, deque()).append((now, connection))
                self._idle_count += 1
            else:
                closing.append(connection)
            for stale in closing:
                await _close(stale)
        finally:
            self._free_slot()

    def _expired(self, now: float) -> list[httpcore.AsyncHTTPConnection]:
        """Take the idle connections past ``keepalive_expiry`` off their stacks."""
        expired: list[httpcore.AsyncHTTPConnection] = []
        if self._expiry is None:
            return expired
        for stack in self._idle.values():
            while stack and now - stack[0][0] >= self._expiry:
                expired.append(stack.popleft()[1])
                self._idle_count -= 1
        return expired

    def _take_oldest(self) -> httpcore.AsyncHTTPConnection:
        """Take the idle connection given back longest ago (there is one)."""
        stack = min((s for s in self._idle.values() if s), key=lambda s: s[0][0])
        self._idle_count -= 1
        return stack.popleft()[1]

    async def _drop(self, connection: httpcore.AsyncHTTPConnection) -> None:
        self._busy.discard(connection)
        await _close(connection)

    def state(self) -> tuple[int, int, int]:
        """(connections serving a request, idle connections kept, requests waiting for a
        slot): for tests and debugging."""
        waiting = 0 if self._slots is None else self._slots.statistics().tasks_waiting
        return len(self._busy), self._idle_count, waiting

    async def aclose(self) -> None:
        """Close every connection, idle or busy."""
        self._closed = True
        connections = [connection for stack in self._idle.values() for _, connection in stack]
        connections += self._busy
        self._idle.clear()
        self._idle_count = 0
        self._busy.clear()
        for connection in connections:
            await _close(connection)


async def _close(connection: httpcore.AsyncHTTPConnection) -> None:
    # Shielded: a cancelled caller must not leave a socket half closed.
    with anyio.CancelScope(shield=True):
        await connection.aclose()


class _Body(httpx.AsyncByteStream):
    """A response body from the pool: httpx's exceptions while reading, and the connection
    given back when it is closed."""

    def __init__(self, stream: object, lease: _Lease) -> None:
        self._stream = stream
        self._lease = lease

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            with _httpx_errors():
                async for part in self._stream:  # type: ignore[attr-defined]
                    yield part
        except BaseException:
            # A read that failed or was cancelled: give the connection back (closed) now,
            # whether or not the response is ever closed, as httpcore's pool does.
            with anyio.CancelScope(shield=True):
                await self.aclose()
            raise

    async def aclose(self) -> None:
        try:
            close = getattr(self._stream, "aclose", None)
            if close is not None:
                with _httpx_errors():
                    await close()
        finally:
            await self._lease.give_back()


class AsyncPoolTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over httpcore connections, pooled by :class:`_AsyncPool` (module docstring).

    Args:
        limits: ``max_connections`` (slots), ``max_keepalive_connections`` (idle ones kept)
            and ``keepalive_expiry``, as in httpx.
    """

    def __init__(self, limits: httpx.Limits) -> None:
        self._pool = _AsyncPool(limits)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; the response body is streamed (read it or close it)."""
        url = request.url
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response, lease = await self._pool.send(core)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream, lease),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self._pool.aclose()
