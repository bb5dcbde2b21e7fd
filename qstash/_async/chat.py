"""``client.chat``: LLM chat completions, whole or streamed (async source)."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Self, Unpack, overload

import httpx

from qstash._retry import REPLAY_SAFE_EXTENSION, SECRETS_EXTENSION, STREAM_EXTENSION
from qstash._sse import ServerSentEvent, SSEDecoder
from qstash.chat import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionMessage,
    ChatOptions,
    ChatRequest,
    LlmProvider,
    chat_request,
    parse_chunk,
    parse_completion,
    prompt_messages,
)
from qstash.errors import APIConnectionError, APITimeoutError, QStashError, redact

if TYPE_CHECKING:
    from qstash._async.client import AsyncQStash

__all__ = ["AsyncChatApi", "AsyncChatCompletionChunkStream"]


class AsyncChatCompletionChunkStream:
    """The :class:`~qstash.chat.ChatCompletionChunk` objects of a streamed completion, as they
    arrive: ``async for chunk in stream: print(chunk.choices[0].delta.content or "")``.

    The connection is released when the stream ends (``data: [DONE]`` or end of body), when
    iteration fails, or when you stop early with :meth:`aclose` or ``async with stream:``.
    A connection lost mid-stream raises :class:`~qstash.errors.APIConnectionError`
    (:class:`~qstash.errors.APITimeoutError` for a timeout); an error event from the provider
    raises :class:`~qstash.errors.QStashError`.
    """

    __slots__ = ("_closed", "_decoder", "_raw", "_ready", "_response", "_secrets")

    def __init__(self, response: httpx.Response, *, secrets: tuple[str, ...] = ()) -> None:
        self._response = response
        self._raw: AsyncIterator[bytes] = response.aiter_bytes()
        self._decoder = SSEDecoder(terminator="[DONE]")
        self._ready: deque[ServerSentEvent] = deque()
        self._secrets = secrets
        self._closed = False

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"{type(self).__name__}({state}, status={self._response.status_code})"

    @property
    def response(self) -> httpx.Response:
        """The HTTP response (status and headers, e.g. the provider's ``x-ratelimit-*``)."""
        return self._response

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> ChatCompletionChunk:
        while not self._ready:
            if self._closed:
                raise StopAsyncIteration
            try:
                data = await self._raw.__anext__()
            except StopAsyncIteration:
                self._ready.extend(self._decoder.flush())
                await self._release()
            except httpx.RequestError as exc:
                await self._release()
                raise self._broken(exc) from exc
            else:
                self._ready.extend(self._decoder.feed(data))
                if self._decoder.done:
                    # Nothing useful follows [DONE]; closing beats waiting for the server.
                    await self._release()
        # Parsed one at a time, so chunks before a bad event are delivered before its error.
        try:
            return parse_chunk(self._ready.popleft().data, self._secrets)
        except QStashError:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        """Stop early and release the connection; iteration then ends. Safe to call twice."""
        self._ready.clear()
        await self._release()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _release(self) -> None:
        if not self._closed:
            self._closed = True
            await self._response.aclose()

    def _broken(self, exc: httpx.RequestError) -> APIConnectionError:
        request = self._response.request
        url = redact(str(request.url), self._secrets)
        detail = redact(f"{type(exc).__name__}: {exc}".rstrip(": "), self._secrets)
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        return cls(
            f"{request.method} {url}: the stream broke off: {detail}",
            method=request.method,
            url=url,
        )


class AsyncChatApi:
    """LLM chat completions: ``client.chat``.

    ``provider=None`` (or :func:`~qstash.chat.upstash`) uses the Upstash-hosted models at
    ``{QStash base URL}/llm/v1/chat/completions`` with the QStash token.
    :func:`~qstash.chat.openai` and :func:`~qstash.chat.custom` call the provider's
    ``/v1/chat/completions`` directly with its own key (``Authorization: Bearer <key>``); the
    QStash token is never sent there. Either way the request goes through this client's
    transport: its timeouts, typed errors (a provider 429 with ``x-ratelimit-*`` headers is a
    :class:`~qstash.errors.ChatRateLimitExceededError`), and retries of failures that
    happened before anything was sent (a completion costs money, so nothing else is retried).

    The options (``temperature``, ``max_tokens``, ``stop``...) are listed in
    :class:`~qstash.chat.ChatOptions`; each given one is sent under its OpenAI name.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AsyncQStash) -> None:
        self._client = client

    @overload
    async def create(
        self,
        *,
        messages: Sequence[ChatCompletionMessage],
        model: str,
        provider: LlmProvider | None = None,
        stream: Literal[False] = False,
        **options: Unpack[ChatOptions],
    ) -> ChatCompletion: ...

    @overload
    async def create(
        self,
        *,
        messages: Sequence[ChatCompletionMessage],
        model: str,
        provider: LlmProvider | None = None,
        stream: Literal[True],
        **options: Unpack[ChatOptions],
    ) -> AsyncChatCompletionChunkStream: ...

    @overload
    async def create(
        self,
        *,
        messages: Sequence[ChatCompletionMessage],
        model: str,
        provider: LlmProvider | None = None,
        stream: bool,
        **options: Unpack[ChatOptions],
    ) -> ChatCompletion | AsyncChatCompletionChunkStream: ...

    async def create(
        self,
        *,
        messages: Sequence[ChatCompletionMessage],
        model: str,
        provider: LlmProvider | None = None,
        stream: bool = False,
        **options: Unpack[ChatOptions],
    ) -> ChatCompletion | AsyncChatCompletionChunkStream:
        """Create a chat completion.

        Args:
            messages: the conversation, e.g. ``[{"role": "user", "content": "Hi"}]``; roles
                ``system``, ``user``, ``assistant``, ``tool``; ``content`` a string.
            model: the model name, e.g. ``meta-llama/Meta-Llama-3-8B-Instruct``.
            provider: where to send it (see :class:`AsyncChatApi`); ``None`` is Upstash.
            stream: return an :class:`AsyncChatCompletionChunkStream` of chunks as they are
                generated instead of waiting for the whole :class:`~qstash.chat.ChatCompletion`.
            options: :class:`~qstash.chat.ChatOptions` (``temperature``, ``max_tokens``...).

        Everything is checked before sending (:class:`~qstash.errors.InvalidArgumentError`).
        An error status is raised before any chunk is streamed.
        """
        spec = chat_request(
            messages=messages, model=model, provider=provider, stream=stream, options=options
        )
        return await self._send(spec)

    @overload
    async def prompt(
        self,
        *,
        user: str,
        system: str | None = None,
        model: str,
        provider: LlmProvider | None = None,
        stream: Literal[False] = False,
        **options: Unpack[ChatOptions],
    ) -> ChatCompletion: ...

    @overload
    async def prompt(
        self,
        *,
        user: str,
        system: str | None = None,
        model: str,
        provider: LlmProvider | None = None,
        stream: Literal[True],
        **options: Unpack[ChatOptions],
    ) -> AsyncChatCompletionChunkStream: ...

    @overload
    async def prompt(
        self,
        *,
        user: str,
        system: str | None = None,
        model: str,
        provider: LlmProvider | None = None,
        stream: bool,
        **options: Unpack[ChatOptions],
    ) -> ChatCompletion | AsyncChatCompletionChunkStream: ...

    async def prompt(
        self,
        *,
        user: str,
        system: str | None = None,
        model: str,
        provider: LlmProvider | None = None,
        stream: bool = False,
        **options: Unpack[ChatOptions],
    ) -> ChatCompletion | AsyncChatCompletionChunkStream:
        """Ask one question: :meth:`create` with a ``system`` message (when given) and the
        ``user`` message. The other arguments are those of :meth:`create`.
        """
        spec = chat_request(
            messages=prompt_messages(user, system),
            model=model,
            provider=provider,
            stream=stream,
            options=options,
        )
        return await self._send(spec)

    async def _send(self, spec: ChatRequest) -> ChatCompletion | AsyncChatCompletionChunkStream:
        http = self._client._http
        secrets = (spec.secret,) if spec.secret else ()
        request = http.build_request(
            "POST",
            spec.url,
            headers=spec.headers,
            content=spec.content,
            # Chat calls cost money: never replayed. The provider key is redacted like the token.
            extensions={
                REPLAY_SAFE_EXTENSION: False,
                SECRETS_EXTENSION: secrets,
                STREAM_EXTENSION: spec.stream,
            },
        )
        if spec.third_party and "Authorization" not in spec.headers:
            # The client's default Authorization is the QStash token: never send it elsewhere.
            request.headers.pop("Authorization", None)
        response = await http.send(request, stream=spec.stream)
        if spec.stream:
            return AsyncChatCompletionChunkStream(response, secrets=secrets)
        return parse_completion(response.content, secrets)
