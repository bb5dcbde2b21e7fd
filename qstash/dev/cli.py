"""``qstash dev``: run the local QStash development server until Ctrl+C.

Prints the same environment block as the official dev server (``QSTASH_URL``,
``QSTASH_TOKEN``, ``QSTASH_CURRENT_SIGNING_KEY``, ``QSTASH_NEXT_SIGNING_KEY``) for the default
user. These are public dev values; no other secret is ever printed or logged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence

from qstash.dev._engine import QUOTAS

__all__ = ["build_parser", "main"]


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 picks a free one)")
    return int(text)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def build_parser(prog: str = "qstash dev") -> argparse.ArgumentParser:
    """The argument parser (flags also accept the official CLI's ``-port=8081`` spelling)."""
    env = os.environ
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run a local QStash: the /v2 API, signed deliveries to any URL (localhost "
        "included), retries, DLQ, schedules, queues, URL groups, flow control and logs.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        "-port",
        type=_port,
        default=_port(env.get("QSTASH_DEV_PORT", "8080") or "8080"),
        help="port (default $QSTASH_DEV_PORT or 8080; 0 picks a free one)",
    )
    parser.add_argument(
        "--db", metavar="FILE", help="keep state in this SQLite file across restarts"
    )
    parser.add_argument(
        "--time-scale",
        type=_positive,
        default=1.0,
        metavar="X",
        help="run delays, retry backoffs and cron X times faster (times reported run ahead)",
    )
    parser.add_argument(
        "--max-retry-delay",
        type=_positive,
        metavar="SECONDS",
        help="cap every retry wait (QStash's backoff is 12s, 2m28s, 30m, 6h, then 24h)",
    )
    parser.add_argument(
        "--delivery-timeout",
        type=_positive,
        default=30.0,
        metavar="SECONDS",
        help="timeout of a delivery without Upstash-Timeout (default 30)",
    )
    parser.add_argument(
        "--quota",
        "-quota",
        choices=sorted(QUOTAS),
        default=env.get("QSTASH_DEV_QUOTA") or "payg",
        help="simulated plan limits (default payg)",
    )
    parser.add_argument("--max-logs", type=int, default=10_000, help="log entries kept per user")
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="server log level (default info)",
    )
    parser.add_argument(
        "--log-port", "-log-port", type=_port, help=argparse.SUPPRESS
    )  # accepted for the official CLI's flags; logs are served on the main port
    return parser


def _banner(server_url: str, token: str, current: str, next_: str, notes: list[str]) -> str:
    lines = [
        f"QStash development server is running at {server_url}",
        "",
        "Default user (public development values, not secrets):",
        f"QSTASH_URL={server_url}",
        f"QSTASH_TOKEN={token}",
        f"QSTASH_CURRENT_SIGNING_KEY={current}",
        f"QSTASH_NEXT_SIGNING_KEY={next_}",
        "",
        *notes,
        "For local development only. Press Ctrl+C to stop.",
    ]
    return "\n".join(lines) + "\n"


async def _serve(args: argparse.Namespace) -> int:
    from qstash.dev.server import DevServer

    server = DevServer(
        host=args.host,
        port=args.port,
        db=args.db,
        time_scale=args.time_scale,
        max_retry_delay=args.max_retry_delay,
        quota=args.quota,
        delivery_timeout=args.delivery_timeout,
        max_logs=args.max_logs,
    )
    try:
        await server.start()
    except OSError as exc:
        sys.stderr.write(f"qstash dev: cannot listen on {args.host}:{args.port}: {exc}\n")
        return 1
    notes = [f"State: {'SQLite file ' + args.db if args.db else 'in memory, lost on exit'}."]
    if args.time_scale != 1:
        notes.append(f"Time runs {args.time_scale:g}x faster (reported times run ahead).")
    if args.max_retry_delay:
        notes.append(f"Retry waits are capped at {args.max_retry_delay:g}s.")
    account = server.default_account
    sys.stdout.write(
        _banner(server.url, account.token, account.current_key, account.next_key, notes)
    )
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()
    return 0


def main(argv: Sequence[str] | None = None, *, prog: str = "qstash dev") -> int:
    """Run the server until interrupted; returns the exit status."""
    args = build_parser(prog).parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, args.log_level.upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return asyncio.run(_serve(args))
    except KeyboardInterrupt:
        return 0
