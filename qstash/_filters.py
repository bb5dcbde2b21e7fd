"""Filters and cursors for logs, the DLQ and bulk message cancel, as query parameters.

A filter is a dict of snake_case keys (``url_group``, ``from_time``...), each mapping to one
query parameter (``topicName``, ``fromDate``...). Multi-valued keys take a string or a sequence
of strings, sent as repeated parameters: QStash ORs the values of one key and ANDs different
keys. Times take an aware ``datetime`` or unix milliseconds. A key set to ``None`` counts as not
given. Everything is checked before a request is sent; which keys an endpoint accepts differs
(the DLQ has no ``host``/``path``, bulk cancel no ``message_id``/``state``).
"""

# No `from __future__ import annotations`: the TypedDict keys below are read at runtime.
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

from qstash.errors import InvalidArgumentError

__all__ = [
    "BULK_COUNT",
    "DLQ",
    "LOGS",
    "MESSAGES",
    "DlqFilter",
    "FilterScope",
    "LogFilter",
    "MessageFilter",
    "QueryValue",
    "bulk_filter",
    "bulk_next",
    "count_param",
    "cursor_param",
    "filter_query",
    "next_cursor",
    "openapi_kwargs",
]

QueryValue = str | int | list[str]
"""A query parameter value: a list goes out as repeated parameters."""

Values = str | Sequence[str]
"""One value, or several (any of them matches)."""

Time = datetime | int
"""An aware ``datetime``, or unix milliseconds."""


class LogFilter(TypedDict, total=False):
    """Which log entries to list (``client.log.list(filter=...)``); every key is optional."""

    message_id: str | None
    """Entries of this message."""
    message_ids: Values | None
    """Entries of any of these messages."""
    state: str | None
    """Entries in this state: a :class:`qstash.log.LogState` (``IN_PROGRESS`` means ACTIVE,
    RETRY or ERROR) or its name."""
    url: Values | None
    """Destination URL(s)."""
    url_group: Values | None
    """URL group(s) the message was published to."""
    queue: Values | None
    """Queue(s) the message was enqueued to."""
    schedule_id: Values | None
    """Schedule(s) that produced the message."""
    label: Values | None
    """Label(s) of the message."""
    flow_control_key: Values | None
    """Flow-control key(s) of the message."""
    caller_ip: Values | None
    """IP address(es) the message was published from."""
    host: Values | None
    """Host(s) of the destination URL."""
    path: Values | None
    """Path(s) of the destination URL."""
    from_time: Time | None
    """Entries at or after this time (aware datetime or unix milliseconds)."""
    to_time: Time | None
    """Entries at or before this time (aware datetime or unix milliseconds)."""


class DlqFilter(TypedDict, total=False):
    """Which DLQ entries to list, delete or retry; every key is optional."""

    message_id: str | None
    """The entry of this message."""
    url: Values | None
    """Destination URL(s)."""
    url_group: Values | None
    """URL group(s) the message was published to."""
    queue: Values | None
    """Queue(s) the message was enqueued to."""
    schedule_id: Values | None
    """Schedule(s) that produced the message."""
    label: Values | None
    """Label(s) of the message."""
    flow_control_key: Values | None
    """Flow-control key(s) of the message."""
    caller_ip: Values | None
    """IP address(es) the message was published from."""
    response_status: int | None
    """HTTP status of the last delivery attempt."""
    from_time: Time | None
    """Entries at or after this time (aware datetime or unix milliseconds)."""
    to_time: Time | None
    """Entries at or before this time (aware datetime or unix milliseconds)."""


class MessageFilter(TypedDict, total=False):
    """Which pending messages to cancel in bulk; every key is optional."""

    url: Values | None
    """Destination URL(s)."""
    url_group: Values | None
    """URL group(s) the message was published to."""
    queue: Values | None
    """Queue(s) the message was enqueued to."""
    schedule_id: Values | None
    """Schedule(s) that produced the message."""
    label: Values | None
    """Label(s) of the message."""
    flow_control_key: Values | None
    """Flow-control key(s) of the message."""
    caller_ip: Values | None
    """IP address(es) the message was published from."""
    host: Values | None
    """Host(s) of the destination URL."""
    path: Values | None
    """Path(s) of the destination URL."""
    from_time: Time | None
    """Messages created at or after this time (aware datetime or unix milliseconds)."""
    to_time: Time | None
    """Messages created at or before this time (aware datetime or unix milliseconds)."""


_ONE, _MANY, _STATUS, _TIME = "one", "many", "status", "time"


@dataclass(frozen=True, slots=True)
class _Field:
    wire: str
    kwarg: str
    """The generated client's keyword argument for the parameter."""
    kind: str


_FIELDS: dict[str, _Field] = {
    "message_id": _Field("messageId", "message_id", _ONE),
    "message_ids": _Field("messageIds", "message_ids", _MANY),
    "dlq_ids": _Field("dlqIds", "dlq_ids", _MANY),
    "state": _Field("state", "state", _ONE),
    "url": _Field("url", "url_query", _MANY),
    "url_group": _Field("topicName", "topic_name", _MANY),
    "queue": _Field("queueName", "queue_name", _MANY),
    "schedule_id": _Field("scheduleId", "schedule_id", _MANY),
    "label": _Field("label", "label", _MANY),
    "flow_control_key": _Field("flowControlKey", "flow_control_key", _MANY),
    "caller_ip": _Field("callerIp", "caller_ip", _MANY),
    "host": _Field("host", "host", _MANY),
    "path": _Field("path", "path", _MANY),
    "response_status": _Field("responseStatus", "response_status", _STATUS),
    "from_time": _Field("fromDate", "from_date", _TIME),
    "to_time": _Field("toDate", "to_date", _TIME),
}

_KWARGS: dict[str, str] = {field.wire: field.kwarg for field in _FIELDS.values()} | {
    "cursor": "cursor",
    "count": "count",
}

# Names people carry over from the wire, the JS SDK or py2, with what to write instead.
_HINTS: dict[str, str] = {
    **{field.wire: f"use {key!r}" for key, field in _FIELDS.items() if field.wire != key},
    "urlGroup": "use 'url_group'",
    "topic_name": "use 'url_group'",
    "queue_name": "use 'queue'",
    "from_date": "use 'from_time'",
    "to_date": "use 'to_time'",
    "dlq_ids": "pass dlq_ids= to the call itself (or use the *_many methods)",
    "api": "QStash no longer filters by api; filter by 'url' instead",
    "cursor": "pass cursor= to the call itself, not inside the filter",
    "count": "pass count= (or page_size=) to the call itself, not inside the filter",
}

# Below this, a "millisecond" timestamp is before March 1973: almost surely seconds.
_MIN_PLAUSIBLE_MS = 100_000_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)

BULK_COUNT = 100
"""Entries deleted/retried/cancelled per bulk call (the JS SDK's default); loops go on."""


@dataclass(frozen=True, slots=True)
class FilterScope:
    """The filter keys one endpoint accepts, and how to name it in errors."""

    name: str
    keys: frozenset[str]


LOGS = FilterScope("the logs", frozenset(LogFilter.__optional_keys__))
DLQ = FilterScope("the DLQ", frozenset(DlqFilter.__optional_keys__))
MESSAGES = FilterScope("bulk message cancel", frozenset(MessageFilter.__optional_keys__))


def _type_name(value: object) -> str:
    return type(value).__name__


def _text(value: object, argument: str) -> str:
    if not isinstance(value, str):
        raise InvalidArgumentError(
            f"{argument} must be a string, got {_type_name(value)}", argument=argument
        )
    if not value or value.isspace():
        raise InvalidArgumentError(f"{argument} must not be empty", argument=argument)
    return str(value)  # a StrEnum member goes out as its plain value


def _many(value: object, argument: str, *, no_commas: bool) -> list[str]:
    if isinstance(value, str):
        items: Sequence[object] = (value,)
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        if not value:
            raise InvalidArgumentError(
                f"{argument} is an empty list; leave the key out to not filter on it",
                argument=argument,
            )
        items = value
    else:
        raise InvalidArgumentError(
            f"{argument} must be a string or a list of strings, got {_type_name(value)}",
            argument=argument,
        )
    texts = [_text(item, argument) for item in items]
    if no_commas:
        for text in texts:
            if "," in text:
                raise InvalidArgumentError(
                    f"{argument}: a label cannot contain ',', got {text!r}; pass several labels "
                    "as a list",
                    argument=argument,
                )
    return texts


def _status(value: object, argument: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 100 <= value <= 599:
        raise InvalidArgumentError(
            f"{argument} must be an HTTP status code (an int from 100 to 599), got {value!r}",
            argument=argument,
        )
    return value


def _unix_ms(value: object, argument: str, *, round_up: bool) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidArgumentError(
                f"{argument} is a naive datetime, which is ambiguous; give it a timezone, e.g. "
                "datetime.now(timezone.utc)",
                argument=argument,
            )
        delta = value - _EPOCH
        # Whole milliseconds that still include the instant: floor a start, ceil an end.
        return -(-delta // _MILLISECOND) if round_up else delta // _MILLISECOND
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgumentError(
            f"{argument} must be an aware datetime or unix milliseconds (int), got "
            f"{_type_name(value)}",
            argument=argument,
        )
    if value < 0:
        raise InvalidArgumentError(f"{argument} must be 0 or more, got {value}", argument=argument)
    if 0 < value < _MIN_PLAUSIBLE_MS:
        raise InvalidArgumentError(
            f"{argument} looks like unix seconds ({value}); it takes milliseconds, so multiply "
            "by 1000 (or pass a datetime)",
            argument=argument,
        )
    return value


def _unknown(key: object, scope: FilterScope, argument: str) -> InvalidArgumentError:
    accepted = ", ".join(sorted(scope.keys))
    if not isinstance(key, str):
        return InvalidArgumentError(
            f"{argument} keys must be strings, got {_type_name(key)}", argument=argument
        )
    hint = _HINTS.get(key)
    if hint is None and key in _FIELDS:
        return InvalidArgumentError(
            f"{argument}: {key!r} is not accepted by {scope.name}; it accepts {accepted}",
            argument=argument,
        )
    if hint is None:
        import difflib  # only on this error path

        close = difflib.get_close_matches(key, sorted(scope.keys), n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"accepted keys: {accepted}"
    return InvalidArgumentError(f"{argument}: unknown key {key!r}; {hint}", argument=argument)


def filter_query(
    filter: Mapping[str, object] | None, scope: FilterScope, *, argument: str = "filter"
) -> dict[str, QueryValue]:
    """The query parameters (wire names) for ``filter``, checked against ``scope``.

    Multi-valued keys become lists (repeated parameters), times unix milliseconds. Raises
    :class:`~qstash.errors.InvalidArgumentError` for an unknown or unaccepted key, an empty
    string or list, a naive datetime, a time that looks like seconds, or ``from_time`` after
    ``to_time``.
    """
    if filter is None:
        return {}
    if not isinstance(filter, Mapping):
        raise InvalidArgumentError(
            f"{argument} must be a dict such as {{'url': 'https://...'}}, got {_type_name(filter)}",
            argument=argument,
        )
    params: dict[str, QueryValue] = {}
    for key, value in filter.items():
        if key not in scope.keys:
            raise _unknown(key, scope, argument)
        if value is None:
            continue
        field = _FIELDS[key]
        where = f"{argument}.{key}"
        if field.kind == _ONE:
            params[field.wire] = _text(value, where)
        elif field.kind == _MANY:
            params[field.wire] = _many(value, where, no_commas=key == "label")
        elif field.kind == _STATUS:
            params[field.wire] = _status(value, where)
        else:
            params[field.wire] = _unix_ms(value, where, round_up=key == "to_time")
    start, end = params.get("fromDate"), params.get("toDate")
    if isinstance(start, int) and isinstance(end, int) and start > end:
        raise InvalidArgumentError(
            f"{argument}: from_time ({start}) is after to_time ({end})", argument=argument
        )
    return params


def cursor_param(cursor: object, argument: str = "cursor") -> str | None:
    """A cursor to send: a string (a number is converted); ``None`` or ``""`` is the start."""
    if cursor is None or cursor == "":
        return None
    if isinstance(cursor, int) and not isinstance(cursor, bool):
        return str(cursor)
    if not isinstance(cursor, str):
        raise InvalidArgumentError(
            f"{argument} must be the string cursor of a previous page, got {_type_name(cursor)}",
            argument=argument,
        )
    return cursor


def count_param(count: object, argument: str = "count") -> int | None:
    """A page size to send: ``None`` (the server's default) or an int ≥ 1."""
    if count is None:
        return None
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise InvalidArgumentError(
            f"{argument} must be an int of 1 or more, got {count!r}", argument=argument
        )
    return count


def next_cursor(value: Any) -> str | None:
    """A response's cursor as a string, or ``None`` when there is no next page.

    QStash ends with an absent or empty cursor, and some endpoints send numbers.
    """
    if value is None or value == "" or type(value).__name__ == "Unset":
        return None
    return value if isinstance(value, str) else str(value)


def bulk_next(
    sent: str | None, received: Any, handled: int, count: int | None
) -> tuple[bool, str | None]:
    """Whether a bulk delete/retry/cancel loop goes on, and with which cursor.

    ``sent`` is the cursor of the call just made, ``received`` the one it answered, ``handled``
    how many entries it deleted/retried/cancelled and ``count`` the page size sent (``None``
    when selecting by ids). The loop follows the cursor until it is empty; a cursor answered
    back unchanged after handling nothing ends it (no progress). With no cursor, a full page
    goes round once more from the start: QStash's documented loop is "until nothing is
    handled", so a server that stops at ``count`` without a cursor is covered too.
    """
    cursor = next_cursor(received)
    if cursor is not None:
        return (handled > 0 or cursor != sent), cursor
    return (count is not None and handled >= count), None


def bulk_filter(filter: Mapping[str, object] | None, scope: FilterScope) -> dict[str, QueryValue]:
    """The query of a bulk ``*_all`` call: the filter's parameters, or everything for ``None``.

    A filter that selects nothing (empty, or every key ``None``) is refused: it must not
    silently widen to every entry.
    """
    params = filter_query(filter, scope)
    if filter is not None and not params:
        raise InvalidArgumentError(
            "filter selects nothing (it is empty or every key is None); pass filter=None to "
            "act on everything",
            argument="filter",
        )
    return params


def openapi_kwargs(params: Mapping[str, QueryValue | None]) -> dict[str, Any]:
    """Wire-named query parameters as the generated endpoint's keyword arguments."""
    return {_KWARGS[name]: value for name, value in params.items() if value is not None}
