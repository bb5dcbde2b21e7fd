"""The one table from message options to QStash request headers.

Every message-sending call (publish, enqueue, batch items, schedule create; sync and async)
turns its options into headers through :func:`build_headers`, driven by :data:`HEADER_RULES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from qstash import _values
from qstash.errors import InvalidArgumentError

__all__ = ["HEADER_RULES", "KINDS", "HeaderRule", "Kind", "build_headers"]

Kind = Literal["publish", "enqueue", "batch", "schedule"]
KINDS: tuple[Kind, ...] = ("publish", "enqueue", "batch", "schedule")
"""The message kinds: a publish, an enqueue, one batch item, a schedule create."""

Encoder = Callable[[object, str], Iterable[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class HeaderRule:
    """One row of the table.

    ``option``
        Keyword argument name.
    ``headers``
        The header(s) it writes (for humans and tests; ``*`` marks a family).
    ``kinds``
        The message kinds that accept it.
    ``encode``
        ``encode(value, argument)`` validates a non-``None`` value and yields
        ``(header, value)`` pairs; it raises :class:`InvalidArgumentError` naming ``argument``.
    ``user_named``
        The header names come from the user (``headers`` and the callback families). These
        rows run last and never overwrite a header set by a dedicated option.
    """

    option: str
    headers: str
    kinds: frozenset[Kind]
    encode: Encoder
    user_named: bool = False


def _one(header: str, serialize: Callable[[object, str], str]) -> Encoder:
    def encode(value: object, argument: str) -> tuple[tuple[str, str], ...]:
        return ((header, serialize(value, argument)),)

    return encode


def _int_text(value: object, argument: str) -> str:
    return str(_values.non_negative_int(value, argument))


def _unix_text(value: object, argument: str) -> str:
    return str(_values.unix_seconds(value, argument))


def _timeout(value: object, argument: str) -> str:
    return _values.duration(value, argument, positive=True)


def _content_based(value: object, argument: str) -> tuple[tuple[str, str], ...]:
    # QStash reads the header's presence; "false" would be misleading, so False sends nothing.
    if _values.flag(value, argument):
        return (("Upstash-Content-Based-Deduplication", "true"),)
    return ()


def _mapping(value: object, argument: str) -> Mapping[object, object]:
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(
            f"{argument} must be a dict, got {type(value).__name__}", argument=argument
        )
    return value


def _check_keys(value: Mapping[object, object], allowed: Sequence[str], argument: str) -> None:
    for key in value:
        if key not in allowed:
            raise InvalidArgumentError(
                f"{argument} has no key {key!r}{_suggest(str(key), allowed)}; "
                f"known keys: {', '.join(allowed)}",
                argument=f"{argument}.{key}",
            )


_MAX_FLOW_PERIOD = 7 * 86_400  # seconds: QStash's documented maximum period
_FLOW_CONTROL_KEYS = ("key", "parallelism", "rate", "period", "rate_per_second")


def _flow_control(value: object, argument: str) -> tuple[tuple[str, str], ...]:
    spec = _mapping(value, argument)
    _check_keys(spec, _FLOW_CONTROL_KEYS, argument)
    if spec.get("key") is None:
        raise InvalidArgumentError(f"{argument} needs a 'key'", argument=f"{argument}.key")
    key = _values.header_text(spec["key"], f"{argument}.key")
    rate, rate_name = spec.get("rate"), "rate"
    alias = spec.get("rate_per_second")
    if alias is not None:
        if rate is not None:
            raise InvalidArgumentError(
                f"{argument}: give 'rate' or its deprecated alias 'rate_per_second', not both",
                argument=f"{argument}.rate_per_second",
            )
        rate, rate_name = alias, "rate_per_second"
    parts = []
    if (parallelism := spec.get("parallelism")) is not None:
        parts.append(f"parallelism={_values.positive_int(parallelism, f'{argument}.parallelism')}")
    if rate is not None:
        parts.append(f"rate={_values.positive_int(rate, f'{argument}.{rate_name}')}")
    if (period := spec.get("period")) is not None:
        text = _values.duration(period, f"{argument}.period", positive=True)
        if _values.duration_seconds(text) > _MAX_FLOW_PERIOD:
            raise InvalidArgumentError(
                f"{argument}.period must be at most one week (QStash's limit), got {period!r}",
                argument=f"{argument}.period",
            )
        parts.append(f"period={text}")
    if not parts:
        raise InvalidArgumentError(
            f"{argument} needs at least one of 'parallelism', 'rate' or 'period' besides 'key'",
            argument=argument,
        )
    return (("Upstash-Flow-Control-Key", key), ("Upstash-Flow-Control-Value", ", ".join(parts)))


_REDACT_KEYS = ("body", "header")


def _redact(value: object, argument: str) -> tuple[tuple[str, str], ...]:
    spec = _mapping(value, argument)
    _check_keys(spec, _REDACT_KEYS, argument)
    fields = []
    body = spec.get("body")
    if body is not None and _values.flag(body, f"{argument}.body"):
        fields.append("body")
    header = spec.get("header")
    if header is True:
        fields.append("header")
    elif isinstance(header, str):
        fields.append(f"header[{_values.header_name(header, f'{argument}.header')}]")
    elif isinstance(header, Sequence):
        for item in header:
            fields.append(f"header[{_values.header_name(item, f'{argument}.header')}]")
    elif header is not None and header is not False:
        raise InvalidArgumentError(
            f"{argument}.header must be True or a list of header names, got "
            f"{type(header).__name__}",
            argument=f"{argument}.header",
        )
    if not fields:
        return ()
    return (("Upstash-Redact-Fields", ",".join(fields)),)


def _forwarded(value: object, argument: str) -> list[tuple[str, str]]:
    pairs = []
    for key, raw in _mapping(value, argument).items():
        name = _values.header_name(key, argument)
        text = _values.header_value(raw, f"{argument}[{name!r}]")
        lower = name.lower()
        if lower.startswith("upstash-"):
            pairs.append((name, text))  # a QStash setting, e.g. Upstash-Callback-Forward-X
        elif lower == "content-type":
            pairs.append(("Content-Type", text))
        else:
            pairs.append(("Upstash-Forward-" + name, text))
    return pairs


# Callback headers with these names configure the callback delivery itself; every other
# name is forwarded to the callback URL.
_CALLBACK_SETTINGS = frozenset({"method", "timeout", "retries", "retry-delay", "delay"})


def _callback_family(prefix: str) -> Encoder:
    lower_prefix = prefix.lower()

    def encode(value: object, argument: str) -> list[tuple[str, str]]:
        pairs = []
        for key, raw in _mapping(value, argument).items():
            name = _values.header_name(key, argument)
            text = _values.header_value(raw, f"{argument}[{name!r}]")
            lower = name.lower()
            if lower.startswith(lower_prefix):
                pairs.append((name, text))
            elif lower.startswith("upstash-"):
                raise InvalidArgumentError(
                    f"{argument}: {name!r} is not a {prefix}* header; put QStash settings for "
                    "the message itself in headers",
                    argument=f"{argument}[{name!r}]",
                )
            elif lower in _CALLBACK_SETTINGS or lower.startswith("forward-"):
                pairs.append((prefix + name, text))
            else:
                pairs.append((prefix + "Forward-" + name, text))
        return pairs

    return encode


_MESSAGES: frozenset[Kind] = frozenset({"publish", "enqueue", "batch"})
_SCHEDULES: frozenset[Kind] = frozenset({"schedule"})
_ALL: frozenset[Kind] = _MESSAGES | _SCHEDULES

HEADER_RULES: tuple[HeaderRule, ...] = (
    HeaderRule("content_type", "Content-Type", _ALL, _one("Content-Type", _values.header_text)),
    HeaderRule("method", "Upstash-Method", _ALL, _one("Upstash-Method", _values.http_method)),
    HeaderRule("retries", "Upstash-Retries", _ALL, _one("Upstash-Retries", _int_text)),
    HeaderRule(
        "retry_delay",
        "Upstash-Retry-Delay",
        _ALL,
        _one("Upstash-Retry-Delay", _values.retry_delay),
    ),
    HeaderRule("callback", "Upstash-Callback", _ALL, _one("Upstash-Callback", _values.http_url)),
    HeaderRule(
        "failure_callback",
        "Upstash-Failure-Callback",
        _ALL,
        _one("Upstash-Failure-Callback", _values.http_url),
    ),
    HeaderRule("delay", "Upstash-Delay", _ALL, _one("Upstash-Delay", _values.duration)),
    HeaderRule(
        "not_before", "Upstash-Not-Before", _MESSAGES, _one("Upstash-Not-Before", _unix_text)
    ),
    HeaderRule(
        "deduplication_id",
        "Upstash-Deduplication-Id",
        _MESSAGES,
        _one("Upstash-Deduplication-Id", _values.header_text),
    ),
    HeaderRule(
        "content_based_deduplication",
        "Upstash-Content-Based-Deduplication",
        _MESSAGES,
        _content_based,
    ),
    HeaderRule("timeout", "Upstash-Timeout", _ALL, _one("Upstash-Timeout", _timeout)),
    HeaderRule(
        "flow_control",
        "Upstash-Flow-Control-Key, Upstash-Flow-Control-Value",
        _ALL,
        _flow_control,
    ),
    HeaderRule("label", "Upstash-Label", _ALL, _one("Upstash-Label", _values.labels)),
    HeaderRule("redact", "Upstash-Redact-Fields", _ALL, _redact),
    HeaderRule("cron", "Upstash-Cron", _SCHEDULES, _one("Upstash-Cron", _values.header_text)),
    HeaderRule(
        "schedule_id", "Upstash-Schedule-Id", _SCHEDULES, _one("Upstash-Schedule-Id", _values.name)
    ),
    HeaderRule("queue", "Upstash-Queue-Name", _SCHEDULES, _one("Upstash-Queue-Name", _values.name)),
    # User-named families, in precedence order: the dedicated callback options win over a
    # Upstash-Callback-* header given in `headers`.
    HeaderRule(
        "callback_headers",
        "Upstash-Callback-*",
        _ALL,
        _callback_family("Upstash-Callback-"),
        user_named=True,
    ),
    HeaderRule(
        "failure_callback_headers",
        "Upstash-Failure-Callback-*",
        _ALL,
        _callback_family("Upstash-Failure-Callback-"),
        user_named=True,
    ),
    HeaderRule(
        "headers",
        "Upstash-Forward-*, Upstash-*, Content-Type",
        _ALL,
        _forwarded,
        user_named=True,
    ),
)
"""The table: one row per header-producing option, in the order headers are written."""

# Options that are not headers (the destination, the body, the enqueue/batch queue): the
# request builders read them; build_headers only accepts them.
_STRUCTURAL: dict[Kind, frozenset[str]] = {
    "publish": frozenset({"url", "url_group", "api", "body"}),
    "enqueue": frozenset({"url", "url_group", "api", "body", "queue"}),
    "batch": frozenset({"url", "url_group", "api", "body", "queue"}),
    "schedule": frozenset({"destination", "body"}),
}
_RULES: dict[Kind, dict[str, HeaderRule]] = {
    kind: {rule.option: rule for rule in HEADER_RULES if kind in rule.kinds} for kind in KINDS
}
_RANK = {rule.option: index for index, rule in enumerate(HEADER_RULES)}
_KNOWN = frozenset(_RANK).union(*_STRUCTURAL.values())
_KIND_LABEL: dict[Kind, str] = {
    "publish": "publish",
    "enqueue": "enqueue",
    "batch": "batch messages",
    "schedule": "schedules",
}
_HINTS: dict[tuple[str, Kind], str] = {
    ("not_before", "schedule"): "; a schedule's messages can only be delayed: use delay",
    ("deduplication_id", "schedule"): "; use schedule_id to make creation idempotent",
    ("content_based_deduplication", "schedule"): "; use schedule_id to make creation idempotent",
    ("queue", "publish"): "; use enqueue to send to a queue",
    ("destination", "publish"): "; use url or url_group",
    ("destination", "enqueue"): "; use url or url_group",
    ("destination", "batch"): "; use url or url_group",
    ("url", "schedule"): "; use destination",
    ("url_group", "schedule"): "; use destination",
}


def _suggest(word: str, choices: Iterable[str]) -> str:
    import difflib  # only on the error path

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _refuse(option: str, kind: Kind) -> InvalidArgumentError:
    if option in _KNOWN:
        hint = _HINTS.get((option, kind), "")
        message = f"{option} cannot be used with {_KIND_LABEL[kind]}{hint}"
    else:
        allowed = sorted(_RULES[kind].keys() | _STRUCTURAL[kind])
        message = f"unknown option {option!r}{_suggest(option, allowed)}"
    return InvalidArgumentError(message, argument=option)


def build_headers(
    options: Mapping[str, object],
    *,
    kind: Kind,
    force_json: bool = False,
    forward: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Return the QStash request headers for one message's ``options``.

    ``kind`` is ``"publish"``, ``"enqueue"``, ``"batch"`` (one item) or ``"schedule"``; it
    decides which options are accepted. ``None`` values mean "not given". ``force_json``
    sets ``Content-Type: application/json`` (the ``*_json`` variants, which refuse
    ``content_type``). ``forward`` holds headers to forward to the destination (an LLM
    provider's key), sent as ``Upstash-Forward-<Name>`` and winning over ``headers``.

    Precedence on a clash (names compared case-insensitively): a dedicated option wins over
    the same header given in ``headers``/``callback_headers``, and ``callback_headers`` /
    ``failure_callback_headers`` win over ``headers``. ``options`` is never modified.

    Raises :class:`InvalidArgumentError` for an unknown option (with a suggestion), an option
    the kind does not accept, or a bad value.
    """
    rules = _RULES[kind]
    structural = _STRUCTURAL[kind]
    out: dict[str, str] = {}
    if force_json:
        if options.get("content_type") is not None:
            raise InvalidArgumentError(
                "content_type cannot be used with the JSON variants: they always send "
                "application/json (use the non-JSON method with a str or bytes body)",
                argument="content_type",
            )
        out["Content-Type"] = "application/json"
    deferred: list[tuple[HeaderRule, object]] | None = None
    for option, value in options.items():
        rule = rules.get(option)
        if rule is None:
            if option in structural or (value is None and option in _KNOWN):
                continue
            raise _refuse(option, kind)
        if value is None:
            continue
        if rule.user_named:
            if deferred is None:
                deferred = []
            deferred.append((rule, value))
            continue
        for header, text in rule.encode(value, option):
            out[header] = text
    if forward or deferred:
        taken = {header.lower() for header in out}
        if forward:
            for name, text in forward.items():
                header = "Upstash-Forward-" + name
                if header.lower() not in taken:
                    taken.add(header.lower())
                    out[header] = text
        if deferred:
            if len(deferred) > 1:
                deferred.sort(key=lambda item: _RANK[item[0].option])
            for rule, value in deferred:
                for header, text in rule.encode(value, rule.option):
                    lower = header.lower()
                    if lower not in taken:
                        taken.add(lower)
                        out[header] = text
    if kind == "schedule" and "Content-Type" not in out:
        # QStash stores schedule bodies without a type otherwise; JSON is the common case.
        out["Content-Type"] = "application/json"
    return out
