"""client.dlq on the wire, sync and async (one body each)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest

from qstash import AsyncQStash, InvalidArgumentError, NotFoundError, QStashError
from qstash._async.dlq import AsyncDlqApi
from qstash._sync.dlq import DlqApi
from qstash.dlq import DlqMessage, ListDlqMessagesResponse
from qstash.message import FlowControlProperties, Message
from tests.conftest import TOKEN, Client, Wire, resolve
from tests.test_log import collect, query


def dlq_api(client: Client) -> Any:
    return AsyncDlqApi(client) if isinstance(client, AsyncQStash) else DlqApi(client)


FULL_ENTRY = {
    "messageId": "msg_1",
    "dlqId": "dlq_1",
    "url": "https://example.com/hook",
    "topicName": "group",
    "endpointName": "ep",
    "queueName": "jobs",
    "body": "hello",
    "method": "PUT",
    "header": {"Content-Type": ["text/plain"]},
    "callbackHeader": {"X-Cb": ["1"]},
    "failureCallbackHeader": {"X-Fail": ["2"]},
    "maxRetries": 3,
    "retryDelayExpression": "1000",
    "notBefore": 1_704_067_200_000,
    "createdAt": 1_704_067_100_000,
    "callback": "https://example.com/cb",
    "failureCallback": "https://example.com/fail",
    "scheduleId": "scd_1",
    "callerIP": "10.0.0.1",
    "flowControlKey": "fk",
    "parallelism": 2,
    "rate": 5,
    "period": 60,
    "label": "billing",
    "labels": ["billing"],
    "responseStatus": 500,
    "responseHeader": {"Server": ["nginx"]},
    "responseBody": "boom",
}

FULL_MESSAGE = DlqMessage(
    message_id="msg_1",
    url="https://example.com/hook",
    url_group="group",
    endpoint="ep",
    queue="jobs",
    body="hello",
    method="PUT",
    headers={"Content-Type": ["text/plain"]},
    callback_headers={"X-Cb": ["1"]},
    failure_callback_headers={"X-Fail": ["2"]},
    max_retries=3,
    retry_delay_expression="1000",
    not_before=1_704_067_200_000,
    created_at=1_704_067_100_000,
    callback="https://example.com/cb",
    failure_callback="https://example.com/fail",
    schedule_id="scd_1",
    caller_ip="10.0.0.1",
    flow_control=FlowControlProperties("fk", 2, 5, 60),
    label="billing",
    labels=["billing"],
    dlq_id="dlq_1",
    response_status=500,
    response_headers={"Server": ["nginx"]},
    response_body="boom",
)


def entry(dlq_id: str) -> dict[str, Any]:
    return {"messageId": f"msg-{dlq_id}", "dlqId": dlq_id, "responseStatus": 500}


def assert_no_body(request: Any) -> None:
    assert request.content == b""
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


async def test_get(client: Client, wire: Wire) -> None:
    wire.reply(200, FULL_ENTRY)
    message = await resolve(dlq_api(client).get("dlq_1"))
    assert message == FULL_MESSAGE
    assert message.response_body_bytes == b"boom"
    assert message.body_bytes == b"hello"
    assert isinstance(message, Message)  # code written for messages takes DLQ entries too
    assert wire.last.method == "GET"
    assert str(wire.last.url) == "https://qstash.test/v2/dlq/dlq_1"
    assert_no_body(wire.last)


async def test_get_reads_the_other_spellings(client: Client, wire: Wire) -> None:
    raw = base64.b64encode(b"\xff\xfe").decode()
    wire.reply(
        200,
        {
            "messageId": "m",  # no dlqId: the requested id is kept
            "responseHeaders": {"A": ["1"]},
            "responseBodyBase64": raw,
            "callerIp": "10.0.0.2",
            "ratePerSecond": 7,
            "flowControlKey": "k",
        },
    )
    message = await resolve(dlq_api(client).get("dlq/with space"))
    assert message.dlq_id == "dlq/with space"
    assert message.response_status is None
    assert message.response_headers == {"A": ["1"]}
    assert message.response_body is None
    assert message.response_body_bytes == b"\xff\xfe"
    assert message.caller_ip == "10.0.0.2"
    assert message.flow_control == FlowControlProperties("k", rate=7)
    # the id is one path segment, whatever it holds
    assert wire.last.url.raw_path == b"/v2/dlq/dlq%2Fwith%20space"


async def test_list_sends_every_filter(client: Client, wire: Wire) -> None:
    wire.reply(200, {"cursor": "c1", "messages": [FULL_ENTRY]})
    page = await resolve(
        dlq_api(client).list(
            cursor="c0",
            count=10,
            dlq_ids=["d1", "d2"],
            filter={
                "message_id": "msg_1",
                "url": ["https://a.example", "https://b.example"],
                "url_group": "group",
                "queue": "jobs",
                "schedule_id": ["s1", "s2"],
                "label": "billing",
                "flow_control_key": ["fk"],
                "caller_ip": "10.0.0.1",
                "response_status": 500,
                "from_time": datetime(2024, 1, 1, tzinfo=UTC),
                "to_time": 1_704_153_600_000,
            },
        )
    )
    assert page == ListDlqMessagesResponse("c1", [FULL_MESSAGE])
    assert wire.last.method == "GET"
    assert wire.last.url.path == "/v2/dlq"
    assert_no_body(wire.last)
    assert query(wire.last) == [
        ("callerIp", "10.0.0.1"),
        ("count", "10"),
        ("cursor", "c0"),
        ("dlqIds", "d1"),
        ("dlqIds", "d2"),
        ("flowControlKey", "fk"),
        ("fromDate", "1704067200000"),
        ("label", "billing"),
        ("messageId", "msg_1"),
        ("queueName", "jobs"),
        ("responseStatus", "500"),
        ("scheduleId", "s1"),
        ("scheduleId", "s2"),
        ("toDate", "1704153600000"),
        ("topicName", "group"),
        ("url", "https://a.example"),
        ("url", "https://b.example"),
    ]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({}, ListDlqMessagesResponse(None, [])),
        ({"cursor": "", "messages": []}, ListDlqMessagesResponse(None, [])),
        ({"cursor": 42, "messages": [entry("d")]}, None),
    ],
)
async def test_list_pages(
    client: Client, wire: Wire, answer: dict[str, Any], expected: ListDlqMessagesResponse | None
) -> None:
    wire.reply(200, answer)
    page = await resolve(dlq_api(client).list())
    if expected is not None:
        assert page == expected
    else:
        assert page.cursor == "42"
        assert [m.dlq_id for m in page.messages] == ["d"]
    assert str(wire.last.url) == "https://qstash.test/v2/dlq"


def _three_pages(wire: Wire, last: dict[str, Any]) -> None:
    wire.reply(200, {"cursor": "c1", "messages": [entry("a"), entry("b")]})
    wire.reply(200, {"cursor": "c2", "messages": [entry("c")]})
    wire.reply(200, {**last, "messages": [entry("d")]})


@pytest.mark.parametrize("last", [{"cursor": ""}, {}], ids=["empty-cursor", "no-cursor"])
async def test_iterate_walks_every_page(client: Client, wire: Wire, last: dict[str, Any]) -> None:
    _three_pages(wire, last)
    messages = await collect(dlq_api(client).iterate(filter={"label": "x"}, page_size=2))
    assert [m.dlq_id for m in messages] == ["a", "b", "c", "d"]
    assert all(isinstance(m, DlqMessage) for m in messages)
    assert [query(request) for request in wire.requests] == [
        [("count", "2"), ("label", "x")],
        [("count", "2"), ("cursor", "c1"), ("label", "x")],
        [("count", "2"), ("cursor", "c2"), ("label", "x")],
    ]


async def test_iterate_stops_fetching_when_the_loop_stops(client: Client, wire: Wire) -> None:
    _three_pages(wire, {})
    messages = await collect(dlq_api(client).iterate(), limit=3)
    assert [m.dlq_id for m in messages] == ["a", "b", "c"]
    assert len(wire.requests) == 2


async def test_iterate_refuses_a_cursor_that_does_not_move(client: Client, wire: Wire) -> None:
    wire.reply(200, {"cursor": "c1", "messages": []})
    wire.reply(200, {"cursor": "c1", "messages": []})
    with pytest.raises(QStashError, match="same DLQ cursor twice"):
        await collect(dlq_api(client).iterate())


async def test_delete(client: Client, wire: Wire) -> None:
    wire.reply(200)
    assert await resolve(dlq_api(client).delete("dlq_1")) is None
    assert wire.last.method == "DELETE"
    assert str(wire.last.url) == "https://qstash.test/v2/dlq/dlq_1"
    assert_no_body(wire.last)


async def test_delete_many_sends_ids_as_repeated_params(client: Client, wire: Wire) -> None:
    wire.reply(200, {"deleted": 2})
    assert await resolve(dlq_api(client).delete_many(["d1", "d2"])) == 2
    assert len(wire.requests) == 1
    assert wire.last.method == "DELETE"
    assert wire.last.url.path == "/v2/dlq"
    assert query(wire.last) == [("dlqIds", "d1"), ("dlqIds", "d2")]
    assert_no_body(wire.last)


async def test_delete_many_follows_a_cursor(client: Client, wire: Wire) -> None:
    wire.reply(200, {"deleted": 1, "cursor": "c1"})
    wire.reply(200, {"deleted": 1})
    assert await resolve(dlq_api(client).delete_many(["d1", "d2"])) == 2
    assert [query(r) for r in wire.requests] == [
        [("dlqIds", "d1"), ("dlqIds", "d2")],
        [("cursor", "c1"), ("dlqIds", "d1"), ("dlqIds", "d2")],
    ]


async def test_delete_all_loops_over_the_cursor(client: Client, wire: Wire) -> None:
    wire.reply(200, {"deleted": 100, "cursor": "c1"})
    wire.reply(200, {"deleted": 100, "cursor": "c2"})
    wire.reply(200, {"deleted": 7, "cursor": ""})
    assert await resolve(dlq_api(client).delete_all()) == 207
    assert {(r.method, r.url.path) for r in wire.requests} == {("DELETE", "/v2/dlq")}
    assert [query(r) for r in wire.requests] == [
        [("count", "100")],
        [("count", "100"), ("cursor", "c1")],
        [("count", "100"), ("cursor", "c2")],
    ]


async def test_delete_all_with_a_filter_goes_on_after_a_full_page(
    client: Client, wire: Wire
) -> None:
    wire.reply(200, {"deleted": 100})  # full page, no cursor: there may be more
    wire.reply(200, {"deleted": 3})
    total = await resolve(
        dlq_api(client).delete_all(filter={"url_group": ["g1", "g2"], "response_status": 404})
    )
    assert total == 103
    expected = [
        ("count", "100"),
        ("responseStatus", "404"),
        ("topicName", "g1"),
        ("topicName", "g2"),
    ]
    assert [query(r) for r in wire.requests] == [expected, expected]


async def test_retry(client: Client, wire: Wire) -> None:
    wire.reply(201, {"messageId": "msg_new"})
    assert await resolve(dlq_api(client).retry("dlq_1")) == "msg_new"
    assert wire.last.method == "POST"
    assert str(wire.last.url) == "https://qstash.test/v2/dlq/retry/dlq_1"
    assert_no_body(wire.last)


async def test_retry_many(client: Client, wire: Wire) -> None:
    wire.reply(201, {"responses": [{"messageId": "n1"}, {"messageId": "n2"}], "cursor": ""})
    assert await resolve(dlq_api(client).retry_many(["d1", "d2"])) == ["n1", "n2"]
    assert len(wire.requests) == 1
    assert wire.last.method == "POST"
    assert wire.last.url.path == "/v2/dlq/retry"
    assert query(wire.last) == [("dlqIds", "d1"), ("dlqIds", "d2")]
    assert_no_body(wire.last)


async def test_retry_all_loops_over_the_cursor(client: Client, wire: Wire) -> None:
    wire.reply(201, {"responses": [{"messageId": "n1"}], "cursor": "c1"})
    wire.reply(201, {"responses": [{"messageId": "n2"}], "cursor": ""})
    ids = await resolve(dlq_api(client).retry_all(filter={"queue": "jobs"}))
    assert ids == ["n1", "n2"]
    assert {(r.method, r.url.path) for r in wire.requests} == {("POST", "/v2/dlq/retry")}
    assert [query(r) for r in wire.requests] == [
        [("count", "100"), ("queueName", "jobs")],
        [("count", "100"), ("cursor", "c1"), ("queueName", "jobs")],
    ]


async def test_retry_all_of_everything(client: Client, wire: Wire) -> None:
    wire.reply(201, {})
    assert await resolve(dlq_api(client).retry_all()) == []
    assert query(wire.last) == [("count", "100")]


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "argument"),
    [
        ("get", [""], {}, "dlq_id"),
        ("delete", ["  "], {}, "dlq_id"),
        ("retry", [""], {}, "dlq_id"),
        ("delete_many", [[]], {}, "dlq_ids"),
        ("delete_many", ["d1"], {}, "dlq_ids"),
        ("delete_many", [["d1", ""]], {}, "dlq_ids[1]"),
        ("retry_many", [[]], {}, "dlq_ids"),
        ("list", [], {"dlq_ids": []}, "dlq_ids"),
        ("list", [], {"filter": {"host": "a.example"}}, "filter"),
        ("list", [], {"filter": {"path": "/x"}}, "filter"),
        ("list", [], {"count": -1}, "count"),
        ("delete_all", [], {"filter": {}}, "filter"),
        ("delete_all", [], {"filter": {"url": None}}, "filter"),
        ("retry_all", [], {"filter": {}}, "filter"),
        ("retry_all", [], {"filter": {"state": "FAILED"}}, "filter"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: Client,
    wire: Wire,
    method: str,
    args: list[Any],
    kwargs: dict[str, Any],
    argument: str,
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await resolve(getattr(dlq_api(client), method)(*args, **kwargs))
    assert caught.value.argument == argument
    assert wire.requests == []


async def test_an_emptied_filter_is_never_read_as_everything(client: Client, wire: Wire) -> None:
    with pytest.raises(InvalidArgumentError, match="pass filter=None to act on everything"):
        await resolve(dlq_api(client).delete_all(filter={"label": None}))
    assert wire.requests == []


async def test_get_of_a_missing_entry(client: Client, wire: Wire) -> None:
    wire.reply(404, {"error": "dlq message not found"})
    with pytest.raises(NotFoundError, match="dlq message not found"):
        await resolve(dlq_api(client).get("gone"))


def test_dlq_module_resolves_the_api_classes_lazily() -> None:
    import qstash.dlq

    assert qstash.dlq.DlqApi is DlqApi
    assert qstash.dlq.AsyncDlqApi is AsyncDlqApi
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = qstash.dlq.Nope
