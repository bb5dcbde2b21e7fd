"""Canary secrets planted everywhere must never show up in a repr, an error or a log record."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from qstash import AsyncQStash, QStash, QStashError, Receiver, RetryPolicy
from qstash.chat import anthropic, custom, openai
from qstash.receiver import sign

TOKEN = "canary-token-5b0f3e"
PROVIDER_KEY = "canary-provider-91c2aa"
CURRENT_KEY = "sig_canaryCurrent77"
NEXT_KEY = "sig_canaryNext88"
SECRETS = (TOKEN, PROVIDER_KEY, CURRENT_KEY, NEXT_KEY)


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"secret leaked into: {text[:200]!r}"


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG):
        yield caplog


def echo_everything(request: httpx.Request) -> httpx.Response:
    """A hostile server that echoes the request (every header value) in a 401 body."""
    echoed = f"bad request {'; '.join(request.headers.values())} for {request.url}"
    return httpx.Response(401, text=echoed, headers={"x-echo": echoed})


def fail_to_connect(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(f"cannot reach {request.url} with {request.headers['authorization']}")


@pytest.mark.parametrize("handler", [echo_everything, fail_to_connect])
def test_sync_client_errors_and_logs(handler: object, debug_logs: pytest.LogCaptureFixture) -> None:
    transport = httpx.MockTransport(handler)  # type: ignore[arg-type]
    client = QStash(
        TOKEN,
        base_url="https://qstash.test",
        retry=RetryPolicy(max_retries=1, initial_delay=0.0),
        httpx_client=httpx.Client(transport=transport),
    )
    assert_clean(repr(client))
    with pytest.raises(QStashError) as info:
        client.message.publish_json(
            api={"name": "llm", "provider": openai(PROVIDER_KEY)}, body={"a": 1}
        )
    error = info.value
    assert_clean(str(error))
    assert_clean(repr(error))
    assert_clean(repr(vars(error)))
    assert_clean("\n".join(r.getMessage() for r in debug_logs.records))


async def test_async_client_errors_and_logs(debug_logs: pytest.LogCaptureFixture) -> None:
    client = AsyncQStash(
        TOKEN,
        base_url="https://qstash.test",
        retry=RetryPolicy(max_retries=1, initial_delay=0.0),
        httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(echo_everything)),
    )
    async with client:
        assert_clean(repr(client))
        with pytest.raises(QStashError) as info:
            await client.message.publish_json(url="https://a.example", body={})
    assert_clean(str(info.value))
    assert_clean(repr(vars(info.value)))
    assert_clean("\n".join(r.getMessage() for r in debug_logs.records))


def test_providers_hide_their_keys() -> None:
    for provider in (
        openai(PROVIDER_KEY),
        anthropic(PROVIDER_KEY),
        custom("https://llm.example", PROVIDER_KEY),
    ):
        assert_clean(repr(provider))
        assert_clean(str(provider))


def test_receiver_and_its_errors_hide_keys() -> None:
    receiver = Receiver(current_signing_key=CURRENT_KEY, next_signing_key=NEXT_KEY)
    assert_clean(repr(receiver))
    assert_clean(str(receiver))
    token = sign(signing_key="sig_someone_else", url="https://a.example", body=b"x")
    with pytest.raises(QStashError) as info:
        receiver.verify(signature=token, body=b"x", url="https://a.example")
    assert_clean(str(info.value))
    assert_clean(repr(info.value))


def test_header_values_are_not_echoed_in_validation_errors() -> None:
    client = QStash(TOKEN, base_url="https://qstash.test")
    with pytest.raises(QStashError) as info:
        client.message.publish(url="https://a.example", headers={"Authorization": f"{TOKEN}\n"})
    assert_clean(str(info.value))
    client.close()
