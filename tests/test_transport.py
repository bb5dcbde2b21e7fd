"""The transport (retries, typed errors, logging), sync and async from one set of tests.

Each test runs twice, once per flavour: a harness hides whether ``QStashTransport`` or
``AsyncQStashTransport`` is driven. The inner transport is ``httpx.MockTransport`` playing a
script of responses and exceptions; sleep and both clocks are fakes, so delays are exact and
nothing waits.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from qstash._async.transport import AsyncClientTransport, AsyncQStashTransport
from qstash._retry import REPLAY_SAFE_EXTENSION, RetryPolicy
from qstash._sync.transport import ClientTransport, QStashTransport
from qstash.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    BadRequestError,
    DailyMessageLimitExceededError,
    ForbiddenError,
    NotFoundError,
    PayloadTooLargeError,
    PreconditionFailedError,
    RateLimitExceededError,
    ServerError,
    UnauthorizedError,
)

BASE = "https://qstash.example"
WALL = 1_700_000_000.0
TOKEN = "tok_CANARY_5ec7e7"
PUBLISH = f"{BASE}/v2/publish/https://example.com/hook"

Outcome = httpx.Response | Exception


class Script:
    """A MockTransport handler: plays ``outcomes`` in order and records every request."""

    def __init__(self, *outcomes: Outcome) -> None:
        self.outcomes = list(outcomes)
        self.requests: list[httpx.Request] = []
        self.seen: list[tuple[dict[str, str], bytes]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.seen.append((dict(request.headers), request.content))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def status(code: int, **kwargs: object) -> httpx.Response:
    return httpx.Response(code, **kwargs)  # type: ignore[arg-type]


@dataclass
class ViaCaller:
    response: httpx.Response
    caller_closed: bool
    caller_still_sends: bool
    hooked: int


@dataclass
class Harness(abc.ABC):
    """Drives one flavour of the transport with fake sleep and clocks."""

    name: str
    sleeps: list[float] = field(default_factory=list)
    monotonic: float = 100.0

    def clock(self) -> float:
        return self.monotonic

    def record_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.monotonic += seconds

    @abc.abstractmethod
    async def send(
        self,
        script: Script,
        request: httpx.Request,
        policy: RetryPolicy | None = None,
        *,
        secrets: tuple[str, ...] = (),
        read: bool = True,
    ) -> httpx.Response:
        """Send through the transport; the response body is read unless ``read`` is False."""

    @abc.abstractmethod
    async def send_via_caller(self, script: Script, url: str) -> ViaCaller:
        """Send a GET through a caller-owned httpx client wrapped by our transport."""

    @abc.abstractmethod
    def stream(self, chunks: list[bytes]) -> Iterator[bytes] | AsyncIterator[bytes]:
        """A streamed response body of this flavour."""


class SyncHarness(Harness):
    def _transport(
        self, inner: httpx.BaseTransport, policy: RetryPolicy | None, secrets: tuple[str, ...]
    ) -> QStashTransport:
        return QStashTransport(
            inner,
            policy=policy or RetryPolicy(),
            secrets=secrets,
            clock=self.clock,
            wall_clock=lambda: WALL,
            sleep=self.record_sleep,
            random=lambda: 0.0,
        )

    async def send(
        self,
        script: Script,
        request: httpx.Request,
        policy: RetryPolicy | None = None,
        *,
        secrets: tuple[str, ...] = (),
        read: bool = True,
    ) -> httpx.Response:
        transport = self._transport(httpx.MockTransport(script), policy, secrets)
        response = transport.handle_request(request)
        if read:
            response.read()
        return response

    async def send_via_caller(self, script: Script, url: str) -> ViaCaller:
        return self._via_caller(script, url)

    def _via_caller(self, script: Script, url: str) -> ViaCaller:
        hooked: list[httpx.Request] = []
        caller = httpx.Client(
            transport=httpx.MockTransport(script), event_hooks={"request": [hooked.append]}
        )
        transport = self._transport(ClientTransport(caller), None, ())
        with httpx.Client(transport=transport) as outer:
            response = outer.get(url)
        closed = caller.is_closed
        script.outcomes.append(status(204))
        still_sends = caller.get(url).status_code == 204
        caller.close()
        return ViaCaller(response, closed, still_sends, len(hooked))

    def stream(self, chunks: list[bytes]) -> Iterator[bytes]:
        return iter(chunks)


class AsyncHarness(Harness):
    async def record_async_sleep(self, seconds: float) -> None:
        self.record_sleep(seconds)

    def _transport(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy | None,
        secrets: tuple[str, ...],
    ) -> AsyncQStashTransport:
        return AsyncQStashTransport(
            inner,
            policy=policy or RetryPolicy(),
            secrets=secrets,
            clock=self.clock,
            wall_clock=lambda: WALL,
            sleep=self.record_async_sleep,
            random=lambda: 0.0,
        )

    async def send(
        self,
        script: Script,
        request: httpx.Request,
        policy: RetryPolicy | None = None,
        *,
        secrets: tuple[str, ...] = (),
        read: bool = True,
    ) -> httpx.Response:
        transport = self._transport(httpx.MockTransport(script), policy, secrets)
        response = await transport.handle_async_request(request)
        if read:
            await response.aread()
        return response

    async def send_via_caller(self, script: Script, url: str) -> ViaCaller:
        hooked: list[httpx.Request] = []

        async def hook(request: httpx.Request) -> None:
            hooked.append(request)

        caller = httpx.AsyncClient(
            transport=httpx.MockTransport(script), event_hooks={"request": [hook]}
        )
        transport = self._transport(AsyncClientTransport(caller), None, ())
        async with httpx.AsyncClient(transport=transport) as outer:
            response = await outer.get(url)
        closed = caller.is_closed
        script.outcomes.append(status(204))
        still_sends = (await caller.get(url)).status_code == 204
        await caller.aclose()
        return ViaCaller(response, closed, still_sends, len(hooked))

    def stream(self, chunks: list[bytes]) -> AsyncIterator[bytes]:
        async def body() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk

        return body()


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest) -> Harness:
    flavour: Callable[[str], Harness] = SyncHarness if request.param == "sync" else AsyncHarness
    return flavour(request.param)


def get(path: str = "/v2/messages/msg_1") -> httpx.Request:
    return httpx.Request("GET", BASE + path)


def publish(**headers: str) -> httpx.Request:
    return httpx.Request("POST", PUBLISH, content=b'{"hello":"world"}', headers=headers)


DEDUP = {"Upstash-Deduplication-Id": "dedup-1"}


async def test_503_503_200_succeeds_after_two_exact_sleeps(harness: Harness) -> None:
    script = Script(status(503), status(503), status(200, json={"ok": True}))
    response = await harness.send(script, get())
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert harness.sleeps == [0.1, 0.2]
    assert len(script.requests) == 3


async def test_jitter_comes_from_the_injected_random(harness: Harness) -> None:
    script = Script(status(503), status(200))
    policy = RetryPolicy(initial_delay=1.0, jitter=0.5)
    await harness.send(script, get(), policy)
    assert harness.sleeps == [1.0]  # the harness draws 0.0: the full backoff


async def test_exhausted_retries_raise_server_error_without_a_final_sleep(
    harness: Harness,
) -> None:
    script = Script(*(status(503, text="busy") for _ in range(6)))
    with pytest.raises(ServerError) as info:
        await harness.send(script, get())
    assert info.value.attempts == 6
    assert info.value.status == 503
    assert info.value.message == "busy"
    assert harness.sleeps == [0.1, 0.2, 0.4, 0.8, 1.6]
    assert len(script.requests) == 6


# Tables hold factories: a request or response object must not be shared by two test runs.
Make = Callable[[], httpx.Request]
Outcomes = Callable[[], list[Outcome]]

# (id, request, outcomes, policy, expected error class, attempts)
FAILS_AT_ONCE: list[tuple[str, Make, Outcomes, RetryPolicy | None, type[Exception], int]] = [
    ("400", get, lambda: [status(400, json={"error": "bad cron"})], None, BadRequestError, 1),
    ("403", get, lambda: [status(403)], None, ForbiddenError, 1),
    ("412", get, lambda: [status(412, text="max queues")], None, PreconditionFailedError, 1),
    ("413", publish, lambda: [status(413, text="too large")], None, PayloadTooLargeError, 1),
    ("418", get, lambda: [status(418)], None, APIError, 1),
    (
        "daily 429",
        publish,
        lambda: [status(429, headers={"RateLimit-Limit": "500", "RateLimit-Reset": "60"})],
        None,
        DailyMessageLimitExceededError,
        1,
    ),
    ("503 on unsafe POST", publish, lambda: [status(503)], None, ServerError, 1),
    (
        "ReadTimeout on unsafe POST",
        publish,
        lambda: [httpx.ReadTimeout("slow")],
        None,
        APITimeoutError,
        1,
    ),
    (
        "RemoteProtocolError on unsafe POST",
        publish,
        lambda: [httpx.RemoteProtocolError("Server disconnected")],
        None,
        APIConnectionError,
        1,
    ),
    ("retry=False", get, lambda: [status(503)], RetryPolicy.coerce(False), ServerError, 1),
    (
        "Retry-After above max_retry_after",
        get,
        lambda: [status(503, headers={"Retry-After": "120"})],
        None,
        ServerError,
        1,
    ),
    (
        "total_timeout cuts the second wait",
        get,
        lambda: [status(503), status(503)],
        RetryPolicy(total_timeout=0.25),
        ServerError,
        2,
    ),
    (
        "unsupported scheme",
        get,
        lambda: [httpx.UnsupportedProtocol("ftp")],
        None,
        APIConnectionError,
        1,
    ),
]


@pytest.mark.parametrize(
    ("case", "make", "outcomes", "policy", "error", "attempts"),
    FAILS_AT_ONCE,
    ids=[row[0] for row in FAILS_AT_ONCE],
)
async def test_failures_that_are_not_retried_further(
    harness: Harness,
    case: str,
    make: Make,
    outcomes: Outcomes,
    policy: RetryPolicy | None,
    error: type[Exception],
    attempts: int,
) -> None:
    script = Script(*outcomes())
    with pytest.raises(error) as info:
        await harness.send(script, make(), policy)
    assert type(info.value) is error
    assert getattr(info.value, "attempts", None) == attempts
    assert len(script.requests) == attempts
    assert len(harness.sleeps) == attempts - 1


def _batch() -> httpx.Request:
    return httpx.Request(
        "POST", f"{BASE}/v2/batch", content=b"[]", extensions={REPLAY_SAFE_EXTENSION: True}
    )


# (id, request, first outcome, expected sleep before the successful second attempt)
RETRIED_ONCE: list[tuple[str, Make, Callable[[], Outcome], float]] = [
    ("ConnectError on unsafe POST", publish, lambda: httpx.ConnectError("refused"), 0.1),
    ("ConnectTimeout on unsafe POST", publish, lambda: httpx.ConnectTimeout("slow"), 0.1),
    ("PoolTimeout on unsafe POST", publish, lambda: httpx.PoolTimeout("busy"), 0.1),
    (
        "ReadTimeout on POST with dedup id",
        lambda: publish(**DEDUP),
        lambda: httpx.ReadTimeout("slow"),
        0.1,
    ),
    ("ReadError on GET", get, lambda: httpx.ReadError("reset"), 0.1),
    ("408 on GET", get, lambda: status(408), 0.1),
    ("520 on GET", get, lambda: status(520), 0.1),
    ("burst 429 on unsafe POST", publish, lambda: status(429), 0.1),
    (
        "burst 429 waits until Burst-RateLimit-Reset",
        lambda: get("/v2/events"),
        lambda: status(
            429, headers={"Burst-RateLimit-Limit": "1", "Burst-RateLimit-Reset": "1700000002"}
        ),
        2.0,
    ),
    ("Retry-After seconds", get, lambda: status(503, headers={"Retry-After": "3"}), 3.0),
    (
        "Retry-After date",
        get,
        lambda: status(503, headers={"Retry-After": "Tue, 14 Nov 2023 22:13:25 GMT"}),
        5.0,
    ),
    ("batch marked replay-safe by its builder", _batch, lambda: httpx.ReadTimeout("slow"), 0.1),
]


@pytest.mark.parametrize(
    ("case", "make", "first", "wait"), RETRIED_ONCE, ids=[row[0] for row in RETRIED_ONCE]
)
async def test_retried_once_then_succeeds(
    harness: Harness, case: str, make: Make, first: Callable[[], Outcome], wait: float
) -> None:
    script = Script(first(), status(200, json={"messageId": "msg_1"}))
    response = await harness.send(script, make())
    assert response.json() == {"messageId": "msg_1"}
    assert harness.sleeps == [pytest.approx(wait)]
    assert len(script.requests) == 2


async def test_every_attempt_sends_the_same_request(harness: Harness) -> None:
    script = Script(httpx.ConnectError("refused"), status(502), status(201))
    request = publish(**DEDUP)
    await harness.send(script, request)
    assert all(sent is request for sent in script.requests)
    assert len(script.seen) == 3
    first_headers, first_body = script.seen[0]
    assert first_headers["upstash-deduplication-id"] == "dedup-1"
    assert first_body == b'{"hello":"world"}'
    assert all(seen == script.seen[0] for seen in script.seen)


async def test_streamed_request_body_is_replayed(harness: Harness) -> None:
    request = httpx.Request("POST", PUBLISH, content=harness.stream([b"ab", b"cd"]), headers=DEDUP)
    script = Script(httpx.ReadError("reset"), status(200))
    await harness.send(script, request)
    assert [body for _, body in script.seen] == [b"abcd", b"abcd"]


async def test_a_streamed_success_is_returned_unread(harness: Harness) -> None:
    script = Script(status(200, content=harness.stream([b"first,", b"second"])))
    request = get()
    request.extensions["qstash.stream"] = True
    response = await harness.send(script, request, read=False)
    assert not response.is_closed
    assert not response.is_stream_consumed


async def test_a_success_body_is_read_under_the_retry_policy(harness: Harness) -> None:
    script = Script(status(200, content=harness.stream([b"first,", b"second"])))
    response = await harness.send(script, get(), read=False)
    assert response.is_stream_consumed
    assert response.content == b"first,second"


async def test_non_json_html_502_maps_cleanly(harness: Harness) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    script = Script(status(502, html=html))
    with pytest.raises(ServerError) as info:
        await harness.send(script, get(), RetryPolicy(max_retries=0))
    assert info.value.status == 502
    assert info.value.message == html
    assert info.value.body == html.encode()
    assert info.value.method == "GET"
    assert info.value.url == f"{BASE}/v2/messages/msg_1"


async def test_status_520_with_empty_body_maps_to_server_error(harness: Harness) -> None:
    script = Script(status(520))
    with pytest.raises(ServerError) as info:
        await harness.send(script, get(), RetryPolicy(max_retries=0))
    assert info.value.status == 520
    assert str(info.value).startswith("520")


async def test_corrupt_error_body_keeps_the_status(harness: Harness) -> None:
    # stream=: a content= body would be decoded (and fail) when the test builds it
    corrupt = httpx.Response(
        500, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(b"not gzip")
    )
    with pytest.raises(ServerError) as info:
        await harness.send(Script(corrupt), get(), RetryPolicy(max_retries=0))
    assert info.value.status == 500
    assert info.value.body == b""


async def test_programming_error_in_inner_transport_is_not_retried(harness: Harness) -> None:
    script = Script(KeyError("bug"), status(200))
    with pytest.raises(KeyError, match="bug"):
        await harness.send(script, get())
    assert len(script.requests) == 1
    assert harness.sleeps == []


async def test_transport_error_is_chained_and_described(harness: Harness) -> None:
    cause = httpx.ConnectError("[Errno 111] Connection refused")
    script = Script(*(cause for _ in range(6)))
    with pytest.raises(APIConnectionError) as info:
        await harness.send(script, publish())
    error = info.value
    assert type(error) is APIConnectionError
    assert error.__cause__ is cause
    assert error.attempts == 6
    assert (error.method, error.url) == ("POST", PUBLISH)
    assert str(error) == (
        f"POST {PUBLISH} failed after 6 attempts: ConnectError: [Errno 111] Connection refused"
    )


async def test_timeout_error_class(harness: Harness) -> None:
    script = Script(httpx.ReadTimeout(""))
    with pytest.raises(APITimeoutError) as info:
        await harness.send(script, publish())
    assert str(info.value) == f"POST {PUBLISH} failed: ReadTimeout"
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


async def test_each_retry_is_logged_at_info_without_query_or_headers(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="qstash")
    request = httpx.Request(
        "GET", f"{BASE}/v2/events?cursor=c1", headers={"Authorization": "Bearer secret-h"}
    )
    script = Script(status(503), httpx.ReadError("reset"), status(200))
    await harness.send(script, request)
    records = [r for r in caplog.records if r.name == "qstash"]
    assert [r.levelno for r in records] == [logging.INFO, logging.INFO]
    assert [r.getMessage() for r in records] == [
        "GET /v2/events: attempt 1/6 failed (503), retrying in 0.100 s",
        "GET /v2/events: attempt 2/6 failed (ReadError), retrying in 0.200 s",
    ]


# (id, outcomes, error): each plants the token where a careless transport would leak it
LEAKS: list[tuple[str, Outcomes, type[Exception]]] = [
    (
        "status errors",
        lambda: [
            status(503, text=f"upstream said {TOKEN}"),
            status(401, json={"error": f"invalid token {TOKEN}"}),
        ],
        UnauthorizedError,
    ),
    (
        "connection errors",
        lambda: [httpx.ConnectError(f"refused for {TOKEN}"), httpx.ReadError(f"reset {TOKEN}")],
        APIConnectionError,
    ),
]


@pytest.mark.parametrize(("case", "outcomes", "error"), LEAKS, ids=[row[0] for row in LEAKS])
async def test_token_is_redacted_from_errors_and_logs(
    harness: Harness,
    caplog: pytest.LogCaptureFixture,
    case: str,
    outcomes: Outcomes,
    error: type[Exception],
) -> None:
    caplog.set_level(logging.DEBUG, logger="qstash")
    request = httpx.Request(
        "GET",
        f"{BASE}/v2/{TOKEN}/messages?qstash_token={TOKEN}",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    with pytest.raises(error) as info:
        await harness.send(
            Script(*outcomes()), request, RetryPolicy(max_retries=1), secrets=("", TOKEN)
        )
    exc = info.value
    texts = [str(exc), repr(exc), str(getattr(exc, "url", ""))]
    if isinstance(exc, APIError):
        texts += [exc.message, exc.body.decode(), repr(dict(exc.headers))]
    assert "[REDACTED]" in texts[0]
    records = [r for r in caplog.records if r.name == "qstash"]
    assert [r.levelno for r in records] == [logging.INFO, logging.DEBUG]
    texts += [record.getMessage() for record in records]
    for text in texts:
        assert TOKEN not in text


async def test_caller_client_delivers_and_stays_open(harness: Harness) -> None:
    script = Script(status(503), status(200, json={"via": "caller"}))
    result = await harness.send_via_caller(script, f"{BASE}/v2/queues")
    assert result.response.json() == {"via": "caller"}
    assert result.hooked == 3  # two attempts through the caller, then the caller's own call
    assert harness.sleeps == [0.1]
    assert result.caller_closed is False
    assert result.caller_still_sends


async def test_caller_client_errors_are_typed(harness: Harness) -> None:
    script = Script(status(429, headers={"Burst-RateLimit-Reset": "1700000001"}), status(404))
    with pytest.raises(NotFoundError):
        await harness.send_via_caller(script, f"{BASE}/v2/queues/nope")
    assert harness.sleeps == [1.0]


def test_closing_the_transport_closes_the_inner_one() -> None:
    closed: list[str] = []

    class Inner(httpx.BaseTransport):
        def close(self) -> None:
            closed.append("sync")

    QStashTransport(Inner(), policy=RetryPolicy()).close()
    assert closed == ["sync"]


async def test_closing_the_async_transport_closes_the_inner_one() -> None:
    closed: list[str] = []

    class Inner(httpx.AsyncBaseTransport):
        async def aclose(self) -> None:
            closed.append("async")

    await AsyncQStashTransport(Inner(), policy=RetryPolicy()).aclose()
    assert closed == ["async"]


def test_repr_shows_no_secret() -> None:
    transport = QStashTransport(
        httpx.MockTransport(Script()), policy=RetryPolicy(), secrets=(TOKEN,)
    )
    assert TOKEN not in repr(transport)
    assert "RetryPolicy(max_retries=5" in repr(transport)


async def test_default_sleeps_accept_zero() -> None:
    # The async default goes through anyio, which must find the running event loop.
    from qstash._retry import async_sleep, sleep

    await async_sleep(0)
    sleep(0)


async def test_rate_limit_error_fields_after_retries(harness: Harness) -> None:
    headers = {"Burst-RateLimit-Limit": "5", "Burst-RateLimit-Remaining": "0"}
    script = Script(*(status(429, headers=headers) for _ in range(3)))
    with pytest.raises(RateLimitExceededError) as info:
        await harness.send(script, get(), RetryPolicy(max_retries=2))
    assert (info.value.limit, info.value.remaining, info.value.attempts) == (5, 0, 3)
    assert harness.sleeps == [0.1, 0.2]
