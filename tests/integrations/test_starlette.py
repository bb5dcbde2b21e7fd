"""QStashMiddleware on a real Starlette app, driven by Starlette's TestClient."""

from __future__ import annotations

import json
import queue
import time
from datetime import timedelta
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from qstash.delivery import Delivery
from qstash.dev import DevServerThread
from qstash.dev import testing as dev_testing
from qstash.errors import InvalidArgumentError
from qstash.integrations.starlette import (
    QStashMiddleware,
    get_delivery,
    non_retryable,
    request_url,
    retry_after,
)
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

URL = "http://testserver/qstash/hook"
qstash_dev_server = dev_testing.qstash_dev_server  # the documented pytest fixture


async def echo(request: Request) -> Response:
    delivery = get_delivery(request)
    raw = await request.body()
    return JSONResponse(
        {
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
    )


async def open_endpoint(request: Request) -> Response:
    with pytest.raises(LookupError, match="QStashMiddleware"):
        get_delivery(request)
    return Response(await request.body())


async def named(request: Request) -> Response:
    return JSONResponse({"name": request.path_params["name"], "url": request_url(request)})


async def answers(request: Request) -> Response:
    kind = request.path_params["kind"]
    if kind == "non-retryable":
        return non_retryable("order 42 does not exist")
    return retry_after(timedelta(seconds=1.2), status=429, reason="busy")


def make_app(**options: Any) -> Starlette:
    options.setdefault("receiver", receiver())
    options.setdefault("paths", ["/qstash/*"])
    return Starlette(
        routes=[
            Route("/qstash/hook", echo, methods=["POST"]),
            Route("/qstash/named/{name}", named, methods=["POST"]),
            Route("/qstash/answer/{kind}", answers, methods=["POST"]),
            Route("/open", open_endpoint, methods=["POST"]),
        ],
        middleware=[Middleware(QStashMiddleware, **options)],
    )


@pytest.fixture
def client() -> TestClient:
    return TestClient(make_app())


def test_genuine_delivery_reaches_the_endpoint_with_the_raw_body(client: TestClient) -> None:
    response = client.post("/qstash/hook", content=BODY, headers=signed(URL))
    assert response.status_code == 200
    assert response.json() == expected_echo(URL)


def test_query_string_is_kept_byte_for_byte(client: TestClient) -> None:
    response = client.post("/qstash/hook" + QUERY, content=BODY, headers=signed(URL + QUERY))
    assert response.status_code == 200, response.text


def test_percent_encoded_path_is_kept() -> None:
    url = "http://testserver/qstash/named/caf%C3%A9%20x"
    response = TestClient(make_app()).post(
        "/qstash/named/caf%C3%A9%20x", content=BODY, headers=signed(url)
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"name": "café x", "url": url}


@pytest.mark.parametrize("case", rejections(URL), ids=lambda case: case.id)
def test_refused_deliveries_never_reach_the_endpoint(client: TestClient, case: Case) -> None:
    response = client.post("/qstash/hook", content=case.body, headers=case.headers)
    assert response.headers["content-type"] == "application/json"
    assert_rejected(case, response.status_code, response.json())


def test_url_mismatch_names_both_urls_and_the_fix(client: TestClient) -> None:
    public = "https://api.example.com/qstash/hook"
    response = client.post("/qstash/hook", content=BODY, headers=signed(public))
    message = response.json()["message"]
    assert public in message
    assert URL in message
    assert "public_url=" in message
    assert "trust_forwarded_headers=True" in message


def test_unprotected_paths_pass_through_untouched(client: TestClient) -> None:
    response = client.post("/open", content=b"anything")
    assert response.status_code == 200
    assert response.content == b"anything"


FORWARDED = {
    "X-Forwarded-Proto": "https, http",
    "X-Forwarded-Host": "public.example.com, internal:8000",
    "X-Forwarded-Prefix": "/api/",
}


@pytest.mark.parametrize(
    ("options", "headers", "signed_url", "own_url_passes"),
    [
        pytest.param(
            {"public_url": "https://api.example.com/prefix/"},
            {},
            "https://api.example.com/prefix/qstash/hook" + QUERY,
            False,
            id="public-base-url",
        ),
        pytest.param(
            {"public_url": lambda request: "https://edge.example.com/in" + request.url.path},
            {},
            "https://edge.example.com/in/qstash/hook",
            False,
            id="public-url-callable",
        ),
        pytest.param(
            {"trust_forwarded_headers": True},
            FORWARDED,
            "https://public.example.com/api/qstash/hook" + QUERY,
            False,
            id="forwarded-headers",
        ),
        pytest.param(
            {"trust_forwarded_headers": True},
            {},
            "http://testserver/qstash/hook" + QUERY,
            True,
            id="forwarded-headers-absent",
        ),
        pytest.param(
            {"check_url": False},
            {},
            "https://anything.example.com/else",
            True,
            id="no-url-check",
        ),
    ],
)
def test_url_policies_behind_proxies(
    options: dict[str, Any], headers: dict[str, str], signed_url: str, own_url_passes: bool
) -> None:
    client = TestClient(make_app(**options))
    path = "/qstash/hook" + QUERY
    response = client.post(path, content=BODY, headers=signed(signed_url, headers=headers))
    assert response.status_code == 200, response.text
    assert response.json()["subject"] == signed_url
    # The same delivery signed for the URL the app itself sees.
    own = client.post(
        path, content=BODY, headers=signed("http://testserver" + path, headers=headers)
    )
    if own_url_passes:
        assert own.status_code == 200
    else:
        assert own.status_code == 403
        assert own.json()["error"] == "url_mismatch"


def test_no_url_check_still_checks_the_body() -> None:
    client = TestClient(make_app(check_url=False))
    headers = signed("https://elsewhere.example.com/")
    response = client.post("/qstash/hook", content=b"{}", headers=headers)
    assert response.status_code == 403
    assert response.json()["error"] == "body_mismatch"


def test_answers_for_qstash() -> None:
    client = TestClient(make_app())
    url = "http://testserver/qstash/answer/non-retryable"
    response = client.post("/qstash/answer/non-retryable", content=BODY, headers=signed(url))
    assert response.status_code == 489
    assert response.headers["upstash-nonretryable-error"] == "true"
    assert response.json() == {"error": "order 42 does not exist"}
    url = "http://testserver/qstash/answer/later"
    response = client.post("/qstash/answer/later", content=BODY, headers=signed(url))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.json() == {"error": "busy"}


@pytest.mark.parametrize(
    ("paths", "path", "protected"),
    [
        ("/qstash/hook", "/qstash/hook", True),
        ("/qstash/hook", "/qstash/hook/", False),
        (["/a", "/qstash/*"], "/qstash/x/y", True),
        (["/qstash/*"], "/qstash", False),
        ("*", "/anything", True),
    ],
)
def test_path_patterns(paths: str | list[str], path: str, protected: bool) -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["path"])
        await Response(b"ok")(scope, receive, send)

    client = TestClient(QStashMiddleware(app, paths=paths, receiver=receiver()))
    response = client.post(path, content=b"x")
    assert (response.status_code == 401) is protected
    assert (seen == [path]) is not protected


@pytest.mark.parametrize("paths", [[], "qstash", ["/ok", 3]])
def test_bad_paths_are_refused(paths: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        QStashMiddleware(Response(), paths=paths)
    assert info.value.argument == "paths"


def test_conflicting_url_choices_are_refused_at_setup() -> None:
    with pytest.raises(InvalidArgumentError, match="choose one way"):
        QStashMiddleware(Response(), paths="*", public_url="https://a.example", check_url=False)


async def run_asgi(
    app: QStashMiddleware, scope: Scope, messages: list[Message]
) -> tuple[list[Message], list[Message]]:
    """Run ``app`` with scripted receive messages; return what it sent and what the inner
    app received after the body (the replayed stream)."""
    incoming = list(messages)
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent, incoming


def http_scope(headers: dict[str, str]) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "server": ("api.example.com", 443),
        "path": "/qstash/hook",
        "raw_path": b"/qstash/hook",
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"host", b"api.example.com")],
    }


async def test_body_in_chunks_is_replayed_whole_then_disconnect_passes_through() -> None:
    received: list[Message] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        received.append(await receive())
        received.append(await receive())
        assert isinstance(scope["state"]["qstash"], Delivery)
        await Response(b"done")(scope, receive, send)

    url = "https://api.example.com/qstash/hook"
    middleware = QStashMiddleware(inner, paths="*", receiver=receiver())
    chunks: list[Message] = [
        {"type": "http.request", "body": BODY[:5], "more_body": True},
        {"type": "http.request", "body": BODY[5:], "more_body": False},
        {"type": "http.disconnect"},
    ]
    sent, _ = await run_asgi(middleware, http_scope(signed(url)), chunks)
    assert received == [
        {"type": "http.request", "body": BODY, "more_body": False},
        {"type": "http.disconnect"},
    ]
    assert sent[0]["status"] == 200


async def test_client_gone_before_the_body_ends_gets_no_answer() -> None:
    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("must not run")

    middleware = QStashMiddleware(inner, paths="*", receiver=receiver())
    messages: list[Message] = [
        {"type": "http.request", "body": BODY[:5], "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent, _ = await run_asgi(middleware, http_scope(signed("https://x.example/")), messages)
    assert sent == []


async def test_missing_signature_is_refused_before_the_body_is_read() -> None:
    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("must not run")

    middleware = QStashMiddleware(inner, paths="*", receiver=receiver())
    body_message: Message = {"type": "http.request", "body": BODY, "more_body": False}
    sent, unread = await run_asgi(middleware, http_scope({}), [body_message])
    assert sent[0]["status"] == 401
    assert unread == [body_message]


async def test_non_http_scopes_pass_through() -> None:
    calls: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        calls.append(scope["type"])

    middleware = QStashMiddleware(inner, paths="*", receiver=receiver())
    await run_asgi(middleware, {"type": "lifespan"}, [])
    assert calls == ["lifespan"]


def test_request_url_under_a_root_path() -> None:
    scope = http_scope({})
    scope.update(path="/api/qstash/a b", raw_path=b"/qstash/a%20b", root_path="/api")
    assert request_url(Request(scope)) == "https://api.example.com/api/qstash/a%20b"
    scope.update(raw_path=b"/something/else")
    assert request_url(Request(scope)) == "https://api.example.com/api/qstash/a%20b"
    del scope["raw_path"]
    scope.update(query_string=b"x=%20")
    assert request_url(Request(scope)) == "https://api.example.com/api/qstash/a%20b?x=%20"


def test_keys_come_from_the_environment_on_first_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("QSTASH_REGION", "QSTASH_DEV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("QSTASH_CURRENT_SIGNING_KEY", raising=False)
    monkeypatch.delenv("QSTASH_NEXT_SIGNING_KEY", raising=False)
    app = make_app(receiver=None)
    # Set after the app is built: the keys are read when the first delivery arrives.
    monkeypatch.setenv("QSTASH_CURRENT_SIGNING_KEY", CURRENT)
    monkeypatch.setenv("QSTASH_NEXT_SIGNING_KEY", "sig_unused")
    # That receiver uses the real clock, so the token is stamped with it.
    headers = signed(URL, now=int(time.time()))
    response = TestClient(app).post("/qstash/hook", content=BODY, headers=headers)
    assert response.status_code == 200, response.text


def test_no_keys_at_all_is_a_server_error_not_a_silent_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in (
        "QSTASH_REGION",
        "QSTASH_DEV",
        "QSTASH_CURRENT_SIGNING_KEY",
        "QSTASH_NEXT_SIGNING_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    client = TestClient(make_app(receiver=None))
    with pytest.raises(InvalidArgumentError, match="no signing key"):
        client.post("/qstash/hook", content=BODY, headers=signed(URL))


def test_json_helper_matches_the_body(client: TestClient) -> None:
    seen: list[Delivery] = []

    async def grab(request: Request) -> Response:
        seen.append(get_delivery(request))
        return Response()

    app = Starlette(
        routes=[Route("/hook", grab, methods=["POST"])],
        middleware=[Middleware(QStashMiddleware, paths="/hook", receiver=receiver())],
    )
    TestClient(app).post("/hook", content=BODY, headers=signed("http://testserver/hook"))
    (delivery,) = seen
    assert delivery.json() == json.loads(BODY)
    assert delivery.text() == BODY.decode()
    assert delivery.claims.expires_at == NOW + 300


def test_end_to_end_retry_after_through_the_dev_server(
    qstash_dev_server: DevServerThread,
) -> None:
    seen: queue.Queue[Delivery] = queue.Queue()

    async def jobs(request: Request) -> Response:
        delivery = get_delivery(request)
        assert await request.body() == delivery.body
        seen.put(delivery)
        if delivery.retried == 0:
            # Retry-After: 0 asks for the retry now, so no clock has to move.
            return retry_after(0, reason="warming up")
        return Response(status_code=204)

    app = Starlette(
        routes=[Route("/qstash/jobs/{name}", jobs, methods=["POST"])],
        middleware=[
            Middleware(QStashMiddleware, paths="/qstash/*", receiver=qstash_dev_server.receiver())
        ],
    )
    with serve_asgi(app) as base, qstash_dev_server.client() as client:
        url = f"{base}/qstash/jobs/caf%C3%A9?run=1"
        result = one(client.message.publish(url=url, body=b"\x00\xffraw bytes"))
        first = seen.get(timeout=10)
        second = seen.get(timeout=10)
    assert first.message_id == second.message_id == result.message_id
    assert (first.retried, second.retried) == (0, 1)
    assert second.body == b"\x00\xffraw bytes"
    assert second.claims.subject == url
