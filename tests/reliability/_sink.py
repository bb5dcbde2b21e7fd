"""A delivery endpoint that counts deliveries per message id and fails a seeded share.

Each message body is JSON with an ``"id"``. Whether an attempt fails is a pure function of
``(seed, id, Upstash-Retried)``, so the outcome of every message (delivered at which attempt,
or dead-lettered) is known before it is sent, whatever order the deliveries arrive in, and
after a server restart too.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Iterable
from types import TracebackType
from typing import Any, Self

from qstash.dev._thread import LoopThread

__all__ = ["RecordingSink", "attempt_fails", "expected_outcome"]

_POLL = 0.02  # seconds between checks of a waiter


def attempt_fails(seed: int, message: str, retried: int, share: float) -> bool:
    """Whether the sink fails attempt ``retried`` (0 = the first) of ``message``."""
    if share <= 0:
        return False
    digest = hashlib.blake2b(f"{seed}/{message}/{retried}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < share


def expected_outcome(seed: int, message: str, retries: int, share: float) -> int | None:
    """The attempt (0-based) that succeeds, or None when all ``retries + 1`` fail (DLQ)."""
    for retried in range(retries + 1):
        if not attempt_fails(seed, message, retried, share):
            return retried
    return None


class RecordingSink:
    """An HTTP endpoint on 127.0.0.1 (its own loop thread) counting deliveries by id.

    Args:
        seed: seeds which attempts fail.
        fail_share: share of attempts answered 500 (0: every attempt succeeds).
        delay: seconds to wait before answering each attempt.
    """

    def __init__(self, *, seed: int = 0, fail_share: float = 0.0, delay: float = 0.0) -> None:
        self.seed = seed
        self.fail_share = fail_share
        self.delay = delay
        self.url = ""
        self._condition = threading.Condition()
        self._attempts: Counter[str] = Counter()
        self._successes: Counter[str] = Counter()
        self._unexpected: list[str] = []
        self._total = 0
        self._thread: LoopThread | None = None
        self._runner: Any = None

    def __repr__(self) -> str:
        return f"RecordingSink(url={self.url!r}, fail_share={self.fail_share})"

    def start(self) -> Self:
        """Listen on a free port."""
        thread = LoopThread("reliability-sink")
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

        app = web.Application(client_max_size=8 << 20)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        self._runner = runner
        port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        """Stop listening."""
        if self._thread is not None:
            thread, self._thread = self._thread, None
            try:
                thread.run(self._runner.cleanup(), timeout=10)
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

    async def _handle(self, request: Any) -> Any:
        from aiohttp import web

        body = await request.read()
        try:
            message = str(json.loads(body)["id"])
            retried = int(request.headers.get("Upstash-Retried", "0"))
        except (ValueError, KeyError, TypeError):
            with self._condition:
                self._unexpected.append(body[:200].decode("utf-8", "replace"))
            return web.Response(status=400, text="no id")
        fails = attempt_fails(self.seed, message, retried, self.fail_share)
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._condition:
            self._attempts[message] += 1
            if not fails:
                self._successes[message] += 1
                self._total += 1
        return web.Response(status=500 if fails else 200, text="failed" if fails else "ok")

    @property
    def successes(self) -> Counter[str]:
        """Successful deliveries (answered 200) per message id."""
        with self._condition:
            return Counter(self._successes)

    @property
    def attempts(self) -> Counter[str]:
        """Delivery attempts per message id."""
        with self._condition:
            return Counter(self._attempts)

    @property
    def unexpected(self) -> list[str]:
        """Bodies that carried no message id (none should arrive)."""
        with self._condition:
            return list(self._unexpected)

    def wait_for_successes(self, ids: Iterable[str], timeout: float) -> bool:
        """Block until every id got a successful delivery; False after ``timeout`` s."""
        missing = set(ids)
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                # Polled, not notified per delivery: a check costs O(missing), once per tick.
                missing.difference_update(self._successes.keys())
                remaining = deadline - time.monotonic()
                if not missing or remaining <= 0:
                    return not missing
                self._condition.wait(min(remaining, _POLL))

    def wait_for_total(self, count: int, timeout: float) -> bool:
        """Block until ``count`` successful deliveries arrived in all; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                remaining = deadline - time.monotonic()
                if self._total >= count or remaining <= 0:
                    return self._total >= count
                self._condition.wait(min(remaining, _POLL))
