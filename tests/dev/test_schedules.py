"""Schedules: cron ticks on the manual clock, CRON_TZ, upsert, pause/resume, queues."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from qstash import QStash
from qstash._publish import schedule_request
from qstash.dev import DevServerThread, ManualClock
from qstash.dev.testing import Sink

# 2026-03-02 09:59:30 UTC, a Monday
START_MS = int(datetime(2026, 3, 2, 9, 59, 30, tzinfo=UTC).timestamp() * 1000)


@pytest.fixture
def fixed_server() -> Iterator[DevServerThread]:
    """A dev server whose manual clock starts at a known instant."""
    with DevServerThread(clock=ManualClock(START_MS)) as server:
        yield server


def _api(server: DevServerThread) -> httpx.Client:
    return httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}, timeout=10
    )


def test_schedule_fires_on_each_cron_tick(fixed_server: DevServerThread, qstash_sink: Sink) -> None:
    with _api(fixed_server) as api:
        created = api.post(
            f"/v2/schedules/{qstash_sink.url_for('/tick')}",
            content=b'{"job":"report"}',
            headers={
                "Upstash-Cron": "*/15 * * * *",
                "Content-Type": "application/json",
                "Upstash-Forward-X-Job": "report",
                "Upstash-Retries": "2",
            },
        )
        assert created.status_code == 200
        schedule_id = created.json()["scheduleId"]
        assert schedule_id.startswith("scd_")
        schedule = api.get(f"/v2/schedules/{schedule_id}").json()
        assert schedule["nextScheduleTime"] == START_MS + 30_000  # 10:00:00
        assert schedule["cron"] == "*/15 * * * *"
        assert schedule["destination"] == qstash_sink.url_for("/tick")
        assert schedule["retries"] == 2
        assert schedule["isPaused"] is False
        assert schedule["createdAt"] == START_MS
        assert schedule["body"] == '{"job":"report"}'

        fixed_server.advance(29)
        assert qstash_sink.requests == []
        fixed_server.advance(1)
        (request,) = qstash_sink.requests
        assert request.headers["Upstash-Schedule-Id"] == schedule_id
        assert request.headers["X-Job"] == "report"
        assert request.body == b'{"job":"report"}'
        fixed_server.receiver().verify(
            signature=request.headers["Upstash-Signature"], body=request.body, url=request.url
        )
        fixed_server.advance(3600)  # 10:15, 10:30, 10:45, 11:00
        assert len(qstash_sink.requests) == 5

        schedule = api.get(f"/v2/schedules/{schedule_id}").json()
        assert schedule["lastScheduleTime"] == START_MS + 30_000 + 3600_000
        message_id = qstash_sink.requests[-1].headers["Upstash-Message-Id"]
        assert schedule["lastScheduleStates"] == {message_id: "SUCCESS"}
        logs = api.get("/v2/events", params={"scheduleId": schedule_id, "state": "DELIVERED"})
        assert len(logs.json()["events"]) == 5


def test_cron_tz(fixed_server: DevServerThread, qstash_sink: Sink) -> None:
    with _api(fixed_server) as api:
        created = api.post(
            f"/v2/schedules/{qstash_sink.url_for('/ny')}",
            headers={"Upstash-Cron": "CRON_TZ=America/New_York 0 9 * * *"},
        )
        schedule = api.get(f"/v2/schedules/{created.json()['scheduleId']}").json()
        expected = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("America/New_York"))
        assert schedule["nextScheduleTime"] == int(expected.timestamp() * 1000)  # 14:00 UTC
        assert schedule["cron"] == "CRON_TZ=America/New_York 0 9 * * *"
        fixed_server.advance(4 * 3600 + 29)  # 13:59:59 UTC
        assert qstash_sink.requests == []
        fixed_server.advance(1)
        assert len(qstash_sink.requests) == 1


def test_upsert_pause_resume_delete(fixed_server: DevServerThread, qstash_sink: Sink) -> None:
    with _api(fixed_server) as api:
        headers = {"Upstash-Cron": "* * * * *", "Upstash-Schedule-Id": "my-job"}
        first = api.post(f"/v2/schedules/{qstash_sink.url_for('/v1')}", headers=headers)
        second = api.post(f"/v2/schedules/{qstash_sink.url_for('/v2')}", headers=headers)
        assert first.json() == second.json() == {"scheduleId": "my-job"}
        (schedule,) = api.get("/v2/schedules").json()
        assert schedule["destination"] == qstash_sink.url_for("/v2")  # updated in place
        fixed_server.advance(30)
        assert [r.path for r in qstash_sink.requests] == ["/v2"]

        assert api.patch("/v2/schedules/my-job/pause").status_code == 200  # SDKs: PATCH
        assert api.get("/v2/schedules/my-job").json()["isPaused"] is True
        fixed_server.advance(300)
        assert len(qstash_sink.requests) == 1
        assert api.post("/v2/schedules/my-job/resume").status_code == 200  # API reference: POST
        fixed_server.advance(60)
        assert len(qstash_sink.requests) == 2

        assert api.delete("/v2/schedules/my-job").status_code == 200
        assert api.get("/v2/schedules/my-job").status_code == 404
        fixed_server.advance(600)
        assert len(qstash_sink.requests) == 2


def test_schedule_to_a_queue_and_a_group(fixed_server: DevServerThread, qstash_sink: Sink) -> None:
    with _api(fixed_server) as api:
        api.post(
            "/v2/topics/team/endpoints",
            json={
                "endpoints": [
                    {"url": qstash_sink.url_for("/a")},
                    {"url": qstash_sink.url_for("/b")},
                ]
            },
        )
        api.post(
            "/v2/schedules/team",
            headers={"Upstash-Cron": "0 * * * *", "Upstash-Queue-Name": "hourly"},
        )
        fixed_server.advance(60)
        requests = qstash_sink.requests
        assert sorted(r.path for r in requests) == ["/a", "/b"]
        assert {r.headers["Upstash-Topic-Name"] for r in requests} == {"team"}
        assert api.get("/v2/queues/hourly").json()["lag"] == 0
        (schedule,) = api.get("/v2/schedules").json()
        assert schedule["queueName"] == "hourly"
        assert sorted(schedule["lastScheduleStates"].values()) == ["SUCCESS", "SUCCESS"]


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({}, 400, "Invalid cron expression empty spec string"),
        ({"Upstash-Cron": "* * *"}, 400, "expected exactly 5 fields"),
        ({"Upstash-Cron": "* * * * *", "Upstash-Schedule-Id": "a b"}, 400, "Upstash-Schedule-Id"),
    ],
)
def test_schedule_errors(
    fixed_server: DevServerThread,
    qstash_sink: Sink,
    headers: dict[str, str],
    status: int,
    message: str,
) -> None:
    with _api(fixed_server) as api:
        response = api.post(f"/v2/schedules/{qstash_sink.url_for('/x')}", headers=headers)
        assert response.status_code == status
        assert message in response.json()["error"]
        assert (
            api.post("/v2/schedules/nogroup", headers={"Upstash-Cron": "* * * * *"}).status_code
            == 404
        )


def test_our_sdk_schedule_headers_are_understood(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    spec = schedule_request(
        {
            "destination": qstash_sink.url_for("/sdk"),
            "cron": "@hourly",
            "body": {"a": 1},
            "retries": 1,
            "retry_delay": "1000",
            "timeout": 30,
            "delay": 5,
            "callback": qstash_sink.url_for("/cb"),
            "flow_control": {"key": "fk", "parallelism": 2},
            "label": ["x", "y"],
            "schedule_id": "sdk-job",
        },
        json=True,
    )
    response = dev_client._send(spec)
    assert response.json() == {"scheduleId": "sdk-job"}
    schedule = api.get("/v2/schedules/sdk-job").json()
    assert schedule["cron"] == "@hourly"
    assert (schedule["retries"], schedule["timeout"], schedule["delay"]) == (1, 30, 5)
    assert schedule["retryDelayExpression"] == "1000"
    assert schedule["callback"] == qstash_sink.url_for("/cb")
    assert (schedule["flowControlKey"], schedule["parallelism"]) == ("fk", 2)
    assert schedule["labels"] == ["x", "y"]
    assert schedule["header"]["Content-Type"] == ["application/json"]
