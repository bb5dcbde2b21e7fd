"""Queues: FIFO delivery with a parallelism limit, paused and resumed as a whole.

``client.queue`` is a :class:`QueueApi` (sync) or :class:`AsyncQueueApi` (async). Messages are
enqueued with ``client.message.enqueue`` / ``enqueue_json`` (the queue is created on first use)
or by a schedule created with ``queue=``. Queue names use letters, digits, ``-``, ``_`` and
``.``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qstash import _values
from qstash._lazy import api_classes
from qstash._parse import expect, opt

if TYPE_CHECKING:
    import qstash_openapi.models as om
    from qstash._async.queue import AsyncQueueApi
    from qstash._sync.queue import QueueApi

__all__ = ["AsyncQueueApi", "Queue", "QueueApi"]


@dataclass(frozen=True, slots=True)
class Queue:
    """A queue. Times are unix milliseconds."""

    name: str
    parallelism: int = 1
    """How many messages of the queue are delivered at once."""
    created_at: int | None = None
    updated_at: int | None = None
    lag: int = 0
    """How many messages are waiting (not processed yet)."""
    paused: bool = False


def parse_queue(parsed: Any) -> Queue:
    """A generated ``Queue`` (``getQueue``, ``listQueues``) as a :class:`Queue`."""
    from qstash_openapi.models import Queue as QueueModel

    model = expect(parsed, QueueModel)
    parallelism = opt(model.parallelism)
    return Queue(
        name=model.name,
        parallelism=1 if parallelism is None else parallelism,
        created_at=opt(model.created_at),
        updated_at=opt(model.updated_at),
        lag=opt(model.lag) or 0,
        paused=opt(model.paused) or False,
    )


def parse_queues(parsed: Any) -> list[Queue]:
    """The generated list of ``listQueues`` as :class:`Queue` objects."""
    return [parse_queue(item) for item in expect(parsed, list)]


def upsert_body(queue: object, parallelism: object, paused: object) -> om.UpsertQueueRequest:
    """The checked body of ``upsertQueue``; QStash gets all three fields every time."""
    from qstash_openapi.models import UpsertQueueRequest

    return UpsertQueueRequest(
        queue_name=_values.name(queue, "queue"),
        parallelism=_values.positive_int(parallelism, "parallelism"),
        paused=_values.flag(paused, "paused"),
    )


__getattr__ = api_classes("queue", "QueueApi")
