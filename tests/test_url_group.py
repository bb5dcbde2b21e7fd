"""client.url_group on the wire, sync and async (one body each), and UrlGroup parsing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qstash import AsyncQStash, InvalidArgumentError
from qstash.url_group import AsyncUrlGroupApi, Endpoint, UrlGroup, UrlGroupApi
from tests.conftest import TOKEN, Client, Wire, resolve

Api = UrlGroupApi | AsyncUrlGroupApi


@pytest.fixture
def api(client: Client) -> Api:
    return AsyncUrlGroupApi(client) if isinstance(client, AsyncQStash) else UrlGroupApi(client)


async def test_upsert_endpoints(api: Api, wire: Wire) -> None:
    wire.reply(200)
    endpoints: list[Any] = [
        {"url": "https://a.example/hook?x=1", "name": "a"},
        {"url": "https://b.example"},
        {"url": "https://c.example", "name": None},
    ]
    assert await resolve(api.upsert_endpoints("my-group", endpoints)) is None
    request = wire.last
    assert request.method == "POST"
    assert request.url.path == "/v2/topics/my-group/endpoints"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "endpoints": [
            {"url": "https://a.example/hook?x=1", "name": "a"},
            {"url": "https://b.example"},
            {"url": "https://c.example"},
        ]
    }
    assert endpoints[2] == {"url": "https://c.example", "name": None}  # not modified


async def test_remove_endpoints_by_url_or_name(api: Api, wire: Wire) -> None:
    wire.reply(200)
    endpoints: list[Any] = [{"url": "https://a.example"}, {"name": "b"}, {"url": "u", "name": "c"}]
    assert await resolve(api.remove_endpoints("my-group", endpoints)) is None
    request = wire.last
    assert request.method == "DELETE"
    assert request.url.path == "/v2/topics/my-group/endpoints"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "endpoints": [{"url": "https://a.example"}, {"name": "b"}, {"url": "u", "name": "c"}]
    }


@pytest.mark.parametrize(
    ("endpoints", "argument"),
    [
        ([], "endpoints"),
        ("https://a.example", "endpoints"),
        ({"url": "https://a.example"}, "endpoints"),
        (None, "endpoints"),
        (["https://a.example"], "endpoints[0]"),
        ([{"name": "a"}], "endpoints[0].url"),
        ([{"url": "https://a.example"}, {}], "endpoints[1].url"),
        ([{"url": "a.example"}], "endpoints[0].url"),
        ([{"url": "https://a.example", "name": ""}], "endpoints[0].name"),
        ([{"url": "https://a.example", "nmae": "x"}], "endpoints[0].nmae"),
    ],
)
async def test_bad_upsert_endpoints_send_nothing(
    api: Api, wire: Wire, endpoints: Any, argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(api.upsert_endpoints("g", endpoints))
    assert info.value.argument == argument
    assert wire.requests == []


@pytest.mark.parametrize(
    ("endpoints", "argument"),
    [
        ([], "endpoints"),
        ([{}], "endpoints[0]"),
        ([{"name": "a"}, {"url": None, "name": None}], "endpoints[1]"),
        ([{"url": ""}], "endpoints[0].url"),
        ([{"name": " "}], "endpoints[0].name"),
        ([{"id": "x"}], "endpoints[0].id"),
    ],
)
async def test_bad_remove_endpoints_send_nothing(
    api: Api, wire: Wire, endpoints: Any, argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(api.remove_endpoints("g", endpoints))
    assert info.value.argument == argument
    assert wire.requests == []


GROUP: dict[str, Any] = {
    "name": "my-group",
    "createdAt": 1,
    "updatedAt": 2,
    "endpoints": [
        {"url": "https://a.example", "name": "a", "somethingNew": True},
        {"url": "https://b.example"},
    ],
    "headers": {"X": ["1"]},
}


async def test_get(api: Api, wire: Wire) -> None:
    wire.reply(200, GROUP)
    group = await resolve(api.get("my-group"))
    assert wire.last.method == "GET"
    assert wire.last.url.path == "/v2/topics/my-group"
    assert group == UrlGroup(
        "my-group", 1, 2, [Endpoint("https://a.example", "a"), Endpoint("https://b.example")]
    )


async def test_get_without_endpoints(api: Api, wire: Wire) -> None:
    wire.reply(200, {"name": "empty"})
    assert await resolve(api.get("empty")) == UrlGroup("empty")


async def test_list(api: Api, wire: Wire) -> None:
    wire.reply(200, [GROUP, {"name": "other", "endpoints": []}])
    groups = await resolve(api.list())
    assert wire.last.method == "GET"
    assert wire.last.url.path == "/v2/topics"
    assert [(g.name, len(g.endpoints)) for g in groups] == [("my-group", 2), ("other", 0)]


async def test_delete(api: Api, wire: Wire) -> None:
    wire.reply(200)
    assert await resolve(api.delete("my-group")) is None
    assert wire.last.method == "DELETE"
    assert wire.last.url.path == "/v2/topics/my-group"
    assert wire.last.content == b""


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("get", ()),
        ("delete", ()),
        ("upsert_endpoints", ([{"url": "https://a.example"}],)),
        ("remove_endpoints", ([{"name": "a"}],)),
    ],
)
@pytest.mark.parametrize("name", ["", " ", "a/b", None])
async def test_bad_group_names_send_nothing(
    api: Api, wire: Wire, method: str, args: tuple[Any, ...], name: Any
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(getattr(api, method)(name, *args))
    assert info.value.argument == "url_group"
    assert wire.requests == []
