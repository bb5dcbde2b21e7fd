"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1, between an SDK client and the dev server.

Every request that reaches :class:`FaultProxy` draws one :class:`Fault` from a seeded schedule
(the n-th request always gets the n-th draw) and is then forwarded, refused or sabotaged.
Keep-alive works on both sides: one upstream connection per client connection, reopened
when the server closes it. The proxy runs on its own event-loop thread, so sync and async
clients use it alike; it counts what it did per fault kind.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from qstash.dev._thread import LoopThread

__all__ = ["FAULTS", "Fault", "FaultProxy", "FaultSchedule"]


class Fault(enum.StrEnum):
    """What the proxy does with one request."""

    PASS = "pass"
    """Forward it and return the answer."""
    RESET = "reset"
    """Reset the connection once the request arrived; the server never sees it."""
    DROP = "drop"
    """Forward it, let the server handle it, then reset instead of answering."""
    BAD_GATEWAY = "502"
    """Answer 502 itself."""
    UNAVAILABLE = "503"
    """Answer 503 itself."""
    GATEWAY_TIMEOUT = "504"
    """Answer 504 itself."""
    RATE_LIMITED = "429"
    """Answer 429 itself, with ``Retry-After: 0`` and the ``Burst-RateLimit-*`` headers."""
    STALL = "stall"
    """Forward it, then hold the answer until the client gives up (its timeout)."""
    TRUNCATE = "truncate"
    """Forward it, send the answer's head and half its body, then reset."""


FAULTS: tuple[Fault, ...] = tuple(
    fault for fault in Fault if fault not in (Fault.PASS, Fault.TRUNCATE)
)
"""The fault kinds of the main runs (:attr:`Fault.TRUNCATE` is tested on its own)."""

_STATUS_LINES = {
    Fault.BAD_GATEWAY: b"502 Bad Gateway",
    Fault.UNAVAILABLE: b"503 Service Unavailable",
    Fault.GATEWAY_TIMEOUT: b"504 Gateway Timeout",
    Fault.RATE_LIMITED: b"429 Too Many Requests",
}


class FaultSchedule:
    """A seeded sequence of faults: each draw is a fault with its rate, else PASS.

    Args:
        seed: seeds the draws; the same seed gives the same sequence.
        rates: probability of each fault per request (their sum at most 1).
    """

    def __init__(self, seed: int, rates: Mapping[Fault, float]) -> None:
        total = sum(rates.values())
        if not 0 <= total <= 1 or any(rate < 0 for rate in rates.values()):
            raise ValueError(f"fault rates must be >= 0 and sum to at most 1, got {rates}")
        self._random = random.Random(seed)
        self._table: list[tuple[float, Fault]] = []
        edge = 0.0
        for fault, rate in rates.items():
            edge += rate
            self._table.append((edge, fault))

    @classmethod
    def always(cls, fault: Fault) -> FaultSchedule:
        """Every request gets ``fault``."""
        return cls(0, {} if fault is Fault.PASS else {fault: 1.0})

    def draw(self) -> Fault:
        """The fault for the next request."""
        point = self._random.random()
        for edge, fault in self._table:
            if point < edge:
                return fault
        return Fault.PASS


class FaultProxy:
    """The proxy. Use it as a context manager; point clients at :attr:`url`.

    Args:
        upstream: base URL of the server behind it (``http://127.0.0.1:port``).
        schedule: the faults to inject (default: none).
        hold: longest time, in seconds, a stalled answer is held when the client never
            gives up.
    """

    def __init__(
        self, upstream: str, schedule: FaultSchedule | None = None, *, hold: float = 30.0
    ) -> None:
        parts = urlsplit(upstream)
        if parts.hostname is None or parts.port is None:
            raise ValueError(f"upstream needs a host and a port: {upstream!r}")
        self._upstream = (parts.hostname, parts.port)
        self._schedule = schedule or FaultSchedule.always(Fault.PASS)
        self._hold = hold
        self._condition = threading.Condition()
        self._counts: Counter[Fault] = Counter()
        self._thread: LoopThread | None = None
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.url = ""

    def __repr__(self) -> str:
        return f"FaultProxy(url={self.url!r}, upstream={self._upstream!r})"

    def start(self) -> Self:
        """Listen on a free port of 127.0.0.1."""
        thread = LoopThread("fault-proxy")
        thread.start()
        try:
            self._server = thread.run(asyncio.start_server(self._serve, "127.0.0.1", 0))
        except BaseException:
            thread.stop()
            raise
        self._thread = thread
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        """Close the listener and every connection, then the thread."""
        if self._thread is None:
            return
        thread, self._thread = self._thread, None

        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self._server.wait_closed()

        try:
            thread.run(shutdown(), timeout=10)
        finally:
            thread.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def use(self, schedule: FaultSchedule) -> None:
        """Draw the faults of later requests from ``schedule``."""
        with self._condition:
            self._schedule = schedule

    @property
    def counts(self) -> Counter[Fault]:
        """Requests seen so far, by the fault each one got (PASS included)."""
        with self._condition:
            return Counter(self._counts)

    def wait_until(self, predicate: Callable[[Counter[Fault]], bool], timeout: float) -> None:
        """Block until ``predicate(counts)`` holds; ``TimeoutError`` after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while not predicate(self._counts):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"proxy counts {dict(self._counts)} after {timeout}s")
                self._condition.wait(remaining)

    def _draw(self) -> Fault:
        with self._condition:
            fault = self._schedule.draw()
            self._counts[fault] += 1
            self._condition.notify_all()
            return fault

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while True:
                request = await _read_message(reader, request_method=None)
                if request is None:
                    return
                fault = self._draw()
                if fault is Fault.RESET:
                    _reset(writer)
                    return
                status = _STATUS_LINES.get(fault)
                if status is not None:
                    writer.write(_answer(status, fault))
                    await writer.drain()
                    continue
                upstream, response = await self._forward(upstream, request)
                if fault is Fault.DROP:
                    _reset(writer)
                    return
                if fault is Fault.TRUNCATE:
                    head, _, body = response.partition(b"\r\n\r\n")
                    writer.write(head + b"\r\n\r\n" + body[: len(body) // 2])
                    await writer.drain()
                    _reset(writer)
                    return
                if fault is Fault.STALL:
                    # Hold until the client times out and closes (EOF), or `hold` passes.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(reader.read(), self._hold)
                    _reset(writer)
                    return
                writer.write(response)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return
        finally:
            self._tasks.discard(task)
            writer.transport.abort()
            if upstream is not None:
                upstream[1].transport.abort()

    async def _forward(
        self,
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None,
        request: bytes,
    ) -> tuple[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None, bytes]:
        method = request.split(b" ", 1)[0]
        for _ in range(2):  # an idle upstream connection may have been closed: reopen once
            if upstream is None:
                upstream = await asyncio.open_connection(*self._upstream)
            up_reader, up_writer = upstream
            try:
                up_writer.write(request)
                await up_writer.drain()
                response = await _read_message(up_reader, request_method=method)
            except (ConnectionError, asyncio.IncompleteReadError):
                response = None
            if response is not None:
                return upstream, response
            up_writer.transport.abort()
            upstream = None
        raise ConnectionResetError("the upstream server closed the connection twice")


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a crashed server or middlebox would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _answer(status: bytes, fault: Fault) -> bytes:
    body = b'{"error":"injected by the fault proxy: ' + fault.value.encode() + b'"}'
    headers = [
        b"HTTP/1.1 " + status,
        b"Content-Type: application/json",
        b"Content-Length: " + str(len(body)).encode(),
    ]
    if fault is Fault.RATE_LIMITED:
        now = str(int(time.time())).encode()
        headers += [
            b"Retry-After: 0",
            b"Burst-RateLimit-Limit: 100",
            b"Burst-RateLimit-Remaining: 0",
            b"Burst-RateLimit-Reset: " + now,
        ]
    return b"\r\n".join(headers) + b"\r\n\r\n" + body


async def _read_message(
    reader: asyncio.StreamReader, *, request_method: bytes | None
) -> bytes | None:
    """One whole HTTP/1.1 message (head and body) as raw bytes; None at a clean EOF.

    ``request_method`` is None when reading a request, else the method of the request this
    response answers (a HEAD answer has no body).
    """
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise
        return None
    lines = head.split(b"\r\n")
    length: int | None = None
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if request_method is not None:
        status = int(lines[0].split(b" ", 2)[1])
        if request_method == b"HEAD" or status in (204, 304) or 100 <= status < 200:
            return head
    if chunked:
        return head + await _read_chunked(reader)
    if length is not None:
        return head + await reader.readexactly(length)
    if request_method is None:
        return head  # a request without a length has no body
    return head + await reader.read()  # a response delimited by the connection's close


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        parts.append(size_line)
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while True:  # trailers, then the empty line
                line = await reader.readuntil(b"\r\n")
                parts.append(line)
                if line == b"\r\n":
                    return b"".join(parts)
        parts.append(await reader.readexactly(size + 2))
