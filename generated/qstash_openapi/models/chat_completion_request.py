from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.chat_completion_request_logit_bias import (
        ChatCompletionRequestLogitBias,
    )
    from ..models.chat_message import ChatMessage
    from ..models.chat_response_format import ChatResponseFormat


T = TypeVar("T", bound="ChatCompletionRequest")


@_attrs_define
class ChatCompletionRequest:
    """An OpenAI-compatible chat completion request.

    Attributes:
        model (str): Model name (for example `meta-llama/Meta-Llama-3-8B-Instruct`).
        messages (list[ChatMessage]): The conversation so far.
        frequency_penalty (float | Unset): Penalty for frequent tokens, -2.0 to 2.0.
        logit_bias (ChatCompletionRequestLogitBias | Unset): Token id to bias (-100 to 100).
        logprobs (bool | Unset): Return log probabilities of the output tokens.
        top_logprobs (int | Unset): Number of most likely tokens to return per position (requires `logprobs`).
        max_tokens (int | Unset): Maximum number of tokens to generate.
        n (int | Unset): Number of choices to generate.
        presence_penalty (float | Unset): Penalty for tokens already present, -2.0 to 2.0.
        response_format (ChatResponseFormat | Unset): Requested output format.
        seed (int | Unset): Seed for deterministic sampling.
        stop (list[str] | str | Unset): Up to 4 sequences where generation stops.
        stream (bool | Unset): Stream the answer as server-sent events of `ChatCompletionChunk`.
        temperature (float | Unset): Sampling temperature, 0 to 2.
        top_p (float | Unset): Nucleus sampling probability mass.
    """

    model: str
    messages: list[ChatMessage]
    frequency_penalty: float | Unset = UNSET
    logit_bias: ChatCompletionRequestLogitBias | Unset = UNSET
    logprobs: bool | Unset = UNSET
    top_logprobs: int | Unset = UNSET
    max_tokens: int | Unset = UNSET
    n: int | Unset = UNSET
    presence_penalty: float | Unset = UNSET
    response_format: ChatResponseFormat | Unset = UNSET
    seed: int | Unset = UNSET
    stop: list[str] | str | Unset = UNSET
    stream: bool | Unset = UNSET
    temperature: float | Unset = UNSET
    top_p: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        messages = []
        for messages_item_data in self.messages:
            messages_item = messages_item_data.to_dict()
            messages.append(messages_item)

        frequency_penalty = self.frequency_penalty

        logit_bias: dict[str, Any] | Unset = UNSET
        if not isinstance(self.logit_bias, Unset):
            logit_bias = self.logit_bias.to_dict()

        logprobs = self.logprobs

        top_logprobs = self.top_logprobs

        max_tokens = self.max_tokens

        n = self.n

        presence_penalty = self.presence_penalty

        response_format: dict[str, Any] | Unset = UNSET
        if not isinstance(self.response_format, Unset):
            response_format = self.response_format.to_dict()

        seed = self.seed

        stop: list[str] | str | Unset
        if isinstance(self.stop, Unset):
            stop = UNSET
        elif isinstance(self.stop, list):
            stop = self.stop

        else:
            stop = self.stop

        stream = self.stream

        temperature = self.temperature

        top_p = self.top_p

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "messages": messages,
            }
        )
        if frequency_penalty is not UNSET:
            field_dict["frequency_penalty"] = frequency_penalty
        if logit_bias is not UNSET:
            field_dict["logit_bias"] = logit_bias
        if logprobs is not UNSET:
            field_dict["logprobs"] = logprobs
        if top_logprobs is not UNSET:
            field_dict["top_logprobs"] = top_logprobs
        if max_tokens is not UNSET:
            field_dict["max_tokens"] = max_tokens
        if n is not UNSET:
            field_dict["n"] = n
        if presence_penalty is not UNSET:
            field_dict["presence_penalty"] = presence_penalty
        if response_format is not UNSET:
            field_dict["response_format"] = response_format
        if seed is not UNSET:
            field_dict["seed"] = seed
        if stop is not UNSET:
            field_dict["stop"] = stop
        if stream is not UNSET:
            field_dict["stream"] = stream
        if temperature is not UNSET:
            field_dict["temperature"] = temperature
        if top_p is not UNSET:
            field_dict["top_p"] = top_p

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.chat_completion_request_logit_bias import (
            ChatCompletionRequestLogitBias,
        )
        from ..models.chat_message import ChatMessage
        from ..models.chat_response_format import ChatResponseFormat

        d = dict(src_dict)
        model = d.pop("model")

        messages = []
        _messages = d.pop("messages")
        for messages_item_data in _messages:
            messages_item = ChatMessage.from_dict(messages_item_data)

            messages.append(messages_item)

        frequency_penalty = d.pop("frequency_penalty", UNSET)

        _logit_bias = d.pop("logit_bias", UNSET)
        logit_bias: ChatCompletionRequestLogitBias | Unset
        if isinstance(_logit_bias, Unset):
            logit_bias = UNSET
        else:
            logit_bias = ChatCompletionRequestLogitBias.from_dict(_logit_bias)

        logprobs = d.pop("logprobs", UNSET)

        top_logprobs = d.pop("top_logprobs", UNSET)

        max_tokens = d.pop("max_tokens", UNSET)

        n = d.pop("n", UNSET)

        presence_penalty = d.pop("presence_penalty", UNSET)

        _response_format = d.pop("response_format", UNSET)
        response_format: ChatResponseFormat | Unset
        if isinstance(_response_format, Unset):
            response_format = UNSET
        else:
            response_format = ChatResponseFormat.from_dict(_response_format)

        seed = d.pop("seed", UNSET)

        def _parse_stop(data: object) -> list[str] | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                stop_type_1 = cast(list[str], data)

                return stop_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | str | Unset, data)

        stop = _parse_stop(d.pop("stop", UNSET))

        stream = d.pop("stream", UNSET)

        temperature = d.pop("temperature", UNSET)

        top_p = d.pop("top_p", UNSET)

        chat_completion_request = cls(
            model=model,
            messages=messages,
            frequency_penalty=frequency_penalty,
            logit_bias=logit_bias,
            logprobs=logprobs,
            top_logprobs=top_logprobs,
            max_tokens=max_tokens,
            n=n,
            presence_penalty=presence_penalty,
            response_format=response_format,
            seed=seed,
            stop=stop,
            stream=stream,
            temperature=temperature,
            top_p=top_p,
        )

        chat_completion_request.additional_properties = d
        return chat_completion_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
