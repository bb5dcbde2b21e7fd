"""client.signing_key on the wire, sync and async (one body each); the keys stay hidden."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from qstash import AsyncQStash, QStashError, RetryPolicy
from qstash.signing_key import AsyncSigningKeyApi, SigningKey, SigningKeyApi
from tests.conftest import TOKEN, Client, Wire, resolve

Api = SigningKeyApi | AsyncSigningKeyApi
CURRENT = "sig_currentCanary123"
NEXT = "sig_nextCanary456"


def signing_key_api(client: Client) -> Api:
    if isinstance(client, AsyncQStash):
        return AsyncSigningKeyApi(client)
    return SigningKeyApi(client)


@pytest.fixture
def api(client: Client) -> Api:
    return signing_key_api(client)


async def test_get(api: Api, wire: Wire) -> None:
    wire.reply(200, {"current": CURRENT, "next": NEXT, "somethingNew": 1})
    keys = await resolve(api.get())
    assert keys == SigningKey(CURRENT, NEXT)
    assert (keys.current, keys.next) == (CURRENT, NEXT)
    assert wire.last.method == "GET"
    assert wire.last.url.path == "/v2/keys"
    assert wire.last.headers["authorization"] == f"Bearer {TOKEN}"


async def test_rotate(api: Api, wire: Wire) -> None:
    wire.reply(200, {"current": NEXT, "next": "sig_new"})
    keys = await resolve(api.rotate())
    assert keys == SigningKey(NEXT, "sig_new")
    assert wire.last.method == "POST"
    assert wire.last.url.path == "/v2/keys/rotate"
    assert wire.last.content == b""


async def test_rotate_is_never_sent_twice(make_client: Callable[..., Client], wire: Wire) -> None:
    api = signing_key_api(make_client(retry=RetryPolicy(max_retries=3, initial_delay=0.0)))
    wire.reply(503, b"busy")
    with pytest.raises(QStashError):
        await resolve(api.rotate())
    assert len(wire.requests) == 1


@pytest.mark.parametrize("text", [repr, str])
def test_repr_and_str_hide_the_keys(text: Callable[[object], str]) -> None:
    shown = text(SigningKey(CURRENT, NEXT))
    assert CURRENT not in shown
    assert NEXT not in shown
    assert shown == "SigningKey(current=<hidden>, next=<hidden>)"


async def test_parsed_result_in_a_container_hides_the_keys(api: Api, wire: Wire) -> None:
    wire.reply(200, {"current": CURRENT, "next": NEXT})
    keys = await resolve(api.get())
    shown = repr({"keys": keys, "list": [keys]})
    assert CURRENT not in shown
    assert NEXT not in shown
