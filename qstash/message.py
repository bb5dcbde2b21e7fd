"""Messages: option types, results, and the ``client.message`` APIs.

``client.message`` is a :class:`MessageApi` (sync) or :class:`AsyncMessageApi` (async).
Options are keyword arguments; each maps to one ``Upstash-*`` header (one table for every call):

=============================== ==================================== ==========================
option                          header                               value
=============================== ==================================== ==========================
url / url_group / api           the destination (exactly one)        URL, group name, provider
body                            the request body                     str/bytes (JSON for *_json)
content_type                    ``Content-Type``                     MIME type
method                          ``Upstash-Method``                   GET POST PUT DELETE PATCH
headers                         ``Upstash-Forward-<Name>``           ``Upstash-*`` and
                                                                     ``Content-Type`` keys pass
callback_headers                ``Upstash-Callback-Forward-<Name>``  config names (Retries,
                                                                     Timeout, Method, Delay,
                                                                     Retry-Delay) → config
failure_callback_headers        ``Upstash-Failure-Callback-...``     same rule
retries                         ``Upstash-Retries``                  int ≥ 0
retry_delay                     ``Upstash-Retry-Delay``              expression in ms of
                                                                     ``retried``
callback / failure_callback     ``Upstash-Callback`` / ``...-Failure-Callback``  http(s) URL
delay                           ``Upstash-Delay``                    seconds, "1h30m", timedelta
not_before                      ``Upstash-Not-Before``               unix seconds or datetime
deduplication_id                ``Upstash-Deduplication-Id``         string
content_based_deduplication     ``Upstash-Content-Based-Deduplication``  ``true`` when True
timeout                         ``Upstash-Timeout``                  seconds, "30s", timedelta
flow_control                    ``Upstash-Flow-Control-Key/-Value``  key + parallelism/rate/period
label                           ``Upstash-Label``                    str or list (comma-joined)
redact                          ``Upstash-Redact-Fields``            {"body": True, "header": ..}
=============================== ==================================== ==========================
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qstash._bulk import BulkResult, Failed, Published
from qstash._filters import MessageFilter
from qstash._lazy import api_classes
from qstash._options import (
    BatchJsonRequest,
    BatchRequest,
    EnqueueJsonOptions,
    EnqueueOptions,
    FlowControl,
    HttpMethod,
    LlmApi,
    PublishJsonOptions,
    PublishOptions,
    Redact,
)
from qstash._parse import body_bytes, expect, first, header_fields, opt
from qstash.errors import BatchItemError, PartialBatchError, QStashError, redact

if TYPE_CHECKING:
    import qstash_openapi.models as om
    from qstash._async.message import AsyncMessageApi
    from qstash._sync.message import MessageApi

__all__ = [
    "AsyncMessageApi",
    "BatchJsonRequest",
    "BatchRequest",
    "BatchResponse",
    "BatchResult",
    "BatchUrlGroupResponse",
    "BulkResult",
    "EnqueueJsonOptions",
    "EnqueueOptions",
    "EnqueueResponse",
    "EnqueueUrlGroupResponse",
    "Failed",
    "FlowControl",
    "FlowControlProperties",
    "HttpMethod",
    "LlmApi",
    "Message",
    "MessageApi",
    "MessageFilter",
    "PublishJsonOptions",
    "PublishOptions",
    "PublishResponse",
    "PublishResult",
    "PublishUrlGroupResponse",
    "Published",
    "Redact",
]


@dataclass(frozen=True, slots=True)
class PublishResponse:
    """A message QStash accepted for one destination.

    ``deduplicated`` is True when QStash recognised a duplicate (same deduplication id, or same
    content with content-based deduplication) and returned the existing ``message_id``.
    """

    message_id: str
    deduplicated: bool = False
    url: str | None = None
    """The destination URL, when QStash reports it."""


@dataclass(frozen=True, slots=True)
class PublishUrlGroupResponse:
    """One endpoint's message from a publish to a URL group."""

    message_id: str
    url: str
    deduplicated: bool = False


# The official SDK names these per call; they are the same shapes.
EnqueueResponse = PublishResponse
BatchResponse = PublishResponse
EnqueueUrlGroupResponse = PublishUrlGroupResponse
BatchUrlGroupResponse = PublishUrlGroupResponse

PublishResult = PublishResponse | list[PublishUrlGroupResponse]
"""What publish and enqueue return: one response, or one per endpoint for a URL group."""
BatchResult = PublishResponse | list[PublishUrlGroupResponse]
"""One batch item's result."""


@dataclass(frozen=True, slots=True)
class FlowControlProperties:
    """A message's flow control: ``period`` in seconds."""

    key: str
    parallelism: int | None = None
    rate: int | None = None
    period: int | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """A message that is not delivered yet. Times are unix milliseconds."""

    message_id: str
    url: str | None = None
    url_group: str | None = None
    endpoint: str | None = None
    queue: str | None = None
    body: str | None = None
    """The body as text, when it is valid UTF-8 (see :attr:`body_base64` otherwise)."""
    body_base64: str | None = None
    method: str | None = None
    headers: dict[str, list[str]] | None = None
    callback_headers: dict[str, list[str]] | None = None
    failure_callback_headers: dict[str, list[str]] | None = None
    max_retries: int | None = None
    retry_delay_expression: str | None = None
    not_before: int | None = None
    created_at: int | None = None
    callback: str | None = None
    failure_callback: str | None = None
    schedule_id: str | None = None
    caller_ip: str | None = None
    flow_control: FlowControlProperties | None = None
    label: str | None = None
    labels: list[str] = field(default_factory=list)

    @property
    def body_bytes(self) -> bytes | None:
        """The body as bytes, whichever way QStash sent it."""
        return body_bytes(self.body, self.body_base64)


def _flow_control(model: Any) -> FlowControlProperties | None:
    key = opt(model.flow_control_key)
    if key is None:
        return None
    return FlowControlProperties(
        key=key,
        parallelism=opt(model.parallelism),
        rate=first(model.rate, model.rate_per_second),
        period=opt(model.period),
    )


def message_fields(model: om.Message | om.DlqMessage) -> dict[str, Any]:
    """The :class:`Message` fields of a generated Message-like model (shared with the DLQ)."""
    labels = opt(model.labels)
    return {
        "message_id": model.message_id,
        "url": opt(model.url),
        "url_group": opt(model.topic_name),
        "endpoint": opt(model.endpoint_name),
        "queue": opt(model.queue_name),
        "body": opt(model.body),
        "body_base64": opt(model.body_base_64),
        "method": opt(model.method),
        **header_fields(model),
        "max_retries": opt(model.max_retries),
        "retry_delay_expression": first(model.retry_delay_expression, model.retry_delay_expr),
        "not_before": opt(model.not_before),
        "created_at": opt(model.created_at),
        "callback": opt(model.callback),
        "failure_callback": opt(model.failure_callback),
        "schedule_id": opt(model.schedule_id),
        "caller_ip": first(model.callerIP, model.callerIp),
        "flow_control": _flow_control(model),
        "label": opt(model.label),
        "labels": list(labels) if labels else [],
    }


def parse_message(parsed: Any) -> Message:
    """A generated ``Message`` (from ``getMessage``) as a :class:`Message`."""
    from qstash_openapi.models import Message as MessageModel

    return Message(**message_fields(expect(parsed, MessageModel)))


def _message_id(data: Mapping[str, Any]) -> str:
    message_id = data.get("messageId")
    if not isinstance(message_id, str):
        raise QStashError("QStash answered a publish without a message id")
    return message_id


def _result(data: Any) -> PublishResult:
    # The spec's PublishResponse ({messageId, url?, deduplicated?}), or an array of them for a
    # URL group. Read straight from the JSON: this is every publish's hot path.
    if isinstance(data, dict):
        return PublishResponse(_message_id(data), data.get("deduplicated") is True, data.get("url"))
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        return [
            PublishUrlGroupResponse(
                _message_id(item), item.get("url") or "", item.get("deduplicated") is True
            )
            for item in data
        ]
    raise QStashError("QStash answered with an unexpected publish result")


def _load(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError as exc:
        raise QStashError("QStash answered with a body that is not JSON") from exc


def parse_publish(content: bytes) -> PublishResult:
    """Parse a publish/enqueue response body: an object, or an array for URL groups."""
    return _result(_load(content))


def parse_batch(content: bytes, secrets: Sequence[str] = ()) -> list[BatchResult]:
    """Parse a batch response; raise :class:`PartialBatchError` if any item was refused.

    ``secrets`` (the token, provider keys) are scrubbed from the refused items' texts: a
    server may quote the request back.
    """
    data = _load(content)
    if not isinstance(data, list):
        raise QStashError("QStash answered a batch with something other than a list")
    results: list[BatchResult | BatchItemError] = []
    errors: list[BatchItemError] = []
    for index, item in enumerate(data):
        if isinstance(item, dict) and item.get("messageId") is None and "error" in item:
            error = BatchItemError(index, redact(str(item["error"]), secrets))
            results.append(error)
            errors.append(error)
        else:
            results.append(_result(item))
    if errors:
        raise PartialBatchError(results, errors)
    return results  # type: ignore[return-value]


def parse_cancelled(parsed: Any) -> int:
    """The ``cancelled`` count of a bulk cancel (absent means 0)."""
    from qstash_openapi.models import CancelMessagesResponse

    return opt(expect(parsed, CancelMessagesResponse).cancelled) or 0


__getattr__ = api_classes("message", "MessageApi")
