"""Cron expressions of schedules: 5 fields, UTC unless ``CRON_TZ=<zone>`` (or ``TZ=``) leads.

The field syntax (names, ranges, steps, lists, the day-of-month/day-of-week rule) is
:mod:`cronsim`'s. This module adds what QStash accepts on top: the time-zone prefix, the
``@yearly``/``@monthly``/``@weekly``/``@daily``/``@hourly`` descriptors and ``@every <duration>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from qstash.dev._values import ValueProblem, parse_go_duration

__all__ = ["Cron", "CronError", "parse_cron"]

_DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


class CronError(ValueError):
    """The cron expression is invalid; the message is the API error text."""


@dataclass(frozen=True, slots=True)
class Cron:
    """A parsed cron expression.

    Attributes:
        text: the expression as given (reported back by the API).
        fields: the five cron fields, or ``""`` for ``@every``.
        zone: the time zone the fields are read in.
        every_ms: the interval of an ``@every`` expression, else ``None``.
    """

    text: str
    fields: str
    zone: tzinfo
    every_ms: int | None = None

    def next_after(self, after_ms: int) -> int:
        """The first tick strictly after ``after_ms`` (unix ms), as unix ms."""
        if self.every_ms is not None:
            return after_ms + self.every_ms
        start = datetime.fromtimestamp(after_ms / 1000, self.zone)
        return int(next(CronSim(self.fields, start)).timestamp() * 1000)


def parse_cron(text: str) -> Cron:
    """Parse an ``Upstash-Cron`` value.

    Raises:
        CronError: with the message the API answers (``Invalid cron expression ...``).
    """
    spec = text.strip()
    zone: tzinfo = UTC
    if spec.startswith(("CRON_TZ=", "TZ=")):
        prefix, _, spec = spec.partition(" ")
        name = prefix.split("=", 1)[1]
        try:
            zone = ZoneInfo(name) if name not in ("UTC", "Etc/UTC") else UTC
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CronError(
                f"Invalid cron expression provided bad location {name}: unknown time zone {name}"
            ) from exc
        spec = spec.strip()
    if not spec:
        raise CronError("Invalid cron expression empty spec string")
    if spec.startswith("@every"):
        try:
            every = parse_go_duration(spec.removeprefix("@every").strip())
        except ValueProblem as exc:
            raise CronError(f"Invalid cron expression failed to parse duration {spec}") from exc
        if every < 1:
            raise CronError(f"Invalid cron expression {spec}: @every needs at least 1s")
        return Cron(text.strip(), "", zone, every_ms=int(every * 1000))
    fields = _DESCRIPTORS.get(spec.lower(), spec)
    if fields.startswith("@"):
        raise CronError(f"Invalid cron expression unrecognized descriptor: {spec}")
    count = len(fields.split())
    if count != 5:
        raise CronError(f"Invalid cron expression expected exactly 5 fields, found {count}: {spec}")
    cron = Cron(text.strip(), fields, zone)
    try:
        # Parsing happens in CronSim's constructor; one step also catches impossible dates.
        cron.next_after(int(datetime.now(UTC).timestamp() * 1000))
    except (CronSimError, StopIteration, ValueError, OverflowError) as exc:
        raise CronError(f"Invalid cron expression {spec}: {exc}") from exc
    return cron
