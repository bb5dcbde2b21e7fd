"""When a request to QStash is retried, and how long to wait first. Pure: no I/O, no clock.

The transport (``qstash/_async/transport.py`` and its generated sync twin) asks
:meth:`RetryPolicy.next_delay` after every failed attempt and sleeps for the answer, or raises
when the answer is ``None``. Everything that varies (time, randomness) is passed in, so the
decision is a small function that tests pin down to exact numbers.

What is retried:

* a connection that was never made (connect error or timeout, pool timeout, proxy failure): the
  request never left, so any request is retried;
* a failure after the request may have reached QStash (read/write error or timeout, the server
  dropping the connection), 408 and 5xx (500, 502, 503, 504, Cloudflare's 520-530): only when
  sending the request twice is harmless (:func:`replay_safe`);
* 429 from the per-second burst limit: always (QStash refused the request, nothing happened);
  never the daily quota nor an LLM provider's limit, which last far longer than a retry loop.

A ``Retry-After`` header (seconds or an HTTP date) or a reset header
(``Burst-RateLimit-Reset`` / ``RateLimit-Reset``, unix seconds) sets the minimum wait; a wait
longer than :attr:`RetryPolicy.max_retry_after` is not waited for (the error is raised at once).
There is never a wait after the last attempt.
"""

from __future__ import annotations

import enum
import math
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from random import random as random_unit
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from qstash.errors import (
    InvalidArgumentError,
    RateLimitExceededError,
    rate_limit_kind,
    retry_after_seconds,
)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "REPLAY_SAFE_EXTENSION",
    "AsyncSleep",
    "ErrorKind",
    "RetryConfig",
    "RetryPolicy",
    "Sleep",
    "async_sleep",
    "error_kind",
    "random_unit",
    "replay_safe",
    "request_replay_safe",
    "sleep",
]

STREAM_EXTENSION = "qstash.stream"
"""Request extension (``bool``): leave a successful response's body unread (streaming, e.g. a
chat completion). Otherwise the transport reads it, so a body cut short is retried or typed."""

SECRETS_EXTENSION = "qstash.secrets"
"""Request extension (``tuple[str, ...]``): secrets a request carries for a third party (an LLM
provider key), which the transport redacts from errors and logs like the QStash token."""

REPLAY_SAFE_EXTENSION = "qstash.replay_safe"
"""Request extension (``bool``) that overrides :func:`replay_safe` for one request.

Builders set it when they know better than the method and path, e.g. a batch whose items all
carry deduplication ids.
"""

Sleep: TypeAlias = Callable[[float], None]
"""A blocking sleep taking seconds (the sync transport's ``sleep=``)."""

AsyncSleep: TypeAlias = Callable[[float], Awaitable[None]]
"""An awaitable sleep taking seconds (the async transport's ``sleep=``)."""


def sleep(seconds: float) -> None:
    """Block for ``seconds`` (the sync transport's default sleep)."""
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    """Wait ``seconds`` under asyncio or trio (the async transport's default sleep)."""
    # anyio (an httpx dependency) picks the running event loop, so trio users are served too;
    # imported here so that importing this module stays cheap.
    import anyio

    await anyio.sleep(seconds)


class RetryConfig(TypedDict, total=False):
    """The official SDK's retry dict, accepted wherever a :class:`RetryPolicy` is.

    ``retries``: retries after the first attempt (default 5).
    ``backoff``: milliseconds to wait before retry ``n`` (``n`` counts from 0).
    """

    retries: int
    backoff: Callable[[int], float]


class ErrorKind(enum.StrEnum):
    """How far a request got before an ``httpx.TransportError`` ended it."""

    CONNECT = "connect"
    """No connection was made (connect error/timeout, pool timeout, proxy failure): never sent."""
    NETWORK = "network"
    """The request may have reached the server (read/write failure or timeout, dropped reply)."""
    PERMANENT = "permanent"
    """Retrying cannot help (an unsupported URL scheme, a request httpx cannot encode)."""


def error_kind(exc: BaseException) -> ErrorKind:
    """Classify an ``httpx.TransportError`` for :meth:`RetryPolicy.next_delay`."""
    # httpx is already loaded whenever a transport error exists; this import is a dict lookup.
    import httpx

    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return ErrorKind.CONNECT
    if isinstance(exc, httpx.ProxyError):
        # Raised while setting up the proxy tunnel, before the request is sent through it.
        return ErrorKind.CONNECT
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return ErrorKind.PERMANENT
    return ErrorKind.NETWORK


_REPLAY_SAFE_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"})

# POSTs whose effect does not change when repeated (upserts and state switches). Anchored at
# the start: a publish path embeds its destination URL, which may itself contain "/v2/...".
_IDEMPOTENT_POST = re.compile(
    r"/v2/(?:queues"
    r"|queues/[^/]+/(?:pause|resume)"
    r"|topics/[^/]+/endpoints"
    r"|flowControl/[^/]+/(?:pause|resume|pin|unpin|resetRate))/?"
)


def replay_safe(
    method: str, path: str, headers: Mapping[str, str], *, override: object = None
) -> bool:
    """Whether sending this request twice has the same effect as sending it once.

    Args:
        method: the HTTP method.
        path: the URL path, without the query string (``/v2/publish/https://...``).
        headers: the request headers (any capitalisation).
        override: the request's ``qstash.replay_safe`` extension; a ``bool`` here wins.

    GET, HEAD, PUT, DELETE, OPTIONS and PATCH are safe. A POST is safe when it carries
    ``Upstash-Deduplication-Id``, ``Upstash-Content-Based-Deduplication: true`` or
    ``Upstash-Schedule-Id`` (QStash then drops or overwrites a repeat), or when it is an upsert
    or a state switch (queue upsert, queue and flow-control pause/resume/pin/unpin/resetRate,
    URL-group endpoints). Anything else (a publish without a deduplication id, key rotation,
    DLQ retry, LLM calls, a batch not marked by its builder) is not.
    """
    if isinstance(override, bool):
        return override
    method = method.upper()
    if method in _REPLAY_SAFE_METHODS:
        return True
    if method != "POST":
        return False
    if _IDEMPOTENT_POST.fullmatch(path):
        return True
    for key, value in headers.items():
        name = key.lower()
        if name in ("upstash-deduplication-id", "upstash-schedule-id"):
            if value.strip():
                return True
        elif name == "upstash-content-based-deduplication" and value.strip().lower() == "true":
            return True
    return False


_DEFAULT_RETRIES = 5

# 408 and the 5xx that mean "try again"; 501 and 505 would fail the same way every time.
_RETRYABLE_STATUSES = frozenset({408, 500, 502, 503, 504, *range(520, 531)})

# A reset header above this is a timestamp in milliseconds, above _UNIX_SECONDS one in seconds,
# else a number of seconds from now (the forms rate limiters use in the wild).
_UNIX_MILLISECONDS = 100_000_000_000
_UNIX_SECONDS = 1_000_000_000


def _reset_wait(value: str | None, now: float) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if number >= _UNIX_MILLISECONDS:
        number = number / 1000 - now
    elif number >= _UNIX_SECONDS:
        number -= now
    return max(0.0, number)


def _server_wait(headers: Mapping[str, str], now: float) -> float | None:
    """The longest wait the server asked for, in seconds, or None when it asked none."""
    waits = [
        wait
        for wait in (
            retry_after_seconds(headers.get("retry-after"), now),
            _reset_wait(headers.get("burst-ratelimit-reset"), now),
            _reset_wait(headers.get("ratelimit-reset"), now),
        )
        if wait is not None
    ]
    return max(waits) if waits else None


def _check_number(name: str, value: object, *, maximum: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidArgumentError(f"{name} must be a finite number, got {value!r}", argument=name)
    if value < 0 or (maximum is not None and value > maximum):
        bounds = f"between 0 and {maximum}" if maximum is not None else "0 or more"
        raise InvalidArgumentError(f"{name} must be {bounds}, got {value!r}", argument=name)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How requests to QStash are retried (exported as ``qstash.RetryPolicy``).

    Attributes:
        max_retries: retries after the first attempt (default 5: at most 6 attempts, as the
            official SDK). 0 disables retries.
        initial_delay: seconds before the first retry; doubles on each retry.
        max_delay: cap, in seconds, of the computed backoff (not of a server-asked wait).
        jitter: fraction of the backoff randomly taken off (0.25: a wait between 75% and 100%
            of the backoff), so clients that failed together do not retry together.
        max_retry_after: longest server-asked wait (``Retry-After``, ``Burst-RateLimit-Reset``)
            in seconds that is waited for; a longer one raises the error at once.
        backoff: the official SDK's form: ``backoff(n)`` is the wait in **milliseconds** before
            retry ``n`` (from 0). It replaces the computed backoff (no jitter, no cap); a longer
            server-asked wait still wins. A result that is not a finite number ends the
            retries (the error is raised at once).
        total_timeout: deadline in seconds over all attempts and waits; a retry whose wait
            would cross it is not made, and each attempt's timeouts are cut to the time left,
            so a stalled attempt cannot outlast it. ``None``: no deadline.

    The backoff before retry ``n`` (from 0) is
    ``min(max_delay, initial_delay * 2**n) * (1 - jitter * u)`` with ``u`` uniform in [0, 1).
    """

    max_retries: int = _DEFAULT_RETRIES
    initial_delay: float = 0.1
    max_delay: float = 5.0
    jitter: float = 0.25
    max_retry_after: float = 60.0
    backoff: Callable[[int], float] | None = None
    total_timeout: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise InvalidArgumentError(
                f"max_retries must be an int, got {self.max_retries!r}", argument="max_retries"
            )
        if self.max_retries < 0:
            raise InvalidArgumentError(
                f"max_retries must be 0 or more, got {self.max_retries}", argument="max_retries"
            )
        _check_number("initial_delay", self.initial_delay)
        _check_number("max_delay", self.max_delay)
        _check_number("jitter", self.jitter, maximum=1.0)
        _check_number("max_retry_after", self.max_retry_after)
        if self.total_timeout is not None:
            _check_number("total_timeout", self.total_timeout)
        if self.backoff is not None and not callable(self.backoff):
            raise InvalidArgumentError(
                "backoff must be a function taking the retry number (from 0) and returning "
                f"milliseconds, got {self.backoff!r}",
                argument="backoff",
            )

    @property
    def max_attempts(self) -> int:
        """Attempts at most: the first one plus :attr:`max_retries`."""
        return self.max_retries + 1

    @classmethod
    def coerce(cls, value: RetryPolicy | RetryConfig | bool | None) -> RetryPolicy:
        """The policy for a client's ``retry=`` argument.

        ``None`` or ``True``: the default policy. ``False``: no retries. A
        :class:`RetryPolicy`: itself. The official SDK's dict ``{"retries": n, "backoff":
        fn}`` (either key optional; ``backoff`` returns milliseconds): that many retries with
        that backoff. Anything else raises :class:`~qstash.errors.InvalidArgumentError`.
        """
        if value is None or value is True:
            return cls()
        if value is False:
            return cls(max_retries=0)
        if isinstance(value, RetryPolicy):
            return value
        if isinstance(value, Mapping):
            return cls._from_config(value)
        raise InvalidArgumentError(
            "retry must be a RetryPolicy, a dict like {'retries': 3, 'backoff': fn}, True, "
            f"False or None, got {type(value).__name__}",
            argument="retry",
        )

    @classmethod
    def _from_config(cls, config: Mapping[Any, Any]) -> RetryPolicy:
        unknown = sorted(repr(key) for key in config if key not in ("retries", "backoff"))
        if unknown:
            raise InvalidArgumentError(
                f"unknown retry option(s) {', '.join(unknown)}: the dict form takes 'retries' "
                "and 'backoff'; use RetryPolicy(...) for the other settings",
                argument="retry",
            )
        retries = config.get("retries", _DEFAULT_RETRIES)
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise InvalidArgumentError(
                f"retry['retries'] must be an int, 0 or more, got {retries!r}", argument="retry"
            )
        backoff = config.get("backoff")
        if backoff is not None and not callable(backoff):
            raise InvalidArgumentError(
                "retry['backoff'] must be a function taking the retry number (from 0) and "
                f"returning milliseconds, got {backoff!r}",
                argument="retry",
            )
        return cls(max_retries=retries, backoff=backoff)

    def next_delay(
        self,
        retry_index: int,
        *,
        replay_safe: bool,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        error_kind: ErrorKind | None = None,
        elapsed: float = 0.0,
        now: float,
        random: Callable[[], float],
    ) -> float | None:
        """Seconds to wait before retrying a failed attempt, or ``None`` to give up.

        Args:
            retry_index: retries already made (0 after the first attempt failed).
            replay_safe: whether the request may be sent twice (:func:`replay_safe`).
            status: the response status, when there was a response.
            headers: the response headers (any capitalisation).
            error_kind: how the attempt failed, when there was no response.
            elapsed: seconds since the first attempt started (for :attr:`total_timeout`).
            now: wall-clock unix time in seconds (for HTTP-date and reset headers).
            random: returns a float in [0, 1) for the jitter.
        """
        if retry_index >= self.max_retries:
            return None
        lowered = {key.lower(): value for key, value in (headers or {}).items()}
        if status is not None:
            if status == 429:
                # Only the burst limit clears within a retry loop; and the request was refused
                # outright, so it is safe to resend whatever it was.
                if rate_limit_kind(lowered) is not RateLimitExceededError:
                    return None
            elif status not in _RETRYABLE_STATUSES or not replay_safe:
                return None
        elif error_kind is ErrorKind.NETWORK:
            if not replay_safe:
                return None
        elif error_kind is not ErrorKind.CONNECT:
            return None

        if self.backoff is not None:
            delay = float(self.backoff(retry_index)) / 1000
            if not math.isfinite(delay):
                # An infinite wait would never end (or overflow time.sleep); NaN is no wait.
                return None
            delay = max(0.0, delay)
        else:
            # The exponent is capped so a huge max_retries cannot overflow a float.
            base = min(self.max_delay, self.initial_delay * 2 ** min(retry_index, 64))
            delay = base * (1 - self.jitter * random())
        asked = _server_wait(lowered, now)
        if asked is not None:
            if asked > self.max_retry_after:
                return None
            delay = max(delay, asked)
        if self.total_timeout is not None and elapsed + delay > self.total_timeout:
            return None
        return delay


def request_replay_safe(request: httpx.Request) -> bool:
    """:func:`replay_safe` for an ``httpx.Request``, honouring its ``qstash.replay_safe``."""
    return replay_safe(
        request.method,
        request.url.path,
        request.headers,
        override=request.extensions.get(REPLAY_SAFE_EXTENSION),
    )
