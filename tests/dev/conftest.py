"""Fixtures for the dev-server tests: the public fixtures, plus clients bound to them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from qstash import QStash
from qstash.dev import DevServerThread
from qstash.dev.testing import qstash_dev_server, qstash_sink  # the documented usage

__all__ = ["qstash_dev_server", "qstash_sink"]


@pytest.fixture
def dev_client(qstash_dev_server: DevServerThread) -> Iterator[QStash]:
    """Our SDK's sync client for the default dev user (no client-side retries)."""
    with qstash_dev_server.client(retry=False) as client:
        yield client


@pytest.fixture
def api(qstash_dev_server: DevServerThread) -> Iterator[httpx.Client]:
    """A plain httpx client with the default user's token, for raw wire checks."""
    with httpx.Client(
        base_url=qstash_dev_server.url,
        headers={"Authorization": f"Bearer {qstash_dev_server.token}"},
        timeout=10,
    ) as client:
        yield client
