"""client.message.publish_many / publish_many_json: chunking, ordering, failures, concurrency,
deduplication; sync and async (one test body each where the flavours behave alike)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from qstash import (
    APIConnectionError,
    APIError,
    AsyncQStash,
    BadRequestError,
    BatchItemError,
    InvalidArgumentError,
    PayloadTooLargeError,
    QStash,
    QStashError,
    RateLimitExceededError,
    RetryPolicy,
    ServerError,
    UnauthorizedError,
)
from qstash._bulk import Failed, Published, plan_chunks
from qstash._publish import REPLAY_SAFE, SECRETS, batch_request
from qstash.chat import openai
from qstash.message import PublishResponse, PublishUrlGroupResponse
from tests.conftest import BASE_URL, TOKEN, Client, resolve

DEDUP = "upstash-deduplication-id"


def messages(count: int, **options: Any) -> list[Any]:
    """``count`` JSON messages whose bodies number them: ``{"n": 0}``, ``{"n": 1}``..."""
    return [{"url": "https://example.com/hook", "body": {"n": n}, **options} for n in range(count)]


def number(item: dict[str, Any]) -> int | None:
    """The ``n`` a batch item's body carries (None without a body)."""
    return json.loads(item["body"])["n"] if "body" in item else None


class FakeQStash:
    """Answers ``POST /v2/batch`` with one result per item, ``msg_<n>`` for body ``{"n": n}``.

    ``fail``: n -> status, for the whole request carrying that message. ``refuse``: the n of
    items answered with an error entry. ``max_bytes``: a longer request is refused with 413.
    A URL-group destination (no ``://``) gets two results.
    """

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.fail: dict[int, int] = {}
        self.refuse: set[int] = set()
        self.max_bytes: int | None = None
        self.accepted: list[int | None] = []  # the n of every item of every 200 answer
        self._lock = threading.Lock()  # the sync flavour calls from several threads

    def batches(self) -> list[list[dict[str, Any]]]:
        """Every request's items, in the order the requests arrived."""
        return [json.loads(request.content) for request in self.requests]

    def sizes(self) -> list[int]:
        """How many messages each request carried, in the order the requests arrived."""
        return [len(batch) for batch in self.batches()]

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self._lock:
            self.requests.append(request)
        assert (request.method, request.url.path) == ("POST", "/v2/batch")
        assert request.headers["content-type"] == "application/json"
        if self.max_bytes is not None and len(request.content) > self.max_bytes:
            return httpx.Response(413, text="Request Entity Too Large")
        items = json.loads(request.content)
        numbers = [number(item) for item in items]
        for n in numbers:
            if n in self.fail:
                return httpx.Response(self.fail[n], json={"error": f"failed at {n}"})
        answers: list[Any] = []
        for item, n in zip(items, numbers, strict=True):
            if n in self.refuse:
                answers.append({"error": f"refused {n}"})
            elif "://" not in item["destination"]:
                answers.append(
                    [
                        {"messageId": f"msg_{n}_a", "url": "https://a.example"},
                        {"messageId": f"msg_{n}_b", "url": "https://b.example"},
                    ]
                )
            else:
                answers.append({"messageId": f"msg_{n}"})
        with self._lock:
            self.accepted += numbers
        return httpx.Response(200, json=answers)


@pytest.fixture
def fake() -> FakeQStash:
    return FakeQStash()


@pytest.fixture
def build(flavour: str, fake: FakeQStash) -> Callable[..., Client]:
    """A client of the flavour whose requests go to ``fake`` (through ``transport=``)."""

    def make(**kwargs: Any) -> Client:
        kwargs.setdefault("retry", False)
        transport = httpx.MockTransport(kwargs.pop("handler", fake.handler))
        if flavour == "sync":
            return QStash(TOKEN, base_url=BASE_URL, transport=transport, **kwargs)
        return AsyncQStash(TOKEN, base_url=BASE_URL, transport=transport, **kwargs)

    return make


def ids(results: list[Any]) -> list[str]:
    return [result.result.message_id for result in results]


# -- chunking and order -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "chunk_size", "sizes"),
    [
        (1, 100, [1]),
        (100, 100, [100]),
        (101, 100, [100, 1]),
        (250, 100, [100, 100, 50]),
        (7, 3, [3, 3, 1]),
        (5, 1, [1, 1, 1, 1, 1]),
    ],
)
async def test_chunks_follow_the_input_order(
    build: Callable[..., Client], fake: FakeQStash, count: int, chunk_size: int, sizes: list[int]
) -> None:
    client = build()
    results = await resolve(
        client.message.publish_many_json(messages(count), chunk_size=chunk_size, max_in_flight=1)
    )
    batches = fake.batches()
    assert [len(batch) for batch in batches] == sizes
    assert [number(item) for batch in batches for item in batch] == list(range(count))
    assert ids(results) == [f"msg_{n}" for n in range(count)]
    assert all(isinstance(result, Published) and result.ok for result in results)


async def test_the_default_chunk_is_1000_messages(
    build: Callable[..., Client], fake: FakeQStash
) -> None:
    chunks = plan_chunks(
        messages(2500), json=True, chunk_size=1000, max_request_bytes=1_000_000, dedup_ids=None
    )
    assert [(chunk.start, chunk.count) for chunk in chunks] == [
        (0, 1000),
        (1000, 1000),
        (2000, 500),
    ]
    client = build()
    results = await resolve(client.message.publish_many_json(messages(2500), max_in_flight=1))
    assert fake.sizes() == [1000, 1000, 500]
    assert ids(results) == [f"msg_{n}" for n in range(2500)]


def test_chunks_stay_under_the_byte_cap_and_a_large_message_goes_alone() -> None:
    small = [{"url": "https://example.com/a", "body": "x" * 200} for _ in range(9)]
    large = {"url": "https://example.com/a", "body": "y" * 3000}
    items = [*small[:4], large, *small[4:]]
    chunks = plan_chunks(items, json=False, chunk_size=100, max_request_bytes=1000, dedup_ids=None)
    contents = [chunk.spec.content or b"" for chunk in chunks]
    one = len(json.dumps(json.loads(contents[0])[0], separators=(",", ":")))
    per_chunk = (1000 - 2 + 1) // (one + 1)  # items of `one` bytes, commas, brackets
    assert per_chunk == 3
    assert [(c.start, c.count) for c in chunks] == [(0, 3), (3, 1), (4, 1), (5, 3), (8, 2)]
    for chunk, content in zip(chunks, contents, strict=True):
        if chunk.start != 4:
            assert len(content) <= 1000
        # Greedy: the next message would not have fitted.
        following = chunk.start + chunk.count
        if following < len(items) and chunk.start != 4 and following != 4:
            assert len(content) + 1 + one > 1000
    assert json.loads(contents[2])[0]["body"] == "y" * 3000


async def test_results_come_back_in_input_order_with_requests_in_flight(
    build: Callable[..., Client],
) -> None:
    client = build()
    results = await resolve(
        client.message.publish_many_json(messages(1000), chunk_size=50, max_in_flight=4)
    )
    assert ids(results) == [f"msg_{n}" for n in range(1000)]


async def test_no_messages_no_request(build: Callable[..., Client], fake: FakeQStash) -> None:
    client = build()
    assert await resolve(client.message.publish_many([])) == []
    assert await resolve(client.message.publish_many_json(iter(()))) == []
    assert fake.requests == []


async def test_any_iterable_of_messages(build: Callable[..., Client]) -> None:
    client = build()
    generated: Iterator[Any] = (
        {"url": "https://example.com/hook", "body": {"n": n}} for n in range(3)
    )
    results = await resolve(client.message.publish_many_json(generated))
    assert ids(results) == ["msg_0", "msg_1", "msg_2"]


# -- failures stay with their own messages ------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_type", "retries", "attempts"),
    [(503, ServerError, 2, 3), (429, RateLimitExceededError, 0, 1), (401, UnauthorizedError, 2, 1)],
)
async def test_a_failed_request_fails_only_its_own_messages(
    build: Callable[..., Client],
    fake: FakeQStash,
    status: int,
    error_type: type[QStashError],
    retries: int,
    attempts: int,
) -> None:
    client = build(retry=RetryPolicy(max_retries=retries, initial_delay=0.0))
    fake.fail = {150: status}
    results = await resolve(
        client.message.publish_many_json(messages(300), chunk_size=100, max_in_flight=2)
    )

    assert len(results) == 300
    failed = results[100:200]
    assert all(isinstance(result, Failed) and not result.ok for result in failed)
    error = failed[0].error
    assert isinstance(error, error_type)
    assert isinstance(error, APIError)
    assert error.status == status
    assert error.attempts == attempts
    assert all(result.error is error for result in failed)  # one error, shared
    assert ids(results[:100] + results[200:]) == [
        f"msg_{n}" for n in [*range(100), *range(200, 300)]
    ]
    # The failing request was sent `attempts` times, byte for byte the same (same dedup ids).
    sent = [r.content for r in fake.requests if 150 in map(number, json.loads(r.content))]
    assert len(sent) == attempts
    assert len(set(sent)) == 1


async def test_refused_items_become_batch_item_errors(
    build: Callable[..., Client], fake: FakeQStash
) -> None:
    client = build()
    fake.refuse = {3, 250}
    results = await resolve(client.message.publish_many_json(messages(300)))
    for index in (3, 250):
        outcome = results[index]
        assert isinstance(outcome, Failed)
        assert isinstance(outcome.error, BatchItemError)
        assert outcome.error.index == index  # the position in the input, not in its batch
        assert outcome.error.message == f"refused {index}"
    others = [r for i, r in enumerate(results) if i not in (3, 250)]
    assert all(result.ok for result in others)
    assert len(others) == 298


async def test_a_connection_failure_fails_its_request_only(
    build: Callable[..., Client], fake: FakeQStash
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        if number(json.loads(request.content)[0]) == 0:
            raise httpx.ConnectError("connection refused")
        return fake.handler(request)

    client = build(handler=handler)
    results = await resolve(client.message.publish_many_json(messages(150), chunk_size=100))
    assert all(
        isinstance(r, Failed) and isinstance(r.error, APIConnectionError) for r in results[:100]
    )
    assert ids(results[100:]) == [f"msg_{n}" for n in range(100, 150)]


# -- a request refused as a whole is narrowed down to the messages it is about ------------------


def _published_once(fake: FakeQStash, results: list[Any], failed: set[int]) -> None:
    """Every message but ``failed`` is Published with its own id, and went out in exactly one
    request that QStash accepted."""
    assert [n for n, r in enumerate(results) if not r.ok] == sorted(failed)
    assert ids([r for n, r in enumerate(results) if n not in failed]) == [
        f"msg_{n}" for n in range(len(results)) if n not in failed
    ]
    assert sorted(n for n in fake.accepted if n is not None) == [
        n for n in range(len(results)) if n not in failed
    ]


async def test_a_400_for_one_bad_message_fails_that_message_alone(
    build: Callable[..., Client], fake: FakeQStash
) -> None:
    client = build()
    fake.fail = {737: 400}
    results = await resolve(client.message.publish_many_json(messages(1000)))
    error = results[737].error
    assert isinstance(error, BadRequestError)
    assert error.message == "failed at 737"
    _published_once(fake, results, {737})
    # Halving pins it down: the first request, then two per halving (at most 10 for 1,000).
    sizes = fake.sizes()
    assert sizes[:3] == [1000, 500, 500]
    assert 1 in sizes  # the bad message ended up alone
    assert len(sizes) <= 1 + 2 * 10


async def test_several_bad_messages_are_each_pinned_down(
    build: Callable[..., Client], fake: FakeQStash
) -> None:
    # Bad messages in both halves (and side by side): each fails alone, with its own error.
    client = build()
    bad = {10, 455, 900, 901}
    fake.fail = dict.fromkeys(bad, 400)
    results = await resolve(client.message.publish_many_json(messages(1000)))
    _published_once(fake, results, bad)
    for n in bad:
        error = results[n].error
        assert isinstance(error, BadRequestError)
        assert error.message == f"failed at {n}"
    assert len(fake.requests) <= 1 + 8 * (1000).bit_length()


@pytest.mark.parametrize("refusal", [400, 413])
async def test_a_refusal_every_message_shares_costs_a_bounded_number_of_requests(
    build: Callable[..., Client], fake: FakeQStash, refusal: int
) -> None:
    client = build()
    if refusal == 400:
        fake.fail = dict.fromkeys(range(1000), 400)
    else:
        fake.max_bytes = 10  # no request fits
    results = await resolve(client.message.publish_many_json(messages(1000)))
    error_type = BadRequestError if refusal == 400 else PayloadTooLargeError
    assert all(isinstance(r, Failed) and isinstance(r.error, error_type) for r in results)
    # The first request, then the budget of 8 * bit_length(1000) = 80, spent two at a time.
    assert len(fake.requests) == 1 + 80
    assert fake.accepted == []


async def test_a_413_is_split_until_every_request_fits(
    build: Callable[..., Client], fake: FakeQStash
) -> None:
    client = build()
    # The largest request QStash takes here: one of 120 messages.
    [fits] = plan_chunks(
        messages(120), json=True, chunk_size=1000, max_request_bytes=10**6, dedup_ids=None
    )
    fake.max_bytes = len(fits.spec.content or b"")
    results = await resolve(client.message.publish_many_json(messages(1000), max_in_flight=1))
    _published_once(fake, results, set())
    refused = [len(r.content) for r in fake.requests if len(r.content) > fake.max_bytes]
    assert fake.sizes()[:4] == [1000, 500, 250, 125]  # depth first
    # Halved only while too large: 1,000 -> 500 -> 250 -> 125 -> 62 and 63, which fit.
    assert min(fake.sizes()) == 62
    # 1 + 2 + 4 + 8 refused requests, then the 16 that fit.
    assert len(refused) == 15
    assert len(fake.requests) == 31


async def test_a_message_too_large_on_its_own_fails_alone(
    build: Callable[..., Client], fake: FakeQStash
) -> None:
    client = build()
    fake.max_bytes = 2000
    items = messages(8)
    items[5]["body"] = {"n": 5, "padding": "x" * 3000}
    results = await resolve(client.message.publish_many_json(items))
    error = results[5].error
    assert isinstance(error, PayloadTooLargeError)
    assert error.status == 413
    assert all(r.ok for n, r in enumerate(results) if n != 5)
    assert ids([r for n, r in enumerate(results) if n != 5]) == [
        f"msg_{n}" for n in range(8) if n != 5
    ]


async def test_narrowing_keeps_every_dedup_id(
    build: Callable[..., Client], fake: FakeQStash
) -> None:
    # A message resent in a smaller request carries the id it had in the refused one.
    client = build(retry=RetryPolicy(max_retries=1, initial_delay=0.0))
    fake.fail = {3: 400}
    await resolve(client.message.publish_many_json(messages(8)))
    ids_by_number: dict[int | None, set[str]] = {}
    for batch in fake.batches():
        for item in batch:
            ids_by_number.setdefault(number(item), set()).add(
                item["headers"]["Upstash-Deduplication-Id"]
            )
    assert all(len(seen) == 1 for seen in ids_by_number.values())
    assert len({next(iter(seen)) for seen in ids_by_number.values()}) == 8


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b'[{"messageId":"msg_0"}]', "QStash answered a batch of 2 messages with 1 results"),
        (b"<html>oops</html>", "QStash answered with a body that is not JSON"),
        (b'{"messageId":"msg_0"}', "QStash answered a batch with something other than a list"),
    ],
)
async def test_an_unreadable_answer_fails_its_request(
    build: Callable[..., Client], answer: bytes, message: str
) -> None:
    client = build(handler=lambda request: httpx.Response(200, content=answer))
    results = await resolve(client.message.publish_many_json(messages(2)))
    assert [type(r) for r in results] == [Failed, Failed]
    assert str(results[0].error) == message


async def test_a_bug_is_raised_not_reported_per_message(build: Callable[..., Client]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("a bug, not the network")

    client = build(handler=handler)
    with pytest.raises(RuntimeError, match="a bug"):  # itself, not an exception group
        await resolve(client.message.publish_many_json(messages(30), chunk_size=5, max_in_flight=3))


# -- destinations, bodies and the wire --------------------------------------------------------


async def test_url_groups_queues_and_raw_bodies(
    build: Callable[..., Client], fake: FakeQStash
) -> None:
    client = build()
    results = await resolve(
        client.message.publish_many(
            [
                {"url": "https://example.com/a", "body": '{"n": 0}'},
                {"url_group": "my-group", "body": b'{"n": 1}'},
                {"url": "https://example.com/b", "queue": "emails", "body": '{"n": 2}'},
                {"url": "https://example.com/c", "delay": 10},
            ]
        )
    )
    assert results[0] == Published(PublishResponse("msg_0"))
    assert results[1] == Published(
        [
            PublishUrlGroupResponse("msg_1_a", "https://a.example"),
            PublishUrlGroupResponse("msg_1_b", "https://b.example"),
        ]
    )
    assert results[3] == Published(PublishResponse("msg_None"))
    [items] = fake.batches()
    assert items == [
        {"destination": "https://example.com/a", "headers": {}, "body": '{"n": 0}'},
        {"destination": "my-group", "headers": {}, "body": '{"n": 1}'},
        {
            "destination": "https://example.com/b",
            "headers": {},
            "body": '{"n": 2}',
            "queue": "emails",
        },
        {"destination": "https://example.com/c", "headers": {"Upstash-Delay": "10s"}},
    ]


async def test_json_bodies_and_options_on_the_wire(
    build: Callable[..., Client], fake: FakeQStash
) -> None:
    client = build()
    await resolve(
        client.message.publish_many_json(
            [
                {"url": "https://example.com/a?x=1", "body": {"n": 0, "é": "ü"}, "retries": 2},
                {"url": "https://example.com/a?x=1", "body": {"n": 1}, "retries": 2},
            ]
        )
    )
    [items] = fake.batches()
    assert items == [
        {
            "destination": "https://example.com/a?x=1",
            "headers": {"Content-Type": "application/json", "Upstash-Retries": "2"},
            "body": '{"n":0,"é":"ü"}',
        },
        {
            "destination": "https://example.com/a?x=1",
            "headers": {"Content-Type": "application/json", "Upstash-Retries": "2"},
            "body": '{"n":1}',
        },
    ]


OPTION_MIXES: list[dict[str, Any]] = [
    {"url": "https://example.com/x", "body": {"a": 1, "é": "ü"}},
    {"url": "https://example.com/x?q=1&b=2", "body": "text"},
    {"url_group": "group", "delay": 10, "retries": 3},
    {
        "url": "https://example.com/y",
        "queue": "q1",
        "headers": {"X-A": "1"},
        "callback": "https://cb.example",
    },
    {"url": "https://example.com/y", "deduplication_id": "mine", "body": [1, 2]},
    {"url": "https://example.com/y", "content_based_deduplication": True, "body": {"x": None}},
    {
        "url": "https://example.com/z",
        "label": ["a", "b"],
        "flow_control": {"key": "k", "parallelism": 2},
        "delay": timedelta(minutes=5),
    },
    {"api": {"name": "llm", "provider": openai("sk-canary")}, "body": {"model": "m"}},
    {"url": "https://example.com/x", "body": {"a": 1, "é": "ü"}},
]


def _raw(message: dict[str, Any]) -> dict[str, Any]:
    body = message.get("body")
    if body is None or isinstance(body, str):
        return message
    return {**message, "body": json.dumps(body).encode()}


@pytest.mark.parametrize("json_bodies", [True, False])
@pytest.mark.parametrize("dedup", [True, False])
def test_requests_are_what_batch_sends(json_bodies: bool, dedup: bool) -> None:
    items = OPTION_MIXES if json_bodies else [_raw(m) for m in OPTION_MIXES]
    # batch_request asks for one id per message lacking deduplication; bulk derives them.
    own = {4, 5}
    expected = iter([f"base-{i}" for i in range(len(items)) if i not in own])
    reference = batch_request(
        items, json=json_bodies, dedup_ids=(lambda: next(expected)) if dedup else None
    )
    [chunk] = plan_chunks(
        items,
        json=json_bodies,
        chunk_size=100,
        max_request_bytes=1_000_000,
        dedup_ids=(lambda: "base") if dedup else None,
    )
    assert chunk.spec.content == reference.content
    assert chunk.spec.headers == reference.headers
    assert chunk.spec.extensions == reference.extensions
    assert chunk.spec.extensions[SECRETS] == ("sk-canary",)
    assert chunk.spec.extensions[REPLAY_SAFE] is dedup


async def test_a_secret_in_an_error_body_is_redacted(build: Callable[..., Client]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": "bad key sk-canary"})

    client = build(handler=handler)
    results = await resolve(
        client.message.publish_many_json(
            [{"api": {"name": "llm", "provider": openai("sk-canary")}, "body": {"model": "m"}}]
        )
    )
    assert "sk-canary" not in str(results[0].error)
    assert "[REDACTED]" in str(results[0].error)


# -- deduplication ids -------------------------------------------------------------------------


async def test_every_message_carries_a_dedup_id_when_retries_are_on(
    build: Callable[..., Client], fake: FakeQStash
) -> None:
    client = build(retry=RetryPolicy(initial_delay=0.0), id_factory=lambda: "call-1")
    items = messages(250)
    items[7] = {**items[7], "deduplication_id": "mine"}
    items[8] = {**items[8], "content_based_deduplication": True}
    await resolve(client.message.publish_many_json(items))
    headers = [item["headers"] for batch in fake.batches() for item in batch]
    assert headers[7]["Upstash-Deduplication-Id"] == "mine"
    assert "Upstash-Deduplication-Id" not in headers[8]
    derived = [h["Upstash-Deduplication-Id"] for i, h in enumerate(headers) if i not in (7, 8)]
    assert derived == [f"call-1-{i}" for i in range(250) if i not in (7, 8)]
    assert all(r.extensions[REPLAY_SAFE] is True for r in fake.requests)


async def test_no_dedup_ids_without_retries(build: Callable[..., Client], fake: FakeQStash) -> None:
    client = build(retry=False)
    await resolve(client.message.publish_many_json(messages(3)))
    [items] = fake.batches()
    assert all(DEDUP not in {k.lower() for k in item["headers"]} for item in items)


# -- bad input: refused before anything is sent ------------------------------------------------


def _with(index: int, **changes: Any) -> list[Any]:
    items: list[Any] = messages(300)
    items[index] = {**items[index], **changes}
    return items


def _replaced(index: int, value: Any) -> list[Any]:
    items: list[Any] = messages(300)
    items[index] = value
    return items


def _without_destination(index: int) -> list[Any]:
    items: list[Any] = messages(300)
    items[index] = {"body": {"n": index}}
    return items


@pytest.mark.parametrize(
    ("items", "argument"),
    [
        (_with(250, delay="soon"), "messages[250].delay"),
        (_with(3, colour="red"), "messages[3].colour"),
        (_replaced(5, "not a dict"), "messages[5]"),
        (_without_destination(7), "messages[7]"),
        (_with(2, body=object()), "messages[2].body"),
        (_with(2, body={"nan": float("nan")}), "messages[2].body"),
        # Same options but for the type: 1 is accepted, True is not; the check is not skipped.
        ([*messages(1, retries=1), *messages(1, retries=True)], "messages[1].retries"),
        (_with(299, url="ftp://example.com"), "messages[299].url"),
    ],
)
async def test_a_bad_message_is_refused_before_anything_is_sent(
    build: Callable[..., Client], fake: FakeQStash, items: list[Any], argument: str
) -> None:
    client = build()
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(client.message.publish_many_json(items))
    assert info.value.argument == argument
    assert fake.requests == []


@pytest.mark.parametrize(
    ("body", "argument"),
    [(b"\xff\xfe", "messages[1].body"), (12, "messages[1].body"), ("\ud800", "messages[1]")],
)
async def test_a_bad_raw_body_is_refused(
    build: Callable[..., Client], fake: FakeQStash, body: Any, argument: str
) -> None:
    client = build()
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(
            client.message.publish_many(
                [
                    {"url": "https://example.com/a", "body": "fine"},
                    {"url": "https://a.b/c", "body": body},
                ]
            )
        )
    assert info.value.argument == argument
    assert fake.requests == []


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        ({"messages": 42}, "messages"),
        ({"messages": {"url": "https://example.com"}}, "messages"),
        ({"messages": "https://example.com"}, "messages"),
        ({"messages": [], "chunk_size": 0}, "chunk_size"),
        ({"messages": [], "max_in_flight": 0}, "max_in_flight"),
        ({"messages": [], "max_request_bytes": True}, "max_request_bytes"),
        ({"messages": [], "chunk_size": 1.5}, "chunk_size"),
    ],
)
async def test_bad_arguments_are_refused(
    build: Callable[..., Client], fake: FakeQStash, call: dict[str, Any], argument: str
) -> None:
    client = build()
    with pytest.raises(InvalidArgumentError) as info:
        await resolve(client.message.publish_many_json(**call))
    assert info.value.argument == argument
    assert fake.requests == []


# -- bounded concurrency -----------------------------------------------------------------------


class InFlight:
    """Counts the requests being handled at once; the first ``limit`` wait for each other,
    so reaching the limit is proven, not left to scheduling luck."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0
        self.peak = 0
        self.seen = 0


async def test_max_in_flight_bounds_async_requests(fake: FakeQStash) -> None:
    counter = InFlight(3)
    full = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        counter.active += 1
        counter.seen += 1
        counter.peak = max(counter.peak, counter.active)
        if counter.seen <= counter.limit:
            if counter.active == counter.limit:
                full.set()
            await asyncio.wait_for(full.wait(), timeout=5)
        counter.active -= 1
        return fake.handler(request)

    client = AsyncQStash(
        TOKEN, base_url=BASE_URL, retry=False, transport=httpx.MockTransport(handler)
    )
    results = await client.message.publish_many_json(messages(90), chunk_size=10, max_in_flight=3)
    assert ids(results) == [f"msg_{n}" for n in range(90)]
    assert counter.peak == 3
    assert len(fake.requests) == 9


def test_max_in_flight_bounds_sync_requests(fake: FakeQStash) -> None:
    counter = InFlight(3)
    lock = threading.Lock()
    barrier = threading.Barrier(counter.limit, timeout=10)

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            counter.active += 1
            counter.seen += 1
            first = counter.seen <= counter.limit
            counter.peak = max(counter.peak, counter.active)
        if first:
            barrier.wait()  # all three at once, or a BrokenBarrierError fails the test
        with lock:
            counter.active -= 1
        return fake.handler(request)

    client = QStash(TOKEN, base_url=BASE_URL, retry=False, transport=httpx.MockTransport(handler))
    results = client.message.publish_many_json(messages(90), chunk_size=10, max_in_flight=3)
    assert ids(results) == [f"msg_{n}" for n in range(90)]
    assert counter.peak == 3
    assert len(fake.requests) == 9
    assert not [thread for thread in threading.enumerate() if thread.name == "qstash-worker"]


# -- the result types ---------------------------------------------------------------------------


def test_results_tell_success_from_failure() -> None:
    published = Published(PublishResponse("msg_1"))
    failed = Failed(BatchItemError(4, "invalid destination"))
    assert (published.ok, published.error) == (True, None)
    assert (failed.ok, failed.result) == (False, None)
    assert repr(published) == (
        "Published(result=PublishResponse(message_id='msg_1', deduplicated=False, url=None))"
    )
    assert "invalid destination" in repr(failed)
    outcomes: list[Published | Failed] = [published, failed]
    ok = [outcome.result for outcome in outcomes if outcome.ok]
    assert ok == [PublishResponse("msg_1")]


def test_the_sync_twin_has_the_bulk_methods() -> None:
    import inspect

    from qstash._async.message import AsyncMessageApi
    from qstash._sync.message import MessageApi

    for name in ("publish_many", "publish_many_json"):
        sync, async_ = getattr(MessageApi, name), getattr(AsyncMessageApi, name)
        assert inspect.signature(sync) == inspect.signature(async_)
        assert inspect.iscoroutinefunction(async_)
        assert not inspect.iscoroutinefunction(sync)
