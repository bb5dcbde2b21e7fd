"""The reliability suite behind ``scripts/reliability``: the checks of ``tests/reliability``
with a large N, and the figures they produce.

1. Faults: sync and async clients call ``publish_json``, ``batch_json`` and ``enqueue_json``
   (``--calls`` times each) through a fault-injecting proxy in front of the dev server,
   which resets connections, drops answers the server acted on, answers 502/503/504 and 429,
   and stalls past the client timeout, on a seeded schedule. Figures: calls made and how they
   ended, faults injected by kind, messages delivered, duplicates, lost.
2. Load: ``--messages`` messages through the dev server to a sink failing a seeded share of
   attempts; each must end delivered once or in the DLQ, as the seed predicts.
3. Restart: ``qstash dev --db`` killed (SIGKILL) mid-run while a client keeps publishing,
   then restarted on the same port and file; nothing accepted may be lost.
4. Receiver attack: ``--examples`` hypothesis examples per attack family; forged tokens
   tried and accepted (must be 0).

Everything runs on 127.0.0.1. The exit status is 1 when any promise was broken (a message
lost or duplicated, an untyped error, a hang, a forged token accepted), else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run from a checkout: the suite's modules live in tests/, the generated client in generated/.
sys.path.insert(0, str(ROOT))
if importlib.util.find_spec("qstash_openapi") is None:
    sys.path.append(str(ROOT / "generated"))

import httpx  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from qstash.dev import DevServerThread, ManualClock  # noqa: E402
from tests.reliability import _attack  # noqa: E402
from tests.reliability._devserver import run_load, run_restart  # noqa: E402
from tests.reliability._faults import (  # noqa: E402
    DEFAULT_RATES,
    MODES,
    fast_policy,
    figures,
    run_async,
    run_sync,
)
from tests.reliability._proxy import FAULTS, Fault, FaultProxy, FaultSchedule  # noqa: E402
from tests.reliability._sink import RecordingSink  # noqa: E402

ATTEMPT_TIMEOUT = httpx.Timeout(0.3, connect=1.0)


def _plain(figures: Any) -> dict[str, Any]:
    """A figures dataclass as a dict (dataclasses.asdict would rebuild a Counter from pairs)."""
    result: dict[str, Any] = {}
    for field in fields(figures):
        value = getattr(figures, field.name)
        result[field.name] = dict(value) if isinstance(value, Counter) else value
    return result


BOUND = 11.0  # the retry deadline (10 s) plus one attempt cut short by it


def _faults(calls: int, seed_value: int) -> dict[str, Any]:
    with (
        DevServerThread(clock=ManualClock()) as server,
        RecordingSink() as sink,
        FaultProxy(server.url, FaultSchedule(seed_value, DEFAULT_RATES), hold=30) as proxy,
    ):
        options: dict[str, Any] = {
            "base_url": proxy.url,
            "retry": fast_policy(),
            "timeout": ATTEMPT_TIMEOUT,
        }
        with server.client(**options) as client:
            records = run_sync(client, sink.url, calls)

        async def run() -> list[Any]:
            async with server.async_client(**options) as aclient:
                return await run_async(aclient, sink.url, calls, concurrency=16, bound=BOUND)

        records += asyncio.run(run())
        server.run_due(timeout=600)
        result = figures(records, sink.successes, proxy.counts, bound=BOUND)
    return {**_plain(result), "unexpected_bodies": len(sink.unexpected)}


def _load(messages: int, seed_value: int) -> dict[str, Any]:
    with (
        DevServerThread(clock=ManualClock(), max_retry_delay=1.0) as server,
        RecordingSink(seed=seed_value, fail_share=0.3) as sink,
    ):
        result = run_load(server, sink, messages, retries=2)
    return {**_plain(result), "fail_share": 0.3, "retries": 2}


def _restart(messages: int, outage_calls: int, seed_value: int) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory() as folder,
        RecordingSink(seed=seed_value, fail_share=0.2, delay=0.005) as sink,
    ):
        result = run_restart(
            Path(folder) / "state.db", sink, messages, outage_calls=outage_calls, timeout=300
        )
    return _plain(result)


def _attack_run(examples: int, seed_value: int) -> dict[str, Any]:
    per_property: dict[str, dict[str, int]] = {}
    failures: dict[str, str] = {}
    for name, strategy in _attack.PROPERTIES.items():
        before = Counter(_attack.TALLY)

        @seed(seed_value)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(attempt=strategy)
        def run(attempt: _attack.Attempt) -> None:
            _attack.check(attempt)

        try:
            run()
        except Exception as exc:  # reported, and the exit status says so
            failures[name] = f"{type(exc).__name__}: {str(exc)[:500]}"
        per_property[name] = dict(Counter(_attack.TALLY) - before)
    total = dict(_attack.TALLY)
    return {
        "examples_per_property": examples,
        "per_property": per_property,
        **total,
        "failures": failures,
    }


def _faults_lines(f: dict[str, Any], calls: int) -> list[str]:
    made = sum(f["calls"].values())
    raised = sum(f["raised"].values())
    faults = f["faults"]
    injected = {kind: faults.get(kind, 0) for kind in (fault.value for fault in FAULTS)}
    return [
        f"== faults through the proxy: {calls} calls per mode ({', '.join(MODES)}), sync and async",
        f"calls made: {made} ({', '.join(f'{k} {v}' for k, v in sorted(f['calls'].items()))})",
        f"calls returned: {made - raised}; raised: {raised} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(f['raised'].items())) or 'none'})",
        f"requests seen by the proxy: {sum(faults.values())}; forwarded untouched: "
        f"{faults.get(Fault.PASS.value, 0)}",
        "faults injected: "
        + ", ".join(f"{kind} {count}" for kind, count in injected.items())
        + f" (total {sum(injected.values())})",
        f"messages: {f['messages']}; delivered: {f['delivered']} (of which "
        f"{f['raised_but_delivered']} from calls that raised); duplicates: {f['duplicates']}; "
        f"lost: {f['lost']}",
        f"slowest call: {f['slowest_call']:.2f} s; broken promises: {len(f['problems'])}",
        *(f"  {problem}" for problem in f["problems"][:20]),
    ]


def _load_lines(f: dict[str, Any]) -> list[str]:
    return [
        f"== dev server load: {f['messages']} messages, sink failing {f['fail_share']:.0%} of "
        f"attempts, {f['retries']} retries each",
        f"delivery attempts: {f['attempts']} (failed {f['failed_attempts']}); delivered: "
        f"{f['delivered']}; dead-lettered: {f['dead_lettered']} (predicted "
        f"{f['expected_dead']}); lost: {f['lost']}; duplicates: {f['duplicates']}; "
        f"mispredicted: {len(f['mispredicted'])}; {f['seconds']:.1f} s",
    ]


def _restart_lines(f: dict[str, Any]) -> list[str]:
    return [
        "== kill -9 and restart of qstash dev --db mid-run",
        f"accepted before the kill: {f['messages']}; delivered before the kill: "
        f"{f['delivered_before_kill']}; pending at the kill: {f['pending_at_kill']}",
        f"published across the kill and restart: {f['publishes_during_outage']} (returned "
        f"{f['returned_during_outage']}, raised {f['raised_during_outage']}); restart took "
        f"{f['restart_seconds']:.2f} s",
        f"after the restart: delivered {f['delivered']}, dead-lettered {f['dead_lettered']}, "
        f"lost {f['lost']}, redelivered (at-least-once, interrupted by the kill) "
        f"{f['redelivered']}; errors: {len(f['errors'])}",
    ]


def _attack_lines(f: dict[str, Any]) -> list[str]:
    lines = [
        f"== receiver attack: {f['examples_per_property']} hypothesis examples per family, "
        f"{len(f['per_property'])} families",
        f"forged tokens tried: {f.get('forged tried', 0)}, accepted: {f.get('forged accepted', 0)}",
        f"replayed tokens (genuine MAC, wrong URL/body/claims) tried: "
        f"{f.get('replayed tried', 0)}, accepted: {f.get('replayed accepted', 0)}",
        f"genuine deliveries accepted: {f.get('genuine accepted', 0)} of "
        f"{f.get('genuine tried', 0)}",
    ]
    for name, counts in f["per_property"].items():
        tried = sum(v for k, v in counts.items() if k.endswith("tried"))
        lines.append(f"  {name}: {tried} tried")
    lines += [f"  FAILED {name}: {text}" for name, text in f["failures"].items()]
    return lines


def _broken(results: dict[str, Any], *, every_kind: bool) -> list[str]:
    broken = []
    f = results["faults"]
    if f["lost"] or f["duplicates"] or f["problems"] or f["unexpected_bodies"]:
        broken.append("faults")
    if every_kind and {fault.value for fault in FAULTS} - set(f["faults"]):
        broken.append("faults (a kind was never injected)")
    load = results["load"]
    if load["lost"] or load["duplicates"] or load["mispredicted"]:
        broken.append("load")
    restart = results["restart"]
    if restart["lost"] or restart["errors"] or not restart["pending_at_kill"]:
        broken.append("restart")
    attack = results["attack"]
    if attack.get("forged accepted") or attack.get("replayed accepted") or attack["failures"]:
        broken.append("attack")
    if attack.get("genuine accepted", 0) != attack.get("genuine tried", 0):
        broken.append("attack (a genuine delivery was refused)")
    return broken


def main(argv: list[str] | None = None) -> int:
    """Run everything, print the figures; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per mode and flavour")
    parser.add_argument("--messages", type=int, default=10_000, help="dev-server load")
    parser.add_argument("--restart-messages", type=int, default=2000)
    parser.add_argument("--outage-calls", type=int, default=100)
    parser.add_argument("--examples", type=int, default=10_000, help="per attack family")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a smoke run with a small N")
    parser.add_argument("--json", action="store_true", help="one JSON document")
    args = parser.parse_args(argv)
    if args.quick:
        args.calls, args.messages, args.restart_messages = 10, 200, 100
        args.outage_calls, args.examples = 5, 30

    started = time.monotonic()
    results: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("faults", lambda: _faults(args.calls, args.seed)),
        ("load", lambda: _load(args.messages, args.seed)),
        ("restart", lambda: _restart(args.restart_messages, args.outage_calls, args.seed)),
        ("attack", lambda: _attack_run(args.examples, args.seed)),
    ]
    for name, step in steps:
        begin = time.monotonic()
        results[name] = step()
        seconds[name] = round(time.monotonic() - begin, 1)
    broken = _broken(results, every_kind=not args.quick)
    results["seconds"] = seconds
    results["broken"] = broken
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    else:
        lines = [
            *_faults_lines(results["faults"], args.calls),
            *_load_lines(results["load"]),
            *_restart_lines(results["restart"]),
            *_attack_lines(results["attack"]),
            f"== {'BROKEN: ' + ', '.join(broken) if broken else 'OK: every promise kept'} "
            f"({time.monotonic() - started:.0f} s; "
            + ", ".join(f"{k} {v} s" for k, v in seconds.items())
            + ")",
        ]
        print("\n".join(lines))
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
