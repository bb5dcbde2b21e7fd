"""``client.queue``: upsert, get, list, delete, pause and resume queues (async source)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qstash import _values
from qstash._parse import acall_endpoint
from qstash.queue import Queue, parse_queue, parse_queues, upsert_body

if TYPE_CHECKING:
    from qstash._async.client import AsyncQStash

__all__ = ["AsyncQueueApi"]


class AsyncQueueApi:
    """Queues: ``client.queue``. Names are checked before anything is sent."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncQStash) -> None:
        self._client = client

    async def upsert(self, queue: str, *, parallelism: int = 1, paused: bool = False) -> None:
        """Create ``queue``, or update its settings when it exists.

        Args:
            queue: the queue name (letters, digits, ``-``, ``_``, ``.``).
            parallelism: how many of its messages are delivered at once (1 or more).
            paused: create or set the queue paused (it still accepts messages).

        Both settings are always sent, so an update resets any you leave out to its default.
        """
        from qstash_openapi.api.queues import upsert_queue

        body = upsert_body(queue, parallelism, paused)
        await acall_endpoint(upsert_queue.asyncio_detailed, client=self._client.openapi, body=body)

    async def get(self, queue: str) -> Queue:
        """Get a queue with its settings and lag (``NotFoundError`` when there is none)."""
        from qstash_openapi.api.queues import get_queue

        response = await acall_endpoint(
            get_queue.asyncio_detailed, _values.name(queue, "queue"), client=self._client.openapi
        )
        return parse_queue(response.parsed)

    async def delete(self, queue: str) -> None:
        """Delete a queue and the messages waiting in it."""
        from qstash_openapi.api.queues import delete_queue

        await acall_endpoint(
            delete_queue.asyncio_detailed, _values.name(queue, "queue"), client=self._client.openapi
        )

    async def pause(self, queue: str) -> None:
        """Pause deliveries from a queue; it still accepts messages. Idempotent."""
        from qstash_openapi.api.queues import pause_queue

        await acall_endpoint(
            pause_queue.asyncio_detailed, _values.name(queue, "queue"), client=self._client.openapi
        )

    async def resume(self, queue: str) -> None:
        """Resume deliveries from a paused queue, oldest message first. Idempotent."""
        from qstash_openapi.api.queues import resume_queue

        await acall_endpoint(
            resume_queue.asyncio_detailed, _values.name(queue, "queue"), client=self._client.openapi
        )

    # Last, so the method named `list` does not shadow the builtin in the annotations above.
    async def list(self) -> list[Queue]:
        """List every queue (one request; QStash does not paginate queues)."""
        from qstash_openapi.api.queues import list_queues

        response = await acall_endpoint(list_queues.asyncio_detailed, client=self._client.openapi)
        return parse_queues(response.parsed)
