"""The dev server's state objects, and their JSON records for ``--db`` persistence.

Immutable descriptions (what was published: :class:`Draft`, :class:`MessageSpec`, callbacks,
flow control, redaction) are frozen; live state (:class:`Message`, queues, schedules, flow-control
keys, the per-user :class:`Account`) is mutated only on the server's event loop.
"""

from __future__ import annotations

import base64
import json
from collections import deque
from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum
from typing import Any

from qstash.dev._cron import Cron, parse_cron
from qstash.dev._expr import RetryDelay, parse_retry_delay

__all__ = [
    "Account",
    "CallbackSpec",
    "DedupEntry",
    "DlqEntry",
    "Draft",
    "Endpoint",
    "FlowSpec",
    "FlowState",
    "Kind",
    "LogEntry",
    "LogState",
    "Message",
    "MessageSpec",
    "Phase",
    "Queue",
    "Redaction",
    "Schedule",
    "UrlGroup",
]

Headers = tuple[tuple[str, str], ...]


class LogState(StrEnum):
    """Log entry states (``CANCELED`` as the SDK enums spell it)."""

    CREATED = "CREATED"
    ACTIVE = "ACTIVE"
    RETRY = "RETRY"
    ERROR = "ERROR"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"
    CANCEL_REQUESTED = "CANCEL_REQUESTED"
    CANCELED = "CANCELED"


class Kind(IntEnum):
    """What a message is: a published message, or a callback of one."""

    MESSAGE = 0
    CALLBACK = 1
    FAILURE_CALLBACK = 2


class Phase(IntEnum):
    """Where a live message is in its life."""

    SCHEDULED = 0  # waiting for its due time (first attempt or a retry)
    WAITING = 1  # due, waiting for a queue slot or flow-control capacity
    READY = 2  # handed to the delivery workers
    DONE = 3  # delivered, failed or cancelled: no longer in the account


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)


def _headers(pairs: Any) -> Headers:
    return tuple((str(k), str(v)) for k, v in pairs)


@dataclass(frozen=True, slots=True)
class CallbackSpec:
    """Where and how a callback (or failure callback) is delivered."""

    url: str
    method: str = "POST"
    retries: int | None = None  # None: the source message's retries
    timeout_s: float | None = None
    delay_s: float = 0.0
    retry_delay: RetryDelay | None = None
    headers: Headers = ()  # forwarded to the callback URL

    def record(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "url": self.url,
            "method": self.method,
            "retries": self.retries,
            "timeout": self.timeout_s,
            "delay": self.delay_s,
            "retryDelay": self.retry_delay.text if self.retry_delay else None,
            "headers": self.headers,
        }

    @classmethod
    def from_record(cls, data: dict[str, Any] | None) -> CallbackSpec | None:
        """Inverse of :meth:`record`."""
        if data is None:
            return None
        return cls(
            data["url"],
            data["method"],
            data["retries"],
            data["timeout"],
            data["delay"],
            parse_retry_delay(data["retryDelay"]) if data["retryDelay"] else None,
            _headers(data["headers"]),
        )


@dataclass(frozen=True, slots=True)
class FlowSpec:
    """A message's flow control: the key and the limits it asked for (period in seconds)."""

    key: str
    parallelism: int | None = None
    rate: int | None = None
    period: int | None = None

    def record(self) -> list[Any]:
        """JSON-able form."""
        return [self.key, self.parallelism, self.rate, self.period]

    @classmethod
    def from_record(cls, data: list[Any] | None) -> FlowSpec | None:
        """Inverse of :meth:`record`."""
        return None if data is None else cls(*data)


@dataclass(frozen=True, slots=True)
class Redaction:
    """What ``Upstash-Redact-Fields`` hides in API answers (never in deliveries)."""

    body: bool = False
    all_headers: bool = False
    headers: frozenset[str] = frozenset()  # lower-case names

    def record(self) -> list[Any]:
        """JSON-able form."""
        return [self.body, self.all_headers, sorted(self.headers)]

    @classmethod
    def from_record(cls, data: list[Any] | None) -> Redaction | None:
        """Inverse of :meth:`record`."""
        return None if data is None else cls(data[0], data[1], frozenset(data[2]))


@dataclass(frozen=True, slots=True)
class Draft:
    """A parsed publish/enqueue/batch item/schedule request, before ids and fan-out.

    Times are relative (``delay_s``) or absolute unix seconds (``not_before_s``).
    """

    destination: str  # absolute URL or URL-group name
    is_url: bool
    method: str = "POST"
    body: bytes = b""
    headers: Headers = ()  # delivered: Content-Type and the Upstash-Forward-* headers
    retries: int = 3
    retry_delay: RetryDelay | None = None
    delay_s: float = 0.0
    not_before_s: int | None = None
    timeout_s: float | None = None
    callback: CallbackSpec | None = None
    failure_callback: CallbackSpec | None = None
    flow: FlowSpec | None = None
    labels: tuple[str, ...] = ()
    redact: Redaction | None = None
    dedup_id: str | None = None
    content_dedup: bool = False
    queue_name: str | None = None

    def record(self) -> dict[str, Any]:
        """JSON-able form (schedules keep their draft)."""
        return {
            "destination": self.destination,
            "isUrl": self.is_url,
            "method": self.method,
            "body": _b64(self.body),
            "headers": self.headers,
            "retries": self.retries,
            "retryDelay": self.retry_delay.text if self.retry_delay else None,
            "delay": self.delay_s,
            "notBefore": self.not_before_s,
            "timeout": self.timeout_s,
            "callback": self.callback.record() if self.callback else None,
            "failureCallback": self.failure_callback.record() if self.failure_callback else None,
            "flow": self.flow.record() if self.flow else None,
            "labels": self.labels,
            "redact": self.redact.record() if self.redact else None,
            "dedupId": self.dedup_id,
            "contentDedup": self.content_dedup,
            "queue": self.queue_name,
        }

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Draft:
        """Inverse of :meth:`record`."""
        return cls(
            data["destination"],
            data["isUrl"],
            data["method"],
            _unb64(data["body"]),
            _headers(data["headers"]),
            data["retries"],
            parse_retry_delay(data["retryDelay"]) if data["retryDelay"] else None,
            data["delay"],
            data["notBefore"],
            data["timeout"],
            CallbackSpec.from_record(data["callback"]),
            CallbackSpec.from_record(data["failureCallback"]),
            FlowSpec.from_record(data["flow"]),
            tuple(data["labels"]),
            Redaction.from_record(data["redact"]),
            data["dedupId"],
            data["contentDedup"],
            data["queue"],
        )


@dataclass(slots=True, eq=False)
class MessageSpec:
    """Everything fixed about one message (one destination URL). Shared by its log entries."""

    message_id: str
    url: str
    method: str
    body: bytes
    headers: Headers
    created_ms: int
    not_before_ms: int
    max_retries: int
    retry_delay: RetryDelay | None = None
    timeout_s: float | None = None
    callback: CallbackSpec | None = None
    failure_callback: CallbackSpec | None = None
    topic_name: str | None = None
    endpoint_name: str | None = None
    queue_name: str | None = None
    schedule_id: str | None = None
    caller_ip: str | None = None
    flow: FlowSpec | None = None
    labels: tuple[str, ...] = ()
    redact: Redaction | None = None
    kind: Kind = Kind.MESSAGE
    _json: str | None = field(default=None, repr=False)
    _log_view: MessageSpec | None = field(default=None, repr=False)

    def log_view(self, limit: int) -> MessageSpec:
        """This spec with the body cut to ``limit`` bytes, for log entries (made once)."""
        if self._log_view is None:
            self._log_view = replace(self, body=self.body[:limit], _json=None, _log_view=None)
        return self._log_view

    def record_json(self) -> str:
        """The JSON record, computed once (messages, their logs and DLQ entries share it)."""
        if self._json is None:
            self._json = json.dumps(
                [
                    self.message_id,
                    self.url,
                    self.method,
                    _b64(self.body),
                    self.headers,
                    self.created_ms,
                    self.not_before_ms,
                    self.max_retries,
                    self.retry_delay.text if self.retry_delay else None,
                    self.timeout_s,
                    self.callback.record() if self.callback else None,
                    self.failure_callback.record() if self.failure_callback else None,
                    self.topic_name,
                    self.endpoint_name,
                    self.queue_name,
                    self.schedule_id,
                    self.caller_ip,
                    self.flow.record() if self.flow else None,
                    self.labels,
                    self.redact.record() if self.redact else None,
                    int(self.kind),
                ],
                separators=(",", ":"),
            )
        return self._json

    @classmethod
    def from_record_json(cls, text: str) -> MessageSpec:
        """Inverse of :meth:`record_json`."""
        d = json.loads(text)
        return cls(
            d[0],
            d[1],
            d[2],
            _unb64(d[3]),
            _headers(d[4]),
            d[5],
            d[6],
            d[7],
            parse_retry_delay(d[8]) if d[8] else None,
            d[9],
            CallbackSpec.from_record(d[10]),
            CallbackSpec.from_record(d[11]),
            d[12],
            d[13],
            d[14],
            d[15],
            d[16],
            FlowSpec.from_record(d[17]),
            tuple(d[18]),
            Redaction.from_record(d[19]),
            Kind(d[20]),
            text,
        )

    @property
    def content_type(self) -> str | None:
        """The Content-Type the message is delivered with, if any."""
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return None


@dataclass(slots=True, eq=False)
class Message:
    """A live message: not yet delivered, failed or cancelled."""

    spec: MessageSpec
    account: Account
    seq: int  # global creation order (FIFO tie-break, restart order)
    due_ms: int
    retried: int = 0
    phase: Phase = Phase.SCHEDULED
    cancel_requested: bool = False
    in_flight: bool = False
    token: int = 0  # invalidates stale scheduler entries
    holds_queue: str | None = None  # the queue whose slot this message occupies
    flow_held: bool = False

    def record(self) -> str:
        """The persistent record."""
        return json.dumps(
            {
                "spec": self.spec.record_json(),
                "seq": self.seq,
                "due": self.due_ms,
                "retried": self.retried,
                "holds": self.holds_queue,
            },
            separators=(",", ":"),
        )


@dataclass(slots=True, eq=False)
class LogEntry:
    """One state transition of a message."""

    seq: int
    time_ms: int
    state: LogState
    spec: MessageSpec
    error: str | None = None
    next_delivery_ms: int | None = None
    response_status: int | None = None
    response_headers: Headers | None = None
    response_body: bytes | None = None

    def record(self) -> str:
        """The persistent record (the spec is stored alongside, see the journal)."""
        return json.dumps(
            [
                self.time_ms,
                self.state.value,
                self.error,
                self.next_delivery_ms,
                self.response_status,
                self.response_headers,
                None if self.response_body is None else _b64(self.response_body),
            ],
            separators=(",", ":"),
        )

    @classmethod
    def from_record(cls, seq: int, text: str, spec: MessageSpec) -> LogEntry:
        """Inverse of :meth:`record`."""
        d = json.loads(text)
        return cls(
            seq,
            d[0],
            LogState(d[1]),
            spec,
            d[2],
            d[3],
            d[4],
            None if d[5] is None else _headers(d[5]),
            None if d[6] is None else _unb64(d[6]),
        )


@dataclass(slots=True, eq=False)
class DlqEntry:
    """A message whose delivery failed for good."""

    dlq_id: str
    order: int
    spec: MessageSpec
    retried: int
    failed_ms: int
    response_status: int
    response_headers: Headers
    response_body: bytes
    error: str | None = None

    def record(self) -> str:
        """The persistent record."""
        return json.dumps(
            {
                "spec": self.spec.record_json(),
                "order": self.order,
                "retried": self.retried,
                "failed": self.failed_ms,
                "status": self.response_status,
                "headers": self.response_headers,
                "body": _b64(self.response_body),
                "error": self.error,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_record(cls, dlq_id: str, text: str) -> DlqEntry:
        """Inverse of :meth:`record`."""
        d = json.loads(text)
        return cls(
            dlq_id,
            d["order"],
            MessageSpec.from_record_json(d["spec"]),
            d["retried"],
            d["failed"],
            d["status"],
            _headers(d["headers"]),
            _unb64(d["body"]),
            d["error"],
        )


@dataclass(slots=True, eq=False)
class Queue:
    """A FIFO queue."""

    name: str
    parallelism: int = 1
    paused: bool = False
    created_ms: int = 0
    updated_ms: int = 0
    waiting: deque[Message] = field(default_factory=deque)  # due, in FIFO order
    active: int = 0  # messages holding a slot
    pending: int = 0  # live messages of this queue (the lag)

    def record(self) -> str:
        """The persistent record."""
        return json.dumps([self.parallelism, self.paused, self.created_ms, self.updated_ms])

    @classmethod
    def from_record(cls, name: str, text: str) -> Queue:
        """Inverse of :meth:`record`."""
        d = json.loads(text)
        return cls(name, d[0], d[1], d[2], d[3])


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint of a URL group."""

    url: str
    name: str | None = None


@dataclass(slots=True, eq=False)
class UrlGroup:
    """A URL group ("topic")."""

    name: str
    created_ms: int
    updated_ms: int
    endpoints: list[Endpoint] = field(default_factory=list)
    headers: Headers = ()  # default forwarded headers of every publish to the group

    def record(self) -> str:
        """The persistent record."""
        return json.dumps(
            [
                self.created_ms,
                self.updated_ms,
                [[e.url, e.name] for e in self.endpoints],
                self.headers,
            ]
        )

    @classmethod
    def from_record(cls, name: str, text: str) -> UrlGroup:
        """Inverse of :meth:`record`."""
        d = json.loads(text)
        return cls(name, d[0], d[1], [Endpoint(u, n) for u, n in d[2]], _headers(d[3]))


@dataclass(slots=True, eq=False)
class Schedule:
    """A cron schedule and the draft it publishes on every tick."""

    schedule_id: str
    cron: Cron
    draft: Draft
    created_ms: int
    caller_ip: str | None = None
    paused: bool = False
    last_ms: int | None = None
    next_ms: int | None = None
    last_states: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    token: int = 0

    def record(self) -> str:
        """The persistent record."""
        return json.dumps(
            {
                "cron": self.cron.text,
                "draft": self.draft.record(),
                "created": self.created_ms,
                "callerIp": self.caller_ip,
                "paused": self.paused,
                "last": self.last_ms,
                "states": self.last_states,
                "error": self.error,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_record(cls, schedule_id: str, text: str) -> Schedule:
        """Inverse of :meth:`record` (the next tick is computed again by the engine)."""
        d = json.loads(text)
        return cls(
            schedule_id,
            parse_cron(d["cron"]),
            Draft.from_record(d["draft"]),
            d["created"],
            d["callerIp"],
            d["paused"],
            d["last"],
            None,
            dict(d["states"]),
            d["error"],
        )


@dataclass(slots=True, eq=False)
class FlowState:
    """A flow-control key: its limits (0 = unlimited), usage and waitlist."""

    key: str
    parallelism: int = 0
    rate: int = 0
    period_s: int = 1
    count: int = 0  # deliveries in flight
    rate_count: int = 0  # deliveries started in the current period
    period_start_ms: int = 0
    paused: bool = False
    pinned_parallelism: bool = False
    pinned_rate: bool = False
    waitlist: deque[Message] = field(default_factory=deque)
    wake_ms: int | None = None  # a scheduler wake-up for the next rate period

    def record(self) -> str:
        """The persistent record (settings only; usage restarts from zero)."""
        return json.dumps(
            [
                self.parallelism,
                self.rate,
                self.period_s,
                self.paused,
                self.pinned_parallelism,
                self.pinned_rate,
            ]
        )

    @classmethod
    def from_record(cls, key: str, text: str) -> FlowState:
        """Inverse of :meth:`record`."""
        d = json.loads(text)
        return cls(key, d[0], d[1], d[2], paused=d[3], pinned_parallelism=d[4], pinned_rate=d[5])


@dataclass(slots=True)
class DedupEntry:
    """A remembered publish result for deduplication."""

    expires_ms: int
    result: Any  # the JSON answer of the original publish

    def record(self) -> str:
        """The persistent record."""
        return json.dumps([self.expires_ms, self.result])

    @classmethod
    def from_record(cls, text: str) -> DedupEntry:
        """Inverse of :meth:`record`."""
        d = json.loads(text)
        return cls(d[0], d[1])


@dataclass(slots=True, eq=False)
class Account:
    """One dev user: credentials and all of their state."""

    user_id: str
    token: str = field(repr=False)
    current_key: str = field(repr=False)
    next_key: str = field(repr=False)
    messages: dict[str, Message] = field(default_factory=dict)
    schedules: dict[str, Schedule] = field(default_factory=dict)
    queues: dict[str, Queue] = field(default_factory=dict)
    groups: dict[str, UrlGroup] = field(default_factory=dict)
    dlq: dict[str, DlqEntry] = field(default_factory=dict)  # oldest first
    logs: deque[LogEntry] = field(default_factory=deque)  # oldest first, capped
    dedup: dict[str, DedupEntry] = field(default_factory=dict)  # oldest first
    flows: dict[str, FlowState] = field(default_factory=dict)
    log_seq: int = 0
    dlq_seq: int = 0
    inflight: int = 0
