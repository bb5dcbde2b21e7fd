"""Guards for resource ids: an empty id must never reach the wire.

``DELETE /v2/messages/`` with an empty id is the bulk-cancel endpoint, so an empty or blank id
(or an empty id list) is refused before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from qstash._values import non_empty
from qstash.errors import InvalidArgumentError


def require_id(value: object, argument: str) -> str:
    """``value`` as a non-blank id string, else :class:`InvalidArgumentError`."""
    return non_empty(value, argument)


def require_ids(values: Sequence[str], argument: str) -> list[str]:
    """A non-empty list of non-blank ids (a bare string is refused: it is not a list of ids)."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise InvalidArgumentError(
            f"{argument} must be a list of ids, not {type(values).__name__}", argument=argument
        )
    if not values:
        raise InvalidArgumentError(
            f"{argument} is empty; to act on everything use the *_all method explicitly",
            argument=argument,
        )
    return [non_empty(value, f"{argument}[{index}]") for index, value in enumerate(values)]
