"""Publish → signed delivery: the exact request a destination receives."""

from __future__ import annotations

import base64
import hashlib
import json

import httpx
import pytest

from qstash import AsyncQStash, QStash, Receiver
from qstash.dev import DEV_USERS, DevServerThread
from qstash.dev.testing import Sink
from qstash.errors import NotFoundError
from tests.dev._helpers import one


def _claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_publish_is_delivered_signed_and_verifiable(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash
) -> None:
    url = qstash_sink.url_for("/hooks/order?source=test&n=1")
    result = one(
        dev_client.message.publish_json(url=url, body={"order": 7}, headers={"X-Trace": "abc"})
    )
    (request,) = qstash_sink.wait_for(1)

    assert request.method == "POST"
    assert request.url == url
    assert request.body == b'{"order":7}'
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Trace"] == "abc"
    assert request.headers["User-Agent"] == "Upstash-QStash"
    assert request.headers["Upstash-Message-Id"] == result.message_id
    assert request.headers["Upstash-Retried"] == "0"
    assert request.headers["Upstash-Caller-Ip"] == "127.0.0.1"
    assert "Upstash-Schedule-Id" not in request.headers
    assert "Upstash-Topic-Name" not in request.headers
    assert "Authorization" not in request.headers

    signature = request.headers["Upstash-Signature"]
    claims = Receiver(
        qstash_dev_server.current_signing_key, qstash_dev_server.next_signing_key
    ).verify(signature=signature, body=request.body, url=url)
    assert claims.subject == url
    raw = _claims(signature)
    assert set(raw) == {"iss", "sub", "exp", "nbf", "iat", "jti", "body"}  # no aud
    assert raw["iss"] == "Upstash"
    assert raw["nbf"] == 0
    assert raw["exp"] == raw["iat"] + 300  # type: ignore[operator]
    assert str(raw["jti"]).startswith("jwt_")
    expected_hash = base64.urlsafe_b64encode(hashlib.sha256(request.body).digest()).decode()
    assert raw["body"] == expected_hash
    # Signed with the current key: the next key alone does not verify it.
    with pytest.raises(Exception, match="signature"):
        Receiver(qstash_dev_server.next_signing_key).verify(
            signature=signature, body=request.body, url=url
        )


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_upstash_method_and_raw_bytes(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, method: str
) -> None:
    body = b"\x00\xffraw\x80" if method != "GET" else b""
    one(
        dev_client.message.publish(  # type: ignore[call-overload]
            url=qstash_sink.url_for("/m"),
            body=body,
            method=method,
            content_type="application/octet-stream",
        )
    )
    (request,) = qstash_sink.wait_for(1)
    assert request.method == method
    assert request.body == body
    qstash_dev_server.receiver().verify(
        signature=request.headers["Upstash-Signature"], body=request.body, url=request.url
    )


def test_no_content_type_is_invented(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, api: httpx.Client
) -> None:
    response = api.post(f"/v2/publish/{qstash_sink.url_for('/plain')}", content=b"text")
    assert response.status_code == 200
    (request,) = qstash_sink.wait_for(1)
    assert "Content-Type" not in request.headers
    assert request.body == b"text"


def test_query_param_config_and_token_are_stripped_from_the_destination(
    qstash_dev_server: DevServerThread, qstash_sink: Sink
) -> None:
    destination = qstash_sink.url_for("/hook?keep=1")
    response = httpx.post(
        f"{qstash_dev_server.url}/v2/publish/{destination}"
        f"&upstash-forward-x-from-query=q&upstash-method=PUT"
        f"&qstash_token={qstash_dev_server.token}",
        content=b"{}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["url"] == destination
    (request,) = qstash_sink.wait_for(1)
    assert request.url == destination
    assert request.method == "PUT"
    assert request.headers["X-From-Query"] == "q"


def test_header_forward_webhook_mode(qstash_dev_server: DevServerThread, qstash_sink: Sink) -> None:
    response = httpx.post(
        f"{qstash_dev_server.url}/v2/publish/{qstash_sink.url_for('/gh')}"
        f"?qstash_token={qstash_dev_server.token}",
        content=b'{"ref":"main"}',
        headers={
            "Content-Type": "application/json",
            "Upstash-Header-Forward": "true",
            "X-GitHub-Event": "push",
        },
    )
    assert response.status_code == 200
    (request,) = qstash_sink.wait_for(1)
    assert request.headers["X-GitHub-Event"] == "push"
    assert request.headers["User-Agent"] == "Upstash-QStash"


def test_url_group_fan_out(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    one, two = qstash_sink.url_for("/one"), qstash_sink.url_for("/two")
    response = api.post(
        "/v2/topics/orders/endpoints",
        json={"endpoints": [{"url": one, "name": "first"}, {"url": two}]},
    )
    assert response.status_code == 200
    results = dev_client.message.publish(url_group="orders", body="hello")
    assert isinstance(results, list)
    assert sorted(r.url for r in results) == [one, two]
    assert len({r.message_id for r in results}) == 2
    requests = qstash_sink.wait_for(2)
    by_path = {r.path: r for r in requests}
    for result in results:
        request = by_path[httpx.URL(result.url).path]
        assert request.headers["Upstash-Topic-Name"] == "orders"
        assert request.headers["Upstash-Message-Id"] == result.message_id
        # Each endpoint's token is signed for that endpoint's URL.
        qstash_dev_server.receiver().verify(
            signature=request.headers["Upstash-Signature"], body=request.body, url=result.url
        )

    group = api.get("/v2/topics/orders").json()
    assert group["name"] == "orders"
    assert group["endpoints"] == [{"url": one, "name": "first"}, {"url": two}]
    assert [g["name"] for g in api.get("/v2/topics").json()] == ["orders"]
    # Removing by name, then by URL; the last removal deletes the group.
    api.request("DELETE", "/v2/topics/orders/endpoints", json={"endpoints": [{"name": "first"}]})
    assert api.get("/v2/topics/orders").json()["endpoints"] == [{"url": two}]
    api.request("DELETE", "/v2/topics/orders/endpoints", json={"endpoints": [{"url": two}]})
    assert api.get("/v2/topics/orders").status_code == 404
    assert api.delete("/v2/topics/orders").status_code == 200  # idempotent


def test_url_group_default_headers_and_errors(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, api: httpx.Client
) -> None:
    api.post("/v2/topics/g/endpoints", json={"endpoints": [{"url": qstash_sink.url_for("/g")}]})
    assert api.patch("/v2/topics/g", json={"headers": {"X-Default": "d"}}).status_code == 200
    api.post("/v2/publish/g", content=b"x", headers={"Upstash-Forward-X-Own": "o"})
    (request,) = qstash_sink.wait_for(1)
    assert (request.headers["X-Default"], request.headers["X-Own"]) == ("d", "o")

    missing = api.post("/v2/publish/nope", content=b"x")
    assert missing.status_code == 404
    assert missing.json() == {"error": "url group nope not found"}
    bad = api.post("/v2/topics/g/endpoints", json={"endpoints": [{"url": "localhost:1"}]})
    assert bad.status_code == 400


def test_batch_mixes_urls_groups_and_queues(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash, api: httpx.Client
) -> None:
    api.post(
        "/v2/topics/pair/endpoints",
        json={
            "endpoints": [{"url": qstash_sink.url_for("/p1")}, {"url": qstash_sink.url_for("/p2")}]
        },
    )
    results = dev_client.message.batch_json(
        [
            {"url": qstash_sink.url_for("/b1"), "body": {"n": 1}},
            {"url_group": "pair", "body": {"n": 2}},
            {"url": qstash_sink.url_for("/b3"), "body": {"n": 3}, "queue": "batchq"},
        ]
    )
    assert not isinstance(results[0], list)
    assert isinstance(results[1], list)
    assert len(results[1]) == 2
    requests = qstash_sink.wait_for(4)
    assert sorted(r.path for r in requests) == ["/b1", "/b3", "/p1", "/p2"]
    assert api.get("/v2/queues/batchq").json()["name"] == "batchq"

    # One bad item does not sink the others.
    mixed = api.post(
        "/v2/batch",
        json=[
            {"destination": qstash_sink.url_for("/ok"), "body": "a"},
            {"destination": "not a url", "body": "b"},
        ],
    )
    assert mixed.status_code == 200
    first, second = mixed.json()
    assert "messageId" in first
    assert second["error"].startswith("invalid destination url")


def test_auth(qstash_dev_server: DevServerThread, qstash_sink: Sink) -> None:
    url = f"{qstash_dev_server.url}/v2/publish/{qstash_sink.url_for('/x')}"
    missing = httpx.post(url, content=b"x")
    assert missing.status_code == 401
    assert "error" in missing.json()
    wrong = httpx.post(url, content=b"x", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    with QStash(token="nope", base_url=qstash_dev_server.url, retry=False) as client:
        with pytest.raises(Exception, match="401") as caught:
            one(client.message.publish(url=qstash_sink.url_for("/x"), body="x"))
        assert "nope" not in str(caught.value)
    assert qstash_sink.requests == []


def test_each_dev_user_has_its_own_state_and_keys(
    qstash_dev_server: DevServerThread, qstash_sink: Sink
) -> None:
    first, second = DEV_USERS[0], DEV_USERS[1]
    for user in (first, second):
        keys = httpx.get(
            f"{qstash_dev_server.url}/v2/keys",
            headers={"Authorization": f"Bearer {user.token}"},
        ).json()
        assert keys == {"current": user.current_signing_key, "next": user.next_signing_key}
    url = qstash_dev_server.url
    with (
        QStash(token=second.token, base_url=url, retry=False) as client,
        QStash(token=first.token, base_url=url, retry=False) as other,
    ):
        delayed = one(client.message.publish(url=qstash_sink.url_for("/u2"), body="x", delay=60))
        assert isinstance(delayed.message_id, str)
        with pytest.raises(NotFoundError):
            other.message.get(delayed.message_id)
        assert other.message.cancel_all() == 0
        assert client.message.get(delayed.message_id).message_id == delayed.message_id
        assert client.message.cancel_all() == 1
        one(client.message.publish(url=qstash_sink.url_for("/u2"), body="x"))
        (delivered,) = qstash_sink.wait_for(1)
    Receiver(second.current_signing_key).verify(
        signature=delivered.headers["Upstash-Signature"], body=delivered.body, url=delivered.url
    )
    with pytest.raises(Exception, match="signature"):
        Receiver(first.current_signing_key, first.next_signing_key).verify(
            signature=delivered.headers["Upstash-Signature"], body=delivered.body
        )


def test_signing_key_rotation_signs_with_the_new_key(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, api: httpx.Client
) -> None:
    before = api.get("/v2/keys").json()
    rotated = api.post("/v2/keys/rotate").json()
    assert rotated["current"] == before["next"]
    assert rotated["next"].startswith("sig_")
    assert rotated["next"] != before["next"]
    assert api.get("/v2/keys").json() == rotated
    api.post(f"/v2/publish/{qstash_sink.url_for('/r')}", content=b"x")
    (request,) = qstash_sink.wait_for(1)
    Receiver(rotated["current"]).verify(
        signature=request.headers["Upstash-Signature"], body=request.body, url=request.url
    )


async def test_async_client(qstash_dev_server: DevServerThread, qstash_sink: Sink) -> None:
    async with qstash_dev_server.async_client(retry=False) as client:
        assert isinstance(client, AsyncQStash)
        result = one(await client.message.publish(url=qstash_sink.url_for("/async"), body="a"))
        (request,) = await qstash_sink.await_for(1)
        assert request.headers["Upstash-Message-Id"] == result.message_id
        await qstash_dev_server.arun_due()


def test_errors_are_json(qstash_dev_server: DevServerThread, api: httpx.Client) -> None:
    bad_scheme = api.post("/v2/publish/example.com/x", content=b"x")
    assert bad_scheme.status_code == 400
    assert bad_scheme.json() == {
        "error": "invalid destination url: endpoint has invalid scheme, add http:// or https://"
    }
    unknown = api.get("/v2/nothing-here")
    assert unknown.status_code == 404
    assert "error" in unknown.json()
    chat = api.post("/llm/v1/chat/completions", json={"model": "m", "messages": []})
    assert chat.status_code == 501
    assert "LLM" in chat.json()["error"]
