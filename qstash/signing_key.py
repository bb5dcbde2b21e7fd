"""Signing keys: the two keys QStash signs deliveries with.

``client.signing_key`` is a :class:`SigningKeyApi` (sync) or :class:`AsyncSigningKeyApi`
(async). Give both keys to :class:`qstash.Receiver` so signatures verify across a rotation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qstash._lazy import api_classes
from qstash._parse import expect

if TYPE_CHECKING:
    from qstash._async.signing_key import AsyncSigningKeyApi
    from qstash._sync.signing_key import SigningKeyApi

__all__ = ["AsyncSigningKeyApi", "SigningKey", "SigningKeyApi"]


@dataclass(frozen=True, slots=True, repr=False)
class SigningKey:
    """The current and the next signing key. Both are secrets: the ``repr`` hides them."""

    current: str
    """The key deliveries are signed with now."""
    next: str
    """The key that becomes current at the next rotation."""

    def __repr__(self) -> str:
        return "SigningKey(current=<hidden>, next=<hidden>)"


def parse_signing_key(parsed: Any) -> SigningKey:
    """A generated ``SigningKeys`` (``getSigningKeys``, ``rotateSigningKeys``) as a
    :class:`SigningKey`."""
    from qstash_openapi.models import SigningKeys

    model = expect(parsed, SigningKeys)
    return SigningKey(current=model.current, next=model.next_)


__getattr__ = api_classes("signing_key", "SigningKeyApi")
