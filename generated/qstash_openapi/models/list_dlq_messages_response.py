from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dlq_message import DlqMessage


T = TypeVar("T", bound="ListDlqMessagesResponse")


@_attrs_define
class ListDlqMessagesResponse:
    """One page of DLQ entries.

    Attributes:
        messages (list[DlqMessage] | Unset): The entries; absent means none.
        cursor (str | Unset): Cursor of the next page; absent or empty on the last page.
    """

    messages: list[DlqMessage] | Unset = UNSET
    cursor: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        messages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.messages, Unset):
            messages = []
            for messages_item_data in self.messages:
                messages_item = messages_item_data.to_dict()
                messages.append(messages_item)

        cursor = self.cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if messages is not UNSET:
            field_dict["messages"] = messages
        if cursor is not UNSET:
            field_dict["cursor"] = cursor

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.dlq_message import DlqMessage

        d = dict(src_dict)
        _messages = d.pop("messages", UNSET)
        messages: list[DlqMessage] | Unset = UNSET
        if _messages is not UNSET:
            messages = []
            for messages_item_data in _messages:
                messages_item = DlqMessage.from_dict(messages_item_data)

                messages.append(messages_item)

        cursor = d.pop("cursor", UNSET)

        list_dlq_messages_response = cls(
            messages=messages,
            cursor=cursor,
        )

        list_dlq_messages_response.additional_properties = d
        return list_dlq_messages_response

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
