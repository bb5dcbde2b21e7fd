"""``client.url_group``: endpoints, get, list and delete URL groups (async source)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qstash import _values
from qstash._parse import acall_endpoint
from qstash.url_group import (
    RemoveEndpointRequest,
    UpsertEndpointRequest,
    UrlGroup,
    parse_url_group,
    parse_url_groups,
    remove_body,
    upsert_body,
)

if TYPE_CHECKING:
    from qstash._async.client import AsyncQStash

__all__ = ["AsyncUrlGroupApi"]


class AsyncUrlGroupApi:
    """URL groups: ``client.url_group``. Names and endpoints are checked before sending."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncQStash) -> None:
        self._client = client

    async def upsert_endpoints(
        self, url_group: str, endpoints: Sequence[UpsertEndpointRequest]
    ) -> None:
        """Add endpoints to a URL group, creating the group if needed.

        Each endpoint is ``{"url": "https://...", "name": "optional"}``; an endpoint whose URL
        is already in the group is updated. An empty list is refused.
        """
        from qstash_openapi.api.url_groups import upsert_url_group_endpoints

        group = _values.name(url_group, "url_group")
        body = upsert_body(endpoints)
        await acall_endpoint(
            upsert_url_group_endpoints.asyncio_detailed,
            group,
            client=self._client.openapi,
            body=body,
        )

    async def remove_endpoints(
        self, url_group: str, endpoints: Sequence[RemoveEndpointRequest]
    ) -> None:
        """Remove endpoints from a URL group, each given by ``url`` or ``name``.

        Removing the last endpoint deletes the group. An empty list is refused.
        """
        from qstash_openapi.api.url_groups import remove_url_group_endpoints

        group = _values.name(url_group, "url_group")
        body = remove_body(endpoints)
        await acall_endpoint(
            remove_url_group_endpoints.asyncio_detailed,
            group,
            client=self._client.openapi,
            body=body,
        )

    async def get(self, url_group: str) -> UrlGroup:
        """Get a URL group with its endpoints (``NotFoundError`` when there is none)."""
        from qstash_openapi.api.url_groups import get_url_group

        response = await acall_endpoint(
            get_url_group.asyncio_detailed,
            _values.name(url_group, "url_group"),
            client=self._client.openapi,
        )
        return parse_url_group(response.parsed)

    async def delete(self, url_group: str) -> None:
        """Delete a URL group. Messages already published to it are still delivered."""
        from qstash_openapi.api.url_groups import delete_url_group

        await acall_endpoint(
            delete_url_group.asyncio_detailed,
            _values.name(url_group, "url_group"),
            client=self._client.openapi,
        )

    # Last, so the method named `list` does not shadow the builtin in the annotations above.
    async def list(self) -> list[UrlGroup]:
        """List every URL group with its endpoints (one request; not paginated)."""
        from qstash_openapi.api.url_groups import list_url_groups

        response = await acall_endpoint(
            list_url_groups.asyncio_detailed, client=self._client.openapi
        )
        return parse_url_groups(response.parsed)
