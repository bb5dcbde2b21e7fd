"""publish_many end to end: the dev server takes the batch requests and delivers every message,
signed; a request over its body limit is refused with 413 and narrowed down."""

from __future__ import annotations

import json
from collections import Counter

from qstash import PayloadTooLargeError
from qstash.dev import DevServerThread
from qstash.dev.testing import Sink
from qstash.message import BatchJsonRequest, BatchRequest


def test_every_message_is_published_once_and_delivered_signed(
    qstash_dev_server: DevServerThread, qstash_sink: Sink
) -> None:
    with qstash_dev_server.client() as client:
        client.url_group.upsert_endpoints(
            "fanout",
            [{"url": qstash_sink.url_for("/group/a")}, {"url": qstash_sink.url_for("/group/b")}],
        )
        client.queue.upsert("bulk", parallelism=2)
        messages: list[BatchJsonRequest] = []
        for n in range(1_050):
            if n % 100 == 7:
                messages.append({"url_group": "fanout", "body": {"n": n}})
            elif n % 10 == 3:
                messages.append(
                    {"url": qstash_sink.url_for("/queued"), "body": {"n": n}, "queue": "bulk"}
                )
            else:
                messages.append({"url": qstash_sink.url_for("/direct"), "body": {"n": n}})
        results = client.message.publish_many_json(messages)

    assert len(results) == 1_050
    assert all(outcome.ok for outcome in results)
    groups = [n for n in range(1_050) if n % 100 == 7]
    expected = 1_050 + len(groups)  # a URL-group message is delivered once per endpoint
    delivered = qstash_sink.wait_for(expected, timeout=30)
    assert len(delivered) == expected
    receiver = qstash_dev_server.receiver()
    for request in delivered:
        receiver.verify(
            signature=request.headers["Upstash-Signature"], body=request.body, url=request.url
        )
    numbers = Counter(json.loads(request.body)["n"] for request in delivered)
    assert numbers == Counter({n: 2 if n in groups else 1 for n in range(1_050)})
    ids = {
        request.headers["Upstash-Message-Id"] for request in delivered if request.path == "/direct"
    }
    assert ids == {
        outcome.result.message_id
        for n, outcome in enumerate(results)
        if outcome.ok and not isinstance(outcome.result, list) and n % 10 != 3 and n % 100 != 7
    }


def test_a_request_over_the_body_limit_is_split_until_it_fits(
    qstash_dev_server: DevServerThread, qstash_sink: Sink
) -> None:
    # The dev server (pay-as-you-go plan) takes request bodies up to 11 MiB: 24 messages of
    # 600 kB in one 14 MB request are refused with 413, then sent as two halves that fit. One
    # message over the plan's 10 MB message size is refused on its own.
    big = "x" * 600_000
    messages: list[BatchRequest] = [
        {"url": qstash_sink.url_for("/big"), "body": f"{n:02d}{big}"} for n in range(24)
    ]
    messages.insert(5, {"url": qstash_sink.url_for("/huge"), "body": "y" * (12 << 20)})
    with qstash_dev_server.client() as client:
        results = client.message.publish_many(messages, max_request_bytes=64 << 20, max_in_flight=1)
    refused = results.pop(5)
    assert isinstance(refused.error, PayloadTooLargeError)
    assert all(outcome.ok for outcome in results)
    delivered = qstash_sink.wait_for(24, timeout=30)
    assert sorted(request.body[:2].decode() for request in delivered) == [
        f"{n:02d}" for n in range(24)
    ]
    assert all(len(request.body) == 600_002 for request in delivered)
    assert all(request.path == "/big" for request in delivered)
