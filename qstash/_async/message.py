"""``client.message``: publish, enqueue, batch, get and cancel (async source)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Unpack, overload

from qstash._bulk import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_MAX_IN_FLIGHT,
    DEFAULT_MAX_REQUEST_BYTES,
    BulkResult,
    Chunk,
    NarrowingBudget,
    check_limits,
    narrows,
    plan_chunks,
)
from qstash._concurrency import AsyncTaskPool
from qstash._filters import (
    BULK_COUNT,
    MESSAGES,
    MessageFilter,
    bulk_filter,
    bulk_next,
    openapi_kwargs,
)
from qstash._guards import require_id, require_ids
from qstash._options import (
    BatchJsonRequest,
    BatchRequest,
    EnqueueJsonOptions,
    EnqueueOptions,
    JsonBody,
    LlmApi,
    PublishJsonOptions,
    PublishOptions,
    QueuedJsonBody,
    QueuedRawBody,
    RawBody,
)
from qstash._parse import acall_endpoint
from qstash._publish import batch_request, enqueue_request, publish_request
from qstash.errors import QStashError
from qstash.message import (
    BatchResult,
    Message,
    PublishResponse,
    PublishResult,
    PublishUrlGroupResponse,
    parse_batch,
    parse_cancelled,
    parse_message,
    parse_publish,
)

if TYPE_CHECKING:
    from qstash._async.client import AsyncQStash

__all__ = ["AsyncMessageApi"]


class AsyncMessageApi:
    """Messages: ``client.message``. Every option is keyword-only and checked before sending.

    The options of publish, enqueue and batch items (``retries``, ``delay``, ``callback``,
    ``flow_control``, ...) are described in :mod:`qstash.message`; each becomes one
    ``Upstash-*`` header, the same way for every call.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AsyncQStash) -> None:
        self._client = client

    @overload
    async def publish(
        self, *, url_group: str, **options: Unpack[RawBody]
    ) -> list[PublishUrlGroupResponse]: ...
    @overload
    async def publish(self, *, url: str, **options: Unpack[RawBody]) -> PublishResponse: ...
    @overload
    async def publish(self, *, api: LlmApi, **options: Unpack[RawBody]) -> PublishResponse: ...
    async def publish(self, **options: Unpack[PublishOptions]) -> PublishResult:
        """Publish a message with a raw ``str``/``bytes`` body to a URL, URL group or LLM API.

        Give exactly one of ``url``, ``url_group`` or ``api``. ``content_type`` sets the
        message's Content-Type. Returns a :class:`~qstash.message.PublishResponse`, or a list
        of :class:`~qstash.message.PublishUrlGroupResponse` (one per endpoint) for a URL group.
        """
        spec = publish_request(options, json=False, dedup_id=self._client._dedup_id())
        return parse_publish((await self._client._send(spec)).content)

    @overload
    async def publish_json(
        self, *, url_group: str, **options: Unpack[JsonBody]
    ) -> list[PublishUrlGroupResponse]: ...
    @overload
    async def publish_json(self, *, url: str, **options: Unpack[JsonBody]) -> PublishResponse: ...
    @overload
    async def publish_json(
        self, *, api: LlmApi, **options: Unpack[JsonBody]
    ) -> PublishResponse: ...
    async def publish_json(self, **options: Unpack[PublishJsonOptions]) -> PublishResult:
        """Publish ``body`` serialised as JSON (``Content-Type: application/json``).

        ``body=None`` sends no body. Otherwise as :meth:`publish`.
        """
        spec = publish_request(options, json=True, dedup_id=self._client._dedup_id())
        return parse_publish((await self._client._send(spec)).content)

    @overload
    async def enqueue(
        self, *, url_group: str, **options: Unpack[QueuedRawBody]
    ) -> list[PublishUrlGroupResponse]: ...
    @overload
    async def enqueue(self, *, url: str, **options: Unpack[QueuedRawBody]) -> PublishResponse: ...
    @overload
    async def enqueue(
        self, *, api: LlmApi, **options: Unpack[QueuedRawBody]
    ) -> PublishResponse: ...
    async def enqueue(self, **options: Unpack[EnqueueOptions]) -> PublishResult:
        """Enqueue a raw-body message into ``queue`` (created on first use), delivered FIFO.

        Takes every publish option, ``delay``, ``not_before`` and ``flow_control`` included.
        """
        spec = enqueue_request(options, json=False, dedup_id=self._client._dedup_id())
        return parse_publish((await self._client._send(spec)).content)

    @overload
    async def enqueue_json(
        self, *, url_group: str, **options: Unpack[QueuedJsonBody]
    ) -> list[PublishUrlGroupResponse]: ...
    @overload
    async def enqueue_json(
        self, *, url: str, **options: Unpack[QueuedJsonBody]
    ) -> PublishResponse: ...
    @overload
    async def enqueue_json(
        self, *, api: LlmApi, **options: Unpack[QueuedJsonBody]
    ) -> PublishResponse: ...
    async def enqueue_json(self, **options: Unpack[EnqueueJsonOptions]) -> PublishResult:
        """Enqueue ``body`` serialised as JSON into ``queue``. Otherwise as :meth:`enqueue`."""
        spec = enqueue_request(options, json=True, dedup_id=self._client._dedup_id())
        return parse_publish((await self._client._send(spec)).content)

    async def batch(self, messages: Sequence[BatchRequest]) -> list[BatchResult]:
        """Publish several raw-body messages in one request (``POST /v2/batch``).

        Each item takes the publish options plus ``queue``. Returns one result per item, in
        order (a list per URL-group item). When QStash refuses some items, raises
        :class:`~qstash.errors.PartialBatchError` carrying the results of the others.
        """
        spec = batch_request(messages, json=False, dedup_ids=self._client._dedup_ids())
        content = (await self._client._send(spec)).content
        return parse_batch(content, self._client._secrets_of(spec))

    async def batch_json(self, messages: Sequence[BatchJsonRequest]) -> list[BatchResult]:
        """As :meth:`batch`, with each item's ``body`` serialised as JSON."""
        spec = batch_request(messages, json=True, dedup_ids=self._client._dedup_ids())
        content = (await self._client._send(spec)).content
        return parse_batch(content, self._client._secrets_of(spec))

    async def publish_many(
        self,
        messages: Iterable[BatchRequest],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    ) -> list[BulkResult]:
        """Publish any number of raw-body messages, in batch requests sent concurrently.

        Each message is a dict with the options of a :meth:`batch` item: ``url``,
        ``url_group`` or ``api``, ``queue`` to enqueue it, ``body`` (``str``, or ``bytes`` that
        are UTF-8 text), ``delay``, ``callback``... Every message is checked before anything
        is sent: a bad one raises :class:`~qstash.errors.InvalidArgumentError` naming it
        (``messages[7].delay``) and nothing is published.

        The messages go, in order, into ``POST /v2/batch`` requests of at most ``chunk_size``
        messages (default 1,000) and ``max_request_bytes`` bytes (default 1,000,000; a larger
        message goes alone), with at most ``max_in_flight`` requests in flight (default 4).
        With retries on (the default), every message carries a deduplication id, so a
        request retried after a lost answer cannot publish its messages twice. A request
        QStash refuses as a whole (413 too large, 400 invalid) is split in halves and resent,
        so the refusal ends up with the messages it is about and the others are published
        (within at most ``8 * n.bit_length()`` extra requests for ``n`` messages).

        Returns one result per message, in input order, and never raises for a message that
        failed: :class:`~qstash.message.Published` (``.result`` is what :meth:`publish`
        returns) or :class:`~qstash.message.Failed` (``.error`` is a
        :class:`~qstash.errors.BatchItemError` when QStash refused that message alone, or the
        error of the whole request that carried it, once its retries are spent). Check
        ``outcome.ok``. No messages: no request, an empty list.
        """
        check_limits(
            chunk_size=chunk_size, max_in_flight=max_in_flight, max_request_bytes=max_request_bytes
        )
        chunks = plan_chunks(
            messages,
            json=False,
            chunk_size=chunk_size,
            max_request_bytes=max_request_bytes,
            dedup_ids=self._client._dedup_ids(),
        )
        return await self._send_chunks(chunks, max_in_flight)

    async def publish_many_json(
        self,
        messages: Iterable[BatchJsonRequest],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    ) -> list[BulkResult]:
        """As :meth:`publish_many`, with each message's ``body`` serialised as JSON
        (``Content-Type: application/json``), as :meth:`batch_json` does."""
        check_limits(
            chunk_size=chunk_size, max_in_flight=max_in_flight, max_request_bytes=max_request_bytes
        )
        chunks = plan_chunks(
            messages,
            json=True,
            chunk_size=chunk_size,
            max_request_bytes=max_request_bytes,
            dedup_ids=self._client._dedup_ids(),
        )
        return await self._send_chunks(chunks, max_in_flight)

    async def _send_chunks(self, chunks: Sequence[Chunk], max_in_flight: int) -> list[BulkResult]:
        done = await AsyncTaskPool(max_in_flight).map(self._send_chunk, chunks)
        return [result for results in done for result in results]

    async def _send_chunk(self, chunk: Chunk) -> list[BulkResult]:
        outcome = await self._try_chunk(chunk)
        if isinstance(outcome, QStashError):
            return await self._narrow(chunk, outcome, NarrowingBudget(chunk.count))
        return outcome

    async def _try_chunk(self, chunk: Chunk) -> list[BulkResult] | QStashError:
        spec = chunk.spec
        try:
            response = await self._client._send(spec)
        except QStashError as error:
            # The transport already retried what was safe to retry: the final error.
            return error
        return chunk.results(response.content, self._client._secrets_of(spec))

    async def _narrow(
        self, chunk: Chunk, error: QStashError, budget: NarrowingBudget
    ) -> list[BulkResult]:
        """The request for ``chunk`` failed with ``error``: when QStash refused it as a whole
        and the budget allows, send its halves on their own (narrowing them in turn);
        otherwise its messages share ``error``."""
        if not (narrows(chunk, error) and budget.split()):
            return chunk.failed(error)
        results: list[BulkResult] = []
        for half in chunk.halves():
            outcome = await self._try_chunk(half)
            if isinstance(outcome, QStashError):
                outcome = await self._narrow(half, outcome, budget)
            results += outcome
        return results

    async def get(self, message_id: str) -> Message:
        """Get a message that is not delivered yet (``NotFoundError`` once it is gone)."""
        from qstash_openapi.api.messages import get_message

        response = await acall_endpoint(
            get_message.asyncio_detailed,
            require_id(message_id, "message_id"),
            client=self._client.openapi,
        )
        return parse_message(response.parsed)

    async def cancel(self, message_id: str) -> None:
        """Cancel one message. An empty id is refused (it must never become a bulk cancel)."""
        from qstash_openapi.api.messages import cancel_message

        await acall_endpoint(
            cancel_message.asyncio_detailed,
            require_id(message_id, "message_id"),
            client=self._client.openapi,
        )

    async def cancel_many(self, message_ids: Sequence[str]) -> int:
        """Cancel the given messages; returns how many were cancelled.

        An empty list is refused: use :meth:`cancel_all` to cancel everything.
        """
        from qstash_openapi.api.messages import cancel_messages

        ids = require_ids(message_ids, "message_ids")
        response = await acall_endpoint(
            cancel_messages.asyncio_detailed, client=self._client.openapi, message_ids=ids
        )
        return parse_cancelled(response.parsed)

    async def cancel_all(self, *, filter: MessageFilter | None = None) -> int:
        """Cancel every pending message matching ``filter`` (every pending message when None).

        ``filter`` selects by url, url_group, queue, schedule_id, label, flow_control_key,
        caller_ip, host, path and a from_time/to_time range (aware ``datetime`` or unix ms);
        several values per key match any of them. QStash cancels in chunks, so this repeats
        until done; returns how many were cancelled. A filter that selects nothing is refused
        rather than read as "everything".
        """
        from qstash_openapi.api.messages import cancel_messages

        params = bulk_filter(filter, MESSAGES)
        kwargs = openapi_kwargs({**params, "count": BULK_COUNT})
        total = 0
        while True:
            response = await acall_endpoint(
                cancel_messages.asyncio_detailed, client=self._client.openapi, **kwargs
            )
            cancelled = parse_cancelled(response.parsed)
            total += cancelled
            more, _ = bulk_next(None, None, cancelled, BULK_COUNT)
            if not more:
                return total
