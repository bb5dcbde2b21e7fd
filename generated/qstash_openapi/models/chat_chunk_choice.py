from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.chat_chunk_delta import ChatChunkDelta
    from ..models.chat_logprobs import ChatLogprobs


T = TypeVar("T", bound="ChatChunkChoice")


@_attrs_define
class ChatChunkChoice:
    """The increment of one choice.

    Attributes:
        delta (ChatChunkDelta): New text of one choice.
        index (int | Unset): Position of the choice.
        finish_reason (None | str | Unset): Why generation stopped (last chunk of the choice): stop, length, or another
            value.
        logprobs (ChatLogprobs | None | Unset):
    """

    delta: ChatChunkDelta
    index: int | Unset = UNSET
    finish_reason: None | str | Unset = UNSET
    logprobs: ChatLogprobs | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.chat_logprobs import ChatLogprobs

        delta = self.delta.to_dict()

        index = self.index

        finish_reason: None | str | Unset
        if isinstance(self.finish_reason, Unset):
            finish_reason = UNSET
        else:
            finish_reason = self.finish_reason

        logprobs: dict[str, Any] | None | Unset
        if isinstance(self.logprobs, Unset):
            logprobs = UNSET
        elif isinstance(self.logprobs, ChatLogprobs):
            logprobs = self.logprobs.to_dict()
        else:
            logprobs = self.logprobs

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "delta": delta,
            }
        )
        if index is not UNSET:
            field_dict["index"] = index
        if finish_reason is not UNSET:
            field_dict["finish_reason"] = finish_reason
        if logprobs is not UNSET:
            field_dict["logprobs"] = logprobs

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.chat_chunk_delta import ChatChunkDelta
        from ..models.chat_logprobs import ChatLogprobs

        d = dict(src_dict)
        delta = ChatChunkDelta.from_dict(d.pop("delta"))

        index = d.pop("index", UNSET)

        def _parse_finish_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        finish_reason = _parse_finish_reason(d.pop("finish_reason", UNSET))

        def _parse_logprobs(data: object) -> ChatLogprobs | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                logprobs_type_0 = ChatLogprobs.from_dict(data)

                return logprobs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChatLogprobs | None | Unset, data)

        logprobs = _parse_logprobs(d.pop("logprobs", UNSET))

        chat_chunk_choice = cls(
            delta=delta,
            index=index,
            finish_reason=finish_reason,
            logprobs=logprobs,
        )

        chat_chunk_choice.additional_properties = d
        return chat_chunk_choice

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
