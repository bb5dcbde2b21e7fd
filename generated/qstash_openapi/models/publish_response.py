from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PublishResponse")


@_attrs_define
class PublishResponse:
    """The result of publishing one message to one destination.

    Attributes:
        message_id (str): Id of the new message (of the existing one when deduplicated).
        url (str | Unset): The destination URL (for URL groups, the endpoint this message goes to).
        deduplicated (bool | Unset): True when the message was a duplicate and not enqueued again.
    """

    message_id: str
    url: str | Unset = UNSET
    deduplicated: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message_id = self.message_id

        url = self.url

        deduplicated = self.deduplicated

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "messageId": message_id,
            }
        )
        if url is not UNSET:
            field_dict["url"] = url
        if deduplicated is not UNSET:
            field_dict["deduplicated"] = deduplicated

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        message_id = d.pop("messageId")

        url = d.pop("url", UNSET)

        deduplicated = d.pop("deduplicated", UNSET)

        publish_response = cls(
            message_id=message_id,
            url=url,
            deduplicated=deduplicated,
        )

        publish_response.additional_properties = d
        return publish_response

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
