"""Smoke test of ``scripts/bench-throughput``: a quick run of our side only (no official SDK, no
venv) prints every report line. Timings are not judged."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIGURE = r" +\d+"
EXPECTED = [
    r"official SDK: skipped \(--ours-only\)",
    r"throughput benchmark \(quick run, .*\)",
    r"\(1\) sync single publish_json \(calls/s, 2 round\(s\)\)",
    r"    qstash" + FIGURE,
    r"    official qstash 3\.4\.0 +skipped",
    r"    bare httpx" + FIGURE,
    r"    ratio qstash / bare httpx: \d+\.\d\d \(target >= 0\.95\) (OK|MISS)",
    r"    ratio qstash / official qstash 3\.4\.0: skipped",
    r"\(2\) async single publish_json, 64 concurrent tasks \(calls/s, 2 round\(s\)\)",
    r"    qstash \+ AiohttpTransport" + FIGURE,
    r"    bare httpx\.AsyncClient" + FIGURE,
    r"    ratio qstash \+ AiohttpTransport / bare httpx\.AsyncClient: \d+\.\d\d",
    r"\(2b\) the same, the server answering after 20 ms \(calls/s, 2 round\(s\)\)",
    r"\(3\) 1,000 JSON messages \(messages/s, 2 round\(s\)\)",
    r"    qstash publish_many_json \(sync\)" + FIGURE,
    r"    qstash publish_many_json \(async\)" + FIGURE,
    r"    qstash publish_many_json \(async \+ aiohttp\)" + FIGURE,
    r"    official batch_json loop of 100 +skipped",
    r"\(3b\) 1,000 JSON messages, the server answering after 20 ms \(messages/s, 2 round\(s\)\)",
    r"\(4\) peak memory, max RSS of each process \(MB\)",
    r"    \(1\) qstash +\d+\.\d",
    r"    \(3\) qstash publish_many_json \(sync\) +\d+\.\d",
]


def test_quick_run_of_our_side_prints_every_report_line() -> None:
    # The interpreter running the tests, so the run sees the environment pytest has.
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "_bench_throughput.py"), "--quick", "--ours-only"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for pattern in EXPECTED:
        assert [line for line in lines if re.fullmatch(pattern, line)], (pattern, lines)
    assert ".bench-venv" not in done.stderr  # --ours-only installs nothing
