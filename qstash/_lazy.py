"""Lazy re-exports of the API classes from the public area modules.

``qstash.schedule`` (say) offers ``ScheduleApi`` and ``AsyncScheduleApi``, but those classes
live in ``qstash._sync.schedule`` / ``qstash._async.schedule``, which import the public module:
resolving them on first use avoids the import cycle and keeps ``import qstash.schedule`` cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def api_classes(area: str, *names: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving ``name`` and ``Async<name>`` for each of ``names``."""
    table: dict[str, str] = {}
    for name in names:
        table[name] = f"qstash._sync.{area}"
        table[f"Async{name}"] = f"qstash._async.{area}"

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module 'qstash.{area}' has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__
