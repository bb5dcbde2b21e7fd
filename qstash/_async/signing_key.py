"""``client.signing_key``: get and rotate the signing keys (async source)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qstash._parse import acall_endpoint
from qstash.signing_key import SigningKey, parse_signing_key

if TYPE_CHECKING:
    from qstash._async.client import AsyncQStash

__all__ = ["AsyncSigningKeyApi"]


class AsyncSigningKeyApi:
    """Signing keys: ``client.signing_key``."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncQStash) -> None:
        self._client = client

    async def get(self) -> SigningKey:
        """Get the current and the next signing key."""
        from qstash_openapi.api.signing_keys import get_signing_keys

        response = await acall_endpoint(
            get_signing_keys.asyncio_detailed, client=self._client.openapi
        )
        return parse_signing_key(response.parsed)

    async def rotate(self) -> SigningKey:
        """Rotate: the next key becomes current and a new next key is made; returns the pair.

        Update your receivers' keys afterwards: signatures made with the new next key fail
        against the old pair. Never resent once it may have reached QStash (a second call
        would rotate again).
        """
        from qstash_openapi.api.signing_keys import rotate_signing_keys

        response = await acall_endpoint(
            rotate_signing_keys.asyncio_detailed, client=self._client.openapi
        )
        return parse_signing_key(response.parsed)
