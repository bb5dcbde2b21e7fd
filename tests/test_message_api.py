"""client.message end to end through the transport, sync and async (one body each)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from qstash import InvalidArgumentError, PartialBatchError, QStashError, RetryPolicy
from qstash.message import (
    FlowControlProperties,
    Message,
    PublishResponse,
    PublishUrlGroupResponse,
    parse_batch,
)
from tests.conftest import TOKEN, Client, Wire, resolve


async def test_publish_json_official_readme_call(client: Client, wire: Wire) -> None:
    wire.reply(200, {"messageId": "msg_1", "url": "https://example.com"})
    result = await resolve(
        client.message.publish_json(
            url="https://example.com",
            body={"key": "value"},
            retries=3,
            delay="4s",
            callback="https://example.com/callback",
            failure_callback="https://example.com/failure_callback",
            headers={"test-header": "test-value"},
            content_based_deduplication=True,
        )
    )
    assert result == PublishResponse("msg_1", False, "https://example.com")
    request = wire.last
    assert request.method == "POST"
    assert str(request.url) == "https://qstash.test/v2/publish/https://example.com"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["upstash-retries"] == "3"
    assert request.headers["upstash-delay"] == "4s"
    assert request.headers["upstash-callback"] == "https://example.com/callback"
    assert request.headers["upstash-failure-callback"] == "https://example.com/failure_callback"
    assert request.headers["upstash-forward-test-header"] == "test-value"
    assert request.headers["upstash-content-based-deduplication"] == "true"
    assert json.loads(request.content) == {"key": "value"}


async def test_publish_raw_body_to_url_with_query(client: Client, wire: Wire) -> None:
    wire.reply(200, {"messageId": "m"})
    await resolve(
        client.message.publish(
            url="https://example.com/hook?a=1", body=b"\x00raw", content_type="text/plain"
        )
    )
    assert wire.last.url.path == "/v2/publish/https://example.com/hook"
    assert wire.last.url.query == b"a=1"
    assert wire.last.content == b"\x00raw"
    assert wire.last.headers["content-type"] == "text/plain"


async def test_publish_to_url_group_returns_one_result_per_endpoint(
    client: Client, wire: Wire
) -> None:
    wire.reply(
        200,
        [
            {"messageId": "a", "url": "https://one.example"},
            {"messageId": "b", "url": "https://two.example", "deduplicated": True},
        ],
    )
    result = await resolve(client.message.publish_json(url_group="my-group", body=[1]))
    assert result == [
        PublishUrlGroupResponse("a", "https://one.example"),
        PublishUrlGroupResponse("b", "https://two.example", True),
    ]
    assert wire.last.url.path == "/v2/publish/my-group"


async def test_enqueue_takes_delay_and_flow_control(client: Client, wire: Wire) -> None:
    wire.reply(202, {"messageId": "m", "deduplicated": True})
    result = await resolve(
        client.message.enqueue_json(
            queue="jobs",
            url="https://example.com",
            body={"n": 1},
            delay=10,
            not_before=1_700_000_000,
            flow_control={"key": "k", "parallelism": 2, "rate": 5, "period": 60},
        )
    )
    assert result == PublishResponse("m", True)
    assert wire.last.url.path == "/v2/enqueue/jobs/https://example.com"
    assert wire.last.headers["upstash-delay"] == "10s"
    assert wire.last.headers["upstash-not-before"] == "1700000000"
    assert wire.last.headers["upstash-flow-control-key"] == "k"
    assert wire.last.headers["upstash-flow-control-value"] == "parallelism=2, rate=5, period=60s"


async def test_batch_json_keeps_every_option(client: Client, wire: Wire) -> None:
    wire.reply(200, [{"messageId": "1"}, [{"messageId": "2", "url": "https://e.example"}]])
    results = await resolve(
        client.message.batch_json(
            [
                {"url": "https://a.example", "body": {"x": 1}, "retry_delay": "1000"},
                {"url_group": "g", "body": "text", "queue": "q"},
            ]
        )
    )
    assert results == [
        PublishResponse("1"),
        [PublishUrlGroupResponse("2", "https://e.example")],
    ]
    sent = wire.last_json()
    assert wire.last.url.path == "/v2/batch"
    assert sent[0]["destination"] == "https://a.example"
    assert sent[0]["headers"]["Upstash-Retry-Delay"] == "1000"
    assert sent[0]["body"] == '{"x":1}'
    assert sent[1]["queue"] == "q"


async def test_batch_partial_failure_keeps_the_accepted_results(client: Client, wire: Wire) -> None:
    wire.reply(200, [{"messageId": "ok"}, {"error": "invalid destination"}])
    with pytest.raises(PartialBatchError) as info:
        await resolve(
            client.message.batch([{"url": "https://a.example"}, {"url": "https://b.example"}])
        )
    assert info.value.results[0] == PublishResponse("ok")
    assert [(e.index, e.message) for e in info.value.errors] == [(1, "invalid destination")]


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ([{"messageId": 5}], "without a message id"),
        ([{"url": "https://a.example"}], "without a message id"),
        (["msg_1"], "unexpected publish result"),
        ([[{"messageId": "g1"}, "x"]], "unexpected publish result"),
        ({"messageId": "m"}, "something other than a list"),
    ],
)
def test_parse_batch_refuses_what_is_not_a_batch_answer(answer: object, problem: str) -> None:
    with pytest.raises(QStashError, match=problem):
        parse_batch(json.dumps(answer).encode())


def test_parse_batch_reads_every_kind_of_entry() -> None:
    answer = [
        {"messageId": "m1", "url": "https://a.example", "deduplicated": True},
        {"messageId": None, "error": "bad destination for tok_secret"},
        [{"messageId": "g1", "url": "https://g.example/1"}, {"messageId": "g2", "url": ""}],
        {"messageId": "m2", "deduplicated": "yes"},
    ]
    with pytest.raises(PartialBatchError) as info:
        parse_batch(json.dumps(answer).encode(), ("tok_secret",))
    assert info.value.results == [
        PublishResponse("m1", True, "https://a.example"),
        info.value.errors[0],
        [
            PublishUrlGroupResponse("g1", "https://g.example/1"),
            PublishUrlGroupResponse("g2", ""),
        ],
        PublishResponse("m2", False, None),
    ]
    [error] = info.value.errors
    assert (error.index, error.message) == (1, "bad destination for [REDACTED]")


async def test_get_parses_every_field(client: Client, wire: Wire) -> None:
    wire.reply(
        200,
        {
            "messageId": "m1",
            "url": "https://e.example",
            "topicName": "g",
            "endpointName": "ep",
            "queueName": "q",
            "body": "hi",
            "method": "PUT",
            "header": {"X-A": ["1"]},
            "callbackHeader": {"X-C": ["2"]},
            "maxRetries": 3,
            "retryDelayExpression": "1000",
            "notBefore": 1,
            "createdAt": 2,
            "callback": "https://cb.example",
            "scheduleId": "s",
            "callerIP": "1.2.3.4",
            "flowControlKey": "fk",
            "parallelism": 2,
            "rate": 3,
            "period": 4,
            "labels": ["a", "b"],
            "somethingNew": True,
        },
    )
    message = await resolve(client.message.get("m1"))
    assert wire.last.url.path == "/v2/messages/m1"
    assert message == Message(
        message_id="m1",
        url="https://e.example",
        url_group="g",
        endpoint="ep",
        queue="q",
        body="hi",
        method="PUT",
        headers={"X-A": ["1"]},
        callback_headers={"X-C": ["2"]},
        max_retries=3,
        retry_delay_expression="1000",
        not_before=1,
        created_at=2,
        callback="https://cb.example",
        schedule_id="s",
        caller_ip="1.2.3.4",
        flow_control=FlowControlProperties("fk", 2, 3, 4),
        labels=["a", "b"],
    )
    assert message.body_bytes == b"hi"


async def test_cancel_many_and_cancel_all(client: Client, wire: Wire) -> None:
    wire.reply(200, {"cancelled": 2})
    assert await resolve(client.message.cancel_many(["a", "b"])) == 2
    assert wire.last.method == "DELETE"
    assert wire.last.url.path == "/v2/messages"
    assert wire.last.url.params.get_list("messageIds") == ["a", "b"]

    wire.reply(200, {"cancelled": 100})
    wire.reply(200, {"cancelled": 5})
    assert await resolve(client.message.cancel_all()) == 105
    assert [str(r.url.params) for r in wire.requests[-2:]] == ["count=100", "count=100"]

    wire.reply(200, {"cancelled": 3})
    cancelled = client.message.cancel_all(filter={"queue": ["a", "b"], "label": "nightly"})
    assert await resolve(cancelled) == 3
    assert wire.last.url.params.get_list("queueName") == ["a", "b"]
    assert wire.last.url.params["label"] == "nightly"

    wire.reply(200)
    assert await resolve(client.message.cancel("m 1")) is None
    assert wire.last.method == "DELETE"
    assert wire.last.url.path == "/v2/messages/m 1"


@pytest.mark.parametrize(
    ("method", "args", "argument"),
    [
        ("get", ("",), "message_id"),
        ("cancel", ("  ",), "message_id"),
        ("cancel_many", ([],), "message_ids"),
        ("cancel_many", (["a", ""],), "message_ids[1]"),
        ("cancel_many", ("abc",), "message_ids"),
        ("cancel_all", (), "filter"),
    ],
)
async def test_guards_send_nothing(
    client: Client, wire: Wire, method: str, args: tuple[Any, ...], argument: str
) -> None:
    kwargs: dict[str, Any] = {"filter": {}} if method == "cancel_all" else {}
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(getattr(client.message, method)(*args, **kwargs))
    assert info.value.argument == argument
    assert wire.requests == []


@pytest.mark.parametrize(
    ("options", "argument"),
    [
        ({"body": {}}, "url/url_group/api"),
        ({"url": "https://a.example", "url_group": "g"}, "url/url_group/api"),
        ({"url": "ftp://a.example"}, "url"),
        ({"url": "https://a.example", "delay": -1}, "delay"),
        ({"url": "https://a.example", "dealy": "4s"}, "dealy"),
    ],
)
async def test_bad_publish_input_sends_nothing(
    client: Client, wire: Wire, options: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(client.message.publish_json(**options))
    assert info.value.argument == argument
    assert wire.requests == []


async def test_retried_publish_reuses_one_dedup_id(
    make_client: Callable[..., Client], wire: Wire
) -> None:
    ids = iter(["dedup-1", "dedup-2"])
    client = make_client(retry=RetryPolicy(initial_delay=0.0), id_factory=lambda: next(ids))
    wire.reply(503, b"busy")
    wire.reply(502, b"<html>bad gateway</html>")
    wire.reply(200, {"messageId": "m"})
    await resolve(client.message.publish_json(url="https://a.example", body=1))
    assert [r.headers["upstash-deduplication-id"] for r in wire.requests] == ["dedup-1"] * 3

    wire.reply(200, {"messageId": "n"})
    await resolve(
        client.message.publish_json(url="https://a.example", body=1, deduplication_id="mine")
    )
    assert wire.last.headers["upstash-deduplication-id"] == "mine"


async def test_no_dedup_id_without_retries(client: Client, wire: Wire) -> None:
    wire.reply(200, {"messageId": "m"})
    await resolve(client.message.publish(url="https://a.example"))
    assert "upstash-deduplication-id" not in wire.last.headers
    assert wire.last.content == b""


def test_publish_results_read_exactly_the_spec_fields() -> None:
    # Publish responses are read straight from JSON (the hot path skips the generated model):
    # pin the fields read to the spec's PublishResponse, so the two cannot drift apart.
    import inspect
    from pathlib import Path

    import yaml

    import qstash.message

    spec = yaml.safe_load((Path(__file__).parent.parent / "openapi" / "qstash.yaml").read_text())
    fields = set(spec["components"]["schemas"]["PublishResponse"]["properties"])
    source = inspect.getsource(qstash.message._result) + inspect.getsource(
        qstash.message._message_id
    )
    assert fields == {"messageId", "url", "deduplicated"}
    assert all(f'"{name}"' in source for name in fields)


def test_publish_return_type_follows_the_destination(wire: Wire) -> None:
    # Checked twice: by mypy (assert_type, in ./scripts/test) and at run time.
    from typing import assert_type

    import httpx

    from qstash import QStash
    from qstash.chat import openai

    transport = httpx.MockTransport(wire.handler)
    with QStash(
        "t", base_url="https://q.test", httpx_client=httpx.Client(transport=transport)
    ) as c:
        wire.reply(200, {"messageId": "a"})
        single = assert_type(
            c.message.publish_json(url="https://a.example", body=1), PublishResponse
        )
        wire.reply(200, [{"messageId": "b", "url": "https://b.example"}])
        group = assert_type(
            c.message.enqueue(queue="q", url_group="g"), list[PublishUrlGroupResponse]
        )
        wire.reply(200, {"messageId": "c"})
        llm = assert_type(
            c.message.publish_json(api={"name": "llm", "provider": openai("k")}, body={}),
            PublishResponse,
        )
    assert isinstance(single, PublishResponse)
    assert isinstance(group, list)
    assert group[0].url == "https://b.example"
    assert llm.message_id == "c"
