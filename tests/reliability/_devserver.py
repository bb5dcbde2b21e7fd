"""The dev server under load and faults, shared by the tests and ``scripts/reliability``.

:func:`run_load`: many messages, the sink failing a seeded share of attempts; every message
must end delivered exactly once or in the DLQ, exactly as the seed predicts.

:func:`run_restart`: ``qstash dev --db FILE`` as a subprocess, killed (SIGKILL, no clean
stop) while deliveries run and while a client keeps publishing, then restarted on the same
port and file: nothing accepted may be lost.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qstash import QStash, RetryPolicy
from qstash.dev import DEV_USERS, DevServerThread
from qstash.errors import QStashError
from tests.reliability._sink import RecordingSink, expected_outcome

__all__ = ["LoadFigures", "RestartFigures", "run_load", "run_restart"]

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 100  # messages per batch request


@dataclass(slots=True)
class LoadFigures:
    """What :func:`run_load` saw."""

    messages: int = 0
    attempts: int = 0
    """Delivery attempts the sink answered (failed ones included)."""
    failed_attempts: int = 0
    delivered: int = 0
    dead_lettered: int = 0
    expected_dead: int = 0
    """Messages the seed sends to the DLQ (every attempt fails)."""
    lost: int = 0
    """Neither delivered nor in the DLQ (must be 0)."""
    duplicates: int = 0
    """Successful deliveries beyond the first (must be 0 without restarts)."""
    mispredicted: list[str] = field(default_factory=list)
    """Messages whose attempts or end differ from the seed's prediction (must be empty)."""
    seconds: float = 0.0


def _dlq_ids(client: QStash) -> dict[str, int]:
    """DLQ entries per message id (from the ``id`` in each body)."""
    found: dict[str, int] = {}
    for entry in client.dlq.iterate(page_size=100):
        body = entry.body_bytes
        key = str(json.loads(body)["id"]) if body else entry.message_id
        found[key] = found.get(key, 0) + 1
    return found


def _chunks(ids: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def run_load(
    server: DevServerThread,
    sink: RecordingSink,
    messages: int,
    *,
    retries: int = 2,
    prefix: str = "load",
) -> LoadFigures:
    """Publish ``messages`` (``retries`` each) to ``sink`` and run them to the end.

    ``server`` needs a :class:`~qstash.dev.ManualClock` and a small ``max_retry_delay``.
    """
    figures = LoadFigures(messages=messages)
    start = time.monotonic()
    ids = [f"{prefix}-{index}" for index in range(messages)]
    with server.client(retry=False, timeout=60) as client:
        for chunk in _chunks(ids, CHUNK):
            client.message.batch_json(
                [
                    {"url": f"{sink.url}/load", "body": {"id": key}, "retries": retries}
                    for key in chunk
                ]
            )
        # Each step settles the deliveries due before time moves on: retries included.
        server.advance(3600, timeout=600)
        dead = _dlq_ids(client)
    figures.seconds = time.monotonic() - start
    successes = sink.successes
    attempts = sink.attempts
    for key in ids:
        expected = expected_outcome(sink.seed, key, retries, sink.fail_share)
        delivered = successes.get(key, 0)
        in_dlq = dead.get(key, 0)
        tries = attempts.get(key, 0)
        figures.attempts += tries
        figures.failed_attempts += tries - delivered
        figures.delivered += delivered > 0
        figures.dead_lettered += in_dlq > 0
        figures.expected_dead += expected is None
        figures.duplicates += max(0, delivered - 1)
        if not delivered and not in_dlq:
            figures.lost += 1
        want_tries = retries + 1 if expected is None else expected + 1
        if (expected is None) != (delivered == 0) or in_dlq != (expected is None):
            figures.mispredicted.append(f"{key}: delivered {delivered}, dlq {in_dlq}")
        elif tries != want_tries:
            figures.mispredicted.append(f"{key}: {tries} attempts, expected {want_tries}")
    return figures


@dataclass(slots=True)
class RestartFigures:
    """What :func:`run_restart` saw."""

    messages: int = 0
    """Messages accepted before the kill (calls that returned)."""
    delivered_before_kill: int = 0
    pending_at_kill: int = 0
    """Accepted messages not delivered yet when the server was killed."""
    publishes_during_outage: int = 0
    """Calls a client made while the server was killed and restarted."""
    returned_during_outage: int = 0
    raised_during_outage: int = 0
    delivered: int = 0
    dead_lettered: int = 0
    lost: int = 0
    """Accepted messages neither delivered nor in the DLQ after the restart (must be 0)."""
    redelivered: int = 0
    """Deliveries repeated because the kill came before the server recorded them
    (at-least-once; allowed)."""
    restart_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


class DevProcess:
    """``python -m qstash dev`` as a subprocess."""

    def __init__(self, db: Path, port: int = 0, *, max_retry_delay: float = 0.05) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "qstash",
                "dev",
                "--port",
                str(port),
                "--db",
                str(db),
                "--max-retry-delay",
                str(max_retry_delay),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        banner = self.process.stdout.readline()
        match = re.search(r"is running at (http://\S+)", banner)
        if match is None:
            self.kill()
            raise RuntimeError(f"qstash dev did not start: {banner!r} {self.stderr()}")
        self.url = match.group(1)
        self.port = int(self.url.rsplit(":", 1)[1])

    def kill(self) -> str:
        """SIGKILL (no clean stop, no flush); returns what it wrote to stderr."""
        self.process.kill()
        self.process.wait(10)
        return self.stderr()

    def stop(self) -> str:
        """Stop cleanly (SIGINT, as Ctrl+C) and return what it wrote to stderr."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.stderr()

    def stderr(self) -> str:
        """Close the pipes; returns stderr (once the process ended)."""
        if self.process.stdout is not None:
            self.process.stdout.close()
        err = self.process.stderr.read() if self.process.stderr is not None else ""
        if self.process.stderr is not None:
            self.process.stderr.close()
        return err or ""


def _outage_publisher(
    url: str,
    sink_url: str,
    count: int,
    retries: int,
    figures: RestartFigures,
    accepted: list[str],
) -> None:
    # Connect errors are always retried; a deadline long enough to span the restart.
    policy = RetryPolicy(max_retries=500, initial_delay=0.02, max_delay=0.1, total_timeout=30)
    with QStash(DEV_USERS[0].token, base_url=url, retry=policy, timeout=5) as client:
        for index in range(count):
            key = f"outage-{index}"
            figures.publishes_during_outage += 1
            try:
                client.message.publish_json(
                    url=f"{sink_url}/outage", body={"id": key}, retries=retries
                )
            except QStashError as exc:
                figures.raised_during_outage += 1
                figures.errors.append(f"{key}: {type(exc).__name__}: {exc}")
            else:
                figures.returned_during_outage += 1
                accepted.append(key)


def run_restart(
    db: Path,
    sink: RecordingSink,
    messages: int,
    *,
    retries: int = 2,
    kill_after: float = 0.2,
    outage_calls: int = 30,
    timeout: float = 60.0,
) -> RestartFigures:
    """Publish ``messages``, SIGKILL the server once ``kill_after`` of them were delivered,
    restart it on the same port and ``db``, and account for every accepted message.

    Half the messages go through a queue with parallelism 2 (delivered while the kill
    happens), half are published with a 1 s delay (still waiting at the kill). A second
    client publishes ``outage_calls`` messages one by one across the kill and restart.
    """
    figures = RestartFigures()
    killed_stderr = ""
    server = DevProcess(db)
    accepted: list[str] = []
    try:
        with QStash(DEV_USERS[0].token, base_url=server.url, retry=False, timeout=30) as client:
            client.queue.upsert("restart", parallelism=2)
            ids = [f"restart-{index}" for index in range(messages)]
            for chunk in _chunks(ids, CHUNK):
                items: list[dict[str, object]] = []
                for key in chunk:
                    item: dict[str, object] = {
                        "url": f"{sink.url}/restart",
                        "body": {"id": key},
                        "retries": retries,
                    }
                    if int(key.rsplit("-", 1)[1]) % 2:
                        item["delay"] = 1
                    else:
                        item["queue"] = "restart"
                    items.append(item)
                client.message.batch_json(items)  # type: ignore[arg-type]
                accepted.extend(chunk)
        figures.messages = len(accepted)
        sink.wait_for_total(max(1, int(messages * kill_after)), timeout)
        publisher = threading.Thread(
            target=_outage_publisher,
            args=(server.url, sink.url, outage_calls, retries, figures, accepted),
            daemon=True,
        )
        publisher.start()
        killed_stderr = server.kill()
        figures.delivered_before_kill = len(sink.successes)
        figures.pending_at_kill = figures.messages - figures.delivered_before_kill
        started = time.monotonic()
        server = DevProcess(db, server.port)
        figures.restart_seconds = time.monotonic() - started
        publisher.join(timeout)
        wanted = [
            key
            for key in accepted
            if expected_outcome(sink.seed, key, retries, sink.fail_share) is not None
        ]
        sink.wait_for_successes(wanted, timeout)
        with QStash(DEV_USERS[0].token, base_url=server.url, retry=False, timeout=30) as client:
            dead = _dlq_ids(client) if len(wanted) < len(accepted) else {}
            deadline = time.monotonic() + timeout
            # The DLQ fills as the last retries fail: wait for the expected entries.
            while len(dead) < len(accepted) - len(wanted) and time.monotonic() < deadline:
                time.sleep(0.05)
                dead = _dlq_ids(client)
    finally:
        stderr = server.stop()
    for text in (killed_stderr, stderr):
        if "Traceback" in text:
            figures.errors.append(text[-2000:])
    successes = sink.successes
    for key in accepted:
        count = successes.get(key, 0)
        figures.delivered += count > 0
        figures.dead_lettered += key in dead
        figures.redelivered += max(0, count - 1)
        if not count and key not in dead:
            figures.lost += 1
    return figures
