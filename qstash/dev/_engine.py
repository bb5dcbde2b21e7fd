"""The engine: when each message is delivered, the delivery itself, and what follows it.

One asyncio loop owns all state. A min-heap holds everything that waits for a time (first
attempts with a delay, retries, cron ticks, flow-control rate periods); one scheduler task
sleeps until the earliest entry (or, with a manual clock, until the test moves time). A due
message passes two gates before it is sent:

* its queue (FIFO, ``parallelism`` slots; a slot is held from the first attempt until the
  message and the callback of its final attempt are finished, retries included), then
* its flow-control key (``parallelism`` in-flight attempts, ``rate`` attempt starts per
  ``period``; a waitlist per key, in FIFO order).

It then goes to a fixed pool of delivery workers sharing one aiohttp connection pool. After
each attempt the outcome is logged; a failure is retried with QStash's backoff (or the
message's ``Upstash-Retry-Delay`` expression, or the destination's ``Retry-After``), or, when
retries are exhausted (or the answer was 489 + ``Upstash-NonRetryable-Error``), moved to the
DLQ. Callbacks and failure callbacks are new messages of their own. A finished message leaves
memory; only its log entries (a bounded ring per user) and DLQ entry remain.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import heapq
import itertools
import json
import logging
import math
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from qstash.dev._clock import Clock, ManualClock
from qstash.dev._cron import Cron
from qstash.dev._expr import ExpressionError
from qstash.dev._model import (
    Account,
    CallbackSpec,
    DedupEntry,
    DlqEntry,
    Draft,
    FlowState,
    Headers,
    Kind,
    LogEntry,
    LogState,
    Message,
    MessageSpec,
    Phase,
    Queue,
    Schedule,
)
from qstash.dev._store import Journal
from qstash.dev._values import parse_retry_after
from qstash.receiver import sign

__all__ = ["QUOTAS", "ApiError", "Engine", "EngineConfig", "Quota"]

_log = logging.getLogger("qstash.dev")

_USER_AGENT = "Upstash-QStash"
_RETRY_AFTER_HEADERS = (
    "Retry-After",
    "X-RateLimit-Reset",
    "X-RateLimit-Reset-Requests",
    "X-RateLimit-Reset-Tokens",
)
_MAX_BACKOFF_S = 86400.0
_DEDUP_WINDOW_MS = 10 * 60 * 1000
# Log entries share the message's spec; above this size they get a copy with a truncated
# body, so that the bounded log ring never pins large bodies in memory.
_LOG_BODY_LIMIT = 16 * 1024

# heap entry kinds
_MSG = 0
_SCHED = 1
_FLOW = 2


class ApiError(Exception):
    """An API call the server refuses: answered with ``status`` and ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Quota:
    """Plan limits the dev server simulates (``--quota``)."""

    name: str
    max_message_bytes: int
    max_delay_s: float | None
    max_timeout_s: float
    max_retries: int
    max_queues: int
    max_queue_parallelism: int
    max_schedules: int
    max_url_groups: int
    dlq_retention_s: float
    max_dlq: int


_DAY = 86400.0
QUOTAS: dict[str, Quota] = {
    "payg": Quota(
        "payg", 10 << 20, 365 * _DAY, 2 * 3600.0, 20, 100, 100, 1000, 100, 7 * _DAY, 10000
    ),
    "pro": Quota("pro", 50 << 20, None, 6 * 3600.0, 20, 1000, 200, 10000, 1000, 30 * _DAY, 100000),
}
"""``payg`` (pay as you go, the default) and ``pro`` (a fixed plan), after the public pricing."""


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Engine settings.

    Attributes:
        quota: the simulated plan limits.
        delivery_timeout_s: timeout of an attempt without ``Upstash-Timeout``, seconds.
        max_retry_delay_s: cap on every retry wait, logical seconds (``None``: no cap).
        max_logs: log entries kept per user.
        max_dedup: deduplication ids remembered per user; under sustained load the oldest
            are forgotten before their ten minutes are up, so memory stays bounded.
        workers: concurrent delivery attempts.
        max_response_bytes: response body bytes kept for logs, DLQ and callbacks.
    """

    quota: Quota = QUOTAS["payg"]
    delivery_timeout_s: float = 30.0
    max_retry_delay_s: float | None = None
    max_logs: int = 10_000
    max_dedup: int = 100_000
    workers: int = 256
    max_response_bytes: int = 1 << 20


def _new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def _loggable(url: str) -> str:
    """A URL for the log: no query string or credentials (they may carry secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


def _header_map(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, value in pairs:
        result.setdefault(name, []).append(value)
    return result


def _dedup_key(draft: Draft) -> str | None:
    if draft.dedup_id:
        return "id:" + draft.dedup_id
    if not draft.content_dedup:
        return None
    digest = hashlib.sha256()
    digest.update(draft.destination.encode())
    digest.update(b"\0")
    for name, value in sorted((n.lower(), v) for n, v in draft.headers):
        digest.update(f"{name}:{value}\0".encode())
    digest.update(draft.body)
    return "content:" + digest.hexdigest()


class Engine:
    """Schedules, gates and delivers messages for every account.

    Args:
        clock: the logical clock.
        journal: where changes are persisted.
        config: settings.
        ids: makes ids from a prefix (``msg_``, ``scd_``); random by default.
        wall: the real unix time in seconds, for signature times; :func:`time.time`.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        journal: Journal,
        config: EngineConfig,
        ids: Callable[[str], str] | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.clock = clock
        self.journal = journal
        self.config = config
        self._ids = ids or _new_id
        self._wall = wall
        self._heap: list[tuple[int, int, int, Any, int, Account]] = []
        self._tie = itertools.count()
        self._msg_seq = 0
        self._busy = 0
        self._ready: asyncio.Queue[Message] | None = None
        self._wake: asyncio.Event | None = None
        self._idle: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._session: Any = None  # aiohttp.ClientSession, created in start()

    def new_id(self, prefix: str) -> str:
        """A new id with ``prefix`` (``msg_``, ``scd_``) from the id factory."""
        return self._ids(prefix)

    # ---------------------------------------------------------------- life cycle

    async def start(self) -> None:
        """Start the scheduler and the delivery workers (on the running loop)."""
        import aiohttp

        self._ready = asyncio.Queue()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        if self._busy == 0:
            self._idle.set()
        connector = aiohttp.TCPConnector(
            limit=self.config.workers, limit_per_host=0, ttl_dns_cache=60, force_close=False
        )
        # No cookie jar: deliveries must not carry cookies from one destination to the next.
        self._session = aiohttp.ClientSession(
            connector=connector, trust_env=False, cookie_jar=aiohttp.DummyCookieJar()
        )
        loop = asyncio.get_running_loop()
        self._tasks.append(loop.create_task(self._scheduler(), name="qstash-dev-scheduler"))
        for n in range(self.config.workers):
            self._tasks.append(loop.create_task(self._worker(), name=f"qstash-dev-worker-{n}"))

    async def close(self) -> None:
        """Stop all tasks and close the connection pool. Pending messages stay in state."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ---------------------------------------------------------------- scheduling

    def _push(self, due_ms: int, kind: int, obj: Any, token: int, account: Account) -> None:
        entry = (due_ms, next(self._tie), kind, obj, token, account)
        heapq.heappush(self._heap, entry)
        if self._heap[0] is entry and self._wake is not None:
            self._wake.set()

    def _stale(self, entry: tuple[int, int, int, Any, int, Account]) -> bool:
        due, _, kind, obj, token, account = entry
        if kind == _MSG:
            return bool(obj.token != token or obj.phase is not Phase.SCHEDULED)
        if kind == _SCHED:
            return bool(obj.token != token or account.schedules.get(obj.schedule_id) is not obj)
        return bool(obj.wake_ms != due)

    def next_due_ms(self) -> int | None:
        """The time of the earliest pending timed work, or ``None``."""
        heap = self._heap
        while heap and self._stale(heap[0]):
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def run_due(self) -> None:
        """Start everything due at the current logical time."""
        heap = self._heap
        now = self.clock.now_ms()
        while heap and heap[0][0] <= now:
            entry = heapq.heappop(heap)
            if self._stale(entry):
                continue
            due, _, kind, obj, _, account = entry
            if kind == _MSG:
                self._on_due(obj)
            elif kind == _SCHED:
                self._tick(account, obj, due)
            else:
                obj.wake_ms = None
                self._pump_flow(account, obj)

    async def _scheduler(self) -> None:
        assert self._wake is not None
        wake = self._wake
        loop = asyncio.get_running_loop()
        while True:
            wake.clear()
            try:
                self.run_due()
            except Exception:  # a bug must not stop every future delivery
                _log.exception("the scheduler failed to start due work")
            due = self.next_due_ms()
            delay = None if due is None else self.clock.real_seconds_until(due)
            if delay is None:
                await wake.wait()
                continue
            # Sleeping via call_later avoids a wait_for task per wake-up; a few ms of slack
            # keeps a timer that fires a hair early from spinning.
            handle = loop.call_later(min(delay, 3600.0) + 0.001, wake.set)
            try:
                await wake.wait()
            finally:
                handle.cancel()

    def _submit(self, msg: Message) -> None:
        msg.phase = Phase.SCHEDULED
        if msg.due_ms <= self.clock.now_ms():
            self._on_due(msg)
        else:
            msg.token += 1
            self._push(msg.due_ms, _MSG, msg, msg.token, msg.account)

    def _on_due(self, msg: Message) -> None:
        if msg.phase is Phase.DONE:
            return
        if msg.cancel_requested:
            self._finish_canceled(msg)
            return
        name = msg.spec.queue_name
        if name is not None and msg.holds_queue is None:
            queue = self._queue(msg.account, name, limited=False)
            msg.phase = Phase.WAITING
            queue.waiting.append(msg)
            self._pump_queue(msg.account, queue)
            return
        self._gate_flow(msg)

    # ---------------------------------------------------------------- queues

    def _queue(self, account: Account, name: str, *, limited: bool = True) -> Queue:
        """The queue ``name``, created on first use (``limited``: within the plan's count)."""
        queue = account.queues.get(name)
        if queue is None:
            quota = self.config.quota
            if limited and len(account.queues) >= quota.max_queues:
                raise ApiError(412, f"queue limit reached: at most {quota.max_queues} queues")
            now = self.clock.now_ms()
            queue = Queue(name, created_ms=now, updated_ms=now)
            account.queues[name] = queue
            self.journal.put(account, "queue", name, queue)
        return queue

    def pump_queue(self, account: Account, name: str) -> None:
        """Start waiting messages of a queue after it was resumed or widened."""
        queue = account.queues.get(name)
        if queue is not None:
            self._pump_queue(account, queue)

    def _pump_queue(self, account: Account, queue: Queue) -> None:
        waiting = queue.waiting
        while waiting and not queue.paused and queue.active < queue.parallelism:
            msg = waiting.popleft()
            if msg.phase is Phase.DONE:
                continue
            if msg.cancel_requested:
                self._finish_canceled(msg)
                continue
            msg.holds_queue = queue.name
            queue.active += 1
            self._gate_flow(msg)

    def _release_queue(self, account: Account, name: str) -> None:
        queue = account.queues.get(name)
        if queue is not None:
            queue.active = max(0, queue.active - 1)
            self._pump_queue(account, queue)

    # ---------------------------------------------------------------- flow control

    def flow_state(self, account: Account, key: str) -> FlowState:
        """The state of a flow-control key, created on first use."""
        state = account.flows.get(key)
        if state is None:
            state = FlowState(key, period_start_ms=self.clock.now_ms())
            account.flows[key] = state
        return state

    def _configure_flow(self, account: Account, spec: MessageSpec) -> None:
        flow = spec.flow
        assert flow is not None
        state = self.flow_state(account, flow.key)
        before = (state.parallelism, state.rate, state.period_s)
        if not state.pinned_parallelism:
            state.parallelism = flow.parallelism or 0
        if not state.pinned_rate:
            state.rate = flow.rate or 0
            state.period_s = flow.period or 1
        if (state.parallelism, state.rate, state.period_s) != before:
            self.journal.put(account, "flow", flow.key, state)

    def _roll_period(self, state: FlowState, now: int) -> None:
        if now >= state.period_start_ms + state.period_s * 1000:
            state.period_start_ms = now
            state.rate_count = 0

    def _gate_flow(self, msg: Message) -> None:
        flow = msg.spec.flow
        if flow is None:
            self._dispatch(msg)
            return
        state = self.flow_state(msg.account, flow.key)
        msg.phase = Phase.WAITING
        state.waitlist.append(msg)
        self._pump_flow(msg.account, state)

    def pump_flow(self, account: Account, key: str) -> None:
        """Start waiting messages of a flow-control key after its limits changed."""
        state = account.flows.get(key)
        if state is not None:
            self._pump_flow(account, state)

    def _pump_flow(self, account: Account, state: FlowState) -> None:
        now = self.clock.now_ms()
        self._roll_period(state, now)
        waitlist = state.waitlist
        while waitlist:
            msg = waitlist[0]
            if msg.phase is Phase.DONE:
                waitlist.popleft()
                continue
            if msg.cancel_requested:
                waitlist.popleft()
                self._finish_canceled(msg)
                continue
            if state.paused or (state.parallelism and state.count >= state.parallelism):
                return
            if state.rate and state.rate_count >= state.rate:
                wake = state.period_start_ms + state.period_s * 1000
                if state.wake_ms != wake:
                    state.wake_ms = wake
                    self._push(wake, _FLOW, state, 0, account)
                return
            waitlist.popleft()
            state.count += 1
            state.rate_count += 1
            msg.flow_held = True
            self._dispatch(msg)

    # ---------------------------------------------------------------- delivery

    def _dispatch(self, msg: Message) -> None:
        assert self._ready is not None
        assert self._idle is not None
        msg.phase = Phase.READY
        msg.account.inflight += 1
        self._busy += 1
        self._idle.clear()
        self._ready.put_nowait(msg)

    async def _worker(self) -> None:
        assert self._ready is not None
        ready = self._ready
        while True:
            msg = await ready.get()
            try:
                await self._attempt(msg)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug must not kill the worker or leak the busy count
                _log.exception("delivery of %s failed unexpectedly", msg.spec.message_id)
                self._settle_dispatch(msg)
                if msg.phase is not Phase.DONE:
                    self._finish(msg, None)

    def _delivery_headers(self, msg: Message) -> list[tuple[str, str]]:
        spec = msg.spec
        headers = list(spec.headers)
        headers.append(("User-Agent", _USER_AGENT))
        headers.append(
            (
                "Upstash-Signature",
                sign(
                    signing_key=msg.account.current_key,
                    url=spec.url,
                    body=spec.body,
                    now=int(self._wall()),
                    not_before=0,
                    jwt_id="jwt_" + secrets.token_hex(14),
                ),
            )
        )
        headers.append(("Upstash-Message-Id", spec.message_id))
        headers.append(("Upstash-Retried", str(msg.retried)))
        if spec.schedule_id is not None:
            headers.append(("Upstash-Schedule-Id", spec.schedule_id))
        if spec.topic_name is not None:
            headers.append(("Upstash-Topic-Name", spec.topic_name))
        if spec.caller_ip is not None:
            headers.append(("Upstash-Caller-Ip", spec.caller_ip))
        return headers

    async def _attempt(self, msg: Message) -> None:
        import aiohttp
        from yarl import URL

        if msg.cancel_requested:
            self._settle_dispatch(msg)
            self._finish_canceled(msg)
            return
        spec = msg.spec
        account = msg.account
        self._log(account, LogState.ACTIVE, spec, self.clock.now_ms())
        timeout = spec.timeout_s or self.config.delivery_timeout_s
        status: int | None = None
        response_headers: Headers = ()
        body = b""
        error: str | None = None
        msg.in_flight = True
        try:
            async with self._session.request(
                spec.method,
                URL(spec.url, encoded=True),
                data=spec.body if spec.body else None,
                headers=self._delivery_headers(msg),
                timeout=aiohttp.ClientTimeout(total=timeout),
                skip_auto_headers=("Content-Type", "Accept", "Accept-Encoding"),
            ) as response:
                status = response.status
                response_headers = tuple(response.headers.items())
                body = await self._read_body(response)
        except TimeoutError:
            status = None
            error = f"timeout: no response within {timeout:g}s"
        except aiohttp.ClientError as exc:
            status = None
            error = f"connection error: {exc}" if str(exc) else f"connection error: {exc!r}"
        except ValueError as exc:  # an URL aiohttp cannot send to
            status = None
            error = f"invalid destination: {exc}"
        finally:
            msg.in_flight = False
        self._settle_dispatch(msg)
        self._complete(msg, status, response_headers, body, error)

    async def _read_body(self, response: Any) -> bytes:
        limit = self.config.max_response_bytes
        length = response.content_length
        if length is not None and length <= limit:
            data: bytes = await response.read()
            return data
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(65536):
            if size < limit:
                chunks.append(chunk[: limit - size])
                size += len(chunks[-1])
        return b"".join(chunks)

    def _settle_dispatch(self, msg: Message) -> None:
        """Undo what :meth:`_dispatch` counted, and free the flow-control capacity."""
        if msg.phase is not Phase.READY:
            return
        msg.phase = Phase.SCHEDULED  # until _complete decides: retry, finish or cancel
        account = msg.account
        account.inflight -= 1
        if msg.flow_held and msg.spec.flow is not None:
            msg.flow_held = False
            state = account.flows.get(msg.spec.flow.key)
            if state is not None:
                state.count = max(0, state.count - 1)
                self._pump_flow(account, state)
        self._busy -= 1
        if self._busy == 0 and self._idle is not None:
            self._idle.set()

    def _complete(
        self,
        msg: Message,
        status: int | None,
        headers: Headers,
        body: bytes,
        error: str | None,
    ) -> None:
        spec = msg.spec
        account = msg.account
        now = self.clock.now_ms()
        if status is not None and 200 <= status < 300:
            if _log.isEnabledFor(logging.INFO):
                _log.info(
                    "delivered %s %s %s -> %d (attempt %d)",
                    spec.message_id,
                    spec.method,
                    _loggable(spec.url),
                    status,
                    msg.retried + 1,
                )
            self._log(account, LogState.DELIVERED, spec, now, response_status=status)
            callback = spec.callback if spec.kind is Kind.MESSAGE else None
            holder = None
            if callback is not None:
                holder = self._callback(msg, callback, Kind.CALLBACK, status, headers, body, error)
            self._finish(msg, True, holder)
            return
        if error is None:
            error = f"destination answered {status}"
        non_retryable = status == 489 and any(
            n.lower() == "upstash-nonretryable-error" and v.strip().lower() == "true"
            for n, v in headers
        )
        if msg.cancel_requested:
            self._finish_canceled(msg)
            return
        if not non_retryable and msg.retried < spec.max_retries:
            next_ms = now + self._retry_delay_ms(msg, headers)
            if _log.isEnabledFor(logging.DEBUG):
                _log.debug(
                    "attempt %d of %s to %s failed (%s); retry in %.3fs",
                    msg.retried + 1,
                    spec.message_id,
                    _loggable(spec.url),
                    error,
                    (next_ms - now) / 1000,
                )
            self._log(
                account,
                LogState.ERROR,
                spec,
                now,
                error=error,
                next_delivery_ms=next_ms,
                response_status=status,
                response_headers=headers,
                response_body=body,
            )
            self._log(account, LogState.RETRY, spec, now, next_delivery_ms=next_ms)
            if spec.callback is not None and spec.kind is Kind.MESSAGE:
                self._callback(msg, spec.callback, Kind.CALLBACK, status, headers, body, error)
            msg.retried += 1
            msg.due_ms = next_ms
            self.journal.put(account, "msg", spec.message_id, msg)
            self._submit(msg)
            return
        self._log(
            account,
            LogState.ERROR,
            spec,
            now,
            error=error,
            response_status=status,
            response_headers=headers,
            response_body=body,
        )
        self._log(account, LogState.FAILED, spec, now, error=error)
        entry = self._to_dlq(msg, status, headers, body, error, now)
        _log.info(
            "failed %s %s %s after %d attempt(s): %s; moved to the DLQ as %s",
            spec.message_id,
            spec.method,
            _loggable(spec.url),
            msg.retried + 1,
            error,
            entry.dlq_id,
        )
        holder = None
        if spec.kind is Kind.MESSAGE:
            if spec.callback is not None:
                holder = self._callback(
                    msg, spec.callback, Kind.CALLBACK, status, headers, body, error
                )
            if spec.failure_callback is not None:
                holder = self._callback(
                    msg,
                    spec.failure_callback,
                    Kind.FAILURE_CALLBACK,
                    status,
                    headers,
                    body,
                    error,
                    dlq_id=entry.dlq_id,
                )
        self._finish(msg, False, holder)

    def _retry_delay_ms(self, msg: Message, headers: Headers) -> int:
        delay_ms: float | None = None
        if headers:
            wanted = {name.lower() for name in _RETRY_AFTER_HEADERS}
            for name, value in headers:
                if name.lower() in wanted:
                    seconds = parse_retry_after(value, self._wall())
                    if seconds is not None:
                        delay_ms = seconds * 1000.0
                        break
        if delay_ms is None and msg.spec.retry_delay is not None:
            try:
                delay_ms = msg.spec.retry_delay.delay_ms(msg.retried)
            except ExpressionError as exc:
                _log.warning("retry delay of %s: %s", msg.spec.message_id, exc)
        if delay_ms is None:
            delay_ms = min(_MAX_BACKOFF_S, math.exp(2.5 * (msg.retried + 1))) * 1000.0
        cap = self.config.max_retry_delay_s
        if cap is not None:
            delay_ms = min(delay_ms, cap * 1000.0)
        return int(delay_ms)

    def _callback(
        self,
        msg: Message,
        callback: CallbackSpec,
        kind: Kind,
        status: int | None,
        headers: Headers,
        body: bytes,
        error: str | None,
        *,
        dlq_id: str | None = None,
    ) -> Message:
        spec = msg.spec
        payload: dict[str, Any] = {
            "status": status if status is not None else 0,
            "header": _header_map(headers),
            "body": base64.b64encode(body).decode(),
            "retried": msg.retried,
            "maxRetries": spec.max_retries,
            "sourceMessageId": spec.message_id,
            "url": spec.url,
            "method": spec.method,
            "sourceHeader": _header_map(spec.headers),
            "sourceBody": base64.b64encode(spec.body).decode(),
            "notBefore": str(spec.not_before_ms),
            "createdAt": str(spec.created_ms),
        }
        if status is None and error is not None:
            payload["error"] = error
        if dlq_id is not None:
            payload["dlqId"] = dlq_id
        for key, value in (
            ("topicName", spec.topic_name),
            ("endpointName", spec.endpoint_name),
            ("queueName", spec.queue_name),
            ("scheduleId", spec.schedule_id),
            ("callerIP", spec.caller_ip),
        ):
            if value is not None:
                payload[key] = value
        now = self.clock.now_ms()
        cb_spec = MessageSpec(
            self._ids("msg_"),
            callback.url,
            callback.method,
            json.dumps(payload, separators=(",", ":")).encode(),
            (("Content-Type", "application/json"), *callback.headers),
            now,
            now + int(callback.delay_s * 1000),
            spec.max_retries if callback.retries is None else callback.retries,
            callback.retry_delay,
            callback.timeout_s,
            caller_ip=spec.caller_ip,
            kind=kind,
        )
        return self._register(msg.account, cb_spec)

    def _to_dlq(
        self,
        msg: Message,
        status: int | None,
        headers: Headers,
        body: bytes,
        error: str | None,
        now: int,
    ) -> DlqEntry:
        account = msg.account
        account.dlq_seq += 1
        entry = DlqEntry(
            f"{now}-{account.dlq_seq}",
            account.dlq_seq,
            msg.spec,
            msg.retried,
            now,
            status or 0,
            headers,
            body,
            error,
        )
        account.dlq[entry.dlq_id] = entry
        self.journal.put(account, "dlq", entry.dlq_id, entry)
        while len(account.dlq) > self.config.quota.max_dlq:
            oldest = next(iter(account.dlq))
            del account.dlq[oldest]
            self.journal.delete(account, "dlq", oldest)
        return entry

    def purge_dlq(self, account: Account) -> None:
        """Drop DLQ entries older than the plan's retention."""
        horizon = self.clock.now_ms() - int(self.config.quota.dlq_retention_s * 1000)
        while account.dlq:
            oldest = next(iter(account.dlq.values()))
            if oldest.failed_ms >= horizon:
                return
            del account.dlq[oldest.dlq_id]
            self.journal.delete(account, "dlq", oldest.dlq_id)

    # ---------------------------------------------------------------- message life

    def _finish(self, msg: Message, success: bool | None, holder: Message | None = None) -> None:
        """Remove a message that is delivered (True), failed (False) or cancelled (None)."""
        spec = msg.spec
        account = msg.account
        msg.phase = Phase.DONE
        account.messages.pop(spec.message_id, None)
        self.journal.delete(account, "msg", spec.message_id)
        if spec.queue_name is not None:
            queue = account.queues.get(spec.queue_name)
            if queue is not None:
                queue.pending = max(0, queue.pending - 1)
        if msg.holds_queue is not None:
            name, msg.holds_queue = msg.holds_queue, None
            if holder is not None:
                # The queue moves on once the final callback is done too.
                holder.holds_queue = name
                self.journal.put(account, "msg", holder.spec.message_id, holder)
            else:
                self._release_queue(account, name)
        if spec.schedule_id is not None and success is not None:
            schedule = account.schedules.get(spec.schedule_id)
            if schedule is not None and spec.message_id in schedule.last_states:
                schedule.last_states[spec.message_id] = "SUCCESS" if success else "FAIL"
                self.journal.put(account, "sched", schedule.schedule_id, schedule)

    def _finish_canceled(self, msg: Message) -> None:
        self._log(msg.account, LogState.CANCELED, msg.spec, self.clock.now_ms())
        self._finish(msg, None)

    def _log(
        self, account: Account, state: LogState, spec: MessageSpec, now: int, **extra: Any
    ) -> None:
        if len(spec.body) > _LOG_BODY_LIMIT:
            spec = spec.log_view(_LOG_BODY_LIMIT)
        account.log_seq += 1
        entry = LogEntry(account.log_seq, now, state, spec, **extra)
        account.logs.append(entry)
        self.journal.log(account, entry)

    def _register(self, account: Account, spec: MessageSpec, *, retried: int = 0) -> Message:
        if spec.queue_name is not None:  # first: it may refuse (plan limit) before any change
            self._queue(account, spec.queue_name).pending += 1
        self._msg_seq += 1
        msg = Message(spec, account, self._msg_seq, spec.not_before_ms, retried)
        account.messages[spec.message_id] = msg
        if spec.flow is not None:
            self._configure_flow(account, spec)
        self._log(account, LogState.CREATED, spec, spec.created_ms)
        self.journal.put(account, "msg", spec.message_id, msg)
        self._submit(msg)
        return msg

    # ---------------------------------------------------------------- publishing

    def publish(
        self,
        account: Account,
        draft: Draft,
        caller_ip: str | None,
        *,
        schedule_id: str | None = None,
        dedup: bool = True,
    ) -> tuple[int, Any]:
        """Accept a message (fanned out for a URL group); returns (status, JSON answer).

        Raises:
            ApiError: an unknown or empty URL group, or a plan limit.
        """
        quota = self.config.quota
        if len(draft.body) > quota.max_message_bytes:
            raise ApiError(
                413, f"message size exceeds the limit of {quota.max_message_bytes} bytes"
            )
        if quota.max_delay_s is not None and draft.delay_s > quota.max_delay_s:
            raise ApiError(400, f"Upstash-Delay exceeds the maximum of {quota.max_delay_s:g}s")
        now = self.clock.now_ms()
        if account.dedup:
            self._expire_dedup(account, now)
        key = _dedup_key(draft) if dedup else None
        if key is not None:
            hit = account.dedup.get(key)
            if hit is not None:
                return 202, _deduplicated(hit.result)
        if draft.not_before_s is not None:
            not_before = max(now, draft.not_before_s * 1000)
        else:
            not_before = now + int(draft.delay_s * 1000)
        if draft.queue_name is not None:
            self._queue(account, draft.queue_name)
        if draft.is_url:
            targets: list[tuple[str, str | None, str | None, Headers]] = [
                (draft.destination, None, None, draft.headers)
            ]
        else:
            group = account.groups.get(draft.destination)
            if group is None:
                raise ApiError(404, f"url group {draft.destination} not found")
            if not group.endpoints:
                raise ApiError(404, f"url group {draft.destination} has no endpoints")
            headers = _merge_headers(group.headers, draft.headers)
            targets = [(e.url, group.name, e.name, headers) for e in group.endpoints]
        timeout = draft.timeout_s
        if timeout is not None:
            timeout = min(timeout, quota.max_timeout_s)
        results = []
        for url, topic, endpoint, headers in targets:
            spec = MessageSpec(
                self._ids("msg_"),
                url,
                draft.method,
                draft.body,
                headers,
                now,
                not_before,
                min(draft.retries, quota.max_retries),
                draft.retry_delay,
                timeout,
                draft.callback,
                draft.failure_callback,
                topic,
                endpoint,
                draft.queue_name,
                schedule_id,
                caller_ip,
                draft.flow,
                draft.labels,
                draft.redact,
            )
            self._register(account, spec)
            results.append({"messageId": spec.message_id, "url": url})
        answer: Any = results if not draft.is_url else results[0]
        if key is not None:
            entry = DedupEntry(now + _DEDUP_WINDOW_MS, answer)
            account.dedup[key] = entry
            self.journal.put(account, "dedup", key, entry)
        return 200, answer

    def _expire_dedup(self, account: Account, now: int) -> None:
        dedup = account.dedup
        limit = self.config.max_dedup
        while dedup:
            key = next(iter(dedup))
            if dedup[key].expires_ms > now and len(dedup) < limit:
                return
            del dedup[key]
            self.journal.delete(account, "dedup", key)

    def republish(self, account: Account, spec: MessageSpec, **overrides: Any) -> Message:
        """A new message with the settings of ``spec`` (DLQ retry); ``overrides`` replace fields."""
        now = self.clock.now_ms()
        delay_s = overrides.pop("delay_s", 0.0)
        new = replace(
            spec,
            message_id=self._ids("msg_"),
            created_ms=now,
            not_before_ms=now + int(delay_s * 1000),
            _json=None,
            _log_view=None,
            **overrides,
        )
        return self._register(account, new)

    # ---------------------------------------------------------------- cancel

    def cancel(self, msg: Message) -> None:
        """Cancel a live message (one in flight finishes its attempt first)."""
        if msg.cancel_requested or msg.phase is Phase.DONE:
            return
        msg.cancel_requested = True
        self._log(msg.account, LogState.CANCEL_REQUESTED, msg.spec, self.clock.now_ms())
        if msg.phase is not Phase.READY:
            self._finish_canceled(msg)

    # ---------------------------------------------------------------- schedules

    def upsert_schedule(
        self, account: Account, schedule_id: str, cron: Cron, draft: Draft, caller_ip: str | None
    ) -> Schedule:
        """Create a schedule, or replace the one with this id (keeping its creation time)."""
        now = self.clock.now_ms()
        old = account.schedules.get(schedule_id)
        if old is None and len(account.schedules) >= self.config.quota.max_schedules:
            raise ApiError(
                412, f"schedule limit reached: at most {self.config.quota.max_schedules}"
            )
        schedule = Schedule(
            schedule_id,
            cron,
            draft,
            old.created_ms if old is not None else now,
            caller_ip,
            old.paused if old is not None else False,
            old.last_ms if old is not None else None,
            None,
            old.last_states if old is not None else {},
            token=(old.token + 1) if old is not None else 0,
        )
        account.schedules[schedule_id] = schedule
        self.arm_schedule(account, schedule, now)
        self.journal.put(account, "sched", schedule_id, schedule)
        return schedule

    def arm_schedule(self, account: Account, schedule: Schedule, after_ms: int) -> None:
        """Plan the next tick of a schedule after ``after_ms``."""
        schedule.token += 1
        schedule.next_ms = schedule.cron.next_after(after_ms)
        self._push(schedule.next_ms, _SCHED, schedule, schedule.token, account)

    def _tick(self, account: Account, schedule: Schedule, due: int) -> None:
        if not schedule.paused:
            try:
                _, answer = self.publish(
                    account,
                    schedule.draft,
                    schedule.caller_ip,
                    schedule_id=schedule.schedule_id,
                    dedup=False,
                )
            except ApiError as exc:
                schedule.error = exc.message
            else:
                schedule.error = None
                items = answer if isinstance(answer, list) else [answer]
                schedule.last_states = {item["messageId"]: "IN_PROGRESS" for item in items}
            schedule.last_ms = due
        self.arm_schedule(account, schedule, due)
        self.journal.put(account, "sched", schedule.schedule_id, schedule)

    # ---------------------------------------------------------------- restore

    def restore_message(
        self,
        account: Account,
        spec: MessageSpec,
        seq: int,
        due_ms: int,
        retried: int,
        holds: str | None,
    ) -> None:
        """Put a message read from the database back in play (call in seq order)."""
        self._msg_seq = max(self._msg_seq, seq)
        msg = Message(spec, account, seq, due_ms, retried)
        account.messages[spec.message_id] = msg
        if spec.queue_name is not None:
            self._queue(account, spec.queue_name, limited=False).pending += 1
        if holds is not None:
            msg.holds_queue = holds
            self._queue(account, holds, limited=False).active += 1
        if spec.flow is not None and spec.flow.key not in account.flows:
            self._configure_flow(account, spec)
        self._submit(msg)

    # ---------------------------------------------------------------- tests

    async def settle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a wait limit, not a cancel scope
        """Wait until nothing is in flight and nothing is due at the current logical time.

        Raises:
            TimeoutError: deliveries are still running after ``timeout`` real seconds.
        """
        assert self._idle is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self.run_due()
            if self._busy == 0:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{self._busy} deliveries still running after {timeout}s")
            await asyncio.wait_for(self._idle.wait(), remaining)

    async def advance(self, seconds: float, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a wait limit, not a cancel scope
        """Move a manual clock forward, running all work that falls due, in time order.

        Each step settles (in-flight deliveries finish) before time moves on, so a retry
        that becomes due inside the window runs inside it too.
        """
        clock = self.clock
        if not isinstance(clock, ManualClock):
            raise RuntimeError("advance() needs a ManualClock")
        if seconds < 0:
            raise ValueError("time only moves forward")
        target = clock.now_ms() + round(seconds * 1000)
        await self.settle(timeout)
        while True:
            due = self.next_due_ms()
            if due is None or due > target:
                break
            clock.set_ms(max(due, clock.now_ms()))
            await self.settle(timeout)
        clock.set_ms(target)
        await self.settle(timeout)

    @property
    def busy(self) -> int:
        """Messages handed to the workers and not finished yet."""
        return self._busy


def _deduplicated(answer: Any) -> Any:
    if isinstance(answer, list):
        return [{**item, "deduplicated": True} for item in answer]
    return {**answer, "deduplicated": True}


def _merge_headers(defaults: Headers, given: Headers) -> Headers:
    if not defaults:
        return given
    names = {name.lower() for name, _ in given}
    return tuple(p for p in defaults if p[0].lower() not in names) + given
