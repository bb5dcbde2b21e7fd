"""client.flow_control on the wire, sync and async (one body each), and its parsing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from qstash import AsyncQStash, InvalidArgumentError
from qstash.flow_control import (
    AsyncFlowControlApi,
    FlowControlApi,
    FlowControlInfo,
    GlobalParallelismInfo,
    period_seconds,
)
from tests.conftest import TOKEN, Client, Wire, resolve

Api = FlowControlApi | AsyncFlowControlApi


@pytest.fixture
def api(client: Client) -> Api:
    if isinstance(client, AsyncQStash):
        return AsyncFlowControlApi(client)
    return FlowControlApi(client)


FULL_KEY: dict[str, Any] = {
    "flowControlKey": "user-42",
    "waitListSize": 3,
    "parallelismMax": 4,
    "parallelismCount": 2,
    "rateMax": 10,
    "rateCount": 6,
    "ratePeriod": 60,
    "ratePeriodStart": 1_700_000_000,
    "isPaused": True,
    "isPinnedParallelism": True,
    "isPinnedRate": False,
    "somethingNew": "x",
}


async def test_get_parses_every_field(api: Api, wire: Wire) -> None:
    wire.reply(200, FULL_KEY)
    info = await resolve(api.get("user-42"))
    assert wire.last.method == "GET"
    assert wire.last.url.path == "/v2/flowControl/user-42"
    assert wire.last.headers["authorization"] == f"Bearer {TOKEN}"
    assert info == FlowControlInfo(
        key="user-42",
        wait_list_size=3,
        parallelism_max=4,
        parallelism_count=2,
        rate_max=10,
        rate_count=6,
        rate_period=60,
        rate_period_start=1_700_000_000,
        is_paused=True,
        is_pinned_parallelism=True,
        is_pinned_rate=False,
    )


async def test_get_defaults_absent_fields_to_zero_and_false(api: Api, wire: Wire) -> None:
    wire.reply(200, {"flowControlKey": "k", "isPaused": None})
    info = await resolve(api.get("k"))
    assert info == FlowControlInfo("k", 0, 0, 0, 0, 0, 0, 0, False, False, False)
    assert info.is_paused is False


async def test_keys_are_path_encoded(api: Api, wire: Wire) -> None:
    wire.reply(200, {"flowControlKey": "a/b c"})
    await resolve(api.get("a/b c"))
    assert wire.last.url.raw_path == b"/v2/flowControl/a%2Fb%20c"


async def test_global_parallelism(api: Api, wire: Wire) -> None:
    wire.reply(200, {"parallelismMax": 100, "parallelismCount": 7, "new": 1})
    assert await resolve(api.get_global_parallelism()) == GlobalParallelismInfo(100, 7)
    assert wire.last.method == "GET"
    assert wire.last.url.path == "/v2/globalParallelism"

    wire.reply(200, {})  # the server omits zeros
    assert await resolve(api.get_global_parallelism()) == GlobalParallelismInfo(0, 0)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("pause", "/v2/flowControl/k/pause"),
        ("resume", "/v2/flowControl/k/resume"),
        ("reset_rate", "/v2/flowControl/k/resetRate"),
    ],
)
async def test_pause_resume_reset_rate(api: Api, wire: Wire, method: str, path: str) -> None:
    wire.reply(200)
    assert await resolve(getattr(api, method)("k")) is None
    assert wire.last.method == "POST"
    assert wire.last.url.path == path
    assert wire.last.url.query == b""
    assert wire.last.content == b""


@pytest.mark.parametrize(
    ("args", "kwargs", "query"),
    [
        ((), {"parallelism": 2}, {"parallelism": "2"}),
        ((), {"rate": 10, "period": 60}, {"rate": "10", "period": "60"}),
        ((), {"rate": 10, "period": "1h30m"}, {"rate": "10", "period": "5400"}),
        ((), {"rate": 1, "period": timedelta(minutes=2)}, {"rate": "1", "period": "120"}),
        ((), {"parallelism": 0, "rate": None}, {"parallelism": "0"}),
        # the official SDK's positional options dict
        (({"parallelism": 2},), {}, {"parallelism": "2"}),
        (
            ({"parallelism": 1, "rate": 5, "period": "1d"},),
            {},
            {"parallelism": "1", "rate": "5", "period": "86400"},
        ),
        (({"rate": 5, "period": None},), {}, {"rate": "5"}),
    ],
)
async def test_pin(
    api: Api, wire: Wire, args: tuple[Any, ...], kwargs: dict[str, Any], query: dict[str, str]
) -> None:
    wire.reply(200)
    assert await resolve(api.pin("k", *args, **kwargs)) is None
    assert wire.last.method == "POST"
    assert wire.last.url.path == "/v2/flowControl/k/pin"
    assert dict(wire.last.url.params) == query
    assert wire.last.content == b""


async def test_pin_options_by_keyword_name(api: Api, wire: Wire) -> None:
    wire.reply(200)
    await resolve(api.pin("k", options={"rate": 3}))
    assert dict(wire.last.url.params) == {"rate": "3"}


@pytest.mark.parametrize(
    ("args", "kwargs", "argument"),
    [
        ((), {}, "options"),
        (({},), {}, "options"),
        (({"parallelism": None},), {}, "options"),
        (({"parallelism": 2},), {"rate": 3}, "options"),
        (({"paralelism": 2},), {}, "options.paralelism"),
        (("parallelism=2",), {}, "options"),
        ((), {"parallelism": -1}, "parallelism"),
        ((), {"parallelism": "2"}, "parallelism"),
        ((), {"rate": 1.5}, "rate"),
        ((), {"rate": True}, "rate"),
        ((), {"rate": 1, "period": 0}, "period"),
        ((), {"rate": 1, "period": "1ms"}, "period"),
        ((), {"rate": 1, "period": timedelta(seconds=1.5)}, "period"),
        (({"period": "x"},), {}, "period"),
    ],
)
async def test_bad_pin_sends_nothing(
    api: Api, wire: Wire, args: tuple[Any, ...], kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(api.pin("k", *args, **kwargs))
    assert info.value.argument == argument
    assert wire.requests == []


@pytest.mark.parametrize(
    ("args", "kwargs", "query"),
    [
        ((), {"parallelism": True}, {"parallelism": "true"}),
        ((), {"rate": True}, {"rate": "true"}),
        ((), {"parallelism": True, "rate": True}, {"parallelism": "true", "rate": "true"}),
        (({"parallelism": True, "rate": False},), {}, {"parallelism": "true"}),
        (({"rate": True},), {}, {"rate": "true"}),
        (({"rate": True},), {"parallelism": False}, {"rate": "true"}),
    ],
)
async def test_unpin(
    api: Api, wire: Wire, args: tuple[Any, ...], kwargs: dict[str, Any], query: dict[str, str]
) -> None:
    wire.reply(200)
    assert await resolve(api.unpin("k", *args, **kwargs)) is None
    assert wire.last.method == "POST"
    assert wire.last.url.path == "/v2/flowControl/k/unpin"
    assert dict(wire.last.url.params) == query


@pytest.mark.parametrize(
    ("args", "kwargs", "argument"),
    [
        ((), {}, "options"),
        ((), {"parallelism": False, "rate": False}, "options"),
        (({"parallelism": False},), {}, "options"),
        (({},), {}, "options"),
        (({"parallelism": True},), {"rate": True}, "options"),
        (({"period": True},), {}, "options.period"),
        ((), {"parallelism": "yes"}, "parallelism"),
        (({"rate": 1},), {}, "rate"),
    ],
)
async def test_bad_unpin_sends_nothing(
    api: Api, wire: Wire, args: tuple[Any, ...], kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(api.unpin("k", *args, **kwargs))
    assert info.value.argument == argument
    assert wire.requests == []


async def test_list(api: Api, wire: Wire) -> None:
    wire.reply(200, [FULL_KEY, {"flowControlKey": "other"}])
    infos = await resolve(api.list())
    assert wire.last.method == "GET"
    assert wire.last.url.path == "/v2/flowControl"
    assert wire.last.url.query == b""
    assert [i.key for i in infos] == ["user-42", "other"]
    assert infos[1] == FlowControlInfo("other")


async def test_list_with_search(api: Api, wire: Wire) -> None:
    wire.reply(200, [])
    assert await resolve(api.list(search="user 4")) == []
    assert wire.last.url.params.get_list("search") == ["user 4"]

    wire.reply(200, [])
    await resolve(api.list(""))
    assert wire.last.url.query == b""


async def test_list_refuses_a_non_string_search(api: Api, wire: Wire) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(api.list(["a"]))  # type: ignore[arg-type]
    assert info.value.argument == "search"
    assert wire.requests == []


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("get", ()),
        ("pause", ()),
        ("resume", ()),
        ("reset_rate", ()),
        ("pin", ({"parallelism": 1},)),
        ("unpin", ({"rate": True},)),
    ],
)
@pytest.mark.parametrize("key", ["", "   ", None])
async def test_empty_keys_send_nothing(
    api: Api, wire: Wire, method: str, args: tuple[Any, ...], key: Any
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(getattr(api, method)(key, *args))
    assert info.value.argument == "flow_control_key"
    assert wire.requests == []


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(1, 1), (60, 60), ("90s", 90), ("1h30m3s", 5403), ("2d", 172_800), (timedelta(hours=1), 3600)],
)
def test_period_seconds(value: object, seconds: int) -> None:
    assert period_seconds(value, "period") == seconds
