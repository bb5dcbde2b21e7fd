"""The client-side cron check: what QStash's parser (robfig/cron v3, standard) accepts."""

from __future__ import annotations

import zoneinfo

import pytest

from qstash._cron import check_cron
from qstash.errors import InvalidArgumentError

VALID = [
    "* * * * *",
    "*/5 * * * *",
    "0 0 * * *",
    "59 23 31 12 6",
    "0 0 1 1 0",
    "0,15,30,45 * * * *",
    "0 9-17 * * 1-5",
    "0 9-17/2 * * *",
    "5/15 * * * *",  # from 5 to the maximum, every 15
    "0 0 1 JAN-MAR/2 *",
    "0 0 * * MON-FRI",
    "0 0 * * sun,Sat",
    "0 0 1 jan,Jul *",
    "0 0 ? * MON",
    "0 0 1 * ?",
    "0 0 ?/2 * *",
    "*/1 */1 */1 */1 */1",
    "  0 0 * * *  ",  # surrounding blanks: header values are trimmed
    "0\t0 * *  *",  # any run of blanks separates fields
    "00 08 * * *",  # leading zeros
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
    "@every 1h30m",
    "@every 90s",
    "@every 1.5h",
    "@every 500ms",
    "@every .5m",
    "CRON_TZ=America/New_York 0 4 * * *",
    "TZ=Europe/Berlin */10 * * * *",
    "CRON_TZ=UTC @daily",
    "CRON_TZ=Asia/Tokyo   0 0 * * *",
]


@pytest.mark.parametrize("expression", VALID)
def test_valid(expression: str) -> None:
    assert check_cron(expression) == expression


INVALID = [
    # (expression, text the error must contain)
    ("", "empty"),
    ("   ", "empty"),
    ("* * * *", "expected 5 fields"),
    ("* * * * * *", "no seconds field"),
    ("0 0 0 * * * *", "found 7"),
    ("60 * * * *", "minute field '60' (0-59): 60 is above the maximum 59"),
    ("* 24 * * *", "hour field '24' (0-23): 24 is above the maximum 23"),
    ("* * 0 * *", "day-of-month field '0' (1-31): 0 is below the minimum 1"),
    ("* * 32 * *", "day-of-month field '32'"),
    ("* * * 13 *", "month field '13'"),
    ("* * * 0 *", "month field '0'"),
    ("* * * * 7", "use 0 for Sunday"),
    ("* * * * 8", "day-of-week field '8'"),
    ("0 5-1 * * *", "hour field '5-1' (0-23): the range starts at 5, after its end 1"),
    ("0 1-2-3 * * *", "hour field '1-2-3' (0-23): more than one '-'"),
    ("*/0 * * * *", "minute field '*/0' (0-59): the step after '/' must be 1 or more"),
    ("*/x * * * *", "the step 'x'"),
    ("*/ * * * *", "the step ''"),
    ("1/2/3 * * * *", "more than one '/'"),
    ("1,,2 * * * *", "minute field '1,,2' (0-59): an empty item"),
    ("1, * * * *", "an empty item"),
    ("1,70 * * * *", "minute field '1,70' (0-59): '70': 70 is above"),
    ("a * * * *", "minute field 'a' (0-59): 'a' is not a whole number"),
    ("-1 * * * *", "minute field '-1'"),
    ("+5 * * * *", "minute field '+5'"),
    ("1.5 * * * *", "minute field '1.5'"),
    ("٣ * * * *", "minute field '٣'"),  # a non-ASCII digit
    ("? * * * *", "'?' is only allowed in the day-of-month and day-of-week fields"),
    ("* ? * * *", "hour field '?'"),
    ("*-5 * * * *", "'*' must stand alone"),
    ("*5 * * * *", "'*' must stand alone"),
    ("0 0 * FOO *", "month field 'FOO' (1-12 or JAN-DEC): 'FOO' is not a number or a month name"),
    ("0 0 * JANUARY *", "month field 'JANUARY'"),
    ("0 0 * * MONDAY", "weekday name (SUN-SAT)"),
    ("0 0 MON * *", "day-of-month field 'MON' (1-31): 'MON' is not a whole number"),
    ("0 0 * * FRI-MON", "the range starts at 5, after its end 1"),
    ("0 0 * JAN-FOO *", "'FOO' is not a number or a month name"),
    ("@fortnightly", "unknown descriptor '@fortnightly'"),
    ("@Daily", "write '@daily'"),
    ("@daily 0", "unknown descriptor"),
    ("@every", "@every needs a duration"),
    ("@every 0s", "must be more than 0"),
    ("@every 0", "must be more than 0"),
    ("@every 0h0m", "must be more than 0"),
    ("@every -5m", "must be positive"),
    ("@every 5", "is not a Go duration"),
    ("@every 1H", "is not a Go duration"),
    ("@every 1d", "is not a Go duration"),
    ("@every  5m", "is not a Go duration"),
    ("CRON_TZ=UTC", "must be followed by a space and the schedule"),
    ("CRON_TZ= 0 0 * * *", "the time zone is empty"),
    ("CRON_TZ=Local 0 0 * * *", "'Local' would be QStash's own time zone"),
    ("CRON_TZ=UTC 0 0 * *", "expected 5 fields"),
    ("CRON_TZ=UTC 0 99 * * *", "hour field '99'"),
    ("cron_tz=UTC 0 0 * * *", "'CRON_TZ=<zone> ' (upper case)"),
]


@pytest.mark.parametrize(("expression", "part"), INVALID)
def test_invalid_names_the_part(expression: str, part: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        check_cron(expression)
    assert info.value.argument == "cron"
    message = str(info.value)
    assert message.startswith(f"cron {expression!r}: ")
    assert part in message


needs_tz_database = pytest.mark.skipif(
    not zoneinfo.available_timezones(), reason="no time-zone database on this machine"
)


@needs_tz_database
@pytest.mark.parametrize(
    ("expression", "part"),
    [
        ("CRON_TZ=Mars/Olympus 0 0 * * *", "unknown time zone 'Mars/Olympus'"),
        ("TZ=Europe/Berln 0 0 * * *", "(did you mean 'Europe/Berlin'?)"),
        ("CRON_TZ=america/new_york 0 0 * * *", "(did you mean 'America/New_York'?)"),
        ("CRON_TZ=../../etc/passwd 0 0 * * *", "unknown time zone"),
        ("CRON_TZ=/etc/localtime 0 0 * * *", "unknown time zone"),
    ],
)
def test_unknown_time_zones(expression: str, part: str) -> None:
    with pytest.raises(InvalidArgumentError, match="time zone") as info:
        check_cron(expression)
    assert part in str(info.value)


def test_without_a_tz_database_zones_are_left_to_qstash(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(key: str) -> None:
        raise zoneinfo.ZoneInfoNotFoundError(key)

    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    monkeypatch.setattr(zoneinfo, "available_timezones", set)
    assert check_cron("CRON_TZ=Europe/Berlin 0 0 * * *") == "CRON_TZ=Europe/Berlin 0 0 * * *"


@pytest.mark.parametrize("value", [None, 5, b"* * * * *", ["*"] * 5])
def test_not_a_string(value: object) -> None:
    with pytest.raises(InvalidArgumentError, match="must be a cron expression string"):
        check_cron(value)


def test_argument_name_is_passed_through() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        check_cron("bad", "schedules[2].cron")
    assert info.value.argument == "schedules[2].cron"
    assert str(info.value).startswith("schedules[2].cron 'bad': ")
