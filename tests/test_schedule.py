"""client.schedule on the wire, sync and async (one body each), and Schedule parsing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from qstash import AsyncQStash, InvalidArgumentError, QStashError, RetryPolicy
from qstash.message import FlowControlProperties
from qstash.schedule import AsyncScheduleApi, Schedule, ScheduleApi, ScheduleState
from tests.conftest import TOKEN, Client, Wire, resolve

Api = ScheduleApi | AsyncScheduleApi


def schedule_api(client: Client) -> Api:
    return AsyncScheduleApi(client) if isinstance(client, AsyncQStash) else ScheduleApi(client)


@pytest.fixture
def api(client: Client) -> Api:
    return schedule_api(client)


async def test_create_json_sends_every_option_as_a_header(api: Api, wire: Wire) -> None:
    wire.reply(200, {"scheduleId": "scd_1"})
    schedule_id = await resolve(
        api.create_json(
            destination="https://example.com/hook?x=1",
            cron="CRON_TZ=America/New_York */5 9-17 * * MON-FRI",
            body={"hello": "wörld"},
            method="PUT",
            headers={"X-Token": "abc"},
            callback_headers={"X-C": "1"},
            retries=3,
            retry_delay="pow(2, retried) * 1000",
            callback="https://example.com/cb",
            failure_callback="https://example.com/fail",
            delay="10m",
            timeout=30,
            schedule_id="nightly.report",
            queue="reports",
            flow_control={"key": "k", "parallelism": 2, "period": "1m"},
            label=["a", "b"],
            redact={"body": True},
        )
    )
    assert schedule_id == "scd_1"
    request = wire.last
    assert request.method == "POST"
    assert request.url.path == "/v2/schedules/https://example.com/hook"
    assert request.url.query == b"x=1"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    expected = {
        "content-type": "application/json",
        "upstash-cron": "CRON_TZ=America/New_York */5 9-17 * * MON-FRI",
        "upstash-method": "PUT",
        "upstash-forward-x-token": "abc",
        "upstash-callback-forward-x-c": "1",
        "upstash-retries": "3",
        "upstash-retry-delay": "pow(2, retried) * 1000",
        "upstash-callback": "https://example.com/cb",
        "upstash-failure-callback": "https://example.com/fail",
        "upstash-delay": "10m",
        "upstash-timeout": "30s",
        "upstash-schedule-id": "nightly.report",
        "upstash-queue-name": "reports",
        "upstash-flow-control-key": "k",
        "upstash-flow-control-value": "parallelism=2, period=1m",
        "upstash-label": "a,b",
        "upstash-redact-fields": "body",
    }
    assert {name: request.headers.get(name) for name in expected} == expected
    assert json.loads(request.content) == {"hello": "wörld"}


async def test_create_raw_body_to_a_url_group(api: Api, wire: Wire) -> None:
    wire.reply(200, {"scheduleId": "scd_2", "somethingNew": 1})
    schedule_id = await resolve(
        api.create(destination="my-group", cron="@daily", body=b"\x00raw", content_type="x/y")
    )
    assert schedule_id == "scd_2"
    assert wire.last.url.path == "/v2/schedules/my-group"
    assert wire.last.headers["upstash-cron"] == "@daily"
    assert wire.last.headers["content-type"] == "x/y"
    assert wire.last.content == b"\x00raw"
    assert "upstash-schedule-id" not in wire.last.headers


async def test_create_defaults_to_json_content_type_and_no_body(api: Api, wire: Wire) -> None:
    wire.reply(200, {"scheduleId": "scd_3"})
    await resolve(api.create(destination="https://a.example", cron="0 0 * * *"))
    assert wire.last.headers["content-type"] == "application/json"
    assert wire.last.content == b""


@pytest.mark.parametrize(
    ("cron", "part"),
    [
        ("0 25 * * *", "hour field '25'"),
        ("* * * * * *", "found 6"),
        ("0 0 * * 7", "day-of-week"),
        ("0 0 * FOO *", "month field 'FOO'"),
        ("CRON_TZ=Mars/Olympus 0 0 * * *", "time zone 'Mars/Olympus'"),
        ("@fortnightly", "descriptor"),
        ("", "empty"),
    ],
)
async def test_bad_cron_is_refused_before_sending(
    api: Api, wire: Wire, cron: str, part: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=part) as info:
        await resolve(api.create_json(destination="https://a.example", cron=cron, body=1))
    assert info.value.argument == "cron"
    assert wire.requests == []


_OK = {"destination": "https://a.example", "cron": "* * * * *"}


@pytest.mark.parametrize(
    ("options", "argument"),
    [
        ({"destination": "https://a.example"}, "cron"),
        ({"cron": "* * * * *"}, "destination"),
        ({**_OK, "destination": "ftp://a.example"}, "destination"),
        ({**_OK, "cron": 5}, "cron"),
        ({**_OK, "not_before": 1}, "not_before"),
        ({**_OK, "deduplication_id": "d"}, "deduplication_id"),
        ({**_OK, "queue": "a/b"}, "queue"),
        ({**_OK, "schedule_id": ""}, "schedule_id"),
        ({**_OK, "url": "https://a.example"}, "url"),
    ],
)
async def test_bad_create_input_sends_nothing(
    api: Api, wire: Wire, options: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(api.create(**options))
    assert info.value.argument == argument
    assert wire.requests == []


async def test_create_without_a_schedule_id_in_the_answer_is_an_error(api: Api, wire: Wire) -> None:
    wire.reply(200, {"id": "nope"})
    with pytest.raises(QStashError, match="scheduleId"):
        await resolve(api.create(destination="https://a.example", cron="* * * * *"))
    wire.reply(200, b"not json")
    with pytest.raises(QStashError, match="scheduleId"):
        await resolve(api.create(destination="https://a.example", cron="* * * * *"))


async def test_create_with_a_schedule_id_is_retried_safely(
    make_client: Callable[..., Client], wire: Wire
) -> None:
    api = schedule_api(make_client(retry=RetryPolicy(max_retries=2, initial_delay=0.0)))
    wire.reply(503, b"busy")
    wire.reply(200, {"scheduleId": "mine"})
    created = api.create(destination="https://a.example", cron="* * * * *", schedule_id="mine")
    assert await resolve(created) == "mine"
    assert len(wire.requests) == 2

    # Without an id a second attempt could create a second schedule: no retry.
    wire.requests.clear()
    wire.reply(503, b"busy")
    with pytest.raises(QStashError):
        await resolve(api.create(destination="https://a.example", cron="* * * * *"))
    assert len(wire.requests) == 1


FULL_SCHEDULE: dict[str, Any] = {
    "scheduleId": "scd_1",
    "cron": "*/5 * * * *",
    "destination": "https://example.com",
    "createdAt": 1_700_000_000_000,
    "isPaused": True,
    "method": "PUT",
    "header": {"Upstash-Forward-X": ["1"]},
    "body": "hi",
    "callbackHeader": {"X-C": ["2"]},
    "failureCallbackHeader": {"X-F": ["3"]},
    "retries": 3,
    "retryDelayExpression": "1000",
    "delay": 10,
    "timeout": 30,
    "callback": "https://cb.example",
    "failureCallback": "https://fail.example",
    "queueName": "q",
    "callerIP": "1.2.3.4",
    "flowControlKey": "fk",
    "parallelism": 2,
    "rate": 5,
    "period": 60,
    "lastScheduleTime": 1_700_000_100_000,
    "nextScheduleTime": 1_700_000_400_000,
    "lastScheduleStates": {"msg_1": "SUCCESS", "msg_2": "FAIL", "msg_3": "SOMETHING_NEW"},
    "error": "boom",
    "label": "a",
    "labels": ["a", "b"],
    "aFieldFromTheFuture": {"x": 1},
}


async def test_get_parses_every_field(api: Api, wire: Wire) -> None:
    wire.reply(200, FULL_SCHEDULE)
    schedule = await resolve(api.get("scd_1"))
    assert wire.last.method == "GET"
    assert wire.last.url.path == "/v2/schedules/scd_1"
    assert wire.last.content == b""
    assert schedule == Schedule(
        schedule_id="scd_1",
        destination="https://example.com",
        cron="*/5 * * * *",
        created_at=1_700_000_000_000,
        body="hi",
        method="PUT",
        headers={"Upstash-Forward-X": ["1"]},
        callback_headers={"X-C": ["2"]},
        failure_callback_headers={"X-F": ["3"]},
        retries=3,
        retry_delay_expression="1000",
        callback="https://cb.example",
        failure_callback="https://fail.example",
        queue="q",
        delay=10,
        timeout=30,
        caller_ip="1.2.3.4",
        paused=True,
        flow_control=FlowControlProperties("fk", 2, 5, 60),
        last_schedule_time=1_700_000_100_000,
        next_schedule_time=1_700_000_400_000,
        last_schedule_states={
            "msg_1": ScheduleState.SUCCESS,
            "msg_2": ScheduleState.FAIL,
            "msg_3": "SOMETHING_NEW",
        },
        error="boom",
        label="a",
        labels=["a", "b"],
    )
    assert schedule.last_schedule_states is not None
    assert schedule.last_schedule_states["msg_1"] is ScheduleState.SUCCESS
    assert schedule.body_bytes == b"hi"


async def test_get_reads_the_other_spellings_and_defaults(api: Api, wire: Wire) -> None:
    wire.reply(
        200,
        {
            "scheduleId": "s",
            "cron": "@hourly",
            "destination": "g",
            "createdAt": 1,
            "bodyBase64": "AP8=",
            "callerIp": "5.6.7.8",
            "callbackHeaders": {"A": ["1"]},
            "failureCallbackHeaders": {"B": ["2"]},
            "retryDelayExpr": "500",
            "flowControlKey": "k",
            "ratePerSecond": 7,
        },
    )
    schedule = await resolve(api.get("s"))
    assert schedule.caller_ip == "5.6.7.8"
    assert schedule.callback_headers == {"A": ["1"]}
    assert schedule.failure_callback_headers == {"B": ["2"]}
    assert schedule.retry_delay_expression == "500"
    assert schedule.flow_control == FlowControlProperties("k", rate=7)
    assert schedule.body_bytes == b"\x00\xff"
    assert schedule.paused is False
    assert schedule.last_schedule_states is None
    assert schedule.labels == []


async def test_list(api: Api, wire: Wire) -> None:
    wire.reply(200, [FULL_SCHEDULE, {**FULL_SCHEDULE, "scheduleId": "scd_2", "isPaused": False}])
    schedules = await resolve(api.list())
    assert wire.last.method == "GET"
    assert wire.last.url.path == "/v2/schedules"
    assert [(s.schedule_id, s.paused) for s in schedules] == [("scd_1", True), ("scd_2", False)]

    wire.reply(200, [])
    assert await resolve(api.list()) == []


@pytest.mark.parametrize(
    ("method", "http_method", "path"),
    [
        ("delete", "DELETE", "/v2/schedules/scd_1"),
        ("pause", "PATCH", "/v2/schedules/scd_1/pause"),
        ("resume", "PATCH", "/v2/schedules/scd_1/resume"),
    ],
)
async def test_delete_pause_resume(
    api: Api, wire: Wire, method: str, http_method: str, path: str
) -> None:
    wire.reply(200)
    assert await resolve(getattr(api, method)("scd_1")) is None
    assert wire.last.method == http_method
    assert wire.last.url.path == path
    assert wire.last.content == b""


async def test_ids_are_path_encoded(api: Api, wire: Wire) -> None:
    wire.reply(200)
    await resolve(api.delete("a/b?c"))
    assert wire.last.url.raw_path == b"/v2/schedules/a%2Fb%3Fc"


@pytest.mark.parametrize("method", ["get", "delete", "pause", "resume"])
@pytest.mark.parametrize("schedule_id", ["", "   ", None])
async def test_empty_ids_send_nothing(
    api: Api, wire: Wire, method: str, schedule_id: str | None
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(getattr(api, method)(schedule_id))
    assert info.value.argument == "schedule_id"
    assert wire.requests == []


def test_schedule_state_is_a_str_enum() -> None:
    assert ScheduleState("IN_PROGRESS") is ScheduleState.IN_PROGRESS
    assert ScheduleState.FAIL == "FAIL"


def test_lazy_api_exports() -> None:
    import qstash.schedule

    with pytest.raises(AttributeError, match="Nope"):
        qstash.schedule.Nope  # noqa: B018
