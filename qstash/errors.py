"""Every error that ``qstash`` raises, rooted at :class:`QStashError`.

The tree, from general to specific::

    QStashError
    ├── InvalidArgumentError          bad input, refused before sending (also a ValueError)
    ├── PartialBatchError             some batch items refused; the others' results kept
    ├── SignatureError                a delivery's signature did not verify; see ``reason``
    ├── APIConnectionError            no HTTP response: connect/read failure
    │   └── APITimeoutError           ... because a timeout expired
    └── APIError                      QStash answered with a non-2xx status
        ├── BadRequestError           400
        ├── UnauthorizedError         401
        ├── ForbiddenError            403
        ├── NotFoundError             404
        ├── PreconditionFailedError   412 (a plan quota: queues, schedules, parallelism)
        ├── PayloadTooLargeError      413 (the request is over the plan's size limit)
        ├── RateLimitError            429, one of:
        │   ├── RateLimitExceededError          burst limit (``Burst-RateLimit-*``)
        │   ├── DailyMessageLimitExceededError  daily quota (``RateLimit-*``)
        │   └── ChatRateLimitExceededError      LLM provider limit (``x-ratelimit-*``)
        └── ServerError               5xx (including Cloudflare's 52x)

Error texts never contain the QStash token, signing keys or provider keys.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "BadRequestError",
    "BatchItemError",
    "ChatRateLimitExceededError",
    "DailyMessageLimitExceededError",
    "ForbiddenError",
    "InvalidArgumentError",
    "NotFoundError",
    "PartialBatchError",
    "PayloadTooLargeError",
    "PreconditionFailedError",
    "QStashError",
    "RateLimitError",
    "RateLimitExceededError",
    "ServerError",
    "SignatureError",
    "SignatureFailure",
    "UnauthorizedError",
]

# Long error bodies (HTML error pages from a proxy, say) are cut to this many characters.
_MAX_MESSAGE = 1000
_REDACTED = "[REDACTED]"


class QStashError(Exception):
    """Base class of every error raised by this package."""


class InvalidArgumentError(QStashError, ValueError):
    """An argument was refused before any request was sent.

    ``argument`` names the offending parameter (for example ``"delay"`` or
    ``"messages[3].url"``) when there is one.
    """

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


class SignatureFailure(enum.StrEnum):
    """Why a signature was refused: the ``reason`` of a :class:`SignatureError`."""

    MISSING_SIGNATURE = "missing_signature"
    """No ``Upstash-Signature`` value was given."""
    MALFORMED = "malformed"
    """Not a well-formed JWT, or a required claim is missing or of the wrong type."""
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    """The token's ``alg`` is not ``HS256`` (``none``, ``HS512``, ``RS256``...)."""
    INVALID_SIGNATURE = "invalid_signature"
    """The HMAC matches neither the current nor the next signing key."""
    EXPIRED = "expired"
    """``exp`` is in the past (beyond the clock tolerance)."""
    NOT_YET_VALID = "not_yet_valid"
    """``nbf`` or ``iat`` is in the future (beyond the clock tolerance)."""
    WRONG_ISSUER = "wrong_issuer"
    """``iss`` is not ``Upstash``."""
    URL_MISMATCH = "url_mismatch"
    """The ``sub`` claim is not the URL the receiver expected."""
    BODY_MISMATCH = "body_mismatch"
    """The SHA-256 of the body is not the ``body`` claim: the body was changed or re-encoded."""


class SignatureError(QStashError):
    """A delivery's signature did not verify.

    ``reason`` is a :class:`SignatureFailure`; the message says what failed, never the keys.
    """

    def __init__(self, reason: SignatureFailure, message: str) -> None:
        super().__init__(message)
        self.reason = reason

    def __repr__(self) -> str:
        return f"SignatureError(reason={self.reason.value!r}, message={str(self)!r})"


class BatchItemError(QStashError):
    """One batch item that QStash refused; ``index`` is its position in the batch."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(f"batch item {index}: {message}")
        self.index = index
        self.message = message


class PartialBatchError(QStashError):
    """QStash refused some items of a batch and accepted the others.

    ``results`` has one entry per item, in order: the item's result, or its
    :class:`BatchItemError`. ``errors`` lists just the refused items. Nothing is lost: the
    accepted messages are in ``results`` and will be delivered.
    """

    def __init__(self, results: Sequence[object], errors: Sequence[BatchItemError]) -> None:
        refused = ", ".join(str(e.index) for e in errors)
        super().__init__(f"{len(errors)} of {len(results)} batch items refused (items {refused})")
        self.results = list(results)
        self.errors = list(errors)


class APIConnectionError(QStashError):
    """No HTTP response was received (connection refused, reset, DNS failure...).

    ``attempts`` counts the tries made, retries included.
    """

    def __init__(self, message: str, *, method: str, url: str, attempts: int = 1) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.attempts = attempts


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired before QStash answered."""


class APIError(QStashError):
    """QStash (or something in front of it) answered with a non-2xx status.

    Attributes:
        status: the HTTP status code.
        message: the server's error text (``{"error": ...}`` parsed, or the raw body).
        body: the raw response body.
        headers: the response headers.
        method, url: the request that failed.
        attempts: how many tries were made, retries included.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        method: str = "",
        url: str = "",
        attempts: int = 1,
    ) -> None:
        super().__init__(f"{status}: {message}" if message else str(status))
        self.status = status
        self.message = message
        # Lower-cased keys, so lookups do not depend on how the server spelled a header.
        self.headers: Mapping[str, str] = {k.lower(): v for k, v in (headers or {}).items()}
        self.body = body
        self.method = method
        self.url = url
        self.attempts = attempts
        self._read_headers()

    def _read_headers(self) -> None:
        """Subclasses pick their fields out of :attr:`headers` here."""

    @property
    def status_code(self) -> int:
        """Alias of :attr:`status`, as httpx names it."""
        return self.status

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, message={self.message!r})"


class BadRequestError(APIError):
    """400: QStash refused the request (bad destination, cron, header value...)."""


class UnauthorizedError(APIError):
    """401: the token is missing or wrong."""


class ForbiddenError(APIError):
    """403: the token may not do this."""


class NotFoundError(APIError):
    """404: no such message, schedule, queue, URL group, DLQ entry or flow-control key."""


class PreconditionFailedError(APIError):
    """412: a plan quota was reached (queues, schedules, parallelism...)."""


class PayloadTooLargeError(APIError):
    """413: the request body is larger than QStash (or a proxy before it) accepts; the
    message size limit depends on the plan."""


class RateLimitError(APIError):
    """429: a rate limit was hit. The subclass says which one."""


def _int_or_none(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value.strip()))
    except (ValueError, OverflowError):  # "inf" and friends are no count
        return None


class RateLimitExceededError(RateLimitError):
    """429 from the per-second burst limit; QStash clients retry these automatically.

    ``limit``, ``remaining`` and ``reset`` come from the ``Burst-RateLimit-*`` headers
    (``reset`` is a unix timestamp in seconds), or ``None`` when absent.
    """

    def _read_headers(self) -> None:
        self.limit = _int_or_none(self.headers.get("burst-ratelimit-limit"))
        self.remaining = _int_or_none(self.headers.get("burst-ratelimit-remaining"))
        self.reset = _int_or_none(self.headers.get("burst-ratelimit-reset"))


class DailyMessageLimitExceededError(RateLimitError):
    """429 from the daily message quota; never retried (it lasts until ``reset``).

    ``limit``, ``remaining`` and ``reset`` come from the ``RateLimit-*`` headers.
    """

    def _read_headers(self) -> None:
        self.limit = _int_or_none(self.headers.get("ratelimit-limit"))
        self.remaining = _int_or_none(self.headers.get("ratelimit-remaining"))
        self.reset = _int_or_none(self.headers.get("ratelimit-reset"))


class ChatRateLimitExceededError(RateLimitError):
    """429 from an LLM provider, with its six ``x-ratelimit-*`` values (strings, as sent)."""

    def _read_headers(self) -> None:
        get = self.headers.get
        self.limit_requests = get("x-ratelimit-limit-requests")
        self.limit_tokens = get("x-ratelimit-limit-tokens")
        self.remaining_requests = get("x-ratelimit-remaining-requests")
        self.remaining_tokens = get("x-ratelimit-remaining-tokens")
        self.reset_requests = get("x-ratelimit-reset-requests")
        self.reset_tokens = get("x-ratelimit-reset-tokens")


class ServerError(APIError):
    """5xx: QStash or a proxy in front of it failed (retried automatically when safe)."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    412: PreconditionFailedError,
    413: PayloadTooLargeError,
}


def rate_limit_kind(headers: Mapping[str, str]) -> type[RateLimitError]:
    """Which 429 this is, from lower-cased headers (chat first, then daily, else burst)."""
    if "x-ratelimit-limit-requests" in headers:
        return ChatRateLimitExceededError
    if "ratelimit-limit" in headers:
        return DailyMessageLimitExceededError
    return RateLimitExceededError


def error_message(body: bytes, reason: str = "") -> str:
    """The server's error text: ``{"error": "..."}`` when JSON, else the body as text."""
    text = body.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("error"), str):
            text = parsed["error"]
    if len(text) > _MAX_MESSAGE:
        text = text[:_MAX_MESSAGE] + "..."
    return text or reason


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced, so no secret reaches an error or a log line."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, _REDACTED)
    return text


def error_for_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    method: str = "",
    url: str = "",
    reason: str = "",
    secrets: Iterable[str] = (),
    attempts: int = 1,
) -> APIError:
    """The typed error for a non-2xx response. Pure: works on status, headers and bytes."""
    secrets = tuple(secrets)
    # A hostile or misconfigured server may echo the request back: scrub what it returns too.
    headers = {k.lower(): redact(v, secrets) for k, v in headers.items()}
    if status == 429:
        cls: type[APIError] = rate_limit_kind(headers)
    elif status >= 500:
        cls = ServerError
    else:
        cls = _BY_STATUS.get(status, APIError)
    return cls(
        redact(error_message(body, reason), secrets),
        status=status,
        headers=headers,
        body=body,
        method=method,
        url=redact(url, secrets),
        attempts=attempts,
    )


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Parse a ``Retry-After`` value (seconds or an HTTP date) into seconds from ``now``."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # only here: a slow import, rarely needed

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)
