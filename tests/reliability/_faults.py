"""Publishing through the fault proxy: the workload and its figures, shared by the tests and
``scripts/reliability``.

Sync and async clients publish with ``publish_json``, ``batch_json`` and ``enqueue_json``
through a :class:`~tests.reliability._proxy.FaultProxy` in front of the dev server, which
delivers to a :class:`~tests.reliability._sink.RecordingSink`. Every call is recorded with
the ids of its messages; once the dev server has settled, the sink's counts say, per id,
whether a message was lost or delivered twice.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import httpx

from qstash import AsyncQStash, QStash, RetryPolicy
from qstash.errors import APIConnectionError, APIError, QStashError
from tests.reliability._proxy import Fault

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_RATES",
    "MODES",
    "CallRecord",
    "FaultFigures",
    "cause_problem",
    "fast_policy",
    "figures",
    "run_async",
    "run_sync",
]

MODES = ("publish_json", "batch_json", "enqueue_json")
"""The publishing calls exercised; each call of ``batch_json`` carries :data:`BATCH_SIZE`."""

BATCH_SIZE = 5
QUEUE = "reliability"

DEFAULT_RATES: dict[Fault, float] = {
    Fault.RESET: 0.06,
    Fault.DROP: 0.08,
    Fault.BAD_GATEWAY: 0.03,
    Fault.UNAVAILABLE: 0.03,
    Fault.GATEWAY_TIMEOUT: 0.03,
    Fault.RATE_LIMITED: 0.05,
    Fault.STALL: 0.03,
}
"""About one request in three sabotaged, every kind of fault among them."""


def fast_policy(**overrides: object) -> RetryPolicy:
    """A retry policy with millisecond waits and a 10 s deadline per call."""
    options: dict[str, object] = {
        "max_retries": 8,
        "initial_delay": 0.002,
        "max_delay": 0.02,
        "jitter": 0.5,
        "total_timeout": 10.0,
    }
    options.update(overrides)
    return RetryPolicy(**options)  # type: ignore[arg-type]


@dataclass(slots=True)
class CallRecord:
    """One SDK call: which messages it carried and how it ended."""

    flavour: str
    mode: str
    ids: tuple[str, ...]
    error: BaseException | None = None
    seconds: float = 0.0

    @property
    def returned(self) -> bool:
        """The call returned normally."""
        return self.error is None


@dataclass(slots=True)
class FaultFigures:
    """What a run did and what the sink got."""

    calls: Counter[str] = field(default_factory=Counter)
    """Calls made, by ``flavour/mode``."""
    raised: Counter[str] = field(default_factory=Counter)
    """Calls that raised, by error class."""
    faults: Counter[str] = field(default_factory=Counter)
    """Requests the proxy sabotaged, by fault kind (``pass`` = forwarded untouched)."""
    messages: int = 0
    """Messages carried by all calls."""
    delivered: int = 0
    """Messages delivered at least once."""
    duplicates: int = 0
    """Deliveries beyond the first, over all messages (must be 0)."""
    lost: int = 0
    """Messages of calls that returned and were never delivered (must be 0)."""
    raised_but_delivered: int = 0
    """Messages of calls that raised and were delivered anyway (allowed: at most once)."""
    slowest_call: float = 0.0
    """Seconds of the slowest call."""
    problems: list[str] = field(default_factory=list)
    """Every broken promise: untyped errors, causes not named, hangs, unknown deliveries."""


def cause_problem(error: BaseException) -> str | None:
    """Why ``error`` is not a typed error naming its cause, or None when it is one."""
    if not isinstance(error, QStashError):
        return f"untyped {type(error).__name__}: {error}"
    text = str(error)
    if isinstance(error, APIError):
        if error.status not in (429, 502, 503, 504) or not text.startswith(str(error.status)):
            return f"{type(error).__name__} with an unexpected status or text: {text}"
        return None
    if isinstance(error, APIConnectionError):
        cause = error.__cause__
        if not isinstance(cause, httpx.TransportError) or type(cause).__name__ not in text:
            return f"{type(error).__name__} does not name its cause: {text}"
        return None
    return f"unexpected {type(error).__name__}: {text}"


def _ids(flavour: str, mode: str, index: int) -> tuple[str, ...]:
    size = BATCH_SIZE if mode == "batch_json" else 1
    return tuple(f"{flavour}-{mode}-{index}-{item}" for item in range(size))


def _plan(flavour: str, calls: int) -> Iterator[tuple[str, tuple[str, ...]]]:
    for mode in MODES:
        for index in range(calls):
            yield mode, _ids(flavour, mode, index)


def _call_sync(client: QStash, sink_url: str, mode: str, ids: Sequence[str]) -> None:
    url = f"{sink_url}/{mode}"
    if mode == "publish_json":
        client.message.publish_json(url=url, body={"id": ids[0]})
    elif mode == "batch_json":
        client.message.batch_json([{"url": url, "body": {"id": key}} for key in ids])
    else:
        client.message.enqueue_json(queue=QUEUE, url=url, body={"id": ids[0]})


async def _call_async(client: AsyncQStash, sink_url: str, mode: str, ids: Sequence[str]) -> None:
    url = f"{sink_url}/{mode}"
    if mode == "publish_json":
        await client.message.publish_json(url=url, body={"id": ids[0]})
    elif mode == "batch_json":
        await client.message.batch_json([{"url": url, "body": {"id": key}} for key in ids])
    else:
        await client.message.enqueue_json(queue=QUEUE, url=url, body={"id": ids[0]})


def run_sync(
    client: QStash, sink_url: str, calls: int, *, flavour: str = "sync"
) -> list[CallRecord]:
    """``calls`` calls of each mode, one after the other; every outcome recorded."""
    records = []
    for mode, ids in _plan(flavour, calls):
        record = CallRecord(flavour, mode, ids)
        start = time.monotonic()
        try:
            _call_sync(client, sink_url, mode, ids)
        except Exception as exc:  # recorded and judged by figures()
            record.error = exc
        record.seconds = time.monotonic() - start
        records.append(record)
    return records


async def run_async(
    client: AsyncQStash,
    sink_url: str,
    calls: int,
    *,
    concurrency: int = 8,
    bound: float = 30.0,
    flavour: str = "async",
) -> list[CallRecord]:
    """``calls`` calls of each mode, ``concurrency`` at a time; a call still running after
    ``bound`` seconds is cancelled and recorded as a hang (a ``TimeoutError``)."""
    gate = asyncio.Semaphore(concurrency)

    async def one(mode: str, ids: tuple[str, ...]) -> CallRecord:
        record = CallRecord(flavour, mode, ids)
        async with gate:
            start = time.monotonic()
            try:
                await asyncio.wait_for(_call_async(client, sink_url, mode, ids), bound)
            except Exception as exc:  # recorded and judged by figures()
                record.error = exc
            record.seconds = time.monotonic() - start
        return record

    return list(await asyncio.gather(*(one(mode, ids) for mode, ids in _plan(flavour, calls))))


def figures(
    records: Sequence[CallRecord],
    successes: Counter[str],
    faults: Counter[Fault],
    *,
    bound: float,
) -> FaultFigures:
    """Judge a run: ``successes`` are the sink's deliveries per id, ``bound`` the longest a
    call may take (its retry deadline plus one attempt's timeout)."""
    result = FaultFigures()
    result.faults = Counter({fault.value: count for fault, count in faults.items()})
    known: set[str] = set()
    for record in records:
        result.calls[f"{record.flavour}/{record.mode}"] += 1
        result.slowest_call = max(result.slowest_call, record.seconds)
        if record.seconds > bound:
            result.problems.append(f"{record.mode} {record.ids[0]} took {record.seconds:.1f}s")
        if record.error is not None:
            result.raised[type(record.error).__name__] += 1
            problem = cause_problem(record.error)
            if problem is not None:
                result.problems.append(f"{record.mode} {record.ids[0]}: {problem}")
        for key in record.ids:
            known.add(key)
            result.messages += 1
            count = successes.get(key, 0)
            if count:
                result.delivered += 1
                result.duplicates += count - 1
                if not record.returned:
                    result.raised_but_delivered += 1
            elif record.returned:
                result.lost += 1
    strangers = set(successes) - known
    if strangers:
        result.problems.append(f"{len(strangers)} deliveries of unknown ids")
    return result
