from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from qstash import _headers, _options
from qstash._headers import HEADER_RULES, KINDS, Kind, build_headers
from qstash.errors import InvalidArgumentError

MESSAGES: tuple[Kind, ...] = ("publish", "enqueue", "batch")
ALL: tuple[Kind, ...] = (*MESSAGES, "schedule")
SCHEDULE: tuple[Kind, ...] = ("schedule",)
SCHEDULE_DEFAULT = {"Content-Type": "application/json"}


def expected_for(kind: Kind, headers: dict[str, str]) -> dict[str, str]:
    # Schedules default the content type to JSON when nothing sets it.
    if kind == "schedule" and "Content-Type" not in headers:
        return {**headers, **SCHEDULE_DEFAULT}
    return headers


# (options, expected headers, kinds where it applies)
ROWS: list[tuple[dict[str, Any], dict[str, str], tuple[Kind, ...]]] = [
    ({"content_type": "text/plain"}, {"Content-Type": "text/plain"}, ALL),
    ({"method": "get"}, {"Upstash-Method": "GET"}, ALL),
    ({"method": "PUT"}, {"Upstash-Method": "PUT"}, ALL),
    ({"retries": 0}, {"Upstash-Retries": "0"}, ALL),
    ({"retries": 3}, {"Upstash-Retries": "3"}, ALL),
    (
        {"retry_delay": "pow(2, retried) * 1000"},
        {"Upstash-Retry-Delay": "pow(2, retried) * 1000"},
        ALL,
    ),
    ({"callback": "https://cb.example/x"}, {"Upstash-Callback": "https://cb.example/x"}, ALL),
    (
        {"failure_callback": "https://cb.example/f"},
        {"Upstash-Failure-Callback": "https://cb.example/f"},
        ALL,
    ),
    ({"delay": 10}, {"Upstash-Delay": "10s"}, ALL),
    ({"delay": 4.0}, {"Upstash-Delay": "4s"}, ALL),
    ({"delay": "1d10h30m"}, {"Upstash-Delay": "1d10h30m"}, ALL),
    ({"delay": timedelta(minutes=2)}, {"Upstash-Delay": "120s"}, ALL),
    ({"not_before": 1_700_000_000}, {"Upstash-Not-Before": "1700000000"}, MESSAGES),
    ({"not_before": 1_700_000_000.5}, {"Upstash-Not-Before": "1700000001"}, MESSAGES),
    (
        {"not_before": datetime(2024, 1, 1, tzinfo=UTC)},
        {"Upstash-Not-Before": "1704067200"},
        MESSAGES,
    ),
    ({"deduplication_id": "abc"}, {"Upstash-Deduplication-Id": "abc"}, MESSAGES),
    (
        {"content_based_deduplication": True},
        {"Upstash-Content-Based-Deduplication": "true"},
        MESSAGES,
    ),
    ({"content_based_deduplication": False}, {}, MESSAGES),
    ({"timeout": 30}, {"Upstash-Timeout": "30s"}, ALL),
    ({"timeout": "2m"}, {"Upstash-Timeout": "2m"}, ALL),
    ({"timeout": timedelta(seconds=90)}, {"Upstash-Timeout": "90s"}, ALL),
    (
        {"flow_control": {"key": "k", "parallelism": 2}},
        {"Upstash-Flow-Control-Key": "k", "Upstash-Flow-Control-Value": "parallelism=2"},
        ALL,
    ),
    (
        {"flow_control": {"key": "k", "period": "1m", "rate": 10, "parallelism": 2}},
        {
            "Upstash-Flow-Control-Key": "k",
            "Upstash-Flow-Control-Value": "parallelism=2, rate=10, period=1m",
        },
        ALL,
    ),
    (
        {"flow_control": {"key": "k", "rate": 5, "period": 60}},
        {"Upstash-Flow-Control-Key": "k", "Upstash-Flow-Control-Value": "rate=5, period=60s"},
        ALL,
    ),
    (
        {"flow_control": {"key": "k", "rate_per_second": 7, "parallelism": None}},
        {"Upstash-Flow-Control-Key": "k", "Upstash-Flow-Control-Value": "rate=7"},
        ALL,
    ),
    (
        {"flow_control": {"key": "k", "period": timedelta(hours=1)}},
        {"Upstash-Flow-Control-Key": "k", "Upstash-Flow-Control-Value": "period=3600s"},
        ALL,
    ),
    ({"label": "billing"}, {"Upstash-Label": "billing"}, ALL),
    ({"label": ["a", "b"]}, {"Upstash-Label": "a,b"}, ALL),
    ({"redact": {"body": True}}, {"Upstash-Redact-Fields": "body"}, ALL),
    ({"redact": {"header": True}}, {"Upstash-Redact-Fields": "header"}, ALL),
    (
        {"redact": {"body": True, "header": ["Authorization", "X-Key"]}},
        {"Upstash-Redact-Fields": "body,header[Authorization],header[X-Key]"},
        ALL,
    ),
    (
        {"redact": {"header": "Authorization"}},
        {"Upstash-Redact-Fields": "header[Authorization]"},
        ALL,
    ),
    ({"redact": {"body": False, "header": []}}, {}, ALL),
    ({"redact": {}}, {}, ALL),
    ({"cron": "*/5 * * * *"}, {"Upstash-Cron": "*/5 * * * *"}, SCHEDULE),
    ({"schedule_id": "daily-report"}, {"Upstash-Schedule-Id": "daily-report"}, SCHEDULE),
    ({"queue": "jobs"}, {"Upstash-Queue-Name": "jobs"}, SCHEDULE),
    # headers: forwarded unless an Upstash-* setting or Content-Type
    ({"headers": {"X-Token": "t"}}, {"Upstash-Forward-X-Token": "t"}, ALL),
    ({"headers": {"x-lower": "v"}}, {"Upstash-Forward-x-lower": "v"}, ALL),
    ({"headers": {"X-Count": 5}}, {"Upstash-Forward-X-Count": "5"}, ALL),
    ({"headers": {"Upstash-Forward-X-A": "1"}}, {"Upstash-Forward-X-A": "1"}, ALL),
    ({"headers": {"upstash-retries": "2"}}, {"upstash-retries": "2"}, ALL),
    (
        {"headers": {"Upstash-Callback-Forward-X": "1"}},
        {"Upstash-Callback-Forward-X": "1"},
        ALL,
    ),
    (
        {"headers": {"Upstash-Failure-Callback-Retries": "1"}},
        {"Upstash-Failure-Callback-Retries": "1"},
        ALL,
    ),
    ({"headers": {"content-type": "text/csv"}}, {"Content-Type": "text/csv"}, ALL),
    ({"headers": {}}, {}, ALL),
    # callback_headers: settings, explicit Forward-, full names, everything else forwarded
    ({"callback_headers": {"Retries": "2"}}, {"Upstash-Callback-Retries": "2"}, ALL),
    ({"callback_headers": {"method": "PUT"}}, {"Upstash-Callback-method": "PUT"}, ALL),
    ({"callback_headers": {"Timeout": "10s"}}, {"Upstash-Callback-Timeout": "10s"}, ALL),
    ({"callback_headers": {"Delay": "5s"}}, {"Upstash-Callback-Delay": "5s"}, ALL),
    (
        {"callback_headers": {"Retry-Delay": "1000"}},
        {"Upstash-Callback-Retry-Delay": "1000"},
        ALL,
    ),
    ({"callback_headers": {"Forward-X": "1"}}, {"Upstash-Callback-Forward-X": "1"}, ALL),
    ({"callback_headers": {"X-Token": "t"}}, {"Upstash-Callback-Forward-X-Token": "t"}, ALL),
    (
        {"callback_headers": {"upstash-callback-timeout": "3s"}},
        {"upstash-callback-timeout": "3s"},
        ALL,
    ),
    (
        {"failure_callback_headers": {"Retries": "1"}},
        {"Upstash-Failure-Callback-Retries": "1"},
        ALL,
    ),
    (
        {"failure_callback_headers": {"X-Token": "t"}},
        {"Upstash-Failure-Callback-Forward-X-Token": "t"},
        ALL,
    ),
    (
        {"failure_callback_headers": {"Forward-X": "t"}},
        {"Upstash-Failure-Callback-Forward-X": "t"},
        ALL,
    ),
    (
        {"failure_callback_headers": {"Upstash-Failure-Callback-Method": "GET"}},
        {"Upstash-Failure-Callback-Method": "GET"},
        ALL,
    ),
    # None means "not given", for every option
    (dict.fromkeys(("retries", "delay", "headers", "flow_control", "label")), {}, ALL),
    ({"not_before": None, "deduplication_id": None}, {}, ALL),
]


def _cases() -> list[Any]:
    cases = []
    for options, expected, kinds in ROWS:
        for kind in kinds:
            cases.append(pytest.param(options, kind, expected, id=f"{kind}-{sorted(options)}"))
    return cases


@pytest.mark.parametrize(("options", "kind", "expected"), _cases())
def test_option_to_headers(options: dict[str, Any], kind: Kind, expected: dict[str, str]) -> None:
    assert build_headers(options, kind=kind) == expected_for(kind, expected)


def test_every_rule_has_a_row() -> None:
    covered = {name for options, _, _ in ROWS for name in options}
    assert {rule.option for rule in HEADER_RULES} <= covered


@pytest.mark.parametrize("kind", KINDS)
def test_force_json_sets_content_type(kind: Kind) -> None:
    headers = build_headers({"headers": {"Content-Type": "text/plain"}}, kind=kind, force_json=True)
    assert headers == {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("options", "kind", "expected"),
    [
        # the dedicated option wins over the same header in `headers`, whatever its case
        (
            {"headers": {"Content-Type": "text/csv"}, "content_type": "text/plain"},
            "publish",
            {"Content-Type": "text/plain"},
        ),
        (
            {"headers": {"upstash-retries": "9"}, "retries": 1},
            "publish",
            {"Upstash-Retries": "1"},
        ),
        (
            {"retries": 1, "headers": {"UPSTASH-RETRIES": "9", "X-A": "a"}},
            "batch",
            {"Upstash-Retries": "1", "Upstash-Forward-X-A": "a"},
        ),
        # callback_headers wins over a Upstash-Callback-* header given in `headers`
        (
            {
                "headers": {"Upstash-Callback-Retries": "9"},
                "callback_headers": {"Retries": "2"},
            },
            "enqueue",
            {"Upstash-Callback-Retries": "2"},
        ),
        # the first of two case-variants wins instead of sending both
        (
            {"headers": {"X-A": "1", "x-a": "2"}},
            "publish",
            {"Upstash-Forward-X-A": "1"},
        ),
        # schedules: explicit type, type via headers, default JSON
        ({"content_type": "text/plain"}, "schedule", {"Content-Type": "text/plain"}),
        ({"headers": {"Content-Type": "text/csv"}}, "schedule", {"Content-Type": "text/csv"}),
        ({}, "schedule", {"Content-Type": "application/json"}),
        ({}, "publish", {}),
    ],
)
def test_precedence(options: dict[str, Any], kind: Kind, expected: dict[str, str]) -> None:
    assert build_headers(options, kind=kind) == expected


def test_forward_headers_are_prefixed_and_win_over_user_headers() -> None:
    headers = build_headers(
        {"headers": {"Authorization": "Bearer user", "X-A": "a"}},
        kind="publish",
        forward={"Authorization": "Bearer provider", "anthropic-version": "v"},
    )
    assert headers == {
        "Upstash-Forward-Authorization": "Bearer provider",
        "Upstash-Forward-anthropic-version": "v",
        "Upstash-Forward-X-A": "a",
    }


def test_structural_options_are_accepted_and_ignored() -> None:
    options = {"url": "https://x.example", "url_group": None, "api": None, "body": "b"}
    assert build_headers(options, kind="publish") == {}
    assert build_headers({**options, "queue": "q"}, kind="enqueue") == {}
    assert build_headers({**options, "queue": "q"}, kind="batch") == {}
    assert build_headers({"destination": "d", "body": "b"}, kind="schedule") == SCHEDULE_DEFAULT


# (options, kind, force_json, argument, message fragment)
REFUSALS: list[tuple[dict[str, Any], Kind, bool, str, str]] = [
    ({"delay": "10 seconds"}, "publish", False, "delay", "units s, m, h, d"),
    ({"delay": -5}, "enqueue", False, "delay", "0 or more"),
    ({"delay": True}, "publish", False, "delay", "int of seconds"),
    ({"delay": 1.5}, "publish", False, "delay", "whole number of seconds"),
    ({"timeout": 0}, "publish", False, "timeout", "more than 0"),
    ({"retries": -1}, "publish", False, "retries", "0 or more"),
    ({"retries": True}, "batch", False, "retries", "must be an int"),
    ({"retries": "3"}, "publish", False, "retries", "must be an int"),
    ({"not_before": datetime(2024, 1, 1)}, "publish", False, "not_before", "naive datetime"),
    ({"not_before": 1_700_000_000_000}, "publish", False, "not_before", "milliseconds"),
    ({"callback": "cb.example"}, "publish", False, "callback", "http:// or https://"),
    ({"failure_callback": "ftp://x"}, "schedule", False, "failure_callback", "only http"),
    ({"method": "HEAD"}, "publish", False, "method", "one of GET"),
    ({"deduplication_id": ""}, "publish", False, "deduplication_id", "empty"),
    (
        {"content_based_deduplication": "yes"},
        "publish",
        False,
        "content_based_deduplication",
        "True or False",
    ),
    ({"flow_control": {"key": "k"}}, "publish", False, "flow_control", "at least one of"),
    (
        {"flow_control": {"key": "k", "parallelism": None}},
        "publish",
        False,
        "flow_control",
        "at least one of",
    ),
    ({"flow_control": {"parallelism": 1}}, "publish", False, "flow_control.key", "needs a 'key'"),
    ({"flow_control": {"key": "", "rate": 1}}, "publish", False, "flow_control.key", "empty"),
    (
        {"flow_control": {"key": "k", "parallelism": 0}},
        "publish",
        False,
        "flow_control.parallelism",
        "1 or more",
    ),
    (
        {"flow_control": {"key": "k", "rate": True}},
        "publish",
        False,
        "flow_control.rate",
        "must be an int",
    ),
    (
        {"flow_control": {"key": "k", "rate": 1, "rate_per_second": 1}},
        "publish",
        False,
        "flow_control.rate_per_second",
        "not both",
    ),
    (
        {"flow_control": {"key": "k", "rate_per_second": -1}},
        "publish",
        False,
        "flow_control.rate_per_second",
        "0 or more",
    ),
    (
        {"flow_control": {"key": "k", "period": "0s"}},
        "schedule",
        False,
        "flow_control.period",
        "more than 0",
    ),
    (
        {"flow_control": {"key": "k", "parralelism": 1}},
        "publish",
        False,
        "flow_control.parralelism",
        "did you mean 'parallelism'",
    ),
    ({"flow_control": "k"}, "publish", False, "flow_control", "must be a dict"),
    ({"label": "a,b"}, "publish", False, "label", "must not contain ','"),
    ({"label": ["ok", ""]}, "publish", False, "label", "empty"),
    ({"redact": {"body": 1}}, "publish", False, "redact.body", "True or False"),
    (
        {"redact": {"header": ["Bad Name"]}},
        "publish",
        False,
        "redact.header",
        "not a valid header name",
    ),
    ({"redact": {"header": 3}}, "publish", False, "redact.header", "True or a list"),
    ({"redact": {"headers": True}}, "publish", False, "redact.headers", "did you mean 'header'"),
    ({"retry_delay": "import os"}, "publish", False, "retry_delay", "unknown name"),
    ({"retry_delay": "pow(2, retried"}, "publish", False, "retry_delay", "unbalanced"),
    ({"headers": {"X-A": "a\r\nX-Evil: 1"}}, "publish", False, "headers['X-A']", "line breaks"),
    ({"headers": {"X-A": "é"}}, "publish", False, "headers['X-A']", "ASCII"),
    ({"headers": {"X-A": True}}, "publish", False, "headers['X-A']", "must be a string"),
    ({"headers": {"Bad Name": "v"}}, "publish", False, "headers", "not a valid header name"),
    ({"headers": [("X-A", "1")]}, "publish", False, "headers", "must be a dict"),
    ({"callback_headers": {"X": "a\nb"}}, "publish", False, "callback_headers['X']", "line breaks"),
    (
        {"callback_headers": {"Upstash-Retries": "1"}},
        "publish",
        False,
        "callback_headers['Upstash-Retries']",
        "not a Upstash-Callback-* header",
    ),
    (
        {"failure_callback_headers": {"Upstash-Callback-Retries": "1"}},
        "publish",
        False,
        "failure_callback_headers['Upstash-Callback-Retries']",
        "not a Upstash-Failure-Callback-*",
    ),
    ({"dealy": "1s"}, "publish", False, "dealy", "did you mean 'delay'"),
    (
        {"callback_header": {}},
        "publish",
        False,
        "callback_header",
        "did you mean 'callback_headers'",
    ),
    ({"zzz": 1}, "publish", False, "zzz", "unknown option 'zzz'"),
    ({"zzz": None}, "publish", False, "zzz", "unknown option 'zzz'"),
    (
        {"not_before": 1},
        "schedule",
        False,
        "not_before",
        "cannot be used with schedules; a schedule's messages can only be delayed",
    ),
    ({"deduplication_id": "d"}, "schedule", False, "deduplication_id", "use schedule_id"),
    (
        {"content_based_deduplication": True},
        "schedule",
        False,
        "content_based_deduplication",
        "cannot be used with schedules",
    ),
    ({"cron": "* * * * *"}, "publish", False, "cron", "cannot be used with publish"),
    ({"schedule_id": "s"}, "batch", False, "schedule_id", "cannot be used with batch messages"),
    ({"queue": "q"}, "publish", False, "queue", "use enqueue"),
    ({"url": "https://x.example"}, "schedule", False, "url", "use destination"),
    ({"destination": "x"}, "publish", False, "destination", "use url or url_group"),
    ({"content_type": "text/plain"}, "publish", True, "content_type", "JSON variants"),
    ({"content_type": "text/plain"}, "schedule", True, "content_type", "JSON variants"),
    ({"schedule_id": "bad id"}, "schedule", False, "schedule_id", "only letters"),
    ({"queue": "bad/queue"}, "schedule", False, "queue", "only letters"),
    ({"cron": ""}, "schedule", False, "cron", "empty"),
]


@pytest.mark.parametrize(
    ("options", "kind", "force_json", "argument", "fragment"),
    [pytest.param(*row, id=f"{row[1]}-{row[3]}") for row in REFUSALS],
)
def test_refusals(
    options: dict[str, Any], kind: Kind, force_json: bool, argument: str, fragment: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        build_headers(options, kind=kind, force_json=force_json)
    assert info.value.argument == argument
    assert fragment in str(info.value)


def test_caller_dicts_are_not_mutated() -> None:
    options: dict[str, Any] = {
        "headers": {"X-A": "1", "Content-Type": "text/plain", "Upstash-Retries": "1"},
        "callback_headers": {"Retries": "1", "X-B": "2"},
        "failure_callback_headers": {"X-C": "3"},
        "flow_control": {"key": "k", "rate_per_second": 3},
        "redact": {"header": ["A"]},
        "label": ["a", "b"],
        "retries": 2,
    }
    before = copy.deepcopy(options)
    first = build_headers(options, kind="publish", forward={"Authorization": "Bearer p"})
    assert options == before
    # and the result is a fresh dict each time
    first["X"] = "y"
    assert "X" not in build_headers(options, kind="publish")


# Each public option type accepts exactly what the header table (plus the structural options
# the builders read) accepts for its kind; a JSON variant drops content_type.
@pytest.mark.parametrize(
    ("typed_dict", "kind", "json"),
    [
        (_options.PublishOptions, "publish", False),
        (_options.PublishJsonOptions, "publish", True),
        (_options.EnqueueOptions, "enqueue", False),
        (_options.EnqueueJsonOptions, "enqueue", True),
        (_options.BatchRequest, "batch", False),
        (_options.BatchJsonRequest, "batch", True),
        (_options.ScheduleOptions, "schedule", False),
        (_options.ScheduleJsonOptions, "schedule", True),
    ],
)
def test_option_types_match_the_table(typed_dict: Any, kind: Kind, json: bool) -> None:
    keys = set(typed_dict.__required_keys__ | typed_dict.__optional_keys__)
    accepted = set(_headers._RULES[kind]) | set(_headers._STRUCTURAL[kind])
    if json:
        accepted.discard("content_type")
    assert keys == accepted


def test_required_keys() -> None:
    assert _options.EnqueueOptions.__required_keys__ == {"queue"}
    assert _options.BatchRequest.__required_keys__ == frozenset()
    assert _options.ScheduleOptions.__required_keys__ == {"destination", "cron"}
    assert _options.FlowControl.__required_keys__ == {"key"}
