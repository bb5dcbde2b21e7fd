"""Turning publish, enqueue, batch-item and schedule requests into :class:`Draft` messages.

Pure functions: headers (and lower-case ``upstash-*`` query parameters) in, a validated
draft out, or :class:`~qstash.dev._engine.ApiError` 400 with a message naming the header.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from qstash.dev._cron import Cron, CronError, parse_cron
from qstash.dev._engine import ApiError
from qstash.dev._expr import ExpressionError, RetryDelay, parse_retry_delay
from qstash.dev._model import CallbackSpec, Draft, FlowSpec, Headers, Redaction
from qstash.dev._values import (
    ValueProblem,
    is_http_url,
    parse_bool,
    parse_duration,
    parse_flow_value,
    valid_name,
)

__all__ = [
    "ScheduleRequest",
    "parse_destination",
    "parse_draft",
    "parse_overrides",
    "parse_schedule",
]

_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})
# Never forwarded: hop-by-hop and framing headers, and the ones QStash sets itself.
_NOT_FORWARDED = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "upgrade",
        "te",
        "trailer",
        "proxy-authorization",
        "proxy-connection",
        "user-agent",
        "upstash-signature",
        "upstash-message-id",
        "upstash-retried",
        "upstash-schedule-id",
        "upstash-topic-name",
        "upstash-caller-ip",
    }
)
_SCHEME_ERROR = "invalid destination url: endpoint has invalid scheme, add http:// or https://"


def _bad(message: str) -> ApiError:
    return ApiError(400, message)


def parse_destination(raw: str) -> tuple[str, bool]:
    """The destination of a publish path: ``(url, True)`` or ``(group name, False)``.

    A percent-encoded URL (``https%3A%2F%2F...``) is decoded.

    Raises:
        ApiError: 400 when it is neither an http(s) URL nor a valid group name.
    """
    destination = raw
    if destination[:10].lower().startswith(("http%3a", "https%3a")):
        destination = unquote(destination)
    if "://" in destination:
        if not is_http_url(destination):
            raise _bad(_SCHEME_ERROR)
        return destination, True
    if not destination:
        raise _bad("a destination (URL or URL-group name) is required")
    if "/" in destination or not valid_name(destination):
        raise _bad(_SCHEME_ERROR)
    return destination, False


def _int(value: str, header: str, *, minimum: int = 0) -> int:
    text = value.strip()
    if not text.lstrip("-").isdigit() or int(text) < minimum:
        raise _bad(f"invalid {header}: {value!r} is not an integer >= {minimum}")
    return int(text)


def _duration(value: str, header: str) -> float:
    try:
        return parse_duration(value)
    except ValueProblem as exc:
        raise _bad(f"invalid {header}: {exc}") from None


def _method(value: str, header: str) -> str:
    method = value.strip().upper()
    if method not in _METHODS:
        raise _bad(f"invalid {header}: {value!r} (use GET, POST, PUT, DELETE or PATCH)")
    return method


def _expression(value: str, header: str) -> RetryDelay:
    try:
        return parse_retry_delay(value)
    except ExpressionError as exc:
        raise _bad(f"invalid {header}: {exc}") from None


def _url(value: str, header: str) -> str:
    url = value.strip()
    if not is_http_url(url):
        raise _bad(f"invalid {header}: {url!r} is not an http:// or https:// URL")
    return url


def _callback(
    url: str | None, options: dict[str, str], forwarded: list[tuple[str, str]], prefix: str
) -> CallbackSpec | None:
    if url is None:
        return None
    method = options.get("method")
    retries = options.get("retries")
    timeout = options.get("timeout")
    delay = options.get("delay")
    retry_delay = options.get("retry-delay")
    return CallbackSpec(
        _url(url, prefix),
        _method(method, f"{prefix}-Method") if method else "POST",
        _int(retries, f"{prefix}-Retries") if retries else None,
        _duration(timeout, f"{prefix}-Timeout") if timeout else None,
        _duration(delay, f"{prefix}-Delay") if delay else 0.0,
        _expression(retry_delay, f"{prefix}-Retry-Delay") if retry_delay else None,
        tuple(forwarded),
    )


def _redaction(value: str) -> Redaction | None:
    body = all_headers = False
    names: set[str] = set()
    for raw in value.split(","):
        token = raw.strip()
        lower = token.lower()
        if not token:
            continue
        if lower == "body":
            body = True
        elif lower in ("header", "headers"):
            all_headers = True
        elif (lower.startswith("header[") or lower.startswith("headers[")) and lower.endswith("]"):
            names.add(lower[lower.index("[") + 1 : -1].strip())
        else:
            raise _bad(
                f"invalid Upstash-Redact-Fields: {token!r} (use body, header or header[Name])"
            )
    if not (body or all_headers or names):
        return None
    return Redaction(body, all_headers, frozenset(names))


@dataclass(frozen=True, slots=True)
class ScheduleRequest:
    """The schedule-only headers of a schedule create."""

    cron: Cron
    schedule_id: str | None


def parse_draft(
    pairs: Iterable[tuple[str, str]],
    body: bytes,
    destination: str,
    *,
    queue: str | None = None,
    token: str | None = None,
) -> tuple[Draft, dict[str, str]]:
    """Parse the ``Upstash-*`` headers of one message.

    Args:
        pairs: request headers, then ``upstash-*`` query parameters (later ones win).
        body: the raw body.
        destination: the raw destination (URL or URL-group name).
        queue: the queue of an enqueue or batch item.
        token: the caller's QStash token, never forwarded by ``Upstash-Header-Forward``.

    Returns:
        The draft, and the other ``Upstash-*`` options by lower-case name without the prefix
        (``cron``, ``schedule-id``, ``queue-name``...) for the caller to use.

    Raises:
        ApiError: 400 naming the offending header.
    """
    url, is_url = parse_destination(destination)
    options: dict[str, str] = {}
    forwarded: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    callback: str | None = None
    failure_callback: str | None = None
    callback_options: dict[str, str] = {}
    failure_options: dict[str, str] = {}
    callback_forward: list[tuple[str, str]] = []
    failure_forward: list[tuple[str, str]] = []
    content_type: str | None = None
    for name, value in pairs:
        lower = name.lower()
        if not lower.startswith("upstash-"):
            if lower == "content-type":
                content_type = value
            else:
                others.append((name, value))
            continue
        rest = lower[8:]
        if rest.startswith("forward-"):
            forwarded.append((name[16:], value))
        elif rest.startswith("callback-forward-"):
            callback_forward.append((name[25:], value))
        elif rest.startswith("failure-callback-forward-"):
            failure_forward.append((name[33:], value))
        elif rest.startswith("failure-callback-"):
            failure_options[rest[17:]] = value
        elif rest == "failure-callback":
            failure_callback = value
        elif rest.startswith("callback-"):
            callback_options[rest[9:]] = value
        elif rest == "callback":
            callback = value
        else:
            options[rest] = value

    if parse_bool(options.get("header-forward", "")):
        bearer = f"Bearer {token}" if token else None
        for name, value in others:
            if name.lower() == "authorization" and value == bearer:
                continue
            forwarded.append((name, value))
    delivered: list[tuple[str, str]] = []
    if content_type is not None:
        delivered.append(("Content-Type", content_type))
    delivered.extend(p for p in forwarded if p[0] and p[0].lower() not in _NOT_FORWARDED)

    method = options.get("method")
    retries = options.get("retries")
    retry_delay = options.get("retry-delay")
    delay = options.get("delay")
    not_before = options.get("not-before")
    timeout = options.get("timeout")
    flow_key = options.get("flow-control-key")
    flow_value = options.get("flow-control-value")
    label = options.get("label")
    redact = options.get("redact-fields")

    flow = None
    if flow_key is not None and flow_key.strip():
        try:
            parallelism, rate, period = parse_flow_value(flow_value or "")
        except ValueProblem as exc:
            raise _bad(str(exc)) from None
        flow = FlowSpec(flow_key.strip(), parallelism, rate, period)
    elif flow_value:
        raise _bad("Upstash-Flow-Control-Value needs an Upstash-Flow-Control-Key")

    timeout_s = _duration(timeout, "Upstash-Timeout") if timeout else None
    if timeout_s is not None and timeout_s <= 0:
        raise _bad("invalid Upstash-Timeout: must be positive")
    labels = tuple(p.strip() for p in label.split(",") if p.strip()) if label else ()
    draft = Draft(
        url,
        is_url,
        _method(method, "Upstash-Method") if method else "POST",
        body,
        _clean(delivered),
        _int(retries, "Upstash-Retries") if retries else 3,
        _expression(retry_delay, "Upstash-Retry-Delay") if retry_delay else None,
        _duration(delay, "Upstash-Delay") if delay else 0.0,
        _int(not_before, "Upstash-Not-Before") if not_before else None,
        timeout_s,
        _callback(callback, callback_options, callback_forward, "Upstash-Callback"),
        _callback(failure_callback, failure_options, failure_forward, "Upstash-Failure-Callback"),
        flow,
        labels,
        _redaction(redact) if redact else None,
        options.get("deduplication-id") or None,
        parse_bool(options.get("content-based-deduplication", "")),
        queue,
    )
    return draft, options


def _clean(pairs: list[tuple[str, str]]) -> Headers:
    for name, value in pairs:
        if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
            raise _bad(f"invalid header {name!r}: line breaks are not allowed")
    return tuple(pairs)


def parse_schedule(options: dict[str, str]) -> ScheduleRequest:
    """The cron and schedule id of a schedule create.

    Raises:
        ApiError: 400 for a missing/invalid cron or an invalid id.
    """
    try:
        cron = parse_cron(options.get("cron", ""))
    except CronError as exc:
        raise _bad(str(exc)) from None
    schedule_id = options.get("schedule-id")
    if schedule_id is not None:
        schedule_id = schedule_id.strip()
        if not valid_name(schedule_id):
            raise _bad(
                "invalid Upstash-Schedule-Id: use letters, digits, '-', '_' and '.' "
                "(at most 200 characters)"
            )
    return ScheduleRequest(cron, schedule_id)


def parse_overrides(pairs: Iterable[tuple[str, str]]) -> dict[str, object]:
    """``Upstash-*`` headers of a DLQ retry that replace the original message's settings.

    Returns:
        :class:`~qstash.dev._model.MessageSpec` field names to new values (plus ``delay_s``).
    """
    result: dict[str, object] = {}
    for name, value in pairs:
        lower = name.lower()
        if lower == "upstash-retries":
            result["max_retries"] = _int(value, "Upstash-Retries")
        elif lower == "upstash-retry-delay":
            result["retry_delay"] = _expression(value, "Upstash-Retry-Delay")
        elif lower == "upstash-timeout":
            result["timeout_s"] = _duration(value, "Upstash-Timeout")
        elif lower == "upstash-delay":
            result["delay_s"] = _duration(value, "Upstash-Delay")
        elif lower == "upstash-method":
            result["method"] = _method(value, "Upstash-Method")
    return result
