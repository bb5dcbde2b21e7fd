"""Every ```python block of README.md runs, against a local stub server on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from qstash import QStash
from tests.stub_server import StubServer, stub_server

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _blocks() -> list[tuple[int, str]]:
    text = README.read_text()
    return [
        (text.count("\n", 0, match.start()) + 1, match.group(1)) for match in _BLOCK.finditer(text)
    ]


@pytest.fixture(scope="module")
def server() -> Iterator[StubServer]:
    with stub_server() as running:
        yield running


def test_readme_has_examples() -> None:
    assert len(_blocks()) >= 8


@pytest.mark.parametrize(("line", "code"), _blocks(), ids=[f"line{n}" for n, _ in _blocks()])
def test_readme_example_runs(
    line: int, code: str, server: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The examples read their settings the way users' code does: from the environment.
    monkeypatch.setenv("QSTASH_URL", server.url)
    monkeypatch.setenv("QSTASH_TOKEN", "readme-token")
    for name in ("QSTASH_REGION", "QSTASH_DEV"):
        monkeypatch.delenv(name, raising=False)
    calls_before = len(server.calls)
    namespace: dict[str, object] = {"__name__": f"readme_line_{line}"}
    try:
        exec(compile(code, f"README.md:{line}", "exec"), namespace)
    finally:
        # Examples keep their clients open, as long-lived application clients are; close them.
        for value in namespace.values():
            if isinstance(value, QStash):
                value.close()
    if re.search(r"client\.(message|openapi)", code) and "except" not in code:
        assert len(server.calls) > calls_before, "example made no request"
