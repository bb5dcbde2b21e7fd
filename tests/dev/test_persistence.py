"""``--db FILE``: state survives a restart, pending deliveries resume, answers are durable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from qstash.dev import DevServerThread, ManualClock
from qstash.dev.testing import Sink

START_MS = 1_800_000_000_000


def _api(server: DevServerThread) -> httpx.Client:
    return httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}, timeout=10
    )


def test_restart_loses_nothing(tmp_path: Path, qstash_sink: Sink) -> None:
    db = str(tmp_path / "state.db")
    with DevServerThread(clock=ManualClock(START_MS), db=db) as server, _api(server) as api:
        qstash_sink.fail(path="/dead")
        qstash_sink.fail(path="/retrying")
        delayed = api.post(
            f"/v2/publish/{qstash_sink.url_for('/delayed')}",
            content=b"\x00binary",
            headers={"Upstash-Delay": "1h", "Upstash-Forward-X-Keep": "k", "Upstash-Label": "L"},
        ).json()["messageId"]
        retrying = api.post(
            f"/v2/publish/{qstash_sink.url_for('/retrying')}",
            content=b"r",
            headers={"Upstash-Retries": "2"},
        ).json()["messageId"]
        api.post(f"/v2/publish/{qstash_sink.url_for('/dead')}", headers={"Upstash-Retries": "0"})
        api.post("/v2/queues", json={"queueName": "kept", "parallelism": 2, "paused": True})
        queued = api.post(f"/v2/enqueue/kept/{qstash_sink.url_for('/queued')}").json()["messageId"]
        api.post(
            "/v2/topics/grp/endpoints", json={"endpoints": [{"url": qstash_sink.url_for("/g")}]}
        )
        api.post(
            f"/v2/schedules/{qstash_sink.url_for('/cron')}",
            headers={"Upstash-Cron": "0 * * * *", "Upstash-Schedule-Id": "hourly"},
        )
        api.post(
            f"/v2/publish/{qstash_sink.url_for('/dup')}",
            headers={"Upstash-Deduplication-Id": "once", "Upstash-Delay": "2h"},
        )
        rotated = api.post("/v2/keys/rotate").json()
        server.run_due()
        assert [r.path for r in qstash_sink.requests] == ["/retrying", "/dead"]
        dlq_before = api.get("/v2/dlq").json()["messages"]
        logs_before = api.get("/v2/events", params={"count": 1000}).json()["events"]

    qstash_sink.clear()
    with DevServerThread(clock=ManualClock(START_MS + 1000), db=db) as server, _api(server) as api:
        assert api.get("/v2/keys").json() == rotated
        assert api.get(f"/v2/messages/{delayed}").json()["header"] == {"X-Keep": ["k"]}
        assert api.get(f"/v2/messages/{retrying}").status_code == 200
        assert api.get("/v2/queues/kept").json()["paused"] is True
        assert api.get("/v2/queues/kept").json()["lag"] == 1
        assert api.get("/v2/topics/grp").json()["endpoints"] == [{"url": qstash_sink.url_for("/g")}]
        assert api.get("/v2/schedules/hourly").json()["nextScheduleTime"] > START_MS
        assert api.get("/v2/dlq").json()["messages"] == dlq_before
        logs_after = api.get("/v2/events", params={"count": 1000}).json()["events"]
        assert logs_after == logs_before
        dup = api.post(
            f"/v2/publish/{qstash_sink.url_for('/dup')}",
            headers={"Upstash-Deduplication-Id": "once"},
        )
        assert dup.status_code == 202

        server.advance(3600)  # the retry, the delayed message, the hourly tick
        paths = sorted(r.path for r in qstash_sink.requests)
        assert paths == ["/cron", "/delayed", "/retrying"]
        delivered = next(r for r in qstash_sink.requests if r.path == "/delayed")
        assert delivered.body == b"\x00binary"
        assert delivered.headers["Upstash-Message-Id"] == delayed
        retry = next(r for r in qstash_sink.requests if r.path == "/retrying")
        assert retry.headers["Upstash-Retried"] == "1"
        # Signed with the rotated key, which survived the restart.
        server.receiver().verify(
            signature=delivered.headers["Upstash-Signature"], body=delivered.body, url=delivered.url
        )
        api.post("/v2/queues/kept/resume")
        server.run_due()
        queued_request = qstash_sink.requests[-1]
        assert queued_request.headers["Upstash-Message-Id"] == queued

    with (
        DevServerThread(clock=ManualClock(START_MS + 7200_000), db=db) as server,
        _api(server) as api,
    ):
        # Delivered messages are gone from the database too.
        assert api.get(f"/v2/messages/{delayed}").status_code == 404
        assert api.get(f"/v2/messages/{queued}").status_code == 404


def test_an_answered_publish_is_already_committed(tmp_path: Path, qstash_sink: Sink) -> None:
    db = str(tmp_path / "state.db")
    with DevServerThread(clock=ManualClock(START_MS), db=db) as server, _api(server) as api:
        message_id = api.post(
            f"/v2/publish/{qstash_sink.url_for('/x')}", headers={"Upstash-Delay": "1d"}
        ).json()["messageId"]
        # Another connection sees the committed row right away (WAL mode).
        with sqlite3.connect(db) as reader:
            rows = reader.execute(
                "SELECT id FROM objects WHERE kind='msg' AND id=?", (message_id,)
            ).fetchall()
        assert rows == [(message_id,)]


def test_logs_are_pruned_to_the_cap(tmp_path: Path, qstash_sink: Sink) -> None:
    db = str(tmp_path / "state.db")
    with (
        DevServerThread(clock=ManualClock(START_MS), db=db, max_logs=5) as server,
        _api(server) as api,
    ):
        for _ in range(4):
            api.post(f"/v2/publish/{qstash_sink.url_for('/x')}")
        server.run_due()
    with sqlite3.connect(db) as reader:
        (count,) = reader.execute("SELECT count(*) FROM logs").fetchone()
    assert count == 5
