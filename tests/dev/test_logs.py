"""Logs: states, both paths and keys, every filter, cursors; the official SDK's wire shapes."""

from __future__ import annotations

import httpx
import pytest

from qstash import QStash
from qstash.dev import DevServerThread
from qstash.dev.testing import Sink
from tests.dev._helpers import one


@pytest.fixture
def traffic(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> dict[str, str]:
    """A delivered message, a failed one, a queued one, a group fan-out and a pending one."""
    qstash_sink.fail(path="/bad", times=None)
    api.post("/v2/topics/grp/endpoints", json={"endpoints": [{"url": qstash_sink.url_for("/g")}]})
    ids = {
        "ok": one(
            dev_client.message.publish(url=qstash_sink.url_for("/ok"), body="x", label="alpha")
        ).message_id,
        "bad": one(
            dev_client.message.publish(
                url=qstash_sink.url_for("/bad"),
                body="x",
                retries=0,
                flow_control={"key": "fk", "parallelism": 1},
            )
        ).message_id,
        "queued": one(
            dev_client.message.enqueue(queue="lq", url=qstash_sink.url_for("/q"), body="x")
        ).message_id,
        "pending": one(
            dev_client.message.publish(url=qstash_sink.url_for("/later"), body="x", delay=600)
        ).message_id,
    }
    group = dev_client.message.publish(url_group="grp", body="x")
    assert isinstance(group, list)
    ids["group"] = group[0].message_id
    qstash_dev_server.run_due()
    return ids


def _states(api: httpx.Client, **params: object) -> list[tuple[str, str]]:
    events = api.get("/v2/events", params=params).json()["events"]  # type: ignore[arg-type]
    return [(e["messageId"], e["state"]) for e in events]


def test_states_and_both_paths(api: httpx.Client, traffic: dict[str, str]) -> None:
    ok = [state for _, state in reversed(_states(api, messageId=traffic["ok"]))]
    assert ok == ["CREATED", "ACTIVE", "DELIVERED"]
    bad = [state for _, state in reversed(_states(api, messageId=traffic["bad"]))]
    assert bad == ["CREATED", "ACTIVE", "ERROR", "FAILED"]
    events = api.get("/v2/events", params={"messageId": traffic["ok"]}).json()
    logs = api.get("/v2/logs", params={"messageId": traffic["ok"]}).json()
    assert set(events) == {"events"}
    assert set(logs) == {"logs"}
    assert events["events"] == logs["logs"]
    delivered = events["events"][0]
    assert {"time", "messageId", "state", "url", "method", "header", "body"} <= set(delivered)
    assert delivered["labels"] == ["alpha"]
    assert delivered["callerIP"] == delivered["callerIp"] == "127.0.0.1"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "DELIVERED"}, {"ok", "queued", "group"}),
        ({"state": "FAILED"}, {"bad"}),
        ({"state": "IN_PROGRESS"}, {"ok", "bad", "queued", "group"}),  # ACTIVE, RETRY, ERROR
        ({"label": "alpha"}, {"ok"}),
        ({"queueName": "lq"}, {"queued"}),
        ({"topicName": "grp"}, {"group"}),
        ({"flowControlKey": "fk"}, {"bad"}),
        ({"callerIp": "127.0.0.1", "state": "FAILED"}, {"bad"}),
        ({"path": "/later"}, {"pending"}),
    ],
)
def test_filters(
    api: httpx.Client, traffic: dict[str, str], params: dict[str, str], expected: set[str]
) -> None:
    names = {v: k for k, v in traffic.items()}
    assert {names[m] for m, _ in _states(api, **params)} == expected


def test_multi_value_and_date_filters(
    qstash_sink: Sink, api: httpx.Client, traffic: dict[str, str]
) -> None:
    names = {v: k for k, v in traffic.items()}
    repeated = api.get(
        "/v2/events",
        params=[
            ("messageIds", traffic["ok"]),
            ("messageIds", traffic["bad"]),
            ("state", "CREATED"),
        ],
    ).json()["events"]
    assert {names[e["messageId"]] for e in repeated} == {"ok", "bad"}
    comma = _states(api, messageIds=f"{traffic['ok']},{traffic['pending']}", state="CREATED")
    assert {names[m] for m, _ in comma} == {"ok", "pending"}
    by_url = _states(api, url=qstash_sink.url_for("/ok"), state="CREATED")
    assert [names[m] for m, _ in by_url] == ["ok"]
    host = httpx.URL(qstash_sink.url).netloc.decode()
    assert len(_states(api, host=host, state="CREATED")) == 5
    times = [e["time"] for e in api.get("/v2/events").json()["events"]]
    assert _states(api, fromDate=max(times) + 1) == []
    assert len(_states(api, toDate=max(times))) == len(times)


def test_cursor_pages_cover_everything_once(api: httpx.Client, traffic: dict[str, str]) -> None:
    everything = api.get("/v2/events", params={"count": 1000}).json()
    assert "cursor" not in everything
    seen: list[dict[str, object]] = []
    cursor = None
    while True:
        params: dict[str, object] = {"count": 3}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/v2/events", params=params).json()  # type: ignore[arg-type]
        seen.extend(page["events"])
        cursor = page.get("cursor")
        if not cursor:
            break
    assert seen == everything["events"]
    times = [int(e["time"]) for e in seen]  # type: ignore[call-overload]
    assert times == sorted(times, reverse=True)  # newest first
    assert api.get("/v2/events", params={"cursor": "abc"}).status_code == 400


def test_log_ring_is_bounded(qstash_sink: Sink) -> None:
    from qstash.dev import ManualClock

    with (
        DevServerThread(clock=ManualClock(), max_logs=10) as server,
        server.client(retry=False) as client,
    ):
        for _ in range(6):
            one(client.message.publish(url=qstash_sink.url_for("/x"), body="x"))
        server.run_due()
        events = httpx.get(
            f"{server.url}/v2/events", headers={"Authorization": f"Bearer {server.token}"}
        ).json()["events"]
        assert len(events) == 10
        assert server.call(lambda: len(server.server.default_account.messages)) == 0


def test_official_sdk_wire_variants(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, api: httpx.Client
) -> None:
    """The requests qstash-py 3.4.0 sends, as its source shows them, answered as it parses."""
    published = api.post(
        f"/v2/publish/{qstash_sink.url_for('/py')}",
        content=b'{"a": 1}',
        headers={
            "Content-Type": "application/json",
            "Upstash-Content-Based-Deduplication": "False",
        },
    )
    assert published.status_code == 200
    assert set(published.json()) == {"messageId", "url"}
    later = api.post(
        f"/v2/publish/{qstash_sink.url_for('/py2')}", content=b"x", headers={"Upstash-Delay": "60s"}
    ).json()["messageId"]
    message = api.get(f"/v2/messages/{later}").json()
    assert {"messageId", "url", "method", "maxRetries", "notBefore", "createdAt"} <= set(message)
    assert message["callerIP"] == "127.0.0.1"
    # schedules: PATCH pause/resume, and the fields py reads without .get
    api.post(f"/v2/schedules/{qstash_sink.url_for('/s')}", headers={"Upstash-Cron": "* * * * *"})
    (schedule,) = api.get("/v2/schedules").json()
    assert {"scheduleId", "destination", "cron", "createdAt", "method", "retries"} <= set(schedule)
    assert api.patch(f"/v2/schedules/{schedule['scheduleId']}/pause").status_code == 200
    # queues: all fields required by py
    api.post("/v2/queues", json={"queueName": "pyq", "parallelism": 1, "paused": False})
    queue = api.get("/v2/queues/pyq").json()
    assert {"name", "parallelism", "createdAt", "updatedAt", "lag", "paused"} <= set(queue)
    # url groups
    api.post("/v2/topics/pyg/endpoints", json={"endpoints": [{"url": qstash_sink.url_for("/e")}]})
    assert {"name", "createdAt", "updatedAt", "endpoints"} <= set(api.get("/v2/topics/pyg").json())
    # cancel_many / cancel_all with JSON body and no body
    cancelled = api.request("DELETE", "/v2/messages", json={"messageIds": [later]})
    assert cancelled.json() == {"cancelled": 1}
    assert api.delete("/v2/messages").json() == {"cancelled": 0}
    # DLQ entries always carry responseStatus (py indexes it)
    qstash_sink.fail()
    api.post(
        f"/v2/publish/{qstash_sink.url_for('/fail')}",
        content=b"x",
        headers={"Upstash-Retries": "0"},
    )
    qstash_dev_server.run_due()
    (entry,) = api.get("/v2/dlq").json()["messages"]
    assert entry["responseStatus"] == 500
    assert api.request("DELETE", "/v2/dlq", json={"dlqIds": [entry["dlqId"]]}).json() == {
        "deleted": 1
    }
    # flow control and global parallelism
    assert api.get("/v2/globalParallelism").json() == {}
    assert api.get("/v2/keys").json()["current"] == qstash_dev_server.current_signing_key
