from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.log import Log


T = TypeVar("T", bound="ListLogsResponse")


@_attrs_define
class ListLogsResponse:
    """One page of log entries (`GET /v2/logs`).

    Attributes:
        cursor (str | Unset): Cursor of the next page; absent on the last page.
        logs (list[Log] | Unset): The entries; absent means none.
    """

    cursor: str | Unset = UNSET
    logs: list[Log] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cursor = self.cursor

        logs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.logs, Unset):
            logs = []
            for logs_item_data in self.logs:
                logs_item = logs_item_data.to_dict()
                logs.append(logs_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if cursor is not UNSET:
            field_dict["cursor"] = cursor
        if logs is not UNSET:
            field_dict["logs"] = logs

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.log import Log

        d = dict(src_dict)
        cursor = d.pop("cursor", UNSET)

        _logs = d.pop("logs", UNSET)
        logs: list[Log] | Unset = UNSET
        if _logs is not UNSET:
            logs = []
            for logs_item_data in _logs:
                logs_item = Log.from_dict(logs_item_data)

                logs.append(logs_item)

        list_logs_response = cls(
            cursor=cursor,
            logs=logs,
        )

        list_logs_response.additional_properties = d
        return list_logs_response

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
