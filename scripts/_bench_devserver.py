"""End-to-end throughput of the dev server: ``./scripts/bench-devserver`` (not a test).

    ./scripts/bench-devserver [--messages 10000] [--publishers 1,64] [--db] [--sdk]

The server runs as ``python -m qstash dev`` in its own process. This process runs the
concurrent publishers (plain aiohttp, or our ``AsyncQStash`` with ``--sdk``) and a sink on
127.0.0.1 that answers 200 and counts deliveries. Reported, for each publisher count:
deliveries per second from the first publish to the last delivery (publish → signed delivery →
2xx; target >= 500/s on a 2-core machine), and the server's RSS after each round of
``--messages`` (it should stay flat: delivered messages leave memory).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET = 500.0
if importlib.util.find_spec("qstash_openapi") is None:
    # An editable install puts only the repo root on sys.path (pytest knows about generated/).
    sys.path.append(str(ROOT / "generated"))

from aiohttp import ClientSession, TCPConnector, web  # noqa: E402

from qstash import AsyncQStash, Receiver  # noqa: E402
from qstash.dev import DEV_USERS  # noqa: E402


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class _Counter:
    def __init__(self) -> None:
        self.count = 0
        self.target = 0
        self.done = asyncio.Event()
        self.sample: tuple[str, bytes, str] | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.count += 1
        if self.sample is None:
            self.sample = (request.headers["Upstash-Signature"], body, str(request.url))
        if self.count >= self.target:
            self.done.set()
        return web.Response(text="ok")


async def _round(
    url: str, sink_url: str, counter: _Counter, messages: int, publishers: int, sdk: bool
) -> float:
    token = DEV_USERS[0].token
    counter.count = 0
    counter.target = messages
    counter.done.clear()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(messages):
        queue.put_nowait(n)
    body = b'{"event":"order.created","id":12345,"items":[1,2,3],"ok":true}'

    async def raw_publisher(session: ClientSession) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            async with session.post(
                f"{url}/v2/publish/{sink_url}/hook/{n}",
                data=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            ) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"publish answered {response.status}")

    async def sdk_publisher(client: AsyncQStash) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            await client.message.publish(
                url=f"{sink_url}/hook/{n}", body=body, content_type="application/json"
            )

    started = time.perf_counter()
    if sdk:
        async with AsyncQStash(token=token, base_url=url) as client:
            await asyncio.gather(*(sdk_publisher(client) for _ in range(publishers)))
    else:
        async with ClientSession(connector=TCPConnector(limit=publishers)) as session:
            await asyncio.gather(*(raw_publisher(session) for _ in range(publishers)))
    await asyncio.wait_for(counter.done.wait(), 120)
    return messages / (time.perf_counter() - started)


async def _main(args: argparse.Namespace, url: str, pid: int) -> None:
    for publishers in args.publishers:
        await _series(args, url, pid, publishers)


async def _series(args: argparse.Namespace, url: str, pid: int, publishers: int) -> None:
    counter = _Counter()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", counter.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
    sink_url = f"http://127.0.0.1:{port}"
    try:
        print(
            f"server {url} ({'SQLite' if args.db else 'memory'}), "
            f"{'AsyncQStash' if args.sdk else 'aiohttp'} publishers={publishers}"
        )
        await _round(url, sink_url, counter, 500, publishers, args.sdk)  # warm-up
        print(f"  after warm-up: server RSS {_rss_mib(pid):.1f} MiB")
        for n in range(args.rounds):
            cpu = _cpu_seconds(pid)
            rate = await _round(url, sink_url, counter, args.messages, publishers, args.sdk)
            per_message = (_cpu_seconds(pid) - cpu) / args.messages
            verdict = "OK" if rate >= TARGET else "MISS"
            print(
                f"  round {n + 1}: {args.messages} messages, {rate:,.0f} deliveries/s end to end "
                f"(target >= {TARGET:.0f}) {verdict}; "
                f"server CPU {per_message * 1e6:,.0f} us/message "
                f"(~{1 / per_message:,.0f}/s on one core); server RSS {_rss_mib(pid):.1f} MiB"
            )
        assert counter.sample is not None
        signature, body, sink_request_url = counter.sample
        Receiver(DEV_USERS[0].current_signing_key, DEV_USERS[0].next_signing_key).verify(
            signature=signature, body=body, url=sink_request_url
        )
        print("  sample delivery signature verified")
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> Any:
    """Parse the flags and run the rounds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument(
        "--publishers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 64],
        help="comma-separated publisher counts (default 1,64)",
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--db", action="store_true", help="run the server with --db")
    parser.add_argument("--sdk", action="store_true", help="publish with AsyncQStash")
    parser.add_argument("--server-log-level", default="warning", help="the server's --log-level")
    args = parser.parse_args(argv)
    command = [sys.executable, "-m", "qstash", "dev", "--port", "0"]
    command += ["--log-level", args.server_log_level]
    with tempfile.TemporaryDirectory() as db_dir:
        if args.db:
            command += ["--db", os.path.join(db_dir, "bench.db")]
        server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            match = re.search(r"running at (\S+)", server.stdout.readline())
            assert match, "the dev server did not start"
            asyncio.run(_main(args, match.group(1), server.pid))
        finally:
            server.terminate()
            server.wait(10)
            if server.stdout is not None:
                server.stdout.close()


if __name__ == "__main__":
    main()
