"""The dev server under load and faults: a sink failing a seeded share of attempts, and a
kill (SIGKILL, no clean stop) and restart of ``qstash dev --db`` in the middle of the run.
``scripts/reliability`` runs the same with 10,000 messages.
"""

from __future__ import annotations

from pathlib import Path

from qstash.dev import DevServerThread, ManualClock
from tests.reliability._devserver import run_load, run_restart
from tests.reliability._sink import RecordingSink, attempt_fails, expected_outcome


def test_the_failure_schedule_is_a_pure_function_of_the_seed() -> None:
    draws = [attempt_fails(7, f"m{i}", retried, 0.3) for i in range(200) for retried in range(3)]
    assert draws == [attempt_fails(7, f"m{i}", r, 0.3) for i in range(200) for r in range(3)]
    assert 0.2 < sum(draws) / len(draws) < 0.4
    assert expected_outcome(7, "m1", 2, 0.0) == 0
    assert expected_outcome(7, "m1", 2, 1.0) is None


def test_every_message_is_delivered_once_or_dead_lettered() -> None:
    with (
        DevServerThread(clock=ManualClock(), max_retry_delay=1.0) as server,
        RecordingSink(seed=11, fail_share=0.3) as sink,
    ):
        result = run_load(server, sink, 500, retries=2)
    assert result.lost == 0
    assert result.duplicates == 0
    assert result.mispredicted == []
    assert result.delivered + result.dead_lettered == 500
    assert result.dead_lettered == result.expected_dead > 0
    assert result.failed_attempts > 100  # the failures really happened, and were retried
    assert sink.unexpected == []


def test_a_killed_and_restarted_server_loses_nothing(tmp_path: Path) -> None:
    with RecordingSink(seed=3, fail_share=0.2, delay=0.005) as sink:
        result = run_restart(tmp_path / "state.db", sink, 300, retries=2, outage_calls=20)
    assert result.errors == []
    assert result.pending_at_kill > 0  # the kill came mid-run
    assert result.messages == 300
    assert result.returned_during_outage + result.raised_during_outage == 20
    assert result.lost == 0
    # At-least-once: only deliveries the kill interrupted may be repeated.
    assert result.delivered + result.dead_lettered == 300 + result.returned_during_outage
