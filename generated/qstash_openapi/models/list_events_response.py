from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.log import Log


T = TypeVar("T", bound="ListEventsResponse")


@_attrs_define
class ListEventsResponse:
    """One page of log entries (`GET /v2/events`).

    Attributes:
        cursor (str | Unset): Cursor of the next page; absent on the last page.
        events (list[Log] | Unset): The entries; absent means none.
    """

    cursor: str | Unset = UNSET
    events: list[Log] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cursor = self.cursor

        events: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for events_item_data in self.events:
                events_item = events_item_data.to_dict()
                events.append(events_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if cursor is not UNSET:
            field_dict["cursor"] = cursor
        if events is not UNSET:
            field_dict["events"] = events

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.log import Log

        d = dict(src_dict)
        cursor = d.pop("cursor", UNSET)

        _events = d.pop("events", UNSET)
        events: list[Log] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for events_item_data in _events:
                events_item = Log.from_dict(events_item_data)

                events.append(events_item)

        list_events_response = cls(
            cursor=cursor,
            events=events,
        )

        list_events_response.additional_properties = d
        return list_events_response

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
