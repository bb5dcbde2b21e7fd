"""The FastAPI dependency on a real FastAPI app, driven by its TestClient."""

# No `from __future__ import annotations`: FastAPI resolves endpoint annotations from module
# globals, and the endpoints here use an Annotated alias local to make_app().

import json
import queue
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel

from qstash.delivery import Delivery, parse_callback
from qstash.dev import DevServerThread
from qstash.dev import testing as dev_testing
from qstash.errors import InvalidArgumentError
from qstash.integrations.fastapi import (
    QStashMiddleware,
    get_delivery,
    non_retryable,
    retry_after,
    verify_qstash,
)
from qstash.receiver import Receiver
from tests.dev._helpers import one
from tests.integrations import (
    BODY,
    CURRENT,
    NOW,
    QUERY,
    Case,
    assert_rejected,
    expected_echo,
    receiver,
    rejections,
    serve_asgi,
    signed,
)

URL = "http://testserver/hook"
qstash_dev_server = dev_testing.qstash_dev_server  # the documented pytest fixture


class Order(BaseModel):
    order: int
    name: str


def make_app(**options: Any) -> FastAPI:
    options.setdefault("receiver", receiver())
    app = FastAPI()
    QStashDelivery = Annotated[Delivery, Depends(verify_qstash(**options))]

    @app.post("/hook")
    async def hook(delivery: QStashDelivery, request: Request) -> dict[str, Any]:
        raw = await request.body()
        assert get_delivery(request) is delivery
        return {
            "message_id": delivery.message_id,
            "retried": delivery.retried,
            "schedule_id": delivery.schedule_id,
            "url_group": delivery.url_group,
            "caller_ip": delivery.caller_ip,
            "region": delivery.region,
            "subject": delivery.claims.subject,
            "body": raw.decode(),
            "raw_equal": raw == delivery.body,
            "json": await request.json(),
        }

    @app.post("/model")
    def with_body_model(order: Order, delivery: QStashDelivery) -> dict[str, Any]:
        # A sync endpoint with a parsed body parameter: FastAPI and the dependency share
        # the one cached raw body.
        return {"order": order.order, "raw": delivery.body.decode()}

    @app.post("/answer/{kind}")
    async def answer(kind: str, delivery: QStashDelivery) -> Any:
        if kind == "non-retryable":
            return non_retryable("bad order")
        return retry_after(30)

    return app


@pytest.fixture
def client() -> TestClient:
    return TestClient(make_app())


def test_genuine_delivery_reaches_the_endpoint(client: TestClient) -> None:
    response = client.post("/hook", content=BODY, headers=signed(URL))
    assert response.status_code == 200, response.text
    assert response.json() == expected_echo(URL)


def test_query_string_is_kept_byte_for_byte(client: TestClient) -> None:
    response = client.post("/hook" + QUERY, content=BODY, headers=signed(URL + QUERY))
    assert response.status_code == 200, response.text


def test_body_model_and_dependency_share_the_raw_body(client: TestClient) -> None:
    url = "http://testserver/model"
    response = client.post("/model", content=BODY, headers=signed(url))
    assert response.status_code == 200, response.text
    assert response.json() == {"order": 42, "raw": BODY.decode()}


@pytest.mark.parametrize("case", rejections(URL), ids=lambda case: case.id)
def test_refused_deliveries_get_an_http_exception(client: TestClient, case: Case) -> None:
    response = client.post("/hook", content=case.body, headers=case.headers)
    assert_rejected(case, response.status_code, response.json()["detail"])


def test_proxy_url_choices() -> None:
    public = TestClient(make_app(public_url="https://api.example.com"))
    assert public.post("/hook", content=BODY, headers=signed(URL)).status_code == 403
    ok = public.post("/hook", content=BODY, headers=signed("https://api.example.com/hook"))
    assert ok.status_code == 200
    forwarded = TestClient(make_app(trust_forwarded_headers=True))
    headers = signed("https://public.example.com/hook", headers={"X-Forwarded-Proto": "https"})
    headers["X-Forwarded-Host"] = "public.example.com"
    assert forwarded.post("/hook", content=BODY, headers=headers).status_code == 200


def test_answers(client: TestClient) -> None:
    url = "http://testserver/answer/non-retryable"
    response = client.post("/answer/non-retryable", content=BODY, headers=signed(url))
    assert response.status_code == 489
    assert response.headers["upstash-nonretryable-error"] == "true"
    assert response.json() == {"error": "bad order"}
    url = "http://testserver/answer/later"
    response = client.post("/answer/later", content=BODY, headers=signed(url))
    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"


def test_dependency_reuses_the_middleware_delivery() -> None:
    calls: list[str] = []

    class CountingReceiver(Receiver):
        def verify(self, **kwargs: Any) -> Any:
            calls.append(kwargs["signature"])
            return super().verify(**kwargs)

    counting = CountingReceiver(CURRENT, clock=lambda: NOW)
    app = make_app(receiver=counting)
    app.add_middleware(QStashMiddleware, paths="/hook", receiver=counting)
    response = TestClient(app).post("/hook", content=BODY, headers=signed(URL))
    assert response.status_code == 200, response.text
    assert len(calls) == 1


def test_region_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    eu_key = "sig_CANARYeuCentral1current000"
    for name in ("QSTASH_DEV", "QSTASH_CURRENT_SIGNING_KEY", "QSTASH_NEXT_SIGNING_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QSTASH_REGION", "US_EAST_1")
    monkeypatch.setenv("US_EAST_1_QSTASH_CURRENT_SIGNING_KEY", CURRENT)
    monkeypatch.setenv("EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY", eu_key)
    client = TestClient(make_app(receiver=Receiver(clock=lambda: NOW)))

    eu = signed(URL, key=eu_key, headers={"Upstash-Region": "eu-central-1"})
    response = client.post("/hook", content=BODY, headers=eu)
    assert response.status_code == 200, response.text
    assert response.json()["region"] == "EU_CENTRAL_1"

    wrong_region = {**eu, "Upstash-Region": "US-EAST-1"}
    response = client.post("/hook", content=BODY, headers=wrong_region)
    assert response.status_code == 403
    assert response.json()["detail"]["error"] == "invalid_signature"


def test_bad_options_fail_at_setup() -> None:
    with pytest.raises(InvalidArgumentError, match="public_url and trust_forwarded_headers"):
        verify_qstash(public_url="https://a.example", trust_forwarded_headers=True)
    with pytest.raises(InvalidArgumentError, match="absolute http"):
        verify_qstash(public_url="api.example.com")


def test_end_to_end_through_the_dev_server(qstash_dev_server: DevServerThread) -> None:
    seen: queue.Queue[tuple[str, Delivery]] = queue.Queue()
    app = FastAPI()
    verified = verify_qstash(receiver=qstash_dev_server.receiver())

    @app.post("/orders")
    async def orders(order: Order, delivery: Annotated[Delivery, Depends(verified)]) -> Any:
        seen.put(("orders", delivery))
        return {"accepted": order.order}

    @app.post("/callback")
    async def callback(delivery: Annotated[Delivery, Depends(verified)]) -> None:
        seen.put(("callback", delivery))

    with serve_asgi(app) as base, qstash_dev_server.client() as client:
        url = f"{base}/orders?tenant=7&q=a%20b"
        result = one(
            client.message.publish_json(
                url=url, body={"order": 42, "name": "Jürgen"}, callback=f"{base}/callback"
            )
        )
        kind, delivery = seen.get(timeout=10)
        assert kind == "orders"
        assert delivery.message_id == result.message_id
        assert delivery.retried == 0
        assert delivery.claims.subject == url
        assert delivery.json() == {"order": 42, "name": "Jürgen"}

        kind, delivery = seen.get(timeout=10)
        assert kind == "callback"
        assert delivery.message_id != result.message_id  # a callback is a message of its own
        callback_body = parse_callback(delivery.body)
        assert callback_body.source_message_id == result.message_id
        assert callback_body.status == 200
        assert json.loads(callback_body.body) == {"accepted": 42}
        assert callback_body.url == url
        assert json.loads(callback_body.source_body) == {"order": 42, "name": "Jürgen"}
