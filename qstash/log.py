"""Logs: every state change of every message, and the ``client.log`` APIs.

``client.log`` is a :class:`LogApi` (sync) or :class:`AsyncLogApi` (async). ``list`` returns one
page (``GET /v2/events``, newest first) and the cursor of the next; ``iterate`` walks every page.
Filters (:class:`LogFilter`) take several values per key (any of them matches) and
``datetime`` times::

    for log in client.log.iterate(filter={"state": LogState.FAILED, "queue": ["a", "b"]}):
        print(log.message_id, log.error)
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from qstash._filters import LogFilter, next_cursor
from qstash._lazy import api_classes
from qstash._parse import expect, first, header_fields, header_map, opt
from qstash.message import FlowControlProperties

if TYPE_CHECKING:
    import qstash_openapi.models as om
    from qstash._async.log import AsyncLogApi
    from qstash._sync.log import LogApi

__all__ = [
    "AsyncLogApi",
    "ListEventsResponse",
    "ListLogsResponse",
    "Log",
    "LogApi",
    "LogFilter",
    "LogState",
    "parse_log",
    "parse_log_page",
    "parse_log_state",
]


class LogState(StrEnum):
    """The state a log entry records. Parsing keeps values not listed here as plain ``str``."""

    CREATED = "CREATED"
    """Accepted and stored."""
    ACTIVE = "ACTIVE"
    """Being delivered."""
    RETRY = "RETRY"
    """A retry is scheduled."""
    ERROR = "ERROR"
    """A delivery attempt failed; it will be retried or fail."""
    DELIVERED = "DELIVERED"
    """Delivered."""
    FAILED = "FAILED"
    """Every attempt failed; the message went to the DLQ."""
    CANCEL_REQUESTED = "CANCEL_REQUESTED"
    """Cancel requested; takes effect at the next planned delivery."""
    CANCELED = "CANCELED"
    """Cancelled (the spelling of the official SDKs)."""
    CANCELLED = "CANCELLED"
    """Cancelled (the spelling of the API reference)."""
    IN_PROGRESS = "IN_PROGRESS"
    """As a filter: ACTIVE, RETRY or ERROR."""


_STATES = {state.value: state for state in LogState}


def parse_log_state(value: str) -> LogState | str:
    """``value`` as a :class:`LogState` member, or unchanged when QStash sends a new state."""
    return _STATES.get(value, value)


@dataclass(frozen=True, slots=True)
class Log:
    """One log entry: a state change of a message. Times are unix milliseconds."""

    time: int
    message_id: str
    state: LogState | str
    error: str | None = None
    """Why a delivery attempt failed (ERROR, FAILED)."""
    next_delivery_time: int | None = None
    url: str | None = None
    url_group: str | None = None
    endpoint: str | None = None
    """The URL-group endpoint's name."""
    queue: str | None = None
    schedule_id: str | None = None
    body_base64: str | None = None
    """The message body, base64-encoded (see :attr:`body_bytes`)."""
    headers: dict[str, list[str]] | None = None
    callback_headers: dict[str, list[str]] | None = None
    failure_callback_headers: dict[str, list[str]] | None = None
    response_status: int | None = None
    """HTTP status the destination answered (ERROR entries)."""
    response_headers: dict[str, list[str]] | None = None
    response_body: str | None = None
    timeout: int | None = None
    """HTTP timeout of each delivery attempt, in milliseconds."""
    method: str | None = None
    callback: str | None = None
    failure_callback: str | None = None
    max_retries: int | None = None
    retry_delay_expression: str | None = None
    flow_control: FlowControlProperties | None = None
    label: str | None = None
    caller_ip: str | None = None
    labels: list[str] = field(default_factory=list)

    @property
    def body_bytes(self) -> bytes | None:
        """The message body, decoded from base64."""
        return None if self.body_base64 is None else base64.b64decode(self.body_base64)


@dataclass(frozen=True, slots=True)
class ListLogsResponse:
    """One page of log entries; ``cursor`` fetches the next page and is ``None`` on the last."""

    cursor: str | None
    logs: list[Log]


@dataclass(frozen=True, slots=True)
class ListEventsResponse:
    """One page of log entries, under the py2 names (``client.event`` is deprecated)."""

    cursor: str | None
    events: list[Log]


def _flow_control(model: om.Log) -> FlowControlProperties | None:
    key = opt(model.flow_control_key)
    if key is None:
        return None
    return FlowControlProperties(
        key=key,
        parallelism=opt(model.parallelism),
        rate=opt(model.rate),
        period=opt(model.period),
    )


def parse_log(model: om.Log) -> Log:
    """A generated ``Log`` as a :class:`Log`, whichever spelling QStash used for each field."""
    labels = opt(model.labels)
    return Log(
        time=model.time,
        message_id=model.message_id,
        state=parse_log_state(model.state),
        error=opt(model.error),
        next_delivery_time=opt(model.next_delivery_time),
        url=opt(model.url),
        url_group=opt(model.topic_name),
        endpoint=opt(model.endpoint_name),
        queue=opt(model.queue_name),
        schedule_id=opt(model.schedule_id),
        body_base64=opt(model.body),
        **header_fields(model),
        response_status=opt(model.response_status),
        response_headers=header_map(first(model.response_header, model.response_headers)),
        response_body=opt(model.response_body),
        timeout=opt(model.timeout),
        method=opt(model.method),
        callback=opt(model.callback),
        failure_callback=opt(model.failure_callback),
        max_retries=opt(model.max_retries),
        retry_delay_expression=first(model.retry_delay_expr, model.retry_delay_expression),
        flow_control=_flow_control(model),
        label=opt(model.label),
        caller_ip=first(model.callerIP, model.callerIp),
        labels=list(labels) if labels else [],
    )


def parse_log_page(parsed: Any) -> ListLogsResponse:
    """A generated ``ListLogsResponse`` (``/v2/logs``) or ``ListEventsResponse``
    (``/v2/events``) as a :class:`ListLogsResponse`.

    Entries are read under either key (``logs`` or ``events``: servers have used both); a
    numeric cursor becomes a string, an empty one ``None``.
    """
    from qstash_openapi.models import ListEventsResponse as EventsPage
    from qstash_openapi.models import ListLogsResponse as LogsPage
    from qstash_openapi.models import Log as LogModel

    if isinstance(parsed, LogsPage):
        entries, other = opt(parsed.logs), "events"
    else:
        parsed = expect(parsed, EventsPage)
        entries, other = opt(parsed.events), "logs"
    if entries is None:
        raw = parsed.additional_properties.get(other)
        entries = [LogModel.from_dict(item) for item in raw] if isinstance(raw, list) else []
    return ListLogsResponse(next_cursor(parsed.cursor), [parse_log(entry) for entry in entries])


__getattr__ = api_classes("log", "LogApi", "EventApi")
