"""Fixtures of the reliability suite: a dev server, a counting sink and the fault proxy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qstash.dev import DevServerThread, ManualClock
from tests.reliability._proxy import FaultProxy
from tests.reliability._sink import RecordingSink


@pytest.fixture
def dev_server() -> Iterator[DevServerThread]:
    """A dev server on a free port whose clock moves only when told to."""
    with DevServerThread(clock=ManualClock(), max_retry_delay=1.0) as server:
        yield server


@pytest.fixture
def sink() -> Iterator[RecordingSink]:
    """A sink that answers every delivery 200 and counts them per message id."""
    with RecordingSink() as recording:
        yield recording


@pytest.fixture
def proxy(dev_server: DevServerThread) -> Iterator[FaultProxy]:
    """The fault proxy in front of ``dev_server``, forwarding everything untouched."""
    with FaultProxy(dev_server.url, hold=10.0) as fault_proxy:
        yield fault_proxy
