"""Smoke test of ``scripts/bench``: a quick run prints every ratio line (timings are not judged)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# One line per measurement: both figures, then the ratio, the target and the verdict.
EXPECTED = {
    "publish_json sync": r"qstash \d+ calls/s, bare httpx \d+ calls/s",
    "Receiver.verify": r"qstash \d+ calls/s, bare stdlib \d+ calls/s",
    "import qstash": r"qstash [\d.]+ ms, import httpx [\d.]+ ms",
    "from qstash import QStash, Receiver": r"qstash [\d.]+ ms, import httpx [\d.]+ ms",
}
VERDICT = r", ratio \d+\.\d{3} \(target (>=|<=) [\d.]+\) (OK|MISS)"


def test_quick_run_prints_every_ratio_line() -> None:
    # The interpreter running the tests, so the run sees the environment pytest has.
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "_bench.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # A WARNING means the SDK and the bare client no longer send the same request.
    assert not [line for line in lines if line.startswith("WARNING")], lines
    for name, figures in EXPECTED.items():
        pattern = re.escape(name) + ": " + figures + VERDICT
        assert [line for line in lines if re.fullmatch(pattern, line)], (name, lines)
