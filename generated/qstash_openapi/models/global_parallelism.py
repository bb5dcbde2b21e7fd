from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="GlobalParallelism")


@_attrs_define
class GlobalParallelism:
    """Account-wide parallelism. The server omits zero values.

    Attributes:
        parallelism_max (int | Unset): Maximum number of concurrent deliveries; absent means 0.
        parallelism_count (int | Unset): Deliveries in flight now; absent means 0.
    """

    parallelism_max: int | Unset = UNSET
    parallelism_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        parallelism_max = self.parallelism_max

        parallelism_count = self.parallelism_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if parallelism_max is not UNSET:
            field_dict["parallelismMax"] = parallelism_max
        if parallelism_count is not UNSET:
            field_dict["parallelismCount"] = parallelism_count

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        parallelism_max = d.pop("parallelismMax", UNSET)

        parallelism_count = d.pop("parallelismCount", UNSET)

        global_parallelism = cls(
            parallelism_max=parallelism_max,
            parallelism_count=parallelism_count,
        )

        global_parallelism.additional_properties = d
        return global_parallelism

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
