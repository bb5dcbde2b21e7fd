"""The one transport under every QStash request: retries, typed errors and retry logs.

Every request of a client goes through :class:`AsyncQStashTransport`: the SDK's own calls and
raw calls made with the generated ``qstash_openapi`` client, which share the same httpx client.
Nothing else in the package loops or sleeps.

The async module is the source; ``scripts/unasync`` generates the sync one from it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import httpx

from qstash import _retry
from qstash._retry import (
    SECRETS_EXTENSION,
    STREAM_EXTENSION,
    RetryPolicy,
    error_kind,
    request_replay_safe,
)
from qstash.errors import (
    APIConnectionError,
    APITimeoutError,
    QStashError,
    error_for_response,
    redact,
)

__all__ = ["AsyncClientTransport", "AsyncQStashTransport"]

logger = logging.getLogger("qstash")


class AsyncQStashTransport(httpx.AsyncBaseTransport):
    """Sends through ``inner``, retries what :class:`~qstash.RetryPolicy` allows, raises typed
    errors for the rest.

    Args:
        inner: the transport that does the I/O (``httpx.AsyncHTTPTransport``, or
            :class:`AsyncClientTransport` around a caller's client). Closed with this one.
        policy: when to retry and how long to wait.
        secrets: strings (the QStash token...) replaced by ``[REDACTED]`` in error texts, URLs
            and log records.
        clock: monotonic seconds, for ``policy.total_timeout``.
        wall_clock: unix seconds, for ``Retry-After`` dates and rate-limit reset timestamps.
        sleep: waits the given seconds between attempts.
        random: returns a float in [0, 1) for the backoff jitter.

    With ``policy.total_timeout``, each attempt's connect, read, write and pool timeouts are
    cut to the time left before the deadline, so a stalled attempt cannot outlast it either.

    A 2xx response is returned untouched (a streamed body stays unread). Any other status is
    read, closed and raised as the :class:`~qstash.errors.APIError` subclass for it, after the
    retries the policy allows. A transport failure ends as
    :class:`~qstash.errors.APITimeoutError` (a timeout) or
    :class:`~qstash.errors.APIConnectionError`, chained to the httpx exception (whose text,
    and that of the exceptions under it, is redacted too). Any other exception (a bug, not
    the network) propagates at once, never retried.

    Each retry is logged on the ``qstash`` logger at INFO (method, path without the query,
    attempt, cause, wait); the final failure at DEBUG. Headers and bodies are never logged.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        policy: RetryPolicy,
        secrets: tuple[str, ...] = (),
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: _retry.AsyncSleep = _retry.async_sleep,
        random: Callable[[], float] = _retry.random_unit,
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._secrets = tuple(secret for secret in secrets if secret)
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._random = random

    def __repr__(self) -> str:
        return f"{type(self).__name__}(inner={self._inner!r}, policy={self._policy!r})"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying as the policy allows; raise a typed error on failure."""
        # A streamed body is buffered once, so every attempt sends the same bytes.
        await request.aread()
        policy = self._policy
        start = self._clock()
        safe: bool | None = None  # worked out on the first failure only: 2xx is the hot path
        deadline = policy.total_timeout
        timeouts = request.extensions.get("timeout") if deadline is not None else None
        attempt = 0
        while True:
            attempt += 1
            if deadline is not None:
                _cut_timeouts(request, timeouts, deadline - (self._clock() - start))
            try:
                response = await self._inner.handle_async_request(request)
                if 200 <= response.status_code < 300:
                    if not request.extensions.get(STREAM_EXTENSION):
                        # Read here, under the retry policy: a body cut short is a transport
                        # error like any other, not a surprise after the call "succeeded".
                        await _read_success(response)
                    return response
                try:
                    body = await response.aread()
                except httpx.DecodingError:
                    body = b""  # a corrupt error body must not hide the status
                finally:
                    await response.aclose()
            except httpx.TransportError as exc:
                secrets = self._request_secrets(request)
                if safe is None:
                    safe = request_replay_safe(request)
                delay = policy.next_delay(
                    attempt - 1,
                    replay_safe=safe,
                    error_kind=error_kind(exc),
                    elapsed=self._clock() - start,
                    now=self._wall_clock(),
                    random=self._random,
                )
                if delay is None:
                    error = self._connection_error(request, exc, attempt, secrets)
                    self._log_failure(request, attempt, error, secrets)
                    _redact_chain(exc, secrets)
                    raise error from exc
                cause = type(exc).__name__
            else:
                secrets = self._request_secrets(request)
                status = response.status_code
                api_error = error_for_response(
                    status,
                    response.headers,
                    _redact_bytes(body, secrets),
                    method=request.method,
                    url=str(request.url),
                    reason=response.reason_phrase,
                    secrets=secrets,
                    attempts=attempt,
                )
                if safe is None:
                    safe = request_replay_safe(request)
                delay = policy.next_delay(
                    attempt - 1,
                    replay_safe=safe,
                    status=status,
                    headers=api_error.headers,
                    elapsed=self._clock() - start,
                    now=self._wall_clock(),
                    random=self._random,
                )
                if delay is None:
                    self._log_failure(request, attempt, api_error, secrets)
                    raise api_error
                cause = str(status)
            logger.info(
                "%s %s: attempt %d/%d failed (%s), retrying in %.3f s",
                request.method,
                _path(request, secrets),
                attempt,
                policy.max_attempts,
                cause,
                delay,
            )
            await self._sleep(delay)

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()

    def _request_secrets(self, request: httpx.Request) -> tuple[str, ...]:
        # The client's token, plus any secret the request carries for a third party (an LLM
        # provider key), named by the request builder in the `qstash.secrets` extension.
        extra = request.extensions.get(SECRETS_EXTENSION, ())
        return self._secrets + tuple(secret for secret in extra if secret)

    def _connection_error(
        self,
        request: httpx.Request,
        exc: httpx.TransportError,
        attempts: int,
        secrets: tuple[str, ...],
    ) -> APIConnectionError:
        detail = str(exc)
        reason = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        url = redact(str(request.url), secrets)
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        message = redact(f"{request.method} {url} failed{tries}: {reason}", secrets)
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        return cls(message, method=request.method, url=url, attempts=attempts)

    def _log_failure(
        self, request: httpx.Request, attempts: int, error: Exception, secrets: tuple[str, ...]
    ) -> None:
        # The error text is already redacted; it carries no headers.
        logger.debug(
            "%s %s: giving up after %d attempt(s): %s",
            request.method,
            _path(request, secrets),
            attempts,
            error,
        )


# The shortest timeout an attempt gets: a zero timeout would make a blocking socket
# non-blocking (a read error instead of a timeout).
_MIN_ATTEMPT_TIMEOUT = 0.001
_TIMEOUT_PHASES = ("connect", "read", "write", "pool")


def _cut_timeouts(request: httpx.Request, timeouts: object, remaining: float) -> None:
    """Make every timeout of this attempt at most ``remaining`` seconds (the deadline)."""
    remaining = max(remaining, _MIN_ATTEMPT_TIMEOUT)
    given = timeouts if isinstance(timeouts, dict) else {}
    cut: dict[str, float] = {}
    for phase in _TIMEOUT_PHASES:
        value = given.get(phase)
        cut[phase] = remaining if value is None else min(value, remaining)
    request.extensions["timeout"] = cut


async def _read_success(response: httpx.Response) -> None:
    try:
        await response.aread()
    except httpx.DecodingError as exc:
        await response.aclose()
        raise QStashError(
            f"QStash answered {response.status_code} with a body that could not be decoded "
            f"({type(exc).__name__})"
        ) from None
    except BaseException:
        await response.aclose()
        raise


def _path(request: httpx.Request, secrets: tuple[str, ...]) -> str:
    # The path only: the query string may carry a token, and a publish path embeds the
    # destination URL, which may carry a secret of its own.
    return redact(request.url.path, secrets)


def _redact_chain(exc: BaseException, secrets: tuple[str, ...]) -> None:
    """Redact the messages of ``exc`` and the exceptions chained under it (the cause of our
    error shows in every traceback, and httpcore/h11 may quote a header there)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        args = current.args
        if any(isinstance(arg, str) and redact(arg, secrets) != arg for arg in args):
            current.args = tuple(redact(a, secrets) if isinstance(a, str) else a for a in args)
        current = current.__cause__ or current.__context__


def _redact_bytes(body: bytes, secrets: tuple[str, ...]) -> bytes:
    for secret in secrets:
        encoded = secret.encode()
        if encoded in body:
            body = body.replace(encoded, b"[REDACTED]")
    return body


class AsyncClientTransport(httpx.AsyncBaseTransport):
    """Sends through an ``httpx.AsyncClient`` (proxies, TLS, limits, event hooks).

    Wrap it in :class:`AsyncQStashTransport` so retries and typed errors still apply. A
    caller's client stays the caller's: closing this transport leaves it open, unless
    ``owned`` (a client made for the caller, which this transport closes).
    """

    def __init__(self, client: httpx.AsyncClient, *, owned: bool = False) -> None:
        self._client = client
        self._owned = owned

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client={self._client!r})"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` with the client, leaving the body unread."""
        return await self._client.send(request, stream=True)

    async def aclose(self) -> None:
        """Close the client if it is ``owned``; a caller's client is left open."""
        if self._owned:
            await self._client.aclose()
