"""Pure parts of the dev server: retry-delay expressions, cron, durations, request parsing."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from qstash.dev._clock import ManualClock, ScaledClock
from qstash.dev._cron import CronError, parse_cron
from qstash.dev._engine import ApiError
from qstash.dev._expr import MAX_DELAY_MS, ExpressionError, parse_retry_delay
from qstash.dev._publish import parse_destination, parse_draft, parse_overrides, parse_schedule
from qstash.dev._values import (
    ValueProblem,
    is_http_url,
    parse_flow_value,
    parse_go_duration,
    parse_retry_after,
)


def _ms(text: str, zone: str = "UTC") -> int:
    tz = UTC if zone == "UTC" else ZoneInfo(zone)
    return int(datetime.fromisoformat(text).replace(tzinfo=tz).timestamp() * 1000)


@pytest.mark.parametrize(
    ("expression", "retried", "expected"),
    [
        ("1000", 0, 1000),
        ("pow(2, retried) * 1000", 0, 1000),
        ("pow(2, retried) * 1000", 3, 8000),
        ("2 ** retried * 100", 4, 1600),
        ("2 ^ retried * 100", 4, 1600),
        ("(retried + 1) * 500", 2, 1500),
        ("-retried + 10", 3, 7),
        ("max(1000, retried * 10)", 0, 1000),
        ("min(5, 7, 3)", 0, 3),
        ("round(2.5)", 0, 3),
        ("round(-2.5) + 10", 0, 7),
        ("floor(1.9) + ceil(1.1) + abs(-3) + sqrt(16)", 0, 10),
        ("exp(0) * 100", 0, 100),
        ("10 % 4", 0, 2),
        ("7 / 2", 0, 3),
        ("-5", 0, 0),  # clamped at zero
        ("pow(10, 20)", 0, MAX_DELAY_MS),  # clamped at a day
        ("2 ** 100000", 0, MAX_DELAY_MS),  # overflow is a day, not an error
    ],
)
def test_retry_delay_expressions(expression: str, retried: int, expected: int) -> None:
    assert parse_retry_delay(expression).delay_ms(retried) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "__import__('os')",
        "retried.__class__",
        "x + 1",
        "open('f')",
        "pow(2)",
        "max()",
        "'a' * 3",
        "[1, 2]",
        "1 if retried else 2",
        "retried < 3",
        "pow(2, x=1)",
        "lambda: 1",
        "1 / 0",
        "sqrt(-1)",
        "(" * 500 + "1" + ")" * 500,
    ],
)
def test_retry_delay_refuses_anything_else(expression: str) -> None:
    with pytest.raises(ExpressionError):
        parse_retry_delay(expression)


def test_retry_delay_failing_later_raises_expression_error() -> None:
    delay = parse_retry_delay("1000 / (2 - retried)")
    assert delay.delay_ms(0) == 500
    with pytest.raises(ExpressionError):
        delay.delay_ms(2)


@pytest.mark.parametrize(
    ("cron", "after", "expected"),
    [
        ("* * * * *", "2026-03-01T10:00:30", "2026-03-01T10:01:00"),
        ("*/15 * * * *", "2026-03-01T10:01:00", "2026-03-01T10:15:00"),
        ("0 4 * * *", "2026-03-01T10:00:00", "2026-03-02T04:00:00"),
        ("0 0 * * MON", "2026-03-01T10:00:00", "2026-03-02T00:00:00"),
        ("@hourly", "2026-03-01T10:20:00", "2026-03-01T11:00:00"),
        ("@daily", "2026-03-01T10:20:00", "2026-03-02T00:00:00"),
        ("@weekly", "2026-03-04T10:20:00", "2026-03-08T00:00:00"),
        ("@monthly", "2026-03-04T10:20:00", "2026-04-01T00:00:00"),
        ("@yearly", "2026-03-04T10:20:00", "2027-01-01T00:00:00"),
        ("@every 90s", "2026-03-01T10:00:00", "2026-03-01T10:01:30"),
        ("@every 1h30m", "2026-03-01T10:00:00", "2026-03-01T11:30:00"),
    ],
)
def test_cron_next_tick_in_utc(cron: str, after: str, expected: str) -> None:
    assert parse_cron(cron).next_after(_ms(after)) == _ms(expected)


def test_cron_tz_prefix_reads_fields_in_that_zone() -> None:
    cron = parse_cron("CRON_TZ=America/New_York 0 4 * * *")
    # 04:00 in New York in March (after the DST switch on the 8th) is 08:00 UTC.
    assert cron.next_after(_ms("2026-03-10T00:00:00")) == _ms("2026-03-10T08:00:00")
    assert cron.next_after(_ms("2026-03-01T00:00:00")) == _ms("2026-03-01T09:00:00")
    assert cron.text == "CRON_TZ=America/New_York 0 4 * * *"
    tz = parse_cron("TZ=Asia/Tokyo 30 9 * * *")
    # 00:00 UTC is 09:00 in Tokyo: 09:30 JST comes half an hour later.
    assert tz.next_after(_ms("2026-03-01T00:00:00")) == _ms("2026-03-01T00:30:00")


@pytest.mark.parametrize(
    ("cron", "message"),
    [
        ("", "Invalid cron expression empty spec string"),
        ("   ", "Invalid cron expression empty spec string"),
        ("CRON_TZ=UTC ", "Invalid cron expression empty spec string"),
        ("* * * *", "expected exactly 5 fields"),
        ("61 * * * *", "Invalid cron expression"),
        ("0 0 31 2 *", "Invalid cron expression"),
        ("@fortnightly", "unrecognized descriptor"),
        ("@every soon", "failed to parse duration"),
        ("CRON_TZ=Mars/Olympus 0 0 * * *", "unknown time zone Mars/Olympus"),
    ],
)
def test_cron_errors(cron: str, message: str) -> None:
    with pytest.raises(CronError, match=message):
        parse_cron(cron)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("10", 10),
        ("10s", 10),
        ("1m", 60),
        ("1h30m", 5400),
        ("1d10h30m", 124200),
        ("6m5s", 365),
        ("250ms", 0.25),
        ("1.5h", 5400),
        ("0", 0),
    ],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "s", "10x", "-5s", "1h 30m", "inf", "nan", "1h-2m"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_go_duration(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("10", 10),
        ("6m5s", 365),
        ("Thu, 01 Jan 2026 00:01:40 GMT", 100),
        ("Thu, 01 Jan 2025 00:00:00 GMT", 0),  # in the past: now
        ("90000", None),  # over a day: ignored
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after(value: str, expected: float | None) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    assert parse_retry_after(value, now) == expected


def test_flow_control_values() -> None:
    assert parse_flow_value("parallelism=5, rate=10, period=1m") == (5, 10, 60)
    assert parse_flow_value("rate=3") == (None, 3, None)
    assert parse_flow_value("period=1h30m3s") == (None, None, 5403)
    assert parse_flow_value("") == (None, None, None)
    for bad in ("parallelism=0", "rate=x", "speed=3", "period=8d", "rate"):
        with pytest.raises(ValueProblem):
            parse_flow_value(bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://example.com/a?b=1", ("https://example.com/a?b=1", True)),
        ("http://127.0.0.1:3000/x", ("http://127.0.0.1:3000/x", True)),
        ("https%3A%2F%2Fexample.com%2Fa", ("https://example.com/a", True)),
        ("my-group_1.v2", ("my-group_1.v2", False)),
    ],
)
def test_destinations(raw: str, expected: tuple[str, bool]) -> None:
    assert parse_destination(raw) == expected


@pytest.mark.parametrize(
    "raw", ["example.com/x", "ftp://example.com", "https://", "", "a b", "mailto:x@y.z"]
)
def test_bad_destinations(raw: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_destination(raw)
    assert caught.value.status == 400


def test_is_http_url() -> None:
    assert is_http_url("HTTPS://Example.com")
    assert not is_http_url("https:///path")
    assert not is_http_url("https://exa mple.com")


def test_parse_draft_reads_every_option() -> None:
    headers = [
        ("Content-Type", "text/plain"),
        ("Upstash-Method", "put"),
        ("Upstash-Retries", "5"),
        ("Upstash-Retry-Delay", "pow(2, retried) * 1000"),
        ("Upstash-Delay", "1m"),
        ("Upstash-Not-Before", "1800000000"),
        ("Upstash-Timeout", "20s"),
        ("Upstash-Callback", "https://cb.example/ok"),
        ("Upstash-Callback-Retries", "1"),
        ("Upstash-Callback-Method", "PUT"),
        ("Upstash-Callback-Forward-X-Cb", "1"),
        ("Upstash-Failure-Callback", "https://cb.example/fail"),
        ("Upstash-Failure-Callback-Timeout", "5s"),
        ("Upstash-Failure-Callback-Forward-X-Fail", "2"),
        ("Upstash-Deduplication-Id", "d-1"),
        ("Upstash-Content-Based-Deduplication", "true"),
        ("Upstash-Flow-Control-Key", "k"),
        ("Upstash-Flow-Control-Value", "parallelism=2, rate=4, period=10s"),
        ("Upstash-Label", "a, b"),
        ("Upstash-Redact-Fields", "body,header[Authorization]"),
        ("Upstash-Forward-Authorization", "Bearer abc"),
        ("Upstash-Forward-X-Many", "1"),
        ("Upstash-Forward-X-Many", "2"),
        ("Upstash-Forward-Host", "evil.example"),
        ("X-Not-Forwarded", "no"),
        ("Upstash-Cron", "* * * * *"),
    ]
    draft, extra = parse_draft(headers, b"hi", "https://example.com/x")
    assert draft.method == "PUT"
    assert draft.retries == 5
    assert draft.retry_delay is not None
    assert draft.retry_delay.delay_ms(2) == 4000
    assert (draft.delay_s, draft.not_before_s, draft.timeout_s) == (60, 1800000000, 20)
    assert draft.callback is not None
    assert (draft.callback.url, draft.callback.retries, draft.callback.method) == (
        "https://cb.example/ok",
        1,
        "PUT",
    )
    assert draft.callback.headers == (("X-Cb", "1"),)
    assert draft.failure_callback is not None
    assert draft.failure_callback.timeout_s == 5
    assert draft.failure_callback.headers == (("X-Fail", "2"),)
    assert (draft.dedup_id, draft.content_dedup) == ("d-1", True)
    assert draft.flow is not None
    assert (draft.flow.key, draft.flow.parallelism, draft.flow.rate, draft.flow.period) == (
        "k",
        2,
        4,
        10,
    )
    assert draft.labels == ("a", "b")
    assert draft.redact is not None
    assert draft.redact.body
    assert draft.redact.headers == frozenset({"authorization"})
    assert draft.headers == (
        ("Content-Type", "text/plain"),
        ("Authorization", "Bearer abc"),
        ("X-Many", "1"),
        ("X-Many", "2"),
    )
    assert extra["cron"] == "* * * * *"


def test_header_forward_forwards_incoming_headers_but_not_the_token() -> None:
    draft, _ = parse_draft(
        [
            ("Upstash-Header-Forward", "true"),
            ("X-Github-Event", "push"),
            ("Authorization", "Bearer tok"),
            ("Host", "127.0.0.1"),
            ("Content-Length", "2"),
        ],
        b"{}",
        "https://example.com",
        token="tok",
    )
    assert draft.headers == (("X-Github-Event", "push"),)


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("Upstash-Retries", "-1", "Upstash-Retries"),
        ("Upstash-Retries", "three", "Upstash-Retries"),
        ("Upstash-Method", "FETCH", "Upstash-Method"),
        ("Upstash-Delay", "soon", "Upstash-Delay"),
        ("Upstash-Timeout", "0s", "Upstash-Timeout"),
        ("Upstash-Retry-Delay", "import os", "Upstash-Retry-Delay"),
        ("Upstash-Callback", "localhost:3000", "Upstash-Callback"),
        ("Upstash-Flow-Control-Value", "rate=1", "needs an Upstash-Flow-Control-Key"),
        ("Upstash-Redact-Fields", "everything", "Upstash-Redact-Fields"),
        ("Upstash-Forward-X-Bad", "a\r\nInjected: 1", "line breaks"),
    ],
)
def test_parse_draft_errors(header: str, value: str, message: str) -> None:
    with pytest.raises(ApiError, match=message) as caught:
        parse_draft([(header, value)], b"", "https://example.com")
    assert caught.value.status == 400


def test_parse_schedule_and_overrides() -> None:
    request = parse_schedule({"cron": "*/5 * * * *", "schedule-id": "nightly.job-1"})
    assert request.schedule_id == "nightly.job-1"
    with pytest.raises(ApiError, match="empty spec string"):
        parse_schedule({})
    with pytest.raises(ApiError, match="Upstash-Schedule-Id"):
        parse_schedule({"cron": "* * * * *", "schedule-id": "bad id"})
    overrides = parse_overrides([("Upstash-Retries", "0"), ("Upstash-Delay", "5s")])
    assert overrides == {"max_retries": 0, "delay_s": 5}


def test_clocks() -> None:
    manual = ManualClock(1_000)
    assert manual.now_ms() == 1_000
    assert manual.real_seconds_until(5_000) is None
    manual.set_ms(2_000)
    assert manual.now_ms() == 2_000
    with pytest.raises(ValueError, match="backwards"):
        manual.set_ms(1_500)
    fast = ScaledClock(1000)
    start = fast.now_ms()
    assert fast.real_seconds_until(start + 10_000) == pytest.approx(0.01, abs=0.005)
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(0)


def test_engine_bounds_dedup_memory_and_log_bodies() -> None:
    from collections import deque

    from qstash.dev._engine import Engine, EngineConfig
    from qstash.dev._model import Account, Draft
    from qstash.dev._store import MemoryJournal

    clock = ManualClock(1_000_000)
    engine = Engine(
        clock=clock, journal=MemoryJournal(), config=EngineConfig(max_dedup=3, max_logs=10)
    )
    account = Account("u", "t", "k1", "k2", logs=deque(maxlen=10))
    for n in range(5):
        draft = Draft("https://example.com", True, delay_s=60, dedup_id=f"d{n}")
        assert engine.publish(account, draft, None)[0] == 200
    assert list(account.dedup) == ["id:d2", "id:d3", "id:d4"]  # the oldest go first
    assert (
        engine.publish(account, Draft("https://example.com", True, dedup_id="d4"), None)[0] == 202
    )
    clock.set_ms(1_000_000 + 601_000)
    engine.publish(account, Draft("https://example.com", True, delay_s=60), None)
    assert list(account.dedup) == []  # the ten-minute window passed

    big = bytes(100_000)
    engine.publish(account, Draft("https://example.com", True, body=big, delay_s=60), None)
    created = account.logs[-1]
    assert len(created.spec.body) == 16 * 1024
    assert len(account.messages[created.spec.message_id].spec.body) == 100_000
