from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpsertQueueRequest")


@_attrs_define
class UpsertQueueRequest:
    """Settings of a queue to create or update.

    Attributes:
        queue_name (str): The queue name (letters, digits, `-`, `_`, `.`).
        parallelism (int | Unset): Maximum number of concurrent deliveries.
        paused (bool | Unset): Whether deliveries are paused.
    """

    queue_name: str
    parallelism: int | Unset = UNSET
    paused: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        queue_name = self.queue_name

        parallelism = self.parallelism

        paused = self.paused

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "queueName": queue_name,
            }
        )
        if parallelism is not UNSET:
            field_dict["parallelism"] = parallelism
        if paused is not UNSET:
            field_dict["paused"] = paused

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        queue_name = d.pop("queueName")

        parallelism = d.pop("parallelism", UNSET)

        paused = d.pop("paused", UNSET)

        upsert_queue_request = cls(
            queue_name=queue_name,
            parallelism=parallelism,
            paused=paused,
        )

        upsert_queue_request.additional_properties = d
        return upsert_queue_request

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
