"""Publishing through injected faults: nothing lost, nothing delivered twice, every failure a
typed error naming its cause, no call without an end.

The proxy resets connections, drops answers the server already acted on, answers 502, 503,
504 and 429 itself and stalls past the client's timeout, on a seeded schedule. The dev
server behind it delivers to a sink that counts deliveries per message id.
"""

from __future__ import annotations

import httpx
import pytest

from qstash import AsyncQStash, QStash
from qstash.dev import DevServerThread
from qstash.errors import (
    APIConnectionError,
    APITimeoutError,
    QStashError,
    RateLimitExceededError,
    ServerError,
)
from tests.reliability._faults import (
    DEFAULT_RATES,
    MODES,
    CallRecord,
    fast_policy,
    figures,
    run_async,
    run_sync,
)
from tests.reliability._proxy import FAULTS, Fault, FaultProxy, FaultSchedule
from tests.reliability._sink import RecordingSink

CALLS = 30  # per mode and flavour
ATTEMPT_TIMEOUT = httpx.Timeout(0.3, connect=1.0)
# A call may take its retry deadline plus one attempt cut short by it, plus scheduling slack.
BOUND = 10.0 + 1.0


def _sync_client(server: DevServerThread, proxy: FaultProxy, **options: object) -> QStash:
    options.setdefault("retry", fast_policy())
    options.setdefault("timeout", ATTEMPT_TIMEOUT)
    return server.client(base_url=proxy.url, **options)


def _async_client(server: DevServerThread, proxy: FaultProxy, **options: object) -> AsyncQStash:
    options.setdefault("retry", fast_policy())
    options.setdefault("timeout", ATTEMPT_TIMEOUT)
    return server.async_client(base_url=proxy.url, **options)


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_every_message_exactly_once_through_faults(
    flavour: str, dev_server: DevServerThread, sink: RecordingSink, proxy: FaultProxy
) -> None:
    proxy.use(FaultSchedule(seed=20240601, rates=DEFAULT_RATES))
    records: list[CallRecord]
    if flavour == "sync":
        with _sync_client(dev_server, proxy) as client:
            records = run_sync(client, sink.url, CALLS)
    else:
        async with _async_client(dev_server, proxy) as client:
            records = await run_async(client, sink.url, CALLS, bound=BOUND)
    await dev_server.arun_due()

    result = figures(records, sink.successes, proxy.counts, bound=BOUND)
    assert result.problems == []
    assert sum(result.calls.values()) == CALLS * len(MODES)
    assert result.lost == 0
    assert result.duplicates == 0
    assert result.delivered >= sum(len(record.ids) for record in records if record.returned)
    assert {fault.value for fault in FAULTS} <= set(result.faults), result.faults
    assert sink.unexpected == []


# What a call raises when every attempt meets the fault, and whether the server had
# accepted the message all the same (the proxy forwarded it before losing the answer).
ALWAYS: list[tuple[Fault, type[QStashError], bool]] = [
    (Fault.RESET, APIConnectionError, False),
    (Fault.DROP, APIConnectionError, True),
    (Fault.BAD_GATEWAY, ServerError, False),
    (Fault.UNAVAILABLE, ServerError, False),
    (Fault.GATEWAY_TIMEOUT, ServerError, False),
    (Fault.RATE_LIMITED, RateLimitExceededError, False),
    (Fault.STALL, APITimeoutError, True),
]


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize(
    ("fault", "error", "accepted"), ALWAYS, ids=[fault.value for fault, _, _ in ALWAYS]
)
async def test_a_fault_on_every_attempt_raises_a_typed_error(
    flavour: str,
    fault: Fault,
    error: type[QStashError],
    accepted: bool,
    dev_server: DevServerThread,
    sink: RecordingSink,
    proxy: FaultProxy,
) -> None:
    proxy.use(FaultSchedule.always(fault))
    policy = fast_policy(max_retries=2)
    timeout = httpx.Timeout(0.15, connect=1.0)  # what a stalled attempt costs
    ids = ("one", "b0", "b1")
    url = f"{sink.url}/always"
    raised: list[BaseException] = []
    if flavour == "sync":
        with _sync_client(dev_server, proxy, retry=policy, timeout=timeout) as client:
            with pytest.raises(QStashError) as single:
                client.message.publish_json(url=url, body={"id": ids[0]})
            with pytest.raises(QStashError) as batch:
                client.message.batch_json([{"url": url, "body": {"id": key}} for key in ids[1:]])
            raised = [single.value, batch.value]
    else:
        async with _async_client(dev_server, proxy, retry=policy, timeout=timeout) as client:
            with pytest.raises(QStashError) as single:
                await client.message.publish_json(url=url, body={"id": ids[0]})
            with pytest.raises(QStashError) as batch:
                await client.message.batch_json(
                    [{"url": url, "body": {"id": key}} for key in ids[1:]]
                )
            raised = [single.value, batch.value]
    await dev_server.arun_due()

    for exc in raised:
        assert type(exc) is error
        assert getattr(exc, "attempts", None) == 3
        if isinstance(exc, APIConnectionError):
            assert isinstance(exc.__cause__, httpx.TransportError)
            assert type(exc.__cause__).__name__ in str(exc)
        else:
            assert str(exc).startswith(fault.value)
    assert proxy.counts[fault] == 6
    # Three attempts each, all with the same deduplication ids: at most one message each.
    assert sink.successes == (dict.fromkeys(ids, 1) if accepted else {})


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_an_answer_cut_short_is_retried_or_typed(
    flavour: str, dev_server: DevServerThread, sink: RecordingSink, proxy: FaultProxy
) -> None:
    proxy.use(FaultSchedule(seed=1, rates={Fault.TRUNCATE: 0.5}))
    records: list[CallRecord]
    if flavour == "sync":
        with _sync_client(dev_server, proxy) as client:
            records = run_sync(client, sink.url, 4)
    else:
        async with _async_client(dev_server, proxy) as client:
            records = await run_async(client, sink.url, 4, bound=BOUND)
    await dev_server.arun_due()
    result = figures(records, sink.successes, proxy.counts, bound=BOUND)
    assert proxy.counts[Fault.TRUNCATE] > 0
    assert result.problems == []
    assert result.lost == 0
    assert result.duplicates == 0
