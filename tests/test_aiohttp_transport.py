"""The client's transport options (``limits=``, ``transport=``) and ``qstash.aiohttp``'s
AiohttpTransport, over real HTTP to the stub server on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import httpx
import pytest

import qstash._pool
from qstash import (
    APIConnectionError,
    APITimeoutError,
    AsyncQStash,
    InvalidArgumentError,
    NotFoundError,
    QStash,
)
from qstash._async.client import DEFAULT_LIMITS
from qstash.aiohttp import AiohttpTransport, _httpx_errors
from qstash.message import PublishResponse
from tests.conftest import BASE_URL, TOKEN, Client, resolve
from tests.stub_server import Recorded, StubServer, stub_server


@pytest.fixture(scope="module")
def server() -> Iterator[StubServer]:
    with stub_server() as running:
        yield running


# -- limits= and transport= on both clients ----------------------------------------------------


def test_default_limits_keep_every_connection_alive() -> None:
    # httpx's 100 connections, but every one may stay idle (httpx keeps 20): a burst's
    # connections serve the next burst (tests/test_pool.py shows it on the wire).
    assert httpx.Limits(max_connections=100, max_keepalive_connections=100) == DEFAULT_LIMITS


@pytest.mark.parametrize("flavour_name", ["sync", "async"])
def test_limits_reach_the_default_transport(
    monkeypatch: pytest.MonkeyPatch, flavour_name: str
) -> None:
    made: list[httpx.Limits] = []
    module = qstash._pool
    name = "PoolTransport" if flavour_name == "sync" else "AsyncPoolTransport"
    original = getattr(module, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        made.append(kwargs["limits"])
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    mine = httpx.Limits(max_connections=8, max_keepalive_connections=8)
    cls: type[Client] = QStash if flavour_name == "sync" else AsyncQStash
    cls(TOKEN, base_url=BASE_URL, limits=mine)
    cls(TOKEN, base_url=BASE_URL)
    assert made == [mine, DEFAULT_LIMITS]


async def test_requests_go_through_the_given_transport(flavour: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"messageId": "msg_t"})

    transport = httpx.MockTransport(handler)
    client: Client = (
        QStash(TOKEN, base_url=BASE_URL, transport=transport)
        if flavour == "sync"
        else AsyncQStash(TOKEN, base_url=BASE_URL, transport=transport)
    )
    result = await resolve(client.message.publish(url="https://example.com/a", body="x"))
    assert result == PublishResponse("msg_t")
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"  # auth still applies
    assert "upstash-deduplication-id" in seen[0].headers  # and the SDK's own headers


def _never(request: httpx.Request) -> httpx.Response:
    raise AssertionError("no request is sent")


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        (
            {"httpx_client": "client", "transport": httpx.MockTransport(_never)},
            "transport",
        ),
        ({"limits": httpx.Limits(), "transport": "transport"}, "limits"),
        ({"limits": httpx.Limits(), "httpx_client": "client"}, "limits"),
        ({"limits": 10}, "limits"),
        ({"transport": "aiohttp"}, "transport"),
    ],
)
def test_conflicting_or_wrong_transport_options_are_refused(
    flavour: str, kwargs: dict[str, Any], argument: str
) -> None:
    cls: type[Client] = QStash if flavour == "sync" else AsyncQStash
    if "httpx_client" in kwargs:
        kwargs["httpx_client"] = httpx.Client() if flavour == "sync" else httpx.AsyncClient()
    with pytest.raises(InvalidArgumentError) as info:
        cls(TOKEN, base_url=BASE_URL, **kwargs)
    assert info.value.argument == argument


def test_an_async_transport_is_refused_by_the_sync_client() -> None:
    with pytest.raises(InvalidArgumentError, match=r"httpx\.BaseTransport"):
        QStash(TOKEN, base_url=BASE_URL, transport=AiohttpTransport())  # type: ignore[arg-type]


async def test_the_given_transport_is_closed_with_the_client() -> None:
    closed: list[bool] = []

    class Transport(httpx.AsyncBaseTransport):
        async def aclose(self) -> None:
            closed.append(True)

    await AsyncQStash(TOKEN, base_url=BASE_URL, transport=Transport()).aclose()
    assert closed == [True]


# -- AiohttpTransport ---------------------------------------------------------------------------


def _comparable(call: Recorded) -> tuple[str, str, str, bytes, dict[str, str]]:
    headers = {name: value for name, value in call.headers.items() if name != "Host"}
    return call.method, call.path, call.query, call.body, headers


async def test_aiohttp_sends_what_httpx_sends(server: StubServer) -> None:
    results = []
    for transport in (None, AiohttpTransport()):
        async with AsyncQStash(
            TOKEN,
            base_url=server.url,
            transport=transport,
            retry=False,
            id_factory=lambda: "dedup-1",
        ) as client:
            results.append(
                await client.message.publish_json(
                    url="https://example.com/x?a=1&b=%2F%20",
                    body={"k": "é"},
                    headers={"X-Tenant": "acme"},
                    delay=10,
                )
            )
    by_httpx, by_aiohttp = server.calls[-2:]
    assert _comparable(by_aiohttp) == _comparable(by_httpx)
    assert by_aiohttp.path == "/v2/publish/https://example.com/x"
    assert by_aiohttp.query == "a=1&b=%2F%20"  # not re-quoted
    assert by_aiohttp.headers["Upstash-Forward-X-Tenant"] == "acme"  # names as written
    assert "Content-Type" in by_aiohttp.headers
    assert results[0] == results[1]


async def test_aiohttp_without_a_body_adds_no_content_type(server: StubServer) -> None:
    async with AsyncQStash(
        TOKEN, base_url=server.url, transport=AiohttpTransport(), retry=False
    ) as client:
        await client.message.publish(url="https://example.com/x")
    call = server.calls[-1]
    assert call.body == b""
    assert "Content-Type" not in call.headers  # it would become the message's content type


async def test_aiohttp_streams_a_response(server: StubServer) -> None:
    async with AsyncQStash(
        TOKEN, base_url=server.url, transport=AiohttpTransport(), retry=False
    ) as client:
        stream = await client.chat.prompt(user="Capital of Turkey?", model="m", stream=True)
        async with stream:
            text = "".join([chunk.choices[0].delta.content or "" async for chunk in stream])
    assert text == "Ankara."


async def test_aiohttp_error_statuses_become_typed_errors(server: StubServer) -> None:
    async with AsyncQStash(
        TOKEN, base_url=server.url, transport=AiohttpTransport(), retry=False
    ) as client:
        with pytest.raises(NotFoundError) as info:
            await client.message.get("msg_that_does_not_exist")
    assert info.value.message == "message not found"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_aiohttp_connection_refused_is_a_connection_error() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    async with AsyncQStash(TOKEN, base_url=url, transport=AiohttpTransport(), retry=False) as c:
        with pytest.raises(APIConnectionError) as info:
            await c.message.publish(url="https://example.com/x")
    assert not isinstance(info.value, APITimeoutError)


async def test_aiohttp_session_is_made_on_use_and_closed_with_the_client(
    server: StubServer,
) -> None:
    transport = AiohttpTransport()
    client = AsyncQStash(TOKEN, base_url=server.url, transport=transport, retry=False)
    assert transport._session is None
    await client.message.publish(url="https://example.com/x")
    session = transport._session
    assert session is not None
    assert not session.closed
    await client.aclose()
    assert session.closed
    assert transport._session is None


def _connector_error() -> aiohttp.ClientConnectorError:
    from aiohttp.client_reqrep import ConnectionKey

    key = ConnectionKey("example.com", 443, True, True, None, None, None)
    return aiohttp.ClientConnectorError(key, OSError(111, "Connection refused"))


@pytest.mark.parametrize(
    ("raise_", "expected"),
    [
        (_connector_error, httpx.ConnectError),
        (lambda: aiohttp.ConnectionTimeoutError(), httpx.ConnectTimeout),
        (lambda: aiohttp.SocketTimeoutError(), httpx.ReadTimeout),
        (lambda: TimeoutError(), httpx.ReadTimeout),
        (lambda: aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (lambda: aiohttp.ClientPayloadError("cut short"), httpx.RemoteProtocolError),
        (lambda: aiohttp.InvalidURL("nope://x"), httpx.UnsupportedProtocol),
        (lambda: aiohttp.ClientOSError(104, "Connection reset"), httpx.ReadError),
    ],
)
def test_aiohttp_errors_become_the_httpx_errors_retries_know(
    raise_: Callable[[], BaseException], expected: type[httpx.TransportError]
) -> None:
    with pytest.raises(expected) as info, _httpx_errors():
        raise raise_()
    assert isinstance(info.value.__cause__, BaseException)


async def test_aiohttp_timeouts_follow_the_request(server: StubServer) -> None:
    transport = AiohttpTransport()
    request = httpx.Request(
        "GET",
        server.url + "/v2/keys",
        extensions={"timeout": {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 1.0}},
    )
    timeout = transport._timeout(request)
    assert (timeout.sock_connect, timeout.sock_read, timeout.connect) == (5.0, 30.0, 6.0)
    assert timeout.total is None
    assert transport._timeout(request) is timeout  # made once per distinct setting
    response = await transport.handle_async_request(request)
    assert response.status_code == 200
    await response.aread()
    await transport.aclose()
