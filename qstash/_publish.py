"""Pure request builders for publish, enqueue, batch and schedule create.

They validate the options, pick the destination, encode the body and build the headers
(through :func:`qstash._headers.build_headers`); they do no I/O. The sync and async clients
send the resulting :class:`RequestSpec` through the one transport.
"""

from __future__ import annotations

import json as _json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from qstash import _values
from qstash._headers import Kind, build_headers
from qstash._retry import SECRETS_EXTENSION
from qstash.chat import LlmProvider
from qstash.errors import InvalidArgumentError

__all__ = [
    "REPLAY_SAFE",
    "SECRETS",
    "RequestSpec",
    "batch_request",
    "enqueue_request",
    "publish_request",
    "schedule_headers",
    "schedule_request",
]

SECRETS = SECRETS_EXTENSION
"""Extension key: secrets this request carries for a third party (an LLM provider key)."""

REPLAY_SAFE = "qstash.replay_safe"
"""Extension key: ``True`` when sending the request twice cannot create two messages
(it carries a deduplication id, content-based deduplication or a schedule id)."""

# Compact, and readable in the QStash console for non-ASCII text; NaN/Infinity are not JSON.
_ENCODER = _json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_JSON = {"Content-Type": "application/json"}
_DEDUP_ID = "Upstash-Deduplication-Id"
_DEDUP_HEADERS = frozenset({"upstash-deduplication-id", "upstash-content-based-deduplication"})
_DESTINATIONS = ("url", "url_group", "api")


@dataclass(slots=True)  # not frozen: built on every publish, and frozen init costs ~8x more
class RequestSpec:
    """A request to send: ``method``, ``path`` (appended raw to the base URL), ``headers``,
    ``content`` (``None``: no body) and httpx ``extensions`` for the transport.

    The ``repr`` shows header names only, never their values.
    """

    method: str
    path: str
    headers: dict[str, str]
    content: bytes | None = None
    extensions: dict[str, object] = field(default_factory=dict)

    def __repr__(self) -> str:
        # Header values may hold an LLM provider key or the user's forwarded credentials.
        size = "None" if self.content is None else f"<{len(self.content)} bytes>"
        return (
            f"RequestSpec(method={self.method!r}, path={self.path!r}, "
            f"headers={sorted(self.headers)!r}, content={size}, "
            f"extensions={sorted(self.extensions)!r})"
        )


def _where(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _destination(options: Mapping[str, object], prefix: str) -> tuple[str, dict[str, str] | None]:
    """Return (destination, headers to forward) from exactly one of url / url_group / api."""
    url = options.get("url")
    if url is not None and options.get("url_group") is None and options.get("api") is None:
        return _values.http_url(url, _where(prefix, "url")), None  # the common case, first
    given = [name for name in _DESTINATIONS if options.get(name) is not None]
    if len(given) != 1:
        got = "none" if not given else " and ".join(given)
        raise InvalidArgumentError(
            f"{prefix + ': ' if prefix else ''}give exactly one of url, url_group or api "
            f"(got {got})",
            argument=prefix or "url/url_group/api",
        )
    kind = given[0]
    value = options[kind]
    if kind == "url":
        return _values.http_url(value, _where(prefix, "url")), None
    if kind == "url_group":
        return _values.name(value, _where(prefix, "url_group")), None
    argument = _where(prefix, "api")
    if not isinstance(value, Mapping) or value.get("name") != "llm":
        raise InvalidArgumentError(
            f"{argument} must be {{'name': 'llm', 'provider': <provider>}}, e.g. "
            "api={'name': 'llm', 'provider': qstash.chat.openai(key)}",
            argument=argument,
        )
    provider = value.get("provider")
    if not isinstance(provider, LlmProvider):
        raise InvalidArgumentError(
            f"{argument}['provider'] must be an LlmProvider from qstash.chat "
            f"(openai, anthropic, custom, upstash), got {type(provider).__name__}",
            argument=f"{argument}.provider",
        )
    return provider.destination, provider.forward_headers() or None


def _raw_body(body: object, argument: str) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytearray | memoryview):
        return bytes(body)
    raise InvalidArgumentError(
        f"{argument} must be str or bytes, got {type(body).__name__}; use the *_json variant "
        "to send a value as JSON",
        argument=argument,
    )


def _json_text(body: object, argument: str) -> str:
    try:
        return _ENCODER.encode(body)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"{argument} cannot be sent as JSON: {exc}", argument=argument
        ) from None


def _json_body(body: object, argument: str) -> bytes | None:
    if body is None:
        return None
    try:
        return _json_text(body, argument).encode()
    except UnicodeEncodeError:
        raise InvalidArgumentError(
            f"{argument} contains a lone surrogate and cannot be encoded as UTF-8",
            argument=argument,
        ) from None


def _has_dedup(headers: Mapping[str, str]) -> bool:
    return any(name.lower() in _DEDUP_HEADERS for name in headers)


def _message(
    options: Mapping[str, object], kind: Kind, path: str, json: bool, dedup_id: str | None
) -> RequestSpec:
    destination, forward = _destination(options, "")
    headers = build_headers(options, kind=kind, force_json=json, forward=forward)
    body = options.get("body")
    content = _json_body(body, "body") if json else _raw_body(body, "body")
    replay_safe = _has_dedup(headers)
    if dedup_id is not None and not replay_safe:
        headers[_DEDUP_ID] = dedup_id
        replay_safe = True
    extensions = _extensions(replay_safe, [options])
    return RequestSpec("POST", path + destination, headers, content, extensions)


def _extensions(replay_safe: bool, messages: Sequence[Mapping[str, object]]) -> dict[str, object]:
    extensions: dict[str, object] = {REPLAY_SAFE: replay_safe}
    if all(message.get("api") is None for message in messages):
        return extensions
    secrets = {
        api["provider"].token
        for message in messages
        if isinstance(api := message.get("api"), Mapping)
        and isinstance(api.get("provider"), LlmProvider)
        and api["provider"].token
    }
    if secrets:
        extensions[SECRETS] = tuple(sorted(secrets))
    return extensions


def publish_request(
    options: Mapping[str, object], *, json: bool, dedup_id: str | None = None
) -> RequestSpec:
    """Build ``POST /v2/publish/<destination>``.

    ``options`` are :class:`~qstash._options.PublishOptions` (or the JSON variant when
    ``json``). The destination is appended raw (a URL keeps its query string). ``dedup_id``
    is added as ``Upstash-Deduplication-Id`` when the caller set no deduplication, so the
    transport may retry the request safely.
    """
    return _message(options, "publish", "/v2/publish/", json, dedup_id)


def enqueue_request(
    options: Mapping[str, object], *, json: bool, dedup_id: str | None = None
) -> RequestSpec:
    """Build ``POST /v2/enqueue/<queue>/<destination>`` (options as :func:`publish_request`
    plus the required ``queue``)."""
    queue = options.get("queue")
    if queue is None:
        raise InvalidArgumentError("enqueue needs a queue name", argument="queue")
    path = f"/v2/enqueue/{_values.name(queue, 'queue')}/"
    return _message(options, "enqueue", path, json, dedup_id)


def batch_request(
    messages: Sequence[Mapping[str, object]],
    *,
    json: bool,
    dedup_ids: Callable[[], str] | None = None,
) -> RequestSpec:
    """Build ``POST /v2/batch``: a JSON array of ``{destination, headers, body?, queue?}``.

    Every item is validated before anything is built; errors name the item
    (``argument="messages[2]"`` or ``"messages[2].delay"``). Bodies travel as strings, so a
    ``bytes`` body must be UTF-8. Items without their own deduplication get an id from
    ``dedup_ids``; the request is replay-safe only when every item is deduplicated.
    """
    if isinstance(messages, str | bytes | Mapping) or not isinstance(messages, Sequence):
        raise InvalidArgumentError(
            f"messages must be a list of dicts, got {type(messages).__name__}",
            argument="messages",
        )
    if not messages:
        raise InvalidArgumentError("messages must not be empty", argument="messages")
    items: list[tuple[dict[str, object], dict[str, str]]] = []
    for index, message in enumerate(messages):
        prefix = f"messages[{index}]"
        if not isinstance(message, Mapping):
            raise InvalidArgumentError(
                f"{prefix} must be a dict, got {type(message).__name__}", argument=prefix
            )
        try:
            items.append(_batch_item(message, prefix, json))
        except InvalidArgumentError as exc:
            if exc.argument is not None and exc.argument.startswith(prefix):
                raise
            where = _where(prefix, exc.argument) if exc.argument else prefix
            raise InvalidArgumentError(f"{prefix}: {exc}", argument=where) from None
    replay_safe = True
    for _, headers in items:
        if not _has_dedup(headers):
            if dedup_ids is None:
                replay_safe = False
            else:
                headers[_DEDUP_ID] = dedup_ids()
    content = _ENCODER.encode([item for item, _ in items]).encode()
    extensions = _extensions(replay_safe, messages)
    return RequestSpec("POST", "/v2/batch", dict(_JSON), content, extensions)


def _batch_item(
    message: Mapping[str, object], prefix: str, json: bool
) -> tuple[dict[str, object], dict[str, str]]:
    destination, forward = _destination(message, prefix)
    headers = build_headers(message, kind="batch", force_json=json, forward=forward)
    item: dict[str, object] = {"destination": destination, "headers": headers}
    body = message.get("body")
    if body is not None:
        if json:
            item["body"] = _json_text(body, "body")
        else:
            raw = body if isinstance(body, str) else _raw_body(body, "body")
            if isinstance(raw, bytes):
                try:
                    raw = raw.decode()
                except UnicodeDecodeError:
                    raise InvalidArgumentError(
                        "body is bytes that are not UTF-8 text; the batch API carries bodies "
                        "as strings, so send this message with publish instead",
                        argument="body",
                    ) from None
            item["body"] = raw
    queue = message.get("queue")
    if queue is not None:
        item["queue"] = _values.name(queue, "queue")
    return item, headers


def schedule_headers(options: Mapping[str, object], *, json: bool) -> dict[str, str]:
    """Return the headers of a schedule create (:class:`~qstash._options.ScheduleOptions`):
    ``Upstash-Cron`` (required), ``Upstash-Schedule-Id``, ``Upstash-Queue-Name`` and the
    message options; ``Content-Type`` defaults to ``application/json``."""
    if options.get("cron") is None:
        raise InvalidArgumentError(
            "a schedule needs a cron expression, e.g. cron='*/5 * * * *'", argument="cron"
        )
    return build_headers(options, kind="schedule", force_json=json)


def schedule_request(options: Mapping[str, object], *, json: bool) -> RequestSpec:
    """Build ``POST /v2/schedules/<destination>`` (a URL, appended raw, or a URL group).

    With a ``schedule_id`` the create is an upsert, so it is marked replay-safe.
    """
    destination = options.get("destination")
    if destination is None:
        raise InvalidArgumentError(
            "a schedule needs a destination: a URL or a URL group name", argument="destination"
        )
    if isinstance(destination, str) and "://" in destination:
        destination = _values.http_url(destination, "destination")
    else:
        destination = _values.name(destination, "destination")
    headers = schedule_headers(options, json=json)
    body = options.get("body")
    content = _json_body(body, "body") if json else _raw_body(body, "body")
    replay_safe = options.get("schedule_id") is not None
    return RequestSpec(
        "POST", "/v2/schedules/" + destination, headers, content, {REPLAY_SAFE: replay_safe}
    )
