"""client.log (and the deprecated client.event) on the wire, sync and async (one body each)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from qstash import AsyncQStash, InvalidArgumentError, NotFoundError, QStash, QStashError
from qstash._async.log import AsyncEventApi, AsyncLogApi
from qstash._sync.log import EventApi, LogApi
from qstash.log import ListEventsResponse, ListLogsResponse, Log, LogState
from qstash.message import FlowControlProperties
from tests.conftest import TOKEN, Client, Wire, resolve


def log_api(client: Client) -> Any:
    return AsyncLogApi(client) if isinstance(client, AsyncQStash) else LogApi(client)


def event_api(client: Client) -> Any:
    return AsyncEventApi(client) if isinstance(client, AsyncQStash) else EventApi(client)


async def collect(iterator: Any, limit: int | None = None) -> list[Any]:
    """Items of a sync or async iterator (``async for`` for the async one), up to ``limit``.

    Stopping early closes the iterator, as leaving a ``for`` loop would.
    """
    items: list[Any] = []
    if hasattr(iterator, "__aiter__"):
        async for item in iterator:
            items.append(item)
            if len(items) == limit:
                await iterator.aclose()
                break
    else:
        for item in iterator:
            items.append(item)
            if len(items) == limit:
                iterator.close()
                break
    return items


def query(request: Any) -> list[tuple[str, str]]:
    """The request's query as (name, value) pairs, by name; repeated values keep their order."""
    return sorted(request.url.params.multi_items(), key=lambda item: item[0])


BODY = base64.b64encode(b"hello").decode()

FULL_ENTRY = {
    "time": 1_704_067_200_000,
    "messageId": "msg_1",
    "state": "ERROR",
    "error": "destination answered 500",
    "nextDeliveryTime": 1_704_067_260_000,
    "url": "https://example.com/hook",
    "topicName": "group",
    "endpointName": "ep",
    "queueName": "jobs",
    "scheduleId": "scd_1",
    "method": "PUT",
    "header": {"Content-Type": ["text/plain"]},
    "body": BODY,
    "callback": "https://example.com/cb",
    "failureCallback": "https://example.com/fail",
    "callbackHeaders": {"X-Cb": ["1"]},
    "failureCallbackHeaders": {"X-Fail": ["2"]},
    "responseStatus": 500,
    "responseHeader": {"Server": ["nginx"]},
    "responseBody": "boom",
    "timeout": 30_000,
    "maxRetries": 3,
    "retryDelayExpr": "pow(2, retried) * 1000",
    "callerIP": "10.0.0.1",
    "flowControlKey": "fk",
    "parallelism": 2,
    "rate": 5,
    "period": 60,
    "label": "billing",
    "labels": ["billing", "eu"],
}

FULL_LOG = Log(
    time=1_704_067_200_000,
    message_id="msg_1",
    state=LogState.ERROR,
    error="destination answered 500",
    next_delivery_time=1_704_067_260_000,
    url="https://example.com/hook",
    url_group="group",
    endpoint="ep",
    queue="jobs",
    schedule_id="scd_1",
    body_base64=BODY,
    headers={"Content-Type": ["text/plain"]},
    callback_headers={"X-Cb": ["1"]},
    failure_callback_headers={"X-Fail": ["2"]},
    response_status=500,
    response_headers={"Server": ["nginx"]},
    response_body="boom",
    timeout=30_000,
    method="PUT",
    callback="https://example.com/cb",
    failure_callback="https://example.com/fail",
    max_retries=3,
    retry_delay_expression="pow(2, retried) * 1000",
    flow_control=FlowControlProperties("fk", 2, 5, 60),
    label="billing",
    caller_ip="10.0.0.1",
    labels=["billing", "eu"],
)


def entry(message_id: str, state: str = "DELIVERED") -> dict[str, Any]:
    return {"time": 1, "messageId": message_id, "state": state}


async def test_list_sends_every_filter_and_parses_every_field(client: Client, wire: Wire) -> None:
    wire.reply(200, {"cursor": "next-1", "events": [FULL_ENTRY]})
    page = await resolve(
        log_api(client).list(
            cursor="c0",
            count=50,
            filter={
                "message_id": "msg_1",
                "message_ids": ["msg_1", "msg_2"],
                "state": LogState.FAILED,
                "url": ["https://a.example", "https://b.example"],
                "url_group": "group",
                "queue": ["q1", "q2"],
                "schedule_id": "scd_1",
                "label": ["billing", "eu"],
                "flow_control_key": "fk",
                "caller_ip": "10.0.0.1",
                "host": "a.example",
                "path": ["/hook"],
                "from_time": datetime(2024, 1, 1, tzinfo=UTC),
                "to_time": 1_704_153_600_000,
            },
        )
    )
    assert page == ListLogsResponse("next-1", [FULL_LOG])
    assert page.logs[0].body_bytes == b"hello"
    request = wire.last
    assert request.method == "GET"
    assert request.url.path == "/v2/logs"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.content == b""
    assert query(request) == [
        ("callerIp", "10.0.0.1"),
        ("count", "50"),
        ("cursor", "c0"),
        ("flowControlKey", "fk"),
        ("fromDate", "1704067200000"),
        ("host", "a.example"),
        ("label", "billing"),
        ("label", "eu"),
        ("messageId", "msg_1"),
        ("messageIds", "msg_1"),
        ("messageIds", "msg_2"),
        ("path", "/hook"),
        ("queueName", "q1"),
        ("queueName", "q2"),
        ("scheduleId", "scd_1"),
        ("state", "FAILED"),
        ("toDate", "1704153600000"),
        ("topicName", "group"),
        ("url", "https://a.example"),
        ("url", "https://b.example"),
    ]


async def test_list_without_arguments_sends_no_query(client: Client, wire: Wire) -> None:
    wire.reply(200, {"events": []})
    page = await resolve(log_api(client).list())
    assert page == ListLogsResponse(None, [])
    assert str(wire.last.url) == "https://qstash.test/v2/logs"


async def test_the_other_spellings_of_each_field(client: Client, wire: Wire) -> None:
    other = {
        **entry("m"),
        "callbackHeader": {"A": ["1"]},
        "failureCallbackHeader": {"B": ["2"]},
        "responseHeaders": {"C": ["3"]},
        "retryDelayExpression": "1000",
        "callerIp": "10.0.0.2",
    }
    wire.reply(200, {"events": [other]})
    (log,) = (await resolve(log_api(client).list())).logs
    assert log.callback_headers == {"A": ["1"]}
    assert log.failure_callback_headers == {"B": ["2"]}
    assert log.response_headers == {"C": ["3"]}
    assert log.retry_delay_expression == "1000"
    assert log.caller_ip == "10.0.0.2"
    assert log.flow_control is None
    assert log.labels == []
    assert log.body_bytes is None


@pytest.mark.parametrize(
    ("wire_state", "parsed"),
    [
        ("DELIVERED", LogState.DELIVERED),
        ("CANCELED", LogState.CANCELED),
        ("CANCELLED", LogState.CANCELLED),
        ("IN_PROGRESS", LogState.IN_PROGRESS),
        ("CANCEL_REQUESTED", LogState.CANCEL_REQUESTED),
        ("PARKED", "PARKED"),
    ],
)
async def test_states_known_and_unknown(
    client: Client, wire: Wire, wire_state: str, parsed: LogState | str
) -> None:
    wire.reply(200, {"events": [entry("m", wire_state)]})
    (log,) = (await resolve(log_api(client).list())).logs
    assert log.state == parsed
    assert type(log.state) is type(parsed)


@pytest.mark.parametrize(
    ("answered", "cursor"), [({"cursor": 1704067200000}, "1704067200000"), ({"cursor": ""}, None)]
)
async def test_cursor_is_a_string_or_none(
    client: Client, wire: Wire, answered: dict[str, Any], cursor: str | None
) -> None:
    wire.reply(200, {**answered, "events": []})
    assert (await resolve(log_api(client).list(cursor=1704067100000))).cursor == cursor
    assert query(wire.last) == [("cursor", "1704067100000")]


async def test_entries_under_the_api_reference_key(client: Client, wire: Wire) -> None:
    wire.reply(200, {"cursor": "c", "logs": [entry("a"), entry("b")]})
    page = await resolve(log_api(client).list())
    assert [log.message_id for log in page.logs] == ["a", "b"]
    assert page.cursor == "c"


def _three_pages(wire: Wire, last: dict[str, Any]) -> None:
    wire.reply(200, {"cursor": "c1", "events": [entry("a"), entry("b")]})
    wire.reply(200, {"cursor": "c2", "events": []})  # an empty page in the middle goes on
    wire.reply(200, {**last, "events": [entry("c")]})


@pytest.mark.parametrize("last", [{"cursor": ""}, {}], ids=["empty-cursor", "no-cursor"])
async def test_iterate_walks_every_page(client: Client, wire: Wire, last: dict[str, Any]) -> None:
    _three_pages(wire, last)
    logs = await collect(
        log_api(client).iterate(filter={"state": "FAILED", "url": "https://a.example"}, page_size=2)
    )
    assert [log.message_id for log in logs] == ["a", "b", "c"]
    assert [query(request) for request in wire.requests] == [
        [("count", "2"), ("state", "FAILED"), ("url", "https://a.example")],
        [("count", "2"), ("cursor", "c1"), ("state", "FAILED"), ("url", "https://a.example")],
        [("count", "2"), ("cursor", "c2"), ("state", "FAILED"), ("url", "https://a.example")],
    ]
    assert {request.url.path for request in wire.requests} == {"/v2/logs"}


async def test_iterate_fetches_only_what_is_consumed(client: Client, wire: Wire) -> None:
    _three_pages(wire, {})
    logs = await collect(log_api(client).iterate(), limit=2)
    assert [log.message_id for log in logs] == ["a", "b"]
    assert len(wire.requests) == 1


async def test_iterate_refuses_a_cursor_that_does_not_move(client: Client, wire: Wire) -> None:
    wire.reply(200, {"cursor": "c1", "events": [entry("a")]})
    wire.reply(200, {"cursor": "c1", "events": [entry("b")]})
    with pytest.raises(QStashError, match="same log cursor twice"):
        await collect(log_api(client).iterate())
    assert len(wire.requests) == 2


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"filter": {"response_status": 500}}, "filter"),
        ({"filter": {"url": []}}, "filter.url"),
        ({"filter": {"to_time": 1_704_067_200}}, "filter.to_time"),
        ({"count": 0}, "count"),
        ({"cursor": 1.5}, "cursor"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: Client, wire: Wire, kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await resolve(log_api(client).list(**kwargs))
    assert caught.value.argument == argument
    assert wire.requests == []


async def test_iterate_refuses_bad_input_before_sending(client: Client, wire: Wire) -> None:
    with pytest.raises(InvalidArgumentError, match="'host'"):
        await collect(log_api(client).iterate(filter={"hostt": "x"}))
    assert wire.requests == []


async def test_errors_come_from_the_transport(client: Client, wire: Wire) -> None:
    wire.reply(404, {"error": "not found"})
    with pytest.raises(NotFoundError):
        await resolve(log_api(client).list())


async def test_deprecated_event_api_warns_and_lists_events(client: Client, wire: Wire) -> None:
    wire.reply(200, {"cursor": "c1", "events": [entry("a")]})
    with pytest.warns(DeprecationWarning, match=r"use client\.log"):
        page = await resolve(event_api(client).list(cursor="c0", count=5, filter={"queue": "q"}))
    assert page == ListEventsResponse("c1", [Log(time=1, message_id="a", state=LogState.DELIVERED)])
    assert wire.last.url.path == "/v2/events"
    assert query(wire.last) == [("count", "5"), ("cursor", "c0"), ("queueName", "q")]


def test_event_module_aliases_the_log_names() -> None:
    import qstash.event as event

    assert event.Event is Log
    assert event.EventState is LogState
    assert event.ListEventsResponse is ListEventsResponse
    assert event.EventApi is EventApi
    assert event.AsyncEventApi is AsyncEventApi
    from qstash._filters import LogFilter

    assert event.EventFilter is LogFilter
    assert sorted(dir(event)) == sorted(event.__all__)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = event.Nope


def test_log_module_resolves_the_api_classes_lazily() -> None:
    import qstash.log

    assert qstash.log.LogApi is LogApi
    assert qstash.log.AsyncLogApi is AsyncLogApi
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = qstash.log.Nope


def test_the_deprecation_points_at_the_callers_line(wire: Wire) -> None:
    wire.reply(200, {"events": []})
    http = httpx.Client(transport=httpx.MockTransport(wire.handler))
    with (
        QStash(TOKEN, base_url="https://qstash.test", httpx_client=http) as client,
        pytest.warns(DeprecationWarning, match="client.event is deprecated") as record,
    ):
        EventApi(client).list()
    assert record[0].filename == __file__


async def test_logs_key_of_the_documented_endpoint(client: Client, wire: Wire) -> None:
    wire.reply(200, {"cursor": "", "logs": [entry("a", "FAILED")]})
    page = await resolve(log_api(client).list())
    assert page == ListLogsResponse(None, [Log(time=1, message_id="a", state=LogState.FAILED)])
