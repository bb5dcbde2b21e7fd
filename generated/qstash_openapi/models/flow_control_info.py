from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="FlowControlInfo")


@_attrs_define
class FlowControlInfo:
    """Limits and usage of one flow-control key.

    Attributes:
        flow_control_key (str): The key.
        wait_list_size (int | Unset): Number of messages waiting for capacity.
        parallelism_max (int | Unset): Maximum number of concurrent deliveries.
        parallelism_count (int | Unset): Deliveries in flight now.
        rate_max (int | Unset): Maximum number of deliveries started per period.
        rate_count (int | Unset): Deliveries started in the current period.
        rate_period (int | Unset): Length of the rate period, in seconds.
        rate_period_start (int | Unset): Start of the current rate period, in unix seconds.
        is_paused (bool | Unset): Whether deliveries with this key are paused; absent means false.
        is_pinned_parallelism (bool | Unset): Whether the parallelism is pinned; absent means false.
        is_pinned_rate (bool | Unset): Whether the rate is pinned; absent means false.
    """

    flow_control_key: str
    wait_list_size: int | Unset = UNSET
    parallelism_max: int | Unset = UNSET
    parallelism_count: int | Unset = UNSET
    rate_max: int | Unset = UNSET
    rate_count: int | Unset = UNSET
    rate_period: int | Unset = UNSET
    rate_period_start: int | Unset = UNSET
    is_paused: bool | Unset = UNSET
    is_pinned_parallelism: bool | Unset = UNSET
    is_pinned_rate: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        flow_control_key = self.flow_control_key

        wait_list_size = self.wait_list_size

        parallelism_max = self.parallelism_max

        parallelism_count = self.parallelism_count

        rate_max = self.rate_max

        rate_count = self.rate_count

        rate_period = self.rate_period

        rate_period_start = self.rate_period_start

        is_paused = self.is_paused

        is_pinned_parallelism = self.is_pinned_parallelism

        is_pinned_rate = self.is_pinned_rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "flowControlKey": flow_control_key,
            }
        )
        if wait_list_size is not UNSET:
            field_dict["waitListSize"] = wait_list_size
        if parallelism_max is not UNSET:
            field_dict["parallelismMax"] = parallelism_max
        if parallelism_count is not UNSET:
            field_dict["parallelismCount"] = parallelism_count
        if rate_max is not UNSET:
            field_dict["rateMax"] = rate_max
        if rate_count is not UNSET:
            field_dict["rateCount"] = rate_count
        if rate_period is not UNSET:
            field_dict["ratePeriod"] = rate_period
        if rate_period_start is not UNSET:
            field_dict["ratePeriodStart"] = rate_period_start
        if is_paused is not UNSET:
            field_dict["isPaused"] = is_paused
        if is_pinned_parallelism is not UNSET:
            field_dict["isPinnedParallelism"] = is_pinned_parallelism
        if is_pinned_rate is not UNSET:
            field_dict["isPinnedRate"] = is_pinned_rate

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        flow_control_key = d.pop("flowControlKey")

        wait_list_size = d.pop("waitListSize", UNSET)

        parallelism_max = d.pop("parallelismMax", UNSET)

        parallelism_count = d.pop("parallelismCount", UNSET)

        rate_max = d.pop("rateMax", UNSET)

        rate_count = d.pop("rateCount", UNSET)

        rate_period = d.pop("ratePeriod", UNSET)

        rate_period_start = d.pop("ratePeriodStart", UNSET)

        is_paused = d.pop("isPaused", UNSET)

        is_pinned_parallelism = d.pop("isPinnedParallelism", UNSET)

        is_pinned_rate = d.pop("isPinnedRate", UNSET)

        flow_control_info = cls(
            flow_control_key=flow_control_key,
            wait_list_size=wait_list_size,
            parallelism_max=parallelism_max,
            parallelism_count=parallelism_count,
            rate_max=rate_max,
            rate_count=rate_count,
            rate_period=rate_period,
            rate_period_start=rate_period_start,
            is_paused=is_paused,
            is_pinned_parallelism=is_pinned_parallelism,
            is_pinned_rate=is_pinned_rate,
        )

        flow_control_info.additional_properties = d
        return flow_control_info

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
