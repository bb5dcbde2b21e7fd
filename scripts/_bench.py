"""The foundation benchmark behind ``scripts/bench``: our overhead as ratios to bare baselines.

Three measurements, in one run, on this machine only (the HTTP server runs on 127.0.0.1 in a
separate process started and stopped here; nothing leaves the machine):

1. ``QStash.message.publish_json`` calls/s against a bare ``httpx.Client`` sending the same
   request (path, Authorization, User-Agent, Content-Type, a fresh deduplication id, the same
   JSON body bytes, the response read and parsed), both on a kept-alive connection.
2. ``Receiver.verify`` calls/s against a minimal standard-library HS256 check of the same token.
3. The import time of ``import qstash`` and of ``from qstash import QStash, Receiver`` (what users
   run) against ``import httpx``, in fresh interpreters, minus a ``python -c pass`` baseline.

Throughput rounds alternate (ours, baseline, ours, baseline...) after a warm-up, so machine
noise hits both sides alike; the figures are medians over rounds, and each ratio is the median
of the per-pair ratios (robust to slow drift). The targets are reported, never enforced: the
exit status is 0 whenever the benchmark ran.

Options: ``--quick`` (a smoke run of a second or two), ``--json`` (one JSON document instead of
the lines), ``--profile publish|verify`` (cProfile of our side only, top functions by own time).
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import gc
import hashlib
import hmac
import importlib.util
import json
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run from a checkout: the SDK from the repo root and the generated package (which parses
# publish results) from generated/, where pytest's pythonpath setting finds them too; an
# editable install only provides the first.
for _module, _folder in (("qstash", ROOT), ("qstash_openapi", ROOT / "generated")):
    if importlib.util.find_spec(_module) is None:
        sys.path.append(str(_folder))

import httpx  # noqa: E402
from _child_server import ChildServer  # noqa: E402

from qstash import QStash, Receiver  # noqa: E402
from qstash.receiver import sign  # noqa: E402

SERVER = ROOT / "scripts" / "_bench_server.py"

TOKEN = "bench-token-0000"
DESTINATION = "https://example.com/x"
PUBLISH_PATH = "/v2/publish/" + DESTINATION
BODY: dict[str, Any] = {"event": "order.created", "id": 12345, "items": [1, 2, 3], "ok": True}
CURRENT_KEY = "sig_bench_current_key_0000000000"
NEXT_KEY = "sig_bench_next_key_00000000000000"
SIGNED_URL = "https://example.com/api/webhook"
SIGNED_BODY = b'{"hello":"world","n":42}'

IMPORTS = {
    "pass": "pass",
    "httpx": "import httpx",
    "qstash": "import qstash",
    "qstash_public": "from qstash import QStash, Receiver",
}


@dataclass(frozen=True, slots=True)
class Mode:
    """How much work each measurement does."""

    publish_rounds: int
    publish_calls: int
    verify_rounds: int
    verify_calls: int
    import_runs: int


# Many short publish rounds: neighbouring rounds see the same machine, so the per-pair ratios
# are steadier than a few long rounds (measured here: spread 0.96-0.98 against 0.88-0.99).
FULL = Mode(
    publish_rounds=61, publish_calls=150, verify_rounds=31, verify_calls=3000, import_runs=41
)
QUICK = Mode(publish_rounds=3, publish_calls=100, verify_rounds=3, verify_calls=300, import_runs=3)


@dataclass(frozen=True, slots=True)
class Result:
    """One measurement line: ours against the baseline, higher-is-better or lower-is-better."""

    name: str
    ours: float
    base: float
    ratio: float
    target: float
    higher_is_better: bool
    unit: str
    ours_label: str
    base_label: str

    @property
    def ok(self) -> bool:
        """Whether the ratio meets the target."""
        return self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target

    def line(self) -> str:
        """The human-readable line."""
        sign_ = ">=" if self.higher_is_better else "<="
        fmt = "{:.0f}" if self.unit == "calls/s" else "{:.1f}"
        return (
            f"{self.name}: {self.ours_label} {fmt.format(self.ours)} {self.unit}, "
            f"{self.base_label} {fmt.format(self.base)} {self.unit}, ratio {self.ratio:.3f} "
            f"(target {sign_} {self.target}) {'OK' if self.ok else 'MISS'}"
        )


# -- the server ------------------------------------------------------------------------------


class Server(ChildServer):
    """``scripts/_bench_server.py`` in a child process on a free 127.0.0.1 port."""

    def __init__(self) -> None:
        super().__init__([sys.executable, str(SERVER), "0"])


# -- timing helpers --------------------------------------------------------------------------


def _rate(loop: Callable[[int], object], calls: int) -> float:
    gc.collect()
    start = time.perf_counter()
    loop(calls)
    return calls / (time.perf_counter() - start)


def _alternate(
    ours: Callable[[int], object], base: Callable[[int], object], rounds: int, calls: int
) -> tuple[float, float, float]:
    """Median calls/s of each side and the median per-round ratio, rounds interleaved."""
    ours_rates: list[float] = []
    base_rates: list[float] = []
    for index in range(rounds):
        # Swap who goes first each round, so neither side always follows the other.
        if index % 2:
            base_rates.append(_rate(base, calls))
            ours_rates.append(_rate(ours, calls))
        else:
            ours_rates.append(_rate(ours, calls))
            base_rates.append(_rate(base, calls))
    ratios = [o / b for o, b in zip(ours_rates, base_rates, strict=True)]
    return statistics.median(ours_rates), statistics.median(base_rates), statistics.median(ratios)


# -- 1. publish_json -------------------------------------------------------------------------


class Publish:
    """The SDK client and the bare httpx client, both kept alive against the bench server."""

    def __init__(self, base_url: str) -> None:
        self.sdk = QStash(TOKEN, base_url=base_url)  # default retry: dedup ids are generated
        sent = self._capture_sdk_request()
        # The same default headers as the SDK sends (taken from its request, not guessed).
        self.bare = httpx.Client(
            base_url=base_url,
            headers={
                "Authorization": sent.headers["Authorization"],
                "User-Agent": sent.headers["User-Agent"],
            },
        )
        self.mismatch = self._compare(sent)

    def _capture_sdk_request(self) -> httpx.Request:
        captured: list[httpx.Request] = []
        self.sdk.http.event_hooks = {"request": [captured.append]}
        try:
            self.sdk.message.publish_json(url=DESTINATION, body=BODY)
        finally:
            self.sdk.http.event_hooks = {}
        return captured[0]

    def _compare(self, sdk_request: httpx.Request) -> str | None:
        """Describe how the two requests differ on the wire (None: same shape)."""
        captured: list[httpx.Request] = []
        self.bare.event_hooks = {"request": [captured.append]}
        try:
            self.bare_call()
        finally:
            self.bare.event_hooks = {}
        bare_request = captured[0]
        problems = []
        if set(sdk_request.headers.keys()) != set(bare_request.headers.keys()):
            problems.append(
                f"header names differ: qstash {sorted(sdk_request.headers.keys())}, "
                f"bare {sorted(bare_request.headers.keys())}"
            )
        if sdk_request.content != bare_request.content:
            problems.append("bodies differ")
        if sdk_request.url != bare_request.url or sdk_request.method != bare_request.method:
            problems.append(f"targets differ: {sdk_request.url} vs {bare_request.url}")
        return "; ".join(problems) or None

    def sdk_call(self) -> None:
        """One SDK publish."""
        result = self.sdk.message.publish_json(url=DESTINATION, body=BODY)
        assert result.message_id == "msg_1"  # type: ignore[union-attr]

    def bare_call(self) -> None:
        """The same publish by hand: encode, fresh dedup id, post, check, parse."""
        response = self.bare.post(
            PUBLISH_PATH,
            content=json.dumps(BODY, separators=(",", ":"), ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json",
                "Upstash-Deduplication-Id": secrets.token_hex(16),
            },
        )
        if response.status_code != 200:
            raise RuntimeError(f"bench server answered {response.status_code}")
        assert json.loads(response.content)["messageId"] == "msg_1"

    def sdk_loop(self, calls: int) -> None:
        """``calls`` SDK publishes."""
        call = self.sdk_call
        for _ in range(calls):
            call()

    def bare_loop(self, calls: int) -> None:
        """``calls`` bare publishes."""
        call = self.bare_call
        for _ in range(calls):
            call()

    def close(self) -> None:
        """Close both clients."""
        self.sdk.close()
        self.bare.close()


def bench_publish(base_url: str, mode: Mode) -> tuple[Result, str | None]:
    """Measurement 1, plus a description of any wire difference between the two requests."""
    publish = Publish(base_url)
    try:
        warmup = max(mode.publish_calls // 2, 50)
        publish.sdk_loop(warmup)
        publish.bare_loop(warmup)
        ours, base, ratio = _alternate(
            publish.sdk_loop, publish.bare_loop, mode.publish_rounds, mode.publish_calls
        )
    finally:
        publish.close()
    result = Result(
        "publish_json sync", ours, base, ratio, 0.95, True, "calls/s", "qstash", "bare httpx"
    )
    return result, publish.mismatch


# -- 2. Receiver.verify ----------------------------------------------------------------------


def _unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def bare_verify(token: str, body: bytes, url: str, key: bytes) -> dict[str, Any]:
    """The minimal stdlib HS256 check: what a careful hand-written verifier does."""
    header_segment, payload_segment, mac_segment = token.split(".")
    header = json.loads(_unb64(header_segment))
    claims: dict[str, Any] = json.loads(_unb64(payload_segment))
    if header.get("alg") != "HS256":
        raise ValueError("alg")
    signing_input = f"{header_segment}.{payload_segment}".encode()
    mac = hmac.new(key, signing_input, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, _unb64(mac_segment)):
        raise ValueError("signature")
    if claims["iss"] != "Upstash" or claims["sub"] != url:
        raise ValueError("claims")
    now = time.time()
    if claims["exp"] <= now or claims["nbf"] > now:
        raise ValueError("time")
    digest = base64.urlsafe_b64encode(hashlib.sha256(body).digest()).decode()
    if not hmac.compare_digest(digest, claims["body"]):
        raise ValueError("body")
    return claims


def bench_verify(mode: Mode) -> Result:
    """Measurement 2: both sides check the same token, body and URL."""
    token = sign(signing_key=CURRENT_KEY, url=SIGNED_URL, body=SIGNED_BODY)
    receiver = Receiver(CURRENT_KEY, NEXT_KEY)  # both keys, as in production
    verify = receiver.verify
    key = CURRENT_KEY.encode()
    # Both must accept this token and refuse a forged one, or the comparison means nothing.
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    verify(signature=token, body=SIGNED_BODY, url=SIGNED_URL)
    bare_verify(token, SIGNED_BODY, SIGNED_URL, key)
    for check in (
        lambda: verify(signature=forged, body=SIGNED_BODY, url=SIGNED_URL),
        lambda: bare_verify(forged, SIGNED_BODY, SIGNED_URL, key),
    ):
        try:
            check()
        except Exception:
            pass  # refusing is the expected outcome
        else:
            raise RuntimeError("a forged token was accepted; the benchmark is broken")

    def ours(calls: int) -> None:
        for _ in range(calls):
            verify(signature=token, body=SIGNED_BODY, url=SIGNED_URL)

    def base(calls: int) -> None:
        for _ in range(calls):
            bare_verify(token, SIGNED_BODY, SIGNED_URL, key)

    ours(mode.verify_calls)
    base(mode.verify_calls)
    mine, theirs, ratio = _alternate(ours, base, mode.verify_rounds, mode.verify_calls)
    return Result(
        "Receiver.verify", mine, theirs, ratio, 0.8, True, "calls/s", "qstash", "bare stdlib"
    )


# -- 3. import time --------------------------------------------------------------------------


def _run_seconds(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start


def bench_imports(mode: Mode) -> list[Result]:
    """Measurement 3: median wall time of fresh interpreters, minus ``python -c pass``."""
    with tempfile.TemporaryDirectory(prefix="qstash-bench-pyc-") as cache:
        # Users run from compiled bytecode (pip writes it), so every module must be cached,
        # ours as much as httpx's, even where PYTHONDONTWRITEBYTECODE is set. A private
        # cache prefix keeps the repository free of __pycache__ folders.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for code in IMPORTS.values():
            _run_seconds(code, env)  # write the bytecode and warm the file cache
        runs: dict[str, list[float]] = {name: [] for name in IMPORTS}
        for _ in range(mode.import_runs):
            for name, code in IMPORTS.items():  # interleaved, so drift hits every variant
                runs[name].append(_run_seconds(code, env))
    medians = {name: statistics.median(times) * 1000 for name, times in runs.items()}
    httpx_ms = max(medians["httpx"] - medians["pass"], 1e-3)
    results = []
    for name, label in (
        ("qstash", "import qstash"),
        ("qstash_public", "from qstash import QStash, Receiver"),
    ):
        ms = max(medians[name] - medians["pass"], 0.0)
        results.append(
            Result(label, ms, httpx_ms, ms / httpx_ms, 1.2, False, "ms", "qstash", "import httpx")
        )
    return results


# -- profiling -------------------------------------------------------------------------------


def profile(what: str, base_url: str) -> None:
    """cProfile our side of ``what``: top functions by own time, then ours by cumulative time."""
    profiler = cProfile.Profile()
    if what == "publish":
        publish = Publish(base_url)
        try:
            publish.sdk_loop(500)
            profiler.runcall(publish.sdk_loop, 3000)
        finally:
            publish.close()
    else:
        token = sign(signing_key=CURRENT_KEY, url=SIGNED_URL, body=SIGNED_BODY)
        verify = Receiver(CURRENT_KEY, NEXT_KEY).verify

        def loop() -> None:
            for _ in range(50_000):
                verify(signature=token, body=SIGNED_BODY, url=SIGNED_URL)

        profiler.runcall(loop)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(20)
    # Our own functions, where any overhead over the baseline has to come from.
    stats.sort_stats("cumulative").print_stats(r"qstash/|qstash_openapi/", 30)


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print one line each (or JSON); always 0 once it has run."""
    parser = argparse.ArgumentParser(
        prog="scripts/bench", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--profile", choices=("publish", "verify"), help="cProfile our side")
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL

    server = Server()
    try:
        if args.profile:
            profile(args.profile, server.url)
            return 0
        started = time.perf_counter()
        load_before = os.getloadavg()[0]
        publish, mismatch = bench_publish(server.url, mode)
        results = [publish, bench_verify(mode), *bench_imports(mode)]
        elapsed = time.perf_counter() - started
        # A busy machine skews even alternated rounds; say how busy it was.
        load = f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}"
    finally:
        server.stop()

    if args.json:
        document = {
            "mode": "quick" if args.quick else "full",
            "seconds": round(elapsed, 2),
            "load_average": load,
            "wire_mismatch": mismatch,
            "results": [asdict(r) | {"ok": r.ok} for r in results],
        }
        print(json.dumps(document, indent=2))
        return 0
    if mismatch:
        print(f"WARNING: the two publish requests differ on the wire: {mismatch}")
    for result in results:
        print(result.line())
    print(
        f"({'quick' if args.quick else 'full'} run, {elapsed:.1f} s, load average {load}; "
        "medians over alternating rounds; throughput ratios are medians of per-round ratios)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
