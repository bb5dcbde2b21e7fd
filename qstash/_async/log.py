"""``client.log``: list and iterate log entries; ``client.event``: its deprecated py2 name
(async source)."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from qstash._filters import LOGS, LogFilter, count_param, cursor_param, filter_query, openapi_kwargs
from qstash._parse import acall_endpoint
from qstash.errors import QStashError
from qstash.log import ListEventsResponse, ListLogsResponse, Log, parse_log_page

if TYPE_CHECKING:
    from qstash._async.client import AsyncQStash

__all__ = ["AsyncEventApi", "AsyncLogApi"]


async def _list_page(
    client: AsyncQStash,
    cursor: str | int | None,
    count: int | None,
    filter: LogFilter | None,
    *,
    legacy: bool = False,
) -> ListLogsResponse:
    from qstash_openapi.api.logs import list_events, list_logs

    params = filter_query(filter, LOGS)
    kwargs = openapi_kwargs({**params, "cursor": cursor_param(cursor), "count": count_param(count)})
    # `GET /v2/logs` is the documented endpoint; `GET /v2/events` is its older name, which the
    # official SDKs still call and the deprecated `client.event` keeps using.
    endpoint = list_events if legacy else list_logs
    response = await acall_endpoint(endpoint.asyncio_detailed, client=client.openapi, **kwargs)
    return parse_log_page(response.parsed)


class AsyncLogApi:
    """Logs: ``client.log``. One entry per state change of a message (created, delivered,
    failed...), newest first, kept for the plan's retention period."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncQStash) -> None:
        self._client = client

    async def list(
        self,
        *,
        cursor: str | int | None = None,
        count: int | None = None,
        filter: LogFilter | None = None,
    ) -> ListLogsResponse:
        """List one page of log entries, newest first (``GET /v2/logs``).

        Args:
            cursor: the ``cursor`` of the previous page (a number is sent as its digits);
                ``None`` for the first page.
            count: page size (QStash's API reference gives a maximum of 100).
            filter: which entries (:class:`~qstash.log.LogFilter`); several values per key
                match any of them, times take an aware ``datetime`` or unix milliseconds.

        Returns the entries and the cursor of the next page (``None`` on the last page). To
        walk every page, use :meth:`iterate`.
        """
        return await _list_page(self._client, cursor, count, filter)

    async def iterate(
        self, *, filter: LogFilter | None = None, page_size: int | None = None
    ) -> AsyncIterator[Log]:
        """Every log entry matching ``filter``, newest first, page after page, with ``async for``.

        ``page_size`` is the number of entries fetched per request (QStash's default when
        ``None``). Pages are fetched as the loop goes; stopping the loop stops fetching.
        """
        cursor: str | None = None
        while True:
            page = await _list_page(self._client, cursor, page_size, filter)
            # The sync twin keeps this loop too: `yield from` has no async form.
            for log in page.logs:  # noqa: UP028, RUF100
                yield log
            if page.cursor is None:
                return
            if page.cursor == cursor:
                raise QStashError(f"QStash answered the same log cursor twice ({cursor!r})")
            cursor = page.cursor


class AsyncEventApi:
    """Deprecated: ``client.event``, the py2 name of ``client.log``.

    Kept so code written for the official SDK 2.x runs; every call warns with a
    ``DeprecationWarning``. Use ``client.log.list`` (entries under ``.logs``) instead.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AsyncQStash) -> None:
        self._client = client

    async def list(
        self,
        *,
        cursor: str | int | None = None,
        count: int | None = None,
        filter: LogFilter | None = None,
    ) -> ListEventsResponse:
        """Deprecated: use ``client.log.list``. The same page, with the entries as ``events``."""
        warnings.warn(
            "client.event is deprecated; use client.log (log.list returns the same entries "
            "under .logs)",
            DeprecationWarning,
            stacklevel=2,
        )
        page = await _list_page(self._client, cursor, count, filter, legacy=True)
        return ListEventsResponse(page.cursor, page.logs)
