"""``client.flow_control``: inspect, pause, resume and pin flow-control keys (async source)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from qstash._guards import require_id
from qstash._parse import acall_endpoint
from qstash.errors import InvalidArgumentError
from qstash.flow_control import (
    FlowControlInfo,
    GlobalParallelismInfo,
    PinFlowControlOptions,
    UnpinFlowControlOptions,
    parse_flow_control_info,
    parse_flow_control_infos,
    parse_global_parallelism,
    pin_params,
    unpin_params,
)

if TYPE_CHECKING:
    from qstash._async.client import AsyncQStash

__all__ = ["AsyncFlowControlApi"]


class AsyncFlowControlApi:
    """Flow-control keys: ``client.flow_control``. Keys and limits are checked before sending."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncQStash) -> None:
        self._client = client

    async def get(self, flow_control_key: str) -> FlowControlInfo:
        """Get the limits, usage and waitlist of a key (``NotFoundError`` when unknown)."""
        from qstash_openapi.api.flow_control import get_flow_control_key

        response = await acall_endpoint(
            get_flow_control_key.asyncio_detailed,
            require_id(flow_control_key, "flow_control_key"),
            client=self._client.openapi,
        )
        return parse_flow_control_info(response.parsed)

    async def get_global_parallelism(self) -> GlobalParallelismInfo:
        """Get the account-wide parallelism limit and the deliveries in flight."""
        from qstash_openapi.api.flow_control import get_global_parallelism

        response = await acall_endpoint(
            get_global_parallelism.asyncio_detailed, client=self._client.openapi
        )
        return parse_global_parallelism(response.parsed)

    async def pause(self, flow_control_key: str) -> None:
        """Pause deliveries of a key's messages; new ones wait in its waitlist. Idempotent."""
        from qstash_openapi.api.flow_control import pause_flow_control_key

        await acall_endpoint(
            pause_flow_control_key.asyncio_detailed,
            require_id(flow_control_key, "flow_control_key"),
            client=self._client.openapi,
        )

    async def resume(self, flow_control_key: str) -> None:
        """Resume deliveries of a key's messages. Idempotent."""
        from qstash_openapi.api.flow_control import resume_flow_control_key

        await acall_endpoint(
            resume_flow_control_key.asyncio_detailed,
            require_id(flow_control_key, "flow_control_key"),
            client=self._client.openapi,
        )

    async def pin(
        self,
        flow_control_key: str,
        options: PinFlowControlOptions | None = None,
        *,
        parallelism: int | None = None,
        rate: int | None = None,
        period: int | str | timedelta | None = None,
    ) -> None:
        """Pin a key's limits: they override the values messages carry, until unpinned.

        Args:
            flow_control_key: the key.
            options: the official SDK's form, ``{"parallelism": 2, "rate": 10, "period": 60}``;
                or use the keyword arguments instead (not both).
            parallelism: maximum deliveries in flight at once (0 or more).
            rate: maximum deliveries started per period (0 or more).
            period: the rate period: seconds, a duration like ``"1m"``, or a timedelta
                (sent in seconds).

        Give at least one limit; only those given are pinned. Pinning resets the rate count.
        """
        from qstash_openapi.api.flow_control import pin_flow_control_key

        key = require_id(flow_control_key, "flow_control_key")
        params = pin_params(options, parallelism=parallelism, rate=rate, period=period)
        await acall_endpoint(
            pin_flow_control_key.asyncio_detailed, key, client=self._client.openapi, **params
        )

    async def unpin(
        self,
        flow_control_key: str,
        options: UnpinFlowControlOptions | None = None,
        *,
        parallelism: bool = False,
        rate: bool = False,
    ) -> None:
        """Release pinned limits of a key; messages' own values apply again.

        Args:
            flow_control_key: the key.
            options: the official SDK's form, ``{"parallelism": True, "rate": True}``; or use
                the keyword arguments instead (not both).
            parallelism: release the pinned parallelism.
            rate: release the pinned rate (and period).

        At least one must be True.
        """
        from qstash_openapi.api.flow_control import unpin_flow_control_key

        key = require_id(flow_control_key, "flow_control_key")
        params = unpin_params(options, parallelism=parallelism, rate=rate)
        await acall_endpoint(
            unpin_flow_control_key.asyncio_detailed, key, client=self._client.openapi, **params
        )

    async def reset_rate(self, flow_control_key: str) -> None:
        """Reset a key's rate: the count goes to 0 and a new period starts now."""
        from qstash_openapi.api.flow_control import reset_flow_control_rate

        await acall_endpoint(
            reset_flow_control_rate.asyncio_detailed,
            require_id(flow_control_key, "flow_control_key"),
            client=self._client.openapi,
        )

    # Last, so the method named `list` does not shadow the builtin in the annotations above.
    async def list(self, search: str | None = None) -> list[FlowControlInfo]:
        """List the flow-control keys, or only those containing ``search``.

        ``GET /v2/flowControl`` was announced in the QStash changelog (February 2026) and no
        official SDK calls it yet; a server without it answers ``NotFoundError``.
        """
        from qstash_openapi.api.flow_control import list_flow_control_keys
        from qstash_openapi.types import UNSET

        if search is not None and not isinstance(search, str):
            raise InvalidArgumentError(
                f"search must be a string, got {type(search).__name__}", argument="search"
            )
        response = await acall_endpoint(
            list_flow_control_keys.asyncio_detailed,
            client=self._client.openapi,
            search=search or UNSET,
        )
        return parse_flow_control_infos(response.parsed)
