"""Deprecated: the py2 ``client.event`` names, kept so code written for them runs.

Everything here is an alias of :mod:`qstash.log`: ``Event`` is :class:`~qstash.log.Log`,
``EventState`` :class:`~qstash.log.LogState`, ``EventFilter`` :class:`~qstash.log.LogFilter`.
``client.event.list`` warns with a ``DeprecationWarning``; use ``client.log`` instead.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qstash._async.log import AsyncEventApi
    from qstash._filters import LogFilter as EventFilter
    from qstash._sync.log import EventApi
    from qstash.log import ListEventsResponse
    from qstash.log import Log as Event
    from qstash.log import LogState as EventState

__all__ = [
    "AsyncEventApi",
    "Event",
    "EventApi",
    "EventFilter",
    "EventState",
    "ListEventsResponse",
]

# public name -> (module, name there); loaded on first use to keep this import cheap
_ALIASES: dict[str, tuple[str, str]] = {
    "AsyncEventApi": ("qstash._async.log", "AsyncEventApi"),
    "Event": ("qstash.log", "Log"),
    "EventApi": ("qstash._sync.log", "EventApi"),
    "EventFilter": ("qstash._filters", "LogFilter"),
    "EventState": ("qstash.log", "LogState"),
    "ListEventsResponse": ("qstash.log", "ListEventsResponse"),
}


def __getattr__(name: str) -> Any:
    target = _ALIASES.get(name)
    if target is None:
        raise AttributeError(f"module 'qstash.event' has no attribute {name!r}")
    return getattr(importlib.import_module(target[0]), target[1])


def __dir__() -> list[str]:
    return sorted(__all__)
