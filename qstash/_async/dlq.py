"""``client.dlq``: list, get, delete and retry dead-letter-queue entries (async source)."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from qstash._filters import (
    BULK_COUNT,
    DLQ,
    DlqFilter,
    QueryValue,
    bulk_filter,
    bulk_next,
    count_param,
    cursor_param,
    filter_query,
    openapi_kwargs,
)
from qstash._guards import require_id, require_ids
from qstash._parse import acall_endpoint
from qstash.dlq import (
    DlqMessage,
    ListDlqMessagesResponse,
    parse_deleted,
    parse_dlq_message,
    parse_dlq_page,
    parse_retried,
    parse_retried_one,
)
from qstash.errors import QStashError

if TYPE_CHECKING:
    from qstash._async.client import AsyncQStash

__all__ = ["AsyncDlqApi"]


class AsyncDlqApi:
    """The dead-letter queue: ``client.dlq``.

    Entries land here when every delivery attempt of a message failed. Each has a ``dlq_id``
    (distinct from its ``message_id``) used by :meth:`get`, :meth:`delete` and :meth:`retry`.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AsyncQStash) -> None:
        self._client = client

    async def get(self, dlq_id: str) -> DlqMessage:
        """Get one DLQ entry with the destination's last response (``GET /v2/dlq/{dlqId}``)."""
        from qstash_openapi.api.dlq import get_dlq_message

        dlq_id = require_id(dlq_id, "dlq_id")
        response = await acall_endpoint(
            get_dlq_message.asyncio_detailed, dlq_id, client=self._client.openapi
        )
        return parse_dlq_message(response.parsed, dlq_id)

    async def list(
        self,
        *,
        cursor: str | int | None = None,
        count: int | None = None,
        filter: DlqFilter | None = None,
        dlq_ids: Sequence[str] | None = None,
    ) -> ListDlqMessagesResponse:
        """List one page of DLQ entries, newest first (``GET /v2/dlq``).

        Args:
            cursor: the ``cursor`` of the previous page; ``None`` for the first page.
            count: page size (QStash's maximum is 100).
            filter: which entries (:class:`~qstash.dlq.DlqFilter`); several values per key
                match any of them.
            dlq_ids: only these entries (sent as repeated ``dlqIds`` parameters).

        Returns the entries and the cursor of the next page (``None`` on the last page). To
        walk every page, use :meth:`iterate`.
        """
        from qstash_openapi.api.dlq import list_dlq_messages

        params = filter_query(filter, DLQ)
        if dlq_ids is not None:
            params["dlqIds"] = require_ids(dlq_ids, "dlq_ids")
        kwargs = openapi_kwargs(
            {**params, "cursor": cursor_param(cursor), "count": count_param(count)}
        )
        response = await acall_endpoint(
            list_dlq_messages.asyncio_detailed, client=self._client.openapi, **kwargs
        )
        return parse_dlq_page(response.parsed)

    async def iterate(
        self, *, filter: DlqFilter | None = None, page_size: int | None = None
    ) -> AsyncIterator[DlqMessage]:
        """Every DLQ entry matching ``filter``, page after page, with ``async for``.

        ``page_size`` is the number of entries fetched per request (QStash's default when
        ``None``). Pages are fetched as the loop goes; stopping the loop stops fetching.
        """
        cursor: str | None = None
        while True:
            page = await self.list(cursor=cursor, count=page_size, filter=filter)
            # The sync twin keeps this loop too: `yield from` has no async form.
            for message in page.messages:  # noqa: UP028, RUF100
                yield message
            if page.cursor is None:
                return
            if page.cursor == cursor:
                raise QStashError(f"QStash answered the same DLQ cursor twice ({cursor!r})")
            cursor = page.cursor

    async def delete(self, dlq_id: str) -> None:
        """Delete one DLQ entry (``DELETE /v2/dlq/{dlqId}``). An empty id is refused."""
        from qstash_openapi.api.dlq import delete_dlq_message

        await acall_endpoint(
            delete_dlq_message.asyncio_detailed,
            require_id(dlq_id, "dlq_id"),
            client=self._client.openapi,
        )

    async def delete_many(self, dlq_ids: Sequence[str]) -> int:
        """Delete the given DLQ entries; returns how many were deleted.

        Sent as ``DELETE /v2/dlq?dlqIds=..&dlqIds=..``. An empty list is refused: use
        :meth:`delete_all` to delete everything.
        """
        return await self._delete({"dlqIds": require_ids(dlq_ids, "dlq_ids")}, None)

    async def delete_all(self, *, filter: DlqFilter | None = None) -> int:
        """Delete every DLQ entry matching ``filter``, or every entry when ``filter`` is None.

        QStash deletes in bounded chunks, so this repeats (following the returned cursor)
        until done. Returns how many were deleted. A filter that selects nothing (empty, or
        every key None) is refused rather than read as "everything".
        """
        return await self._delete(bulk_filter(filter, DLQ), BULK_COUNT)

    async def retry(self, dlq_id: str) -> str:
        """Publish a DLQ entry again as a new message and remove the entry.

        Sent as ``POST /v2/dlq/retry/{dlqId}``; returns the new message id.
        """
        from qstash_openapi.api.dlq import retry_dlq_message

        response = await acall_endpoint(
            retry_dlq_message.asyncio_detailed,
            require_id(dlq_id, "dlq_id"),
            client=self._client.openapi,
        )
        return parse_retried_one(response.parsed)

    async def retry_many(self, dlq_ids: Sequence[str]) -> builtins.list[str]:
        """Retry the given DLQ entries; returns the new message ids.

        Sent as ``POST /v2/dlq/retry?dlqIds=..&dlqIds=..``. An empty list is refused: use
        :meth:`retry_all` to retry everything.
        """
        return await self._retry({"dlqIds": require_ids(dlq_ids, "dlq_ids")}, None)

    async def retry_all(self, *, filter: DlqFilter | None = None) -> builtins.list[str]:
        """Retry every DLQ entry matching ``filter``, or every entry when ``filter`` is None.

        Repeats in bounded chunks (following the returned cursor) until done; returns the new
        message ids. A filter that selects nothing is refused rather than read as "everything".
        """
        return await self._retry(bulk_filter(filter, DLQ), BULK_COUNT)

    async def _delete(self, params: dict[str, QueryValue], count: int | None) -> int:
        from qstash_openapi.api.dlq import delete_dlq_messages

        total = 0
        cursor: str | None = None
        while True:
            kwargs = openapi_kwargs({**params, "cursor": cursor, "count": count})
            response = await acall_endpoint(
                delete_dlq_messages.asyncio_detailed, client=self._client.openapi, **kwargs
            )
            deleted, received = parse_deleted(response.parsed)
            total += deleted
            more, cursor = bulk_next(cursor, received, deleted, count)
            if not more:
                return total

    async def _retry(self, params: dict[str, QueryValue], count: int | None) -> builtins.list[str]:
        from qstash_openapi.api.dlq import retry_dlq_messages

        message_ids: builtins.list[str] = []
        cursor: str | None = None
        while True:
            kwargs = openapi_kwargs({**params, "cursor": cursor, "count": count})
            response = await acall_endpoint(
                retry_dlq_messages.asyncio_detailed, client=self._client.openapi, **kwargs
            )
            retried, received = parse_retried(response.parsed)
            message_ids += retried
            more, cursor = bulk_next(cursor, received, len(retried), count)
            if not more:
                return message_ids
