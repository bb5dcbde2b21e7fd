"""client.queue on the wire, sync and async (one body each), and Queue parsing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qstash import AsyncQStash, InvalidArgumentError
from qstash.queue import AsyncQueueApi, Queue, QueueApi
from tests.conftest import TOKEN, Client, Wire, resolve

Api = QueueApi | AsyncQueueApi


@pytest.fixture
def api(client: Client) -> Api:
    return AsyncQueueApi(client) if isinstance(client, AsyncQStash) else QueueApi(client)


async def test_upsert_sends_every_field(api: Api, wire: Wire) -> None:
    wire.reply(200)
    assert await resolve(api.upsert("jobs.v2", parallelism=5, paused=True)) is None
    request = wire.last
    assert request.method == "POST"
    assert request.url.path == "/v2/queues"
    assert request.url.query == b""
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"queueName": "jobs.v2", "parallelism": 5, "paused": True}


async def test_upsert_defaults_are_sent_too(api: Api, wire: Wire) -> None:
    wire.reply(200)
    await resolve(api.upsert("jobs"))
    assert json.loads(wire.last.content) == {"queueName": "jobs", "parallelism": 1, "paused": False}


@pytest.mark.parametrize(
    ("args", "kwargs", "argument"),
    [
        (("",), {}, "queue"),
        (("a b",), {}, "queue"),
        (("https://a.example",), {}, "queue"),
        ((None,), {}, "queue"),
        (("q",), {"parallelism": 0}, "parallelism"),
        (("q",), {"parallelism": -1}, "parallelism"),
        (("q",), {"parallelism": 1.5}, "parallelism"),
        (("q",), {"parallelism": True}, "parallelism"),
        (("q",), {"paused": "yes"}, "paused"),
        (("q",), {"paused": 1}, "paused"),
    ],
)
async def test_bad_upsert_sends_nothing(
    api: Api, wire: Wire, args: tuple[Any, ...], kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(api.upsert(*args, **kwargs))
    assert info.value.argument == argument
    assert wire.requests == []


async def test_get_parses_and_ignores_unknown_fields(api: Api, wire: Wire) -> None:
    wire.reply(
        200,
        {
            "name": "jobs",
            "parallelism": 3,
            "createdAt": 1,
            "updatedAt": 2,
            "lag": 7,
            "paused": True,
            "somethingNew": [1],
        },
    )
    queue = await resolve(api.get("jobs"))
    assert wire.last.method == "GET"
    assert wire.last.url.path == "/v2/queues/jobs"
    assert queue == Queue("jobs", 3, 1, 2, 7, True)


async def test_get_defaults_for_absent_fields(api: Api, wire: Wire) -> None:
    wire.reply(200, {"name": "jobs"})
    queue = await resolve(api.get("jobs"))
    assert queue == Queue(name="jobs", parallelism=1, lag=0, paused=False)
    assert queue.created_at is None


async def test_list(api: Api, wire: Wire) -> None:
    wire.reply(200, [{"name": "a", "lag": 1}, {"name": "b", "parallelism": 2, "paused": True}])
    queues = await resolve(api.list())
    assert wire.last.method == "GET"
    assert wire.last.url.path == "/v2/queues"
    assert queues == [Queue("a", lag=1), Queue("b", parallelism=2, paused=True)]


@pytest.mark.parametrize(
    ("method", "http_method", "path"),
    [
        ("delete", "DELETE", "/v2/queues/jobs"),
        ("pause", "POST", "/v2/queues/jobs/pause"),
        ("resume", "POST", "/v2/queues/jobs/resume"),
    ],
)
async def test_delete_pause_resume(
    api: Api, wire: Wire, method: str, http_method: str, path: str
) -> None:
    wire.reply(200)
    assert await resolve(getattr(api, method)("jobs")) is None
    assert wire.last.method == http_method
    assert wire.last.url.path == path
    assert wire.last.content == b""


@pytest.mark.parametrize("method", ["get", "delete", "pause", "resume"])
@pytest.mark.parametrize("queue", ["", "  ", "a/b", None])
async def test_bad_names_send_nothing(api: Api, wire: Wire, method: str, queue: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(getattr(api, method)(queue))
    assert info.value.argument == "queue"
    assert wire.requests == []
