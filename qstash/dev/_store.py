"""Users and persistence: the four public dev users, and the write-through SQLite journal.

State lives in memory (:class:`~qstash.dev._model.Account` objects); with ``--db FILE`` every
change is also written to SQLite. Writes are coalesced per object (a message delivered before
its insert was committed is never written at all) and committed in batches by one writer
thread (group commit). API calls that change state wait for the commit that includes their
change before answering, so an acknowledged publish survives a crash; changes made by
deliveries are not waited for (a crash may then deliver a message again: at-least-once).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from qstash._config import DEV_CURRENT_SIGNING_KEY, DEV_NEXT_SIGNING_KEY, DEV_TOKEN
from qstash.dev._model import Account, LogEntry

__all__ = ["DEV_USERS", "DevUser", "Journal", "MemoryJournal", "Record", "SqliteJournal"]

_log = logging.getLogger("qstash.dev")


@dataclass(frozen=True, slots=True)
class DevUser:
    """A predefined dev user. Public, deterministic values (documented by Upstash)."""

    user_id: str
    token: str = field(repr=False)
    current_signing_key: str = field(repr=False)
    next_signing_key: str = field(repr=False)


DEV_USERS: tuple[DevUser, ...] = (
    DevUser("defaultUser", DEV_TOKEN, DEV_CURRENT_SIGNING_KEY, DEV_NEXT_SIGNING_KEY),
    DevUser(
        "testUser1",
        "eyJVc2VySUQiOiJ0ZXN0VXNlcjEiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9",
        "sig_7GVPjvuwsfqF65iC8fSrs1dfYruM",
        "sig_5NoELc3EFnZn4DVS5bDs2Nk4b7Ua",
    ),
    DevUser(
        "testUser2",
        "eyJVc2VySUQiOiJ0ZXN0VXNlcjIiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9",
        "sig_6jWGaWRxHsw4vMSPJprXadyvrybF",
        "sig_7qHbvhmahe5GwfePDiS5Lg3pi6Qx",
    ),
    DevUser(
        "testUser3",
        "eyJVc2VySUQiOiJ0ZXN0VXNlcjMiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9",
        "sig_5T8FcSsynBjn9mMLBsXhpacRovJf",
        "sig_7GFR4YaDshFcqsxWRZpRB161jguD",
    ),
)
"""User 1 is the default user printed in the banner."""


class Record(Protocol):
    """Anything the journal can store: it renders its own JSON record."""

    def record(self) -> str:
        """The JSON text stored for this object."""
        ...


class Journal(Protocol):
    """Where state changes go. All methods are called on the server's event loop."""

    def put(self, account: Account, kind: str, key: str, obj: Record) -> None:
        """Insert or replace an object (rendered when written, so the latest state wins)."""

    def delete(self, account: Account, kind: str, key: str) -> None:
        """Delete an object."""

    def log(self, account: Account, entry: LogEntry) -> None:
        """Append a log entry."""

    def barrier(self) -> Awaitable[None] | None:
        """Something to await until every change made so far is durable (``None``: already)."""

    async def close(self) -> None:
        """Write what is pending and stop."""


class MemoryJournal:
    """No persistence: everything is lost on restart (the official dev server's behaviour)."""

    def put(self, account: Account, kind: str, key: str, obj: Record) -> None:
        """Nothing to do."""

    def delete(self, account: Account, kind: str, key: str) -> None:
        """Nothing to do."""

    def log(self, account: Account, entry: LogEntry) -> None:
        """Nothing to do."""

    def barrier(self) -> Awaitable[None] | None:
        """Always durable (there is nothing to make durable)."""
        return None

    async def close(self) -> None:
        """Nothing to do."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    user TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (user, kind, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS logs (
    user TEXT NOT NULL, seq INTEGER NOT NULL, spec TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (user, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_SCHEMA_VERSION = "1"

_Key = tuple[str, str, str]


@dataclass(slots=True)
class StoredRows:
    """What a database held at start-up, per user id."""

    objects: dict[str, list[tuple[str, str, str]]]  # user -> [(kind, id, data)]
    logs: dict[str, list[tuple[int, str, str]]]  # user -> [(seq, spec, data)], oldest first


class SqliteJournal:
    """Write-through persistence to one SQLite file (WAL mode, batched commits).

    Args:
        path: the database file (created when missing).
        max_logs: log entries kept per user; older ones are pruned as new ones are written.
    """

    def __init__(self, path: str, *, max_logs: int) -> None:
        self._path = path
        self._max_logs = max_logs
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        row = self._conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            self._conn.execute("INSERT INTO meta VALUES ('schema', ?)", (_SCHEMA_VERSION,))
        elif row[0] != _SCHEMA_VERSION:
            raise RuntimeError(
                f"{path} was written by another dev-server version (schema {row[0]}); "
                "use a new --db file"
            )
        self._objects: dict[_Key, Record | None] = {}
        self._logs: list[tuple[str, int, str, str]] = []
        self._log_high: dict[str, int] = {}
        self._waiters: list[asyncio.Future[None]] = []
        self._inflight_waiters: list[asyncio.Future[None]] = []
        self._writing = False
        self._closing = False
        self._dirty: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="qstash-dev-db")

    def __repr__(self) -> str:
        return f"SqliteJournal({self._path!r})"

    def read_all(self) -> StoredRows:
        """Every stored row (called once, before the server starts)."""
        objects: dict[str, list[tuple[str, str, str]]] = {}
        for user, kind, key, data in self._conn.execute("SELECT user, kind, id, data FROM objects"):
            objects.setdefault(user, []).append((kind, key, data))
        logs: dict[str, list[tuple[int, str, str]]] = {}
        for user, seq, spec, data in self._conn.execute(
            "SELECT user, seq, spec, data FROM logs ORDER BY user, seq"
        ):
            logs.setdefault(user, []).append((seq, spec, data))
        return StoredRows(objects, logs)

    def start(self) -> None:
        """Start the writer (on the running event loop)."""
        self._dirty = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._writer(), name="qstash-dev-db")

    def _mark(self) -> None:
        if self._dirty is not None:
            self._dirty.set()

    def put(self, account: Account, kind: str, key: str, obj: Record) -> None:
        """Insert or replace an object."""
        self._objects[(account.user_id, kind, key)] = obj
        self._mark()

    def delete(self, account: Account, kind: str, key: str) -> None:
        """Delete an object."""
        self._objects[(account.user_id, kind, key)] = None
        self._mark()

    def log(self, account: Account, entry: LogEntry) -> None:
        """Append a log entry."""
        self._logs.append((account.user_id, entry.seq, entry.spec.record_json(), entry.record()))
        self._mark()

    def barrier(self) -> Awaitable[None] | None:
        """A future resolved once every change made so far is committed."""
        if not self._objects and not self._logs:
            if not self._writing:
                return None
            future = asyncio.get_running_loop().create_future()
            self._inflight_waiters.append(future)
            return future
        future = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        self._mark()
        return future

    async def _writer(self) -> None:
        assert self._dirty is not None
        loop = asyncio.get_running_loop()
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            if not self._objects and not self._logs and not self._waiters:
                if self._closing:
                    return
                continue
            upserts: list[tuple[str, str, str, str]] = []
            deletes: list[tuple[str, str, str]] = []
            for (user, kind, key), obj in self._objects.items():
                if obj is None:
                    deletes.append((user, kind, key))
                else:
                    upserts.append((user, kind, key, obj.record()))
            logs = self._logs
            prune: list[tuple[str, int]] = []
            for user, seq, _, _ in logs:
                if seq > self._log_high.get(user, -1):
                    self._log_high[user] = seq
            for user in {row[0] for row in logs}:
                prune.append((user, self._log_high[user] - self._max_logs))
            waiters = self._waiters
            self._objects, self._logs, self._waiters = {}, [], []
            self._writing = True
            try:
                await loop.run_in_executor(
                    self._executor, self._write, upserts, deletes, logs, prune
                )
            except Exception as exc:  # disk full, locked file...: fail the waiting API calls
                _log.error("writing the dev-server database failed: %s", exc)
                for waiter in waiters + self._inflight_waiters:
                    if not waiter.done():
                        waiter.set_exception(RuntimeError(f"database write failed: {exc}"))
            else:
                for waiter in waiters + self._inflight_waiters:
                    if not waiter.done():
                        waiter.set_result(None)
            finally:
                self._writing = False
                self._inflight_waiters = []
            if self._closing and not self._objects and not self._logs:
                return

    def _write(
        self,
        upserts: list[tuple[str, str, str, str]],
        deletes: list[tuple[str, str, str]],
        logs: list[tuple[str, int, str, str]],
        prune: list[tuple[str, int]],
    ) -> None:
        conn = self._conn
        conn.execute("BEGIN")
        try:
            if upserts:
                conn.executemany("INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?)", upserts)
            if deletes:
                conn.executemany("DELETE FROM objects WHERE user=? AND kind=? AND id=?", deletes)
            if logs:
                conn.executemany("INSERT OR REPLACE INTO logs VALUES (?, ?, ?, ?)", logs)
            for user, upto in prune:
                conn.execute("DELETE FROM logs WHERE user=? AND seq<=?", (user, upto))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    async def close(self) -> None:
        """Commit what is pending, then close the file."""
        self._closing = True
        self._mark()
        if self._task is not None:
            await self._task
        self._executor.shutdown(wait=True)
        self._conn.close()
