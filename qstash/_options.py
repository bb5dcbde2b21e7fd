"""Option types for sending messages: what ``publish``, ``enqueue``, ``batch`` and
``schedule.create`` accept as keyword arguments.

Every key is optional unless marked ``Required``, and every value may also be ``None``,
which means "not given" (no header is sent), so code written for the official SDK, which
defaults every parameter to ``None``, works unchanged.
"""

# No `from __future__ import annotations` here: TypedDict reads Required[...] at class
# creation, and string annotations would make every key optional at runtime.
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal, Required, TypedDict

from qstash.chat import LlmProvider

__all__ = [
    "BatchJsonRequest",
    "BatchRequest",
    "Destination",
    "EnqueueJsonOptions",
    "EnqueueOptions",
    "FlowControl",
    "HttpMethod",
    "JsonBody",
    "LlmApi",
    "MessageOptions",
    "PublishJsonOptions",
    "PublishOptions",
    "QueuedJsonBody",
    "QueuedRawBody",
    "RawBody",
    "Redact",
    "ScheduleJsonOptions",
    "ScheduleOptions",
]

HttpMethod = Literal["GET", "POST", "PUT", "DELETE", "PATCH"]
"""HTTP method QStash uses to call the destination (``Upstash-Method``; default POST)."""

Duration = int | float | str | timedelta
"""Seconds (whole), a string like ``"10s"``/``"1d10h30m"`` (units s, m, h, d), or a timedelta."""


class FlowControl(TypedDict, total=False):
    """Rate and concurrency limits shared by every message with the same ``key``.

    Sent as ``Upstash-Flow-Control-Key`` and ``Upstash-Flow-Control-Value``; at least one of
    ``parallelism``, ``rate`` and ``period`` is required.
    """

    key: Required[str]
    """Flow-control key; limits apply across all messages (and URLs) using it."""
    parallelism: int | None
    """Maximum number of calls in flight at once (≥ 1)."""
    rate: int | None
    """Maximum number of calls started per ``period`` (≥ 1)."""
    period: int | str | timedelta | None
    """Window of ``rate``: seconds, a duration string like ``"1m"``, or a timedelta.
    QStash's default is one second; the maximum one week."""
    rate_per_second: int | None
    """Deprecated alias of ``rate``; give one or the other."""


class Redact(TypedDict, total=False):
    """What QStash hides (as ``REDACTED:<sha256>``) in its logs and API responses
    (``Upstash-Redact-Fields``). Delivery is unaffected."""

    body: bool | None
    """Redact the message body."""
    header: bool | Sequence[str] | None
    """``True`` to redact every header, or the names of the headers to redact."""


class LlmApi(TypedDict):
    """An LLM API destination: ``{"name": "llm", "provider": openai("sk-...")}``."""

    name: Literal["llm"]
    provider: LlmProvider
    """See :mod:`qstash.chat` for the provider factories."""


class _DeliveryOptions(TypedDict, total=False):
    # The options shared by messages and schedules.
    method: HttpMethod | None
    """HTTP method for the destination call (``Upstash-Method``). QStash defaults to POST."""
    headers: Mapping[str, str] | None
    """Headers for the destination. Names starting with ``Upstash-`` are QStash settings and
    are sent as given; ``Content-Type`` sets the message's content type; every other header
    is forwarded to the destination (sent as ``Upstash-Forward-<Name>``)."""
    callback_headers: Mapping[str, str] | None
    """Headers for the callback. ``Method``, ``Timeout``, ``Retries``, ``Retry-Delay`` and
    ``Delay`` configure the callback (``Upstash-Callback-<Name>``); every other header is
    forwarded to the callback URL (``Upstash-Callback-Forward-<Name>``)."""
    failure_callback_headers: Mapping[str, str] | None
    """As ``callback_headers``, for the failure callback (``Upstash-Failure-Callback-*``)."""
    retries: int | None
    """How many times QStash retries a failed delivery (``Upstash-Retries``)."""
    retry_delay: str | None
    """Delay before each retry, in milliseconds, as an expression over ``retried`` such as
    ``"pow(2, retried) * 1000"`` (``Upstash-Retry-Delay``)."""
    callback: str | None
    """URL QStash calls with the destination's response (``Upstash-Callback``)."""
    failure_callback: str | None
    """URL QStash calls once every retry failed (``Upstash-Failure-Callback``)."""
    delay: Duration | None
    """Wait before the first delivery (``Upstash-Delay``): seconds, ``"10s"``, or a timedelta."""
    timeout: Duration | None
    """How long QStash waits for the destination to answer (``Upstash-Timeout``)."""
    flow_control: FlowControl | None
    """Rate/concurrency limits by key (``Upstash-Flow-Control-Key`` / ``-Value``)."""
    label: str | Sequence[str] | None
    """One label or several, to filter logs, the DLQ and cancellations (``Upstash-Label``)."""
    redact: Redact | None
    """Fields hidden in QStash logs and API responses (``Upstash-Redact-Fields``)."""


class MessageOptions(_DeliveryOptions, total=False):
    """Options of a single message (publish, enqueue, batch item)."""

    not_before: int | float | datetime | None
    """Deliver no earlier than this instant: unix seconds or an aware datetime
    (``Upstash-Not-Before``; overrides ``delay``)."""
    deduplication_id: str | None
    """Messages with the same id within 10 minutes are accepted once
    (``Upstash-Deduplication-Id``)."""
    content_based_deduplication: bool | None
    """Deduplicate on destination, body and forwarded headers
    (``Upstash-Content-Based-Deduplication``)."""


class Destination(TypedDict, total=False):
    """Where the message goes: exactly one of ``url``, ``url_group`` and ``api``."""

    url: str | None
    """An absolute http(s) URL; query strings are kept as given."""
    url_group: str | None
    """A URL group (topic) name: one message per endpoint of the group."""
    api: LlmApi | None
    """An LLM API, e.g. ``{"name": "llm", "provider": openai("sk-...")}``."""


class RawBody(MessageOptions, total=False):
    """A message with a raw body: the options of ``publish`` besides the destination."""

    body: str | bytes | None
    """The message body, sent as is (a ``str`` as UTF-8). ``None``: no body."""
    content_type: str | None
    """The body's ``Content-Type``; wins over a ``Content-Type`` given in ``headers``."""


class JsonBody(MessageOptions, total=False):
    """A message with a JSON body: the options of ``publish_json`` besides the destination."""

    body: Any
    """Any JSON-serialisable value, sent compact as ``application/json``. ``None``: no body."""


class PublishOptions(Destination, RawBody, total=False):
    """Keyword arguments of ``message.publish``."""


class PublishJsonOptions(Destination, JsonBody, total=False):
    """Keyword arguments of ``message.publish_json``: the body is sent as JSON."""


class QueuedRawBody(RawBody, total=False):
    """``enqueue`` options besides the destination."""

    queue: Required[str]
    """Queue name (letters, digits, ``-``, ``_``, ``.``); created on first use."""


class QueuedJsonBody(JsonBody, total=False):
    """``enqueue_json`` options besides the destination."""

    queue: Required[str]
    """Queue name (letters, digits, ``-``, ``_``, ``.``); created on first use."""


class EnqueueOptions(Destination, QueuedRawBody, total=False):
    """Keyword arguments of ``message.enqueue``."""


class EnqueueJsonOptions(Destination, QueuedJsonBody, total=False):
    """Keyword arguments of ``message.enqueue_json``."""


class BatchRequest(PublishOptions, total=False):
    """One message of ``message.batch``; with ``queue`` it is enqueued."""

    queue: str | None
    """Queue to enqueue into; ``None`` publishes directly."""


class BatchJsonRequest(PublishJsonOptions, total=False):
    """One message of ``message.batch_json``; with ``queue`` it is enqueued."""

    queue: str | None
    """Queue to enqueue into; ``None`` publishes directly."""


class ScheduleOptions(_DeliveryOptions, total=False):
    """Keyword arguments of ``schedule.create``: a message produced on every cron tick."""

    destination: Required[str]
    """An absolute http(s) URL or a URL group name."""
    cron: Required[str]
    """Cron expression (5 fields, UTC; prefix ``CRON_TZ=<zone> `` for another zone)
    (``Upstash-Cron``)."""
    schedule_id: str | None
    """Your id for the schedule: creating with an existing id updates that schedule
    (``Upstash-Schedule-Id``)."""
    queue: str | None
    """Enqueue the produced messages into this queue (``Upstash-Queue-Name``)."""
    body: str | bytes | None
    """The body of every produced message."""
    content_type: str | None
    """The body's ``Content-Type``; defaults to ``application/json``."""


class ScheduleJsonOptions(_DeliveryOptions, total=False):
    """Keyword arguments of ``schedule.create_json``: the body is sent as JSON."""

    destination: Required[str]
    """An absolute http(s) URL or a URL group name."""
    cron: Required[str]
    """Cron expression (5 fields, UTC; prefix ``CRON_TZ=<zone> `` for another zone)
    (``Upstash-Cron``)."""
    schedule_id: str | None
    """Your id for the schedule: creating with an existing id updates that schedule
    (``Upstash-Schedule-Id``)."""
    queue: str | None
    """Enqueue the produced messages into this queue (``Upstash-Queue-Name``)."""
    body: Any
    """Any JSON-serialisable value, sent compact as ``application/json``."""
