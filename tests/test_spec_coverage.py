"""Every operation of openapi/qstash.yaml is reachable from QStash and AsyncQStash.

Each operationId maps to one client call; the test runs it (sync and async) and checks that the
request on the wire is that operation: its method and its path template.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Client, Wire, resolve

SPEC = Path(__file__).resolve().parent.parent / "openapi" / "qstash.yaml"
URL = "https://a.example"
CHAT = [{"role": "user", "content": "hi"}]
SCHEDULE = {"scheduleId": "s", "cron": "* * * * *", "destination": URL, "createdAt": 1}

# operationId -> (call, JSON answer)
CALLS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "publishMessage": (lambda c: c.message.publish(url=URL), {"messageId": "m"}),
    "enqueueMessage": (lambda c: c.message.enqueue(queue="q", url=URL), {"messageId": "m"}),
    "batchMessages": (lambda c: c.message.batch([{"url": URL}]), [{"messageId": "m"}]),
    "getMessage": (lambda c: c.message.get("m"), {"messageId": "m"}),
    "cancelMessage": (lambda c: c.message.cancel("m"), None),
    "cancelMessages": (lambda c: c.message.cancel_many(["m"]), {"cancelled": 1}),
    "upsertQueue": (lambda c: c.queue.upsert("q"), None),
    "listQueues": (lambda c: c.queue.list(), []),
    "getQueue": (lambda c: c.queue.get("q"), {"name": "q"}),
    "deleteQueue": (lambda c: c.queue.delete("q"), None),
    "pauseQueue": (lambda c: c.queue.pause("q"), None),
    "resumeQueue": (lambda c: c.queue.resume("q"), None),
    "createSchedule": (
        lambda c: c.schedule.create(destination=URL, cron="*/5 * * * *"),
        {"scheduleId": "s"},
    ),
    "listSchedules": (lambda c: c.schedule.list(), [SCHEDULE]),
    "getSchedule": (lambda c: c.schedule.get("s"), SCHEDULE),
    "deleteSchedule": (lambda c: c.schedule.delete("s"), None),
    "pauseSchedule": (lambda c: c.schedule.pause("s"), None),
    "resumeSchedule": (lambda c: c.schedule.resume("s"), None),
    "listUrlGroups": (lambda c: c.url_group.list(), []),
    "getUrlGroup": (lambda c: c.url_group.get("g"), {"name": "g", "endpoints": []}),
    "deleteUrlGroup": (lambda c: c.url_group.delete("g"), None),
    "upsertUrlGroupEndpoints": (lambda c: c.url_group.upsert_endpoints("g", [{"url": URL}]), None),
    "removeUrlGroupEndpoints": (lambda c: c.url_group.remove_endpoints("g", [{"url": URL}]), None),
    "listDlqMessages": (lambda c: c.dlq.list(), {"messages": []}),
    "deleteDlqMessages": (lambda c: c.dlq.delete_many(["d"]), {"deleted": 1}),
    "getDlqMessage": (lambda c: c.dlq.get("d"), {"messageId": "m", "dlqId": "d"}),
    "deleteDlqMessage": (lambda c: c.dlq.delete("d"), None),
    "retryDlqMessage": (lambda c: c.dlq.retry("d"), {"messageId": "m"}),
    "retryDlqMessages": (lambda c: c.dlq.retry_many(["d"]), {"responses": [{"messageId": "m"}]}),
    "listLogs": (lambda c: c.log.list(), {"logs": []}),
    "listEvents": (lambda c: c.event.list(), {"events": []}),
    "getSigningKeys": (lambda c: c.signing_key.get(), {"current": "a", "next": "b"}),
    "rotateSigningKeys": (lambda c: c.signing_key.rotate(), {"current": "b", "next": "c"}),
    "listFlowControlKeys": (lambda c: c.flow_control.list(), []),
    "getFlowControlKey": (lambda c: c.flow_control.get("k"), {"flowControlKey": "k"}),
    "pauseFlowControlKey": (lambda c: c.flow_control.pause("k"), None),
    "resumeFlowControlKey": (lambda c: c.flow_control.resume("k"), None),
    "pinFlowControlKey": (lambda c: c.flow_control.pin("k", parallelism=1), None),
    "unpinFlowControlKey": (lambda c: c.flow_control.unpin("k", parallelism=True), None),
    "resetFlowControlRate": (lambda c: c.flow_control.reset_rate("k"), None),
    "getGlobalParallelism": (lambda c: c.flow_control.get_global_parallelism(), {}),
    "createChatCompletion": (
        lambda c: c.chat.create(messages=CHAT, model="m"),
        {"id": "x", "choices": []},
    ),
}


@cache
def _operations() -> dict[str, tuple[str, str]]:
    spec = yaml.load(SPEC.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    found = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = (method.upper(), path)
    return found


def _path_pattern(template: str) -> re.Pattern[str]:
    # A destination is a whole URL (slashes included); other parameters are one segment.
    pattern = re.sub(r"\\\{destination\\\}", ".+", re.escape(template))
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern) + "$")


def test_every_operation_has_a_client_call() -> None:
    assert sorted(CALLS) == sorted(_operations())


@pytest.mark.parametrize("operation_id", sorted(_operations()))
async def test_operation_is_reachable(client: Client, wire: Wire, operation_id: str) -> None:
    method, template = _operations()[operation_id]
    call, answer = CALLS[operation_id]
    wire.reply(200, answer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # client.event is deprecated
        await resolve(call(client))
    assert len(wire.requests) == 1
    request = wire.last
    assert request.method == method
    assert _path_pattern(template).match(request.url.path), (request.url.path, template)
