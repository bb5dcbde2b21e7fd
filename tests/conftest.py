"""Shared fixtures: one test body runs against both the sync and the async client."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from qstash import AsyncQStash, QStash

TOKEN = "test-token-7c1d"
BASE_URL = "https://qstash.test"


@dataclass
class Wire:
    """A fake QStash behind ``httpx.MockTransport``: records requests, answers from a queue."""

    responses: list[httpx.Response] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    default: httpx.Response = field(default_factory=lambda: httpx.Response(200, json={}))

    def reply(self, status: int = 200, body: Any = None, **kwargs: Any) -> None:
        """Queue the next response (``body`` is sent as JSON unless it is bytes)."""
        if isinstance(body, bytes):
            self.responses.append(httpx.Response(status, content=body, **kwargs))
        elif body is None:
            self.responses.append(httpx.Response(status, **kwargs))
        else:
            self.responses.append(httpx.Response(status, json=body, **kwargs))

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.responses.pop(0) if self.responses else self.default

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def last_json(self) -> Any:
        return json.loads(self.last.content)


Client = QStash | AsyncQStash


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_client(flavour: str, wire: Wire) -> Callable[..., Client]:
    """Build a sync or async client whose requests go to ``wire``."""

    def build(**kwargs: Any) -> Client:
        kwargs.setdefault("token", TOKEN)
        kwargs.setdefault("base_url", BASE_URL)
        kwargs.setdefault("retry", False)
        transport = httpx.MockTransport(wire.handler)
        client: Client
        if flavour == "sync":
            client = QStash(httpx_client=httpx.Client(transport=transport), **kwargs)
        else:
            client = AsyncQStash(httpx_client=httpx.AsyncClient(transport=transport), **kwargs)
        return client

    return build


@pytest.fixture
def client(make_client: Callable[..., Client]) -> Client:
    return make_client()


async def resolve(value: Any) -> Any:
    """Await ``value`` if the async client returned a coroutine; sync results pass through."""
    return await value if inspect.isawaitable(value) else value
