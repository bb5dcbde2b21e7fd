"""The throughput benchmark behind ``scripts/bench-throughput``: ours, the official SDK and bare
httpx, side by side, in one run, on this machine.

Measurements (every figure and ratio comes from this one run):

1. sync single publishes/s: ``QStash.message.publish_json`` in a loop; the official ``qstash``
   3.4.0 doing the same; a bare ``httpx.Client`` sending the same request by hand.
2. async single publishes/s with 64 concurrent tasks: ``AsyncQStash`` (default pool, and with
   ``qstash.aiohttp.AiohttpTransport``); the official ``AsyncQStash``; a bare
   ``httpx.AsyncClient``; and (2b) the same against a server that answers after 20 ms.
3. messages/s for 10,000 JSON messages: our ``publish_many_json`` (sync; async too) against the
   official SDK's ``publish_json`` loop and its ``batch_json`` loop over batches of 100 (the
   target), and of 1,000 (our default chunk size, shown for comparison); and (3b) the same
   against a server that answers after 20 ms, as a far-away one does.
4. peak memory (max RSS) of each of the processes above.

Every side runs in its own process (fair peak memory; the official SDK has our import name):
ours and bare httpx with this interpreter, the official SDK with the interpreter of a throwaway
venv, ``.bench-venv/``, that this script creates once with ``pip install qstash==3.4.0``. The
processes of a measurement are set up (and warmed up) once, then run rounds on command: each
round runs every side once, in a rotating order, so neighbouring figures see the same machine.
Figures are medians over rounds; each ratio is the median of the per-round ratios. The server,
on 127.0.0.1, is built like ``scripts/_bench_server.py`` (which answers every request the same
way) but answers a batch with one result per message. Targets are reported, never enforced:
the exit status is 0 once the benchmark ran.

Options: ``--quick`` (a smoke run of a few seconds), ``--ours-only`` (no official SDK, no venv),
``--only SCENARIO`` (one measurement; repeatable), ``--json`` (one JSON document instead of the
report).

Internal commands: ``serve PORT [LATENCY]`` (the server) and ``worker SIDE WORK URL COUNT`` (one
side, answering ``run`` / ``stop`` on stdin with JSON lines).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _child_server import ChildServer

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
VENV = ROOT / ".bench-venv"
OFFICIAL = "qstash==3.4.0"

TOKEN = "bench-token-0000"
DESTINATION = "https://example.com/x"
BODY: dict[str, Any] = {"event": "order.created", "id": 12345, "items": [1, 2, 3], "ok": True}
CONCURRENCY = 64
BATCH = 100  # the official SDK's hand-written batches, as production code writes them
BIG_BATCH = 1_000  # the same loop with our default chunk size, for comparison
FAR = 0.02  # seconds: a round trip to a QStash region from a nearby cloud region, roughly


# -- the server ------------------------------------------------------------------------------


_PUBLISH_BODY = b'{"messageId":"msg_1"}'


def _answer(body: bytes) -> bytes:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
    return head % len(body) + body


class _Connection:
    """One client connection: bytes read but not yet answered, answers not yet written."""

    __slots__ = ("inbox", "outbox", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.inbox = b""
        self.outbox = b""


class _Answers:
    """Every request gets ``200`` JSON: a publish result, or one result per item for
    ``/v2/batch``."""

    def __init__(self) -> None:
        self._publish = _answer(_PUBLISH_BODY)
        self._batches: dict[int, bytes] = {}

    def take(self, conn: _Connection) -> bytes:
        """The answers to every complete request in ``conn.inbox``, in order (pipelining
        included); the requests leave the inbox."""
        data = conn.inbox
        answers = []
        while True:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                break
            head = data[:end].lower()
            at = head.find(b"\r\ncontent-length:")
            length = 0
            if at >= 0:
                stop = head.find(b"\r\n", at + 2)
                length = int(head[at + 17 : stop if stop >= 0 else len(head)])
            total = end + 4 + length
            if len(data) < total:
                break
            answers.append(self._respond(head, data[end + 4 : total]))
            data = data[total:]
        conn.inbox = data
        return b"".join(answers)

    def _respond(self, head: bytes, body: bytes) -> bytes:
        path = head[: head.find(b"\r\n")].split(b" ")[1]
        if path == b"/v2/batch":
            # Each item has exactly one "destination" key (our encoder and json.dumps alike).
            count = body.count(b'"destination"')
            answer = self._batches.get(count)
            if answer is None:
                answer = _answer(b"[" + b",".join([_PUBLISH_BODY] * count) + b"]")
                self._batches[count] = answer
            return answer
        return self._publish


def serve(port: int, latency: float = 0.0) -> None:
    """Serve on 127.0.0.1:``port`` until stdin closes; print ``PORT <n>`` once listening.

    The design of ``scripts/_bench_server.py`` (one thread, non-blocking sockets, selectors:
    a request costs the server a few microseconds), with answers that depend on the path and,
    with ``latency`` (seconds), answers held back that long, like a server far away.
    """
    answers = _Answers()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(256)
    listener.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)
    selector.register(sys.stdin, selectors.EVENT_READ, "stdin")
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    # Answers not due yet: (due time, connection, bytes); one latency for all keeps it sorted.
    held: deque[tuple[float, _Connection, bytes]] = deque()

    def close(conn: _Connection) -> None:
        if conn.sock.fileno() >= 0:
            selector.unregister(conn.sock)
            conn.sock.close()

    def flush(conn: _Connection) -> None:
        if conn.outbox and conn.sock.fileno() >= 0:
            try:
                sent = conn.sock.send(conn.outbox)
            except BlockingIOError:
                sent = 0
            except OSError:  # the client went away mid-answer
                close(conn)
                return
            conn.outbox = conn.outbox[sent:]
        if conn.sock.fileno() < 0:
            return
        # Wait for writability only while an answer is stuck in the outbox.
        wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if conn.outbox else 0)
        if wanted != selector.get_key(conn.sock).events:
            selector.modify(conn.sock, wanted, conn)

    while True:
        timeout = max(held[0][0] - time.monotonic(), 0.0) if held else None
        for key, events in selector.select(timeout):
            if key.data is None:
                sock, _ = listener.accept()
                sock.setblocking(False)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                selector.register(sock, selectors.EVENT_READ, _Connection(sock))
                continue
            if key.data == "stdin":
                if not os.read(sys.stdin.fileno(), 4096):
                    return  # the benchmark is gone
                continue
            conn: _Connection = key.data
            if events & selectors.EVENT_READ:
                try:
                    chunk = conn.sock.recv(262144)
                except ConnectionError:
                    chunk = b""
                if not chunk:
                    close(conn)
                    continue
                conn.inbox += chunk
                ready = answers.take(conn)
                if latency and ready:
                    held.append((time.monotonic() + latency, conn, ready))
                else:
                    conn.outbox += ready
            flush(conn)
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, conn, ready = held.popleft()
            conn.outbox += ready
            flush(conn)


class Server(ChildServer):
    """The server in a child process on a free 127.0.0.1 port; stdin is its lifeline."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(
            [sys.executable, str(Path(__file__).resolve()), "serve", "0", str(latency)]
        )


# -- the sides (each runs in a worker process) -----------------------------------------------


def _use_our_package() -> None:
    # Run from a checkout: the SDK from the repo root, the generated package from generated/.
    import importlib.util

    for module, folder in (("qstash", ROOT), ("qstash_openapi", ROOT / "generated")):
        if importlib.util.find_spec(module) is None:
            sys.path.append(str(folder))


def _use_official_package() -> None:
    import qstash

    # The official SDK shares our import name: make sure this is it, not the checkout.
    if Path(qstash.__file__).resolve().is_relative_to(ROOT / "qstash"):
        raise RuntimeError("the official side imported the repository's qstash")


def _messages(count: int) -> list[Any]:
    return [{"url": DESTINATION, "body": {**BODY, "id": n}} for n in range(count)]


def _check_publish(result: Any) -> None:
    if result.message_id != "msg_1":
        raise RuntimeError(f"unexpected publish result {result!r}")


Round = Callable[[], float]
"""One measured round of a side, returning its figure."""


def _timed(run: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    run()
    return count / (time.perf_counter() - start)


def _bare_request() -> tuple[str, Callable[[], bytes], Callable[[], dict[str, str]]]:
    """What a hand-written publish sends: the path, the JSON body, the headers."""
    import secrets

    def content() -> bytes:
        return json.dumps(BODY, separators=(",", ":"), ensure_ascii=False).encode()

    def headers() -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "Upstash-Deduplication-Id": secrets.token_hex(16),
        }

    return "/v2/publish/" + DESTINATION, content, headers


def _check_bare(response: Any) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"server answered {response.status_code}")
    if json.loads(response.content)["messageId"] != "msg_1":
        raise RuntimeError("unexpected answer")


def sync_single(side: str, url: str, count: int) -> Round:
    """Rounds of ``count`` sequential sync publishes; publishes/s."""
    if side == "httpx":
        import httpx

        client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"})
        path, content, headers = _bare_request()

        def call() -> None:
            _check_bare(client.post(path, content=content(), headers=headers()))
    else:
        if side == "ours":
            _use_our_package()
        else:
            _use_official_package()
        from qstash import QStash

        sdk: Any = QStash(TOKEN, base_url=url)

        def call() -> None:
            _check_publish(sdk.message.publish_json(url=DESTINATION, body=BODY))

    def loop(calls: int) -> None:
        for _ in range(calls):
            call()

    loop(max(count, 200))  # warm-up: connection, caches, code paths
    return lambda: _timed(lambda: loop(count), count)


def _async_client(side: str, url: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """(one publish coroutine factory, close coroutine factory) for an async side."""
    if side == "httpx":
        import httpx

        client = httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"})
        path, content, headers = _bare_request()

        async def call() -> None:
            _check_bare(await client.post(path, content=content(), headers=headers()))

        return call, client.aclose
    if side == "official":
        _use_official_package()
        from qstash import AsyncQStash as Official

        official: Any = Official(TOKEN, base_url=url)

        async def official_call() -> None:
            _check_publish(await official.message.publish_json(url=DESTINATION, body=BODY))

        async def no_close() -> None:
            pass  # the official AsyncQStash has no aclose()

        return official_call, no_close
    _use_our_package()
    from qstash import AsyncQStash

    if side == "ours_aiohttp":
        from qstash.aiohttp import AiohttpTransport

        ours = AsyncQStash(TOKEN, base_url=url, transport=AiohttpTransport())
    else:
        ours = AsyncQStash(TOKEN, base_url=url)

    async def ours_call() -> None:
        _check_publish(await ours.message.publish_json(url=DESTINATION, body=BODY))

    return ours_call, ours.aclose


def _event_loop() -> Any:
    import asyncio

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    return loop


def async_single(side: str, url: str, count: int) -> Round:
    """Rounds of ``count`` async publishes made by 64 tasks; publishes/s."""
    import asyncio

    loop = _event_loop()
    call, _ = _async_client(side, url)

    async def run(calls: int) -> None:
        pending = iter(range(calls))

        async def task() -> None:
            for _ in pending:
                await call()

        await asyncio.gather(*(task() for _ in range(CONCURRENCY)))

    loop.run_until_complete(run(max(count, 4 * CONCURRENCY)))
    return lambda: _timed(lambda: loop.run_until_complete(run(count)), count)


def _check_bulk(results: Sequence[Any], count: int) -> None:
    failed = [result for result in results if not result.ok]
    if len(results) != count or failed:
        raise RuntimeError(f"{len(failed)} failed of {len(results)}: {failed[:1]}")


def bulk(side: str, url: str, count: int) -> Round:
    """Rounds of ``count`` JSON messages (the list is built before the clock starts);
    messages/s."""
    messages = _messages(count)
    warm = _messages(min(count, 500))
    if side == "ours":
        _use_our_package()
        from qstash import QStash

        client = QStash(TOKEN, base_url=url)
        client.message.publish_many_json(warm)
        return lambda: _timed(
            lambda: _check_bulk(client.message.publish_many_json(messages), count), count
        )
    if side in ("ours_async", "ours_async_aiohttp"):
        _use_our_package()
        from qstash import AsyncQStash

        loop = _event_loop()
        transport = None
        if side == "ours_async_aiohttp":
            from qstash.aiohttp import AiohttpTransport

            transport = AiohttpTransport()
        aclient = AsyncQStash(TOKEN, base_url=url, transport=transport)

        async def run(items: list[Any]) -> None:
            _check_bulk(await aclient.message.publish_many_json(items), len(items))

        loop.run_until_complete(run(warm))
        return lambda: _timed(lambda: loop.run_until_complete(run(messages)), count)

    _use_official_package()
    from qstash import QStash as Official

    official: Any = Official(TOKEN, base_url=url)
    if side == "official_single":

        def run_single(items: Sequence[dict[str, Any]]) -> None:
            for message in items:
                _check_publish(official.message.publish_json(**message))

        run_single(warm[:100])
        return lambda: _timed(lambda: run_single(messages), count)

    size = BIG_BATCH if side == "official_batch_big" else BATCH

    def run_batches(items: Sequence[dict[str, Any]]) -> None:
        for start in range(0, len(items), size):
            chunk = items[start : start + size]
            if len(official.message.batch_json(chunk)) != len(chunk):
                raise RuntimeError("unexpected batch answer")

    run_batches(warm)
    return lambda: _timed(lambda: run_batches(messages), count)


SCENARIOS: dict[str, Callable[[str, str, int], Round]] = {
    "sync_single": sync_single,
    "async_single": async_single,
    "bulk": bulk,
}


def worker(side: str, scenario: str, url: str, count: int) -> None:
    """Set a side up (warm-up included), say ``ready``, then answer commands on stdin:
    ``run`` measures one round (``{"value": ...}``), ``stop`` reports the peak memory
    (``{"peak_mb": ...}``) and exits. Every answer is one line of JSON on stdout."""
    run = SCENARIOS[scenario](side, url, count)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if line.strip() == "run":
            print(json.dumps({"value": run()}), flush=True)
        else:
            break
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"peak_mb": peak_kb / 1024}), flush=True)


# -- the orchestration -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Side:
    """One contender of a scenario."""

    key: str
    label: str
    official: bool = False


@dataclass(frozen=True, slots=True)
class Target:
    """A ratio line: ``ours / base`` must reach ``minimum``."""

    ours: str
    base: str
    minimum: float | None  # None: shown without a target


@dataclass(frozen=True, slots=True)
class Scenario:
    """A measurement: sides, the work per process, rounds, and the ratios to report."""

    key: str
    title: str
    unit: str
    sides: tuple[Side, ...]
    count: int
    rounds: int
    targets: tuple[Target, ...]
    work: str = ""  # the worker function (default: the key)
    latency: float = 0.0  # seconds the server holds each answer back


OURS = Side("ours", "qstash")
OURS_AIOHTTP = Side("ours_aiohttp", "qstash + AiohttpTransport")
OFFICIAL_SIDE = Side("official", "official qstash 3.4.0", official=True)
HTTPX = Side("httpx", "bare httpx")


def scenarios(quick: bool) -> list[Scenario]:
    """The measurements, sized for a full run or a quick smoke run.

    Many short rounds for the single publishes (neighbouring rounds see the same machine, so
    the per-round ratios are steadier); whole 10,000-message runs for bulk.
    """
    messages = 1_000 if quick else 10_000
    async_sides = (OURS, OURS_AIOHTTP, OFFICIAL_SIDE, Side("httpx", "bare httpx.AsyncClient"))
    bulk_sides = (
        Side("ours", "qstash publish_many_json (sync)"),
        Side("ours_async", "qstash publish_many_json (async)"),
        Side("ours_async_aiohttp", "qstash publish_many_json (async + aiohttp)"),
        Side("official_single", "official publish_json loop", official=True),
        Side("official_batch", f"official batch_json loop of {BATCH}", official=True),
        Side("official_batch_big", f"official batch_json loop of {BIG_BATCH:,}", official=True),
    )
    return [
        Scenario(
            "sync_single",
            "(1) sync single publish_json",
            "calls/s",
            (OURS, OFFICIAL_SIDE, HTTPX),
            count=50 if quick else 300,
            rounds=2 if quick else 41,
            targets=(Target("ours", "httpx", 0.95), Target("ours", "official", 1.0)),
        ),
        Scenario(
            "async_single",
            f"(2) async single publish_json, {CONCURRENCY} concurrent tasks",
            "calls/s",
            async_sides,
            count=2 * CONCURRENCY if quick else 640,
            rounds=2 if quick else 15,
            targets=(
                Target("ours", "official", 3.0),
                Target("ours_aiohttp", "official", 3.0),
                Target("ours", "httpx", None),
                Target("ours_aiohttp", "httpx", None),
            ),
        ),
        Scenario(
            "async_far",
            f"(2b) the same, the server answering after {FAR * 1000:.0f} ms",
            "calls/s",
            async_sides,
            count=2 * CONCURRENCY if quick else 640,
            rounds=2 if quick else 5,
            targets=(
                Target("ours", "official", None),
                Target("ours_aiohttp", "official", None),
            ),
            work="async_single",
            latency=FAR,
        ),
        Scenario(
            "bulk",
            f"(3) {messages:,} JSON messages",
            "messages/s",
            bulk_sides,
            count=messages,
            rounds=2 if quick else 7,
            targets=(
                Target("ours", "official_single", 10.0),
                Target("ours", "official_batch", 1.5),
                Target("ours_async", "official_batch", None),
                Target("ours_async_aiohttp", "official_batch", None),
                Target("ours", "official_batch_big", None),
            ),
        ),
        Scenario(
            "bulk_far",
            f"(3b) {messages:,} JSON messages, the server answering after {FAR * 1000:.0f} ms",
            "messages/s",
            (bulk_sides[0], bulk_sides[2], bulk_sides[4], bulk_sides[5]),
            count=messages,
            rounds=2 if quick else 5,
            targets=(
                Target("ours", "official_batch", None),
                Target("ours_async_aiohttp", "official_batch", None),
                Target("ours", "official_batch_big", None),
            ),
            work="bulk",
            latency=FAR,
        ),
    ]


def official_python(log: Callable[[str], None]) -> Path | None:
    """The throwaway venv's interpreter with ``qstash==3.4.0``, made on first use."""
    python = VENV / "bin" / "python"
    probe = "import importlib.metadata as m; print(m.version('qstash'))"

    def installed() -> bool:
        if not python.exists():
            return False
        done = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=False)
        return done.returncode == 0 and done.stdout.strip() == OFFICIAL.split("==")[1]

    if installed():
        return python
    log(f"creating {VENV.relative_to(ROOT)}/ with {OFFICIAL} (once)...")
    steps = [
        [sys.executable, "-m", "venv", str(VENV)],
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", OFFICIAL],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log(f"could not install {OFFICIAL}: {done.stderr.strip()[-500:]}")
            return None
    return python if installed() else None


class Worker:
    """One side of one measurement in its own process, answering ``run`` / ``stop``."""

    def __init__(self, python: Path, side: str, work: str, url: str, count: int) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "QSTASH_URL")}
        self.name = f"{side}/{work}"
        self._proc = subprocess.Popen(
            [python, str(Path(__file__).resolve()), "worker", side, work, url, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        self._read("ready")

    def _read(self, key: str) -> float:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            assert self._proc.stderr is not None
            error = self._proc.stderr.read().strip()[-2000:]
            self._proc.wait()
            raise RuntimeError(f"worker {self.name} failed:\n{error}")
        return float(json.loads(line)[key])

    def _send(self, command: str) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(command + "\n")
        self._proc.stdin.flush()

    def run(self) -> float:
        """One measured round."""
        self._send("run")
        return self._read("value")

    def stop(self) -> float:
        """End the process; its peak memory in MB."""
        self._send("stop")
        peak = self._read("peak_mb")
        self._proc.communicate(timeout=60)
        return peak

    def kill(self) -> None:
        """End the process at once (after a failure elsewhere)."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()


@dataclass
class Outcome:
    """Every round's figures of one scenario."""

    scenario: Scenario
    values: dict[str, list[float]]
    peaks: dict[str, float]

    def median(self, side: str) -> float:
        """The side's median figure."""
        return statistics.median(self.values[side])

    def ratio(self, target: Target) -> float | None:
        """Median of the per-round ratios (None when a side did not run)."""
        ours, base = self.values.get(target.ours), self.values.get(target.base)
        if not ours or not base:
            return None
        return statistics.median(o / b for o, b in zip(ours, base, strict=True))


def measure(
    scenario: Scenario, url: str, official: Path | None, log: Callable[[str], None]
) -> Outcome:
    """Every round of ``scenario``: each side in its own process, set up once; a round runs
    each side once, in an order that rotates, so neighbouring figures see the same machine."""
    sides = [s for s in scenario.sides if official is not None or not s.official]
    values: dict[str, list[float]] = {s.key: [] for s in sides}
    peaks: dict[str, float] = {}
    workers: dict[str, Worker] = {}
    log(f"{scenario.key}: starting {len(sides)} processes")
    try:
        for side in sides:
            python = official if side.official and official is not None else Path(sys.executable)
            workers[side.key] = Worker(
                python, side.key, scenario.work or scenario.key, url, scenario.count
            )
        for index in range(scenario.rounds):
            log(f"{scenario.key}: round {index + 1}/{scenario.rounds}")
            shift = index % len(sides)
            for side in sides[shift:] + sides[:shift]:
                values[side.key].append(workers[side.key].run())
        for key, running in workers.items():
            peaks[key] = running.stop()
    finally:
        for running in workers.values():
            running.kill()
    return Outcome(scenario, values, peaks)


def report(outcomes: Sequence[Outcome], mode: str, elapsed: float) -> list[str]:
    """The human-readable report."""
    lines = [
        f"throughput benchmark ({mode} run, {os.cpu_count()} CPUs, server on 127.0.0.1; "
        "medians over rounds; ratios are medians of per-round ratios)"
    ]
    labels: dict[str, str] = {}
    for outcome in outcomes:
        scenario = outcome.scenario
        lines.append(f"{scenario.title} ({scenario.unit}, {scenario.rounds} round(s))")
        for side in scenario.sides:
            labels[side.key] = side.label
            if side.key in outcome.values:
                figure = outcome.median(side.key)
                shown = f"{figure:.0f}"
            else:
                shown = "skipped"
            lines.append(f"    {side.label:<44} {shown:>10}")
        for target in scenario.targets:
            ratio = outcome.ratio(target)
            name = f"{labels[target.ours]} / {labels[target.base]}"
            if ratio is None:
                lines.append(f"    ratio {name}: skipped")
                continue
            verdict = ""
            if target.minimum is not None:
                ok = "OK" if ratio >= target.minimum else "MISS"
                verdict = f" (target >= {target.minimum:g}) {ok}"
            lines.append(f"    ratio {name}: {ratio:.2f}{verdict}")
    lines.append("(4) peak memory, max RSS of each process (MB)")
    for outcome in outcomes:
        for side in outcome.scenario.sides:
            if side.key in outcome.peaks:
                peak = outcome.peaks[side.key]
                where = outcome.scenario.title.split(" ", 1)[0]
                lines.append(f"    {where} {side.label:<44} {peak:>8.1f}")
    lines.append(f"({elapsed:.0f} s)")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 once it has run (targets are reported, not enforced)."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["serve"]:
        serve(int(args_in[1]), float(args_in[2]) if len(args_in) > 2 else 0.0)
        return 0
    if args_in[:1] == ["worker"]:
        side, scenario, url, count = args_in[1:5]
        worker(side, scenario, url, int(count))
        return 0
    parser = argparse.ArgumentParser(
        prog="scripts/bench-throughput", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument(
        "--ours-only", action="store_true", help="skip the official SDK (no venv, no install)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--only",
        action="append",
        choices=[scenario.key for scenario in scenarios(False)],
        help="run just this measurement (repeatable)",
    )
    args = parser.parse_args(args_in)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    official = None if args.ours_only else official_python(log)
    started = time.perf_counter()
    servers: dict[float, Server] = {}  # one per latency, started when first needed
    try:
        outcomes = []
        for planned in scenarios(args.quick):
            if args.only and planned.key not in args.only:
                continue
            if planned.latency not in servers:
                servers[planned.latency] = Server(planned.latency)
            outcomes.append(measure(planned, servers[planned.latency].url, official, log))
    finally:
        for server in servers.values():
            server.stop()
    elapsed = time.perf_counter() - started
    mode = "quick" if args.quick else "full"
    if args.json:
        document = {
            "mode": mode,
            "seconds": round(elapsed, 1),
            "official": official is not None,
            "scenarios": [
                {
                    "key": o.scenario.key,
                    "unit": o.scenario.unit,
                    "values": o.values,
                    "peak_mb": o.peaks,
                    "ratios": {f"{t.ours}/{t.base}": o.ratio(t) for t in o.scenario.targets},
                }
                for o in outcomes
            ],
        }
        print(json.dumps(document, indent=2))
        return 0
    if official is None:
        print("official SDK: skipped" + (" (--ours-only)" if args.ours_only else ""))
    print("\n".join(report(outcomes, mode, elapsed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
