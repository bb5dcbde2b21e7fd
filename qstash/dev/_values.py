"""Parsing of header and query values the dev server receives (pure functions)."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

__all__ = [
    "ValueProblem",
    "is_http_url",
    "parse_bool",
    "parse_duration",
    "parse_flow_value",
    "parse_go_duration",
    "parse_retry_after",
    "valid_name",
]

_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,  # Go accepts both micro signs
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
    "d": 86400.0,
}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)")
_NAME = re.compile(r"[A-Za-z0-9._-]{1,200}")
_ONE_DAY = 86400.0


class ValueProblem(ValueError):
    """A value that cannot be parsed; the message says what was expected."""


def parse_go_duration(text: str) -> float:
    """Seconds of a duration like ``10s``, ``1d10h30m``, ``6m5s``, ``1.5h``, ``250ms``.

    A bare number is seconds. Units: ns, us/µs, ms, s, m, h, d.

    Raises:
        ValueProblem: not a duration, or negative.
    """
    value = text.strip()
    if not value:
        raise ValueProblem("empty duration")
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        if not seconds >= 0 or seconds == float("inf"):
            raise ValueProblem(f"invalid duration {text!r}")
        return seconds
    total = 0.0
    position = 0
    for match in _PART.finditer(value):
        if match.start() != position:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        position = match.end()
    if position != len(value) or position == 0:
        raise ValueProblem(
            f"invalid duration {text!r}: use a number with a unit, e.g. 10s, 5m, 2h, 1d10h30m"
        )
    return total


def parse_duration(text: str) -> float:
    """Seconds of an ``Upstash-Delay``/``Upstash-Timeout`` value (see ``parse_go_duration``)."""
    return parse_go_duration(text)


def parse_retry_after(value: str, now_s: float) -> float | None:
    """Seconds to wait from a ``Retry-After``-style response header, or ``None`` to ignore it.

    Accepts seconds (``10``), an HTTP date, or a Go duration (``6m5s``). Values over one day
    are ignored (QStash then uses its default backoff), as are unparseable ones.
    """
    text = value.strip()
    if not text:
        return None
    seconds: float | None
    try:
        seconds = parse_go_duration(text)
    except ValueProblem:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = max(0.0, when.timestamp() - now_s)
    if seconds > _ONE_DAY:
        return None
    return seconds


def parse_flow_value(text: str) -> tuple[int | None, int | None, int | None]:
    """``parallelism=5, rate=10, period=1m`` as (parallelism, rate, period seconds).

    Raises:
        ValueProblem: an unknown key, or a value that is not a positive number / duration.
    """
    parallelism = rate = period = None
    for raw in text.split(","):
        part = raw.strip()
        if not part:
            continue
        key, sep, val = part.partition("=")
        key, val = key.strip().lower(), val.strip()
        if not sep or not val:
            raise ValueProblem(f"invalid Upstash-Flow-Control-Value part {part!r}")
        if key in ("parallelism", "rate", "ratepersecond"):
            if not val.isdigit() or int(val) < 1:
                raise ValueProblem(
                    f"{key} in Upstash-Flow-Control-Value must be a positive integer"
                )
            if key == "parallelism":
                parallelism = int(val)
            else:
                rate = int(val)
        elif key == "period":
            seconds = parse_go_duration(val)
            if seconds < 1 or seconds > 7 * _ONE_DAY:
                raise ValueProblem("period in Upstash-Flow-Control-Value must be 1s to 7d")
            period = int(seconds)
        else:
            raise ValueProblem(
                f"unknown key {key!r} in Upstash-Flow-Control-Value "
                "(expected parallelism, rate, period)"
            )
    return parallelism, rate, period


def parse_bool(text: str) -> bool:
    """``true``/``1``/``yes`` → True; anything else False."""
    return text.strip().lower() in ("true", "1", "yes", "on")


def valid_name(text: str) -> bool:
    """A queue, URL-group or schedule id: letters, digits, ``.``, ``_``, ``-``."""
    return _NAME.fullmatch(text) is not None


def is_http_url(text: str) -> bool:
    """An absolute ``http://``/``https://`` URL with a host."""
    lower = text[:8].lower()
    if lower.startswith("https://"):
        rest = text[8:]
    elif lower.startswith("http://"):
        rest = text[7:]
    else:
        return False
    host = rest.split("/", 1)[0].split("?", 1)[0]
    return bool(host) and not any(c.isspace() for c in text)
