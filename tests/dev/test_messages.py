"""Pending messages: get, cancel (one, many, filters, all), delay, not-before, dedup, redact."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from qstash import QStash
from qstash.dev import DevServerThread
from qstash.dev.testing import Sink
from qstash.errors import NotFoundError
from tests.dev._helpers import one


def test_delay_and_get_message(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash
) -> None:
    now = qstash_dev_server.now_ms()
    result = one(
        dev_client.message.publish(
            url=qstash_sink.url_for("/later"),
            body="x",
            delay="1h30m",
            retries=1,
            retry_delay="2000",
            timeout=20,
            label=["a", "b"],
            callback=qstash_sink.url_for("/cb"),
            flow_control={"key": "fk", "rate": 5, "period": "1m"},
            headers={"X-Custom": "c"},
        )
    )
    message = dev_client.message.get(result.message_id)
    assert message.message_id == result.message_id
    assert message.url == qstash_sink.url_for("/later")
    assert message.body == "x"
    assert message.not_before == now + 5400_000
    assert message.created_at == now
    assert message.max_retries == 1
    assert message.retry_delay_expression == "2000"
    assert message.labels == ["a", "b"]
    assert message.callback == qstash_sink.url_for("/cb")
    assert message.caller_ip == "127.0.0.1"
    assert message.headers == {"X-Custom": ["c"]}
    assert message.flow_control is not None
    assert (message.flow_control.key, message.flow_control.rate) == ("fk", 5)
    assert message.flow_control.period == 60

    qstash_dev_server.advance(5399)
    assert qstash_sink.requests == []
    qstash_dev_server.advance(1)
    assert [r.path for r in qstash_sink.requests] == ["/later", "/cb"]
    with pytest.raises(NotFoundError):
        dev_client.message.get(result.message_id)  # delivered messages are gone


def test_not_before_overrides_delay(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash
) -> None:
    now_s = qstash_dev_server.now_ms() // 1000
    result = one(
        dev_client.message.publish(
            url=qstash_sink.url_for("/nb"), body="x", not_before=now_s + 100, delay=5
        )
    )
    assert dev_client.message.get(result.message_id).not_before == (now_s + 100) * 1000
    qstash_dev_server.advance(50)
    assert qstash_sink.requests == []
    qstash_dev_server.advance(60)
    assert len(qstash_sink.requests) == 1
    past = one(dev_client.message.publish(url=qstash_sink.url_for("/p"), body="x", not_before=1))
    qstash_dev_server.run_due()
    assert qstash_sink.requests[-1].headers["Upstash-Message-Id"] == past.message_id


def test_cancel_one_many_filtered_and_all(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    def later(path: str, **options: object) -> str:
        return one(
            dev_client.message.publish(  # type: ignore[call-overload]
                url=qstash_sink.url_for(path),
                body="x",
                delay=60,
                **options,
            )
        ).message_id

    single = later("/one")
    dev_client.message.cancel(single)
    with pytest.raises(NotFoundError):
        dev_client.message.get(single)
    with pytest.raises(NotFoundError):
        dev_client.message.cancel(single)
    states = [
        e["state"] for e in api.get("/v2/events", params={"messageId": single}).json()["events"]
    ]
    assert states == ["CANCELED", "CANCEL_REQUESTED", "CREATED"]
    # The API reference's spelling works as a filter too.
    assert (
        api.get("/v2/events", params={"state": "CANCELLED"}).json()["events"][0]["messageId"]
        == single
    )

    # qstash-py 3.4.0: JSON body; our SDK and qstash-js: repeated query parameters.
    a, b, c = later("/a"), later("/b"), later("/c")
    by_body = api.request("DELETE", "/v2/messages", json={"messageIds": [a]})
    assert by_body.json() == {"cancelled": 1}
    assert dev_client.message.cancel_many([b, c]) == 2

    labelled = [later("/l", label="bulk") for _ in range(3)]
    other = later("/o", label="keep")
    dev_client.message.enqueue(queue="qq", url=qstash_sink.url_for("/q"), body="x")
    qstash_dev_server.run_due()
    assert api.delete("/v2/messages", params={"label": "bulk", "count": 2}).json() == {
        "cancelled": 2
    }
    assert api.delete("/v2/messages", params={"label": "bulk,none"}).json() == {"cancelled": 1}
    assert api.delete(
        "/v2/messages", params=[("url", qstash_sink.url_for("/o")), ("label", "nope")]
    ).json() == {"cancelled": 0}
    for message_id in labelled:
        with pytest.raises(NotFoundError):
            dev_client.message.get(message_id)
    assert dev_client.message.get(other).labels == ["keep"]
    assert dev_client.message.cancel_all() == 1  # the delivered queue message is gone already
    with pytest.raises(NotFoundError):
        dev_client.message.get(other)
    qstash_dev_server.advance(120)
    assert [r.path for r in qstash_sink.requests] == ["/q"]


def test_cancel_while_retrying(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    qstash_sink.fail()
    result = one(dev_client.message.publish(url=qstash_sink.url_for("/r"), body="x"))
    qstash_dev_server.run_due()
    dev_client.message.cancel(result.message_id)
    qstash_dev_server.advance(3600)
    assert len(qstash_sink.requests) == 1
    assert api.get("/v2/dlq").json()["messages"] == []


def test_deduplication_by_id_and_content(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, api: httpx.Client
) -> None:
    url = f"/v2/publish/{qstash_sink.url_for('/d')}"
    first = api.post(url, content=b"a", headers={"Upstash-Deduplication-Id": "order-1"})
    again = api.post(url, content=b"other", headers={"Upstash-Deduplication-Id": "order-1"})
    assert first.status_code == 200
    assert again.status_code == 202
    assert again.json() == {**first.json(), "deduplicated": True}

    headers = {"Upstash-Content-Based-Deduplication": "true", "Content-Type": "text/plain"}
    c1 = api.post(url, content=b"same", headers=headers)
    c2 = api.post(url, content=b"same", headers=headers)
    c3 = api.post(url, content=b"different", headers=headers)
    assert (c1.status_code, c2.status_code, c3.status_code) == (200, 202, 200)
    assert c2.json()["messageId"] == c1.json()["messageId"]
    assert c3.json()["messageId"] != c1.json()["messageId"]
    qstash_dev_server.run_due()
    assert len(qstash_sink.requests) == 3

    # The window is ten minutes.
    qstash_dev_server.advance(601)
    later = api.post(url, content=b"a", headers={"Upstash-Deduplication-Id": "order-1"})
    assert later.status_code == 200
    assert later.json()["messageId"] != first.json()["messageId"]


def test_group_publish_dedup_returns_the_array(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, api: httpx.Client
) -> None:
    api.post("/v2/topics/gg/endpoints", json={"endpoints": [{"url": qstash_sink.url_for("/1")}]})
    headers = {"Upstash-Deduplication-Id": "g-1"}
    first = api.post("/v2/publish/gg", content=b"x", headers=headers)
    second = api.post("/v2/publish/gg", content=b"x", headers=headers)
    assert second.status_code == 202
    assert second.json() == [{**first.json()[0], "deduplicated": True}]


def test_redacted_fields_are_hidden_in_answers_not_in_deliveries(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    result = one(
        dev_client.message.publish(
            url=qstash_sink.url_for("/secret"),
            body="card=4242",
            delay=10,
            headers={"Authorization": "Bearer s3cret", "X-Visible": "v"},
            redact={"body": True, "header": ["Authorization"]},
        )
    )
    message = api.get(f"/v2/messages/{result.message_id}").json()
    assert message["body"] == "REDACTED:" + hashlib.sha256(b"card=4242").hexdigest()
    assert message["header"]["Authorization"] == [
        "REDACTED:" + hashlib.sha256(b"Bearer s3cret").hexdigest()
    ]
    assert message["header"]["X-Visible"] == ["v"]
    created = api.get("/v2/events", params={"messageId": result.message_id}).json()["events"][0]
    assert created["body"].startswith("REDACTED:")
    qstash_dev_server.advance(10)
    (request,) = qstash_sink.requests
    assert request.body == b"card=4242"
    assert request.headers["Authorization"] == "Bearer s3cret"


def test_plan_limits(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, api: httpx.Client
) -> None:
    too_late = api.post(
        f"/v2/publish/{qstash_sink.url_for('/x')}", headers={"Upstash-Delay": "400d"}
    )
    assert too_late.status_code == 400
    assert "Upstash-Delay" in too_late.json()["error"]
    big = api.post(f"/v2/publish/{qstash_sink.url_for('/x')}", content=b"x" * (10 << 20 | 1))
    assert big.status_code == 413
