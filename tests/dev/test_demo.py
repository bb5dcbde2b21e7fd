"""The README's main-job command works: scripts/_demo.py (what ./scripts/demo runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "scripts" / "_demo.py"


def test_demo_publishes_verifies_and_reaches_the_dlq() -> None:
    run = subprocess.run(
        [sys.executable, str(DEMO)], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    for path in ("/orders", "/reminders", "/reports"):
        assert f"app: verified {path}:" in out, out
    assert out.count("app: verified /payments") == 3  # the first attempt and two retries
    assert "REFUSED" not in out
    assert "DLQ: msg_" in out
    assert out.rstrip().endswith("verified by the app")
