"""Queues (FIFO, parallelism, pause, lag) and flow control (parallelism, rate, pin, pause)."""

from __future__ import annotations

import httpx

from qstash import QStash
from qstash.dev import DevServerThread
from qstash.dev.testing import Sink
from tests.dev._helpers import one


def test_queue_is_fifo_with_parallelism_one_across_retries(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    # The first message fails once: the queue waits for its retry before the second one.
    qstash_sink.respond(500, path="/q0")
    for n in range(4):
        one(
            dev_client.message.enqueue(queue="jobs", url=qstash_sink.url_for(f"/q{n}"), body=str(n))
        )
    qstash_dev_server.run_due()
    assert [r.path for r in qstash_sink.requests] == ["/q0"]
    queue = api.get("/v2/queues/jobs").json()
    assert queue["lag"] == 4
    assert queue["parallelism"] == 1
    assert queue["paused"] is False
    qstash_dev_server.advance(13)  # the retry of /q0, then the rest in order
    assert [r.path for r in qstash_sink.requests] == ["/q0", "/q0", "/q1", "/q2", "/q3"]
    assert api.get("/v2/queues/jobs").json()["lag"] == 0


def test_queue_waits_for_the_final_callback(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash
) -> None:
    qstash_sink.respond(500, path="/cb")
    one(
        dev_client.message.enqueue(
            queue="cbq",
            url=qstash_sink.url_for("/first"),
            body="1",
            callback=qstash_sink.url_for("/cb"),
        )
    )
    one(dev_client.message.enqueue(queue="cbq", url=qstash_sink.url_for("/second"), body="2"))
    qstash_dev_server.run_due()
    assert [r.path for r in qstash_sink.requests] == ["/first", "/cb"]
    qstash_dev_server.advance(13)  # the callback's retry succeeds, then the queue moves on
    assert [r.path for r in qstash_sink.requests] == ["/first", "/cb", "/cb", "/second"]


def test_queue_upsert_pause_resume_parallelism_and_delete(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    assert (
        api.post(
            "/v2/queues", json={"queueName": "q", "parallelism": 1, "paused": True}
        ).status_code
        == 200
    )
    for n in range(3):
        one(dev_client.message.enqueue(queue="q", url=qstash_sink.url_for(f"/p{n}"), body="x"))
    qstash_dev_server.run_due()
    assert qstash_sink.requests == []
    assert api.get("/v2/queues/q").json()["paused"] is True

    qstash_sink.respond(200, delay=0.2, times=None)
    api.post("/v2/queues", json={"queueName": "q", "parallelism": 3, "paused": False})
    requests = qstash_sink.wait_for(3)
    # Three slots: all three in flight together.
    assert max(r.received for r in requests) - min(r.received for r in requests) < 0.15
    qstash_dev_server.run_due()

    api.post("/v2/queues/q/pause")
    one(dev_client.message.enqueue(queue="q", url=qstash_sink.url_for("/later"), body="x"))
    qstash_dev_server.run_due()
    assert len(qstash_sink.requests) == 3
    api.patch("/v2/queues/q/resume")
    qstash_sink.wait_for(4)
    qstash_dev_server.run_due()

    listed = api.get("/v2/queues").json()
    assert [q["name"] for q in listed] == ["q"]
    assert set(listed[0]) >= {"name", "parallelism", "createdAt", "updatedAt", "lag", "paused"}

    api.post("/v2/queues/q/pause")
    one(dev_client.message.enqueue(queue="q", url=qstash_sink.url_for("/dropped"), body="x"))
    assert api.delete("/v2/queues/q").status_code == 200
    assert api.get("/v2/queues/q").status_code == 404
    qstash_dev_server.run_due()
    assert len(qstash_sink.requests) == 4
    bad = api.post("/v2/queues", json={"queueName": "bad name", "parallelism": 1})
    assert bad.status_code == 400
    over = api.post("/v2/queues", json={"queueName": "big", "parallelism": 10_000})
    assert over.status_code == 412


def test_flow_control_parallelism(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    qstash_sink.respond(200, delay=0.15, times=None)
    for n in range(4):
        one(
            dev_client.message.publish(
                url=qstash_sink.url_for(f"/f{n}"),
                body="x",
                flow_control={"key": "tenant-1", "parallelism": 2},
            )
        )
    qstash_sink.wait_for(2)
    info = api.get("/v2/flowControl/tenant-1").json()
    assert info["parallelismMax"] == 2
    assert info["parallelismCount"] == 2
    assert info["waitListSize"] == 2
    assert len(qstash_sink.requests) == 2
    assert api.get("/v2/globalParallelism").json() == {"parallelismCount": 2}
    qstash_dev_server.run_due()
    requests = qstash_sink.requests
    assert len(requests) == 4
    # The second pair started only after the first pair finished.
    assert min(r.received for r in requests[2:]) - max(r.received for r in requests[:2]) > 0.1
    assert api.get("/v2/globalParallelism").json() == {}

    message = api.get("/v2/events", params={"state": "CREATED"}).json()["events"][0]
    assert message["flowControlKey"] == "tenant-1"
    assert message["parallelism"] == 2
    assert message["period"] == 1


def test_flow_control_rate_per_period(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    for n in range(5):
        one(
            dev_client.message.publish(
                url=qstash_sink.url_for(f"/r{n}"),
                body="x",
                flow_control={"key": "rated", "rate": 2, "period": "10s"},
            )
        )
    qstash_dev_server.run_due()
    assert len(qstash_sink.requests) == 2
    info = api.get("/v2/flowControl/rated").json()
    assert (info["rateMax"], info["rateCount"], info["ratePeriod"]) == (2, 2, 10)
    assert info["waitListSize"] == 3
    qstash_dev_server.advance(9.9)
    assert len(qstash_sink.requests) == 2
    qstash_dev_server.advance(0.1)
    assert len(qstash_sink.requests) == 4
    qstash_dev_server.advance(10)
    assert len(qstash_sink.requests) == 5


def test_flow_control_pause_pin_unpin_reset(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    def publish(n: int) -> None:
        one(
            dev_client.message.publish(
                url=qstash_sink.url_for(f"/k{n}"), body="x", flow_control={"key": "k", "rate": 1}
            )
        )

    publish(0)
    qstash_dev_server.run_due()
    assert api.post("/v2/flowControl/k/pause").status_code == 200
    assert api.get("/v2/flowControl/k").json()["isPaused"] is True
    publish(1)
    qstash_dev_server.advance(5)
    assert len(qstash_sink.requests) == 1
    api.post("/v2/flowControl/k/resume")
    qstash_dev_server.run_due()
    assert len(qstash_sink.requests) == 2

    api.post("/v2/flowControl/k/pin", params={"rate": 3, "period": 60})
    info = api.get("/v2/flowControl/k").json()
    assert (info["isPinnedRate"], info["rateMax"], info["ratePeriod"], info["rateCount"]) == (
        True,
        3,
        60,
        0,
    )
    for n in range(2, 6):
        publish(n)  # each says rate=1, but the pin wins
    qstash_dev_server.run_due()
    assert len(qstash_sink.requests) == 5
    api.post("/v2/flowControl/k/resetRate")
    qstash_dev_server.run_due()
    assert len(qstash_sink.requests) == 6
    api.post("/v2/flowControl/k/unpin", params={"rate": "true", "parallelism": "false"})
    assert api.get("/v2/flowControl/k").json()["isPinnedRate"] is False

    assert [k["flowControlKey"] for k in api.get("/v2/flowControl").json()] == ["k"]
    assert api.get("/v2/flowControl", params={"search": "zzz"}).json() == []
    assert api.get("/v2/flowControl/unknown").status_code == 404
