"""Pytest fixtures for testing code that uses QStash, against the local dev server.

In your ``conftest.py``::

    from qstash.dev.testing import qstash_dev_server, qstash_sink  # noqa: F401

Then in a test::

    def test_order_webhook(qstash_dev_server, qstash_sink):
        client = qstash_dev_server.client()
        client.message.publish_json(url=qstash_sink.url_for("/hook"), body={"id": 1})
        (request,) = qstash_sink.wait_for(1)
        qstash_dev_server.receiver().verify(
            signature=request.headers["Upstash-Signature"], body=request.body, url=request.url
        )

``qstash_dev_server`` is a :class:`~qstash.dev.DevServerThread` on a free port with a
:class:`~qstash.dev.ManualClock`: messages due now are delivered at once, in real time, but
nothing that waits (delays, retry backoffs, cron ticks) happens until the test calls
``qstash_dev_server.advance(seconds)``, which runs the work falling due, in time order, and
returns when those deliveries are done. A message that fails three times reaches the DLQ
after ``advance(3600)``, without real waiting.

``qstash_sink`` is a :class:`Sink`: an HTTP endpoint on 127.0.0.1 that records every request
and answers 200, or what it was told to (:meth:`Sink.respond`, :meth:`Sink.fail`).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import pytest

from qstash.dev._clock import ManualClock
from qstash.dev._thread import LoopThread
from qstash.dev.server import DevServerThread

__all__ = ["Sink", "SinkRequest", "SinkResponse", "qstash_dev_server", "qstash_sink"]


@dataclass(frozen=True, slots=True)
class SinkRequest:
    """One request the sink received.

    Attributes:
        method: HTTP method.
        path: the path, as sent (percent-encoding kept).
        query: the raw query string (``""`` when none).
        url: the full URL called (what QStash signed as ``sub``).
        headers: request headers (case-insensitive, repeated names kept).
        body: the raw body.
        received: ``time.monotonic()`` at arrival.
    """

    method: str
    path: str
    query: str
    url: str
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    received: float = field(repr=False, default=0.0)

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """The body as UTF-8 text."""
        return self.body.decode()


@dataclass(frozen=True, slots=True)
class SinkResponse:
    """A scripted answer: ``status``, ``headers``, ``body``, after ``delay`` seconds."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    delay: float = 0.0
    path: str | None = None  # answer only requests to this path


class Sink:
    """A recording HTTP endpoint on ``127.0.0.1`` (its own thread and event loop).

    Answers ``200 ok`` unless scripted: :meth:`respond` queues answers, used in order by the
    requests they match.
    """

    def __init__(self) -> None:
        self.url = ""
        self._requests: list[SinkRequest] = []
        self._script: deque[list[Any]] = deque()  # [SinkResponse, remaining times]
        self._condition = threading.Condition()
        self._thread: LoopThread | None = None
        self._runner: Any = None

    def __repr__(self) -> str:
        return f"Sink(url={self.url!r}, requests={len(self._requests)})"

    def start(self) -> Self:
        """Start listening on a free port."""
        thread = LoopThread("qstash-dev-sink")
        thread.start()
        try:
            self.url = thread.run(self._start())
        except BaseException:
            thread.stop()
            raise
        self._thread = thread
        return self

    async def _start(self) -> str:
        from aiohttp import web

        app = web.Application(client_max_size=64 << 20)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        """Stop listening."""
        if self._thread is not None:
            thread, self._thread = self._thread, None
            try:
                thread.run(self._close(), timeout=10)
            finally:
                thread.stop()

    async def _close(self) -> None:
        await self._runner.cleanup()
        await asyncio.sleep(0.01)  # let closed sockets be released before the loop stops

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def _handle(self, request: Any) -> Any:
        from aiohttp import web
        from multidict import CIMultiDict

        body = await request.read()
        raw = request.raw_path
        path, _, query = raw.partition("?")
        recorded = SinkRequest(
            request.method,
            path,
            query,
            self.url + raw,
            CIMultiDict(request.headers),
            body,
            time.monotonic(),
        )
        answer = SinkResponse()
        with self._condition:
            self._requests.append(recorded)
            for item in self._script:
                scripted, remaining = item
                if scripted.path is None or scripted.path == path:
                    answer = scripted
                    if remaining is not None:
                        item[1] = remaining - 1
                        if item[1] <= 0:
                            self._script.remove(item)
                    break
            self._condition.notify_all()
        if answer.delay:
            await asyncio.sleep(answer.delay)
        return web.Response(status=answer.status, headers=dict(answer.headers), body=answer.body)

    def respond(
        self,
        status: int = 200,
        *,
        times: int | None = 1,
        headers: Mapping[str, str] | None = None,
        body: bytes | str = b"",
        delay: float = 0.0,
        path: str | None = None,
    ) -> None:
        """Answer the next ``times`` matching requests (``None``: all of them) like this.

        Args:
            status: HTTP status.
            times: how many requests get this answer; ``None`` for every later request.
            headers: response headers (e.g. ``{"Retry-After": "0"}``).
            body: response body.
            delay: seconds to wait before answering (to provoke timeouts).
            path: only requests to this path (``/hook``) match.
        """
        data = body.encode() if isinstance(body, str) else body
        with self._condition:
            self._script.append(
                [SinkResponse(status, dict(headers or {}), data, delay, path), times]
            )

    def fail(self, times: int | None = 1, status: int = 500, **options: Any) -> None:
        """Answer the next ``times`` requests with ``status`` (500 by default)."""
        self.respond(status, times=times, body=options.pop("body", b"failed"), **options)

    def url_for(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this sink."""
        return self.url + (path if path.startswith("/") else "/" + path)

    @property
    def requests(self) -> list[SinkRequest]:
        """Every request received so far, in arrival order."""
        with self._condition:
            return list(self._requests)

    def clear(self) -> None:
        """Forget the recorded requests and the scripted answers."""
        with self._condition:
            self._requests.clear()
            self._script.clear()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[SinkRequest]:
        """Block until at least ``count`` requests arrived; returns all of them.

        Raises:
            TimeoutError: fewer arrived within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        with self._condition:
            while len(self._requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"the sink got {len(self._requests)} requests, expected {count}, "
                        f"within {timeout}s"
                    )
                self._condition.wait(remaining)
            return list(self._requests)

    async def await_for(
        self,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - mirrors wait_for
    ) -> list[SinkRequest]:
        """:meth:`wait_for` for async tests (does not block the event loop)."""
        return await asyncio.to_thread(self.wait_for, count, timeout)


@pytest.fixture
def qstash_dev_server() -> Iterator[DevServerThread]:
    """A dev server on a free port with a manual clock (see the module docstring)."""
    with DevServerThread(clock=ManualClock()) as server:
        yield server


@pytest.fixture
def qstash_sink() -> Iterator[Sink]:
    """A recording HTTP endpoint on 127.0.0.1."""
    with Sink() as sink:
        yield sink
