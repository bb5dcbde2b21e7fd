"""Canary secrets (a QStash token, both signing keys, an LLM provider key) planted in every
path must never come out: not in a repr or str of a public object, not in an exception of
any type (message, repr, attributes, the whole chained traceback), not in any log record at
DEBUG (the SDK's, httpx's, httpcore's, aiohttp's, the dev server's), and not in the dev
server's output when a user's token is sent to it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import qstash.errors
from qstash import AsyncQStash, QStash, Receiver, RetryPolicy
from qstash._options import LlmApi
from qstash._publish import batch_request, publish_request
from qstash.chat import anthropic, chat_request, custom, openai
from qstash.dev import DEV_USERS, DevServerThread
from qstash.errors import QStashError
from qstash.receiver import sign
from qstash_openapi.api.queues import list_queues
from tests.reliability._proxy import Fault, FaultProxy, FaultSchedule
from tests.reliability._sink import RecordingSink

TOKEN = "canary-token-Zq81xvW3"
CURRENT = "sig_canaryCurrent9Xw2"
NEXT = "sig_canaryNext7Yk4"
PROVIDER = "sk-canary-provider-3Fh2"
SECRETS = (TOKEN, CURRENT, NEXT, PROVIDER)
ROOT = Path(__file__).resolve().parents[2]
FAST = RetryPolicy(max_retries=1, initial_delay=0.0)


def assert_clean(text: str, where: str = "") -> None:
    """No secret, nor its escaped spelling, nor a long piece of it, appears in ``text``."""
    for secret in SECRETS:
        for form in (secret, secret[4:], secret[:-4], repr(secret)[1:-1]):
            assert form not in text, f"{secret!r} leaked into {where}: {text[:300]!r}"


def exception_texts(exc: BaseException) -> Iterator[str]:
    """Everything an exception may show: message, repr, attributes, the chained traceback."""
    yield str(exc)
    yield repr(exc)
    yield repr(exc.args)
    yield repr(getattr(exc, "__dict__", {}))
    yield "".join(traceback.format_exception(exc))
    for attribute in ("results", "errors"):
        for item in getattr(exc, attribute, ()):
            yield repr(item)
            if isinstance(item, BaseException):
                yield str(item)


# --------------------------------------------------------------------------------- reprs


def test_no_public_object_shows_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSTASH_TOKEN", TOKEN)
    monkeypatch.setenv("QSTASH_CURRENT_SIGNING_KEY", CURRENT)
    monkeypatch.setenv("QSTASH_NEXT_SIGNING_KEY", NEXT)
    for name in ("QSTASH_DEV", "QSTASH_REGION", "QSTASH_URL"):
        monkeypatch.delenv(name, raising=False)
    objects: list[object] = []
    for client in (QStash(TOKEN), QStash(), AsyncQStash(TOKEN), AsyncQStash()):
        objects += [client, client.http, client.http.headers, client.http._transport]
        objects += [client.openapi, client.retry]
        for area in ("message", "schedule", "queue", "url_group", "signing_key"):
            objects.append(getattr(client, area))
        for area in ("flow_control", "chat", "dlq", "log", "event"):
            objects.append(getattr(client, area))
    receiver = Receiver(CURRENT, NEXT)
    token = sign(signing_key=CURRENT, url="https://a.example", body=b"x")
    claims = receiver.verify(signature=token, body=b"x", url="https://a.example")
    providers = [openai(PROVIDER), anthropic(PROVIDER), custom("https://llm.example", PROVIDER)]
    api = {"name": "llm", "provider": providers[0]}
    objects += [receiver, Receiver(), claims, *providers]
    objects.append(publish_request({"api": api, "body": "x"}, json=False, dedup_id="d"))
    objects.append(batch_request([{"api": api, "body": "x"}], json=False))
    chat = chat_request(
        messages=[{"role": "user", "content": "hi"}],
        model="m",
        provider=providers[2],
        stream=False,
        options={},
    )
    objects.append(chat)
    for obj in objects:
        assert_clean(repr(obj), f"repr of {type(obj).__name__}")
        assert_clean(str(obj), f"str of {type(obj).__name__}")


# ---------------------------------------------------------------------------- exceptions


def _echo(status: int, **headers: str) -> Callable[[httpx.Request], httpx.Response]:
    """A hostile server: answers ``status`` echoing every request header and the URL."""

    def handler(request: httpx.Request) -> httpx.Response:
        echoed = "; ".join(f"{k}={v}" for k, v in request.headers.items()) + f" {request.url}"
        body = json.dumps({"error": f"refused: {echoed}"})
        return httpx.Response(status, text=body, headers={"x-echo": echoed, **headers})

    return handler


def _raise(error: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error(f"failed for {request.url} with {request.headers.get('authorization')}")

    return handler


def _answer(status: int, content: bytes) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, content=content)


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> QStash:
    transport = httpx.MockTransport(handler)
    return QStash(
        TOKEN,
        base_url="https://qstash.test",
        retry=FAST,
        httpx_client=httpx.Client(transport=transport),
    )


def _publish(client: QStash) -> object:
    return client.message.publish_json(
        api={"name": "llm", "provider": openai(PROVIDER)}, body={"a": 1}
    )


def _chat(client: QStash) -> object:
    return client.chat.create(
        messages=[{"role": "user", "content": "hi"}],
        model="m",
        provider=custom("https://llm.example", PROVIDER),
    )


SCENARIOS: list[tuple[str, Callable[[], object]]] = [
    ("400", lambda: _publish(_client(_echo(400)))),
    ("401", lambda: _publish(_client(_echo(401)))),
    ("403", lambda: _publish(_client(_echo(403)))),
    ("404", lambda: _client(_echo(404)).message.get("msg_1")),
    ("412", lambda: _client(_echo(412)).queue.upsert("q")),
    ("413", lambda: _publish(_client(_echo(413)))),
    ("418", lambda: _publish(_client(_echo(418)))),
    ("429 burst", lambda: _publish(_client(_echo(429, **{"Retry-After": "999"})))),
    ("429 daily", lambda: _publish(_client(_echo(429, **{"RateLimit-Limit": "10"})))),
    ("429 chat", lambda: _chat(_client(_echo(429, **{"x-ratelimit-limit-requests": "1"})))),
    ("500", lambda: _publish(_client(_echo(500)))),
    ("connect", lambda: _publish(_client(_raise(httpx.ConnectError)))),
    ("timeout", lambda: _publish(_client(_raise(httpx.ReadTimeout)))),
    ("garbage 200", lambda: _publish(_client(_answer(200, f'{{"x":"{TOKEN}"}}'.encode())))),
    (
        "partial batch",
        lambda: _client(
            _answer(200, b'[{"messageId":"m1"},{"error":"bad destination"}]')
        ).message.batch_json([{"api": {"name": "llm", "provider": openai(PROVIDER)}}] * 2),
    ),
    (
        "signature",
        lambda: Receiver(CURRENT, NEXT).verify(
            signature=sign(signing_key=CURRENT, url="https://a.example", body=b"x"),
            body=b"y",
        ),
    ),
    (
        "bad header",
        lambda: _client(_echo(200)).message.publish(
            url="https://a.example", headers={"Authorization": f"Bearer {TOKEN}\n"}
        ),
    ),
    ("bad provider key", lambda: openai(PROVIDER + "\n")),
    ("bad sign url", lambda: sign(signing_key=CURRENT, url="")),
]


def _concrete_errors() -> set[type[QStashError]]:
    found: set[type[QStashError]] = set()
    pending: list[type[QStashError]] = [QStashError]
    while pending:
        cls = pending.pop()
        if cls.__module__ == qstash.errors.__name__:
            found.add(cls)
        pending += cls.__subclasses__()
    return found - {qstash.errors.RateLimitError}  # abstract: one of its three is raised


def test_no_exception_of_any_type_shows_a_secret() -> None:
    raised: set[type[BaseException]] = set()
    for name, scenario in SCENARIOS:
        with pytest.raises(QStashError) as info:
            scenario()
        raised.add(type(info.value))
        for item in getattr(info.value, "errors", ()):
            raised.add(type(item))
        for text in exception_texts(info.value):
            assert_clean(text, f"{name}: {type(info.value).__name__}")
    assert raised == _concrete_errors()


def test_an_echoing_batch_item_error_shows_no_secret() -> None:
    body = json.dumps([{"messageId": "m1"}, {"error": f"bad header Bearer {PROVIDER}"}])
    client = _client(_answer(200, body.encode()))
    with pytest.raises(QStashError) as info:
        client.message.batch_json([{"api": {"name": "llm", "provider": openai(PROVIDER)}}] * 2)
    for text in exception_texts(info.value):
        assert_clean(text, "partial batch")


def test_a_token_with_a_control_character_is_never_quoted(dev_server: DevServerThread) -> None:
    texts: list[str] = []
    for token in (f"{TOKEN}\n", f"{TOKEN}\x7f"):
        try:
            with QStash(token, base_url=dev_server.url, retry=False) as client:
                client.message.publish_json(url="https://a.example", body=1)
        except QStashError as exc:
            texts += exception_texts(exc)
    for text in texts:
        assert_clean(text, "control-character token")


# ---------------------------------------------------------------------------------- logs


_LOGGERS = ("httpx", "httpcore", "qstash", "qstash.dev", "aiohttp", "asyncio")


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record of every logger at DEBUG, from every thread."""
    with caplog.at_level(logging.DEBUG):
        for name in _LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
        try:
            yield caplog
        finally:
            for name in _LOGGERS:
                logging.getLogger(name).setLevel(logging.NOTSET)


def _record_texts(records: list[logging.LogRecord]) -> Iterator[tuple[str, str]]:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in records:
        yield record.name, formatter.format(record)
        yield record.name, repr(record.args)


def _raw_request(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks):
                break
        return b"".join(chunks)


async def test_debug_logs_of_every_logger_show_no_secret(
    every_log: pytest.LogCaptureFixture,
    dev_server: DevServerThread,
    sink: RecordingSink,
    proxy: FaultProxy,
) -> None:
    # The user's token against the dev server, through resets, 503s, stalls and 401s.
    proxy.use(
        FaultSchedule(seed=5, rates={Fault.RESET: 0.3, Fault.UNAVAILABLE: 0.3, Fault.STALL: 0.1})
    )
    options: dict[str, Any] = {
        "base_url": proxy.url,
        "retry": RetryPolicy(max_retries=3, initial_delay=0.001),
        "timeout": 0.3,
    }
    api: LlmApi = {"name": "llm", "provider": custom(sink.url, PROVIDER)}
    with QStash(TOKEN, **options) as client:
        for _ in range(6):
            with pytest.raises(QStashError):
                client.message.publish_json(api=api, body={"id": "x"})
        with pytest.raises(QStashError):
            _chat_to(client, dev_server.url)
    async with AsyncQStash(TOKEN, **options) as aclient:
        for _ in range(6):
            with pytest.raises(QStashError):
                await aclient.message.publish_json(api=api, body={"id": "x"})
    # The dev token delivering a message that forwards the provider key to a failing sink.
    with dev_server.client(retry=False) as dev:
        dev.message.publish(
            url=f"{sink.url}/nowhere",
            body="not json",
            headers={"Authorization": f"Bearer {PROVIDER}"},
            retries=1,
        )
        dev.message.publish_json(
            api={"name": "llm", "provider": custom("http://127.0.0.1:9", PROVIDER)},
            body={"id": "y"},
            retries=0,
        )
        # A raw call through the generated client: httpx logs the requests it sends itself.
        assert list_queues.sync(client=dev.openapi) == []
    await dev_server.aadvance(60)
    # Malformed requests carrying the token: aiohttp quotes the bad line in its error log.
    for raw in (
        f"GET /v2/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\x7f\r\n\r\n",
        f"GET /v2/keys?qstash_token={TOKEN}\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
        f"GET /v2/keys HTTP/1.1\r\nHost: x\r\nX-Key\x01: {PROVIDER}\r\n\r\n",
    ):
        await asyncio.to_thread(_raw_request, dev_server.url, raw.encode("latin-1"))
    await asyncio.to_thread(dev_server.run_due)

    records = every_log.records
    names = {record.name for record in records}
    assert {"qstash", "httpx", "httpcore.connection", "qstash.dev", "qstash.dev.http"} <= names
    for name, text in _record_texts(records):
        assert_clean(text, f"log record of {name}")


def _chat_to(client: QStash, url: str) -> object:
    return client.chat.create(
        messages=[{"role": "user", "content": "hi"}], model="m", provider=custom(url, PROVIDER)
    )


def test_the_dev_server_process_never_logs_a_user_token(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qstash",
            "dev",
            "--port",
            "0",
            "--log-level",
            "debug",
            "--db",
            str(tmp_path / "db"),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.search(r"is running at (http://\S+)", banner)
        assert match, banner
        url = match.group(1)
        with QStash(TOKEN, base_url=url, retry=False) as client:
            for call in (
                lambda: client.message.publish_json(url="https://a.example", body=1),
                lambda: client.signing_key.get(),
                lambda: client.dlq.list(),
            ):
                with pytest.raises(qstash.errors.UnauthorizedError):
                    call()
        httpx.get(f"{url}/v2/keys", params={"qstash_token": TOKEN}, timeout=5)
        for raw in (
            f"GET /v2/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\x7f\r\n\r\n",
            f"GET /v2/keys?qstash_token={TOKEN}\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
        ):
            _raw_request(url, raw.encode("latin-1"))
        with QStash(DEV_USERS[0].token, base_url=url, retry=False) as dev:
            dev.message.publish(
                url="http://127.0.0.1:9/down",
                body="x",
                headers={"Authorization": f"Bearer {PROVIDER}"},
                retries=0,
            )
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "Error handling request" in err  # the malformed requests were logged...
    assert_clean(banner + out + err, "the dev server's output")  # ...without the token
