"""LLM providers and the chat completions API.

Two ways to use an LLM through Upstash:

* **Publish** to it: pass a provider as ``api={"name": "llm", "provider": openai("sk-...")}`` to
  ``publish_json``, ``enqueue_json`` or a batch item. QStash then calls the provider's chat
  endpoint with the message body and delivers the answer to your ``callback``. The provider key
  travels as a forwarded header (``Upstash-Forward-Authorization`` and the like).
* **Chat** with it directly: ``client.chat.create(messages=[...], model=...)`` (or
  ``client.chat.prompt(user=..., system=...)``) returns a :class:`ChatCompletion`; with
  ``stream=True`` it returns a stream of :class:`ChatCompletionChunk` to iterate. The provider is
  the Upstash-hosted endpoint (``provider=None`` or :func:`upstash`, authenticated with the
  QStash token), or any OpenAI-compatible API (:func:`openai`, :func:`custom`), called directly
  with its own key: the QStash token is never sent there. With :func:`anthropic`, chat goes to
  Anthropic's OpenAI-compatible endpoint (``/v1/chat/completions``), while publishing targets its
  native Messages API (``/v1/messages``).

Provider keys never appear in a ``repr`` or in an error message.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from qstash import _values
from qstash._parse import opt
from qstash.errors import InvalidArgumentError, QStashError, redact

if TYPE_CHECKING:
    import qstash_openapi.models as om
    from qstash._async.chat import AsyncChatApi, AsyncChatCompletionChunkStream
    from qstash._sync.chat import ChatApi, ChatCompletionChunkStream

__all__ = [
    "AsyncChatApi",
    "AsyncChatCompletionChunkStream",
    "ChatApi",
    "ChatChoice",
    "ChatChoiceLogprobs",
    "ChatChoiceMessage",
    "ChatChunkChoice",
    "ChatChunkChoiceMessage",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionChunkStream",
    "ChatCompletionMessage",
    "ChatCompletionTokenLogprob",
    "ChatCompletionUsage",
    "ChatFinishReason",
    "ChatOptions",
    "ChatResponseFormat",
    "ChatTopLogprob",
    "LlmProvider",
    "anthropic",
    "custom",
    "openai",
    "upstash",
]

_CHAT_ROUTE = "/v1/chat/completions"
_UPSTASH_CHAT_PATH = "/llm/v1/chat/completions"


@dataclass(frozen=True, slots=True)
class LlmProvider:
    """Where and how QStash reaches an LLM API.

    Build one with :func:`openai`, :func:`anthropic`, :func:`custom` or :func:`upstash`
    rather than directly.

    ``name``
        Provider label (``"OpenAI"``, ``"Anthropic"``, ``"custom"``, ``"Upstash"``).
    ``base_url``
        Provider origin, e.g. ``https://api.openai.com`` (empty for :func:`upstash`).
    ``token``
        Provider API key; hidden from ``repr``.
    ``route``
        Path appended to ``base_url`` to form the publish destination.
    ``auth_header``
        Header that carries the key: ``"Authorization"`` (sent as ``Bearer <token>``),
        ``"x-api-key"`` (sent raw), or ``""`` for none.
    ``extra_headers``
        Further non-secret headers to forward, as ``(name, value)`` pairs.
    """

    name: str
    base_url: str
    token: str = field(repr=False)
    route: str = _CHAT_ROUTE
    auth_header: str = "Authorization"
    extra_headers: tuple[tuple[str, str], ...] = ()
    chat_route: str = _CHAT_ROUTE
    """Path of the provider's OpenAI-compatible chat completions endpoint (``client.chat``)."""

    @property
    def destination(self) -> str:
        """The publish destination: ``base_url + route``, or ``api/llm`` for Upstash."""
        if not self.base_url:
            return "api/llm"
        return self.base_url + self.route

    def forward_headers(self) -> dict[str, str]:
        """Headers QStash must forward to the provider (unprefixed names), key included."""
        headers: dict[str, str] = {}
        if self.auth_header == "Authorization":
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.auth_header:
            headers[self.auth_header] = self.token
        headers.update(self.extra_headers)
        return headers


def _token(token: object) -> str:
    # header_text's messages never echo the value, which matters here: it is a secret.
    return _values.header_text(token, "token")


def openai(token: str, *, organization: str | None = None) -> LlmProvider:
    """OpenAI (``https://api.openai.com/v1/chat/completions``).

    Forwards ``Authorization: Bearer <token>`` and, when given, ``OpenAI-Organization``.
    """
    extra: tuple[tuple[str, str], ...] = ()
    if organization is not None:
        extra = (("OpenAI-Organization", _values.header_text(organization, "organization")),)
    return LlmProvider("OpenAI", "https://api.openai.com", _token(token), extra_headers=extra)


def anthropic(token: str, *, version: str = "2023-06-01") -> LlmProvider:
    """Anthropic: publishing targets ``https://api.anthropic.com/v1/messages``.

    Forwards ``x-api-key: <token>`` and ``anthropic-version: <version>``. A published body
    must follow the Anthropic Messages API. ``client.chat`` uses Anthropic's OpenAI-compatible
    ``/v1/chat/completions`` endpoint instead, so chat requests keep the OpenAI format.
    """
    return LlmProvider(
        "Anthropic",
        "https://api.anthropic.com",
        _token(token),
        route="/v1/messages",
        auth_header="x-api-key",
        extra_headers=(("anthropic-version", _values.header_text(version, "version")),),
    )


def custom(base_url: str, token: str) -> LlmProvider:
    """Any OpenAI-compatible API: the destination is ``<base_url>/v1/chat/completions``.

    A trailing ``/``, ``/chat/completions``, ``/v1/chat/completions`` or ``/v1`` is removed
    from ``base_url`` first, so ``https://api.together.xyz/v1`` and the full endpoint URL both
    work. Forwards ``Authorization: Bearer <token>``.
    """
    base = _values.http_url(base_url, "base_url").rstrip("/")
    for suffix in ("/v1/chat/completions", "/chat/completions", "/v1"):
        # "https://v1" ends with "/v1" too: strip only when a URL with a host remains.
        if base.endswith(suffix) and _values.is_http_url(base[: -len(suffix)]):
            base = base[: -len(suffix)]
            break
    return LlmProvider("custom", base, _token(token))


def upstash() -> LlmProvider:
    """QStash-hosted models (destination ``api/llm``; billed by Upstash, no provider key)."""
    return LlmProvider("Upstash", "", "", auth_header="")


# --- chat requests -----------------------------------------------------------------------------


class ChatCompletionMessage(TypedDict):
    """One message of a conversation: ``{"role": "user", "content": "Hello"}``.

    ``role`` is ``system``, ``user``, ``assistant`` or ``tool``; ``content`` is the text. Other
    keys (``name``, ``tool_call_id``) are sent unchanged.
    """

    role: Literal["system", "user", "assistant", "tool"]
    content: str


class ChatResponseFormat(TypedDict):
    """The output format: ``{"type": "text"}`` or ``{"type": "json_object"}``."""

    type: Literal["text", "json_object"]


class ChatOptions(TypedDict, total=False):
    """OpenAI chat options for ``client.chat.create`` and ``client.chat.prompt``.

    Each one given (and not ``None``) is sent under its own name; the others are left to the
    provider's defaults.
    """

    frequency_penalty: float | None
    """Penalise tokens by how often they already appear, -2.0 to 2.0."""
    logit_bias: Mapping[str, int] | Mapping[int, int] | None
    """Token id → bias from -100 (ban) to 100 (force)."""
    logprobs: bool | None
    """Return the log probability of each output token (:attr:`ChatChoice.logprobs`)."""
    top_logprobs: int | None
    """How many most likely tokens to return at each position, 0 to 20 (needs ``logprobs``)."""
    max_tokens: int | None
    """Maximum number of tokens to generate."""
    n: int | None
    """How many choices to generate."""
    presence_penalty: float | None
    """Penalise tokens that already appear at all, -2.0 to 2.0."""
    response_format: ChatResponseFormat | None
    """``{"type": "json_object"}`` asks for valid JSON."""
    seed: int | None
    """Sample deterministically (best effort) for repeated requests with the same seed."""
    stop: str | Sequence[str] | None
    """Up to 4 sequences where generation stops."""
    temperature: float | None
    """Sampling temperature, 0 to 2: higher is more random."""
    top_p: float | None
    """Nucleus sampling: consider the tokens making up this probability mass, 0 to 1."""


_ROLES = frozenset({"system", "user", "assistant", "tool"})
# Compact, readable for non-ASCII text; NaN/Infinity are not JSON.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _number(value: object, argument: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidArgumentError(
            f"{argument} must be a number, got {type(value).__name__}", argument=argument
        )
    if not math.isfinite(value):
        raise InvalidArgumentError(f"{argument} must be a finite number", argument=argument)
    return value


def _int(value: object, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(
            f"{argument} must be an int, got {type(value).__name__}", argument=argument
        )
    return value


def _logit_bias(value: object, argument: str) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(
            f"{argument} must be a dict of token id to bias, got {type(value).__name__}",
            argument=argument,
        )
    # Token ids may be given as ints; JSON object keys are strings either way.
    return {
        key if isinstance(key, str) else str(_int(key, argument)): _int(bias, argument)
        for key, bias in value.items()
    }


def _response_format(value: object, argument: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not isinstance(value.get("type"), str):
        raise InvalidArgumentError(
            f'{argument} must be a dict with a "type", e.g. {{"type": "json_object"}}',
            argument=argument,
        )
    return dict(value)


def _stop(value: object, argument: str) -> str | list[str]:
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        for index, item in enumerate(value):
            # "\n\n" is a common stop sequence: only the empty string is refused.
            if not isinstance(item, str) or not item:
                where = f"{argument}[{index}]"
                raise InvalidArgumentError(
                    f"{where} must be a non-empty string, got {item!r}", argument=where
                )
        return list(value)
    raise InvalidArgumentError(
        f"{argument} must be a string or a list of strings, got {type(value).__name__}",
        argument=argument,
    )


# Option name -> validator returning the wire value; the order is the order in the body.
_OPTIONS: dict[str, Callable[[Any, str], object]] = {
    "frequency_penalty": _number,
    "logit_bias": _logit_bias,
    "logprobs": _values.flag,
    "top_logprobs": _values.non_negative_int,
    "max_tokens": _values.positive_int,
    "n": _values.positive_int,
    "presence_penalty": _number,
    "response_format": _response_format,
    "seed": _int,
    "stop": _stop,
    "temperature": _number,
    "top_p": _number,
}


def _messages(messages: object) -> list[dict[str, Any]]:
    if isinstance(messages, str | bytes | Mapping) or not isinstance(messages, Sequence):
        raise InvalidArgumentError(
            'messages must be a list of {"role": ..., "content": ...} dicts, got '
            f"{type(messages).__name__}",
            argument="messages",
        )
    if not messages:
        raise InvalidArgumentError("messages must not be empty", argument="messages")
    checked = []
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, Mapping):
            raise InvalidArgumentError(
                f"{where} must be a dict with role and content, got {type(message).__name__}",
                argument=where,
            )
        role = message.get("role")
        if role not in _ROLES:
            raise InvalidArgumentError(
                f"{where}['role'] must be one of {', '.join(sorted(_ROLES))}, got {role!r}",
                argument=f"{where}.role",
            )
        content = message.get("content")
        if not isinstance(content, str):
            raise InvalidArgumentError(
                f"{where}['content'] must be a string, got {type(content).__name__}",
                argument=f"{where}.content",
            )
        checked.append(dict(message))  # a copy: the caller's dict is never touched
    return checked


def prompt_messages(user: object, system: object) -> list[ChatCompletionMessage]:
    """The ``[system?, user]`` conversation of ``client.chat.prompt``."""
    if not isinstance(user, str):
        raise InvalidArgumentError(
            f"user must be a string, got {type(user).__name__}", argument="user"
        )
    if not user.strip():
        raise InvalidArgumentError("user must not be empty: it is the prompt", argument="user")
    messages: list[ChatCompletionMessage] = []
    if system is not None:
        if not isinstance(system, str):
            raise InvalidArgumentError(
                f"system must be a string or None, got {type(system).__name__}",
                argument="system",
            )
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": user})
    return messages


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """A chat request to send, built by :func:`chat_request`.

    ``url`` is a path under the QStash base URL for the Upstash provider, else the provider's
    absolute URL (``third_party``). ``secret`` is the provider key, redacted from errors.
    The ``repr`` shows header names only.
    """

    url: str
    headers: dict[str, str]
    content: bytes
    stream: bool
    third_party: bool
    secret: str = field(default="", repr=False)

    def __repr__(self) -> str:
        return (
            f"ChatRequest(url={self.url!r}, headers={sorted(self.headers)!r}, "
            f"content=<{len(self.content)} bytes>, stream={self.stream!r})"
        )


def chat_request(
    *,
    messages: object,
    model: object,
    provider: object,
    stream: object,
    options: Mapping[str, object],
) -> ChatRequest:
    """Validate a chat call and build its request; raises :class:`InvalidArgumentError`."""
    given: dict[str, object] = {}
    for name, value in options.items():
        check = _OPTIONS.get(name)
        if check is None:
            raise InvalidArgumentError(
                f"unknown chat option {name!r}; the options are {', '.join(_OPTIONS)}",
                argument=name,
            )
        if value is not None:
            given[name] = check(value, name)
    body: dict[str, Any] = {
        "model": _values.non_empty(model, "model"),
        "messages": _messages(messages),
    }
    body.update((name, given[name]) for name in _OPTIONS if name in given)
    streaming = _values.flag(stream, "stream")
    if streaming:
        body["stream"] = True
    try:
        content = _ENCODER.encode(body).encode()
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"the chat request cannot be sent as JSON: {exc}", argument="messages"
        ) from None
    headers = {"Content-Type": "application/json"}
    if streaming:
        headers["Accept"] = "text/event-stream"
        headers["Cache-Control"] = "no-cache"
    else:
        headers["Accept"] = "application/json"
    if provider is None:
        return ChatRequest(_UPSTASH_CHAT_PATH, headers, content, streaming, third_party=False)
    if not isinstance(provider, LlmProvider):
        raise InvalidArgumentError(
            "provider must be an LlmProvider from qstash.chat (upstash(), openai(key) or "
            f"custom(base_url, key)), got {type(provider).__name__}",
            argument="provider",
        )
    if not provider.base_url:
        return ChatRequest(_UPSTASH_CHAT_PATH, headers, content, streaming, third_party=False)
    if not provider.chat_route:
        raise InvalidArgumentError(
            f"{provider.name} has no OpenAI-compatible chat completions endpoint, so it cannot "
            "be used with client.chat (it still works for publishing with api=...)",
            argument="provider",
        )
    headers.update(provider.forward_headers())
    return ChatRequest(
        provider.base_url + provider.chat_route,
        headers,
        content,
        streaming,
        third_party=True,
        secret=provider.token,
    )


# --- chat results ------------------------------------------------------------------------------


class ChatFinishReason(enum.StrEnum):
    """Why a choice stopped. A value not listed here is kept as a plain ``str``."""

    STOP = "stop"
    """The model finished, or hit a ``stop`` sequence."""
    LENGTH = "length"
    """``max_tokens`` or the context length was reached."""
    TOOL_CALLS = "tool_calls"
    """The model called a tool."""
    CONTENT_FILTER = "content_filter"
    """The provider's content filter cut the output."""
    FUNCTION_CALL = "function_call"
    """The model called a function (older OpenAI models)."""


_FINISH_REASONS = {reason.value: reason for reason in ChatFinishReason}


@dataclass(frozen=True, slots=True)
class ChatTopLogprob:
    """One of the most likely tokens at a position: ``bytes`` is its UTF-8 encoding."""

    token: str
    bytes: list[int] | None
    logprob: float


@dataclass(frozen=True, slots=True)
class ChatCompletionTokenLogprob:
    """Log probability of one generated token, with the most likely alternatives."""

    token: str
    bytes: list[int] | None
    logprob: float
    top_logprobs: list[ChatTopLogprob]


@dataclass(frozen=True, slots=True)
class ChatChoiceLogprobs:
    """Log probabilities of a choice's tokens (``content`` is None when not reported)."""

    content: list[ChatCompletionTokenLogprob] | None


@dataclass(frozen=True, slots=True)
class ChatChoiceMessage:
    """The generated message: ``role`` (``assistant``) and ``content`` (None for tool calls)."""

    role: str
    content: str | None


@dataclass(frozen=True, slots=True)
class ChatChoice:
    """One generated answer."""

    message: ChatChoiceMessage
    index: int
    finish_reason: ChatFinishReason | str | None
    """Why generation stopped (``stop``, ``length``...); unknown values stay ``str``."""
    logprobs: ChatChoiceLogprobs | None = None
    """Token log probabilities, when asked for with ``logprobs=True``."""


@dataclass(frozen=True, slots=True)
class ChatCompletionUsage:
    """Token counts (0 when the provider did not report one)."""

    completion_tokens: int
    prompt_tokens: int
    total_tokens: int


@dataclass(frozen=True, slots=True)
class ChatCompletion:
    """A chat completion. ``created`` is in unix seconds."""

    id: str
    choices: list[ChatChoice]
    created: int | None
    model: str | None
    object: str = "chat.completion"
    system_fingerprint: str | None = None
    usage: ChatCompletionUsage | None = None


@dataclass(frozen=True, slots=True)
class ChatChunkChoiceMessage:
    """New text of one choice: ``role`` comes in the first chunk only."""

    role: str | None
    content: str | None


@dataclass(frozen=True, slots=True)
class ChatChunkChoice:
    """The increment of one choice in a streamed completion."""

    delta: ChatChunkChoiceMessage
    finish_reason: ChatFinishReason | str | None
    """Set in the last chunk of the choice; unknown values stay ``str``."""
    index: int
    logprobs: ChatChoiceLogprobs | None = None


@dataclass(frozen=True, slots=True)
class ChatCompletionChunk:
    """One event of a streamed completion. ``usage`` is usually in the last chunk only."""

    id: str
    choices: list[ChatChunkChoice]
    created: int | None
    model: str | None
    object: str = "chat.completion.chunk"
    system_fingerprint: str | None = None
    usage: ChatCompletionUsage | None = None


def _finish_reason(value: Any) -> ChatFinishReason | str | None:
    value = opt(value)
    if value is None:
        return None
    text = str(value)
    return _FINISH_REASONS.get(text, text)


def _top_logprob(model: om.ChatTopLogprob) -> ChatTopLogprob:
    return ChatTopLogprob(model.token, opt(model.bytes_), model.logprob)


def _logprobs(value: Any) -> ChatChoiceLogprobs | None:
    from qstash_openapi.models import ChatLogprobs

    if not isinstance(value, ChatLogprobs):
        return None
    content = opt(value.content)
    if not isinstance(content, list):
        return ChatChoiceLogprobs(None)
    return ChatChoiceLogprobs(
        [
            ChatCompletionTokenLogprob(
                item.token,
                opt(item.bytes_),
                item.logprob,
                [_top_logprob(top) for top in opt(item.top_logprobs) or ()],
            )
            for item in content
        ]
    )


def _usage(value: Any) -> ChatCompletionUsage | None:
    from qstash_openapi.models import ChatUsage

    if not isinstance(value, ChatUsage):
        return None
    return ChatCompletionUsage(
        opt(value.completion_tokens) or 0,
        opt(value.prompt_tokens) or 0,
        opt(value.total_tokens) or 0,
    )


def _load(text: str | bytes, what: str, secrets: Sequence[str]) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        raise QStashError(f"the chat provider sent {what} that is not JSON") from None
    if not isinstance(data, dict):
        raise QStashError(f"the chat provider sent {what} that is not a JSON object")
    if "error" in data and "choices" not in data:
        # OpenAI-compatible APIs report some failures in a 200 body or mid-stream this way.
        error = data["error"]
        detail = error.get("message", error) if isinstance(error, dict) else error
        raise QStashError(redact(f"the chat provider reported an error: {detail}", secrets))
    return data


_MALFORMED = (KeyError, TypeError, ValueError, AttributeError)


def parse_completion(content: bytes, secrets: Sequence[str] = ()) -> ChatCompletion:
    """Parse a chat completion response body (through the generated ``ChatCompletion``)."""
    from qstash_openapi.models import ChatCompletion as Model

    data = _load(content, "a completion", secrets)
    try:
        model = Model.from_dict(data)
        return ChatCompletion(
            id=model.id,
            choices=[
                ChatChoice(
                    ChatChoiceMessage(
                        opt(choice.message.role) or "assistant", opt(choice.message.content)
                    ),
                    opt(choice.index) or 0,
                    _finish_reason(choice.finish_reason),
                    _logprobs(choice.logprobs),
                )
                for choice in model.choices
            ],
            created=opt(model.created),
            model=opt(model.model),
            object=opt(model.object_) or "chat.completion",
            system_fingerprint=opt(model.system_fingerprint),
            usage=_usage(model.usage),
        )
    except _MALFORMED as exc:
        raise QStashError(
            f"the chat provider sent a completion of an unexpected shape ({type(exc).__name__})"
        ) from None


def parse_chunk(data: str, secrets: Sequence[str] = ()) -> ChatCompletionChunk:
    """Parse the ``data`` of one stream event (through the generated ``ChatCompletionChunk``)."""
    from qstash_openapi.models import ChatCompletionChunk as Model

    loaded = _load(data, "a stream event", secrets)
    try:
        model = Model.from_dict(loaded)
        return ChatCompletionChunk(
            id=model.id,
            choices=[
                ChatChunkChoice(
                    ChatChunkChoiceMessage(opt(choice.delta.role), opt(choice.delta.content)),
                    _finish_reason(choice.finish_reason),
                    opt(choice.index) or 0,
                    _logprobs(choice.logprobs),
                )
                for choice in model.choices
            ],
            created=opt(model.created),
            model=opt(model.model),
            object=opt(model.object_) or "chat.completion.chunk",
            system_fingerprint=opt(model.system_fingerprint),
            usage=_usage(model.usage),
        )
    except _MALFORMED as exc:
        raise QStashError(
            f"the chat provider sent a stream event of an unexpected shape ({type(exc).__name__})"
        ) from None


_LAZY = {
    "ChatApi": "qstash._sync.chat",
    "ChatCompletionChunkStream": "qstash._sync.chat",
    "AsyncChatApi": "qstash._async.chat",
    "AsyncChatCompletionChunkStream": "qstash._async.chat",
}


def __getattr__(name: str) -> Any:
    # The API and stream classes live in the sync/async packages, which import this module;
    # resolve them lazily so `from qstash.chat import ChatApi` works without a cycle.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'qstash.chat' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
