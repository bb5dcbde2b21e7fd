"""Flow control: rate and parallelism limits shared by every message with the same key.

``client.flow_control`` is a :class:`FlowControlApi` (sync) or :class:`AsyncFlowControlApi`
(async). Messages join a key with the ``flow_control`` option of publish, enqueue, batch and
schedule create; this API inspects keys, pauses and resumes them, and pins their limits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from qstash import _values
from qstash._lazy import api_classes
from qstash._parse import expect, opt
from qstash.errors import InvalidArgumentError

if TYPE_CHECKING:
    from qstash._async.flow_control import AsyncFlowControlApi
    from qstash._sync.flow_control import FlowControlApi

__all__ = [
    "AsyncFlowControlApi",
    "FlowControlApi",
    "FlowControlInfo",
    "GlobalParallelismInfo",
    "PinFlowControlOptions",
    "UnpinFlowControlOptions",
]


@dataclass(frozen=True, slots=True)
class FlowControlInfo:
    """Limits and usage of one flow-control key. Counts absent from the answer are 0."""

    key: str
    wait_list_size: int = 0
    """Messages waiting for capacity."""
    parallelism_max: int = 0
    """Maximum deliveries in flight at once."""
    parallelism_count: int = 0
    """Deliveries in flight now."""
    rate_max: int = 0
    """Maximum deliveries started per rate period."""
    rate_count: int = 0
    """Deliveries started in the current rate period."""
    rate_period: int = 0
    """Length of the rate period, in seconds."""
    rate_period_start: int = 0
    """Start of the current rate period, in unix seconds."""
    is_paused: bool = False
    is_pinned_parallelism: bool = False
    is_pinned_rate: bool = False


@dataclass(frozen=True, slots=True)
class GlobalParallelismInfo:
    """The account-wide parallelism: its maximum and the deliveries in flight (absent → 0)."""

    parallelism_max: int = 0
    parallelism_count: int = 0


class PinFlowControlOptions(TypedDict, total=False):
    """The limits to pin (the official SDK's options dict); give at least one."""

    parallelism: int | None
    """Maximum deliveries in flight at once."""
    rate: int | None
    """Maximum deliveries started per period."""
    period: int | str | timedelta | None
    """The rate period: seconds, a duration like ``"1m"`` / ``"1h30m"``, or a timedelta."""


class UnpinFlowControlOptions(TypedDict, total=False):
    """The limits to unpin (the official SDK's options dict); at least one must be True."""

    parallelism: bool | None
    rate: bool | None


def parse_flow_control_info(parsed: Any) -> FlowControlInfo:
    """A generated ``FlowControlInfo`` as a :class:`FlowControlInfo`."""
    from qstash_openapi.models import FlowControlInfo as InfoModel

    model = expect(parsed, InfoModel)
    return FlowControlInfo(
        key=model.flow_control_key,
        wait_list_size=opt(model.wait_list_size) or 0,
        parallelism_max=opt(model.parallelism_max) or 0,
        parallelism_count=opt(model.parallelism_count) or 0,
        rate_max=opt(model.rate_max) or 0,
        rate_count=opt(model.rate_count) or 0,
        rate_period=opt(model.rate_period) or 0,
        rate_period_start=opt(model.rate_period_start) or 0,
        is_paused=opt(model.is_paused) or False,
        is_pinned_parallelism=opt(model.is_pinned_parallelism) or False,
        is_pinned_rate=opt(model.is_pinned_rate) or False,
    )


def parse_flow_control_infos(parsed: Any) -> list[FlowControlInfo]:
    """The generated list of ``listFlowControlKeys`` as :class:`FlowControlInfo` objects."""
    return [parse_flow_control_info(item) for item in expect(parsed, list)]


def parse_global_parallelism(parsed: Any) -> GlobalParallelismInfo:
    """A generated ``GlobalParallelism`` as a :class:`GlobalParallelismInfo`."""
    from qstash_openapi.models import GlobalParallelism

    model = expect(parsed, GlobalParallelism)
    return GlobalParallelismInfo(
        parallelism_max=opt(model.parallelism_max) or 0,
        parallelism_count=opt(model.parallelism_count) or 0,
    )


_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
_DURATION_PART = re.compile(r"(\d+)([smhd])")


def period_seconds(value: object, argument: str) -> int:
    """``value`` (seconds, a duration like ``"1h30m"``, or a timedelta) in whole seconds ≥ 1."""
    text = _values.duration(value, argument, positive=True)
    return sum(int(number) * _UNIT_SECONDS[unit] for number, unit in _DURATION_PART.findall(text))


def _merge(
    options: object, keywords: dict[str, object], allowed: tuple[str, ...]
) -> dict[str, object]:
    """The options dict or the keywords (not both), without unknown keys or ``None`` values."""
    given = {name: value for name, value in keywords.items() if value is not None}
    if options is None:
        return given
    if not isinstance(options, Mapping):
        raise InvalidArgumentError(
            f"options must be a dict with the keys {', '.join(allowed)}, got "
            f"{type(options).__name__}",
            argument="options",
        )
    if given:
        raise InvalidArgumentError(
            "give the options dict or keyword arguments, not both", argument="options"
        )
    for key in options:
        if key not in allowed:
            raise InvalidArgumentError(
                f"options has an unknown key {key!r}; known keys: {', '.join(allowed)}",
                argument=f"options.{key}",
            )
    return {key: value for key, value in options.items() if value is not None}


def pin_params(
    options: object, *, parallelism: object, rate: object, period: object
) -> dict[str, int]:
    """The checked query of ``pinFlowControlKey``: the given limits, ``period`` in seconds."""
    given = _merge(
        options,
        {"parallelism": parallelism, "rate": rate, "period": period},
        ("parallelism", "rate", "period"),
    )
    if not given:
        raise InvalidArgumentError(
            "pin needs at least one of parallelism, rate or period", argument="options"
        )
    params: dict[str, int] = {}
    for name in ("parallelism", "rate"):
        if name in given:
            params[name] = _values.non_negative_int(given[name], name)
    if "period" in given:
        params["period"] = period_seconds(given["period"], "period")
    return params


def unpin_params(options: object, *, parallelism: object, rate: object) -> dict[str, bool]:
    """The checked query of ``unpinFlowControlKey``: only the limits to release (``True``)."""
    # False means "leave pinned", the same as not giving it: keep only what is released.
    given = _merge(
        options,
        {
            "parallelism": None if parallelism is False else parallelism,
            "rate": None if rate is False else rate,
        },
        ("parallelism", "rate"),
    )
    params = {name: _values.flag(value, name) for name, value in given.items()}
    params = {name: value for name, value in params.items() if value}
    if not params:
        raise InvalidArgumentError(
            "unpin needs parallelism=True and/or rate=True (what to release)", argument="options"
        )
    return params


__getattr__ = api_classes("flow_control", "FlowControlApi")
