"""Client lifecycle, configuration and the raw (generated) client on the shared transport."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from qstash import (
    APITimeoutError,
    AsyncQStash,
    InvalidArgumentError,
    NotFoundError,
    QStash,
    QStashError,
    RetryPolicy,
    ServerError,
)
from qstash._async.transport import AsyncClientTransport
from qstash._pool import AsyncPoolTransport
from qstash._publish import publish_request
from tests.conftest import BASE_URL, TOKEN, Client, Wire, resolve
from tests.stub_server import stub_server


async def test_raw_generated_calls_share_auth_retries_and_errors(
    make_client: Callable[..., Client], wire: Wire, flavour: str
) -> None:
    from qstash_openapi.api.queues import get_queue, list_queues
    from qstash_openapi.models import Queue

    client = make_client(retry=RetryPolicy(initial_delay=0.0))
    wire.reply(503, b"busy")
    wire.reply(200, [{"name": "q", "parallelism": 1, "lag": 0}])
    call = list_queues.sync if flavour == "sync" else list_queues.asyncio
    queues = await resolve(call(client=client.openapi))
    assert isinstance(queues, list)
    assert isinstance(queues[0], Queue)
    assert queues[0].name == "q"
    assert len(wire.requests) == 2
    assert wire.last.headers["authorization"] == f"Bearer {TOKEN}"
    assert str(wire.last.url) == f"{BASE_URL}/v2/queues"

    wire.reply(404, {"error": "queue not found"})
    detailed = get_queue.sync_detailed if flavour == "sync" else get_queue.asyncio_detailed
    with pytest.raises(NotFoundError) as info:
        await resolve(detailed("missing", client=client.openapi))
    assert info.value.message == "queue not found"


async def test_status_520_and_html_bodies_map_to_server_error(client: Client, wire: Wire) -> None:
    wire.reply(520, b"<html><body>origin error</body></html>")
    with pytest.raises(ServerError) as info:
        await resolve(client.message.get("m"))
    assert info.value.status == 520
    assert "origin error" in info.value.message


def test_timeout_becomes_api_timeout_error() -> None:
    def stall(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client = QStash(
        TOKEN,
        base_url=BASE_URL,
        retry=False,
        httpx_client=httpx.Client(transport=httpx.MockTransport(stall)),
    )
    with client, pytest.raises(APITimeoutError) as info:
        client.message.publish(url="https://a.example")
    assert info.value.attempts == 1
    assert info.value.method == "POST"


def test_sync_lifecycle_keeps_an_injected_client_open() -> None:
    mine = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})))
    with QStash(TOKEN, base_url=BASE_URL, httpx_client=mine) as client:
        assert client.base_url == BASE_URL
    assert client.http.is_closed
    assert not mine.is_closed
    mine.close()


async def test_async_lifecycle_keeps_an_injected_client_open() -> None:
    mine = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    async with AsyncQStash(TOKEN, base_url=BASE_URL, httpx_client=mine) as client:
        assert repr(client) == f"AsyncQStash(base_url={BASE_URL!r})"
    assert client.http.is_closed
    assert not mine.is_closed
    await mine.aclose()


def test_own_pool_is_closed() -> None:
    client = QStash(TOKEN, base_url=BASE_URL)
    client.close()
    assert client.http.is_closed


async def test_event_hooks_and_auth_on_client_http_apply_to_sdk_calls(
    make_client: Callable[..., Client], wire: Wire, flavour: str
) -> None:
    # SDK calls skip httpx's send machinery when it has nothing to do; hooks or auth set on
    # client.http give it something to do, and then they run.
    client = make_client()
    seen: list[str] = []

    def on_request(request: httpx.Request) -> None:
        seen.append(f"request {request.method} {request.url.path}")

    def on_response(response: httpx.Response) -> None:
        seen.append(f"response {response.status_code}")

    async def on_request_async(request: httpx.Request) -> None:
        on_request(request)

    async def on_response_async(response: httpx.Response) -> None:
        on_response(response)

    if flavour == "sync":
        client.http.event_hooks = {"request": [on_request], "response": [on_response]}
    else:
        client.http.event_hooks = {"request": [on_request_async], "response": [on_response_async]}
    wire.reply(200, {"messageId": "m1"})
    result = await resolve(client.message.publish_json(url="https://a.example", body=1))
    assert result.message_id == "m1"
    assert seen == ["request POST /v2/publish/https://a.example", "response 200"]

    client.http.event_hooks = {}
    client.http.auth = ("user", "secret")  # replaces the bearer token, as httpx does
    wire.reply(200, {"messageId": "m2"})
    await resolve(client.message.publish_json(url="https://a.example", body=1))
    assert wire.last.headers["authorization"].startswith("Basic ")
    assert len(seen) == 2  # the hooks were removed


async def test_sdk_calls_on_a_closed_client_raise_like_httpx(
    make_client: Callable[..., Client], wire: Wire
) -> None:
    client = make_client()
    wire.reply(200, {"messageId": "m1"})
    response = await resolve(
        client._send(publish_request({"url": "https://a.example"}, json=False))
    )
    assert response.request.url == f"{BASE_URL}/v2/publish/https://a.example"
    if isinstance(client, QStash):
        client.close()
    else:
        await client.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await resolve(client.message.publish_json(url="https://a.example", body=1))
    assert len(wire.requests) == 1


@pytest.mark.parametrize("flavour_name", ["sync", "async"])
async def test_proxy_environment_variables_apply_to_the_default_transport(
    monkeypatch: pytest.MonkeyPatch, flavour_name: str
) -> None:
    # As with the official SDK's default httpx client: HTTP_PROXY sends requests to the proxy
    # (in absolute form), NO_PROXY exempts hosts.
    with stub_server() as proxy, stub_server() as direct:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        for base_url, via_proxy in (("http://qstash.test", True), (direct.url, False)):
            client = (QStash if flavour_name == "sync" else AsyncQStash)(TOKEN, base_url=base_url)
            try:
                if via_proxy:
                    # The stub answers an absolute-form path with 404.
                    with pytest.raises(NotFoundError):
                        await resolve(client.message.publish(url="https://a.example", body="x"))
                else:
                    result = await resolve(client.message.publish(url="https://a.example"))
                    assert result.message_id == "msg_123"
            finally:
                if isinstance(client, QStash):
                    client.close()
                else:
                    await client.aclose()
        [proxied] = proxy.calls
        assert proxied.path == "http://qstash.test/v2/publish/https://a.example"
        assert proxied.headers["Authorization"] == f"Bearer {TOKEN}"
        assert [call.path for call in direct.calls] == ["/v2/publish/https://a.example"]


def test_without_proxy_variables_the_async_default_is_the_pooled_transport(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(AsyncQStash(TOKEN, base_url=BASE_URL)._transport._inner, AsyncPoolTransport)
    assert isinstance(QStash(TOKEN, base_url=BASE_URL)._transport._inner, httpx.HTTPTransport)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    inner = AsyncQStash(TOKEN, base_url=BASE_URL)._transport._inner
    assert isinstance(inner, AsyncClientTransport)


@pytest.mark.parametrize(
    ("call", "body", "detail"),
    [
        ("queue.get", b'{"parallelism": 1}', "the field 'name' is missing"),
        ("queue.get", b'["not", "an", "object"]', "Error)"),
        ("queue.list", b'{"name": "q"}', "Error)"),
        ("schedule.get", b'{"scheduleId": "s", "cron": "* * * * *"}', "is missing"),
        ("signing_key.get", b"<html>gateway</html>", "JSONDecodeError"),
    ],
)
async def test_a_2xx_body_that_does_not_match_the_api_is_a_typed_error(
    client: Client, wire: Wire, call: str, body: bytes, detail: str
) -> None:
    # The generated models raise KeyError/TypeError/... on such a body: we raise QStashError,
    # naming a missing field but never echoing a value (it may carry a forwarded secret).
    wire.reply(200, body, headers={"Content-Type": "application/json"})
    area, method = call.split(".")
    args = () if method in ("list",) or area == "signing_key" else ("x",)
    with pytest.raises(QStashError) as info:
        await resolve(getattr(getattr(client, area), method)(*args))
    assert type(info.value) is QStashError
    assert str(info.value).startswith("QStash answered with a body that does not match its API")
    assert detail in str(info.value)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


async def test_errors_outside_body_parsing_pass_through_generated_calls(flavour: str) -> None:
    # Only a body the generated models cannot read becomes a QStashError: a transport's or a
    # hook's own bug surfaces as it is, traceback and all.
    def buggy(request: httpx.Request) -> httpx.Response:
        raise TypeError("a bug in my transport")

    transport = httpx.MockTransport(buggy)
    client: Client = (QStash if flavour == "sync" else AsyncQStash)(
        TOKEN, base_url=BASE_URL, retry=False, transport=transport
    )
    with pytest.raises(TypeError, match="a bug in my transport"):
        await resolve(client.queue.get("q"))


def test_environment_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSTASH_TOKEN", "from-env")
    monkeypatch.setenv("QSTASH_URL", "http://127.0.0.1:9/")
    with QStash() as client:
        assert client.base_url == "http://127.0.0.1:9"
        assert client.http.headers["authorization"] == "Bearer from-env"
    monkeypatch.delenv("QSTASH_TOKEN")
    with pytest.raises(InvalidArgumentError, match="QSTASH_TOKEN"):
        QStash()


def test_official_retry_forms() -> None:
    assert QStash(TOKEN, retry=False).retry.max_retries == 0
    official = QStash(TOKEN, retry={"retries": 1, "backoff": lambda n: (2**n) * 20})
    assert official.retry.max_retries == 1
    with pytest.raises(InvalidArgumentError):
        QStash(TOKEN, retry=3)  # type: ignore[arg-type]
