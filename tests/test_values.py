from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from qstash import _values
from qstash.errors import InvalidArgumentError

Check = Callable[[object, str], object]


def refused(check: Check, value: object, match: str | None = None) -> InvalidArgumentError:
    with pytest.raises(InvalidArgumentError, match=match) as info:
        check(value, "arg")
    assert info.value.argument == "arg"
    return info.value


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (0, "0s"),
        (10, "10s"),
        (4.0, "4s"),
        ("10s", "10s"),
        ("5m", "5m"),
        ("2h", "2h"),
        ("3d", "3d"),
        ("1d10h30m", "1d10h30m"),
        ("0s", "0s"),
        (timedelta(minutes=2), "120s"),
        (timedelta(days=1, seconds=5), "86405s"),
        (timedelta(0), "0s"),
    ],
)
def test_duration_accepts(value: object, wire: str) -> None:
    assert _values.duration(value, "arg") == wire


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (-1, "0 or more"),
        (1.5, "whole number of seconds"),
        (float("nan"), "whole number of seconds"),
        (float("inf"), "whole number of seconds"),
        (True, "int of seconds"),
        (None, "int of seconds"),
        ("10", "add a unit, e.g. '10s'"),
        ("500ms", "no millisecond unit"),
        ("10 s", "units s, m, h, d"),
        ("1w", "units s, m, h, d"),
        ("", "units s, m, h, d"),
        ("-5s", "units s, m, h, d"),
        ("s", "units s, m, h, d"),
        (timedelta(seconds=-1), "0 or more"),
        (timedelta(milliseconds=1500), "whole number of seconds"),
    ],
)
def test_duration_refuses(value: object, match: str) -> None:
    refused(_values.duration, value, match)


@pytest.mark.parametrize("value", [0, "0s", "0m0s", timedelta(0)])
def test_positive_duration_refuses_zero(value: object) -> None:
    with pytest.raises(InvalidArgumentError, match="more than 0") as info:
        _values.duration(value, "arg", positive=True)
    assert info.value.argument == "arg"


def test_positive_duration_accepts_nonzero() -> None:
    assert _values.duration("0m10s", "arg", positive=True) == "0m10s"
    assert _values.duration(1, "arg", positive=True) == "1s"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (0, 0),
        (1_700_000_000, 1_700_000_000),
        (1_700_000_000.0, 1_700_000_000),
        (1_700_000_000.2, 1_700_000_001),  # rounded up: never before the asked instant
        (datetime(2024, 1, 1, tzinfo=UTC), 1_704_067_200),
        (datetime(2024, 1, 1, 1, tzinfo=timezone(timedelta(hours=1))), 1_704_067_200),
        (datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=UTC), 1_704_067_201),
    ],
)
def test_unix_seconds_accepts(value: object, seconds: int) -> None:
    assert _values.unix_seconds(value, "arg") == seconds


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (datetime(2024, 1, 1), "naive datetime"),
        (-1, "0 or more"),
        (float("nan"), "0 or more"),
        (1_700_000_000_000, "looks like milliseconds"),
        (True, "unix timestamp"),
        ("1700000000", "unix timestamp"),
    ],
)
def test_unix_seconds_refuses(value: object, match: str) -> None:
    refused(_values.unix_seconds, value, match)


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com",
        "http://example.com/path?q=1&r=2#frag",
        "HTTPS://EXAMPLE.COM",
        "http://127.0.0.1:8080/x",
        "http://[::1]:8080/",
        "https://user:pw@host.example/",
    ],
)
def test_http_url_accepts(value: str) -> None:
    assert _values.http_url(value, "arg") == value


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("example.com/x", "add http:// or https://"),
        ("/relative", "add http:// or https://"),
        ("ftp://example.com", "only http:// and https://"),
        ("https://", "needs a host"),
        ("https://:80/x", "needs a host"),
        ("https://exa mple.com", "needs a host"),
        ("https://example.com/a\r\nX: y", "needs a host"),
        ("", "must not be empty"),
        (42, "must be a string"),
    ],
)
def test_http_url_refuses(value: object, match: str) -> None:
    refused(_values.http_url, value, match)


@pytest.mark.parametrize("value", ["group", "my-queue_1.v2", "A"])
def test_name_accepts(value: str) -> None:
    assert _values.name(value, "arg") == value


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("with space", "only letters"),
        ("a/b", "only letters"),
        ("https://x.com", "looks like a URL"),
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        (None, "must be a string"),
    ],
)
def test_name_refuses(value: object, match: str) -> None:
    refused(_values.name, value, match)


@pytest.mark.parametrize(("value", "match"), [("", "empty"), (" \t", "empty"), (1, "string")])
def test_non_empty_refuses(value: object, match: str) -> None:
    refused(_values.non_empty, value, match)


def test_non_empty_accepts() -> None:
    assert _values.non_empty(" id ", "arg") == " id "


@pytest.mark.parametrize(("value", "wire"), [(0, 0), (3, 3)])
def test_non_negative_int_accepts(value: int, wire: int) -> None:
    assert _values.non_negative_int(value, "arg") == wire


@pytest.mark.parametrize(
    ("value", "match"), [(-1, "0 or more"), (True, "must be an int"), (1.0, "must be an int")]
)
def test_non_negative_int_refuses(value: object, match: str) -> None:
    refused(_values.non_negative_int, value, match)


@pytest.mark.parametrize(("value", "match"), [(0, "1 or more"), (False, "must be an int")])
def test_positive_int_refuses(value: object, match: str) -> None:
    refused(_values.positive_int, value, match)


@pytest.mark.parametrize("value", ["X-Custom", "content-type", "A1!#$%&'*+-.^_`|~"])
def test_header_name_accepts(value: str) -> None:
    assert _values.header_name(value, "arg") == value


@pytest.mark.parametrize("value", ["", "X Custom", "X:Y", "X\r\nY", "Ünïcode", "a[b]", 5])
def test_header_name_refuses(value: object) -> None:
    refused(_values.header_name, value)


@pytest.mark.parametrize(
    ("value", "wire"), [("v", "v"), ("a\tb", "a\tb"), ("", ""), (7, "7"), (-1, "-1")]
)
def test_header_value_accepts(value: object, wire: str) -> None:
    assert _values.header_value(value, "arg") == wire


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("a\r\nX-Injected: 1", "line breaks"),
        ("a\nb", "line breaks"),
        ("a\x00b", "control characters"),
        ("café", "must be ASCII"),
        (True, "must be a string"),
        (1.5, "must be a string"),
        (b"bytes", "must be a string"),
    ],
)
def test_header_value_refuses(value: object, match: str) -> None:
    refused(_values.header_value, value, match)


@pytest.mark.parametrize(
    ("value", "wire"),
    [("a", "a"), (["a"], "a"), (["a", "b-c"], "a,b-c"), (("x", "y"), "x,y")],
)
def test_labels_accepts(value: object, wire: str) -> None:
    assert _values.labels(value, "arg") == wire


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("a,b", "must not contain ','"),
        (["a", "b,c"], "must not contain ','"),
        ([], "must not be empty"),
        ([""], "must not be empty"),
        (["a", " "], "must not be empty"),
        ([1], "must be a string"),
        (5, "string or a sequence"),
        (b"a", "string or a sequence"),
    ],
)
def test_labels_refuses(value: object, match: str) -> None:
    refused(_values.labels, value, match)


@pytest.mark.parametrize(
    ("value", "wire"), [("GET", "GET"), ("post", "POST"), ("Patch", "PATCH"), ("delete", "DELETE")]
)
def test_http_method_accepts(value: str, wire: str) -> None:
    assert _values.http_method(value, "arg") == wire


@pytest.mark.parametrize("value", ["HEAD", "OPTIONS", "", None, 1])
def test_http_method_refuses(value: object) -> None:
    refused(_values.http_method, value, "one of GET, POST, PUT, DELETE, PATCH")


@pytest.mark.parametrize(
    "value",
    [
        "1000",
        "pow(2, retried) * 1000",
        "1000 * (1 + retried)",
        "min(86400, exp(retried)) * 1000",
        "max(10, floor(sqrt(retried) * 2.5)) + abs(ceil(1.2)) - round(0.4) % 3 ^ 2",
    ],
)
def test_retry_delay_accepts(value: str) -> None:
    assert _values.retry_delay(value, "arg") == value


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("", "must not be empty"),
        ("__import__('os')", "unexpected character"),
        ("retries * 1000", "unknown name 'retries'"),
        ("log(retried)", "unknown name 'log'"),
        ("1000; drop", "unexpected character ';'"),
        ("pow(2, retried", "unbalanced parentheses"),
        ("retried)(", "unbalanced parentheses"),
        ("1000\n", "line breaks"),
        (1000, "must be a string"),
    ],
)
def test_retry_delay_refuses(value: object, match: str) -> None:
    refused(_values.retry_delay, value, match)


@pytest.mark.parametrize(("value", "match"), [(1, "True or False"), (None, "True or False")])
def test_flag_refuses(value: object, match: str) -> None:
    refused(_values.flag, value, match)


def test_is_http_url() -> None:
    assert _values.is_http_url("https://a.b")
    assert not _values.is_http_url("https:/")
