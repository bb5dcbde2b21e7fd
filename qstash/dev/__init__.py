"""A local QStash for development and tests: ``qstash dev`` / ``python -m qstash dev``.

It serves the QStash ``/v2`` API on ``http://127.0.0.1:8080`` for the four public dev users
(each with its own state), delivers messages for real over HTTP to any URL (loopback
included) with ``Upstash-Signature`` tokens that both the official SDKs' receivers and
:class:`qstash.Receiver` accept, and implements retries with QStash's backoff, the DLQ,
callbacks, URL groups, queues, flow control, schedules (cron with ``CRON_TZ``), dedup,
cancel, logs and signing-key rotation. State is in memory, or in SQLite with ``--db FILE``.

Public surface: :class:`DevServer` (async, on your loop), :class:`DevServerThread` (on a
background thread, with test controls), the clocks (:class:`ManualClock` for tests that move
time by hand, :class:`ScaledClock`), :data:`DEV_USERS`, the CLI (:mod:`qstash.dev.cli`) and the
pytest fixtures in :mod:`qstash.dev.testing`. Needs the ``qstash[dev]`` extra (aiohttp,
cronsim).

Local development only: no authentication beyond the public dev tokens, no TLS.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["DEV_USERS", "DevServer", "DevServerThread", "DevUser", "ManualClock", "ScaledClock"]

_EXPORTS = {
    "DEV_USERS": "qstash.dev._store",
    "DevUser": "qstash.dev._store",
    "DevServer": "qstash.dev.server",
    "DevServerThread": "qstash.dev.server",
    "ManualClock": "qstash.dev._clock",
    "ScaledClock": "qstash.dev._clock",
}

if TYPE_CHECKING:
    from qstash.dev._clock import ManualClock, ScaledClock
    from qstash.dev._store import DEV_USERS, DevUser
    from qstash.dev.server import DevServer, DevServerThread


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qstash.dev' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
