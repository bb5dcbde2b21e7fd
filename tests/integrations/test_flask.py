"""The Flask decorator on a real Flask app, driven by Flask's test client."""

from __future__ import annotations

import json
import queue
from datetime import timedelta
from typing import Any

import flask
import pytest
from flask.testing import FlaskClient

from qstash.delivery import Delivery, parse_failure_callback
from qstash.dev import DevServerThread
from qstash.dev import testing as dev_testing
from qstash.errors import InvalidArgumentError
from qstash.integrations.flask import (
    get_delivery,
    non_retryable,
    request_url,
    retry_after,
    verify_qstash,
)
from tests.dev._helpers import one
from tests.integrations import (
    BODY,
    QUERY,
    Case,
    assert_rejected,
    expected_echo,
    receiver,
    rejections,
    serve_wsgi,
    signed,
)

URL = "http://localhost/hook"
qstash_dev_server = dev_testing.qstash_dev_server  # the documented pytest fixture


def make_app(**options: Any) -> flask.Flask:
    options.setdefault("receiver", receiver())
    app = flask.Flask(__name__)
    app.testing = True

    @app.post("/hook")
    @verify_qstash(**options)
    def hook() -> Any:
        delivery = get_delivery()
        assert flask.g.qstash is delivery
        raw = flask.request.get_data()
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
            "json": flask.request.get_json(),
        }

    @app.post("/async-hook")
    @verify_qstash(**options)
    async def async_hook() -> Any:
        return {"message_id": get_delivery().message_id, "json": flask.request.get_json()}

    @app.post("/named/<name>")
    @verify_qstash(**options)
    def named(name: str) -> Any:
        return {"name": name, "url": request_url(flask.request)}

    @app.post("/answer/<kind>")
    @verify_qstash(**options)
    def answer(kind: str) -> Any:
        if kind == "non-retryable":
            return non_retryable("unknown customer")
        return retry_after(timedelta(minutes=2))

    @app.post("/open")
    def open_view() -> Any:
        with pytest.raises(LookupError, match="verify_qstash"):
            get_delivery()
        return "open"

    return app


@pytest.fixture
def client() -> FlaskClient:
    return make_app().test_client()


def test_genuine_delivery_reaches_the_view(client: FlaskClient) -> None:
    response = client.post("/hook", data=BODY, headers=signed(URL))
    assert response.status_code == 200, response.text
    assert response.json == expected_echo(URL)


def test_async_view(client: FlaskClient) -> None:
    response = client.post("/async-hook", data=BODY, headers=signed("http://localhost/async-hook"))
    assert response.status_code == 200, response.text
    assert response.json == {
        "message_id": "msg_26hZCxZCuWyyTWPmSVBrNB882AMRP",
        "json": {
            "order": 42,
            "name": "Jürgen",
        },
    }
    refused = client.post("/async-hook", data=BODY, headers=signed(URL))
    assert refused.status_code == 403


def test_query_string_and_encoded_path_are_kept(client: FlaskClient) -> None:
    response = client.post("/hook" + QUERY, data=BODY, headers=signed(URL + QUERY))
    assert response.status_code == 200, response.text
    url = "http://localhost/named/caf%C3%A9%20x"
    response = client.post("/named/caf%C3%A9%20x", data=BODY, headers=signed(url))
    assert response.status_code == 200, response.text
    assert response.json == {"name": "café x", "url": url}


@pytest.mark.parametrize("case", rejections(URL), ids=lambda case: case.id)
def test_refused_deliveries_never_reach_the_view(client: FlaskClient, case: Case) -> None:
    response = client.post("/hook", data=case.body, headers=case.headers)
    assert response.content_type == "application/json"
    assert_rejected(case, response.status_code, response.json)


@pytest.mark.parametrize(
    ("options", "headers", "signed_url"),
    [
        ({"public_url": "https://api.example.com/v1"}, {}, "https://api.example.com/v1/hook"),
        (
            {"public_url": lambda request: request.url.replace("http:", "https:")},
            {},
            "https://localhost/hook",
        ),
        (
            {"trust_forwarded_headers": True},
            {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hooks.example.com"},
            "https://hooks.example.com/hook",
        ),
        ({"check_url": False}, {}, "https://whatever.example.com/"),
    ],
    ids=["public-url", "public-url-callable", "forwarded", "no-check"],
)
def test_url_policies(options: dict[str, Any], headers: dict[str, str], signed_url: str) -> None:
    client = make_app(**options).test_client()
    response = client.post("/hook", data=BODY, headers=signed(signed_url, headers=headers))
    assert response.status_code == 200, response.text
    if "check_url" not in options:
        own = client.post("/hook", data=BODY, headers=signed(URL, headers=headers))
        assert own.status_code == 403
        assert own.get_json()["error"] == "url_mismatch"


def test_default_url_mismatch_names_both_urls(client: FlaskClient) -> None:
    response = client.post("/hook", data=BODY, headers=signed("https://api.example.com/hook"))
    message = response.get_json()["message"]
    assert "'https://api.example.com/hook'" in message
    assert f"'{URL}'" in message


def test_answers(client: FlaskClient) -> None:
    url = "http://localhost/answer/non-retryable"
    response = client.post("/answer/non-retryable", data=BODY, headers=signed(url))
    assert response.status_code == 489
    assert response.headers["Upstash-NonRetryable-Error"] == "true"
    assert response.json == {"error": "unknown customer"}
    url = "http://localhost/answer/later"
    response = client.post("/answer/later", data=BODY, headers=signed(url))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "120"


def test_undecorated_views_have_no_delivery(client: FlaskClient) -> None:
    assert client.post("/open", data=b"x").text == "open"


def test_missing_keys_raise_instead_of_skipping(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QSTASH_DEV", "QSTASH_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("QSTASH_CURRENT_SIGNING_KEY", raising=False)
    monkeypatch.delenv("QSTASH_NEXT_SIGNING_KEY", raising=False)
    client = make_app(receiver=None).test_client()
    with pytest.raises(InvalidArgumentError, match="no signing key"):
        client.post("/hook", data=BODY, headers=signed(URL))


def test_dev_mode_uses_the_dev_server_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from qstash._config import DEV_CURRENT_SIGNING_KEY

    monkeypatch.setenv("QSTASH_DEV", "true")
    client = make_app(receiver=None).test_client()
    headers = signed(URL, key=DEV_CURRENT_SIGNING_KEY, now=int(time.time()))
    assert client.post("/hook", data=BODY, headers=headers).status_code == 200


def test_decorator_needs_parentheses() -> None:
    with pytest.raises(TypeError):
        verify_qstash(lambda: None)  # type: ignore[arg-type, call-arg]


def test_end_to_end_non_retryable_and_failure_callback(qstash_dev_server: DevServerThread) -> None:
    seen: queue.Queue[tuple[str, Delivery]] = queue.Queue()
    app = flask.Flask(__name__)
    verified = verify_qstash(receiver=qstash_dev_server.receiver())

    @app.post("/orders/<int:order>")
    @verified
    def orders(order: int) -> Any:
        seen.put(("orders", get_delivery()))
        return non_retryable(f"order {order} is unknown")

    @app.post("/failed")
    @verified
    def failed() -> Any:
        seen.put(("failed", get_delivery()))
        return "", 204

    with serve_wsgi(app) as base, qstash_dev_server.client() as client:
        url = f"{base}/orders/7"
        result = one(
            client.message.publish(
                url=url, body="Zoë", retries=3, failure_callback=f"{base}/failed"
            )
        )
        kind, delivery = seen.get(timeout=10)
        assert (kind, delivery.message_id, delivery.body) == (
            "orders",
            result.message_id,
            "Zoë".encode(),
        )

        # 489 + Upstash-NonRetryable-Error: no retry, straight to the DLQ and the failure callback.
        kind, delivery = seen.get(timeout=10)
        assert kind == "failed"
        failure = parse_failure_callback(delivery.body)
        assert failure.source_message_id == result.message_id
        assert failure.status == 489
        assert json.loads(failure.body) == {"error": "order 7 is unknown"}
        assert failure.dlq_id
        assert failure.source_text() == "Zoë"
        assert failure.url == url
        assert seen.empty()
