"""A hostile or broken server: whatever status, headers and body it answers, a call ends
with the response (2xx) or a typed QStashError, and no wait exceeds the policy's caps.
"""

from __future__ import annotations

import math

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qstash import QStash, RetryPolicy
from qstash._sync.transport import QStashTransport
from qstash.errors import APIError, QStashError, RateLimitExceededError, error_for_response

POLICY = RetryPolicy(max_retries=3, initial_delay=0.5, max_delay=2.0, max_retry_after=30.0)
WALL = 1_700_000_000.0

_NAMES = [
    "Retry-After",
    "Burst-RateLimit-Limit",
    "Burst-RateLimit-Remaining",
    "Burst-RateLimit-Reset",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "x-ratelimit-limit-requests",
    "Content-Type",
    "Content-Encoding",
]
_VALUES = st.one_of(
    st.integers(-(10**6), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "nan", "-0", "Wed, 21 Oct 2015 07:28:00 GMT", "application/json"]),
    st.sampled_from(["gzip", "br", "deflate", "zstd", "identity", "gzip, gzip"]),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
)
_BODIES = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"", b"{}", b"[]", b'{"error":5}', b'{"error":"x"}', b"null", b"\xff\xfe"]),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=10,
    ).map(lambda value: repr(value).encode()),
)


@settings(max_examples=400, deadline=None, database=None)
@given(
    answers=st.lists(
        st.tuples(
            st.integers(200, 599),
            st.dictionaries(st.sampled_from(_NAMES), _VALUES, max_size=4),
            _BODIES,
        ),
        min_size=4,
        max_size=4,
    ),
    method=st.sampled_from(["GET", "POST", "DELETE"]),
)
def test_any_answer_ends_in_a_response_or_a_typed_error(
    answers: list[tuple[int, dict[str, str], bytes]], method: str
) -> None:
    script = list(answers)
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        status, headers, body = script.pop(0)
        # stream=, not content=: httpx would decode a content= body right here.
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))

    transport = QStashTransport(
        httpx.MockTransport(handler),
        policy=POLICY,
        sleep=sleeps.append,
        wall_clock=lambda: WALL,
        random=lambda: 0.5,
    )
    error: QStashError | None = None
    with httpx.Client(transport=transport) as http:
        request = http.build_request(method, "https://qstash.test/v2/messages/x")
        try:
            # The transport reads a 2xx body itself (no qstash.stream extension here).
            response = http.send(request, stream=True)
        except QStashError as exc:  # anything else fails the test as it is
            error = exc
        else:
            response.close()
    if error is None:
        assert 200 <= response.status_code < 300
    elif not isinstance(error, APIError):
        # The one other typed error: a 2xx answer whose body cannot be decoded.
        status, headers, _ = answers[len(answers) - len(script) - 1]
        assert type(error) is QStashError, error
        assert "could not be decoded" in str(error)
        assert 200 <= status < 300
        assert "Content-Encoding" in headers
    else:
        assert error.status == answers[error.attempts - 1][0]
        assert not 200 <= error.status < 300
    assert len(sleeps) <= POLICY.max_retries
    for wait in sleeps:
        assert math.isfinite(wait)
        assert 0 <= wait <= max(POLICY.max_delay, POLICY.max_retry_after)


@pytest.mark.parametrize("value", ["inf", "-inf", "1e999"])
def test_an_infinite_rate_limit_count_is_still_a_typed_error(value: str) -> None:
    error = error_for_response(429, {"Burst-RateLimit-Limit": value}, b"")
    assert isinstance(error, RateLimitExceededError)
    assert error.limit is None


def test_an_undecodable_success_body_is_a_typed_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        gzip = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return httpx.Response(201, headers=gzip, stream=httpx.ByteStream(b"not gzip"))

    transport = httpx.MockTransport(handler)
    with (
        QStash(
            "token", base_url="https://qstash.test", httpx_client=httpx.Client(transport=transport)
        ) as client,
        pytest.raises(QStashError),
    ):
        client.message.publish_json(url="https://a.example", body=1)
