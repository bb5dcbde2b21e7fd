"""Filters, cursors and the bulk-loop rule of logs, the DLQ and bulk cancel (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from qstash import InvalidArgumentError
from qstash._filters import (
    DLQ,
    LOGS,
    MESSAGES,
    FilterScope,
    bulk_next,
    count_param,
    cursor_param,
    filter_query,
    next_cursor,
    openapi_kwargs,
)
from qstash.log import LogState

NEW_YEAR = datetime(2024, 1, 1, tzinfo=UTC)
NEW_YEAR_MS = 1_704_067_200_000


@pytest.mark.parametrize(
    ("scope", "filter", "expected"),
    [
        (LOGS, None, {}),
        (LOGS, {}, {}),
        (LOGS, {"message_id": "m1"}, {"messageId": "m1"}),
        (LOGS, {"message_ids": "m1"}, {"messageIds": ["m1"]}),
        (LOGS, {"message_ids": ["m1", "m2"]}, {"messageIds": ["m1", "m2"]}),
        (LOGS, {"state": LogState.DELIVERED}, {"state": "DELIVERED"}),
        (LOGS, {"state": "SOMETHING_NEW"}, {"state": "SOMETHING_NEW"}),
        (LOGS, {"url": "https://a.example"}, {"url": ["https://a.example"]}),
        (LOGS, {"url_group": ("g1", "g2")}, {"topicName": ["g1", "g2"]}),
        (LOGS, {"queue": "q"}, {"queueName": ["q"]}),
        (LOGS, {"schedule_id": ["s"]}, {"scheduleId": ["s"]}),
        (LOGS, {"label": ["a", "b"]}, {"label": ["a", "b"]}),
        (LOGS, {"flow_control_key": "k"}, {"flowControlKey": ["k"]}),
        (LOGS, {"caller_ip": ["1.2.3.4"]}, {"callerIp": ["1.2.3.4"]}),
        (LOGS, {"host": "a.example", "path": "/hook"}, {"host": ["a.example"], "path": ["/hook"]}),
        (LOGS, {"from_time": NEW_YEAR}, {"fromDate": NEW_YEAR_MS}),
        (LOGS, {"to_time": NEW_YEAR_MS}, {"toDate": NEW_YEAR_MS}),
        (LOGS, {"from_time": 0, "to_time": NEW_YEAR}, {"fromDate": 0, "toDate": NEW_YEAR_MS}),
        (LOGS, {"url": None, "queue": "q"}, {"queueName": ["q"]}),
        (DLQ, {"message_id": "m"}, {"messageId": "m"}),
        (DLQ, {"response_status": 500}, {"responseStatus": 500}),
        (DLQ, {"url_group": "g", "label": "x"}, {"topicName": ["g"], "label": ["x"]}),
        (MESSAGES, {"host": ["h1", "h2"]}, {"host": ["h1", "h2"]}),
        (
            MESSAGES,
            {"queue": "q", "to_time": NEW_YEAR},
            {"queueName": ["q"], "toDate": NEW_YEAR_MS},
        ),
    ],
)
def test_filter_query(scope: FilterScope, filter: Any, expected: dict[str, Any]) -> None:
    assert filter_query(filter, scope) == expected


def test_times_round_outwards_to_whole_milliseconds() -> None:
    instant = NEW_YEAR + timedelta(microseconds=1500)
    params = filter_query({"from_time": instant, "to_time": instant}, LOGS)
    assert params == {"fromDate": NEW_YEAR_MS + 1, "toDate": NEW_YEAR_MS + 2}


def test_times_in_other_timezones_are_the_same_instant() -> None:
    local = NEW_YEAR.astimezone(timezone(timedelta(hours=-5)))
    assert filter_query({"from_time": local}, DLQ) == {"fromDate": NEW_YEAR_MS}


def test_the_callers_filter_is_not_changed() -> None:
    filter = {"url": ["https://a.example"], "from_time": NEW_YEAR}
    filter_query(filter, LOGS)
    assert filter == {"url": ["https://a.example"], "from_time": NEW_YEAR}


@pytest.mark.parametrize(
    ("scope", "filter", "message"),
    [
        (LOGS, ["url"], "filter must be a dict"),
        (LOGS, {"urlGroup": "g"}, "unknown key 'urlGroup'; use 'url_group'"),
        (LOGS, {"topicName": "g"}, "use 'url_group'"),
        (LOGS, {"fromDate": 1}, "use 'from_time'"),
        (LOGS, {"api": "llm"}, "no longer filters by api"),
        (LOGS, {"cursor": "c"}, "pass cursor= to the call"),
        (LOGS, {"urll": "x"}, "did you mean 'url'?"),
        (LOGS, {"zzz": "x"}, "accepted keys: caller_ip, flow_control_key"),
        (LOGS, {1: "x"}, "keys must be strings"),
        (LOGS, {"response_status": 500}, "'response_status' is not accepted by the logs"),
        (DLQ, {"host": "a.example"}, "'host' is not accepted by the DLQ"),
        (DLQ, {"path": "/x"}, "'path' is not accepted by the DLQ"),
        (DLQ, {"state": "FAILED"}, "'state' is not accepted by the DLQ"),
        (DLQ, {"dlq_ids": ["a"]}, "pass dlq_ids= to the call"),
        (MESSAGES, {"message_id": "m"}, "not accepted by bulk message cancel"),
        (LOGS, {"url": ""}, "filter.url must not be empty"),
        (LOGS, {"url": "   "}, "must not be empty"),
        (LOGS, {"url": []}, "filter.url is an empty list"),
        (LOGS, {"url": ["a", ""]}, "must not be empty"),
        (LOGS, {"url": b"x"}, "must be a string or a list of strings, got bytes"),
        (LOGS, {"url": [1]}, "must be a string, got int"),
        (LOGS, {"message_id": ""}, "filter.message_id must not be empty"),
        (LOGS, {"message_id": ["a"]}, "filter.message_id must be a string, got list"),
        (LOGS, {"state": ""}, "filter.state must not be empty"),
        (LOGS, {"label": "a,b"}, "a label cannot contain ','"),
        (DLQ, {"response_status": "500"}, "must be an HTTP status code"),
        (DLQ, {"response_status": True}, "must be an HTTP status code"),
        (DLQ, {"response_status": 42}, "must be an HTTP status code"),
        (LOGS, {"from_time": datetime(2024, 1, 1)}, "naive datetime"),
        (LOGS, {"from_time": 1_704_067_200}, "looks like unix seconds"),
        (LOGS, {"to_time": -1}, "must be 0 or more"),
        (LOGS, {"to_time": 1.5e12}, "aware datetime or unix milliseconds (int), got float"),
        (LOGS, {"to_time": True}, "got bool"),
        (LOGS, {"to_time": "2024-01-01"}, "got str"),
        (LOGS, {"from_time": NEW_YEAR_MS + 1, "to_time": NEW_YEAR_MS}, "from_time"),
    ],
)
def test_refused_filters(scope: FilterScope, filter: Any, message: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        filter_query(filter, scope)
    assert message in str(caught.value)
    # A bad value names its key; a bad key (or key combination) names the filter.
    keys = list(filter) if isinstance(filter, dict) else []
    value_error = len(keys) == 1 and isinstance(keys[0], str) and keys[0] in scope.keys
    assert caught.value.argument == (f"filter.{keys[0]}" if value_error else "filter")


def test_the_argument_name_is_configurable() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        filter_query({"url": ""}, MESSAGES, argument="cancel_filter")
    assert caught.value.argument == "cancel_filter.url"
    assert "cancel_filter.url" in str(caught.value)


def test_scopes_follow_the_typed_dicts() -> None:
    assert {"host", "path", "state", "message_ids"} <= LOGS.keys
    assert "response_status" not in LOGS.keys
    assert DLQ.keys.isdisjoint({"host", "path", "state", "message_ids"})
    assert MESSAGES.keys.isdisjoint({"message_id", "message_ids", "state", "response_status"})


@pytest.mark.parametrize(
    ("cursor", "expected"),
    [(None, None), ("", None), ("abc", "abc"), (1_704_067_200_000, "1704067200000")],
)
def test_cursor_param(cursor: Any, expected: str | None) -> None:
    assert cursor_param(cursor) == expected


@pytest.mark.parametrize("cursor", [True, 1.5, b"c", ["c"]])
def test_cursor_param_refuses(cursor: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="cursor must be the string cursor"):
        cursor_param(cursor)


@pytest.mark.parametrize(("count", "expected"), [(None, None), (1, 1), (100, 100)])
def test_count_param(count: Any, expected: int | None) -> None:
    assert count_param(count) == expected


@pytest.mark.parametrize("count", [0, -1, True, "10", 2.0])
def test_count_param_refuses(count: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="count must be an int of 1 or more"):
        count_param(count)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("c1", "c1"), (1234, "1234")],
)
def test_next_cursor(value: Any, expected: str | None) -> None:
    assert next_cursor(value) == expected


def test_next_cursor_of_an_unset_field() -> None:
    from qstash_openapi.types import UNSET

    assert next_cursor(UNSET) is None


@pytest.mark.parametrize(
    ("sent", "received", "handled", "count", "expected"),
    [
        (None, "c1", 100, 100, (True, "c1")),  # follow the cursor
        ("c1", "c2", 0, 100, (True, "c2")),  # a filtered page may match nothing
        ("c1", "c1", 3, 100, (True, "c1")),  # same cursor, but progress was made
        ("c1", "c1", 0, 100, (False, "c1")),  # same cursor, no progress: stop
        (None, "", 5, 100, (False, None)),  # empty cursor: done
        (None, None, 99, 100, (False, None)),  # short page, no cursor: done
        (None, None, 100, 100, (True, None)),  # full page, no cursor: once more from the start
        ("c1", None, 0, 100, (False, None)),
        (None, None, 7, None, (False, None)),  # by ids: only the cursor continues
        (None, "c1", 7, None, (True, "c1")),
    ],
)
def test_bulk_next(
    sent: str | None, received: Any, handled: int, count: int | None, expected: Any
) -> None:
    assert bulk_next(sent, received, handled, count) == expected


def test_openapi_kwargs_names_every_parameter_as_the_generated_client_does() -> None:
    params = filter_query(
        {
            "message_id": "m",
            "message_ids": ["m"],
            "state": "FAILED",
            "url": "u",
            "url_group": "g",
            "queue": "q",
            "schedule_id": "s",
            "label": "l",
            "flow_control_key": "k",
            "caller_ip": "ip",
            "host": "h",
            "path": "p",
            "from_time": 0,
            "to_time": 0,
        },
        LOGS,
    )
    kwargs = openapi_kwargs({**params, "cursor": "c", "count": None})
    from qstash_openapi.api.logs import list_events

    # The generated function accepts every keyword and puts each under its wire name.
    built = list_events._get_kwargs(**kwargs)["params"]
    assert built == {**params, "cursor": "c"}
    assert "count" not in kwargs


def test_openapi_kwargs_for_the_dlq_endpoints() -> None:
    from qstash_openapi.api.dlq import delete_dlq_messages

    params = filter_query({"response_status": 404, "url_group": ["g"]}, DLQ)
    kwargs = openapi_kwargs({**params, "dlqIds": ["d1"], "count": 100})
    built = delete_dlq_messages._get_kwargs(**kwargs)["params"]
    assert built == {"responseStatus": 404, "topicName": ["g"], "dlqIds": ["d1"], "count": 100}
