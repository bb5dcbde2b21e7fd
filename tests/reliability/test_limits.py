"""Client-side limits: a deadline per call across retries (a stalled attempt included), a
retry schedule that never exceeds its caps, and cancellation (task cancelled, Ctrl+C) that
leaves no busy connection behind and the client usable.
"""

from __future__ import annotations

import asyncio
import math
import random
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qstash import AsyncQStash, QStash, RetryPolicy
from qstash._async.transport import AsyncQStashTransport
from qstash._pool import AsyncPoolTransport
from qstash._retry import ErrorKind
from qstash._sync.transport import QStashTransport
from qstash.dev import DevServerThread
from qstash.errors import APITimeoutError, ServerError
from tests.reliability._proxy import Fault, FaultProxy, FaultSchedule
from tests.reliability._sink import RecordingSink

NOW = 1_700_000_000.0


def _pool_state(client: QStash | AsyncQStash) -> tuple[int, int, int]:
    """(connections in use, idle, requests waiting) of the client's connection pool."""
    transport = client.http._transport
    assert isinstance(transport, QStashTransport | AsyncQStashTransport)
    inner: Any = transport._inner
    if isinstance(inner, AsyncPoolTransport):
        return inner._pool.state()
    pool = inner._pool
    busy = sum(1 for c in pool.connections if not (c.is_idle() or c.is_closed()))
    idle = sum(1 for c in pool.connections if c.is_idle())
    return busy, idle, len(pool._requests)


# ------------------------------------------------------------------------ total deadline


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_total_timeout_bounds_a_stalled_attempt(
    flavour: str, dev_server: DevServerThread, sink: RecordingSink, proxy: FaultProxy
) -> None:
    # Each attempt may wait 10 s for an answer; the call as a whole may take 0.4 s.
    proxy.use(FaultSchedule.always(Fault.STALL))
    policy = RetryPolicy(total_timeout=0.4, initial_delay=0.001)
    options: dict[str, Any] = {"base_url": proxy.url, "retry": policy, "timeout": 10.0}
    url = f"{sink.url}/deadline"
    start = time.monotonic()
    if flavour == "sync":
        with dev_server.client(**options) as client, pytest.raises(APITimeoutError) as info:
            client.message.publish_json(url=url, body={"id": "deadline"})
    else:
        async with dev_server.async_client(**options) as aclient:
            with pytest.raises(APITimeoutError) as info:
                await aclient.message.publish_json(url=url, body={"id": "deadline"})
    elapsed = time.monotonic() - start
    assert 0.35 < elapsed < 2.0, elapsed
    assert "ReadTimeout" in str(info.value)
    await dev_server.arun_due()
    assert sink.successes == {"deadline": 1}  # forwarded before the stall, once


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_attempt_gets_only_the_time_left() -> None:
    clock = _Clock()
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        clock.now += 0.5  # the attempt takes half a second
        return httpx.Response(503)

    def sleep(seconds: float) -> None:
        clock.now += seconds

    policy = RetryPolicy(max_retries=9, initial_delay=1, max_delay=1, jitter=0, total_timeout=5)
    transport = QStashTransport(
        httpx.MockTransport(handler), policy=policy, clock=clock, sleep=sleep, random=lambda: 0
    )
    timeout = httpx.Timeout(10, connect=2)
    with (
        httpx.Client(transport=transport, timeout=timeout) as http,
        pytest.raises(ServerError) as info,
    ):
        http.get("https://qstash.test/v2/keys")
    # Attempts start at 0, 1.5, 3 and 4.5 s; a fifth would start after the deadline.
    assert info.value.attempts == 4
    assert seen == [
        {"connect": 2, "read": 5, "write": 5, "pool": 5},
        {"connect": 2, "read": 3.5, "write": 3.5, "pool": 3.5},
        {"connect": 2, "read": 2, "write": 2, "pool": 2},
        {"connect": 0.5, "read": 0.5, "write": 0.5, "pool": 0.5},
    ]


def test_without_a_deadline_the_attempt_timeouts_are_untouched() -> None:
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        return httpx.Response(200)

    transport = QStashTransport(httpx.MockTransport(handler), policy=RetryPolicy())
    with httpx.Client(transport=transport, timeout=httpx.Timeout(10, connect=2)) as http:
        http.get("https://qstash.test/v2/keys")
    assert seen == [{"connect": 2, "read": 10, "write": 10, "pool": 10}]


# ------------------------------------------------------------------ schedule within caps


def _fixed(unit: float) -> Callable[[], float]:
    return lambda: unit


def _constant(value: float) -> Callable[[int], float]:
    return lambda retry: value


_STATUSES = [408, 429, 500, 502, 503, 504, 520, 530, 400, 401, 404, 412, 501]
_WAITS = st.one_of(
    st.integers(-5, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["inf", "nan", "1e999", "", " 3 ", "Wed, 21 Oct 2015 07:28:00 GMT"]),
    st.sampled_from(["Fri, 31 Dec 9999 23:59:59 GMT", str(int(NOW) + 30), str(int(NOW) * 1000)]),
    st.text(max_size=20),
)
_FAILURE = st.one_of(
    st.tuples(
        st.sampled_from(_STATUSES),
        st.dictionaries(
            st.sampled_from(
                ["Retry-After", "Burst-RateLimit-Reset", "RateLimit-Reset", "RateLimit-Limit"]
            ),
            _WAITS,
            max_size=3,
        ),
    ),
    st.sampled_from(list(ErrorKind)),
)


def _backoffs() -> st.SearchStrategy[Callable[[int], float] | None]:
    values = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**6), 10**9)
    return st.none() | st.lists(values, min_size=1, max_size=5).map(
        lambda table: lambda n: table[n % len(table)]
    )


_POLICIES = st.builds(
    RetryPolicy,
    max_retries=st.integers(0, 12),
    initial_delay=st.floats(0, 10),
    max_delay=st.floats(0, 60),
    jitter=st.floats(0, 1),
    max_retry_after=st.floats(0, 120),
    backoff=_backoffs(),
    total_timeout=st.none() | st.floats(0, 200),
)


@settings(max_examples=400, deadline=None, database=None)
@given(
    policy=_POLICIES,
    failures=st.lists(_FAILURE, min_size=1, max_size=15),
    attempt_seconds=st.floats(0, 5),
    replay_safe=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_the_retry_schedule_never_exceeds_its_caps(
    policy: RetryPolicy,
    failures: list[tuple[int, dict[str, str]] | ErrorKind],
    attempt_seconds: float,
    replay_safe: bool,
    seed: int,
) -> None:
    draws = random.Random(seed)
    elapsed = attempt_seconds
    waits: list[float] = []
    for retry_index, failure in enumerate(failures):
        if isinstance(failure, ErrorKind):
            status, headers, kind = None, None, failure
        else:
            (status, headers), kind = failure, None
        unit = draws.random()
        delay = policy.next_delay(
            retry_index,
            replay_safe=replay_safe,
            status=status,
            headers=headers,
            error_kind=kind,
            elapsed=elapsed,
            now=NOW,
            random=_fixed(unit),
        )
        if delay is None:
            break
        assert retry_index < policy.max_retries  # never a wait after the last attempt
        assert math.isfinite(delay)
        assert delay >= 0
        computed = policy.max_delay
        if policy.backoff is not None:
            computed = max(0.0, float(policy.backoff(retry_index)) / 1000)
        assert delay <= max(computed, policy.max_retry_after) + 1e-9
        if policy.backoff is None and delay > policy.max_delay:
            assert delay <= policy.max_retry_after  # only a server-asked wait goes beyond
        if policy.total_timeout is not None:
            assert elapsed + delay <= policy.total_timeout + 1e-9
        waits.append(delay)
        elapsed += delay + attempt_seconds
    assert len(waits) <= policy.max_retries


@settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    retries=st.integers(0, 70),
    initial=st.floats(0, 5),
    cap=st.floats(0, 30),
    jitter=st.floats(0, 1),
    unit=st.floats(0, 1, exclude_max=True),
)
def test_backoff_stays_within_jitter_and_cap(
    retries: int, initial: float, cap: float, jitter: float, unit: float
) -> None:
    policy = RetryPolicy(max_retries=100, initial_delay=initial, max_delay=cap, jitter=jitter)
    delay = policy.next_delay(retries, replay_safe=True, status=503, now=NOW, random=lambda: unit)
    base = min(cap, initial * 2 ** min(retries, 64))
    assert delay is not None
    assert base * (1 - jitter) - 1e-9 <= delay <= base + 1e-9


def test_an_endless_official_backoff_ends_the_retries() -> None:
    # A backoff returning inf would sleep forever (async) or overflow time.sleep (sync).
    for value in (math.inf, -math.inf, math.nan):
        policy = RetryPolicy(backoff=_constant(value))
        assert (
            policy.next_delay(0, replay_safe=True, status=503, now=NOW, random=random.random)
            is None
        )


# ------------------------------------------------------------------------- cancellation


async def test_a_task_cancelled_mid_request_leaves_the_client_usable(
    dev_server: DevServerThread, sink: RecordingSink, proxy: FaultProxy
) -> None:
    proxy.use(FaultSchedule.always(Fault.STALL))
    async with dev_server.async_client(base_url=proxy.url, timeout=10.0) as client:
        url = f"{sink.url}/cancel"
        task = asyncio.create_task(client.message.publish_json(url=url, body={"id": "stalled"}))
        await asyncio.to_thread(proxy.wait_until, lambda counts: counts[Fault.STALL] >= 1, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        busy, _, waiting = _pool_state(client)
        assert (busy, waiting) == (0, 0)

        proxy.use(FaultSchedule.always(Fault.PASS))
        await client.message.publish_json(url=url, body={"id": "after"})
        assert _pool_state(client)[0] == 0
    await dev_server.arun_due()
    # The stalled request had reached the server: cancelling the caller cannot unsend it.
    assert sink.successes == {"stalled": 1, "after": 1}


async def test_a_task_cancelled_between_retries_leaves_the_client_usable(
    dev_server: DevServerThread,
    sink: RecordingSink,
    proxy: FaultProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy.use(FaultSchedule.always(Fault.UNAVAILABLE))
    waiting = asyncio.Event()

    async def sleep_forever(seconds: float) -> None:
        waiting.set()
        await asyncio.Event().wait()  # until cancelled

    async with dev_server.async_client(base_url=proxy.url, timeout=10.0) as client:
        transport = client.http._transport
        assert isinstance(transport, AsyncQStashTransport)
        monkeypatch.setattr(transport, "_sleep", sleep_forever)
        url = f"{sink.url}/cancel"
        task = asyncio.create_task(client.message.publish_json(url=url, body={"id": "retrying"}))
        await asyncio.wait_for(waiting.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        busy, idle, queued = _pool_state(client)
        assert (busy, queued) == (0, 0)
        assert idle == 1  # the connection that carried the 503 went back to the pool

        proxy.use(FaultSchedule.always(Fault.PASS))
        await client.message.publish_json(url=url, body={"id": "after"})
    await dev_server.arun_due()
    assert sink.successes == {"after": 1}


def test_ctrl_c_while_waiting_to_retry_leaves_the_client_usable(
    dev_server: DevServerThread,
    sink: RecordingSink,
    proxy: FaultProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy.use(FaultSchedule.always(Fault.UNAVAILABLE))

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    with dev_server.client(base_url=proxy.url, timeout=10.0) as client:
        transport = client.http._transport
        assert isinstance(transport, QStashTransport)
        monkeypatch.setattr(transport, "_sleep", interrupted)
        url = f"{sink.url}/interrupt"
        with pytest.raises(KeyboardInterrupt):
            client.message.publish_json(url=url, body={"id": "interrupted"})
        assert proxy.counts[Fault.UNAVAILABLE] == 1
        busy, idle, queued = _pool_state(client)
        assert (busy, idle, queued) == (0, 1, 0)

        proxy.use(FaultSchedule.always(Fault.PASS))
        client.message.publish_json(url=url, body={"id": "after"})
    dev_server.run_due()
    assert sink.successes == {"after": 1}


def test_ctrl_c_during_a_stalled_request_leaves_the_client_usable(
    dev_server: DevServerThread, sink: RecordingSink, proxy: FaultProxy
) -> None:
    # A real SIGINT to the main thread while it blocks reading the answer.
    proxy.use(FaultSchedule.always(Fault.STALL))
    main = threading.get_ident()

    def press_ctrl_c() -> None:
        proxy.wait_until(lambda counts: counts[Fault.STALL] >= 1, 5)
        signal.pthread_kill(main, signal.SIGINT)

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with dev_server.client(base_url=proxy.url, timeout=10.0) as client:
            url = f"{sink.url}/interrupt"
            presser = threading.Thread(target=press_ctrl_c, daemon=True)
            presser.start()
            start = time.monotonic()
            with pytest.raises(KeyboardInterrupt):
                client.message.publish_json(url=url, body={"id": "stalled"})
            presser.join(5)
            assert time.monotonic() - start < 5  # interrupted, not timed out
            busy, _, queued = _pool_state(client)
            assert (busy, queued) == (0, 0)

            proxy.use(FaultSchedule.always(Fault.PASS))
            client.message.publish_json(url=url, body={"id": "after"})
    finally:
        signal.signal(signal.SIGINT, previous)
    dev_server.run_due()
    assert sink.successes == {"stalled": 1, "after": 1}
