"""client.chat through the transport, sync and async (one body each), streams included."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from qstash import (
    APIConnectionError,
    AsyncQStash,
    ChatRateLimitExceededError,
    InvalidArgumentError,
    QStashError,
    ServerError,
    UnauthorizedError,
)
from qstash._async.chat import AsyncChatApi, AsyncChatCompletionChunkStream
from qstash._sync.chat import ChatApi, ChatCompletionChunkStream
from qstash.chat import (
    ChatChoice,
    ChatChoiceLogprobs,
    ChatChoiceMessage,
    ChatChunkChoice,
    ChatChunkChoiceMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionTokenLogprob,
    ChatCompletionUsage,
    ChatFinishReason,
    ChatTopLogprob,
    LlmProvider,
    anthropic,
    chat_request,
    custom,
    openai,
    parse_chunk,
    parse_completion,
    upstash,
)
from tests.conftest import TOKEN, Client, Wire, resolve

Chat = ChatApi | AsyncChatApi
Stream = ChatCompletionChunkStream | AsyncChatCompletionChunkStream
MESSAGES: Any = [{"role": "user", "content": "Hi"}]
MODEL = "meta-llama/Meta-Llama-3-8B-Instruct"
PROVIDER_KEY = "sk-provider-CANARY-91"


def api_for(client: Client) -> Chat:
    return AsyncChatApi(client) if isinstance(client, AsyncQStash) else ChatApi(client)


@pytest.fixture
def chat(client: Client) -> Chat:
    return api_for(client)


async def collect(stream: Stream) -> list[ChatCompletionChunk]:
    if isinstance(stream, AsyncChatCompletionChunkStream):
        return [chunk async for chunk in stream]
    return list(stream)


async def next_chunk(stream: Stream) -> ChatCompletionChunk:
    if isinstance(stream, AsyncChatCompletionChunkStream):
        return await stream.__anext__()
    return next(stream)


async def close(stream: Stream) -> None:
    if isinstance(stream, AsyncChatCompletionChunkStream):
        await stream.aclose()
    else:
        stream.close()


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body served in the given pieces, recording how far it was read and closed."""

    def __init__(self, parts: list[bytes], fail_after: int | None = None) -> None:
        self.parts = parts
        self.fail_after = fail_after
        self.served = 0
        self.closed = False

    def _next(self) -> Iterator[bytes]:
        for part in self.parts:
            if self.served == self.fail_after:
                raise httpx.ReadError("connection reset by peer")
            self.served += 1
            yield part

    def __iter__(self) -> Iterator[bytes]:
        yield from self._next()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self._next():
            yield part

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def sse(*payloads: Any, done: bool = True, newline: bytes = b"\n") -> bytes:
    events = [b"data: " + json.dumps(p).encode() + newline + newline for p in payloads]
    if done:
        events.append(b"data: [DONE]" + newline + newline)
    return b"".join(events)


def stream_reply(wire: Wire, body: Body, status: int = 200) -> None:
    wire.responses.append(
        httpx.Response(status, headers={"Content-Type": "text/event-stream"}, stream=body)
    )


def chunk_json(content: str | None, *, role: str | None = None, finish: str | None = None) -> Any:
    delta: dict[str, Any] = {"content": content}
    if role:
        delta["role"] = role
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }


def expected_chunk(
    content: str | None, *, role: str | None = None, finish: Any = None
) -> ChatCompletionChunk:
    return ChatCompletionChunk(
        "chatcmpl-1",
        [ChatChunkChoice(ChatChunkChoiceMessage(role, content), finish, 0)],
        1700000000,
        MODEL,
    )


COMPLETION = {
    "id": "chatcmpl-9",
    "object": "chat.completion",
    "created": 1700000001,
    "model": MODEL,
    "system_fingerprint": "fp_1",
    "future_field": {"ignored": True},
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Héllo", "refusal": None},
            "finish_reason": "stop",
            "logprobs": {
                "content": [
                    {
                        "token": "H",
                        "bytes": [72],
                        "logprob": -0.5,
                        "top_logprobs": [{"token": "H", "bytes": [72], "logprob": -0.5}],
                    }
                ]
            },
        },
        {
            "index": 1,
            "message": {"role": "assistant", "content": None},
            "finish_reason": "brand_new_reason",
        },
    ],
    "usage": {"completion_tokens": 2, "prompt_tokens": 5, "total_tokens": 7},
}

PARSED = ChatCompletion(
    id="chatcmpl-9",
    choices=[
        ChatChoice(
            ChatChoiceMessage("assistant", "Héllo"),
            0,
            ChatFinishReason.STOP,
            ChatChoiceLogprobs(
                [ChatCompletionTokenLogprob("H", [72], -0.5, [ChatTopLogprob("H", [72], -0.5)])]
            ),
        ),
        ChatChoice(ChatChoiceMessage("assistant", None), 1, "brand_new_reason", None),
    ],
    created=1700000001,
    model=MODEL,
    object="chat.completion",
    system_fingerprint="fp_1",
    usage=ChatCompletionUsage(2, 5, 7),
)


# --- create / prompt ----------------------------------------------------------------------------


async def test_create_sends_only_the_given_options_under_openai_names(
    chat: Chat, wire: Wire
) -> None:
    wire.reply(200, COMPLETION)
    messages: Any = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi", "name": "ann"},
    ]
    bias: Any = {"50256": -100, 11: 5}  # token ids as str or int
    result = await resolve(
        chat.create(
            messages=messages,
            model=MODEL,
            frequency_penalty=0.5,
            logit_bias=bias,
            logprobs=True,
            top_logprobs=2,
            max_tokens=64,
            n=2,
            presence_penalty=-1,
            response_format={"type": "json_object"},
            seed=7,
            stop=["\n\n", "END"],
            temperature=0.2,
            top_p=None,  # None means "not given", as in the official SDK
        )
    )
    assert result == PARSED
    request = wire.last
    assert request.method == "POST"
    assert str(request.url) == "https://qstash.test/llm/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert json.loads(request.content) == {
        "model": MODEL,
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi", "name": "ann"},
        ],
        "frequency_penalty": 0.5,
        "logit_bias": {"50256": -100, "11": 5},
        "logprobs": True,
        "top_logprobs": 2,
        "max_tokens": 64,
        "n": 2,
        "presence_penalty": -1,
        "response_format": {"type": "json_object"},
        "seed": 7,
        "stop": ["\n\n", "END"],
        "temperature": 0.2,
    }
    assert messages[1] == {"role": "user", "content": "Hi", "name": "ann"}  # not mutated
    # A completion costs money: the transport must never send it twice.
    assert request.extensions["qstash.replay_safe"] is False


async def test_create_minimal_body(chat: Chat, wire: Wire) -> None:
    wire.reply(200, {"id": "c", "choices": []})
    result = await resolve(chat.create(messages=MESSAGES, model=MODEL, stream=False))
    assert result == ChatCompletion("c", [], None, None)
    assert (
        wire.last.content
        == b'{"model":"' + MODEL.encode() + b'","messages":[{"role":"user","content":"Hi"}]}'
    )


@pytest.mark.parametrize(
    ("system", "messages"),
    [
        (None, [{"role": "user", "content": "What is 2+2?"}]),
        (
            "You are a calculator.",
            [
                {"role": "system", "content": "You are a calculator."},
                {"role": "user", "content": "What is 2+2?"},
            ],
        ),
        ("", [{"role": "system", "content": ""}, {"role": "user", "content": "What is 2+2?"}]),
    ],
)
async def test_prompt_builds_system_then_user(
    chat: Chat, wire: Wire, system: str | None, messages: list[dict[str, str]]
) -> None:
    wire.reply(200, COMPLETION)
    result = await resolve(
        chat.prompt(user="What is 2+2?", system=system, model=MODEL, max_tokens=5)
    )
    assert result == PARSED
    assert json.loads(wire.last.content) == {"model": MODEL, "messages": messages, "max_tokens": 5}


# --- providers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "url", "headers"),
    [
        (
            openai(PROVIDER_KEY),
            "https://api.openai.com/v1/chat/completions",
            {"authorization": f"Bearer {PROVIDER_KEY}"},
        ),
        (
            openai(PROVIDER_KEY, organization="org-5"),
            "https://api.openai.com/v1/chat/completions",
            {"authorization": f"Bearer {PROVIDER_KEY}", "openai-organization": "org-5"},
        ),
        (
            custom("https://llm.example/v1", PROVIDER_KEY),
            "https://llm.example/v1/chat/completions",
            {"authorization": f"Bearer {PROVIDER_KEY}"},
        ),
        (
            anthropic(PROVIDER_KEY),
            "https://api.anthropic.com/v1/chat/completions",
            {"x-api-key": PROVIDER_KEY, "anthropic-version": "2023-06-01"},
        ),
        (
            LlmProvider("keyless", "https://local.example", "unused", auth_header=""),
            "https://local.example/v1/chat/completions",
            {},
        ),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
async def test_third_party_gets_its_own_auth_and_never_the_qstash_token(
    chat: Chat,
    wire: Wire,
    provider: LlmProvider,
    url: str,
    headers: dict[str, str],
    stream: bool,
) -> None:
    if stream:
        stream_reply(wire, Body([sse(chunk_json("ok"))]))
    else:
        wire.reply(200, COMPLETION)
    result = await resolve(
        chat.create(messages=MESSAGES, model="gpt-4o", provider=provider, stream=stream)
    )
    if stream:
        assert [c.choices[0].delta.content for c in await collect(result)] == ["ok"]
    else:
        assert result == PARSED
    request = wire.last
    assert str(request.url) == url
    for name, value in headers.items():
        assert request.headers[name] == value
    if not headers:
        assert "authorization" not in request.headers
    assert json.loads(request.content)["model"] == "gpt-4o"
    assert "provider" not in json.loads(request.content)
    # The QStash token goes nowhere near a third party: no header, no URL, no body.
    assert all(TOKEN not in value for value in request.headers.values())
    assert TOKEN not in str(request.url)
    assert TOKEN.encode() not in request.content


async def test_upstash_provider_uses_qstash(chat: Chat, wire: Wire) -> None:
    wire.reply(200, COMPLETION)
    await resolve(chat.create(messages=MESSAGES, model=MODEL, provider=upstash()))
    assert str(wire.last.url) == "https://qstash.test/llm/v1/chat/completions"
    assert wire.last.headers["authorization"] == f"Bearer {TOKEN}"


async def test_a_provider_without_a_chat_endpoint_is_refused(chat: Chat, wire: Wire) -> None:
    provider = LlmProvider("Batch-only", "https://llm.example", "k", chat_route="")
    with pytest.raises(InvalidArgumentError, match="Batch-only") as info:
        await resolve(chat.create(messages=MESSAGES, model="m", provider=provider))
    assert info.value.argument == "provider"
    assert wire.requests == []


# --- errors -------------------------------------------------------------------------------------

RATE_LIMIT_HEADERS = {
    "x-ratelimit-limit-requests": "100",
    "x-ratelimit-limit-tokens": "5000",
    "x-ratelimit-remaining-requests": "0",
    "x-ratelimit-remaining-tokens": "12",
    "x-ratelimit-reset-requests": "6s",
    "x-ratelimit-reset-tokens": "1m2s",
}


@pytest.mark.parametrize("provider", [None, openai(PROVIDER_KEY)])
@pytest.mark.parametrize("stream", [False, True])
async def test_429_with_x_ratelimit_headers_is_a_chat_rate_limit_error(
    make_client: Callable[..., Client],
    wire: Wire,
    provider: LlmProvider | None,
    stream: bool,
) -> None:
    client = make_client(retry=None)  # default retries: a chat 429 must still not be retried
    chat = api_for(client)
    wire.reply(429, {"error": "slow down"}, headers=RATE_LIMIT_HEADERS)
    with pytest.raises(ChatRateLimitExceededError) as info:
        await resolve(chat.create(messages=MESSAGES, model=MODEL, provider=provider, stream=stream))
    error = info.value
    assert error.status == 429
    assert error.message == "slow down"
    assert (
        error.limit_requests,
        error.limit_tokens,
        error.remaining_requests,
        error.remaining_tokens,
        error.reset_requests,
        error.reset_tokens,
    ) == ("100", "5000", "0", "12", "6s", "1m2s")
    assert len(wire.requests) == 1


async def test_server_error_is_not_retried_since_a_completion_costs_money(
    make_client: Callable[..., Client], wire: Wire
) -> None:
    client = make_client(retry=None)
    chat = api_for(client)
    wire.reply(502, b"bad gateway")
    with pytest.raises(ServerError):
        await resolve(chat.create(messages=MESSAGES, model=MODEL))
    assert len(wire.requests) == 1


async def test_error_status_is_raised_before_streaming(chat: Chat, wire: Wire) -> None:
    wire.reply(401, {"error": "bad token"})
    with pytest.raises(UnauthorizedError, match="bad token"):
        await resolve(chat.create(messages=MESSAGES, model=MODEL, stream=True))


async def test_provider_key_echoed_by_the_provider_is_redacted(chat: Chat, wire: Wire) -> None:
    wire.reply(
        401,
        {"error": f"Incorrect API key provided: {PROVIDER_KEY}"},
        headers={"x-echo": PROVIDER_KEY},
    )
    with pytest.raises(UnauthorizedError) as info:
        await resolve(chat.create(messages=MESSAGES, model="m", provider=openai(PROVIDER_KEY)))
    error = info.value
    assert error.message == "Incorrect API key provided: [REDACTED]"
    for text in (str(error), repr(error), error.body.decode(), *error.headers.values(), error.url):
        assert PROVIDER_KEY not in text
    assert error.__cause__ is None


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        ({"messages": []}, "messages"),
        ({"messages": "Hi"}, "messages"),
        ({"messages": {"role": "user", "content": "Hi"}}, "messages"),
        ({"messages": ["Hi"]}, "messages[0]"),
        ({"messages": [{"content": "Hi"}]}, "messages[0].role"),
        ({"messages": [{"role": "robot", "content": "Hi"}]}, "messages[0].role"),
        ({"messages": [*MESSAGES, {"role": "user"}]}, "messages[1].content"),
        ({"messages": [{"role": "user", "content": ["a"]}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": "x", "extra": object()}]}, "messages"),
        ({"model": ""}, "model"),
        ({"model": None}, "model"),
        ({"temprature": 0.5}, "temprature"),
        ({"temperature": "hot"}, "temperature"),
        ({"temperature": float("nan")}, "temperature"),
        ({"top_p": True}, "top_p"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"n": 1.5}, "n"),
        ({"top_logprobs": -1}, "top_logprobs"),
        ({"logprobs": "yes"}, "logprobs"),
        ({"seed": "7"}, "seed"),
        ({"stop": 5}, "stop"),
        ({"stop": ["ok", ""]}, "stop[1]"),
        ({"logit_bias": [1, 2]}, "logit_bias"),
        ({"logit_bias": {"1": "high"}}, "logit_bias"),
        ({"response_format": "json"}, "response_format"),
        ({"stream": "yes"}, "stream"),
        ({"provider": "openai"}, "provider"),
    ],
)
async def test_invalid_create_sends_nothing(
    chat: Chat, wire: Wire, call: dict[str, Any], argument: str
) -> None:
    arguments = {"messages": MESSAGES, "model": MODEL, **call}
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(chat.create(**arguments))
    assert info.value.argument == argument
    assert wire.requests == []


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        ({"user": None}, "user"),
        ({"user": ["Hi"]}, "user"),
        ({"user": "  "}, "user"),
        ({"system": 3}, "system"),
        ({"model": " "}, "model"),
        ({"temperature": "warm"}, "temperature"),
    ],
)
async def test_invalid_prompt_sends_nothing(
    chat: Chat, wire: Wire, call: dict[str, Any], argument: str
) -> None:
    arguments = {"user": "Hi", "model": MODEL, **call}
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(chat.prompt(**arguments))
    assert info.value.argument == argument
    assert wire.requests == []


# --- streaming ----------------------------------------------------------------------------------

STREAM_PAYLOADS = [
    chunk_json("", role="assistant"),
    chunk_json("Hé"),
    chunk_json("llo ☃"),
    chunk_json(None, finish="length"),
    {
        **chunk_json(None),
        "choices": [],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
    },
]
STREAM_EXPECTED = [
    expected_chunk("", role="assistant"),
    expected_chunk("Hé"),
    expected_chunk("llo ☃"),
    expected_chunk(None, finish=ChatFinishReason.LENGTH),
    ChatCompletionChunk("chatcmpl-1", [], 1700000000, MODEL, usage=ChatCompletionUsage(4, 3, 7)),
]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 64, 100_000])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n"], ids=["lf", "crlf"])
async def test_stream_chunks_split_awkwardly_across_reads(
    chat: Chat, wire: Wire, size: int, newline: bytes
) -> None:
    data = sse(*STREAM_PAYLOADS, newline=newline) + sse(chunk_json("after done"), done=False)
    body = Body([data[i : i + size] for i in range(0, len(data), size)])
    stream_reply(wire, body)
    stream = await resolve(chat.create(messages=MESSAGES, model=MODEL, stream=True, seed=1))
    assert isinstance(stream, ChatCompletionChunkStream | AsyncChatCompletionChunkStream)
    assert await collect(stream) == STREAM_EXPECTED  # nothing after [DONE]
    assert body.closed
    assert await collect(stream) == []  # exhausted stays exhausted
    request = wire.last
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["cache-control"] == "no-cache"
    assert json.loads(request.content) == {
        "model": MODEL,
        "messages": MESSAGES,
        "seed": 1,
        "stream": True,
    }


async def test_stream_without_done_ends_with_the_body(chat: Chat, wire: Wire) -> None:
    data = sse(chunk_json("a"), done=False) + b'data: {"id":"chatcmpl-1","choices":[]}'
    body = Body([data])
    stream_reply(wire, body)
    stream = await resolve(chat.create(messages=MESSAGES, model=MODEL, stream=True))
    chunks = await collect(stream)
    assert chunks == [expected_chunk("a"), ChatCompletionChunk("chatcmpl-1", [], None, None)]
    assert body.closed


async def test_stream_closed_early_releases_the_connection(chat: Chat, wire: Wire) -> None:
    body = Body([sse(chunk_json(str(i)), done=False) for i in range(50)] + [sse(done=True)])
    stream_reply(wire, body)
    stream = await resolve(chat.create(messages=MESSAGES, model=MODEL, stream=True))
    first = await next_chunk(stream)
    assert first.choices[0].delta.content == "0"
    await close(stream)
    assert body.closed
    assert body.served < len(body.parts)
    assert await collect(stream) == []
    await close(stream)  # twice is fine


async def test_stream_closed_before_iterating(chat: Chat, wire: Wire) -> None:
    body = Body([sse(chunk_json("a"))])
    stream_reply(wire, body)
    stream = await resolve(chat.create(messages=MESSAGES, model=MODEL, stream=True))
    assert "open" in repr(stream)
    await close(stream)
    assert body.closed
    assert body.served == 0
    assert "closed" in repr(stream)
    assert await collect(stream) == []


async def test_stream_as_context_manager(chat: Chat, wire: Wire) -> None:
    body = Body([sse(chunk_json("a"), chunk_json("b"))])
    stream_reply(wire, body)
    stream = await resolve(chat.create(messages=MESSAGES, model=MODEL, stream=True))
    seen = []
    if isinstance(stream, AsyncChatCompletionChunkStream):
        async with stream as entered:
            assert entered is stream
            seen.append(await stream.__anext__())
    else:
        with stream as entered:
            assert entered is stream
            seen.append(next(stream))
    assert seen == [expected_chunk("a")]
    assert body.closed
    assert stream.response.status_code == 200
    assert stream.response.headers["content-type"] == "text/event-stream"


async def test_error_event_mid_stream_raises_and_closes(chat: Chat, wire: Wire) -> None:
    error = {"error": {"message": f"overloaded ({PROVIDER_KEY})", "type": "server_error"}}
    body = Body([sse(chunk_json("a"), error), sse(chunk_json("never"))])
    stream_reply(wire, body)
    stream = await resolve(
        chat.create(messages=MESSAGES, model="m", provider=openai(PROVIDER_KEY), stream=True)
    )
    assert await next_chunk(stream) == expected_chunk("a")
    with pytest.raises(QStashError, match="overloaded") as info:
        await next_chunk(stream)
    assert PROVIDER_KEY not in str(info.value)
    assert body.closed
    assert await collect(stream) == []


async def test_connection_lost_mid_stream_is_a_connection_error(chat: Chat, wire: Wire) -> None:
    body = Body([sse(chunk_json("a"), done=False), sse(chunk_json("b"))], fail_after=1)
    stream_reply(wire, body)
    stream = await resolve(chat.create(messages=MESSAGES, model=MODEL, stream=True))
    assert await next_chunk(stream) == expected_chunk("a")
    with pytest.raises(APIConnectionError, match="stream broke off") as info:
        await next_chunk(stream)
    assert isinstance(info.value.__cause__, httpx.ReadError)
    assert info.value.url == "https://qstash.test/llm/v1/chat/completions"
    assert body.closed


async def test_stream_event_that_is_not_json(chat: Chat, wire: Wire) -> None:
    body = Body([b"data: {not json\n\n"])
    stream_reply(wire, body)
    stream = await resolve(chat.create(messages=MESSAGES, model=MODEL, stream=True))
    with pytest.raises(QStashError, match="not JSON"):
        await next_chunk(stream)
    assert body.closed


# --- pure parts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"<html>", "not JSON"),
        (b"[]", "not a JSON object"),
        (b'{"choices": []}', "unexpected shape"),
        (b'{"id": "x", "choices": null}', "unexpected shape"),
        (b'{"id": "x", "choices": [{"index": 0}]}', "unexpected shape"),
        (b'{"error": {"message": "model not found"}}', "model not found"),
        (b'{"error": "quota"}', "quota"),
    ],
)
def test_parse_completion_refuses_bad_bodies(content: bytes, match: str) -> None:
    with pytest.raises(QStashError, match=match):
        parse_completion(content)


def test_parse_chunk_tolerates_unknown_fields_and_values() -> None:
    data = {
        "id": "x",
        "choices": [
            {"delta": {"role": "assistant", "tool_calls": []}, "finish_reason": "tool_calls"},
            {"index": 1, "delta": {}, "finish_reason": "something_new", "logprobs": {}},
        ],
        "new": 1,
    }
    assert parse_chunk(json.dumps(data)) == ChatCompletionChunk(
        "x",
        [
            ChatChunkChoice(ChatChunkChoiceMessage("assistant", None), "tool_calls", 0),
            ChatChunkChoice(
                ChatChunkChoiceMessage(None, None), "something_new", 1, ChatChoiceLogprobs(None)
            ),
        ],
        None,
        None,
    )
    assert parse_chunk(json.dumps(data)).choices[0].finish_reason is ChatFinishReason.TOOL_CALLS


def test_chat_request_repr_hides_the_provider_key() -> None:
    spec = chat_request(
        messages=MESSAGES, model="m", provider=openai(PROVIDER_KEY), stream=False, options={}
    )
    assert PROVIDER_KEY not in repr(spec)
    assert spec.headers["Authorization"] == f"Bearer {PROVIDER_KEY}"
