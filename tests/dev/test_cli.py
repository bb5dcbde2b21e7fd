"""``qstash dev`` / ``python -m qstash dev``: flags, banner, clean shutdown, quiet logs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qstash.__main__ import main as qstash_main
from qstash.dev import DEV_USERS
from qstash.dev.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def running_cli(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``python -m qstash dev --port 0 --log-level debug --db ...`` and its URL."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qstash",
            "dev",
            "--port",
            "0",
            "--log-level",
            "debug",
            "--db",
            str(tmp_path / "cli.db"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"is running at (http://\S+)", first)
    assert match, first + (process.stderr.read() if process.stderr else "")
    try:
        yield process, match.group(1)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()


def test_banner_requests_and_shutdown(running_cli: tuple[subprocess.Popen[str], str]) -> None:
    process, url = running_cli
    user = DEV_USERS[0]
    forwarded_secret = "Bearer forwarded-secret-7f3a"
    response = httpx.post(
        f"{url}/v2/publish/http://127.0.0.1:1/nowhere",
        content=b"x",
        headers={
            "Authorization": f"Bearer {user.token}",
            "Upstash-Forward-Authorization": forwarded_secret,
            "Upstash-Retries": "0",
        },
    )
    assert response.status_code == 200
    assert httpx.get(f"{url}/v2/keys", headers={"Authorization": "Bearer bad"}).status_code == 401
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert process.stdout is not None
    assert process.stderr is not None
    out, err = process.stdout.read(), process.stderr.read()
    assert f"QSTASH_URL={url}" in out
    assert f"QSTASH_TOKEN={user.token}" in out
    assert f"QSTASH_CURRENT_SIGNING_KEY={user.current_signing_key}" in out
    assert f"QSTASH_NEXT_SIGNING_KEY={user.next_signing_key}" in out
    assert "SQLite file" in out
    for secret in (user.token, user.current_signing_key, forwarded_secret, "forwarded-secret"):
        assert secret not in err
    assert "forwarded-secret" not in out


def test_parser_defaults_and_official_flag_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QSTASH_DEV_PORT", raising=False)
    monkeypatch.delenv("QSTASH_DEV_QUOTA", raising=False)
    args = build_parser().parse_args([])
    assert (args.host, args.port, args.db, args.quota, args.time_scale) == (
        "127.0.0.1",
        8080,
        None,
        "payg",
        1.0,
    )
    assert args.max_retry_delay is None
    official = build_parser().parse_args(["-port=8081", "-quota=pro"])
    assert (official.port, official.quota) == (8081, "pro")
    monkeypatch.setenv("QSTASH_DEV_PORT", "9099")
    assert build_parser().parse_args([]).port == 9099
    tuned = build_parser().parse_args(["--time-scale", "60", "--max-retry-delay", "0.5"])
    assert (tuned.time_scale, tuned.max_retry_delay) == (60.0, 0.5)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--time-scale", "0"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--port", "70000"])


def test_module_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    assert qstash_main(["--help"]) == 0
    assert "dev" in capsys.readouterr().out
    assert qstash_main(["nope"]) == 2
    assert "unknown command" in capsys.readouterr().err
    assert qstash_main([]) == 2


def test_port_in_use_is_reported(running_cli: tuple[subprocess.Popen[str], str]) -> None:
    _, url = running_cli
    port = url.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "qstash", "dev", "--port", port],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode == 1
    assert "cannot listen" in result.stderr
