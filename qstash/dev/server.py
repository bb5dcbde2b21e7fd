"""The dev server as a Python object: :class:`DevServer` (async) and :class:`DevServerThread`.

:class:`DevServer` runs on the caller's event loop (``qstash dev`` uses it that way).
:class:`DevServerThread` runs one on a private loop thread and offers blocking and async
controls, for tests and scripts (the pytest fixtures in :mod:`qstash.dev.testing` use it)::

    with DevServerThread(clock=ManualClock()) as server:
        client = server.client()
        client.message.publish_json(url="http://127.0.0.1:9000/hook", body={"a": 1})
        server.advance(60)  # one minute of QStash time: retries and cron ticks run now
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from qstash.dev._clock import Clock, ScaledClock
from qstash.dev._engine import QUOTAS, Engine, EngineConfig
from qstash.dev._model import (
    Account,
    DedupEntry,
    DlqEntry,
    FlowState,
    LogEntry,
    MessageSpec,
    Queue,
    Schedule,
    UrlGroup,
)
from qstash.dev._store import DEV_USERS, Journal, MemoryJournal, SqliteJournal
from qstash.dev._thread import LoopThread

if TYPE_CHECKING:
    from aiohttp import web

    from qstash import AsyncQStash, QStash, Receiver

__all__ = ["DevServer", "DevServerThread"]

_log = logging.getLogger("qstash.dev")


class _NoRequestEcho(logging.Filter):
    """Keep aiohttp's "Error handling request" lines, without the request they quote.

    aiohttp logs a request it cannot parse with the offending raw line (an ``Authorization:
    Bearer <token>`` header holding a control character, a request line with
    ``?qstash_token=...``): a user's token must never reach the log. The exception's class
    and status stay; its text and traceback go.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            status = getattr(exc, "code", None) or getattr(exc, "status", None)
            reason = type(exc).__name__ + (f" ({status})" if isinstance(status, int) else "")
            record.msg = f"{record.getMessage()}: {reason}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


# The logger aiohttp's request handler writes its protocol errors to (instead of its own
# aiohttp.server), filtered as above.
_http_log = logging.getLogger("qstash.dev.http")
_http_log.addFilter(_NoRequestEcho())


class DevServer:
    """A local QStash: the ``/v2`` API, signed deliveries, retries, schedules, DLQ, logs.

    Args:
        host: interface to listen on (``0.0.0.0`` to reach it from containers).
        port: TCP port; 0 picks a free one (see :attr:`port` after :meth:`start`).
        db: SQLite file for persistent state; ``None`` keeps everything in memory.
        clock: the logical clock; defaults to real time sped up by ``time_scale``.
        time_scale: how many times faster than real time delays, retries and cron run.
        max_retry_delay: cap on every retry wait, seconds (``None``: QStash's backoff).
        quota: simulated plan, ``"payg"`` or ``"pro"``.
        delivery_timeout: seconds an attempt may take without ``Upstash-Timeout``.
        max_logs: log entries kept per user.
        workers: concurrent deliveries.
        ids: id factory (``prefix -> id``) for deterministic tests.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        db: str | None = None,
        clock: Clock | None = None,
        time_scale: float = 1.0,
        max_retry_delay: float | None = None,
        quota: str = "payg",
        delivery_timeout: float = 30.0,
        max_logs: int = 10_000,
        workers: int = 256,
        ids: Callable[[str], str] | None = None,
    ) -> None:
        if quota not in QUOTAS:
            raise ValueError(f"quota must be one of {', '.join(QUOTAS)}, not {quota!r}")
        self.host = host
        self._requested_port = port
        self.port = port
        self.db = db
        self.clock: Clock = clock if clock is not None else ScaledClock(time_scale)
        self.config = EngineConfig(
            quota=QUOTAS[quota],
            delivery_timeout_s=delivery_timeout,
            max_retry_delay_s=max_retry_delay,
            max_logs=max_logs,
            workers=workers,
        )
        self._ids = ids
        self.accounts: dict[str, Account] = {}  # by token
        self.users: dict[str, Account] = {}  # by user id
        self._journal: Journal = MemoryJournal()
        self._engine: Engine | None = None
        self._runner: web.AppRunner | None = None

    def __repr__(self) -> str:
        return f"DevServer(url={self.url!r}, db={self.db!r}, clock={self.clock!r})"

    @property
    def url(self) -> str:
        """The base URL clients use (``QSTASH_URL``)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def engine(self) -> Engine:
        """The running engine (after :meth:`start`)."""
        if self._engine is None:
            raise RuntimeError("the dev server is not started")
        return self._engine

    @property
    def default_account(self) -> Account:
        """The default dev user's state (token and live signing keys)."""
        return self.users[DEV_USERS[0].user_id]

    async def start(self) -> None:
        """Load state (``db``), start the engine and listen. Call on the loop that serves."""
        from aiohttp import web

        from qstash.dev._app import build_app

        for user in DEV_USERS:
            account = Account(
                user.user_id,
                user.token,
                user.current_signing_key,
                user.next_signing_key,
                logs=deque(maxlen=self.config.max_logs),
            )
            self.accounts[user.token] = account
            self.users[user.user_id] = account
        if self.db is not None:
            journal = SqliteJournal(self.db, max_logs=self.config.max_logs)
            rows = journal.read_all()
            self._journal = journal
            journal.start()
        engine = Engine(clock=self.clock, journal=self._journal, config=self.config, ids=self._ids)
        self._engine = engine
        await engine.start()
        if self.db is not None:
            self._restore(engine, rows)
        app = build_app(
            engine, self.accounts, max_body=self.config.quota.max_message_bytes + (1 << 20)
        )
        runner = web.AppRunner(app, access_log=None, handle_signals=False, logger=_http_log)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port, backlog=1024)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            await engine.close()
            await self._journal.close()
            raise
        self._runner = runner
        for address in runner.addresses:
            if isinstance(address, tuple):
                self.port = int(address[1])
                break

    async def stop(self) -> None:
        """Stop listening, stop deliveries (pending ones stay in state) and flush ``db``."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._engine is not None:
            await self._engine.close()
        await self._journal.close()
        # Closed transports release their sockets on the loop's next turns: give them those
        # turns before the loop stops, or a socket is left to the garbage collector to close.
        await asyncio.sleep(0.01)

    async def advance(self, seconds: float, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a wait limit
        """Move a :class:`ManualClock` forward, running what falls due, in time order."""
        await self.engine.advance(seconds, timeout)

    async def run_due(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a wait limit
        """Run what is due now and wait until those deliveries (and follow-ups) finish."""
        await self.engine.settle(timeout)

    def _restore(self, engine: Engine, rows: Any) -> None:
        now = self.clock.now_ms()
        pending: list[tuple[int, Account, MessageSpec, int, int, str | None]] = []
        for user_id, objects in rows.objects.items():
            account = self.users.get(user_id)
            if account is None:
                continue
            dlq: list[DlqEntry] = []
            dedup: list[tuple[str, DedupEntry]] = []
            schedules: list[Schedule] = []
            for kind, key, data in objects:
                if kind == "keys":
                    account.current_key, account.next_key = json.loads(data)
                elif kind == "queue":
                    account.queues[key] = Queue.from_record(key, data)
                elif kind == "group":
                    account.groups[key] = UrlGroup.from_record(key, data)
                elif kind == "flow":
                    state = FlowState.from_record(key, data)
                    state.period_start_ms = now
                    account.flows[key] = state
                elif kind == "dlq":
                    dlq.append(DlqEntry.from_record(key, data))
                elif kind == "dedup":
                    remembered = DedupEntry.from_record(data)
                    if remembered.expires_ms > now:
                        dedup.append((key, remembered))
                elif kind == "sched":
                    schedules.append(Schedule.from_record(key, data))
                elif kind == "msg":
                    record = json.loads(data)
                    spec = MessageSpec.from_record_json(record["spec"])
                    pending.append(
                        (
                            record["seq"],
                            account,
                            spec,
                            record["due"],
                            record["retried"],
                            record["holds"],
                        )
                    )
            for entry in sorted(dlq, key=lambda e: e.order):
                account.dlq[entry.dlq_id] = entry
                account.dlq_seq = max(account.dlq_seq, entry.order)
            for key, remembered in sorted(dedup, key=lambda item: item[1].expires_ms):
                account.dedup[key] = remembered
            for schedule in schedules:
                account.schedules[schedule.schedule_id] = schedule
                engine.arm_schedule(account, schedule, now)
        for user_id, logs in rows.logs.items():
            account = self.users.get(user_id)
            if account is None:
                continue
            specs: dict[str, MessageSpec] = {}
            for seq, spec_text, data in logs:
                log_spec = specs.get(spec_text)
                if log_spec is None:
                    log_spec = specs[spec_text] = MessageSpec.from_record_json(spec_text)
                account.logs.append(LogEntry.from_record(seq, data, log_spec))
                account.log_seq = max(account.log_seq, seq)
        for seq, account, spec, due, retried, holds in sorted(pending, key=lambda p: p[0]):
            engine.restore_message(account, spec, seq, due, retried, holds)
        if pending:
            _log.info("resumed %d pending messages from %s", len(pending), self.db)


class DevServerThread:
    """A :class:`DevServer` on a background thread, with blocking and async controls.

    Takes the :class:`DevServer` arguments; ``port`` defaults to 0 (a free port). Use it as
    a context manager (or call :meth:`start` / :meth:`stop`).
    """

    def __init__(self, **options: Any) -> None:
        options.setdefault("port", 0)
        self.server = DevServer(**options)
        self._thread: LoopThread | None = None

    def __repr__(self) -> str:
        return f"DevServerThread({self.server!r})"

    def start(self) -> Self:
        """Start the server thread; returns when the server listens."""
        thread = LoopThread("qstash-dev-server")
        thread.start()
        try:
            thread.run(self.server.start())
        except BaseException:
            thread.stop()
            raise
        self._thread = thread
        return self

    def stop(self) -> None:
        """Stop the server and its thread."""
        if self._thread is not None:
            thread, self._thread = self._thread, None
            try:
                thread.run(self.server.stop(), timeout=30)
            finally:
                thread.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _loop(self) -> LoopThread:
        if self._thread is None:
            raise RuntimeError("the dev server is not started")
        return self._thread

    @property
    def url(self) -> str:
        """The base URL (``QSTASH_URL``)."""
        return self.server.url

    @property
    def token(self) -> str:
        """The default user's token (``QSTASH_TOKEN``)."""
        return self.server.default_account.token

    @property
    def current_signing_key(self) -> str:
        """The key deliveries are signed with now (changes on rotation)."""
        return self.server.default_account.current_key

    @property
    def next_signing_key(self) -> str:
        """The next signing key."""
        return self.server.default_account.next_key

    @property
    def clock(self) -> Clock:
        """The server's logical clock."""
        return self.server.clock

    def now_ms(self) -> int:
        """The logical time, unix milliseconds."""
        return self.server.clock.now_ms()

    def advance(self, seconds: float, timeout: float = 30.0) -> None:
        """Move the manual clock ``seconds`` forward and run what falls due (blocking)."""
        self._loop().run(self.server.advance(seconds, timeout))

    def run_due(self, timeout: float = 30.0) -> None:
        """Run what is due now and wait for those deliveries (blocking)."""
        self._loop().run(self.server.run_due(timeout))

    async def aadvance(self, seconds: float, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a wait limit
        """:meth:`advance` for async tests."""
        await self._loop().arun(self.server.advance(seconds, timeout))

    async def arun_due(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a wait limit
        """:meth:`run_due` for async tests."""
        await self._loop().arun(self.server.run_due(timeout))

    def call(self, function: Callable[[], Any]) -> Any:
        """Run ``function`` on the server loop (to read state consistently) and return it."""

        async def run() -> Any:
            return function()

        return self._loop().run(run())

    def client(self, **options: Any) -> QStash:
        """A :class:`qstash.QStash` for this server and the default user."""
        from qstash import QStash

        options.setdefault("token", self.token)
        options.setdefault("base_url", self.url)
        return QStash(**options)

    def async_client(self, **options: Any) -> AsyncQStash:
        """A :class:`qstash.AsyncQStash` for this server and the default user."""
        from qstash import AsyncQStash

        options.setdefault("token", self.token)
        options.setdefault("base_url", self.url)
        return AsyncQStash(**options)

    def receiver(self) -> Receiver:
        """A :class:`qstash.Receiver` with the default user's current keys."""
        from qstash import Receiver

        return Receiver(self.current_signing_key, self.next_signing_key)
