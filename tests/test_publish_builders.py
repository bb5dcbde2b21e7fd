from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest

from qstash import chat
from qstash._publish import (
    REPLAY_SAFE,
    SECRETS,
    RequestSpec,
    batch_request,
    enqueue_request,
    publish_request,
    schedule_headers,
    schedule_request,
)
from qstash.errors import InvalidArgumentError

JSON = {"Content-Type": "application/json"}
SAFE: dict[str, object] = {REPLAY_SAFE: True}
UNSAFE: dict[str, object] = {REPLAY_SAFE: False}


def ids(*values: str) -> Callable[[], str]:
    return iter(values).__next__


def counter() -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"id-{next(numbers)}"


# --- publish / publish_json -------------------------------------------------------------


def test_publish_raw_destination_with_query_string() -> None:
    spec = publish_request(
        {"url": "https://example.com/hook?a=1&b=%20x", "body": "hello", "retries": 2},
        json=False,
    )
    assert spec == RequestSpec(
        "POST",
        "/v2/publish/https://example.com/hook?a=1&b=%20x",
        {"Upstash-Retries": "2"},
        b"hello",
        UNSAFE,
    )


@pytest.mark.parametrize(
    ("body", "content"),
    [
        ("héllo", "héllo".encode()),
        (b"\x00\xff raw", b"\x00\xff raw"),
        (bytearray(b"ba"), b"ba"),
        (None, None),
        ("", b""),
    ],
)
def test_publish_bodies(body: object, content: bytes | None) -> None:
    spec = publish_request({"url": "https://e.example", "body": body}, json=False)
    assert spec.content == content
    assert spec.headers == {}


def test_publish_refuses_non_text_body() -> None:
    with pytest.raises(InvalidArgumentError, match="use the \\*_json variant") as info:
        publish_request({"url": "https://e.example", "body": {"a": 1}}, json=False)
    assert info.value.argument == "body"


def test_publish_content_type() -> None:
    spec = publish_request(
        {"url": "https://e.example", "body": "a,b", "content_type": "text/csv"}, json=False
    )
    assert spec.headers == {"Content-Type": "text/csv"}


@pytest.mark.parametrize(
    ("body", "content"),
    [
        ({"b": [1, 2], "a": "x y"}, b'{"b":[1,2],"a":"x y"}'),
        ("text", b'"text"'),
        (0, b"0"),
        (False, b"false"),
        ([], b"[]"),
        ({"k": "é€"}, '{"k":"é€"}'.encode()),
        (None, None),  # no body at all, not the text "null"
    ],
)
def test_publish_json_bodies(body: object, content: bytes | None) -> None:
    spec = publish_request({"url": "https://e.example", "body": body}, json=True)
    assert spec == RequestSpec("POST", "/v2/publish/https://e.example", JSON, content, UNSAFE)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"when": object()}, "object"),
        ({1j}, "set"),
        (float("nan"), "JSON"),
        ("\ud800", "UTF-8"),
    ],
)
def test_publish_json_refuses_unserialisable(body: object, fragment: str) -> None:
    with pytest.raises(InvalidArgumentError, match=fragment) as info:
        publish_request({"url": "https://e.example", "body": body}, json=True)
    assert info.value.argument == "body"


def test_publish_to_url_group() -> None:
    spec = publish_request({"url_group": "team.a-1", "body": "x"}, json=False)
    assert spec == RequestSpec("POST", "/v2/publish/team.a-1", {}, b"x", UNSAFE)


def test_publish_all_options_at_once() -> None:
    spec = publish_request(
        {
            "url": "https://e.example/x",
            "body": {"a": 1},
            "method": "put",
            "headers": {"X-Trace": "t", "Content-Type": "text/plain"},
            "callback": "https://e.example/cb",
            "callback_headers": {"X-Cb": "c"},
            "retries": 1,
            "retry_delay": "1000 * retried",
            "delay": "10s",
            "timeout": 5,
            "label": ["l1", "l2"],
            "deduplication_id": "mine",
        },
        json=True,
        dedup_id="ours",
    )
    assert spec == RequestSpec(
        "POST",
        "/v2/publish/https://e.example/x",
        {
            "Content-Type": "application/json",
            "Upstash-Method": "PUT",
            "Upstash-Callback": "https://e.example/cb",
            "Upstash-Retries": "1",
            "Upstash-Retry-Delay": "1000 * retried",
            "Upstash-Delay": "10s",
            "Upstash-Timeout": "5s",
            "Upstash-Label": "l1,l2",
            "Upstash-Deduplication-Id": "mine",
            "Upstash-Callback-Forward-X-Cb": "c",
            "Upstash-Forward-X-Trace": "t",
        },
        b'{"a":1}',
        SAFE,
    )


# --- deduplication and replay safety ----------------------------------------------------


@pytest.mark.parametrize(
    ("options", "dedup_id", "headers", "safe"),
    [
        ({}, "gen-1", {"Upstash-Deduplication-Id": "gen-1"}, True),
        ({}, None, {}, False),
        ({"deduplication_id": "mine"}, "gen-1", {"Upstash-Deduplication-Id": "mine"}, True),
        ({"deduplication_id": "mine"}, None, {"Upstash-Deduplication-Id": "mine"}, True),
        (
            {"content_based_deduplication": True},
            "gen-1",
            {"Upstash-Content-Based-Deduplication": "true"},
            True,
        ),
        (
            {"content_based_deduplication": False},
            "gen-1",
            {"Upstash-Deduplication-Id": "gen-1"},
            True,
        ),
        (
            {"headers": {"upstash-deduplication-id": "raw"}},
            "gen-1",
            {"upstash-deduplication-id": "raw"},
            True,
        ),
    ],
)
def test_dedup_id(
    options: dict[str, Any], dedup_id: str | None, headers: dict[str, str], safe: bool
) -> None:
    spec = publish_request({"url": "https://e.example", **options}, json=False, dedup_id=dedup_id)
    assert spec.headers == headers
    assert spec.extensions == {REPLAY_SAFE: safe}
    spec = enqueue_request(
        {"url": "https://e.example", "queue": "q", **options}, json=False, dedup_id=dedup_id
    )
    assert spec.headers == headers
    assert spec.extensions == {REPLAY_SAFE: safe}


# --- enqueue ---------------------------------------------------------------------------


def test_enqueue_path_and_full_option_set() -> None:
    spec = enqueue_request(
        {
            "queue": "jobs.v1",
            "url": "https://e.example/x?y=1",
            "body": {"n": 1},
            "delay": 30,
            "not_before": 1_700_000_000,
            "flow_control": {"key": "k", "parallelism": 1},
        },
        json=True,
    )
    assert spec == RequestSpec(
        "POST",
        "/v2/enqueue/jobs.v1/https://e.example/x?y=1",
        {
            "Content-Type": "application/json",
            "Upstash-Delay": "30s",
            "Upstash-Not-Before": "1700000000",
            "Upstash-Flow-Control-Key": "k",
            "Upstash-Flow-Control-Value": "parallelism=1",
        },
        b'{"n":1}',
        UNSAFE,
    )


@pytest.mark.parametrize(
    ("queue", "fragment"), [(None, "needs a queue"), ("bad queue", "only letters"), ("", "empty")]
)
def test_enqueue_queue_validation(queue: object, fragment: str) -> None:
    with pytest.raises(InvalidArgumentError, match=fragment) as info:
        enqueue_request({"queue": queue, "url": "https://e.example"}, json=False)
    assert info.value.argument == "queue"


# --- destinations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "got"),
    [
        ({}, "none"),
        ({"url": None, "url_group": None}, "none"),
        ({"url": "https://e.example", "url_group": "g"}, "url and url_group"),
        (
            {"url": "https://e.example", "url_group": "g", "api": {"name": "llm"}},
            "url and url_group and api",
        ),
    ],
)
def test_exactly_one_destination(options: dict[str, Any], got: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        publish_request(options, json=False)
    assert info.value.argument == "url/url_group/api"
    assert "exactly one of url, url_group or api" in str(info.value)
    assert f"(got {got})" in str(info.value)


@pytest.mark.parametrize(
    ("options", "argument"),
    [
        ({"url": "e.example/x"}, "url"),
        ({"url": "ftp://e.example"}, "url"),
        ({"url_group": "https://e.example"}, "url_group"),
        ({"url_group": "a b"}, "url_group"),
        ({"api": "llm"}, "api"),
        ({"api": {"name": "email", "provider": chat.upstash()}}, "api"),
        ({"api": {"name": "llm"}}, "api.provider"),
        ({"api": {"name": "llm", "provider": "openai"}}, "api.provider"),
    ],
)
def test_bad_destination_values(options: dict[str, Any], argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        publish_request(options, json=True)
    assert info.value.argument == argument


# --- LLM providers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "path", "forwarded"),
    [
        (
            chat.openai("sk-1"),
            "/v2/publish/https://api.openai.com/v1/chat/completions",
            {"Upstash-Forward-Authorization": "Bearer sk-1"},
        ),
        (
            chat.openai("sk-1", organization="org-9"),
            "/v2/publish/https://api.openai.com/v1/chat/completions",
            {
                "Upstash-Forward-Authorization": "Bearer sk-1",
                "Upstash-Forward-OpenAI-Organization": "org-9",
            },
        ),
        (
            chat.anthropic("ak-1"),
            "/v2/publish/https://api.anthropic.com/v1/messages",
            {
                "Upstash-Forward-x-api-key": "ak-1",
                "Upstash-Forward-anthropic-version": "2023-06-01",
            },
        ),
        (
            chat.anthropic("ak-1", version="2024-01-01"),
            "/v2/publish/https://api.anthropic.com/v1/messages",
            {
                "Upstash-Forward-x-api-key": "ak-1",
                "Upstash-Forward-anthropic-version": "2024-01-01",
            },
        ),
        (
            chat.custom("https://llm.example/v1/chat/completions", "ck"),
            "/v2/publish/https://llm.example/v1/chat/completions",
            {"Upstash-Forward-Authorization": "Bearer ck"},
        ),
        (chat.upstash(), "/v2/publish/api/llm", {}),
    ],
)
def test_llm_api_destinations(
    provider: chat.LlmProvider, path: str, forwarded: dict[str, str]
) -> None:
    user_headers = {"X-A": "1"}
    options: dict[str, Any] = {
        "api": {"name": "llm", "provider": provider},
        "body": {"model": "m", "messages": []},
        "headers": user_headers,
        "callback": "https://cb.example",
    }
    before = copy.deepcopy(options)
    spec = publish_request(options, json=True)
    assert spec == RequestSpec(
        "POST",
        path,
        {
            "Content-Type": "application/json",
            "Upstash-Callback": "https://cb.example",
            **forwarded,
            "Upstash-Forward-X-A": "1",
        },
        b'{"model":"m","messages":[]}',
        {**UNSAFE, SECRETS: (provider.token,)} if provider.token else UNSAFE,
    )
    assert options == before  # the caller's headers gained no Authorization
    assert user_headers == {"X-A": "1"}


@pytest.mark.parametrize(
    ("base_url", "destination"),
    [
        ("https://llm.example", "https://llm.example/v1/chat/completions"),
        ("https://llm.example/", "https://llm.example/v1/chat/completions"),
        ("https://llm.example/v1", "https://llm.example/v1/chat/completions"),
        ("https://llm.example/v1/", "https://llm.example/v1/chat/completions"),
        ("https://llm.example/chat/completions", "https://llm.example/v1/chat/completions"),
        ("https://llm.example/v1/chat/completions", "https://llm.example/v1/chat/completions"),
        ("https://llm.example/openai", "https://llm.example/openai/v1/chat/completions"),
        ("https://v1", "https://v1/v1/chat/completions"),
    ],
)
def test_custom_provider_base_url(base_url: str, destination: str) -> None:
    assert chat.custom(base_url, "t").destination == destination


@pytest.mark.parametrize(
    ("factory", "argument"),
    [
        (lambda: chat.openai(""), "token"),
        (lambda: chat.openai("sk\nx"), "token"),
        (lambda: chat.anthropic(" "), "token"),
        (lambda: chat.custom("llm.example", "t"), "base_url"),
        (lambda: chat.custom("https://llm.example", ""), "token"),
        (lambda: chat.openai("sk", organization=""), "organization"),
    ],
)
def test_provider_validation(factory: Callable[[], object], argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        factory()
    assert info.value.argument == argument


def test_provider_token_stays_secret() -> None:
    secret = "sk-CANARY-123"
    for provider in (
        chat.openai(secret, organization="org"),
        chat.anthropic(secret),
        chat.custom("https://x.example", secret),
    ):
        assert secret not in repr(provider)
        assert secret not in str(provider)
        spec = publish_request({"api": {"name": "llm", "provider": provider}}, json=True)
        assert secret not in repr(spec)
    with pytest.raises(InvalidArgumentError) as info:
        chat.openai(secret + "\n")
    assert secret not in str(info.value)


# --- batch -----------------------------------------------------------------------------


def test_batch_mixed_items() -> None:
    spec = batch_request(
        [
            {"url": "https://e.example/a?x=1", "body": "one", "retry_delay": "1000"},
            {"url_group": "g", "body": b"two", "queue": "q1", "deduplication_id": "own"},
            {"api": {"name": "llm", "provider": chat.openai("k")}, "body": None},
        ],
        json=False,
        dedup_ids=ids("gen-1", "gen-2"),
    )
    assert spec.method == "POST"
    assert spec.path == "/v2/batch"
    assert spec.headers == JSON
    assert spec.extensions == {**SAFE, SECRETS: ("k",)}
    assert spec.content is not None
    assert json.loads(spec.content) == [
        {
            "destination": "https://e.example/a?x=1",
            "headers": {"Upstash-Retry-Delay": "1000", "Upstash-Deduplication-Id": "gen-1"},
            "body": "one",
        },
        {
            "destination": "g",
            "headers": {"Upstash-Deduplication-Id": "own"},
            "body": "two",
            "queue": "q1",
        },
        {
            "destination": "https://api.openai.com/v1/chat/completions",
            "headers": {
                "Upstash-Forward-Authorization": "Bearer k",
                "Upstash-Deduplication-Id": "gen-2",
            },
        },
    ]


def test_batch_json_is_compact_and_keeps_retry_delay() -> None:
    spec = batch_request(
        [{"url": "https://e.example", "body": {"a": [1, 2]}, "retry_delay": "pow(2, retried)"}],
        json=True,
    )
    assert spec == RequestSpec(
        "POST",
        "/v2/batch",
        JSON,
        b'[{"destination":"https://e.example","headers":{"Content-Type":"application/json",'
        b'"Upstash-Retry-Delay":"pow(2, retried)"},"body":"{\\"a\\":[1,2]}"}]',
        UNSAFE,
    )


def test_batch_json_none_body_is_omitted() -> None:
    spec = batch_request([{"url": "https://e.example", "body": None}], json=True)
    assert spec.content is not None
    assert json.loads(spec.content) == [
        {"destination": "https://e.example", "headers": {"Content-Type": "application/json"}}
    ]


def test_batch_replay_safe_only_when_every_item_is_deduplicated() -> None:
    items: list[dict[str, Any]] = [
        {"url": "https://e.example", "deduplication_id": "a"},
        {"url": "https://e.example"},
    ]
    assert batch_request(items, json=False).extensions == UNSAFE
    assert batch_request(items, json=False, dedup_ids=counter()).extensions == SAFE
    items[1]["content_based_deduplication"] = True
    assert batch_request(items, json=False).extensions == SAFE


def test_batch_does_not_mutate_items() -> None:
    items: list[dict[str, Any]] = [
        {"url": "https://e.example", "headers": {"X": "1"}, "flow_control": {"key": "k", "rate": 1}}
    ]
    before = copy.deepcopy(items)
    batch_request(items, json=True, dedup_ids=counter())
    assert items == before


@pytest.mark.parametrize(
    ("messages", "argument", "fragment"),
    [
        ([], "messages", "must not be empty"),
        ({"url": "https://e.example"}, "messages", "list of dicts"),
        ("https://e.example", "messages", "list of dicts"),
        ([{"url": "https://e.example"}, "x"], "messages[1]", "must be a dict"),
        (
            [{"url": "https://e.example"}, {}, {"url": "https://e.example"}],
            "messages[1]",
            "got none",
        ),
        (
            [
                {"url": "https://e.example"},
                {"url": "https://e.example"},
                {"url": "u", "url_group": "g"},
            ],
            "messages[2]",
            "url and url_group",
        ),
        ([{"url": "nope"}], "messages[0].url", "http:// or https://"),
        ([{"url_group": "g", "delay": "soon"}], "messages[0].delay", "messages[0]: delay"),
        ([{"url_group": "g", "queue": "a b"}], "messages[0].queue", "only letters"),
        ([{"url_group": "g", "body": b"\xff\xfe"}], "messages[0].body", "not UTF-8"),
        ([{"url_group": "g", "body": 5}], "messages[0].body", "str or bytes"),
        ([{"url_group": "g", "cron": "* * * * *"}], "messages[0].cron", "batch messages"),
        ([{"url_group": "g", "headers": {"A": "\n"}}], "messages[0].headers['A']", "line breaks"),
        (
            [{"url_group": "g", "flow_control": {"key": "k"}}],
            "messages[0].flow_control",
            "at least",
        ),
    ],
)
def test_batch_refusals(messages: Any, argument: str, fragment: str) -> None:
    calls: list[str] = []

    def factory() -> str:
        calls.append("x")
        return "x"

    with pytest.raises(InvalidArgumentError) as info:
        batch_request(messages, json=False, dedup_ids=factory)
    assert info.value.argument == argument
    assert fragment in str(info.value)
    assert calls == []  # nothing was built before every item was validated


def test_batch_json_refuses_unserialisable_item_body() -> None:
    with pytest.raises(InvalidArgumentError, match="messages\\[0\\]: body") as info:
        batch_request([{"url_group": "g", "body": {1, 2}}], json=True)
    assert info.value.argument == "messages[0].body"


# --- schedules -------------------------------------------------------------------------


def test_schedule_request() -> None:
    spec = schedule_request(
        {
            "destination": "https://e.example/job?x=1",
            "cron": "CRON_TZ=Europe/Berlin 0 4 * * *",
            "schedule_id": "nightly",
            "queue": "jobs",
            "body": "run",
            "content_type": "text/plain",
            "delay": 60,
            "retries": 2,
        },
        json=False,
    )
    assert spec == RequestSpec(
        "POST",
        "/v2/schedules/https://e.example/job?x=1",
        {
            "Upstash-Cron": "CRON_TZ=Europe/Berlin 0 4 * * *",
            "Upstash-Schedule-Id": "nightly",
            "Upstash-Queue-Name": "jobs",
            "Content-Type": "text/plain",
            "Upstash-Delay": "60s",
            "Upstash-Retries": "2",
        },
        b"run",
        SAFE,
    )


def test_schedule_json_to_url_group() -> None:
    spec = schedule_request({"destination": "group", "cron": "* * * * *", "body": [1]}, json=True)
    assert spec == RequestSpec(
        "POST",
        "/v2/schedules/group",
        {"Content-Type": "application/json", "Upstash-Cron": "* * * * *"},
        b"[1]",
        UNSAFE,
    )


def test_schedule_headers_default_content_type() -> None:
    assert schedule_headers({"cron": "0 * * * *"}, json=False) == {
        "Upstash-Cron": "0 * * * *",
        "Content-Type": "application/json",
    }


@pytest.mark.parametrize(
    ("options", "argument"),
    [
        ({"cron": "* * * * *"}, "destination"),
        ({"destination": "https://e.example"}, "cron"),
        ({"destination": "ftp://e.example", "cron": "* * * * *"}, "destination"),
        ({"destination": "bad name", "cron": "* * * * *"}, "destination"),
        ({"destination": "g", "cron": "* * * * *", "not_before": 1}, "not_before"),
        ({"destination": "g", "cron": "* * * * *", "body": {"a": 1}}, "body"),
    ],
)
def test_schedule_refusals(options: dict[str, Any], argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        schedule_request(options, json=False)
    assert info.value.argument == argument


def test_request_spec_repr_hides_header_values() -> None:
    spec = publish_request(
        {"url": "https://e.example", "headers": {"Authorization": "Bearer CANARY"}, "body": "b"},
        json=False,
    )
    assert "CANARY" not in repr(spec)
    assert "Upstash-Forward-Authorization" in repr(spec)
