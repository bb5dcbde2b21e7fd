"""The retry decision (qstash._retry): a pure function, pinned row by row with exact delays."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from email.utils import formatdate
from typing import Any

import httpx
import pytest

from qstash._retry import (
    REPLAY_SAFE_EXTENSION,
    ErrorKind,
    RetryPolicy,
    error_kind,
    replay_safe,
    request_replay_safe,
)
from qstash.errors import InvalidArgumentError

NOW = 1_700_000_000.0  # wall clock for reset headers and HTTP dates
BURST = {"Burst-RateLimit-Limit": "100", "Burst-RateLimit-Remaining": "0"}
DAILY = {"RateLimit-Limit": "500", "RateLimit-Remaining": "0", "RateLimit-Reset": "86400"}
CHAT = {"x-ratelimit-limit-requests": "10", "x-ratelimit-reset-requests": "2s"}

DEFAULT = RetryPolicy()


def _delay(
    policy: RetryPolicy = DEFAULT,
    retry_index: int = 0,
    *,
    safe: bool = True,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    kind: ErrorKind | None = None,
    elapsed: float = 0.0,
    u: float = 0.0,
) -> float | None:
    return policy.next_delay(
        retry_index,
        replay_safe=safe,
        status=status,
        headers=headers,
        error_kind=kind,
        elapsed=elapsed,
        now=NOW,
        random=lambda: u,
    )


# (id, keyword arguments for _delay, expected seconds or None). The default policy waits
# 0.1 * 2**n before retry n when the jitter draw is 0.
DECISIONS: list[tuple[str, dict[str, Any], float | None]] = [
    # statuses
    ("503 safe", {"status": 503}, 0.1),
    ("503 unsafe", {"status": 503, "safe": False}, None),
    ("500 safe", {"status": 500}, 0.1),
    ("502 safe", {"status": 502}, 0.1),
    ("504 safe", {"status": 504}, 0.1),
    ("520 safe", {"status": 520}, 0.1),
    ("527 safe", {"status": 527}, 0.1),
    ("520 unsafe", {"status": 520, "safe": False}, None),
    ("501 never", {"status": 501}, None),
    ("505 never", {"status": 505}, None),
    ("408 safe", {"status": 408}, 0.1),
    ("408 unsafe", {"status": 408, "safe": False}, None),
    ("400 never", {"status": 400}, None),
    ("401 never", {"status": 401}, None),
    ("403 never", {"status": 403}, None),
    ("404 never", {"status": 404}, None),
    ("412 never", {"status": 412}, None),
    # 429 kinds: burst is retried even for an unsafe request (it was refused, not processed)
    ("429 bare is burst", {"status": 429, "safe": False}, 0.1),
    ("429 burst headers", {"status": 429, "headers": BURST, "safe": False}, 0.1),
    (
        "429 burst reset unix seconds",
        {"status": 429, "headers": {**BURST, "Burst-RateLimit-Reset": str(int(NOW) + 3)}},
        3.0,
    ),
    (
        "429 burst reset unix milliseconds",
        {"status": 429, "headers": {"Burst-RateLimit-Reset": str(int(NOW * 1000) + 2500)}},
        2.5,
    ),
    (
        "429 burst reset in the past: backoff",
        {"status": 429, "headers": {"Burst-RateLimit-Reset": str(int(NOW) - 5)}},
        0.1,
    ),
    (
        "429 burst reset unparsable: backoff",
        {"status": 429, "headers": {"Burst-RateLimit-Reset": "soon"}},
        0.1,
    ),
    ("429 daily never", {"status": 429, "headers": DAILY}, None),
    ("429 chat never", {"status": 429, "headers": CHAT}, None),
    # server-asked waits
    ("Retry-After seconds", {"status": 503, "headers": {"Retry-After": "2"}}, 2.0),
    ("retry-after any case", {"status": 503, "headers": {"RETRY-AFTER": "4"}}, 4.0),
    (
        "Retry-After HTTP date",
        {"status": 503, "headers": {"Retry-After": formatdate(NOW + 7, usegmt=True)}},
        7.0,
    ),
    (
        "Retry-After below backoff: backoff",
        {"status": 503, "headers": {"Retry-After": "0.01"}},
        0.1,
    ),
    ("Retry-After above max_retry_after", {"status": 503, "headers": {"Retry-After": "61"}}, None),
    ("Retry-After at max_retry_after", {"status": 503, "headers": {"Retry-After": "60"}}, 60.0),
    ("RateLimit-Reset seconds on 503", {"status": 503, "headers": {"RateLimit-Reset": "3"}}, 3.0),
    (
        "longest server wait wins",
        {
            "status": 429,
            "headers": {"Retry-After": "2", "Burst-RateLimit-Reset": str(int(NOW) + 5)},
        },
        5.0,
    ),
    ("Retry-After on 400 changes nothing", {"status": 400, "headers": {"Retry-After": "1"}}, None),
    # transport errors
    ("connect unsafe", {"kind": ErrorKind.CONNECT, "safe": False}, 0.1),
    ("connect safe", {"kind": ErrorKind.CONNECT}, 0.1),
    ("network safe", {"kind": ErrorKind.NETWORK}, 0.1),
    ("network unsafe", {"kind": ErrorKind.NETWORK, "safe": False}, None),
    ("permanent", {"kind": ErrorKind.PERMANENT}, None),
    ("neither status nor error", {}, None),
    # backoff growth, cap, jitter, last attempt
    ("retry 1", {"status": 503, "retry_index": 1}, 0.2),
    ("retry 4 (the fifth)", {"status": 503, "retry_index": 4}, 1.6),
    ("retry 5 is past the last attempt", {"status": 503, "retry_index": 5}, None),
    ("retry 5 after burst 429", {"status": 429, "retry_index": 5}, None),
    ("jitter takes off jitter * u", {"status": 503, "u": 0.5}, 0.1 * (1 - 0.25 * 0.5)),
    (
        "capped at max_delay",
        {"status": 503, "retry_index": 7, "policy": RetryPolicy(max_retries=10)},
        5.0,
    ),
    (
        "huge retry index does not overflow",
        {"status": 503, "retry_index": 5000, "policy": RetryPolicy(max_retries=10_000)},
        5.0,
    ),
    (
        "jitter 0.5, u 0.5",
        {"status": 503, "u": 0.5, "policy": RetryPolicy(initial_delay=1.0, jitter=0.5)},
        0.75,
    ),
    ("no retries", {"status": 503, "policy": RetryPolicy(max_retries=0)}, None),
    # total_timeout
    (
        "within total_timeout",
        {"status": 503, "elapsed": 0.85, "policy": RetryPolicy(total_timeout=1.0)},
        0.1,
    ),
    (
        "wait would cross total_timeout",
        {"status": 503, "elapsed": 0.95, "policy": RetryPolicy(total_timeout=1.0)},
        None,
    ),
    (
        "server wait would cross total_timeout",
        {
            "status": 503,
            "headers": {"Retry-After": "5"},
            "policy": RetryPolicy(total_timeout=3.0),
        },
        None,
    ),
    # the official backoff form (milliseconds, no jitter) and server waits above it
    (
        "official backoff, retry 1",
        {
            "status": 503,
            "retry_index": 1,
            "u": 0.9,
            "policy": RetryPolicy(backoff=lambda n: 20 * 2**n),
        },
        0.04,
    ),
    (
        "official backoff loses to a longer Retry-After",
        {
            "status": 503,
            "headers": {"Retry-After": "2"},
            "policy": RetryPolicy(backoff=lambda n: 50),
        },
        2.0,
    ),
    (
        "official backoff beats a shorter Retry-After",
        {
            "status": 503,
            "headers": {"Retry-After": "1"},
            "policy": RetryPolicy(backoff=lambda n: 3000),
        },
        3.0,
    ),
    (
        "negative official backoff means now",
        {"status": 503, "policy": RetryPolicy(backoff=lambda n: -5)},
        0.0,
    ),
]


@pytest.mark.parametrize(
    ("case", "kwargs", "expected"), DECISIONS, ids=[row[0] for row in DECISIONS]
)
def test_next_delay(case: str, kwargs: dict[str, Any], expected: float | None) -> None:
    delay = _delay(**kwargs)
    if expected is None:
        assert delay is None
    else:
        assert delay is not None
        assert math.isclose(delay, expected, rel_tol=1e-9, abs_tol=1e-9), (case, delay)


def test_default_schedule_sums_below_official_total() -> None:
    # Our worst case before a network error surfaces: 0.1+0.2+0.4+0.8+1.6 = 3.1 s (the
    # official SDK sleeps about 31.8 s, the last 20 s after its final attempt).
    delays = [_delay(retry_index=n, status=503) for n in range(6)]
    assert delays == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6, None])


# (method, path, headers, expected)
REPLAY_SAFETY: list[tuple[str, str, dict[str, str], bool]] = [
    ("GET", "/v2/messages/msg_1", {}, True),
    ("HEAD", "/v2/messages/msg_1", {}, True),
    ("PUT", "/v2/anything", {}, True),
    ("DELETE", "/v2/messages/msg_1", {}, True),
    ("OPTIONS", "/v2/anything", {}, True),
    ("PATCH", "/v2/schedules/scd_1/pause", {}, True),
    ("get", "/v2/queues", {}, True),
    ("POST", "/v2/publish/https://example.com/hook", {}, False),
    ("POST", "/v2/publish/https://example.com/hook", {"Upstash-Deduplication-Id": "d1"}, True),
    ("POST", "/v2/publish/https://example.com/hook", {"upstash-deduplication-id": "d1"}, True),
    ("POST", "/v2/publish/https://example.com/hook", {"Upstash-Deduplication-Id": " "}, False),
    (
        "POST",
        "/v2/publish/https://example.com/hook",
        {"Upstash-Content-Based-Deduplication": "true"},
        True,
    ),
    (
        "POST",
        "/v2/publish/https://example.com/hook",
        {"Upstash-Content-Based-Deduplication": "True"},
        True,
    ),
    (
        "POST",
        "/v2/publish/https://example.com/hook",
        {"Upstash-Content-Based-Deduplication": "false"},
        False,
    ),
    ("POST", "/v2/enqueue/q1/https://example.com/hook", {}, False),
    ("POST", "/v2/enqueue/q1/https://example.com/hook", {"Upstash-Deduplication-Id": "d"}, True),
    ("POST", "/v2/schedules/https://example.com/hook", {"Upstash-Cron": "* * * * *"}, False),
    ("POST", "/v2/schedules/https://example.com/hook", {"Upstash-Schedule-Id": "s1"}, True),
    ("POST", "/v2/queues", {}, True),
    ("POST", "/v2/queues/", {}, True),
    ("POST", "/v2/queues/q1/pause", {}, True),
    ("POST", "/v2/queues/q1/resume", {}, True),
    ("POST", "/v2/topics/group/endpoints", {}, True),
    ("POST", "/v2/flowControl/key/pause", {}, True),
    ("POST", "/v2/flowControl/key/resume", {}, True),
    ("POST", "/v2/flowControl/key/pin", {}, True),
    ("POST", "/v2/flowControl/key/unpin", {}, True),
    ("POST", "/v2/flowControl/key/resetRate", {}, True),
    ("POST", "/v2/batch", {}, False),
    ("POST", "/v2/keys/rotate", {}, False),
    ("POST", "/v2/dlq/retry", {}, False),
    ("POST", "/llm/v1/chat/completions", {}, False),
    # a destination URL that looks like an idempotent path does not make a publish safe
    ("POST", "/v2/publish/https://example.com/v2/queues", {}, False),
    ("POST", "/prefix/v2/queues", {}, False),
    ("CONNECT", "/v2/queues", {}, False),
]


@pytest.mark.parametrize(("method", "path", "headers", "expected"), REPLAY_SAFETY)
def test_replay_safe(method: str, path: str, headers: dict[str, str], expected: bool) -> None:
    assert replay_safe(method, path, headers) is expected


@pytest.mark.parametrize(
    ("method", "path", "extension", "expected"),
    [
        ("POST", "/v2/batch", True, True),
        ("POST", "/v2/batch", False, False),
        ("GET", "/v2/messages/m", False, False),
        ("POST", "/v2/keys/rotate", None, False),
        ("POST", "/v2/queues", "yes", True),  # not a bool: ignored
    ],
)
def test_request_extension_wins(method: str, path: str, extension: object, expected: bool) -> None:
    extensions = {} if extension is None else {REPLAY_SAFE_EXTENSION: extension}
    request = httpx.Request(method, f"https://qstash.example{path}?x=1", extensions=extensions)
    assert request_replay_safe(request) is expected


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (httpx.ConnectError("refused"), ErrorKind.CONNECT),
        (httpx.ConnectTimeout("slow"), ErrorKind.CONNECT),
        (httpx.PoolTimeout("busy"), ErrorKind.CONNECT),
        (httpx.ProxyError("tunnel"), ErrorKind.CONNECT),
        (httpx.ReadError("reset"), ErrorKind.NETWORK),
        (httpx.WriteError("broken pipe"), ErrorKind.NETWORK),
        (httpx.ReadTimeout("slow"), ErrorKind.NETWORK),
        (httpx.WriteTimeout("slow"), ErrorKind.NETWORK),
        (httpx.RemoteProtocolError("dropped"), ErrorKind.NETWORK),
        (httpx.CloseError("close"), ErrorKind.NETWORK),
        (httpx.UnsupportedProtocol("ftp"), ErrorKind.PERMANENT),
        (httpx.LocalProtocolError("bad header"), ErrorKind.PERMANENT),
    ],
)
def test_error_kind(exc: httpx.TransportError, kind: ErrorKind) -> None:
    assert error_kind(exc) is kind


def _ms_20(retry_count: int) -> float:
    return float(20 << retry_count)


COERCE_ACCEPTED: list[tuple[str, object, RetryPolicy]] = [
    ("None", None, RetryPolicy()),
    ("True", True, RetryPolicy()),
    ("False", False, RetryPolicy(max_retries=0)),
    ("empty dict", {}, RetryPolicy()),
    ("retries only", {"retries": 2}, RetryPolicy(max_retries=2)),
    ("retries 0", {"retries": 0}, RetryPolicy(max_retries=0)),
    ("backoff only", {"backoff": _ms_20}, RetryPolicy(backoff=_ms_20)),
    ("both", {"retries": 1, "backoff": _ms_20}, RetryPolicy(max_retries=1, backoff=_ms_20)),
]


@pytest.mark.parametrize(
    ("case", "value", "expected"), COERCE_ACCEPTED, ids=[row[0] for row in COERCE_ACCEPTED]
)
def test_coerce_accepts(case: str, value: Any, expected: RetryPolicy) -> None:
    assert RetryPolicy.coerce(value) == expected


def test_coerce_keeps_a_policy() -> None:
    policy = RetryPolicy(max_retries=2, total_timeout=9.0)
    assert RetryPolicy.coerce(policy) is policy


def test_official_readme_dict_gives_one_retry_after_20_ms() -> None:
    policy = RetryPolicy.coerce(
        {"retries": 1, "backoff": lambda retry_count: (2**retry_count) * 20}
    )
    assert policy.max_retries == 1
    assert policy.max_attempts == 2
    assert _delay(policy, 0, status=503, u=0.7) == pytest.approx(0.02)
    assert _delay(policy, 1, status=503) is None


COERCE_REFUSED: list[tuple[str, object, str]] = [
    ("int", 3, "retry must be"),
    ("string", "5", "retry must be"),
    ("list", [1], "retry must be"),
    ("unknown key", {"retries": 1, "delay": 2}, "unknown retry option"),
    ("retries negative", {"retries": -1}, "retries"),
    ("retries float", {"retries": 1.5}, "retries"),
    ("retries bool", {"retries": True}, "retries"),
    ("backoff not callable", {"backoff": 100}, "backoff"),
]


@pytest.mark.parametrize(
    ("case", "value", "message"), COERCE_REFUSED, ids=[row[0] for row in COERCE_REFUSED]
)
def test_coerce_refuses(case: str, value: Any, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message) as info:
        RetryPolicy.coerce(value)
    assert info.value.argument == "retry"


POLICY_REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"max_retries": -1}, "max_retries"),
    ({"max_retries": 2.0}, "max_retries"),
    ({"max_retries": True}, "max_retries"),
    ({"initial_delay": -0.1}, "initial_delay"),
    ({"initial_delay": math.nan}, "initial_delay"),
    ({"max_delay": -1}, "max_delay"),
    ({"max_delay": "5"}, "max_delay"),
    ({"jitter": -0.1}, "jitter"),
    ({"jitter": 1.5}, "jitter"),
    ({"max_retry_after": -1}, "max_retry_after"),
    ({"max_retry_after": math.inf}, "max_retry_after"),
    ({"total_timeout": -1}, "total_timeout"),
    ({"backoff": 100}, "backoff"),
]


@pytest.mark.parametrize(("kwargs", "argument"), POLICY_REFUSED)
def test_policy_validation(kwargs: dict[str, Any], argument: str) -> None:
    with pytest.raises(InvalidArgumentError, match=argument) as info:
        RetryPolicy(**kwargs)
    assert info.value.argument == argument


def test_policy_defaults_and_immutability() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.max_attempts) == (5, 6)
    assert (policy.initial_delay, policy.max_delay, policy.jitter) == (0.1, 5.0, 0.25)
    assert (policy.max_retry_after, policy.backoff, policy.total_timeout) == (60.0, None, None)
    with pytest.raises(AttributeError):
        policy.max_retries = 1  # type: ignore[misc]


def test_jitter_is_drawn_only_when_retrying() -> None:
    draws: list[int] = []

    def random() -> float:
        draws.append(1)
        return 0.0

    random_source: Callable[[], float] = random
    DEFAULT.next_delay(0, replay_safe=True, status=503, now=NOW, random=random_source)
    DEFAULT.next_delay(0, replay_safe=True, status=400, now=NOW, random=random_source)
    assert draws == [1]
