"""Failures: retries with QStash's backoff on a manual clock, the DLQ, callbacks."""

from __future__ import annotations

import base64
import math
import time

import httpx
import pytest

from qstash import QStash
from qstash.dev import DevServerThread
from qstash.dev.testing import Sink
from tests.dev._helpers import one


def _events(api: httpx.Client, message_id: str) -> list[dict[str, object]]:
    events = api.get("/v2/events", params={"messageId": message_id}).json()["events"]
    return list(reversed(events))  # oldest first


def test_three_retries_reach_the_dlq_then_dlq_retry_delivers(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    started = time.monotonic()
    qstash_sink.fail(times=4, status=503, body=b"busy")
    published = qstash_dev_server.now_ms()
    result = one(dev_client.message.publish(url=qstash_sink.url_for("/flaky"), body="payload"))
    qstash_dev_server.run_due()
    assert len(qstash_sink.requests) == 1

    # QStash's backoff: e^(2.5 n) seconds after the n-th failure (12 s, 2 min 28 s, 30 min).
    qstash_dev_server.advance(11)
    assert len(qstash_sink.requests) == 1
    qstash_dev_server.advance(2)
    assert len(qstash_sink.requests) == 2
    qstash_dev_server.advance(3 * 3600)
    requests = qstash_sink.requests
    assert [r.headers["Upstash-Retried"] for r in requests] == ["0", "1", "2", "3"]
    assert {r.headers["Upstash-Message-Id"] for r in requests} == {result.message_id}
    assert time.monotonic() - started < 2  # no real waiting

    events = _events(api, result.message_id)
    states = [e["state"] for e in events]
    assert states == ["CREATED", "ACTIVE"] + ["ERROR", "RETRY", "ACTIVE"] * 3 + ["ERROR", "FAILED"]
    retries = [e for e in events if e["state"] == "RETRY"]
    gaps = [int(e["nextDeliveryTime"]) - int(e["time"]) for e in retries]  # type: ignore[call-overload]
    assert gaps == [int(math.exp(2.5 * n) * 1000) for n in (1, 2, 3)]
    assert events[0]["time"] == published
    error = events[2]
    assert (error["responseStatus"], error["responseBody"]) == (503, "busy")

    listed = api.get("/v2/dlq").json()
    (entry,) = listed["messages"]
    assert "cursor" not in listed
    assert entry["messageId"] == result.message_id
    assert entry["responseStatus"] == 503
    assert entry["responseBody"] == "busy"
    assert entry["body"] == "payload"
    assert entry["maxRetries"] == 3
    assert api.get(f"/v2/dlq/{entry['dlqId']}").json()["dlqId"] == entry["dlqId"]
    with pytest.raises(Exception, match="404"):
        dev_client.message.get(result.message_id)

    retried = api.post(f"/v2/dlq/retry/{entry['dlqId']}", headers={"Upstash-Retries": "0"})
    assert retried.status_code == 201
    new_id = retried.json()["messageId"]
    assert new_id != result.message_id
    qstash_dev_server.run_due()
    last = qstash_sink.requests[-1]
    assert last.headers["Upstash-Message-Id"] == new_id
    assert last.body == b"payload"
    assert api.get("/v2/dlq").json()["messages"] == []
    assert [e["state"] for e in _events(api, new_id)][-1] == "DELIVERED"


def test_retry_delay_expression_and_max_retries(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    qstash_sink.fail(times=None)
    result = one(
        dev_client.message.publish(
            url=qstash_sink.url_for("/x"), body="x", retries=2, retry_delay="pow(2, retried) * 1000"
        )
    )
    qstash_dev_server.run_due()
    qstash_dev_server.advance(0.999)
    assert len(qstash_sink.requests) == 1
    qstash_dev_server.advance(0.001)  # 1 s after the first failure
    assert len(qstash_sink.requests) == 2
    qstash_dev_server.advance(2)  # 2 s after the second
    assert len(qstash_sink.requests) == 3
    qstash_dev_server.advance(3600)
    assert len(qstash_sink.requests) == 3  # retries=2: three attempts in all
    (entry,) = api.get("/v2/dlq").json()["messages"]
    assert entry["retryDelayExpression"] == "pow(2, retried) * 1000"
    assert entry["messageId"] == result.message_id


@pytest.mark.parametrize(
    ("header", "value", "wait"),
    [
        ("Retry-After", "5", 5.0),
        ("Retry-After", "0", 0.0),
        ("X-RateLimit-Reset", "7", 7.0),
        ("X-RateLimit-Reset-Requests", "1m", 60.0),
        ("X-RateLimit-Reset-Tokens", "1500ms", 1.5),
        ("Retry-After", "999999", 12.182),  # over a day: ignored, default backoff
    ],
)
def test_retry_after_headers_direct_the_next_attempt(
    qstash_dev_server: DevServerThread,
    qstash_sink: Sink,
    dev_client: QStash,
    header: str,
    value: str,
    wait: float,
) -> None:
    qstash_sink.respond(429, headers={header: value})
    one(dev_client.message.publish(url=qstash_sink.url_for("/limited"), body="x"))
    qstash_dev_server.run_due()
    if wait:
        qstash_dev_server.advance(wait - 0.001)
        assert len(qstash_sink.requests) == 1
        qstash_dev_server.advance(0.001)
    assert len(qstash_sink.requests) == 2


def test_489_non_retryable_fails_at_once(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    qstash_sink.respond(489, headers={"Upstash-NonRetryable-Error": "true"}, body=b"bad input")
    result = one(
        dev_client.message.publish(url=qstash_sink.url_for("/strict"), body="x", retries=5)
    )
    qstash_dev_server.run_due()
    qstash_dev_server.advance(86400)
    assert len(qstash_sink.requests) == 1
    (entry,) = api.get("/v2/dlq").json()["messages"]
    assert (entry["messageId"], entry["responseStatus"]) == (result.message_id, 489)
    # 489 without the header is an ordinary failure.
    qstash_sink.respond(489)
    one(dev_client.message.publish(url=qstash_sink.url_for("/plain489"), body="x", retries=1))
    qstash_dev_server.run_due()
    qstash_dev_server.advance(60)
    assert len(qstash_sink.requests) == 3


def test_timeout_and_unreachable_destinations_are_failures(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    qstash_sink.respond(200, delay=0.5)
    slow_id = api.post(
        f"/v2/publish/{qstash_sink.url_for('/slow')}",
        headers={"Upstash-Retries": "0", "Upstash-Timeout": "200ms"},
    ).json()["messageId"]
    qstash_dev_server.run_due()
    (entry,) = api.get("/v2/dlq").json()["messages"]
    assert entry["messageId"] == slow_id
    assert entry["responseStatus"] == 0
    assert "timeout" in entry["error"]

    closed = httpx.URL(qstash_sink.url).copy_with(port=1)
    dead = one(dev_client.message.publish(url=f"{closed}/nobody", body="x", retries=0))
    qstash_dev_server.run_due()
    events = _events(api, dead.message_id)
    assert [e["state"] for e in events][-2:] == ["ERROR", "FAILED"]
    assert "connection error" in str(events[-1]["error"])


def test_callbacks_after_each_attempt_and_failure_callback(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    qstash_sink.respond(500, times=2, body=b"nope", path="/work")
    result = one(
        dev_client.message.publish(
            url=qstash_sink.url_for("/work"),
            body="job",
            content_type="text/plain",
            retries=1,
            callback=qstash_sink.url_for("/cb"),
            failure_callback=qstash_sink.url_for("/failed"),
            callback_headers={"X-Cb-Token": "t1", "Retries": "0"},
            failure_callback_headers={"X-Fail-Token": "t2"},
        )
    )
    qstash_dev_server.run_due()
    qstash_dev_server.advance(60)
    requests = qstash_sink.requests
    callbacks = [r for r in requests if r.path == "/cb"]
    failures = [r for r in requests if r.path == "/failed"]
    assert len([r for r in requests if r.path == "/work"]) == 2
    assert len(callbacks) == 2  # one per attempt
    (failure,) = failures

    first = callbacks[0].json()
    assert first["status"] == 500
    assert base64.b64decode(first["body"]) == b"nope"
    assert first["retried"] == 0
    assert first["maxRetries"] == 1
    assert first["sourceMessageId"] == result.message_id
    assert first["url"] == qstash_sink.url_for("/work")
    assert first["method"] == "POST"
    assert first["sourceHeader"]["Content-Type"] == ["text/plain"]
    assert base64.b64decode(first["sourceBody"]) == b"job"
    assert isinstance(first["createdAt"], str)
    assert isinstance(first["notBefore"], str)
    assert first["callerIP"] == "127.0.0.1"
    assert "dlqId" not in first
    assert callbacks[1].json()["retried"] == 1
    assert callbacks[0].headers["X-Cb-Token"] == "t1"
    assert callbacks[0].headers["Content-Type"] == "application/json"
    # A callback is a message of its own, signed for the callback URL.
    assert callbacks[0].headers["Upstash-Message-Id"] != result.message_id
    qstash_dev_server.receiver().verify(
        signature=callbacks[0].headers["Upstash-Signature"],
        body=callbacks[0].body,
        url=qstash_sink.url_for("/cb"),
    )

    body = failure.json()
    (entry,) = api.get("/v2/dlq").json()["messages"]
    assert body["dlqId"] == entry["dlqId"]
    assert body["status"] == 500
    assert body["sourceMessageId"] == result.message_id
    assert failure.headers["X-Fail-Token"] == "t2"


def test_callback_after_success(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash
) -> None:
    qstash_sink.respond(201, body=b'{"ok":true}', path="/done", headers={"X-Reply": "r"})
    one(
        dev_client.message.publish(
            url=qstash_sink.url_for("/done"), body="x", callback=qstash_sink.url_for("/cb")
        )
    )
    qstash_dev_server.run_due()
    (callback,) = [r for r in qstash_sink.requests if r.path == "/cb"]
    body = callback.json()
    assert body["status"] == 201
    assert base64.b64decode(body["body"]) == b'{"ok":true}'
    assert body["header"]["X-Reply"] == ["r"]


def test_dlq_filters_cursor_and_bulk_operations(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    qstash_sink.fail(times=None, status=404, body=b"404 Not Found")
    ids = [
        one(
            dev_client.message.publish(
                url=qstash_sink.url_for(f"/d{n}"), body=str(n), retries=0, label=f"l{n % 2}"
            )
        ).message_id
        for n in range(5)
    ]
    qstash_dev_server.run_due()

    first = api.get("/v2/dlq", params={"count": 2}).json()
    assert len(first["messages"]) == 2
    second = api.get("/v2/dlq", params={"count": 2, "cursor": first["cursor"]}).json()
    third = api.get("/v2/dlq", params={"count": 2, "cursor": second["cursor"]}).json()
    assert "cursor" not in third
    pages = [m for page in (first, second, third) for m in page["messages"]]
    seen = [m["messageId"] for m in pages]
    assert sorted(seen) == sorted(ids)  # each once
    orders = [int(m["dlqId"].split("-")[1]) for m in pages]
    assert orders == sorted(orders, reverse=True)  # newest first

    by_label = api.get("/v2/dlq", params={"label": "l0"}).json()["messages"]
    assert sorted(m["messageId"] for m in by_label) == sorted(ids[0::2])
    by_url = api.get("/v2/dlq", params=[("url", qstash_sink.url_for("/d1"))]).json()
    assert [m["messageId"] for m in by_url["messages"]] == [ids[1]]
    assert api.get("/v2/dlq", params={"responseStatus": 500}).json()["messages"] == []

    dlq_ids = {m["messageId"]: m["dlqId"] for m in seen_entries(api)}
    # qstash-py 3.4.0 deletes many with a JSON body.
    deleted = api.request("DELETE", "/v2/dlq", json={"dlqIds": [dlq_ids[ids[0]], dlq_ids[ids[1]]]})
    assert deleted.json() == {"deleted": 2}
    # qstash-js sends repeated query parameters.
    deleted = api.delete("/v2/dlq", params=[("dlqIds", dlq_ids[ids[2]])])
    assert deleted.json() == {"deleted": 1}
    assert api.delete(f"/v2/dlq/{dlq_ids[ids[3]]}").status_code == 200
    assert api.get(f"/v2/dlq/{dlq_ids[ids[3]]}").status_code == 404
    assert api.delete(f"/v2/dlq/{dlq_ids[ids[3]]}").status_code == 404

    qstash_sink.clear()
    bulk = api.post("/v2/dlq/retry", params={"label": "l0"})
    assert bulk.status_code == 201
    assert bulk.json()["cursor"] == ""
    (response,) = bulk.json()["responses"]
    qstash_dev_server.run_due()
    assert qstash_sink.requests[0].headers["Upstash-Message-Id"] == response["messageId"]


def seen_entries(api: httpx.Client) -> list[dict[str, str]]:
    return list(api.get("/v2/dlq", params={"count": 100}).json()["messages"])


def test_max_retry_delay_caps_backoff(qstash_sink: Sink) -> None:
    from qstash.dev import ManualClock

    with (
        DevServerThread(clock=ManualClock(), max_retry_delay=2) as server,
        server.client(retry=False) as client,
    ):
        qstash_sink.fail(times=2)
        one(client.message.publish(url=qstash_sink.url_for("/capped"), body="x"))
        server.run_due()
        server.advance(2)
        server.advance(2)
        assert len(qstash_sink.requests) == 3


def test_scaled_real_clock_runs_retries_and_delays(qstash_sink: Sink) -> None:
    """The scheduler's real-time path: --time-scale 1000 turns 160 s of backoff into 0.16 s."""
    with DevServerThread(time_scale=1000) as server, server.client(retry=False) as client:
        qstash_sink.fail(times=2, path="/scaled")
        started = time.monotonic()
        client.message.publish(url=qstash_sink.url_for("/scaled"), body="x")
        client.message.publish(url=qstash_sink.url_for("/delayed"), body="x", delay=30)
        requests = qstash_sink.wait_for(4, timeout=10)
        elapsed = time.monotonic() - started
        assert sorted(r.path for r in requests) == ["/delayed", "/scaled", "/scaled", "/scaled"]
        assert 0.15 < elapsed < 5


def test_delivery_log_lines_hide_query_strings(
    qstash_dev_server: DevServerThread,
    qstash_sink: Sink,
    dev_client: QStash,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG", logger="qstash.dev")
    qstash_sink.fail(path="/logged")
    dev_client.message.publish(
        url=qstash_sink.url_for("/logged?token=secret-in-query"),
        body="x",
        retries=0,
        headers={"Authorization": "Bearer header-secret"},
    )
    dev_client.message.publish(url=qstash_sink.url_for("/fine?token=secret-in-query"), body="x")
    qstash_dev_server.run_due()
    text = caplog.text
    assert "failed msg_" in text
    assert "moved to the DLQ" in text
    assert "delivered msg_" in text
    assert qstash_sink.url_for("/fine") in text
    assert "secret-in-query" not in text
    assert "header-secret" not in text
