"""Checks of openapi/qstash.yaml and of the client generated from it (generated/qstash_openapi).

The spec is the wire truth the SDK is built on, so these tests pin the facts that matter: the 42
operations, the option headers, forward-compatible response schemas, and that every operation
has a generated module. Whether generated/ is up to date is checked by
`./scripts/generate --check`.
"""

import importlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_spec_validator import validate

from qstash_openapi import Client
from qstash_openapi.api.messages import batch_messages, publish_message
from qstash_openapi.models import (
    BatchItemError,
    BatchMessage,
    BatchMessageHeaders,
    DlqMessage,
    Log,
    Message,
    PublishResponse,
    Schedule,
    ScheduleLastScheduleStates,
)
from qstash_openapi.types import UNSET, File

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi" / "qstash.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# (operationId, method, path, tag): the complete operation list, as the brief and wire.md give it.
OPERATIONS = [
    ("publishMessage", "post", "/v2/publish/{destination}", "Messages"),
    ("enqueueMessage", "post", "/v2/enqueue/{queueName}/{destination}", "Messages"),
    ("batchMessages", "post", "/v2/batch", "Messages"),
    ("getMessage", "get", "/v2/messages/{messageId}", "Messages"),
    ("cancelMessage", "delete", "/v2/messages/{messageId}", "Messages"),
    ("cancelMessages", "delete", "/v2/messages", "Messages"),
    ("upsertQueue", "post", "/v2/queues", "Queues"),
    ("listQueues", "get", "/v2/queues", "Queues"),
    ("getQueue", "get", "/v2/queues/{queueName}", "Queues"),
    ("deleteQueue", "delete", "/v2/queues/{queueName}", "Queues"),
    ("pauseQueue", "post", "/v2/queues/{queueName}/pause", "Queues"),
    ("resumeQueue", "post", "/v2/queues/{queueName}/resume", "Queues"),
    ("createSchedule", "post", "/v2/schedules/{destination}", "Schedules"),
    ("listSchedules", "get", "/v2/schedules", "Schedules"),
    ("getSchedule", "get", "/v2/schedules/{scheduleId}", "Schedules"),
    ("deleteSchedule", "delete", "/v2/schedules/{scheduleId}", "Schedules"),
    ("pauseSchedule", "patch", "/v2/schedules/{scheduleId}/pause", "Schedules"),
    ("resumeSchedule", "patch", "/v2/schedules/{scheduleId}/resume", "Schedules"),
    ("listUrlGroups", "get", "/v2/topics", "URL Groups"),
    ("getUrlGroup", "get", "/v2/topics/{urlGroupName}", "URL Groups"),
    ("deleteUrlGroup", "delete", "/v2/topics/{urlGroupName}", "URL Groups"),
    ("upsertUrlGroupEndpoints", "post", "/v2/topics/{urlGroupName}/endpoints", "URL Groups"),
    ("removeUrlGroupEndpoints", "delete", "/v2/topics/{urlGroupName}/endpoints", "URL Groups"),
    ("listDlqMessages", "get", "/v2/dlq", "DLQ"),
    ("deleteDlqMessages", "delete", "/v2/dlq", "DLQ"),
    ("getDlqMessage", "get", "/v2/dlq/{dlqId}", "DLQ"),
    ("deleteDlqMessage", "delete", "/v2/dlq/{dlqId}", "DLQ"),
    ("retryDlqMessage", "post", "/v2/dlq/retry/{dlqId}", "DLQ"),
    ("retryDlqMessages", "post", "/v2/dlq/retry", "DLQ"),
    ("listLogs", "get", "/v2/logs", "Logs"),
    ("listEvents", "get", "/v2/events", "Logs"),
    ("getSigningKeys", "get", "/v2/keys", "Signing Keys"),
    ("rotateSigningKeys", "post", "/v2/keys/rotate", "Signing Keys"),
    ("listFlowControlKeys", "get", "/v2/flowControl", "Flow Control"),
    ("getFlowControlKey", "get", "/v2/flowControl/{flowControlKey}", "Flow Control"),
    ("pauseFlowControlKey", "post", "/v2/flowControl/{flowControlKey}/pause", "Flow Control"),
    ("resumeFlowControlKey", "post", "/v2/flowControl/{flowControlKey}/resume", "Flow Control"),
    ("pinFlowControlKey", "post", "/v2/flowControl/{flowControlKey}/pin", "Flow Control"),
    ("unpinFlowControlKey", "post", "/v2/flowControl/{flowControlKey}/unpin", "Flow Control"),
    ("resetFlowControlRate", "post", "/v2/flowControl/{flowControlKey}/resetRate", "Flow Control"),
    ("getGlobalParallelism", "get", "/v2/globalParallelism", "Flow Control"),
    ("createChatCompletion", "post", "/llm/v1/chat/completions", "Chat"),
]

# Fixed option headers of publish/enqueue (wire.md §4) with their schema type.
MESSAGE_HEADERS = {
    "Upstash-Method": None,  # a $ref to the shared HttpMethod enum
    "Upstash-Retries": "integer",
    "Upstash-Retry-Delay": "string",
    "Upstash-Delay": "string",
    "Upstash-Not-Before": "integer",
    "Upstash-Deduplication-Id": "string",
    "Upstash-Content-Based-Deduplication": "boolean",
    "Upstash-Timeout": "string",
    "Upstash-Callback": "string",
    "Upstash-Failure-Callback": "string",
    "Upstash-Flow-Control-Key": "string",
    "Upstash-Flow-Control-Value": "string",
    "Upstash-Label": "string",
    "Upstash-Redact-Fields": "string",
}
SCHEDULE_HEADERS = {
    **{k: v for k, v in MESSAGE_HEADERS.items() if k != "Upstash-Not-Before"},
    "Upstash-Cron": "string",
    "Upstash-Schedule-Id": "string",
    "Upstash-Queue-Name": "string",
}
HEADERS_BY_OPERATION = {
    "publishMessage": MESSAGE_HEADERS,
    "enqueueMessage": MESSAGE_HEADERS,
    "createSchedule": SCHEDULE_HEADERS,
}
HEADER_FAMILIES = {
    "Upstash-Forward-",
    "Upstash-Callback-",
    "Upstash-Callback-Forward-",
    "Upstash-Failure-Callback-",
    "Upstash-Failure-Callback-Forward-",
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def _operation(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for _, _, op in _operations(spec):
        if op["operationId"] == operation_id:
            return op
    raise AssertionError(f"no operation {operation_id}")


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _parameters(spec: dict[str, Any], op: dict[str, Any]) -> list[dict[str, Any]]:
    return [_resolve(spec, p) for p in op.get("parameters", [])]


def _walk(node: Any, trail: str = "") -> Iterator[tuple[str, Any]]:
    """Yields (location, mapping) for every mapping in the document."""
    if isinstance(node, dict):
        yield trail, node
        for key, value in node.items():
            yield from _walk(value, f"{trail}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{trail}/{index}")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _mock_client(status: int, payload: object, seen: list[httpx.Request]) -> Client:
    def handler(request: httpx.Request) -> httpx.Response:
        request.read()  # a file body is streamed; keep its bytes for the assertions
        seen.append(request)
        return httpx.Response(status, json=payload)

    http = httpx.Client(base_url="https://qstash.test", transport=httpx.MockTransport(handler))
    return Client(base_url="https://qstash.test").set_httpx_client(http)


# --- the document ---------------------------------------------------------------------------------


def test_spec_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_default_server_comes_first(spec: dict[str, Any]) -> None:
    urls = [server["url"] for server in spec["servers"]]
    assert urls[0] == "https://qstash.upstash.io"
    assert "https://qstash-us-east-1.upstash.io" in urls


def test_security_is_bearer_or_query_token(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["qstash_token"]["in"] == "query"
    assert schemes["qstash_token"]["name"] == "qstash_token"


def test_operations_are_exactly_the_42(spec: dict[str, Any]) -> None:
    found = sorted((op["operationId"], m, p, *op["tags"]) for p, m, op in _operations(spec))
    assert found == sorted(OPERATIONS)
    assert len(found) == 42
    assert len({row[0] for row in found}) == 42


@pytest.mark.parametrize(("operation_id", "method", "path", "tag"), OPERATIONS)
def test_operation_is_documented(
    spec: dict[str, Any], operation_id: str, method: str, path: str, tag: str
) -> None:
    op = spec["paths"][path][method]
    assert op["operationId"] == operation_id
    assert op["tags"] == [tag]
    assert op["summary"].strip()
    assert op["description"].strip()


@pytest.mark.parametrize(("operation_id", "tag"), [(row[0], row[3]) for row in OPERATIONS])
def test_every_operation_has_a_generated_module(operation_id: str, tag: str) -> None:
    module_name = f"qstash_openapi.api.{tag.lower().replace(' ', '_')}.{_snake(operation_id)}"
    module = importlib.import_module(module_name)
    assert callable(module.sync_detailed)
    assert callable(module.asyncio_detailed)


def test_no_parameter_has_a_default(spec: dict[str, Any]) -> None:
    params = list(spec["components"]["parameters"].values())
    for _, _, op in _operations(spec):
        params += [p for p in op.get("parameters", []) if "$ref" not in p]
    assert params
    for param in params:
        # A default would be sent on every call by the generated client.
        assert "default" not in param, param["name"]
        assert "default" not in _resolve(spec, param["schema"]), param["name"]


def test_no_schema_forbids_additional_properties(spec: dict[str, Any]) -> None:
    for where, node in _walk(spec):
        assert node.get("additionalProperties") is not False, where


def test_only_the_request_side_method_is_an_enum(spec: dict[str, Any]) -> None:
    # An enum on a server-returned field would make a new server value fail to parse.
    enums = [where for where, node in _walk(spec) if "enum" in node]
    assert enums == ["/components/schemas/HttpMethod"]


@pytest.mark.parametrize(
    "schema_name",
    ["Message", "DlqMessage", "Log", "Schedule", "Queue", "UrlGroup", "FlowControlInfo"],
)
def test_response_schemas_keep_unknown_fields(spec: dict[str, Any], schema_name: str) -> None:
    schema = spec["components"]["schemas"][schema_name]
    parts = [_resolve(spec, part) for part in schema.get("allOf", [schema])]
    for part in parts:
        assert part.get("additionalProperties", True) is not False


@pytest.mark.parametrize(
    ("schema_name", "required"),
    [
        ("PublishResponse", ["messageId"]),
        ("Message", ["messageId"]),
        ("Schedule", ["scheduleId", "cron", "destination", "createdAt"]),
        ("Queue", ["name"]),
        ("UrlGroup", ["name"]),
        ("CancelMessagesResponse", []),
        ("GlobalParallelism", []),
    ],
)
def test_only_always_present_fields_are_required(
    spec: dict[str, Any], schema_name: str, required: list[str]
) -> None:
    assert spec["components"]["schemas"][schema_name].get("required", []) == required


@pytest.mark.parametrize(
    ("schema_name", "both"),
    [
        (
            "Message",
            ["callerIP", "callerIp", "label", "labels", "callbackHeader", "callbackHeaders"],
        ),
        (
            "Schedule",
            ["callerIP", "callerIp", "retryDelayExpr", "retryDelayExpression", "isPaused"],
        ),
        ("Log", ["responseHeader", "responseHeaders", "retryDelayExpr", "retryDelayExpression"]),
    ],
)
def test_field_name_drifts_are_accepted_both_ways(
    spec: dict[str, Any], schema_name: str, both: list[str]
) -> None:
    properties = spec["components"]["schemas"][schema_name]["properties"]
    assert set(both) <= set(properties)


@pytest.mark.parametrize(("operation_id", "expected"), HEADERS_BY_OPERATION.items())
def test_option_headers_are_declared(
    spec: dict[str, Any], operation_id: str, expected: dict[str, str | None]
) -> None:
    op = _operation(spec, operation_id)
    headers = {p["name"]: p for p in _parameters(spec, op) if p["in"] == "header"}
    assert set(headers) == set(expected)
    for name, type_ in expected.items():
        schema = headers[name]["schema"]
        if type_ is None:
            assert schema == {"$ref": "#/components/schemas/HttpMethod"}
        else:
            assert schema["type"] == type_, name
        assert headers[name]["required"] is (name == "Upstash-Cron"), name
    # Every operation reuses the shared components/parameters definitions.
    assert all("$ref" in p for p in op["parameters"])


@pytest.mark.parametrize("operation_id", HEADERS_BY_OPERATION)
def test_header_families_are_documented_not_parameters(
    spec: dict[str, Any], operation_id: str
) -> None:
    op = _operation(spec, operation_id)
    assert not [p["name"] for p in _parameters(spec, op) if "*" in p["name"]]
    families = op["x-upstash-header-families"]
    assert {f["prefix"] for f in families} == HEADER_FAMILIES
    assert all(f["meaning"].strip() for f in families)
    for prefix in HEADER_FAMILIES:
        assert f"`{prefix}*`" in op["description"] or prefix in op["description"]


@pytest.mark.parametrize("operation_id", HEADERS_BY_OPERATION)
def test_raw_body_is_octet_stream_only(spec: dict[str, Any], operation_id: str) -> None:
    body = _resolve(spec, _operation(spec, operation_id)["requestBody"])
    assert list(body["content"]) == ["application/octet-stream"]
    assert body["content"]["application/octet-stream"]["schema"] == {
        "type": "string",
        "format": "binary",
    }
    assert "any media type" in body["description"].lower()


def test_error_responses_declare_no_content(spec: dict[str, Any]) -> None:
    for path, method, op in _operations(spec):
        for status, response in op["responses"].items():
            resolved = _resolve(spec, response)
            if not status.startswith("2"):
                assert "content" not in resolved, (method, path, status)
                assert resolved["description"].strip()


def test_chat_stream_is_an_extension_not_a_content_type(spec: dict[str, Any]) -> None:
    op = _operation(spec, "createChatCompletion")
    assert op["x-qstash-stream"] == "text/event-stream"
    assert list(op["responses"]["200"]["content"]) == ["application/json"]


def test_schedule_pause_and_resume_are_patch(spec: dict[str, Any]) -> None:
    assert set(spec["paths"]["/v2/schedules/{scheduleId}/pause"]) == {"patch"}
    assert set(spec["paths"]["/v2/schedules/{scheduleId}/resume"]) == {"patch"}


# --- the generated models -------------------------------------------------------------------------


def test_message_keeps_unknown_fields() -> None:
    payload = {
        "messageId": "msg_1",
        "url": "https://example.com/hook",
        "header": {"Content-Type": ["application/json"]},
        "createdAt": 1_700_000_000_000,
        "callerIP": "203.0.113.7",
        "someFutureField": {"nested": [1, 2]},
    }
    message = Message.from_dict(payload)
    assert message.message_id == "msg_1"
    # Names differing only in case keep their wire spelling (the generator cannot snake-case
    # both to caller_ip).
    assert message.callerIP == "203.0.113.7"
    assert message.callerIp is UNSET
    assert message.additional_properties == {"someFutureField": {"nested": [1, 2]}}
    assert message.to_dict() == payload


def test_dlq_message_has_message_and_dlq_fields() -> None:
    entry = DlqMessage.from_dict(
        {"messageId": "msg_1", "dlqId": "dlq_1", "responseStatus": 500, "responseBody": "boom"}
    )
    assert (entry.message_id, entry.dlq_id, entry.response_status) == ("msg_1", "dlq_1", 500)


def test_schedule_without_is_paused_parses() -> None:
    schedule = Schedule.from_dict(
        {
            "scheduleId": "scd_1",
            "cron": "* * * * *",
            "destination": "https://example.com",
            "createdAt": 1,
            "lastScheduleStates": {"msg_1": "SOME_NEW_STATE"},
        }
    )
    assert not schedule.is_paused
    assert isinstance(schedule.last_schedule_states, ScheduleLastScheduleStates)
    assert schedule.last_schedule_states.to_dict() == {"msg_1": "SOME_NEW_STATE"}


def test_unknown_log_state_parses() -> None:
    log = Log.from_dict({"time": 1, "messageId": "msg_1", "state": "BRAND_NEW_STATE"})
    assert log.state == "BRAND_NEW_STATE"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {"messageId": "msg_1", "url": "https://example.com", "deduplicated": True},
            PublishResponse.from_dict(
                {"messageId": "msg_1", "url": "https://example.com", "deduplicated": True}
            ),
        ),
        (
            [{"messageId": "msg_1", "url": "https://a.test"}, {"messageId": "msg_2"}],
            [
                PublishResponse.from_dict({"messageId": "msg_1", "url": "https://a.test"}),
                PublishResponse.from_dict({"messageId": "msg_2"}),
            ],
        ),
    ],
    ids=["url-object", "url-group-array"],
)
def test_publish_result_accepts_object_and_array(payload: object, expected: object) -> None:
    seen: list[httpx.Request] = []
    client = _mock_client(200, payload, seen)
    response = publish_message.sync_detailed(
        "my-group",
        client=client,
        body=File(payload=io.BytesIO(b"hello")),
        upstash_retries=3,
        upstash_content_based_deduplication=True,
    )
    assert response.parsed == expected
    [request] = seen
    assert request.url.path == "/v2/publish/my-group"
    assert request.headers["Upstash-Retries"] == "3"
    assert request.headers["Upstash-Content-Based-Deduplication"] == "true"
    assert "Upstash-Method" not in request.headers  # no default is sent
    assert request.content == b"hello"


def test_batch_result_items_are_object_array_or_error() -> None:
    seen: list[httpx.Request] = []
    client = _mock_client(
        200,
        [
            {"messageId": "msg_1"},
            [{"messageId": "msg_2", "url": "https://a.test"}],
            {"error": "invalid destination"},
        ],
        seen,
    )
    headers = BatchMessageHeaders.from_dict({"Upstash-Retries": "1"})
    body = [BatchMessage(destination="https://example.com", headers=headers, body="{}")]
    response = batch_messages.sync_detailed(client=client, body=body)
    assert response.parsed == [
        PublishResponse(message_id="msg_1"),
        [PublishResponse(message_id="msg_2", url="https://a.test")],
        BatchItemError(error="invalid destination"),
    ]
    [request] = seen
    assert json.loads(request.content) == [
        {"destination": "https://example.com", "headers": {"Upstash-Retries": "1"}, "body": "{}"}
    ]
