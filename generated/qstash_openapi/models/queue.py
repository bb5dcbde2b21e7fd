from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Queue")


@_attrs_define
class Queue:
    """A queue.

    Attributes:
        name (str): The queue name.
        parallelism (int | Unset): Maximum number of concurrent deliveries.
        paused (bool | Unset): Whether deliveries are paused; absent means false.
        lag (int | Unset): Number of messages not processed yet.
        created_at (int | Unset): Creation time, in unix milliseconds.
        updated_at (int | Unset): Last update time, in unix milliseconds.
    """

    name: str
    parallelism: int | Unset = UNSET
    paused: bool | Unset = UNSET
    lag: int | Unset = UNSET
    created_at: int | Unset = UNSET
    updated_at: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        parallelism = self.parallelism

        paused = self.paused

        lag = self.lag

        created_at = self.created_at

        updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if parallelism is not UNSET:
            field_dict["parallelism"] = parallelism
        if paused is not UNSET:
            field_dict["paused"] = paused
        if lag is not UNSET:
            field_dict["lag"] = lag
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if updated_at is not UNSET:
            field_dict["updatedAt"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        parallelism = d.pop("parallelism", UNSET)

        paused = d.pop("paused", UNSET)

        lag = d.pop("lag", UNSET)

        created_at = d.pop("createdAt", UNSET)

        updated_at = d.pop("updatedAt", UNSET)

        queue = cls(
            name=name,
            parallelism=parallelism,
            paused=paused,
            lag=lag,
            created_at=created_at,
            updated_at=updated_at,
        )

        queue.additional_properties = d
        return queue

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
