"""Run one call per item with a bounded number at a time: tasks (async) or threads (sync).

The async resources are written once and converted to sync by ``scripts/unasync``, which
renames ``AsyncTaskPool`` to ``TaskPool``; so ``await AsyncTaskPool(n).map(call, items)`` in the
async source becomes ``TaskPool(n).map(call, items)`` in the sync one. Both classes live here,
in a plain module, because the async one needs ``anyio`` and the sync one threads, which a
text conversion cannot produce from each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

__all__ = ["AsyncTaskPool", "TaskPool"]

T = TypeVar("T")
R = TypeVar("R")


class AsyncTaskPool:
    """Awaits ``call(item)`` for every item with at most ``limit`` calls in flight.

    Runs under asyncio or trio (through ``anyio``, which httpx depends on). ``limit`` workers
    take the next item as soon as they are free, so a slow call never holds up the others.
    """

    __slots__ = ("_limit",)

    def __init__(self, limit: int) -> None:
        self._limit = limit

    async def map(self, call: Callable[[T], Awaitable[R]], items: Sequence[T]) -> list[R]:
        """Return ``[await call(item) for item in items]``, computed concurrently, in order.

        An exception from a call cancels the calls still running and is raised as it is (not
        wrapped in an exception group; if several fail at once, the first).
        """
        if self._limit == 1 or len(items) <= 1:
            return [await call(item) for item in items]
        # Imported here so that importing the client stays cheap.
        import anyio

        results: list[R | None] = [None] * len(items)
        pending = iter(enumerate(items))

        async def worker() -> None:
            # Workers share one iterator: taking the next item never awaits, so no two
            # workers get the same one.
            for index, item in pending:
                results[index] = await call(item)

        try:
            async with anyio.create_task_group() as group:
                for _ in range(min(self._limit, len(items))):
                    group.start_soon(worker)
        except BaseExceptionGroup as group_error:
            # The first failure cancels the other workers; any that failed at the same moment
            # are dropped rather than wrapped: callers catch the exception itself.
            raise group_error.exceptions[0] from None
        return results  # type: ignore[return-value]  # every slot was filled


class TaskPool:
    """Calls ``call(item)`` for every item with at most ``limit`` calls in flight: the calling
    thread and ``limit - 1`` worker threads.

    ``call`` must be thread-safe (the client's ``httpx.Client`` and its transport are). The
    calling thread works too, rather than waiting on the others: measured, that is faster
    than a thread pool that hands every item to a worker (fewer hand-offs of the GIL).
    """

    __slots__ = ("_limit",)

    def __init__(self, limit: int) -> None:
        self._limit = limit

    def map(self, call: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """Return ``[call(item) for item in items]``, computed concurrently, in order.

        An exception from a call (or Ctrl-C) stops the taking of new items; it is raised once
        the calls already running have finished.
        """
        if self._limit == 1 or len(items) <= 1:
            return [call(item) for item in items]
        import threading

        results: list[R | None] = [None] * len(items)
        pending = iter(enumerate(items))
        lock = threading.Lock()
        failures: list[BaseException] = []

        def work() -> None:
            while not failures:
                with lock:
                    taken = next(pending, None)
                if taken is None:
                    return
                index, item = taken
                try:
                    results[index] = call(item)
                except BaseException as exc:  # handed to the calling thread, raised there
                    failures.append(exc)
                    return

        workers = [
            threading.Thread(target=work, name="qstash-worker", daemon=True)
            for _ in range(min(self._limit, len(items)) - 1)
        ]
        for worker in workers:
            worker.start()
        try:
            work()
        except BaseException as exc:  # Ctrl-C between two calls: stop the workers too
            failures.append(exc)
        for worker in workers:
            worker.join()
        if failures:
            raise failures[0]
        return results  # type: ignore[return-value]  # every slot was filled
