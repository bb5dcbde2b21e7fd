"""AsyncQStash under trio: the default transport (our pool over httpcore, anyio primitives) and
the bulk task pool run on trio as on asyncio, against a real server on 127.0.0.1.

trio is not in the test venv: httpcore imports it in every process when it is installed, which
users without trio never pay for (and which would skew the benchmarks' memory figures). So
``./scripts/test`` installs it aside (``.trio/``) and sets ``QSTASH_TRIO_PATH``, and the trio
code runs in a subprocess with that directory at the end of its ``sys.path``. By hand::

    .venv/bin/pip install --target /tmp/trio "trio==0.35.0"
    QSTASH_TRIO_PATH=/tmp/trio .venv/bin/pytest tests/test_trio.py

Without it the test is skipped, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.stub_server import stub_server

TRIO = os.environ.get("QSTASH_TRIO_PATH", "")
_INSTALLED = bool(TRIO and (Path(TRIO) / "trio" / "__init__.py").is_file())
if not _INSTALLED and os.environ.get("CI"):
    raise RuntimeError("CI must run the trio check: set QSTASH_TRIO_PATH")

pytestmark = pytest.mark.skipif(
    not _INSTALLED, reason="set QSTASH_TRIO_PATH to a pip --target install of trio==0.35.0"
)

SCRIPT = textwrap.dedent(
    """
    import os, sys
    sys.path.append(os.environ["QSTASH_TRIO_PATH"])  # last: the venv's packages come first

    import httpx
    import trio

    from qstash import AsyncQStash
    from qstash._pool import AsyncPoolTransport

    async def main():
        limits = httpx.Limits(max_connections=3, max_keepalive_connections=3)
        url = os.environ["STUB_URL"]
        async with AsyncQStash("trio-token", base_url=url, limits=limits) as client:
            pool = client._transport._inner
            assert isinstance(pool, AsyncPoolTransport), pool
            ids = []

            async def publish(n):
                body = {"n": n}
                result = await client.message.publish_json(url="https://example.com/t", body=body)
                ids.append(result.message_id)

            async with trio.open_nursery() as nursery:
                for n in range(12):
                    nursery.start_soon(publish, n)
            assert ids == ["msg_123"] * 12, ids
            outcomes = await client.message.publish_many_json(
                [{"url": "https://example.com/bulk", "body": {"n": n}} for n in range(5)],
                chunk_size=2,
                max_in_flight=2,
            )
            assert [outcome.ok for outcome in outcomes] == [True] * 5, outcomes
            busy, idle, waiting = pool._pool.state()
            assert (busy, waiting) == (0, 0) and 1 <= idle <= 3, (busy, idle, waiting)
        print("trio", trio.__version__, "ok")

    trio.run(main)
    """
)


def test_concurrent_publishes_and_bulk_under_trio() -> None:
    with stub_server() as server:
        env = {**os.environ, "STUB_URL": server.url, "QSTASH_TRIO_PATH": TRIO}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "trio 0.35.0 ok"
    publishes = [call for call in server.calls if call.path.startswith("/v2/publish/")]
    assert len(publishes) == 12
    assert sorted(call.body for call in publishes) == sorted(
        f'{{"n":{n}}}'.encode() for n in range(12)
    )
    assert [call.path for call in server.calls if call.path == "/v2/batch"] == ["/v2/batch"] * 3
