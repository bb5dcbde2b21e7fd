"""Smoke test of ``scripts/reliability``: a quick run prints every figure and keeps every
promise (the large run is the same code with a larger N)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FIGURES = [
    r"calls made: 60 \(.*\)",
    r"faults injected: reset \d+, drop \d+, 502 \d+, 503 \d+, 504 \d+, 429 \d+, stall \d+ .*",
    r"messages: 140; delivered: 140 .*; duplicates: 0; lost: 0",
    r"delivery attempts: \d+ .*; lost: 0; duplicates: 0; mispredicted: 0; .*",
    r"after the restart: delivered \d+, dead-lettered \d+, lost 0, .*",
    r"forged tokens tried: \d+, accepted: 0",
    r"== OK: every promise kept .*",
]


def test_a_quick_run_prints_every_figure() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "_reliability.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for pattern in FIGURES:
        assert [line for line in lines if re.fullmatch(pattern, line)], (pattern, lines)
