"""The dead-letter queue: messages whose every delivery attempt failed, and ``client.dlq``.

``client.dlq`` is a :class:`DlqApi` (sync) or :class:`AsyncDlqApi` (async). Entries are listed a
page at a time (``list``) or all at once (``iterate``), fetched (``get``), deleted
(``delete``, ``delete_many``, ``delete_all``) or published again as new messages (``retry``,
``retry_many``, ``retry_all``). Filters (:class:`DlqFilter`) take several values per key (any
of them matches) and ``datetime`` times. Destructive calls on everything have their own
``*_all`` names: an empty id list is refused, never read as "everything".
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qstash._filters import DlqFilter, next_cursor
from qstash._lazy import api_classes
from qstash._parse import expect, first, header_map, opt
from qstash.message import Message, message_fields

if TYPE_CHECKING:
    import qstash_openapi.models as om
    from qstash._async.dlq import AsyncDlqApi
    from qstash._sync.dlq import DlqApi

__all__ = [
    "AsyncDlqApi",
    "DlqApi",
    "DlqFilter",
    "DlqMessage",
    "ListDlqMessagesResponse",
    "parse_deleted",
    "parse_dlq_message",
    "parse_dlq_page",
    "parse_retried",
    "parse_retried_one",
]


@dataclass(frozen=True, slots=True)
class DlqMessage(Message):
    """A DLQ entry: the message, its DLQ id and the destination's last answer.

    ``dlq_id`` (not ``message_id``) is what ``get``, ``delete`` and ``retry`` take.
    """

    dlq_id: str = field(default="", kw_only=True)
    response_status: int | None = field(default=None, kw_only=True)
    """HTTP status of the last delivery attempt."""
    response_headers: dict[str, list[str]] | None = field(default=None, kw_only=True)
    response_body: str | None = field(default=None, kw_only=True)
    """The last response body as text, when it is valid UTF-8."""
    response_body_base64: str | None = field(default=None, kw_only=True)
    """The last response body in base64, when it is not valid UTF-8."""

    @property
    def response_body_bytes(self) -> bytes | None:
        """The last response body as bytes, whichever way QStash sent it."""
        if self.response_body_base64 is not None:
            return base64.b64decode(self.response_body_base64)
        return None if self.response_body is None else self.response_body.encode()


@dataclass(frozen=True, slots=True)
class ListDlqMessagesResponse:
    """One page of DLQ entries; ``cursor`` fetches the next page and is ``None`` on the last."""

    cursor: str | None
    messages: list[DlqMessage]


def _dlq_message(model: om.DlqMessage, dlq_id: str | None = None) -> DlqMessage:
    return DlqMessage(
        **message_fields(model),
        # The official SDK falls back to the id it asked for when the entry omits it.
        dlq_id=opt(model.dlq_id) or dlq_id or "",
        response_status=opt(model.response_status),
        response_headers=header_map(first(model.response_header, model.response_headers)),
        response_body=opt(model.response_body),
        response_body_base64=opt(model.response_body_base_64),
    )


def parse_dlq_message(parsed: Any, dlq_id: str | None = None) -> DlqMessage:
    """A generated ``DlqMessage`` (from ``getDlqMessage``) as a :class:`DlqMessage`."""
    from qstash_openapi.models import DlqMessage as DlqMessageModel

    return _dlq_message(expect(parsed, DlqMessageModel), dlq_id)


def parse_dlq_page(parsed: Any) -> ListDlqMessagesResponse:
    """A generated ``ListDlqMessagesResponse``; an empty cursor becomes ``None``."""
    from qstash_openapi.models import ListDlqMessagesResponse as PageModel

    page = expect(parsed, PageModel)
    messages: list[om.DlqMessage] = opt(page.messages) or []
    return ListDlqMessagesResponse(next_cursor(page.cursor), [_dlq_message(m) for m in messages])


def parse_deleted(parsed: Any) -> tuple[int, str | None]:
    """A bulk delete's ``(deleted, cursor)``; an absent count is 0."""
    from qstash_openapi.models import DeleteDlqMessagesResponse

    result = expect(parsed, DeleteDlqMessagesResponse)
    return opt(result.deleted) or 0, next_cursor(result.cursor)


def parse_retried(parsed: Any) -> tuple[list[str], str | None]:
    """A bulk retry's ``(new message ids, cursor)``."""
    from qstash_openapi.models import RetryDlqMessagesResponse

    result = expect(parsed, RetryDlqMessagesResponse)
    responses: list[om.RetryDlqMessageResponse] = opt(result.responses) or []
    return [item.message_id for item in responses], next_cursor(result.cursor)


def parse_retried_one(parsed: Any) -> str:
    """The new message id of a single retry."""
    from qstash_openapi.models import RetryDlqMessageResponse

    return expect(parsed, RetryDlqMessageResponse).message_id


__getattr__ = api_classes("dlq", "DlqApi")
