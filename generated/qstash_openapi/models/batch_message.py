from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_message_headers import BatchMessageHeaders


T = TypeVar("T", bound="BatchMessage")


@_attrs_define
class BatchMessage:
    """One message of a batch request.

    Attributes:
        destination (str): Absolute URL or URL-group name.
        headers (BatchMessageHeaders | Unset): Headers in wire form (`Upstash-*` options, `Upstash-Forward-*`, `Content-
            Type`), each name mapped to one value.
        body (str | Unset): The message body as a string.
        queue (str | Unset): Enqueue this message to this queue instead of publishing it directly.
    """

    destination: str
    headers: BatchMessageHeaders | Unset = UNSET
    body: str | Unset = UNSET
    queue: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        destination = self.destination

        headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.headers, Unset):
            headers = self.headers.to_dict()

        body = self.body

        queue = self.queue

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "destination": destination,
            }
        )
        if headers is not UNSET:
            field_dict["headers"] = headers
        if body is not UNSET:
            field_dict["body"] = body
        if queue is not UNSET:
            field_dict["queue"] = queue

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.batch_message_headers import BatchMessageHeaders

        d = dict(src_dict)
        destination = d.pop("destination")

        _headers = d.pop("headers", UNSET)
        headers: BatchMessageHeaders | Unset
        if isinstance(_headers, Unset):
            headers = UNSET
        else:
            headers = BatchMessageHeaders.from_dict(_headers)

        body = d.pop("body", UNSET)

        queue = d.pop("queue", UNSET)

        batch_message = cls(
            destination=destination,
            headers=headers,
            body=body,
            queue=queue,
        )

        batch_message.additional_properties = d
        return batch_message

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
