"""Every invalid argument of the public API is refused with a typed InvalidArgumentError
naming it, before anything is sent, by the sync and the async client alike.

Rows marked with a gap are refusals the SDK does not make yet: strict xfails naming the fix,
which turn into failures (remove the mark) once it is made.

The client's transport fails the test on any request: a refusal that came from the server
would show up as that failure, not as the expected error.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from qstash import AsyncQStash, QStash, Receiver, RetryPolicy
from qstash.chat import anthropic, custom, openai
from qstash.errors import InvalidArgumentError
from qstash.receiver import sign

U = "https://a.example/hook"
NAIVE = datetime(2030, 1, 1)  # no timezone: ambiguous
CRON = "*/5 * * * *"
Client = QStash | AsyncQStash
Row = Any  # what pytest.param returns (its type is not public)


class _Unserialisable:
    pass


def _circular() -> list[object]:
    loop: list[object] = []
    loop.append(loop)
    return loop


def case(name: str, call: Callable[[Any], object], argument: str, *, gap: str | None = None) -> Row:
    """A row: ``call(client)`` must raise InvalidArgumentError(argument=...) and send nothing.

    ``gap`` marks a refusal the SDK does not make yet (strict xfail, with the fix to make).
    """
    marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
    return pytest.param(call, argument, id=name, marks=marks)


CASES: list[Row] = [
    # ---- destinations
    case(
        "publish two destinations",
        lambda c: c.message.publish_json(url=U, url_group="g"),
        "url/url_group/api",
    ),
    case("publish no destination", lambda c: c.message.publish_json(body=1), "url/url_group/api"),
    case(
        "publish three destinations",
        lambda c: c.message.publish(
            url=U, url_group="g", api={"name": "llm", "provider": openai("k")}
        ),
        "url/url_group/api",
    ),
    case("url ftp", lambda c: c.message.publish_json(url="ftp://a.example/x"), "url"),
    case("url without scheme", lambda c: c.message.publish_json(url="a.example/x"), "url"),
    case("url javascript", lambda c: c.message.publish_json(url="javascript:alert(1)"), "url"),
    case("url empty", lambda c: c.message.publish_json(url=""), "url"),
    case("url whitespace", lambda c: c.message.publish_json(url="   "), "url"),
    case("url with space", lambda c: c.message.publish_json(url="https://a b.example"), "url"),
    case("url with newline", lambda c: c.message.publish_json(url="https://a.example/\nx"), "url"),
    case("url bytes", lambda c: c.message.publish_json(url=b"https://a.example"), "url"),
    case("url without host", lambda c: c.message.publish_json(url="https://"), "url"),
    case("url group with slash", lambda c: c.message.publish_json(url_group="a/b"), "url_group"),
    case("api not llm", lambda c: c.message.publish_json(api={"name": "email"}), "api"),
    case(
        "api provider str",
        lambda c: c.message.publish_json(api={"name": "llm", "provider": "openai"}),
        "api.provider",
    ),
    case("callback ftp", lambda c: c.message.publish_json(url=U, callback="ftp://x"), "callback"),
    case(
        "failure callback relative",
        lambda c: c.message.publish_json(url=U, failure_callback="/cb"),
        "failure_callback",
    ),
    # ---- ids
    case(
        "dedup id empty",
        lambda c: c.message.publish_json(url=U, deduplication_id=""),
        "deduplication_id",
    ),
    case(
        "dedup id whitespace",
        lambda c: c.message.publish_json(url=U, deduplication_id="  "),
        "deduplication_id",
    ),
    case(
        "dedup id newline",
        lambda c: c.message.publish_json(url=U, deduplication_id="a\nb"),
        "deduplication_id",
    ),
    case(
        "content dedup not bool",
        lambda c: c.message.publish_json(url=U, content_based_deduplication="yes"),
        "content_based_deduplication",
    ),
    case("message get empty", lambda c: c.message.get(""), "message_id"),
    case("message get whitespace", lambda c: c.message.get("  "), "message_id"),
    case("message get None", lambda c: c.message.get(None), "message_id"),
    case("message cancel empty", lambda c: c.message.cancel(""), "message_id"),
    case("cancel_many empty list", lambda c: c.message.cancel_many([]), "message_ids"),
    case("cancel_many a str", lambda c: c.message.cancel_many("msg_1"), "message_ids"),
    case("cancel_many empty item", lambda c: c.message.cancel_many(["a", ""]), "message_ids[1]"),
    case("schedule get empty", lambda c: c.schedule.get(""), "schedule_id"),
    case("schedule delete empty", lambda c: c.schedule.delete(""), "schedule_id"),
    case("schedule pause empty", lambda c: c.schedule.pause(""), "schedule_id"),
    case("schedule resume whitespace", lambda c: c.schedule.resume(" "), "schedule_id"),
    case("dlq get empty", lambda c: c.dlq.get(""), "dlq_id"),
    case("dlq delete empty", lambda c: c.dlq.delete(""), "dlq_id"),
    case("dlq retry whitespace", lambda c: c.dlq.retry(" "), "dlq_id"),
    case("dlq delete_many empty", lambda c: c.dlq.delete_many([]), "dlq_ids"),
    case("dlq retry_many empty", lambda c: c.dlq.retry_many([]), "dlq_ids"),
    case("dlq list empty ids", lambda c: c.dlq.list(dlq_ids=[]), "dlq_ids"),
    case("flow get empty", lambda c: c.flow_control.get(""), "flow_control_key"),
    case("flow pause empty", lambda c: c.flow_control.pause(""), "flow_control_key"),
    case("flow resume empty", lambda c: c.flow_control.resume(""), "flow_control_key"),
    case("flow reset empty", lambda c: c.flow_control.reset_rate(""), "flow_control_key"),
    # ---- delays and timeouts
    case("delay negative", lambda c: c.message.publish_json(url=U, delay=-1), "delay"),
    case("delay fractional", lambda c: c.message.publish_json(url=U, delay=1.5), "delay"),
    case("delay malformed", lambda c: c.message.publish_json(url=U, delay="10 seconds"), "delay"),
    case("delay in ms", lambda c: c.message.publish_json(url=U, delay="100ms"), "delay"),
    case("delay NaN", lambda c: c.message.publish_json(url=U, delay=math.nan), "delay"),
    case("delay infinite", lambda c: c.message.publish_json(url=U, delay=math.inf), "delay"),
    case("delay bool", lambda c: c.message.publish_json(url=U, delay=True), "delay"),
    case(
        "delay negative timedelta",
        lambda c: c.message.publish_json(url=U, delay=timedelta(seconds=-5)),
        "delay",
    ),
    case("timeout negative", lambda c: c.message.publish_json(url=U, timeout=-3), "timeout"),
    case("timeout zero", lambda c: c.message.publish_json(url=U, timeout=0), "timeout"),
    case("timeout malformed", lambda c: c.message.publish_json(url=U, timeout="abc"), "timeout"),
    case(
        "not_before naive", lambda c: c.message.publish_json(url=U, not_before=NAIVE), "not_before"
    ),
    case(
        "not_before in ms",
        lambda c: c.message.publish_json(url=U, not_before=1_800_000_000_000),
        "not_before",
    ),
    case(
        "not_before negative", lambda c: c.message.publish_json(url=U, not_before=-1), "not_before"
    ),
    case(
        "not_before text",
        lambda c: c.message.publish_json(url=U, not_before="tomorrow"),
        "not_before",
    ),
    case("retries negative", lambda c: c.message.publish_json(url=U, retries=-1), "retries"),
    case("retries str", lambda c: c.message.publish_json(url=U, retries="3"), "retries"),
    case("retries float", lambda c: c.message.publish_json(url=U, retries=2.0), "retries"),
    case(
        "retry_delay code",
        lambda c: c.message.publish_json(url=U, retry_delay="import os"),
        "retry_delay",
    ),
    case(
        "retry_delay unbalanced",
        lambda c: c.message.publish_json(url=U, retry_delay="pow(2, retried"),
        "retry_delay",
    ),
    # ---- other options
    case("method unknown", lambda c: c.message.publish_json(url=U, method="FETCH"), "method"),
    case(
        "header value CRLF",
        lambda c: c.message.publish_json(url=U, headers={"X-A": "a\r\nb"}),
        "headers['X-A']",
    ),
    case(
        "header name with space",
        lambda c: c.message.publish_json(url=U, headers={"X A": "a"}),
        "headers",
    ),
    case(
        "header value non-ASCII",
        lambda c: c.message.publish_json(url=U, headers={"X-A": "é"}),
        "headers['X-A']",
    ),
    case(
        "headers a list", lambda c: c.message.publish_json(url=U, headers=[("a", "b")]), "headers"
    ),
    case(
        "callback header name",
        lambda c: c.message.publish_json(url=U, callback_headers={"X A": "1"}),
        "callback_headers",
    ),
    case(
        "content type CRLF",
        lambda c: c.message.publish(url=U, body="x", content_type="a\nb"),
        "content_type",
    ),
    case("label with comma", lambda c: c.message.publish_json(url=U, label="a,b"), "label"),
    case("labels empty list", lambda c: c.message.publish_json(url=U, label=[]), "label"),
    case("labels empty item", lambda c: c.message.publish_json(url=U, label=["ok", ""]), "label"),
    case(
        "redact body not bool",
        lambda c: c.message.publish_json(url=U, redact={"body": "yes"}),
        "redact.body",
    ),
    case("unknown option", lambda c: c.message.publish_json(url=U, bogus=1), "bogus"),
    # ---- flow control
    case(
        "flow without key",
        lambda c: c.message.publish_json(url=U, flow_control={"parallelism": 1}),
        "flow_control.key",
    ),
    case(
        "flow empty key",
        lambda c: c.message.publish_json(url=U, flow_control={"key": "", "parallelism": 1}),
        "flow_control.key",
    ),
    case(
        "flow without limits",
        lambda c: c.message.publish_json(url=U, flow_control={"key": "k"}),
        "flow_control",
    ),
    case(
        "flow parallelism 0",
        lambda c: c.message.publish_json(url=U, flow_control={"key": "k", "parallelism": 0}),
        "flow_control.parallelism",
    ),
    case(
        "flow rate negative",
        lambda c: c.message.publish_json(url=U, flow_control={"key": "k", "rate": -1}),
        "flow_control.rate",
    ),
    case(
        "flow period malformed",
        lambda c: c.message.publish_json(
            url=U, flow_control={"key": "k", "rate": 1, "period": "1w"}
        ),
        "flow_control.period",
    ),
    case(
        "flow period over a week",
        lambda c: c.message.publish_json(
            url=U, flow_control={"key": "k", "rate": 1, "period": 8 * 86_400}
        ),
        "flow_control.period",
    ),
    case(
        "flow rate and alias",
        lambda c: c.message.publish_json(
            url=U, flow_control={"key": "k", "rate": 1, "rate_per_second": 2}
        ),
        "flow_control.rate_per_second",
    ),
    case(
        "flow unknown key",
        lambda c: c.message.publish_json(url=U, flow_control={"key": "k", "rate": 1, "burst": 2}),
        "flow_control.burst",
    ),
    case("pin nothing", lambda c: c.flow_control.pin("k"), "options"),
    case("pin negative", lambda c: c.flow_control.pin("k", parallelism=-1), "parallelism"),
    case("pin float rate", lambda c: c.flow_control.pin("k", rate=1.5), "rate"),
    case(
        "pin dict and keywords", lambda c: c.flow_control.pin("k", {"rate": 1}, rate=2), "options"
    ),
    case("pin bad period", lambda c: c.flow_control.pin("k", period="soon"), "period"),
    case("unpin nothing", lambda c: c.flow_control.unpin("k"), "options"),
    case("unpin not bool", lambda c: c.flow_control.unpin("k", parallelism="yes"), "parallelism"),
    case("flow list search int", lambda c: c.flow_control.list(5), "search"),
    # ---- bodies
    case("json set", lambda c: c.message.publish_json(url=U, body={1, 2}), "body"),
    case("json object", lambda c: c.message.publish_json(url=U, body=_Unserialisable()), "body"),
    case("json NaN", lambda c: c.message.publish_json(url=U, body=math.nan), "body"),
    case("json bytes", lambda c: c.message.publish_json(url=U, body=b"x"), "body"),
    case("json lone surrogate", lambda c: c.message.publish_json(url=U, body="\ud800"), "body"),
    case("json circular", lambda c: c.message.publish_json(url=U, body=_circular()), "body"),
    case("json tuple key", lambda c: c.message.publish_json(url=U, body={(1, 2): 1}), "body"),
    case("raw body int", lambda c: c.message.publish(url=U, body=5), "body"),
    case("raw body dict", lambda c: c.message.publish(url=U, body={"a": 1}), "body"),
    # ---- queues
    case("enqueue without queue", lambda c: c.message.enqueue_json(url=U), "queue"),
    case("enqueue queue with space", lambda c: c.message.enqueue_json(queue="a b", url=U), "queue"),
    case("enqueue queue empty", lambda c: c.message.enqueue_json(queue="", url=U), "queue"),
    case("enqueue queue traversal", lambda c: c.message.enqueue(queue="../x", url=U), "queue"),
    case("queue upsert bad name", lambda c: c.queue.upsert("a b"), "queue"),
    case("queue upsert empty", lambda c: c.queue.upsert(""), "queue"),
    case("queue parallelism 0", lambda c: c.queue.upsert("q", parallelism=0), "parallelism"),
    case(
        "queue parallelism negative", lambda c: c.queue.upsert("q", parallelism=-1), "parallelism"
    ),
    case("queue parallelism str", lambda c: c.queue.upsert("q", parallelism="2"), "parallelism"),
    case("queue parallelism bool", lambda c: c.queue.upsert("q", parallelism=True), "parallelism"),
    case("queue paused str", lambda c: c.queue.upsert("q", paused="no"), "paused"),
    case("queue get empty", lambda c: c.queue.get(""), "queue"),
    case("queue delete slash", lambda c: c.queue.delete("a/b"), "queue"),
    case("queue pause empty", lambda c: c.queue.pause(""), "queue"),
    case("queue resume empty", lambda c: c.queue.resume(""), "queue"),
    # ---- batches
    # No batch size limit is documented (QStash limits each message's size, per plan, with a
    # 413), so a large batch is sent; an empty one never is.
    case("batch empty", lambda c: c.message.batch_json([]), "messages"),
    case("batch a dict", lambda c: c.message.batch_json({"url": U}), "messages"),
    case(
        "batch a generator",
        lambda c: c.message.batch_json({"url": U} for _ in range(2)),
        "messages",
    ),
    case("batch item a str", lambda c: c.message.batch_json(["x"]), "messages[0]"),
    case(
        "batch item without destination",
        lambda c: c.message.batch_json([{"url": U}, {"body": 1}]),
        "messages[1]",
    ),
    case(
        "batch item bad delay",
        lambda c: c.message.batch_json([{"url": U, "delay": -1}]),
        "messages[0].delay",
    ),
    case(
        "batch item non-UTF-8",
        lambda c: c.message.batch([{"url": U, "body": b"\xff"}]),
        "messages[0].body",
    ),
    case(
        "batch item bad queue",
        lambda c: c.message.batch_json([{"url": U, "queue": "a b"}]),
        "messages[0].queue",
    ),
    # ---- schedules
    case("cron 3 fields", lambda c: c.schedule.create(destination=U, cron="* * *"), "cron"),
    case("cron minute 61", lambda c: c.schedule.create(destination=U, cron="61 * * * *"), "cron"),
    case("cron empty", lambda c: c.schedule.create(destination=U, cron=""), "cron"),
    case(
        "cron unknown zone",
        lambda c: c.schedule.create(destination=U, cron="CRON_TZ=Mars/Base " + CRON),
        "cron",
    ),
    case("schedule without cron", lambda c: c.schedule.create(destination=U), "cron"),
    case("schedule without destination", lambda c: c.schedule.create(cron=CRON), "destination"),
    case(
        "schedule ftp", lambda c: c.schedule.create(destination="ftp://x", cron=CRON), "destination"
    ),
    case(
        "schedule id whitespace",
        lambda c: c.schedule.create(destination=U, cron=CRON, schedule_id=" "),
        "schedule_id",
    ),
    case(
        "schedule bad queue",
        lambda c: c.schedule.create(destination=U, cron=CRON, queue="a b"),
        "queue",
    ),
    case(
        "schedule json set",
        lambda c: c.schedule.create_json(destination=U, cron=CRON, body={1}),
        "body",
    ),
    case(
        "schedule raw body int",
        lambda c: c.schedule.create(destination=U, cron=CRON, body=5),
        "body",
    ),
    case(
        "schedule retries negative",
        lambda c: c.schedule.create_json(destination=U, cron=CRON, retries=-1),
        "retries",
    ),
    # ---- URL groups
    case("endpoints empty", lambda c: c.url_group.upsert_endpoints("g", []), "endpoints"),
    case("endpoints a str", lambda c: c.url_group.upsert_endpoints("g", "https://x"), "endpoints"),
    case(
        "endpoint ftp",
        lambda c: c.url_group.upsert_endpoints("g", [{"url": "ftp://x"}]),
        "endpoints[0].url",
    ),
    case(
        "endpoint without url",
        lambda c: c.url_group.upsert_endpoints("g", [{"name": "n"}]),
        "endpoints[0].url",
    ),
    case(
        "group name with space",
        lambda c: c.url_group.upsert_endpoints("a b", [{"url": U}]),
        "url_group",
    ),
    case("remove nothing", lambda c: c.url_group.remove_endpoints("g", []), "endpoints"),
    case(
        "remove neither url nor name",
        lambda c: c.url_group.remove_endpoints("g", [{}]),
        "endpoints[0]",
    ),
    case("group get empty", lambda c: c.url_group.get(""), "url_group"),
    case("group delete empty", lambda c: c.url_group.delete(""), "url_group"),
    # ---- filters and pages
    case("cancel_all empty filter", lambda c: c.message.cancel_all(filter={}), "filter"),
    case("cancel_all only None", lambda c: c.message.cancel_all(filter={"url": None}), "filter"),
    case("cancel_all state", lambda c: c.message.cancel_all(filter={"state": "x"}), "filter"),
    case(
        "cancel_all naive time",
        lambda c: c.message.cancel_all(filter={"from_time": NAIVE}),
        "filter.from_time",
    ),
    case("dlq delete_all empty filter", lambda c: c.dlq.delete_all(filter={}), "filter"),
    case("dlq retry_all host", lambda c: c.dlq.retry_all(filter={"host": "x"}), "filter"),
    case(
        "dlq empty message id", lambda c: c.dlq.list(filter={"message_id": ""}), "filter.message_id"
    ),
    case("dlq count negative", lambda c: c.dlq.list(count=-1), "count"),
    case("dlq count zero", lambda c: c.dlq.list(count=0), "count"),
    case("dlq cursor float", lambda c: c.dlq.list(cursor=1.5), "cursor"),
    case("dlq naive time", lambda c: c.dlq.list(filter={"to_time": NAIVE}), "filter.to_time"),
    case("dlq iterate page 0", lambda c: c.dlq.iterate(page_size=0), "count"),
    case("log count str", lambda c: c.log.list(count="10"), "count"),
    case("log unknown filter", lambda c: c.log.list(filter={"colour": "red"}), "filter"),
    case(
        "log time in seconds", lambda c: c.log.list(filter={"from_time": 2000}), "filter.from_time"
    ),
    case("log negative time", lambda c: c.log.list(filter={"from_time": -1}), "filter.from_time"),
    case("log iterate page 0", lambda c: c.log.iterate(page_size=0), "count"),
    # ---- chat
    case("chat no messages", lambda c: c.chat.create(messages=[], model="m"), "messages"),
    case("chat messages a str", lambda c: c.chat.create(messages="hi", model="m"), "messages"),
    case(
        "chat unknown role",
        lambda c: c.chat.create(messages=[{"role": "god", "content": "x"}], model="m"),
        "messages[0].role",
    ),
    case(
        "chat empty model",
        lambda c: c.chat.create(messages=[{"role": "user", "content": "x"}], model=""),
        "model",
    ),
    case(
        "chat temperature str",
        lambda c: c.chat.create(
            messages=[{"role": "user", "content": "x"}], model="m", temperature="hot"
        ),
        "temperature",
    ),
    case(
        "chat max_tokens negative",
        lambda c: c.chat.create(
            messages=[{"role": "user", "content": "x"}], model="m", max_tokens=-1
        ),
        "max_tokens",
    ),
    case(
        "chat stream str",
        lambda c: c.chat.create(
            messages=[{"role": "user", "content": "x"}], model="m", stream="yes"
        ),
        "stream",
    ),
]


async def drive(value: object) -> object:
    """Run a call to its end: await a coroutine, exhaust an iterator (the page walkers)."""
    if inspect.isawaitable(value):
        return await value
    if isinstance(value, AsyncIterator):
        return [item async for item in value]
    if isinstance(value, Iterator):
        return list(value)
    return value


def _refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a request left the client: {request.method} {request.url}")


@pytest.fixture(params=["sync", "async"])
async def strict_client(request: pytest.FixtureRequest) -> Any:
    """A client whose transport fails the test on any request."""
    transport = httpx.MockTransport(_refuse)
    if request.param == "sync":
        with QStash(
            "token", base_url="https://qstash.test", httpx_client=httpx.Client(transport=transport)
        ) as client:
            yield client
    else:
        async with AsyncQStash(
            "token",
            base_url="https://qstash.test",
            httpx_client=httpx.AsyncClient(transport=transport),
        ) as aclient:
            yield aclient


@pytest.mark.parametrize(("call", "argument"), CASES)
async def test_invalid_argument_is_refused_before_sending(
    strict_client: Client, call: Callable[[Client], object], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await drive(call(strict_client))
    assert info.value.argument == argument
    assert str(info.value)  # a message a user can act on


CONSTRUCTORS: list[Row] = [
    case("base_url ftp", lambda cls: cls("t", base_url="ftp://x"), "base_url"),
    case("base_url empty host", lambda cls: cls("t", base_url="https://"), "base_url"),
    case("token empty", lambda cls: cls("  ", base_url=U), "token"),
    case("token an int", lambda cls: cls(123, base_url=U), "token"),
    case("token with newline", lambda cls: cls("ab\ncd", base_url=U), "token"),
    case("token non-ASCII", lambda cls: cls("tökén", base_url=U), "token"),
    case("retry a str", lambda cls: cls("t", base_url=U, retry="always"), "retry"),
    case("retry negative", lambda cls: cls("t", base_url=U, retry={"retries": -1}), "retry"),
    case(
        "retry unknown key",
        lambda cls: cls("t", base_url=U, retry={"retries": 1, "delay": 2}),
        "retry",
    ),
    case(
        "retry backoff not callable",
        lambda cls: cls("t", base_url=U, retry={"backoff": 5}),
        "retry",
    ),
    case("timeout negative", lambda cls: cls("t", base_url=U, timeout=-1), "timeout"),
    case("timeout str", lambda cls: cls("t", base_url=U, timeout="5s"), "timeout"),
    case(
        "timeout NaN",
        lambda cls: cls("t", base_url=U, timeout=math.nan),
        "timeout",
    ),
]


@pytest.mark.parametrize("cls", [QStash, AsyncQStash], ids=["sync", "async"])
@pytest.mark.parametrize(("call", "argument"), CONSTRUCTORS)
def test_invalid_client_settings_are_refused(
    cls: type[Client], call: Callable[[type[Client]], object], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        call(cls)
    assert info.value.argument == argument


def wrong(value: object) -> Any:
    """A value of the wrong type, passed on purpose."""
    return value


def other(name: str, call: Callable[[], object], argument: str) -> Row:
    """A row for a function outside the client."""
    return pytest.param(call, argument, id=name)


OTHERS: list[Row] = [
    other("policy negative delay", lambda: RetryPolicy(initial_delay=-1), "initial_delay"),
    other("policy NaN cap", lambda: RetryPolicy(max_delay=math.nan), "max_delay"),
    other("policy jitter above 1", lambda: RetryPolicy(jitter=2), "jitter"),
    other("policy negative deadline", lambda: RetryPolicy(total_timeout=-1), "total_timeout"),
    other("policy endless deadline", lambda: RetryPolicy(total_timeout=math.inf), "total_timeout"),
    other("policy backoff str", lambda: RetryPolicy(backoff=wrong("fast")), "backoff"),
    other("policy retries float", lambda: RetryPolicy(max_retries=wrong(1.5)), "max_retries"),
    other("policy retries negative", lambda: RetryPolicy(max_retries=-1), "max_retries"),
    other("receiver key int", lambda: Receiver(wrong(5)), "current_signing_key"),
    other(
        "receiver body int", lambda: Receiver("sig_a").verify(signature="x", body=wrong(5)), "body"
    ),
    other(
        "receiver url bytes",
        lambda: Receiver("sig_a").verify(signature="x", body=b"", url=wrong(b"u")),
        "url",
    ),
    other(
        "receiver tolerance negative",
        lambda: Receiver("sig_a").verify(signature="x", body=b"", clock_tolerance=-1),
        "clock_tolerance",
    ),
    other(
        "receiver signature int",
        lambda: Receiver("sig_a").verify(signature=wrong(5), body=b""),
        "signature",
    ),
    other("sign empty key", lambda: sign(signing_key="", url=U), "signing_key"),
    other("sign empty url", lambda: sign(signing_key="sig_a", url=""), "url"),
    other(
        "sign negative lifetime", lambda: sign(signing_key="sig_a", url=U, lifetime=-1), "lifetime"
    ),
    other("sign negative now", lambda: sign(signing_key="sig_a", url=U, now=-5), "now"),
    other("sign now a datetime", lambda: sign(signing_key="sig_a", url=U, now=wrong(NAIVE)), "now"),
    other("openai empty key", lambda: openai(""), "token"),
    other("openai key with newline", lambda: openai("sk\nx"), "token"),
    other("anthropic key None", lambda: anthropic(wrong(None)), "token"),
    other("custom provider ftp", lambda: custom("ftp://llm", "k"), "base_url"),
]


@pytest.mark.parametrize(("call", "argument"), OTHERS)
def test_invalid_arguments_outside_the_client(call: Callable[[], object], argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        call()
    assert info.value.argument == argument
