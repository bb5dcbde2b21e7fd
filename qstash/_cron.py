"""A syntax check for cron expressions, run before a schedule is sent.

QStash reads ``Upstash-Cron`` with the standard parser of Go's robfig/cron v3. This module
checks the same grammar, so a typo fails at once with the wrong part named instead of as a
400 from the server. It checks syntax and ranges only; it computes no fire times.

Accepted, after an optional ``CRON_TZ=<zone> `` or ``TZ=<zone> `` prefix (an IANA zone name
such as ``Europe/Berlin``; the schedule runs in UTC without it):

* five fields separated by spaces: minute (0-59), hour (0-23), day of month (1-31), month
  (1-12 or JAN-DEC) and day of week (0-6 or SUN-SAT, 0 is Sunday); names ignore case;
* in each field a comma list of items, each ``*``, ``N`` or ``A-B``, optionally followed by
  ``/STEP`` (``N/STEP`` means from N to the field's maximum); ``?`` means ``*`` in the day
  fields;
* or one descriptor: ``@yearly`` (``@annually``), ``@monthly``, ``@weekly``, ``@daily``
  (``@midnight``), ``@hourly``, or ``@every <duration>`` with a Go duration such as ``1h30m``.

A few forms the server would take but that can only be mistakes are refused: an empty list
item (``1,,2``), ``?`` outside the day fields, ``*-5``, a sign before a number, and an
``@every`` duration that is not positive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qstash.errors import InvalidArgumentError

__all__ = ["check_cron"]


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    low: int
    high: int
    names: dict[str, int] | None = None
    question_mark: bool = False
    values: str = ""
    """The accepted values, for messages."""


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_WEEKDAYS = {
    name: number for number, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))
}
_FIELDS = (
    _Field("minute", 0, 59, values="0-59"),
    _Field("hour", 0, 23, values="0-23"),
    _Field("day-of-month", 1, 31, question_mark=True, values="1-31"),
    _Field("month", 1, 12, _MONTHS, values="1-12 or JAN-DEC"),
    _Field("day-of-week", 0, 6, _WEEKDAYS, question_mark=True, values="0-6 or SUN-SAT"),
)
_SHAPE = "minute hour day-of-month month day-of-week"
_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_EVERY = "@every "
_DIGITS = re.compile(r"[0-9]+")
# Go's time.ParseDuration without the sign (checked apart): number+unit groups, e.g. "1h30m".
_GO_DURATION = re.compile(r"(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+")
_GO_PART = re.compile(r"([0-9]*\.?[0-9]*)(ns|us|µs|μs|ms|s|m|h)")
_TZ_PREFIXES = ("CRON_TZ=", "TZ=")


class _Bad(Exception):
    """A problem in one part; :func:`check_cron` adds the expression and the argument."""


def check_cron(value: object, argument: str = "cron") -> str:
    """Return ``value`` if it is a cron expression QStash accepts (see the module docstring).

    Raises :class:`~qstash.errors.InvalidArgumentError` naming ``argument``; the message
    names the wrong part (the field, the time zone, the descriptor).
    """
    if not isinstance(value, str):
        raise InvalidArgumentError(
            f"{argument} must be a cron expression string like '*/5 * * * *', got "
            f"{type(value).__name__}",
            argument=argument,
        )
    try:
        _check(value.strip())
    except _Bad as exc:
        raise InvalidArgumentError(f"{argument} {value!r}: {exc}", argument=argument) from None
    return value


def _check(text: str) -> None:
    if not text:
        raise _Bad("the expression is empty; give 5 fields, e.g. '*/5 * * * *'")
    if text.startswith(_TZ_PREFIXES):
        prefix, _, text = text.partition(" ")
        _check_zone(prefix.partition("=")[2])
        text = text.strip()
        if not text:
            raise _Bad(
                f"the time zone {prefix!r} must be followed by a space and the schedule, "
                "e.g. 'CRON_TZ=Europe/Berlin 0 9 * * *'"
            )
    if text.startswith("@"):
        _check_descriptor(text)
        return
    fields = text.split()
    if len(fields) != len(_FIELDS):
        hint = ""
        if len(fields) == 6:
            hint = "; QStash has no seconds field"
        if "=" in fields[0]:
            hint = "; a time zone is written 'CRON_TZ=<zone> ' (upper case) before the fields"
        raise _Bad(f"expected 5 fields ({_SHAPE}), found {len(fields)}{hint}")
    for field, part in zip(_FIELDS, fields, strict=True):
        for item in part.split(","):
            try:
                _check_item(item, field)
            except _Bad as exc:
                at = f"{item!r}: " if item and item != part else ""
                raise _Bad(f"{field.name} field {part!r} ({field.values}): {at}{exc}") from None


def _check_item(item: str, field: _Field) -> None:
    if not item:
        raise _Bad("an empty item between commas")
    base, slash, step = item.partition("/")
    if slash:
        if "/" in step:
            raise _Bad("more than one '/'")
        if not _DIGITS.fullmatch(step):
            raise _Bad(f"the step {step!r} after '/' must be a whole number")
        if int(step) == 0:
            raise _Bad("the step after '/' must be 1 or more")
    if base in ("*", "?"):
        if base == "?" and not field.question_mark:
            raise _Bad("'?' is only allowed in the day-of-month and day-of-week fields; use '*'")
        return
    if base.startswith(("*", "?")):
        raise _Bad(f"{base[0]!r} must stand alone (before an optional '/step')")
    start_text, dash, end_text = base.partition("-")
    if "-" in end_text:
        raise _Bad("more than one '-'")
    start = _number(start_text, field)
    end = _number(end_text, field) if dash else start
    if start < field.low:
        raise _Bad(f"{start} is below the minimum {field.low}")
    if end > field.high:
        hint = "; use 0 for Sunday" if field.names is _WEEKDAYS and end == 7 else ""
        raise _Bad(f"{end} is above the maximum {field.high}{hint}")
    if start > end:
        raise _Bad(f"the range starts at {start}, after its end {end}")


def _number(text: str, field: _Field) -> int:
    if field.names is not None:
        named = field.names.get(text.lower())
        if named is not None:
            return named
    if _DIGITS.fullmatch(text):
        return int(text)
    if not text:
        raise _Bad("a number is missing")
    if field.names is _MONTHS:
        kind = "a number or a month name (JAN-DEC)"
    elif field.names is _WEEKDAYS:
        kind = "a number or a weekday name (SUN-SAT)"
    else:
        kind = "a whole number"
    raise _Bad(f"{text!r} is not {kind}")


def _check_descriptor(text: str) -> None:
    if text == _EVERY.strip():
        raise _Bad("@every needs a duration, e.g. '@every 1h30m'")
    if text.startswith(_EVERY):
        _check_every(text[len(_EVERY) :])
        return
    if text.lower() in _DESCRIPTORS and text not in _DESCRIPTORS:
        raise _Bad(f"descriptors are lower case: write {text.lower()!r}")
    if text not in _DESCRIPTORS:
        raise _Bad(
            f"unknown descriptor {text!r}; use one of {', '.join(_DESCRIPTORS)} or "
            "'@every <duration>' (e.g. '@every 1h30m')"
        )


def _check_every(duration: str) -> None:
    if duration == "0":  # Go's one unitless duration
        raise _Bad("the @every duration must be more than 0")
    if duration.startswith(("-", "+")):
        raise _Bad(f"the @every duration {duration!r} must be positive and unsigned")
    if not _GO_DURATION.fullmatch(duration):
        raise _Bad(
            f"the @every duration {duration!r} is not a Go duration; write numbers with the "
            "units h, m, s, ms, us or ns, e.g. '@every 1h30m' or '@every 90s'"
        )
    if all(float(number) == 0 for number, _ in _GO_PART.findall(duration)):
        raise _Bad("the @every duration must be more than 0")


def _check_zone(zone: str) -> None:
    import zoneinfo  # only schedules with a time zone pay for it

    example = "e.g. 'CRON_TZ=America/New_York 0 9 * * *'"
    if not zone:
        raise _Bad(f"the time zone is empty; name an IANA zone, {example}")
    if zone == "Local":
        raise _Bad(f"'Local' would be QStash's own time zone; name yours, {example}")
    try:
        zoneinfo.ZoneInfo(zone)
    except (KeyError, ValueError, OSError):
        known = zoneinfo.available_timezones()
        if not known:
            return  # no time-zone database on this machine: leave the check to QStash
        raise _Bad(f"unknown time zone {zone!r}{_zone_hint(zone, known)}") from None


def _zone_hint(zone: str, known: set[str]) -> str:
    by_case = {name.lower(): name for name in known}
    match = by_case.get(zone.lower())
    if match is None:
        import difflib  # only on the error path

        close = difflib.get_close_matches(zone, sorted(known), n=1)
        match = close[0] if close else None
    if match is not None:
        return f" (did you mean {match!r}?)"
    return "; use an IANA name such as 'Europe/Berlin' or 'UTC'"
