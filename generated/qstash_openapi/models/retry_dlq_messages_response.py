from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.retry_dlq_message_response import RetryDlqMessageResponse


T = TypeVar("T", bound="RetryDlqMessagesResponse")


@_attrs_define
class RetryDlqMessagesResponse:
    """The result of a bulk DLQ retry.

    Attributes:
        cursor (str | Unset): Cursor to continue with; absent or empty when done.
        responses (list[RetryDlqMessageResponse] | Unset): One entry per retried DLQ entry; absent means none.
    """

    cursor: str | Unset = UNSET
    responses: list[RetryDlqMessageResponse] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cursor = self.cursor

        responses: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.responses, Unset):
            responses = []
            for responses_item_data in self.responses:
                responses_item = responses_item_data.to_dict()
                responses.append(responses_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if cursor is not UNSET:
            field_dict["cursor"] = cursor
        if responses is not UNSET:
            field_dict["responses"] = responses

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.retry_dlq_message_response import RetryDlqMessageResponse

        d = dict(src_dict)
        cursor = d.pop("cursor", UNSET)

        _responses = d.pop("responses", UNSET)
        responses: list[RetryDlqMessageResponse] | Unset = UNSET
        if _responses is not UNSET:
            responses = []
            for responses_item_data in _responses:
                responses_item = RetryDlqMessageResponse.from_dict(responses_item_data)

                responses.append(responses_item)

        retry_dlq_messages_response = cls(
            cursor=cursor,
            responses=responses,
        )

        retry_dlq_messages_response.additional_properties = d
        return retry_dlq_messages_response

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
