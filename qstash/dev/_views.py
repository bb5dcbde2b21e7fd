"""The JSON the API answers with (wire shapes of the official SDKs), and list filters.

Where the SDKs and the API reference spell a field differently, both spellings are emitted
(``callerIP``/``callerIp``, ``responseHeader``/``responseHeaders``, ``retryDelayExpr``/
``retryDelayExpression``, ``callbackHeader``/``callbackHeaders``, ``label``/``labels``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from qstash.dev._model import (
    CallbackSpec,
    DlqEntry,
    FlowSpec,
    FlowState,
    Headers,
    LogEntry,
    MessageSpec,
    Phase,
    Queue,
    Redaction,
    Schedule,
    UrlGroup,
)

__all__ = [
    "Filter",
    "dlq_view",
    "flow_view",
    "group_view",
    "log_view",
    "message_view",
    "queue_view",
    "schedule_view",
]


def _redacted(data: bytes) -> str:
    return "REDACTED:" + hashlib.sha256(data).hexdigest()


def _header_map(pairs: Headers, redact: Redaction | None = None) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, value in pairs:
        if redact is not None and (redact.all_headers or name.lower() in redact.headers):
            value = _redacted(value.encode())
        result.setdefault(name, []).append(value)
    return result


def _body_fields(body: bytes, redact: Redaction | None, out: dict[str, Any]) -> None:
    if redact is not None and redact.body:
        out["body"] = _redacted(body)
        return
    try:
        out["body"] = body.decode()
    except UnicodeDecodeError:
        out["bodyBase64"] = base64.b64encode(body).decode()


def _seconds(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _flow_fields(flow: FlowSpec | None, out: dict[str, Any]) -> None:
    if flow is None:
        return
    out["flowControlKey"] = flow.key
    if flow.parallelism is not None:
        out["parallelism"] = flow.parallelism
    if flow.rate is not None:
        out["rate"] = flow.rate
        out["ratePerSecond"] = flow.rate
    out["period"] = flow.period or 1


def _labels(labels: tuple[str, ...], out: dict[str, Any]) -> None:
    if labels:
        out["label"] = ",".join(labels)
        out["labels"] = list(labels)


def _callbacks(
    callback: CallbackSpec | None, failure: CallbackSpec | None, out: dict[str, Any], plural: bool
) -> None:
    if callback is not None:
        out["callback"] = callback.url
        if callback.headers:
            out["callbackHeader"] = _header_map(callback.headers)
            if plural:
                out["callbackHeaders"] = out["callbackHeader"]
    if failure is not None:
        out["failureCallback"] = failure.url
        if failure.headers:
            out["failureCallbackHeader"] = _header_map(failure.headers)
            if plural:
                out["failureCallbackHeaders"] = out["failureCallbackHeader"]


def _optional(out: dict[str, Any], **values: Any) -> None:
    for key, value in values.items():
        if value is not None:
            out[key] = value


def message_view(spec: MessageSpec, *, plural_callback_headers: bool = True) -> dict[str, Any]:
    """A message as ``GET /v2/messages/{id}`` returns it (times in unix ms)."""
    out: dict[str, Any] = {
        "messageId": spec.message_id,
        "url": spec.url,
        "method": spec.method,
        "header": _header_map(spec.headers, spec.redact),
        "maxRetries": spec.max_retries,
        "notBefore": spec.not_before_ms,
        "createdAt": spec.created_ms,
    }
    _body_fields(spec.body, spec.redact, out)
    _optional(
        out,
        topicName=spec.topic_name,
        endpointName=spec.endpoint_name,
        queueName=spec.queue_name,
        scheduleId=spec.schedule_id,
        callerIP=spec.caller_ip,
        callerIp=spec.caller_ip,
        timeout=_seconds(spec.timeout_s),
    )
    if spec.retry_delay is not None:
        out["retryDelayExpression"] = spec.retry_delay.text
    _callbacks(spec.callback, spec.failure_callback, out, plural_callback_headers)
    _flow_fields(spec.flow, out)
    _labels(spec.labels, out)
    return out


def dlq_view(entry: DlqEntry) -> dict[str, Any]:
    """A DLQ entry: the message fields plus the DLQ id and the last response."""
    out = message_view(entry.spec)
    out["dlqId"] = entry.dlq_id
    out["responseStatus"] = entry.response_status
    out["responseHeader"] = out["responseHeaders"] = _header_map(entry.response_headers)
    try:
        out["responseBody"] = entry.response_body.decode()
    except UnicodeDecodeError:
        out["responseBodyBase64"] = base64.b64encode(entry.response_body).decode()
    if entry.error is not None:
        out["error"] = entry.error
    return out


def log_view(entry: LogEntry) -> dict[str, Any]:
    """A log entry as ``/v2/events`` and ``/v2/logs`` return it."""
    spec = entry.spec
    out: dict[str, Any] = {
        "time": entry.time_ms,
        "messageId": spec.message_id,
        "state": entry.state.value,
        "url": spec.url,
        "method": spec.method,
        "header": _header_map(spec.headers, spec.redact),
        "maxRetries": spec.max_retries,
        "createdAt": spec.created_ms,
        "notBefore": spec.not_before_ms,
    }
    if spec.redact is not None and spec.redact.body:
        out["body"] = _redacted(spec.body)
    else:
        out["body"] = base64.b64encode(spec.body).decode()
    _optional(
        out,
        error=entry.error,
        nextDeliveryTime=entry.next_delivery_ms,
        topicName=spec.topic_name,
        endpointName=spec.endpoint_name,
        queueName=spec.queue_name,
        scheduleId=spec.schedule_id,
        callerIP=spec.caller_ip,
        callerIp=spec.caller_ip,
        responseStatus=entry.response_status,
        timeout=None if spec.timeout_s is None else int(spec.timeout_s * 1000),
    )
    if entry.response_headers is not None:
        out["responseHeader"] = out["responseHeaders"] = _header_map(entry.response_headers)
    if entry.response_body is not None:
        out["responseBody"] = entry.response_body.decode(errors="replace")
    if spec.retry_delay is not None:
        out["retryDelayExpr"] = out["retryDelayExpression"] = spec.retry_delay.text
    _callbacks(spec.callback, spec.failure_callback, out, True)
    _flow_fields(spec.flow, out)
    _labels(spec.labels, out)
    return out


def schedule_view(schedule: Schedule) -> dict[str, Any]:
    """A schedule as ``GET /v2/schedules/{id}`` returns it."""
    draft = schedule.draft
    out: dict[str, Any] = {
        "scheduleId": schedule.schedule_id,
        "cron": schedule.cron.text,
        "destination": draft.destination,
        "createdAt": schedule.created_ms,
        "isPaused": schedule.paused,
        "method": draft.method,
        "header": _header_map(draft.headers, draft.redact),
        "retries": draft.retries,
        "lastScheduleStates": dict(schedule.last_states),
    }
    _body_fields(draft.body, draft.redact, out)
    _optional(
        out,
        delay=_seconds(draft.delay_s) if draft.delay_s else None,
        timeout=_seconds(draft.timeout_s),
        queueName=draft.queue_name,
        callerIP=schedule.caller_ip,
        callerIp=schedule.caller_ip,
        lastScheduleTime=schedule.last_ms,
        nextScheduleTime=None if schedule.paused else schedule.next_ms,
        error=schedule.error,
    )
    if draft.retry_delay is not None:
        out["retryDelayExpression"] = out["retryDelayExpr"] = draft.retry_delay.text
    _callbacks(draft.callback, draft.failure_callback, out, True)
    _flow_fields(draft.flow, out)
    _labels(draft.labels, out)
    return out


def queue_view(queue: Queue) -> dict[str, Any]:
    """A queue with its lag (live messages not finished yet)."""
    return {
        "name": queue.name,
        "parallelism": queue.parallelism,
        "paused": queue.paused,
        "lag": queue.pending,
        "createdAt": queue.created_ms,
        "updatedAt": queue.updated_ms,
    }


def group_view(group: UrlGroup) -> dict[str, Any]:
    """A URL group with its endpoints."""
    endpoints = []
    for endpoint in group.endpoints:
        item = {"url": endpoint.url}
        if endpoint.name:
            item["name"] = endpoint.name
        endpoints.append(item)
    return {
        "name": group.name,
        "createdAt": group.created_ms,
        "updatedAt": group.updated_ms,
        "endpoints": endpoints,
    }


def flow_view(state: FlowState) -> dict[str, Any]:
    """A flow-control key: limits (0 = none), usage, waitlist size."""
    return {
        "flowControlKey": state.key,
        "waitListSize": sum(1 for m in state.waitlist if m.phase is not Phase.DONE),
        "parallelismMax": state.parallelism,
        "parallelismCount": state.count,
        "rateMax": state.rate,
        "rateCount": state.rate_count,
        "ratePeriod": state.period_s,
        "ratePeriodStart": state.period_start_ms // 1000,
        "isPaused": state.paused,
        "isPinnedParallelism": state.pinned_parallelism,
        "isPinnedRate": state.pinned_rate,
    }


# ---------------------------------------------------------------------------- filters

# Filters whose values may be comma lists (never URLs: those may contain commas).
_SPLIT = frozenset(
    {
        "messageId",
        "messageIds",
        "dlqIds",
        "topicName",
        "urlGroup",
        "queueName",
        "scheduleId",
        "label",
        "flowControlKey",
        "callerIp",
        "state",
        "responseStatus",
    }
)
_FIELDS = (
    "messageId",
    "url",
    "topicName",
    "queueName",
    "scheduleId",
    "label",
    "flowControlKey",
    "callerIp",
    "host",
    "path",
    "state",
    "responseStatus",
    "dlqIds",
    "endpointName",
)
_IN_PROGRESS = frozenset({"ACTIVE", "RETRY", "ERROR"})


@dataclass(slots=True)
class Filter:
    """List filters: OR within one filter's values, AND across filters."""

    values: dict[str, frozenset[str]] = field(default_factory=dict)
    from_ms: int | None = None
    to_ms: int | None = None

    @classmethod
    def parse(
        cls, query: Mapping[str, Iterable[str]], body: Mapping[str, Any] | None = None
    ) -> Filter:
        """Read filters from the query (repeated params or comma lists) and a JSON body.

        Raises:
            ValueError: a date that is not an integer.
        """
        sources: dict[str, list[str]] = {}
        for name, items in query.items():
            sources.setdefault(name, []).extend(items)
        if body:
            for name, value in body.items():
                if isinstance(value, list):
                    sources.setdefault(name, []).extend(str(v) for v in value)
                elif value is not None and not isinstance(value, dict):
                    sources.setdefault(name, []).append(str(value))
        result = cls()
        for name, items in sources.items():
            key = {"messageIds": "messageId", "urlGroup": "topicName", "callerIP": "callerIp"}.get(
                name, name
            )
            if key in ("fromDate", "toDate"):
                value = int(items[-1])
                if key == "fromDate":
                    result.from_ms = value
                else:
                    result.to_ms = value
                continue
            if key not in _FIELDS:
                continue
            values: set[str] = set()
            for item in items:
                parts = item.split(",") if name in _SPLIT else [item]
                values.update(p.strip() for p in parts if p.strip())
            if key == "state":
                values = {"CANCELED" if v == "CANCELLED" else v for v in values}
                if "IN_PROGRESS" in values:
                    values |= _IN_PROGRESS
            if values:
                result.values[key] = result.values.get(key, frozenset()) | frozenset(values)
        return result

    def __bool__(self) -> bool:
        return bool(self.values) or self.from_ms is not None or self.to_ms is not None

    def matches(
        self,
        spec: MessageSpec,
        time_ms: int,
        *,
        state: str | None = None,
        response_status: int | None = None,
        dlq_id: str | None = None,
    ) -> bool:
        """Whether an object with this spec (and state, status, DLQ id) passes."""
        if self.from_ms is not None and time_ms < self.from_ms:
            return False
        if self.to_ms is not None and time_ms > self.to_ms:
            return False
        for key, allowed in self.values.items():
            if key == "label":
                if not any(label in allowed for label in spec.labels):
                    return False
                continue
            if key == "host":
                parts = urlsplit(spec.url)
                if parts.netloc not in allowed and (parts.hostname or "") not in allowed:
                    return False
                continue
            if _value(key, spec, state, response_status, dlq_id) not in allowed:
                return False
        return True


def _value(
    key: str, spec: MessageSpec, state: str | None, status: int | None, dlq_id: str | None
) -> str | None:
    if key == "messageId":
        return spec.message_id
    if key == "url":
        return spec.url
    if key == "topicName":
        return spec.topic_name
    if key == "queueName":
        return spec.queue_name
    if key == "scheduleId":
        return spec.schedule_id
    if key == "flowControlKey":
        return spec.flow.key if spec.flow is not None else None
    if key == "callerIp":
        return spec.caller_ip
    if key == "endpointName":
        return spec.endpoint_name
    if key == "path":
        return urlsplit(spec.url).path
    if key == "state":
        return state
    if key == "responseStatus":
        return None if status is None else str(status)
    if key == "dlqIds":
        return dlq_id
    return None  # pragma: no cover
