"""Validators and wire serializers for option values.

Each function takes the user's value and the name of the argument it came from, and returns
the value in its wire form, or raises :class:`~qstash.errors.InvalidArgumentError` naming
that argument. They are plain functions with precompiled patterns because they run on every
publish.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from qstash.errors import InvalidArgumentError

__all__ = [
    "HTTP_METHODS",
    "duration",
    "flag",
    "header_name",
    "header_text",
    "header_value",
    "http_method",
    "http_url",
    "is_http_url",
    "labels",
    "name",
    "non_empty",
    "non_negative_int",
    "positive_int",
    "retry_delay",
    "unix_seconds",
]

HTTP_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH"})

# One or more <digits><unit> groups, e.g. "10s", "1d10h30m". QStash documents no unit below
# the second, so "ms" is refused rather than silently misread as minutes + seconds.
_DURATION = re.compile(r"(?:\d+[smhd])+")
_HAS_NONZERO_DIGIT = re.compile(r"[1-9]")
# RFC 9110 token characters: what a header name may contain.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Control characters other than horizontal tab are never valid inside a header value.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
# scheme://[userinfo@]host[:port][/path][?query][#fragment]; no whitespace or control chars.
_URL = re.compile(
    r"https?://(?:[^\x00-\x20\x7f/?#@]*@)?[^\x00-\x20\x7f/?#@:][^\x00-\x20\x7f/?#@]*"
    r"(?:[/?#][^\x00-\x20\x7f]*)?",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
# Retry-delay expressions: numbers, `retried`, a few math functions, operators, parentheses.
_RETRY_DELAY_WORDS = frozenset(
    {"retried", "pow", "sqrt", "abs", "exp", "floor", "ceil", "round", "min", "max"}
)
_RETRY_DELAY_WORD = re.compile(r"[A-Za-z_]+")
_RETRY_DELAY_OTHER = re.compile(r"[^A-Za-z_0-9+\-*/%^()., ]")

# A not-before above this is almost surely in milliseconds (year 5138 in seconds).
_MAX_UNIX_SECONDS = 100_000_000_000


def _type_name(value: object) -> str:
    return type(value).__name__


def non_empty(value: object, argument: str) -> str:
    """Return ``value`` if it is a string with at least one non-blank character."""
    if not isinstance(value, str):
        raise InvalidArgumentError(
            f"{argument} must be a string, got {_type_name(value)}", argument=argument
        )
    if not value or value.isspace():
        raise InvalidArgumentError(f"{argument} must not be empty", argument=argument)
    return value


def header_value(value: object, argument: str) -> str:
    """Return ``value`` as a header value: a ``str`` (an ``int`` is converted), ASCII, no CR/LF.

    ``bool`` is refused, since ``str(True)`` is rarely what the receiver expects.
    """
    if isinstance(value, str):
        text = value
    elif isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    else:
        raise InvalidArgumentError(
            f"{argument} must be a string, got {_type_name(value)}", argument=argument
        )
    if _CONTROL.search(text):
        raise InvalidArgumentError(
            f"{argument} must not contain line breaks or control characters", argument=argument
        )
    if not text.isascii():
        raise InvalidArgumentError(
            f"{argument} must be ASCII (HTTP header values cannot carry other characters); "
            "encode it first, for example with base64 or percent-encoding",
            argument=argument,
        )
    return text


def header_text(value: object, argument: str) -> str:
    """Return ``value`` if it is a non-empty string usable as a header value (ids, keys, cron)."""
    return header_value(non_empty(value, argument), argument)


def header_name(value: object, argument: str) -> str:
    """Return ``value`` if it is a valid HTTP header name (RFC 9110 token characters)."""
    if not isinstance(value, str):
        raise InvalidArgumentError(
            f"{argument} header names must be strings, got {_type_name(value)}",
            argument=argument,
        )
    if _TOKEN.fullmatch(value) is None:
        raise InvalidArgumentError(
            f"{argument}: {value!r} is not a valid header name (letters, digits and "
            "!#$%&'*+-.^_`|~ only; no spaces, colons or line breaks)",
            argument=argument,
        )
    return value


def flag(value: object, argument: str) -> bool:
    """Return ``value`` if it is a ``bool``."""
    if not isinstance(value, bool):
        raise InvalidArgumentError(
            f"{argument} must be True or False, got {_type_name(value)}", argument=argument
        )
    return value


def non_negative_int(value: object, argument: str) -> int:
    """Return ``value`` if it is an ``int`` ≥ 0 (``bool`` is refused)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgumentError(
            f"{argument} must be an int, got {_type_name(value)}", argument=argument
        )
    if value < 0:
        raise InvalidArgumentError(f"{argument} must be 0 or more, got {value}", argument=argument)
    return value


def positive_int(value: object, argument: str) -> int:
    """Return ``value`` if it is an ``int`` ≥ 1 (``bool`` is refused)."""
    number = non_negative_int(value, argument)
    if number == 0:
        raise InvalidArgumentError(f"{argument} must be 1 or more, got 0", argument=argument)
    return number


def duration(value: object, argument: str, *, positive: bool = False) -> str:
    """Return a QStash duration string such as ``"10s"`` or ``"1d10h30m"``.

    Accepted: an ``int`` (or a whole ``float``) number of seconds, a ``timedelta`` of whole
    seconds, or a string of ``<n><unit>`` groups with units ``s``, ``m``, ``h``, ``d``.
    Negative values, fractional seconds and ``bool`` are refused; with ``positive`` zero too.
    """
    if isinstance(value, str):
        if _DURATION.fullmatch(value) is None:
            hint = ""
            if value.isdigit():
                hint = f"; add a unit, e.g. {value + 's'!r}, or pass the int {value}"
            elif "ms" in value:
                hint = "; QStash has no millisecond unit"
            raise InvalidArgumentError(
                f"{argument} must be a duration like '10s', '5m', '2h', '1d' or '1d10h30m' "
                f"(units s, m, h, d), a number of seconds or a timedelta, got {value!r}{hint}",
                argument=argument,
            )
        if positive and _HAS_NONZERO_DIGIT.search(value) is None:
            raise InvalidArgumentError(f"{argument} must be more than 0", argument=argument)
        return value
    if isinstance(value, timedelta):
        if value.microseconds:
            raise InvalidArgumentError(
                f"{argument} must be a whole number of seconds, got {value}", argument=argument
            )
        seconds: float = value.days * 86_400 + value.seconds
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value
        if isinstance(value, float) and not value.is_integer():
            raise InvalidArgumentError(
                f"{argument} must be a whole number of seconds (QStash has no unit below the "
                f"second), got {value}",
                argument=argument,
            )
    else:
        raise InvalidArgumentError(
            f"{argument} must be an int of seconds, a duration string like '10s' or a "
            f"timedelta, got {_type_name(value)}",
            argument=argument,
        )
    if seconds < 0 or (positive and seconds == 0):
        bound = "more than 0" if positive else "0 or more"
        raise InvalidArgumentError(f"{argument} must be {bound}, got {value}", argument=argument)
    return f"{int(seconds)}s"


_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400}
_DURATION_PART = re.compile(r"(\d+)([smhd])")


def duration_seconds(text: str) -> int:
    """Seconds in a duration string made by :func:`duration` (``"1d10h"`` → 122400)."""
    return sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION_PART.findall(text))


def unix_seconds(value: object, argument: str) -> int:
    """Return a unix timestamp in whole seconds.

    Accepted: an ``int``/``float`` of seconds ≥ 0 or a timezone-aware ``datetime``. Fractions
    are rounded up, so the message is never delivered before the requested instant. A value
    that looks like milliseconds and a naive ``datetime`` are refused.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidArgumentError(
                f"{argument} is a naive datetime, which is ambiguous; give it a timezone, e.g. "
                "datetime.now(timezone.utc) or dt.replace(tzinfo=timezone.utc)",
                argument=argument,
            )
        seconds = value.timestamp()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value
    else:
        raise InvalidArgumentError(
            f"{argument} must be a unix timestamp in seconds or an aware datetime, got "
            f"{_type_name(value)}",
            argument=argument,
        )
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidArgumentError(
            f"{argument} must be a unix timestamp of 0 or more, got {value}", argument=argument
        )
    if seconds >= _MAX_UNIX_SECONDS:
        raise InvalidArgumentError(
            f"{argument} looks like milliseconds ({value}); it takes unix seconds, so divide "
            "by 1000 (or pass a datetime)",
            argument=argument,
        )
    return math.ceil(seconds)


def is_http_url(text: str) -> bool:
    """Whether ``text`` is an absolute ``http://`` or ``https://`` URL with a host."""
    return _URL.fullmatch(text) is not None


def http_url(value: object, argument: str) -> str:
    """Return ``value`` if it is an absolute ``http://`` or ``https://`` URL with a host."""
    text = non_empty(value, argument)
    if _URL.fullmatch(text) is None:
        if _SCHEME.match(text) and not text.lower().startswith(("http://", "https://")):
            why = "only http:// and https:// URLs are accepted"
        elif "://" not in text:
            why = "add http:// or https://"
        else:
            why = "it needs a host and no spaces or control characters"
        raise InvalidArgumentError(
            f"{argument} must be an absolute http(s) URL, got {text!r}: {why}", argument=argument
        )
    return text


def name(value: object, argument: str) -> str:
    """Return ``value`` if it is a valid URL-group, queue or schedule name.

    QStash allows letters, digits, ``-``, ``_`` and ``.``.
    """
    text = non_empty(value, argument)
    if _NAME.fullmatch(text) is None:
        hint = "; it looks like a URL, pass it as url=" if "://" in text else ""
        raise InvalidArgumentError(
            f"{argument} may contain only letters, digits, '-', '_' and '.', got {text!r}{hint}",
            argument=argument,
        )
    return text


def labels(value: object, argument: str) -> str:
    """Return one label, or several joined with ``,`` (the ``Upstash-Label`` form).

    Each label must be a non-empty string without commas.
    """
    items: Sequence[object]
    if isinstance(value, str):
        items = (value,)
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        if not value:
            raise InvalidArgumentError(f"{argument} must not be empty", argument=argument)
        items = value
    else:
        raise InvalidArgumentError(
            f"{argument} must be a string or a sequence of strings, got {_type_name(value)}",
            argument=argument,
        )
    texts = []
    for item in items:
        text = header_text(item, argument)
        if "," in text:
            raise InvalidArgumentError(
                f"{argument}: a label must not contain ',' (it separates labels), got {text!r}; "
                "pass several labels as a list",
                argument=argument,
            )
        texts.append(text)
    return ",".join(texts)


def http_method(value: object, argument: str) -> str:
    """Return ``value`` upper-cased if it is one of GET, POST, PUT, DELETE, PATCH."""
    if isinstance(value, str):
        method = value.upper()
        if method in HTTP_METHODS:
            return method
    raise InvalidArgumentError(
        f"{argument} must be one of GET, POST, PUT, DELETE, PATCH, got {value!r}",
        argument=argument,
    )


def retry_delay(value: object, argument: str) -> str:
    """Return ``value`` if it is a plausible QStash retry-delay expression.

    The expression gives the delay in milliseconds and may use numbers, ``retried`` (the
    number of retries so far), ``+ - * / % ^``, parentheses, commas and the functions
    ``pow sqrt abs exp floor ceil round min max``, e.g. ``"pow(2, retried) * 1000"``.
    """
    text = header_text(value, argument)
    bad = _RETRY_DELAY_OTHER.search(text)
    if bad is not None:
        raise InvalidArgumentError(
            f"{argument}: unexpected character {bad.group()!r} in {text!r}; a retry delay is a "
            "math expression in milliseconds over `retried`, e.g. 'pow(2, retried) * 1000'",
            argument=argument,
        )
    for word in _RETRY_DELAY_WORD.findall(text):
        if word not in _RETRY_DELAY_WORDS:
            raise InvalidArgumentError(
                f"{argument}: unknown name {word!r} in {text!r}; only `retried` and the "
                "functions pow, sqrt, abs, exp, floor, ceil, round, min, max may be used",
                argument=argument,
            )
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                break
    if depth:
        raise InvalidArgumentError(
            f"{argument}: unbalanced parentheses in {text!r}", argument=argument
        )
    return text
