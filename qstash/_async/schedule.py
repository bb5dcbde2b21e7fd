"""``client.schedule``: create, get, list, delete, pause and resume schedules (async source)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from qstash._guards import require_id
from qstash._options import ScheduleJsonOptions, ScheduleOptions
from qstash._parse import acall_endpoint
from qstash.schedule import (
    Schedule,
    create_request,
    parse_schedule,
    parse_schedule_id,
    parse_schedules,
)

if TYPE_CHECKING:
    from qstash._async.client import AsyncQStash

__all__ = ["AsyncScheduleApi"]


class AsyncScheduleApi:
    """Schedules: ``client.schedule``. Options are keyword-only and checked before sending.

    The options of ``create`` are described in :mod:`qstash.schedule`; each becomes one
    ``Upstash-*`` header, the same way as for a published message.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AsyncQStash) -> None:
        self._client = client

    async def create(self, **options: Unpack[ScheduleOptions]) -> str:
        """Create a schedule with a raw ``str``/``bytes`` body; returns its id.

        ``destination`` (a URL or URL group name) and ``cron`` are required. With an existing
        ``schedule_id`` the schedule is updated instead (and the call is safe to retry).
        ``content_type`` defaults to ``application/json``.
        """
        spec = create_request(options, json=False)
        return parse_schedule_id((await self._client._send(spec)).content)

    async def create_json(self, **options: Unpack[ScheduleJsonOptions]) -> str:
        """Create a schedule whose ``body`` is sent as JSON; returns its id.

        Otherwise as :meth:`create`.
        """
        spec = create_request(options, json=True)
        return parse_schedule_id((await self._client._send(spec)).content)

    async def get(self, schedule_id: str) -> Schedule:
        """Get a schedule by id (``NotFoundError`` when there is none)."""
        from qstash_openapi.api.schedules import get_schedule

        response = await acall_endpoint(
            get_schedule.asyncio_detailed,
            require_id(schedule_id, "schedule_id"),
            client=self._client.openapi,
        )
        return parse_schedule(response.parsed)

    async def delete(self, schedule_id: str) -> None:
        """Delete a schedule. Messages it already produced are not affected."""
        from qstash_openapi.api.schedules import delete_schedule

        await acall_endpoint(
            delete_schedule.asyncio_detailed,
            require_id(schedule_id, "schedule_id"),
            client=self._client.openapi,
        )

    async def pause(self, schedule_id: str) -> None:
        """Pause a schedule: its ticks are skipped until it is resumed. Idempotent."""
        from qstash_openapi.api.schedules import pause_schedule

        await acall_endpoint(
            pause_schedule.asyncio_detailed,
            require_id(schedule_id, "schedule_id"),
            client=self._client.openapi,
        )

    async def resume(self, schedule_id: str) -> None:
        """Resume a paused schedule. Idempotent."""
        from qstash_openapi.api.schedules import resume_schedule

        await acall_endpoint(
            resume_schedule.asyncio_detailed,
            require_id(schedule_id, "schedule_id"),
            client=self._client.openapi,
        )

    # Last, so the method named `list` does not shadow the builtin in the annotations above.
    async def list(self) -> list[Schedule]:
        """List every schedule (one request; QStash does not paginate schedules)."""
        from qstash_openapi.api.schedules import list_schedules

        response = await acall_endpoint(
            list_schedules.asyncio_detailed, client=self._client.openapi
        )
        return parse_schedules(response.parsed)
