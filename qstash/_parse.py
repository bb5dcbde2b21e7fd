"""Helpers that turn generated ``qstash_openapi`` models into our small public results."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from qstash.errors import QStashError

T = TypeVar("T")
P = ParamSpec("P")

# What a generated model raises on a body that does not match the spec (a missing field, a
# list where an object belongs, a value of the wrong type, a body that is not JSON).
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError)


_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def _unreadable(exc: Exception) -> QStashError:
    # A field name at most, never a value: a body may carry a forwarded secret.
    key = exc.args[0] if isinstance(exc, KeyError) and exc.args else None
    named = isinstance(key, str) and _FIELD.fullmatch(key) is not None
    detail = f"the field {key!r} is missing" if named else type(exc).__name__
    return QStashError(f"QStash answered with a body that does not match its API ({detail})")


def _from_parsing(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while a generated endpoint read a response body (its
    ``_parse_response`` or a model's ``from_dict``), not by a transport, a hook or a bug."""
    frames = exc.__traceback__
    while frames is not None:
        frame = frames.tb_frame
        module = frame.f_globals.get("__name__", "")
        if module.startswith("qstash_openapi.models.") or (
            module.startswith("qstash_openapi.api.") and frame.f_code.co_name == "_parse_response"
        ):
            return True
        frames = frames.tb_next
    return False


def call_endpoint(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Call a generated endpoint function (``sync_detailed``); a 2xx body its model cannot
    read becomes a :class:`~qstash.errors.QStashError` instead of a bare ``KeyError``.
    Errors raised anywhere else (a transport, an event hook) pass through unchanged."""
    try:
        return call(*args, **kwargs)
    except _MALFORMED as exc:
        if _from_parsing(exc):
            raise _unreadable(exc) from None
        raise  # a transport's typed errors, a hook's or a transport's own bug


async def acall_endpoint(call: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
    """:func:`call_endpoint` for the async endpoint functions (``asyncio_detailed``)."""
    try:
        return await call(*args, **kwargs)
    except _MALFORMED as exc:
        if _from_parsing(exc):
            raise _unreadable(exc) from None
        raise  # a transport's typed errors, a hook's or a transport's own bug


def opt(value: T | Any) -> T | None:
    """The value, or None when the generated model left it ``UNSET``."""
    # The generated Unset is falsy and has no other instances; checking the class name keeps
    # this module from importing the generated package (and attrs) at import time.
    return None if type(value).__name__ == "Unset" else value


def header_map(value: Any) -> dict[str, list[str]] | None:
    """A generated ``HeaderMap`` (or UNSET) as a plain ``{name: [values]}`` dict."""
    if type(value).__name__ == "Unset" or value is None:
        return None
    return dict(value.additional_properties)


def first(*values: T | Any) -> T | None:
    """The first value that is set: for fields the server spells two ways."""
    for value in values:
        if value is not None and type(value).__name__ != "Unset":
            return value
    return None


def header_fields(model: Any) -> dict[str, dict[str, list[str]] | None]:
    """``headers``, ``callback_headers`` and ``failure_callback_headers`` of a generated
    message-like model (Message, DlqMessage, Schedule, Log), whichever spelling was sent."""
    return {
        "headers": header_map(model.header),
        "callback_headers": header_map(first(model.callback_header, model.callback_headers)),
        "failure_callback_headers": header_map(
            first(model.failure_callback_header, model.failure_callback_headers)
        ),
    }


def body_bytes(body: str | None, body_base64: str | None) -> bytes | None:
    """A body sent as UTF-8 text (``body``) or base64 (``body_base64``), as bytes."""
    import base64  # here: only needed when a caller asks for the bytes

    if body_base64 is not None:
        return base64.b64decode(body_base64)
    return None if body is None else body.encode()


def expect(parsed: Any, cls: type[T]) -> T:
    """Narrow a generated endpoint's ``parsed`` value, which is typed ``Any | Model``."""
    if not isinstance(parsed, cls):
        raise QStashError(f"QStash answered with an unexpected body (wanted {cls.__name__})")
    return parsed
