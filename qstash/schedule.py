"""Schedules: messages QStash produces on every tick of a cron expression.

``client.schedule`` is a :class:`ScheduleApi` (sync) or :class:`AsyncScheduleApi` (async).
``create`` / ``create_json`` take the message options of :mod:`qstash.message` (``headers``,
``retries``, ``callback``, ``delay``, ``flow_control``, ``label``...; not ``not_before`` or
deduplication) plus:

=============== ======================= ==================================================
option          header                  value
=============== ======================= ==================================================
destination     the request path        an http(s) URL or a URL group name
cron            ``Upstash-Cron``        5-field cron, UTC; ``CRON_TZ=<zone> `` for a zone
schedule_id     ``Upstash-Schedule-Id`` your id: creating with an existing id updates it
queue           ``Upstash-Queue-Name``  enqueue each produced message into this queue
=============== ======================= ==================================================

The cron expression is checked before anything is sent (the grammar of QStash's parser:
``*``, ``N``, ``A-B``, ``/STEP``, lists, JAN-DEC, SUN-SAT, ``@daily``, ``@every 1h`` and
friends); the error names the wrong field.
"""

from __future__ import annotations

import enum
import json as _json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qstash._cron import check_cron
from qstash._lazy import api_classes
from qstash._options import ScheduleJsonOptions, ScheduleOptions
from qstash._parse import body_bytes, expect, first, header_fields, opt
from qstash._publish import RequestSpec, schedule_request
from qstash.errors import QStashError
from qstash.message import FlowControlProperties, _flow_control

if TYPE_CHECKING:
    from qstash._async.schedule import AsyncScheduleApi
    from qstash._sync.schedule import ScheduleApi

__all__ = [
    "AsyncScheduleApi",
    "FlowControlProperties",
    "Schedule",
    "ScheduleApi",
    "ScheduleJsonOptions",
    "ScheduleOptions",
    "ScheduleState",
]


class ScheduleState(enum.StrEnum):
    """State of a message the last tick of a schedule produced."""

    IN_PROGRESS = "IN_PROGRESS"
    SUCCESS = "SUCCESS"
    FAIL = "FAIL"


@dataclass(frozen=True, slots=True)
class Schedule:
    """A schedule. Times are unix milliseconds; ``delay`` and ``timeout`` are seconds."""

    schedule_id: str
    destination: str
    """The URL or URL group name the produced messages go to."""
    cron: str
    created_at: int
    body: str | None = None
    """The body as text, when it is valid UTF-8 (see :attr:`body_base64` otherwise)."""
    body_base64: str | None = None
    method: str | None = None
    headers: dict[str, list[str]] | None = None
    callback_headers: dict[str, list[str]] | None = None
    failure_callback_headers: dict[str, list[str]] | None = None
    retries: int | None = None
    retry_delay_expression: str | None = None
    callback: str | None = None
    failure_callback: str | None = None
    queue: str | None = None
    """The queue the produced messages are enqueued into."""
    delay: int | None = None
    timeout: int | None = None
    caller_ip: str | None = None
    paused: bool = False
    flow_control: FlowControlProperties | None = None
    last_schedule_time: int | None = None
    next_schedule_time: int | None = None
    last_schedule_states: dict[str, ScheduleState | str] | None = None
    """State of each message of the last tick, by message id (a ``str`` for a state this
    version does not know)."""
    error: str | None = None
    """The last error of the schedule, if any."""
    label: str | None = None
    labels: list[str] = field(default_factory=list)

    @property
    def body_bytes(self) -> bytes | None:
        """The body as bytes, whichever way QStash sent it."""
        return body_bytes(self.body, self.body_base64)


def _state(value: object) -> ScheduleState | str:
    text = value if isinstance(value, str) else str(value)
    try:
        return ScheduleState(text)
    except ValueError:
        return text


def parse_schedule(parsed: Any) -> Schedule:
    """A generated ``Schedule`` (``getSchedule``, ``listSchedules``) as a :class:`Schedule`."""
    from qstash_openapi.models import Schedule as ScheduleModel

    model = expect(parsed, ScheduleModel)
    states = opt(model.last_schedule_states)
    labels = opt(model.labels)
    return Schedule(
        schedule_id=model.schedule_id,
        destination=model.destination,
        cron=model.cron,
        created_at=model.created_at,
        body=opt(model.body),
        body_base64=opt(model.body_base_64),
        method=opt(model.method),
        **header_fields(model),
        retries=opt(model.retries),
        retry_delay_expression=first(model.retry_delay_expression, model.retry_delay_expr),
        callback=opt(model.callback),
        failure_callback=opt(model.failure_callback),
        queue=opt(model.queue_name),
        delay=opt(model.delay),
        timeout=opt(model.timeout),
        caller_ip=first(model.callerIP, model.callerIp),
        paused=opt(model.is_paused) or False,
        flow_control=_flow_control(model),
        last_schedule_time=opt(model.last_schedule_time),
        next_schedule_time=opt(model.next_schedule_time),
        last_schedule_states=(
            None
            if states is None
            else {key: _state(value) for key, value in states.additional_properties.items()}
        ),
        error=opt(model.error),
        label=opt(model.label),
        labels=list(labels) if labels else [],
    )


def parse_schedules(parsed: Any) -> list[Schedule]:
    """The generated list of ``listSchedules`` as :class:`Schedule` objects."""
    return [parse_schedule(item) for item in expect(parsed, list)]


def create_request(options: Mapping[str, object], *, json: bool) -> RequestSpec:
    """Build ``POST /v2/schedules/<destination>``, with the cron expression checked first."""
    cron = options.get("cron")
    if cron is not None:
        check_cron(cron, "cron")
    return schedule_request(options, json=json)


def parse_schedule_id(content: bytes) -> str:
    """The ``scheduleId`` of a schedule create response body."""
    try:
        data = _json.loads(content)
    except ValueError:
        data = None
    schedule_id = data.get("scheduleId") if isinstance(data, dict) else None
    if not isinstance(schedule_id, str) or not schedule_id:
        raise QStashError("QStash answered a schedule create without a scheduleId")
    return schedule_id


__getattr__ = api_classes("schedule", "ScheduleApi")
