"""Every operation of ``openapi/qstash.yaml``, through the generated client, against the server.

Each answer must be a 2xx that parses into the spec's model (the chat endpoint answers 501).
The generated client percent-encodes the destination path segment; the server decodes it.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from qstash import QStash
from qstash.dev import DevServerThread
from qstash.dev.testing import Sink
from qstash.errors import APIError


def _ok(response: Any, model: type | None = None) -> Any:
    assert 200 <= response.status_code < 300, (response.status_code, response.content)
    if model is not None:
        assert isinstance(response.parsed, model), response.parsed
    return response.parsed


def test_every_operation(
    qstash_dev_server: DevServerThread, qstash_sink: Sink, dev_client: QStash
) -> None:
    from qstash_openapi import models as m
    from qstash_openapi.api.chat import create_chat_completion
    from qstash_openapi.api.dlq import (
        delete_dlq_message,
        delete_dlq_messages,
        get_dlq_message,
        list_dlq_messages,
        retry_dlq_message,
        retry_dlq_messages,
    )
    from qstash_openapi.api.flow_control import (
        get_flow_control_key,
        get_global_parallelism,
        list_flow_control_keys,
        pause_flow_control_key,
        pin_flow_control_key,
        reset_flow_control_rate,
        resume_flow_control_key,
        unpin_flow_control_key,
    )
    from qstash_openapi.api.logs import list_events, list_logs
    from qstash_openapi.api.messages import (
        batch_messages,
        cancel_message,
        cancel_messages,
        enqueue_message,
        get_message,
        publish_message,
    )
    from qstash_openapi.api.queues import (
        delete_queue,
        get_queue,
        list_queues,
        pause_queue,
        resume_queue,
        upsert_queue,
    )
    from qstash_openapi.api.schedules import (
        create_schedule,
        delete_schedule,
        get_schedule,
        list_schedules,
        pause_schedule,
        resume_schedule,
    )
    from qstash_openapi.api.signing_keys import get_signing_keys, rotate_signing_keys
    from qstash_openapi.api.url_groups import (
        delete_url_group,
        get_url_group,
        list_url_groups,
        remove_url_group_endpoints,
        upsert_url_group_endpoints,
    )
    from qstash_openapi.types import File

    api = dev_client.openapi
    sink = qstash_sink.url
    qstash_sink.respond(500, times=None, path="/dead")

    def body(data: bytes) -> File:
        return File(payload=io.BytesIO(data))

    # messages
    published = _ok(
        publish_message.sync_detailed(
            f"{sink}/later",
            client=api,
            body=body(b"x"),
            upstash_delay="1h",
            upstash_flow_control_key="fk",
            upstash_flow_control_value="parallelism=2",
        ),
        m.PublishResponse,
    )
    enqueued = _ok(
        enqueue_message.sync_detailed("gq", f"{sink}/q", client=api, body=body(b"y")),
        m.PublishResponse,
    )
    assert enqueued.message_id
    batch = _ok(
        batch_messages.sync_detailed(
            client=api, body=[m.BatchMessage(destination=f"{sink}/b", body="z")]
        )
    )
    assert len(batch) == 1
    message = _ok(get_message.sync_detailed(published.message_id, client=api), m.Message)
    assert message.url == f"{sink}/later"
    _ok(cancel_message.sync_detailed(published.message_id, client=api))
    extra = _ok(
        publish_message.sync_detailed(f"{sink}/x", client=api, upstash_delay="1h"),
        m.PublishResponse,
    )
    cancelled = _ok(
        cancel_messages.sync_detailed(client=api, message_ids=[extra.message_id]),
        m.CancelMessagesResponse,
    )
    assert cancelled.cancelled == 1

    # queues
    _ok(upsert_queue.sync_detailed(client=api, body=m.UpsertQueueRequest("gq2", 2, False)))
    assert _ok(get_queue.sync_detailed("gq2", client=api), m.Queue).parallelism == 2
    assert {q.name for q in _ok(list_queues.sync_detailed(client=api))} == {"gq", "gq2"}
    _ok(pause_queue.sync_detailed("gq2", client=api))
    _ok(resume_queue.sync_detailed("gq2", client=api))
    _ok(delete_queue.sync_detailed("gq2", client=api))

    # schedules
    created = _ok(
        create_schedule.sync_detailed(
            f"{sink}/cron", client=api, upstash_cron="0 * * * *", upstash_schedule_id="gs"
        ),
        m.CreateScheduleResponse,
    )
    assert created.schedule_id == "gs"
    assert _ok(get_schedule.sync_detailed("gs", client=api), m.Schedule).cron == "0 * * * *"
    assert [s.schedule_id for s in _ok(list_schedules.sync_detailed(client=api))] == ["gs"]
    _ok(pause_schedule.sync_detailed("gs", client=api))
    _ok(resume_schedule.sync_detailed("gs", client=api))
    _ok(delete_schedule.sync_detailed("gs", client=api))

    # URL groups
    _ok(
        upsert_url_group_endpoints.sync_detailed(
            "gg", client=api, body=m.UpsertEndpointsRequest([m.Endpoint(f"{sink}/e", "one")])
        )
    )
    assert _ok(get_url_group.sync_detailed("gg", client=api), m.UrlGroup).name == "gg"
    assert [g.name for g in _ok(list_url_groups.sync_detailed(client=api))] == ["gg"]
    _ok(
        remove_url_group_endpoints.sync_detailed(
            "gg", client=api, body=m.RemoveEndpointsRequest([m.EndpointSelector(name="one")])
        )
    )
    _ok(delete_url_group.sync_detailed("gg", client=api))

    # DLQ
    for _ in range(3):
        publish_message.sync_detailed(f"{sink}/dead", client=api, upstash_retries=0)
    qstash_dev_server.run_due()
    listed = _ok(list_dlq_messages.sync_detailed(client=api), m.ListDlqMessagesResponse)
    first, second, third = listed.messages
    assert _ok(get_dlq_message.sync_detailed(first.dlq_id, client=api), m.DlqMessage)
    assert _ok(retry_dlq_message.sync_detailed(first.dlq_id, client=api), m.RetryDlqMessageResponse)
    retried = _ok(
        retry_dlq_messages.sync_detailed(client=api, dlq_ids=[second.dlq_id]),
        m.RetryDlqMessagesResponse,
    )
    assert len(retried.responses) == 1
    qstash_dev_server.run_due()
    _ok(delete_dlq_message.sync_detailed(third.dlq_id, client=api))
    deleted = _ok(delete_dlq_messages.sync_detailed(client=api), m.DeleteDlqMessagesResponse)
    assert deleted.deleted == 2  # the two retried messages failed again

    # logs
    events = _ok(list_events.sync_detailed(client=api, count=5), m.ListEventsResponse)
    logs = _ok(list_logs.sync_detailed(client=api, count=5), m.ListLogsResponse)
    assert len(events.events) == len(logs.logs) == 5
    assert events.cursor == logs.cursor

    # signing keys
    keys = _ok(get_signing_keys.sync_detailed(client=api), m.SigningKeys)
    assert _ok(rotate_signing_keys.sync_detailed(client=api), m.SigningKeys).current == keys.next_

    # flow control
    assert [k.flow_control_key for k in _ok(list_flow_control_keys.sync_detailed(client=api))] == [
        "fk"
    ]
    info = _ok(get_flow_control_key.sync_detailed("fk", client=api), m.FlowControlInfo)
    assert info.parallelism_max == 2
    _ok(pause_flow_control_key.sync_detailed("fk", client=api))
    _ok(resume_flow_control_key.sync_detailed("fk", client=api))
    _ok(pin_flow_control_key.sync_detailed("fk", client=api, parallelism=1, rate=5, period=10))
    _ok(unpin_flow_control_key.sync_detailed("fk", client=api, parallelism=True, rate=True))
    _ok(reset_flow_control_rate.sync_detailed("fk", client=api))
    _ok(get_global_parallelism.sync_detailed(client=api), m.GlobalParallelism)

    # chat: not available locally, answered with a clear error
    with pytest.raises(APIError) as caught:
        create_chat_completion.sync_detailed(
            client=api,
            body=m.ChatCompletionRequest(model="m", messages=[m.ChatMessage("user", "hi")]),
        )
    assert caught.value.status == 501
