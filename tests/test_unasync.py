"""scripts/unasync: the sync twin is in step with the async source, and the mapping is right."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "unasync"
# The project's ruff, as scripts/test puts it first on PATH.
PATH = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_unasync", ROOT / "scripts" / "_unasync.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


unasync = _load()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PATH": PATH},
        check=False,
    )


def test_check_passes_on_the_repo() -> None:
    result = _run("--check")
    assert result.returncode == 0, result.stderr


def test_transport_twin_is_current() -> None:
    result = _run("--check", "qstash/_async/transport.py")
    assert result.returncode == 0, result.stderr


# (async source, expected sync text)
CONVERSIONS: list[tuple[str, str]] = [
    ("async def f(self) -> None:", "def f(self) -> None:"),
    ("    async for chunk in stream:", "    for chunk in stream:"),
    ("    async with lock:", "    with lock:"),
    ("    x = await self._send(request)", "    x = self._send(request)"),
    ("return await client.send(request, stream=True)", "return client.send(request, stream=True)"),
    ("class AsyncQStash:", "class QStash:"),
    ("x: httpx.AsyncClient", "x: httpx.Client"),
    ("inner: httpx.AsyncBaseTransport", "inner: httpx.BaseTransport"),
    ("httpx.AsyncHTTPTransport()", "httpx.HTTPTransport()"),
    ("stream: httpx.AsyncByteStream", "stream: httpx.SyncByteStream"),
    ("def __aiter__(self) -> AsyncIterator[bytes]:", "def __iter__(self) -> Iterator[bytes]:"),
    ("from collections.abc import AsyncIterable", "from collections.abc import Iterable"),
    ("async def __anext__(self):", "def __next__(self):"),
    ("raise StopAsyncIteration", "raise StopIteration"),
    ("async def __aenter__(self) -> Self:", "def __enter__(self) -> Self:"),
    (
        "async def __aexit__(self, *exc: object) -> None:",
        "def __exit__(self, *exc: object) -> None:",
    ),
    ("await response.aread()", "response.read()"),
    ("await response.aclose()", "response.close()"),
    ("async for line in response.aiter_lines():", "for line in response.iter_lines():"),
    ("async for b in response.aiter_bytes():", "for b in response.iter_bytes():"),
    ("async for b in response.aiter_raw():", "for b in response.iter_raw():"),
    ("async for t in response.aiter_text():", "for t in response.iter_text():"),
    (
        "async def handle_async_request(self, request):",
        "def handle_request(self, request):",
    ),
    ("await list_queues.asyncio(client=c)", "list_queues.sync(client=c)"),
    ("await list_queues.asyncio_detailed(client=c)", "list_queues.sync_detailed(client=c)"),
    ("low.set_async_httpx_client(self._http)", "low.set_httpx_client(self._http)"),
    ("low.get_async_httpx_client()", "low.get_httpx_client()"),
    (
        "from qstash._async.message import AsyncMessageApi",
        "from qstash._sync.message import MessageApi",
    ),
    ("sleep: _retry.AsyncSleep = _retry.async_sleep", "sleep: _retry.Sleep = _retry.sleep"),
    ('"""Close it with :meth:`aclose`."""', '"""Close it with :meth:`close`."""'),
    # whole words only: these must stay as they are
    ("Asynchronous = 1", "Asynchronous = 1"),
    ("Async_x = asyncness = 2", "Async_x = asyncness = 2"),
    ("acloser = areader = my_aclose = 3", "acloser = areader = my_aclose = 3"),
    ("self._async_mode = handle_async_requests", "self._async_mode = handle_async_requests"),
    ("awaiting = await_ = 4", "awaiting = await_ = 4"),
    ("# an async client", "# an async client"),
]


@pytest.mark.parametrize(("source", "expected"), CONVERSIONS)
def test_convert(source: str, expected: str) -> None:
    assert unasync.convert(source) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f() -> AsyncGenerator[int, None]: ...", "AsyncGenerator"),
        ("import anyio", "anyio"),
        ("import asyncio", "asyncio"),
        ("from anyio import sleep", "anyio"),
        ("x = 1\n    await asyncio.sleep(1)", ":2:"),
        ("lock = anyio.Lock()", "anyio."),
        ("result = await(x)", "await"),
    ],
)
def test_convert_refuses_what_has_no_sync_twin(source: str, message: str) -> None:
    with pytest.raises(unasync.UnasyncError, match=message):
        unasync.convert(source, "qstash/_async/x.py")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A minimal project: pyproject (for ruff's settings) and the two packages."""
    monkeypatch.setenv("PATH", PATH)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for package in ("_async", "_sync"):
        (tmp_path / "qstash" / package).mkdir(parents=True)
        (tmp_path / "qstash" / package / "__init__.py").write_text("")
    (tmp_path / "qstash" / "__init__.py").write_text("")
    (tmp_path / "qstash" / "_async" / "things.py").write_text(
        '"""Things."""\n\n'
        "from qstash._async.other import AsyncOther\n"
        "from qstash._retry import RetryPolicy\n\n\n"
        "class AsyncThing(AsyncOther):\n"
        "    async def aclose(self, policy: RetryPolicy) -> None:\n"
        "        await self._inner.aclose(\n"
        "            policy\n"
        "        )\n"
    )
    (tmp_path / "qstash" / "_async" / "other.py").write_text("class AsyncOther:\n    pass\n")
    return tmp_path


def test_generate_then_check(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    things = tree / "qstash" / "_sync" / "things.py"
    assert unasync.main(["--check"], root=tree) == 1
    assert "qstash/_sync/things.py: missing" in capsys.readouterr().err

    assert unasync.main([], root=tree) == 0
    assert things.read_text() == (
        "# Generated by scripts/unasync from qstash/_async/things.py. Do not edit.\n"
        '"""Things."""\n\n'
        # imports re-sorted: _retry now sorts before _sync
        "from qstash._retry import RetryPolicy\n"
        "from qstash._sync.other import Other\n\n\n"
        "class Thing(Other):\n"
        "    def close(self, policy: RetryPolicy) -> None:\n"
        "        self._inner.close(policy)\n"  # and formatted
    )
    assert unasync.main(["--check"], root=tree) == 0

    things.write_text(things.read_text() + "# edited by hand\n")
    assert unasync.main(["--check"], root=tree) == 1
    assert "qstash/_sync/things.py: differs" in capsys.readouterr().err
    assert unasync.main([], root=tree) == 0
    assert unasync.main(["--check"], root=tree) == 0


def test_stale_files(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert unasync.main([], root=tree) == 0
    sync_dir = tree / "qstash" / "_sync"
    (tree / "qstash" / "_async" / "other.py").unlink()
    (tree / "qstash" / "_async" / "things.py").unlink()
    (sync_dir / "handmade.py").write_text("x = 1\n")
    capsys.readouterr()

    assert unasync.main(["--check"], root=tree) == 1
    err = capsys.readouterr().err
    for name in ("other.py", "things.py", "handmade.py"):
        assert f"qstash/_sync/{name}: stale" in err

    # a generated leftover is removed; a file not made by the script is reported, never deleted
    assert unasync.main([], root=tree) == 1
    assert sorted(p.name for p in sync_dir.glob("*.py")) == ["__init__.py", "handmade.py"]


def test_bad_source_fails_without_writing(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "qstash" / "_async" / "bad.py").write_text("import anyio\n")
    assert unasync.main([], root=tree) == 2
    assert "qstash/_async/bad.py:1" in capsys.readouterr().err
    assert not (tree / "qstash" / "_sync" / "things.py").exists()


def test_only_named_files(tree: Path) -> None:
    source = tree / "qstash" / "_async" / "other.py"
    assert unasync.main([str(source)], root=tree) == 0
    assert sorted(p.name for p in (tree / "qstash" / "_sync").glob("*.py")) == [
        "__init__.py",
        "other.py",
    ]
    # only modules of qstash/_async/ are accepted
    assert unasync.main([str(tree / "pyproject.toml")], root=tree) == 2


def test_output_is_deterministic(tree: Path) -> None:
    assert unasync.main([], root=tree) == 0
    first = (tree / "qstash" / "_sync" / "things.py").read_bytes()
    assert unasync.main([], root=tree) == 0
    assert (tree / "qstash" / "_sync" / "things.py").read_bytes() == first


def test_usage_error() -> None:
    result = _run("--write")
    assert result.returncode == 2
    assert "Usage" in result.stderr
