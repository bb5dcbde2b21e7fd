"""Small typed helpers for the dev-server tests."""

from __future__ import annotations

from qstash.message import PublishResponse, PublishResult


def one(result: PublishResult) -> PublishResponse:
    """The single result of a publish/enqueue to a URL (not a URL group)."""
    assert isinstance(result, PublishResponse), result
    return result
