"""``qstash._pool.AsyncPoolTransport`` against a real HTTP/1.1 server on 127.0.0.1.

The server below is a few threads over raw sockets, so every test sees what really went over
the wire: how many connections were opened, how many were open at once, which connection
carried each request, and when the client closed one. Behaviours are picked by path:

- ``/ok`` (and any unknown path): 200 with a small JSON body, connection kept alive;
- ``/hold/<gate>``: wait until the test opens ``<gate>`` (or the client goes away), then 200;
- ``/close``: 200 with ``Connection: close``, then close;
- ``/drop``: 200 kept alive, then close the connection anyway (a server dropping an idle one);
- ``/hangup``: close without answering;
- ``/cut``: headers for 100 bytes of body, 10 bytes, then close;
- ``/slowbody/<gate>``: headers at once, the body when ``<gate>`` opens;
- ``/chunked?n=N&size=S``: a chunked body of N chunks of S bytes (chunk ``i`` is byte ``i``);
- ``/echo?status=N``: status N with a custom reason, fixed headers and ``echo:`` + the body.
"""

from __future__ import annotations

import contextlib
import gc
import json
import select
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from io import BufferedReader
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import pytest

from qstash import AsyncQStash, QStash
from qstash._pool import AsyncPoolTransport

TIMEOUT = httpx.Timeout(2.0)
"""Every client's timeout: a hang fails the test in 2 s instead of stalling the run."""

_JSON_OK = b'{"ok":true}'


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the server read it off the wire."""

    connection: int
    """Which accepted connection carried it (1 for the first)."""
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    """Names and values as sent, in order, duplicates kept."""
    body: bytes


class Server:
    """A threaded HTTP/1.1 server on 127.0.0.1 that counts what it sees (module docstring)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.replies: dict[str, bytes] = {}
        """JSON bodies by exact path, answered with 200 (for the QStash client test)."""
        self._lock = threading.Lock()
        self._gates: dict[str, threading.Event] = {}
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self.requests: list[Seen] = []
        self.connections = 0
        """Connections accepted."""
        self.open = 0
        self.max_open = 0
        """Most connections open at the same time."""
        self.active = 0
        self.max_active = 0
        """Most ``/hold`` requests waiting at the same time."""
        self.eofs = 0
        """Connections the client closed (EOF or reset seen by the server)."""
        self.aborted = 0
        """Connections the client closed while the server was still answering."""
        self.dropped = 0
        """Connections closed by ``/drop``."""
        self._acceptor = threading.Thread(target=self._accept, name="pool-test-accept")
        self._acceptor.start()

    def gate(self, name: str) -> threading.Event:
        """The event ``/hold/<name>`` and ``/slowbody/<name>`` wait for."""
        with self._lock:
            return self._gates.setdefault(name, threading.Event())

    def close(self) -> None:
        """Stop accepting, wake every handler, join every thread, close every socket."""
        with self._lock:
            self._stopping = True
            gates = list(self._gates.values())
            sockets = list(self._sockets)
        for gate in gates:
            gate.set()
        # accept() does not notice a close from another thread: wake it with a connection.
        socket.create_connection(("127.0.0.1", self.port)).close()
        self._acceptor.join(5)
        for sock in sockets:
            # shutdown() (unlike close()) wakes a handler blocked in recv().
            with contextlib.suppress(OSError):  # the handler closed it meanwhile
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)
        self._listener.close()
        alive = [thread.name for thread in (self._acceptor, *self._threads) if thread.is_alive()]
        assert not alive, f"server threads still running: {alive}"

    def _accept(self) -> None:
        while True:
            sock, _ = self._listener.accept()
            with self._lock:
                if self._stopping:
                    sock.close()
                    return
                self.connections += 1
                self.open += 1
                self.max_open = max(self.max_open, self.open)
                number = self.connections
                self._sockets.add(sock)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            thread = threading.Thread(
                target=self._serve, args=(sock, number), name=f"pool-test-conn-{number}"
            )
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket, number: int) -> None:
        reader = sock.makefile("rb")
        try:
            while self._one_request(sock, reader, number):
                pass
        except OSError:  # reset by the client, or shut down by close()
            self._count("eofs")
        finally:
            with self._lock:
                self._sockets.discard(sock)
                self.open -= 1
            reader.close()
            sock.close()

    def _count(self, name: str, step: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + step)
            if name == "active":
                self.max_active = max(self.max_active, self.active)

    def _one_request(self, sock: socket.socket, reader: BufferedReader, number: int) -> bool:
        """Read and answer one request; False when the connection is done."""
        first = sock.recv(1, socket.MSG_PEEK)
        if not first:
            self._count("eofs")
            return False
        if not first.isupper():
            # Not HTTP (a TLS ClientHello): say so in plain HTTP, as a real server would.
            sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return False
        request_line = reader.readline().decode("latin-1").rstrip("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers: list[tuple[str, str]] = []
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name, value.strip()))
        lower = {name.lower(): value for name, value in headers}
        if lower.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while size := int(reader.readline().split(b";")[0], 16):
                body += reader.read(size)
                reader.readline()
            while reader.readline() not in (b"\r\n", b""):
                pass  # trailers
        else:
            body = reader.read(int(lower.get("content-length", "0")))
        with self._lock:
            self.requests.append(Seen(number, method, target, tuple(headers), body))
        return self._answer(sock, method, target, body)

    def _answer(self, sock: socket.socket, method: str, target: str, body: bytes) -> bool:
        split = urlsplit(target)
        path = split.path
        query = {key: values[0] for key, values in parse_qs(split.query).items()}
        if path.startswith("/hold/"):
            self._count("active")
            try:
                if not self._wait(sock, self.gate(path.removeprefix("/hold/"))):
                    return False
            finally:
                self._count("active", -1)
            sock.sendall(_response(200, b"held"))
        elif path == "/close":
            sock.sendall(_response(200, _JSON_OK, ("Connection", "close")))
            return False
        elif path == "/drop":
            sock.sendall(_response(200, _JSON_OK))
            sock.shutdown(socket.SHUT_RDWR)
            self._count("dropped")
            return False
        elif path == "/hangup":
            return False
        elif path == "/cut":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
            return False
        elif path.startswith("/slowbody/"):
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n")
            if not self._wait(sock, self.gate(path.removeprefix("/slowbody/"))):
                return False
            sock.sendall(b"late")
        elif path == "/chunked":
            sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            size = int(query["size"])
            for index in range(int(query["n"])):
                sock.sendall(b"%x\r\n%s\r\n" % (size, bytes([index % 256]) * size))
            sock.sendall(b"0\r\n\r\n")
        elif path == "/echo":
            status = int(query.get("status", "200"))
            content = b"echo:" + body
            head = (
                f"HTTP/1.1 {status} Custom Reason\r\n"
                "Content-Type: application/octet-stream\r\n"
                "X-Reply: yes\r\n"
                "Set-Cookie: a=1\r\n"
                "Set-Cookie: b=2\r\n"
                f"Content-Length: {len(content)}\r\n\r\n"
            ).encode()
            sock.sendall(head if method == "HEAD" else head + content)
        else:
            sock.sendall(_response(200, self.replies.get(path, _JSON_OK)))
        return True

    def _wait(self, sock: socket.socket, gate: threading.Event) -> bool:
        """Wait for ``gate``; False (and counted as aborted) if the client goes away first."""
        while not gate.wait(0.002):
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                try:
                    gone = not sock.recv(1, socket.MSG_PEEK)
                except OSError:
                    gone = True
                if gone:
                    self._count("aborted")
                    self._count("eofs")
                    return False
        return True


def _response(status: int, body: bytes, *extra: tuple[str, str]) -> bytes:
    head = f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in extra)
    return f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    try:
        yield running
    finally:
        running.close()
    # An unclosed socket warns when collected: collect now, so the warning (an error under
    # filterwarnings=error) lands on the test that leaked it.
    gc.collect()


def pool_client(
    *,
    max_connections: int | None = 10,
    max_keepalive_connections: int | None = 10,
    keepalive_expiry: float | None = 5.0,
) -> tuple[httpx.AsyncClient, AsyncPoolTransport]:
    """An ``httpx.AsyncClient`` on a fresh :class:`AsyncPoolTransport`, and the transport."""
    transport = AsyncPoolTransport(
        limits=httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry=keepalive_expiry,
        )
    )
    return httpx.AsyncClient(transport=transport, timeout=TIMEOUT), transport


async def until(condition: Callable[[], bool], what: str) -> None:
    """Let the event loop run until ``condition()`` holds (the server runs in threads)."""
    for _ in range(2000):  # at least 2 s
        if condition():
            return
        await anyio.sleep(0.001)
    pytest.fail(f"timed out waiting for {what}")


def connections_of(server: Server) -> list[int]:
    return [seen.connection for seen in server.requests]


# --- reuse and limits ---------------------------------------------------------------------------


async def test_sequential_requests_reuse_one_connection(server: Server) -> None:
    client, _ = pool_client()
    async with client:
        for _ in range(20):
            response = await client.get(f"{server.url}/ok")
            assert response.json() == {"ok": True}
    assert server.connections == 1
    assert connections_of(server) == [1] * 20


async def test_each_origin_has_its_own_idle_connections(server: Server) -> None:
    other = Server()
    try:
        client, _ = pool_client()
        async with client:
            for _ in range(5):
                assert (await client.get(f"{server.url}/ok")).status_code == 200
                assert (await client.get(f"{other.url}/ok")).status_code == 200
        assert (server.connections, other.connections) == (1, 1)
    finally:
        other.close()


async def test_most_recently_used_idle_connection_is_taken_first(server: Server) -> None:
    client, _ = pool_client()
    async with client:
        async with anyio.create_task_group() as tasks:
            for _ in range(2):
                tasks.start_soon(client.get, f"{server.url}/hold/g")
            await until(lambda: server.active == 2, "2 requests at the server")
            server.gate("g").set()
        for _ in range(4):
            await client.get(f"{server.url}/ok")
    # Last in, first out: one connection serves a sequential load and the other one is left
    # to age out, instead of both being kept warm in turn.
    assert server.connections == 2
    assert len(set(connections_of(server)[2:])) == 1


async def test_max_connections_bounds_concurrency(server: Server) -> None:
    client, _ = pool_client(max_connections=3)
    async with client:
        statuses: list[int] = []

        async def fetch() -> None:
            statuses.append((await client.get(f"{server.url}/hold/g")).status_code)

        async with anyio.create_task_group() as tasks:
            for _ in range(10):
                tasks.start_soon(fetch)
            await until(lambda: server.active == 3, "3 requests at the server")
            # Give the 7 others every chance to get through if the pool let them.
            await anyio.sleep(0.05)
            assert (server.active, server.connections) == (3, 3)
            server.gate("g").set()
    assert statuses == [200] * 10
    assert server.max_open == 3
    assert server.max_active == 3
    assert server.connections == 3  # the 7 waiting requests reused the first 3 connections


async def test_no_max_connections_means_no_slot_limit(server: Server) -> None:
    client, _ = pool_client(max_connections=None)
    async with client, anyio.create_task_group() as tasks:
        for _ in range(6):
            tasks.start_soon(client.get, f"{server.url}/hold/g")
        await until(lambda: server.active == 6, "6 requests at the server")
        server.gate("g").set()
    assert server.connections == 6


async def test_pool_timeout_while_every_slot_is_taken(server: Server) -> None:
    client, _ = pool_client(max_connections=1)
    async with client:
        held = await client.send(client.build_request("GET", f"{server.url}/ok"), stream=True)
        assert held.status_code == 200
        with pytest.raises(httpx.PoolTimeout) as caught:
            await client.get(f"{server.url}/ok", timeout=httpx.Timeout(2.0, pool=0.05))
        assert caught.value.request.url == f"{server.url}/ok"
        assert len(server.requests) == 1  # the timed-out request never reached the wire
        await held.aclose()
        after = await client.get(f"{server.url}/ok", timeout=httpx.Timeout(2.0, pool=0.05))
        assert after.status_code == 200
    # The held response was closed unread: its connection could not serve another request.
    assert server.connections == 2


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/close", id="connection-close-header"),
        pytest.param("/drop", id="server-drops-idle-connection"),
    ],
)
async def test_connection_closed_by_the_server_is_not_reused(server: Server, path: str) -> None:
    client, _ = pool_client()
    async with client:
        assert (await client.get(f"{server.url}{path}")).status_code == 200
        if path == "/drop":
            # The response came first, then the close: wait until the server has closed it
            # so the connection is idle in the pool when the server drops it.
            await until(lambda: server.dropped == 1, "the server to drop the connection")
        response = await client.get(f"{server.url}/ok")
        assert response.json() == {"ok": True}
    assert server.connections == 2
    assert connections_of(server) == [1, 2]


@pytest.mark.parametrize(
    ("expiry", "connections"),
    [
        pytest.param(0.01, 2, id="expired"),
        pytest.param(5.0, 1, id="fresh"),
        pytest.param(None, 1, id="no-expiry"),
    ],
)
async def test_keepalive_expiry(server: Server, expiry: float | None, connections: int) -> None:
    client, _ = pool_client(keepalive_expiry=expiry)
    async with client:
        await client.get(f"{server.url}/ok")
        await anyio.sleep(0.05)  # longer than the tiny expiry
        await client.get(f"{server.url}/ok")
        if connections == 2:
            # The expired connection was closed, not just left behind.
            await until(lambda: server.eofs == 1, "the expired connection to be closed")
    assert server.connections == connections


async def test_max_keepalive_connections_caps_idle_connections(server: Server) -> None:
    client, _ = pool_client(max_connections=10, max_keepalive_connections=2)
    async with client:
        for wave in ("first", "second"):
            async with anyio.create_task_group() as tasks:
                for _ in range(5):
                    tasks.start_soon(client.get, f"{server.url}/hold/{wave}")
                # All 5 at the server at once: none could reuse another's connection.
                await until(lambda: server.active == 5, f"the {wave} wave at the server")
                server.gate(wave).set()
            if wave == "first":
                # 5 connections given back, room for 2: the client closed the other 3.
                assert server.connections == 5
                await until(lambda: server.eofs == 3, "3 connections closed by the client")
    # The second wave took the 2 idle connections and opened 3 more.
    assert server.connections == 8
    first = set(connections_of(server)[:5])
    second = set(connections_of(server)[5:])
    assert len(first & second) == 2
    assert second - first == {6, 7, 8}


async def test_expired_idle_connections_below_the_newest_are_closed(server: Server) -> None:
    # Requests only ever take the newest idle connection; the older ones, once past
    # keepalive_expiry, are closed as connections come back (httpx does the same).
    client, transport = pool_client(max_keepalive_connections=10, keepalive_expiry=0.2)
    async with client:
        async with anyio.create_task_group() as tasks:
            for _ in range(10):
                tasks.start_soon(client.get, f"{server.url}/hold/burst")
            await until(lambda: server.active == 10, "the burst at the server")
            server.gate("burst").set()
        assert server.open == 10
        # Steady traffic keeps the newest connection fresh while the others age past 0.2 s.
        # (A loop on the clock, not a cancel scope: cancelling a request closes its connection.)
        stop = anyio.current_time() + 0.4
        while anyio.current_time() < stop:
            await client.get(f"{server.url}/ok")
            await anyio.sleep(0.01)
        await until(lambda: server.open == 1, "the 9 expired connections closed")
        assert transport._pool.state() == (0, 1, 0)


async def test_the_oldest_idle_connection_makes_room_for_a_new_one(server: Server) -> None:
    # Two idle connections to one server fill max_keepalive_connections=2; another server's
    # connection still stays alive between its requests (the oldest idle one is closed).
    other = Server()
    try:
        client, transport = pool_client(max_keepalive_connections=2, keepalive_expiry=60.0)
        async with client:
            async with anyio.create_task_group() as tasks:
                for _ in range(2):
                    tasks.start_soon(client.get, f"{server.url}/hold/first")
                await until(lambda: server.active == 2, "both requests at the server")
                server.gate("first").set()
            for _ in range(5):
                assert (await client.get(f"{other.url}/ok")).status_code == 200
            assert other.connections == 1
            await until(lambda: server.eofs == 1, "the oldest idle connection closed")
            assert transport._pool.state() == (0, 2, 0)
    finally:
        other.close()


# --- cancellation -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["waiting-for-headers", "reading-the-body"])
async def test_cancelled_request_frees_its_slot_and_closes_its_connection(
    server: Server, stage: str
) -> None:
    client, transport = pool_client(max_connections=1)
    async with client:
        reading = anyio.Event()

        async def fetch() -> None:
            if stage == "waiting-for-headers":
                await client.get(f"{server.url}/hold/never")
            else:
                async with client.stream("GET", f"{server.url}/slowbody/never") as response:
                    reading.set()  # the headers are in; the body never comes
                    await response.aread()
            pytest.fail("the request should have been cancelled")

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(fetch)
            if stage == "waiting-for-headers":
                await until(lambda: len(server.requests) == 1, "the request at the server")
            else:
                await reading.wait()
            tasks.cancel_scope.cancel()
        # The server sees the connection closed while it still has to answer.
        await until(lambda: server.aborted == 1, "the cancelled connection to be closed")
        assert not transport._pool._busy  # the pool forgot the closed connection
        response = await client.get(f"{server.url}/ok", timeout=httpx.Timeout(2.0, pool=0.5))
        assert response.status_code == 200
    assert server.connections == 2


async def test_cancelled_wait_for_a_slot_takes_no_slot(server: Server) -> None:
    client, _ = pool_client(max_connections=1)
    async with client:
        held = await client.send(client.build_request("GET", f"{server.url}/ok"), stream=True)
        with anyio.move_on_after(0.02) as scope:
            await client.get(f"{server.url}/ok")  # waits for the slot (pool timeout: 2 s)
        assert scope.cancelled_caught
        # Still exactly one slot, still taken.
        with pytest.raises(httpx.PoolTimeout):
            await client.get(f"{server.url}/ok", timeout=httpx.Timeout(2.0, pool=0.05))
        await held.aclose()
        assert (await client.get(f"{server.url}/ok")).status_code == 200
    assert len(server.requests) == 2


@pytest.mark.parametrize("ending", ["read-error", "cancelled"])
async def test_a_body_that_stops_mid_read_frees_its_slot_unclosed(
    server: Server, ending: str
) -> None:
    # The caller lets the error (or cancellation) propagate and never closes the response:
    # the slot must come back anyway, as with httpx's own pool.
    client, transport = pool_client(max_connections=1)
    async with client:
        path = "/cut" if ending == "read-error" else "/slowbody/never"
        response = await client.send(client.build_request("GET", server.url + path), stream=True)
        if ending == "read-error":
            with pytest.raises(httpx.RemoteProtocolError):
                async for _ in response.aiter_bytes():
                    pass
        else:
            with anyio.move_on_after(0.05):
                async for _ in response.aiter_bytes():
                    pass
        assert transport._pool.state() == (0, 0, 0)
        assert (await client.get(f"{server.url}/ok")).status_code == 200
        if ending == "cancelled":
            server.gate("never").set()  # let the server thread finish


# --- errors -------------------------------------------------------------------------------------


def _transport(kind: str) -> httpx.AsyncBaseTransport:
    if kind == "pool":
        return AsyncPoolTransport(limits=httpx.Limits(max_connections=1))
    return httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=1))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# Each row: what goes wrong, where it is raised (sending or reading the body), and the httpx
# exception. The same table runs on httpx's own transport: the pool must raise what it raises.
ERRORS = [
    pytest.param("connect-refused", "send", httpx.ConnectError, id="connect-refused"),
    pytest.param("tls-to-plain-http", "send", httpx.ConnectError, id="tls-to-plain-http"),
    pytest.param("/hangup", "send", httpx.RemoteProtocolError, id="no-response"),
    pytest.param("/hold/never", "send", httpx.ReadTimeout, id="read-timeout-headers"),
    pytest.param("/cut", "read", httpx.RemoteProtocolError, id="body-cut-short"),
    pytest.param("/slowbody/never", "read", httpx.ReadTimeout, id="read-timeout-body"),
]


@pytest.mark.parametrize("kind", ["pool", "httpx"])
@pytest.mark.parametrize(("case", "where", "error"), ERRORS)
async def test_errors_map_to_httpx_exceptions(
    server: Server, kind: str, case: str, where: str, error: type[httpx.TransportError]
) -> None:
    if case == "connect-refused":
        url = f"http://127.0.0.1:{_closed_port()}/ok"
    elif case == "tls-to-plain-http":
        url = f"https://127.0.0.1:{server.port}/ok"
    else:
        url = f"{server.url}{case}"
    timeout = httpx.Timeout(2.0, read=0.1)
    transport = _transport(kind)
    async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
        if where == "send":
            with pytest.raises(error) as caught:
                await client.get(url)
        else:
            async with client.stream("GET", url) as response:
                assert response.status_code == 200
                with pytest.raises(error) as caught:
                    await response.aread()
        assert type(caught.value) is error
        assert caught.value.request.url == url
        if isinstance(transport, AsyncPoolTransport):
            assert not transport._pool._busy  # the pool forgot the failed connection
        # The failed request gave its only slot back.
        after = await client.get(f"{server.url}/ok", timeout=httpx.Timeout(2.0, pool=0.5))
        assert after.status_code == 200


@pytest.mark.parametrize("kind", ["pool", "httpx"])
@pytest.mark.parametrize(
    "url",
    [
        pytest.param("ftp://127.0.0.1:{port}/ok", id="unsupported-scheme"),
        pytest.param("/ok", id="no-scheme"),
    ],
)
async def test_url_without_http_scheme_is_refused_and_frees_its_slot(
    server: Server, kind: str, url: str
) -> None:
    async with httpx.AsyncClient(transport=_transport(kind), timeout=TIMEOUT) as client:
        with pytest.raises(httpx.UnsupportedProtocol):
            await client.get(url.format(port=server.port))
        after = await client.get(f"{server.url}/ok", timeout=httpx.Timeout(2.0, pool=0.1))
        assert after.status_code == 200
    assert len(server.requests) == 1  # nothing went to the server for the refused URL


async def test_ssl_context_is_made_once_for_https(server: Server) -> None:
    transport = AsyncPoolTransport(limits=httpx.Limits())
    pool = transport._pool
    assert pool._ssl_context is None  # plain-HTTP users never pay for loading certificates
    async with httpx.AsyncClient(transport=transport, timeout=TIMEOUT) as client:
        await client.get(f"{server.url}/ok")
        assert pool._ssl_context is None
        with pytest.raises(httpx.ConnectError):
            await client.get(f"https://127.0.0.1:{server.port}/ok")
        context = pool._ssl_context
        assert context is not None
        with pytest.raises(httpx.ConnectError):
            await client.get(f"https://127.0.0.1:{server.port}/again")
        assert pool._ssl_context is context


# --- streamed bodies ----------------------------------------------------------------------------


async def test_chunked_body_read_in_full_keeps_the_connection(server: Server) -> None:
    client, _ = pool_client()
    async with client:
        response = await client.get(f"{server.url}/chunked?n=40&size=16384")
        assert response.content == b"".join(bytes([i]) * 16384 for i in range(40))
        assert (await client.get(f"{server.url}/ok")).status_code == 200
    assert server.connections == 1


async def test_early_closed_stream_does_not_return_a_half_read_connection(
    server: Server,
) -> None:
    client, _ = pool_client(max_connections=1)
    async with client:
        async with client.stream("GET", f"{server.url}/chunked?n=256&size=16384") as response:
            received = 0
            async for chunk in response.aiter_raw():
                received += len(chunk)
                break
            assert 0 < received < 256 * 16384
        response = await client.get(f"{server.url}/ok")
        assert response.json() == {"ok": True}
    assert connections_of(server) == [1, 2]


async def test_half_read_connection_takes_no_keepalive_room(server: Server) -> None:
    client, _ = pool_client(max_keepalive_connections=1)
    async with client:
        complete = await client.send(client.build_request("GET", f"{server.url}/ok"), stream=True)
        partial = await client.send(
            client.build_request("GET", f"{server.url}/chunked?n=256&size=16384"), stream=True
        )
        await partial.aclose()  # unread: its connection is unusable
        await complete.aread()
        await complete.aclose()  # its connection is the one worth the single idle place
        assert (await client.get(f"{server.url}/ok")).status_code == 200
    assert connections_of(server) == [1, 2, 1]


async def test_streamed_request_body_goes_out_chunked(server: Server) -> None:
    async def parts() -> AsyncIterator[bytes]:
        for part in (b"first,", b"", b"second,", b"x" * 70_000):
            yield part

    client, _ = pool_client()
    async with client:
        response = await client.post(f"{server.url}/echo", content=parts())
        assert response.content == b"echo:first,second," + b"x" * 70_000
    (seen,) = server.requests
    assert ("Transfer-Encoding", "chunked") in seen.headers
    assert seen.body == b"first,second," + b"x" * 70_000


# --- closing ------------------------------------------------------------------------------------


async def test_aclose_closes_idle_connections(server: Server) -> None:
    client, transport = pool_client()
    async with anyio.create_task_group() as tasks:
        for _ in range(3):
            tasks.start_soon(client.get, f"{server.url}/hold/g")
        await until(lambda: server.active == 3, "3 requests at the server")
        server.gate("g").set()
    assert (server.connections, server.eofs) == (3, 0)
    await client.aclose()
    await until(lambda: server.eofs == 3, "the server to see the 3 idle connections closed")
    with pytest.raises(RuntimeError, match="closed"):
        await client.get(f"{server.url}/ok")
    # Used directly after aclose(), the transport still answers but keeps nothing.
    response = await transport.handle_async_request(httpx.Request("GET", f"{server.url}/ok"))
    await response.aread()
    await response.aclose()
    await until(lambda: server.eofs == 4, "the connection made after aclose() to be closed")
    assert server.connections == 4


async def test_aclose_closes_busy_connections(server: Server) -> None:
    client, _ = pool_client()
    response = await client.send(client.build_request("GET", f"{server.url}/ok"), stream=True)
    await client.aclose()
    await until(lambda: server.eofs == 1, "the busy connection to be closed")
    await response.aclose()  # closing the response afterwards is harmless
    assert server.connections == 1


# --- HTTP semantics -----------------------------------------------------------------------------

TARGET = "/echo?status={status}&q=a%20b&q=%C3%A9&empty=&plus=1%2B1"
REQUEST_HEADERS = [
    ("X-Case", "MiXeD Value"),
    ("X-Multi", "one"),
    ("X-Multi", "two"),
    ("Content-Type", "application/x-test"),
]


@pytest.mark.parametrize(
    ("method", "status", "body"),
    [
        pytest.param("GET", 200, b"", id="get-200"),
        pytest.param("POST", 201, b'{"a": [1, 2]}', id="post-201"),
        pytest.param("PUT", 404, bytes(range(256)), id="put-404"),
        pytest.param("PATCH", 500, b"z" * 200_000, id="patch-500-large"),
        pytest.param("DELETE", 503, b"", id="delete-503"),
        pytest.param("HEAD", 200, b"", id="head"),
    ],
)
async def test_requests_and_responses_pass_through_exactly(
    server: Server, method: str, status: int, body: bytes
) -> None:
    target = TARGET.format(status=status)
    # The same request through httpx's own transport: the pool must put the same bytes on the
    # wire (header names and order included) and give back the same response.
    results: list[tuple[int, str, str, list[tuple[str, str]], bytes]] = []
    for transport in (httpx.AsyncHTTPTransport(), _transport("pool")):
        async with httpx.AsyncClient(transport=transport, timeout=TIMEOUT) as client:
            response = await client.request(
                method, f"{server.url}{target}", headers=REQUEST_HEADERS, content=body
            )
            results.append(
                (
                    response.status_code,
                    response.reason_phrase,
                    response.http_version,
                    response.headers.multi_items(),
                    response.content,
                )
            )
    via_httpx, via_pool = server.requests
    assert via_pool == Seen(
        via_pool.connection, via_httpx.method, via_httpx.target, via_httpx.headers, via_httpx.body
    )
    assert (via_pool.method, via_pool.target, via_pool.body) == (method, target, body)
    for header in REQUEST_HEADERS:
        assert header in via_pool.headers
    assert results[0] == results[1]
    reply = b"" if method == "HEAD" else b"echo:" + body
    assert results[1] == (
        status,  # 404, 500 and 503 come back as responses: this transport never raises on status
        "Custom Reason",
        "HTTP/1.1",
        [
            ("content-type", "application/octet-stream"),
            ("x-reply", "yes"),
            ("set-cookie", "a=1"),
            ("set-cookie", "b=2"),
            ("content-length", str(len(b"echo:" + body))),
        ],
        reply,
    )


# --- the clients' defaults ----------------------------------------------------------------------


async def test_async_qstash_keeps_a_burst_of_connections_for_the_next_burst(
    server: Server,
) -> None:
    # DEFAULT_LIMITS keeps every connection of a burst alive (httpx's default keeps 20): the
    # second burst of 30 concurrent calls opens no connection at all.
    client = AsyncQStash("pool-token", base_url=server.url, retry=False)
    try:
        for burst in ("first", "second"):
            async with anyio.create_task_group() as tasks:
                for _ in range(30):
                    tasks.start_soon(client.http.get, f"{server.url}/hold/{burst}")
                await until(lambda: server.active == 30, f"the {burst} burst at the server")
                server.gate(burst).set()
            assert server.connections == 30
        assert client._transport._inner._pool.state() == (0, 30, 0)  # type: ignore[attr-defined]
    finally:
        await client.aclose()


async def test_async_qstash_sends_through_the_pool(server: Server) -> None:
    server.replies["/v2/queues"] = json.dumps([]).encode()
    client = AsyncQStash("pool-token", base_url=server.url, retry=False)
    try:
        assert isinstance(client._transport._inner, AsyncPoolTransport)
        for _ in range(3):
            assert await client.queue.list() == []
    finally:
        await client.aclose()
    assert server.connections == 1
    assert [(seen.method, seen.target) for seen in server.requests] == [("GET", "/v2/queues")] * 3
    assert ("Authorization", "Bearer pool-token") in server.requests[0].headers
    await until(lambda: server.eofs == 1, "the client to close its connection")

    sync = QStash("pool-token", base_url=server.url, retry=False)
    try:
        assert isinstance(sync._transport._inner, httpx.HTTPTransport)
    finally:
        sync.close()
