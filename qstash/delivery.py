"""Receiving QStash deliveries in any web framework: the verified delivery and the answers.

The framework integrations (:mod:`qstash.integrations.starlette` / ``.fastapi``, ``.flask``,
``.django``) are thin shells over this module; it imports no web framework, so code for
another framework (aiohttp, Litestar, a raw WSGI app...) can use it directly::

    verifier = DeliveryVerifier(public_url="https://api.example.com")
    try:
        delivery = verifier.verify(body=raw_body, headers=request_headers, request_url=url)
    except SignatureError as error:
        reply = rejection(error)  # 401/403 with {"error": ..., "message": ...}
        return reply.status, reply.headers, reply.body

It also holds:

* :class:`Delivery`, what a handler gets: the verified claims, the ``Upstash-*`` delivery
  headers typed (message id, retry count, schedule, URL group, caller IP, region), and the
  raw body, untouched;
* the answers QStash understands, framework-free: :func:`non_retryable` (489 with
  ``Upstash-NonRetryable-Error: true``) and :func:`retry_after` (a ``Retry-After`` response);
* :func:`parse_callback` / :func:`parse_failure_callback` for the JSON bodies QStash posts to
  ``Upstash-Callback`` and ``Upstash-Failure-Callback`` URLs.

Which URL the signature must name: the ``sub`` claim is the exact URL QStash called. Behind
a TLS-terminating proxy, a tunnel or a path-stripping gateway the app sees another URL, so a
verifier takes exactly one of ``public_url=`` (the public base URL; the request's path and
query are appended), ``trust_forwarded_headers=True`` (``X-Forwarded-Proto/Host/Prefix``) or
``check_url=False``; by default the URL is the request's own, as the framework sees it.
"""

from __future__ import annotations

import binascii
import json
import logging
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any, NoReturn, Protocol
from urllib.parse import urlsplit

from qstash.errors import InvalidArgumentError, SignatureError, SignatureFailure
from qstash.receiver import Receiver, SignatureClaims

__all__ = [
    "DEFAULT_CLOCK_TOLERANCE",
    "CallbackBody",
    "Delivery",
    "DeliveryVerifier",
    "FailureCallbackBody",
    "HeaderLookup",
    "Reply",
    "non_retryable",
    "parse_callback",
    "parse_failure_callback",
    "rejection",
    "rejection_status",
    "retry_after",
]

logger = logging.getLogger("qstash.delivery")

DEFAULT_CLOCK_TOLERANCE = timedelta(seconds=30)
"""Clock skew allowed by the integrations on ``exp``, ``nbf`` and ``iat`` (30 seconds).

QStash stamps ``iat`` with its own clock; a server a second behind would otherwise refuse a
fresh token as "issued in the future". The token still dies at most 30 s after its
5-minute lifetime.
"""

# QStash ignores a Retry-After longer than a day and falls back to its own backoff.
_MAX_RETRY_AFTER = 86_400
_NON_RETRYABLE_STATUS = 489

# Failures of the request's signature material itself (absent or not a JWT at all): 401.
# Everything else is a well-formed token that was refused: 403.
_UNAUTHENTICATED = frozenset(
    (
        SignatureFailure.MISSING_SIGNATURE,
        SignatureFailure.MALFORMED,
        SignatureFailure.UNSUPPORTED_ALGORITHM,
    )
)


# --------------------------------------------------------------------------- the delivery


@dataclass(frozen=True, slots=True)
class Delivery:
    """A verified QStash delivery, as handed to a request handler.

    Attributes:
        message_id: ``Upstash-Message-Id``; the same on every retry of a message, so it is
            the idempotency key to use. Empty only if the sender omitted the header.
        retried: ``Upstash-Retried``, how many attempts came before this one (``0`` on the
            first).
        schedule_id: ``Upstash-Schedule-Id`` when a schedule produced the message.
        url_group: ``Upstash-Topic-Name``, the URL group the message was published to.
        caller_ip: ``Upstash-Caller-Ip``, the IP address of the publisher.
        region: ``Upstash-Region`` normalised (``US-EAST-1`` → ``US_EAST_1``), or None.
        claims: the verified signature claims (``claims.subject`` is the URL QStash called).
        headers: every request header, names lower-cased, repeated values joined by ``", "``.
        body: the raw request body, exactly the bytes that were signed.

    Only ``claims`` and ``body`` are covered by the signature; the other fields come from
    headers that QStash sets but does not sign.
    """

    message_id: str
    retried: int
    schedule_id: str | None
    url_group: str | None
    caller_ip: str | None
    region: str | None
    claims: SignatureClaims
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=False)

    def json(self) -> Any:
        """The body parsed as JSON (UTF-8, UTF-16 or UTF-32); raises ``ValueError`` if not."""
        return json.loads(self.body)

    def text(self, errors: str = "strict") -> str:
        """The body decoded as UTF-8; ``errors`` as for :meth:`bytes.decode`."""
        return self.body.decode("utf-8", errors)


def _header_dict(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    result: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        previous = result.get(key)
        result[key] = value if previous is None else f"{previous}, {value}"
    return result


def _retried(value: str | None) -> int:
    if value is None:
        return 0
    value = value.strip()
    return int(value) if value.isdecimal() and value.isascii() else 0


def _region(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    return value.strip().replace("-", "_").upper()


# --------------------------------------------------------------------------- verification


class HeaderLookup(Protocol):
    """Anything with a case-insensitive ``get(name)``: every framework's request headers."""

    def get(self, key: str, /) -> str | None:
        """The value of header ``key``, or None."""


def _first(value: str | None) -> str:
    """The first entry of a comma-separated forwarded header (the client-facing proxy's)."""
    if not value:
        return ""
    return value.split(",", 1)[0].strip()


def _check_base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidArgumentError(
            f"public_url must be an absolute http(s) URL such as 'https://api.example.com', "
            f"got {value!r}",
            argument="public_url",
        )
    if "?" in value or "#" in value:
        raise InvalidArgumentError(
            "public_url is a base URL: the request's path and query are appended to it, so it "
            f"cannot have a query or fragment (got {value!r}); pass a callable for full control",
            argument="public_url",
        )
    return value.rstrip("/")


def _after_authority(url: str, scheme: str, netloc: str) -> str:
    """``/path?query`` of an absolute URL, exactly as written (urlunsplit would normalise)."""
    rest = url[len(scheme) + 3 + len(netloc) :]
    return rest.split("#", 1)[0]


class DeliveryVerifier:
    """Verifies deliveries for one endpoint (or app): keys, URL policy and clock tolerance.

    Args:
        receiver: the :class:`~qstash.receiver.Receiver` holding the signing keys. By default
            one is made on first use from ``QSTASH_CURRENT_SIGNING_KEY`` /
            ``QSTASH_NEXT_SIGNING_KEY`` (and the region keys when ``QSTASH_REGION`` is set,
            or the dev server's keys when ``QSTASH_DEV`` is on); no key → the request fails
            with :class:`~qstash.errors.InvalidArgumentError`, never skips verification.
        public_url: the public base URL QStash calls, e.g. ``"https://api.example.com"`` or
            ``"https://example.com/prefix"``: the request's path and query string are
            appended to it. Or a callable given the framework's request object and returning
            the full URL QStash called.
        trust_forwarded_headers: rebuild the URL from the first value of
            ``X-Forwarded-Proto``, ``X-Forwarded-Host`` and ``X-Forwarded-Prefix`` (each
            falling back to the request's own scheme, host and no prefix). Only turn this on
            behind a proxy that sets or overwrites these headers: a client could forge them.
        check_url: ``False`` skips the URL check (the body and the key are still checked).
        clock_tolerance: seconds (or a ``timedelta``) of clock skew allowed on ``exp``,
            ``nbf`` and ``iat``; :data:`DEFAULT_CLOCK_TOLERANCE` (30 s) by default.

    At most one of ``public_url``, ``trust_forwarded_headers=True`` and ``check_url=False``
    may be given; with none, the URL is the request's own, as the framework reports it.

    Raises:
        InvalidArgumentError: two URL choices at once, or a ``public_url`` that is not an
            absolute http(s) base URL.
    """

    __slots__ = ("_base", "_clock_tolerance", "_mode", "_public_url", "_receiver")

    def __init__(
        self,
        receiver: Receiver | None = None,
        *,
        public_url: str | Callable[[Any], str] | None = None,
        trust_forwarded_headers: bool = False,
        check_url: bool = True,
        clock_tolerance: float | timedelta = DEFAULT_CLOCK_TOLERANCE,
    ) -> None:
        if receiver is not None and not isinstance(receiver, Receiver):
            raise InvalidArgumentError(
                f"receiver must be a qstash.Receiver, got {type(receiver).__name__}",
                argument="receiver",
            )
        chosen = [
            name
            for name, on in (
                ("public_url", public_url is not None),
                ("trust_forwarded_headers=True", trust_forwarded_headers),
                ("check_url=False", not check_url),
            )
            if on
        ]
        if len(chosen) > 1:
            raise InvalidArgumentError(
                f"choose one way to check the URL, not {' and '.join(chosen)}",
                argument=chosen[1].split("=", 1)[0],
            )
        if isinstance(clock_tolerance, timedelta):
            seconds = clock_tolerance.total_seconds()
        else:
            seconds = clock_tolerance
        if type(seconds) not in (int, float) or not 0 <= seconds < 86_400:
            raise InvalidArgumentError(
                "clock_tolerance must be a number of seconds (or a timedelta) from 0 to a day, "
                f"got {clock_tolerance!r}",
                argument="clock_tolerance",
            )
        self._base: str | None = None
        self._public_url: Callable[[Any], str] | None = None
        if isinstance(public_url, str):
            self._base = _check_base_url(public_url)
            self._mode = "public_url"
        elif public_url is not None:
            if not callable(public_url):
                raise InvalidArgumentError(
                    "public_url must be a base URL string or a callable returning the URL, "
                    f"got {type(public_url).__name__}",
                    argument="public_url",
                )
            self._public_url = public_url
            self._mode = "public_url"
        elif trust_forwarded_headers:
            self._mode = "forwarded"
        elif not check_url:
            self._mode = "none"
        else:
            self._mode = "request"
        self._receiver = receiver
        self._clock_tolerance = seconds

    def __repr__(self) -> str:
        return f"DeliveryVerifier(url={self._mode!r}, receiver={self._receiver!r})"

    @property
    def receiver(self) -> Receiver:
        """The receiver in use (made from the environment on first use when not given)."""
        receiver = self._receiver
        if receiver is None:
            # Made lazily so that importing a views module never needs the keys; two threads
            # racing here build equal receivers, either one is fine.
            receiver = self._receiver = Receiver()
        return receiver

    def expected_url(
        self, request_url: str, headers: Mapping[str, str], request: object = None
    ) -> str | None:
        """The URL the signature must name, or None when the URL check is off.

        Args:
            request_url: the absolute URL of the request as the framework sees it.
            headers: the request headers with lower-cased names.
            request: the framework's request object, passed to a ``public_url`` callable.
        """
        mode = self._mode
        if mode == "request":
            return request_url
        if mode == "none":
            return None
        if self._public_url is not None:
            url = self._public_url(request)
            if not isinstance(url, str):
                raise InvalidArgumentError(
                    f"the public_url callable must return a str, got {type(url).__name__}",
                    argument="public_url",
                )
            return url
        parts = urlsplit(request_url)
        rest = _after_authority(request_url, parts.scheme, parts.netloc)
        if self._base is not None:
            return self._base + rest
        scheme = _first(headers.get("x-forwarded-proto")) or parts.scheme
        host = _first(headers.get("x-forwarded-host")) or parts.netloc
        prefix = _first(headers.get("x-forwarded-prefix")).rstrip("/")
        if prefix and not prefix.startswith("/"):
            prefix = "/" + prefix
        return f"{scheme}://{host}{prefix}{rest}"

    def verify(
        self,
        *,
        body: bytes,
        headers: Mapping[str, str] | Iterable[tuple[str, str]],
        request_url: str,
        request: object = None,
    ) -> Delivery:
        """Verify one delivery and return it.

        Args:
            body: the raw request body, exactly as received.
            headers: the request headers (any case; a mapping or ``(name, value)`` pairs).
            request_url: the absolute URL of the request as the framework sees it.
            request: the framework's request object, for a ``public_url`` callable.

        Raises:
            SignatureError: the delivery is not genuine; ``reason`` says why. A URL mismatch
                names both URLs and which URL policy produced the expected one.
            InvalidArgumentError: no signing key is configured.
        """
        header_map = _header_dict(headers)
        signature = self.check_signature_present(header_map)
        url = self.expected_url(request_url, header_map, request)
        try:
            claims = self.receiver.verify(
                signature=signature,
                body=body,
                url=url,
                clock_tolerance=self._clock_tolerance,
                upstash_region=header_map.get("upstash-region"),
            )
        except SignatureError as error:
            if error.reason is SignatureFailure.URL_MISMATCH:
                error = SignatureError(error.reason, f"{error} ({self._url_hint()})")
            _log_rejection(error, header_map)
            raise error from None
        return Delivery(
            message_id=header_map.get("upstash-message-id", ""),
            retried=_retried(header_map.get("upstash-retried")),
            schedule_id=header_map.get("upstash-schedule-id") or None,
            url_group=header_map.get("upstash-topic-name") or None,
            caller_ip=header_map.get("upstash-caller-ip") or None,
            region=_region(header_map.get("upstash-region")),
            claims=claims,
            headers=MappingProxyType(header_map),
            body=body,
        )

    @staticmethod
    def check_signature_present(headers: HeaderLookup) -> str:
        """The ``Upstash-Signature`` value from ``headers`` (case-insensitive or lower-cased).

        Integrations call this before reading the body, so a request without a signature
        is refused without buffering its body.

        Raises:
            SignatureError: ``MISSING_SIGNATURE`` when the header is absent or empty.
        """
        signature = headers.get("upstash-signature")
        if not signature:
            error = SignatureError(
                SignatureFailure.MISSING_SIGNATURE, "no Upstash-Signature header"
            )
            _log_rejection(error, headers)
            raise error
        return signature

    def _url_hint(self) -> str:
        if self._mode == "request":
            return (
                "the expected URL is the request's own URL; behind a proxy or tunnel pass "
                "public_url='https://your.public.host' or trust_forwarded_headers=True"
            )
        if self._mode == "forwarded":
            return "the expected URL was rebuilt from X-Forwarded-Proto/Host/Prefix"
        return "the expected URL comes from public_url"


def _log_rejection(error: SignatureError, headers: HeaderLookup) -> None:
    logger.warning(
        "QStash delivery rejected (%s): %s [message id %s]",
        error.reason.value,
        error,
        headers.get("upstash-message-id") or "-",
    )


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True, slots=True)
class Reply:
    """A framework-free HTTP response: what to send back to QStash.

    Attributes:
        status: the HTTP status code.
        headers: response headers (``Content-Type`` included).
        body: the response body; QStash keeps it in its logs and DLQ entries.
    """

    status: int
    headers: Mapping[str, str]
    body: bytes


def _json_reply(status: int, payload: Mapping[str, str], **headers: str) -> Reply:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Reply(status, {"Content-Type": "application/json", **headers}, body)


def rejection_status(reason: SignatureFailure) -> int:
    """The status an integration answers a refused delivery with.

    401 when the signature material is unusable (missing header, not a JWT, not HS256);
    403 when a well-formed token is refused (wrong key, expired, wrong URL or body). Either
    way QStash retries the delivery, so a misconfiguration fixed in time loses nothing.
    """
    return 401 if reason in _UNAUTHENTICATED else 403


def rejection(error: SignatureError) -> Reply:
    """The response for a refused delivery: ``{"error": <reason>, "message": <why>}``.

    ``error`` is the :class:`~qstash.errors.SignatureFailure` value (``"body_mismatch"``...)
    and ``message`` the verifier's explanation; neither ever contains a signing key.
    """
    return _json_reply(
        rejection_status(error.reason), {"error": error.reason.value, "message": str(error)}
    )


def non_retryable(reason: str = "non-retryable failure") -> Reply:
    """Tell QStash to stop retrying: 489 with ``Upstash-NonRetryable-Error: true``.

    The message fails at once and goes to the DLQ (a failure callback fires, if set).

    Args:
        reason: kept as ``{"error": reason}`` in the response body, which QStash shows in
            its logs and DLQ.
    """
    if not isinstance(reason, str):
        raise InvalidArgumentError("reason must be a str", argument="reason")
    return _json_reply(
        _NON_RETRYABLE_STATUS, {"error": reason}, **{"Upstash-NonRetryable-Error": "true"}
    )


def retry_after(
    delay: float | timedelta, *, status: int = 503, reason: str = "retry later"
) -> Reply:
    """Ask QStash to retry later: ``status`` (503) with a ``Retry-After`` header.

    QStash waits ``delay`` before the next attempt instead of its backoff. The attempt still
    counts against the message's retries; when none are left the message fails.

    Args:
        delay: seconds (or a ``timedelta``) from 0 (retry now) to 86400 (a day; QStash
            ignores longer values); rounded up to whole seconds.
        status: the response status, 400-599 (``503`` or ``429`` are the usual ones).
        reason: kept as ``{"error": reason}`` in the response body.

    Raises:
        InvalidArgumentError: a delay outside 0..86400 seconds, or a status outside 400..599.
    """
    seconds = delay.total_seconds() if isinstance(delay, timedelta) else delay
    if type(seconds) not in (int, float) or not 0 <= seconds <= _MAX_RETRY_AFTER:
        raise InvalidArgumentError(
            f"delay must be 0 to {_MAX_RETRY_AFTER} seconds (QStash ignores a Retry-After "
            f"over a day), got {delay!r}",
            argument="delay",
        )
    if type(status) is not int or not 400 <= status <= 599:
        raise InvalidArgumentError(
            f"status must be a 4xx or 5xx code, got {status!r}", argument="status"
        )
    if not isinstance(reason, str):
        raise InvalidArgumentError("reason must be a str", argument="reason")
    return _json_reply(status, {"error": reason}, **{"Retry-After": str(math.ceil(seconds))})


# --------------------------------------------------------------------------- callbacks


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class CallbackBody:
    """The JSON body QStash posts to an ``Upstash-Callback`` URL after an attempt.

    It describes one delivery attempt of the *source* message. Parse it with
    :func:`parse_callback` from the verified delivery's body.

    Attributes:
        status: the HTTP status the destination answered.
        header: the destination's response headers, name → values.
        body: the destination's response body (decoded from base64; QStash may truncate it).
        retried: how many retries of the source had happened before this attempt.
        max_retries: the source's retry budget (``retried == max_retries``: the last one).
        source_message_id: the source message's id.
        url: the source's destination URL.
        method: the source's HTTP method.
        source_header: the source request's headers, name → values.
        source_body: the source request's body (decoded from base64).
        not_before: the source's scheduled delivery time, unix milliseconds.
        created_at: the source's creation time, unix milliseconds.
        url_group: ``topicName``, the URL group of the source, if any.
        endpoint_name: the endpoint's name inside the URL group, if named.
        schedule_id: the schedule that produced the source, if any.
        queue_name: the queue of the source, if any.
        caller_ip: ``callerIP``, the publisher's IP address.
        raw: every field as sent, read-only.
    """

    status: int
    header: Mapping[str, tuple[str, ...]]
    body: bytes
    retried: int
    max_retries: int
    source_message_id: str
    url: str
    method: str
    source_header: Mapping[str, tuple[str, ...]]
    source_body: bytes
    not_before: int | None
    created_at: int | None
    url_group: str | None
    endpoint_name: str | None
    schedule_id: str | None
    queue_name: str | None
    caller_ip: str | None
    raw: Mapping[str, Any] = field(compare=False, repr=False)

    def text(self) -> str:
        """The destination's response body as text (UTF-8; bad bytes become U+FFFD)."""
        return _text(self.body)

    def source_text(self) -> str:
        """The source message's body as text (UTF-8; bad bytes become U+FFFD)."""
        return _text(self.source_body)


@dataclass(frozen=True, slots=True)
class FailureCallbackBody(CallbackBody):
    """The JSON body QStash posts to an ``Upstash-Failure-Callback`` URL.

    Sent once, after the source message failed for good (retries exhausted or a 489
    non-retryable answer). Same fields as :class:`CallbackBody`, plus:

    Attributes:
        dlq_id: the id of the source's DLQ entry (``dlqId``), to retry or delete it.
    """

    dlq_id: str | None = None


def _bad_callback(message: str) -> NoReturn:
    raise InvalidArgumentError(f"not a QStash callback body: {message}", argument="body")


def _int(data: Mapping[str, Any], name: str, *, default: int | None) -> int | None:
    value = data.get(name)
    if value is None or value == "":
        return default
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdecimal() and text.isascii():
            return int(text)
    _bad_callback(f"{name} must be an integer, got {value!r:.60}")


def _str(data: Mapping[str, Any], *names: str) -> str | None:
    for name in names:
        value = data.get(name)
        if value is not None and value != "":
            if not isinstance(value, str):
                _bad_callback(f"{name} must be a string, got {type(value).__name__}")
            return value
    return None


def _b64(data: Mapping[str, Any], name: str) -> bytes:
    value = data.get(name)
    if value is None or value == "":
        return b""
    if not isinstance(value, str):
        _bad_callback(f"{name} must be base64 text, got {type(value).__name__}")
    # Lenient on purpose: either alphabet, padding optional, and a truncated final group
    # dropped, since QStash may cut long bodies.
    text = value.strip().replace("-", "+").replace("_", "/").rstrip("=")
    if len(text) % 4 == 1:
        text = text[:-1]
    try:
        return binascii.a2b_base64(text + "=" * (-len(text) % 4), strict_mode=True)
    except (binascii.Error, ValueError):
        _bad_callback(f"{name} is not base64")


def _headers(data: Mapping[str, Any], name: str) -> Mapping[str, tuple[str, ...]]:
    value = data.get(name)
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        _bad_callback(f"{name} must be an object of header lists")
    result: dict[str, tuple[str, ...]] = {}
    for key, values in value.items():
        if isinstance(values, str):
            result[key] = (values,)
        elif isinstance(values, list) and all(isinstance(v, str) for v in values):
            result[key] = tuple(values)
        else:
            _bad_callback(f"{name}[{key!r}] must be a list of strings")
    return MappingProxyType(result)


def _callback_fields(
    body: bytes | str | Mapping[str, Any],
) -> tuple[dict[str, Any], Mapping[str, Any]]:
    if isinstance(body, Mapping):
        data: Any = body
    elif isinstance(body, bytes | bytearray | memoryview | str):
        try:
            data = json.loads(bytes(body) if not isinstance(body, str) else body)
        except ValueError:
            _bad_callback("the body is not JSON")
    else:
        raise InvalidArgumentError(
            f"body must be the callback's raw body (bytes or str) or its parsed JSON object, "
            f"got {type(body).__name__}",
            argument="body",
        )
    if not isinstance(data, Mapping):
        _bad_callback("the JSON is not an object")
    status = _int(data, "status", default=None)
    if status is None:
        _bad_callback("it has no status")
    fields: dict[str, Any] = {
        "status": status,
        "header": _headers(data, "header"),
        "body": _b64(data, "body"),
        "retried": _int(data, "retried", default=0),
        "max_retries": _int(data, "maxRetries", default=0),
        "source_message_id": _str(data, "sourceMessageId") or "",
        "url": _str(data, "url") or "",
        "method": _str(data, "method") or "",
        "source_header": _headers(data, "sourceHeader"),
        "source_body": _b64(data, "sourceBody"),
        "not_before": _int(data, "notBefore", default=None),
        "created_at": _int(data, "createdAt", default=None),
        "url_group": _str(data, "topicName"),
        "endpoint_name": _str(data, "endpointName"),
        "schedule_id": _str(data, "scheduleId"),
        "queue_name": _str(data, "queueName"),
        "caller_ip": _str(data, "callerIP", "callerIp"),
    }
    return fields, MappingProxyType(dict(data))


def parse_callback(body: bytes | str | Mapping[str, Any]) -> CallbackBody:
    """Parse the body of a callback request (``Upstash-Callback``).

    Args:
        body: the raw request body (``delivery.body``) or its parsed JSON object. Numbers
            sent as strings (``createdAt``, ``notBefore``...) become ints; ``body`` and
            ``sourceBody`` are base64-decoded to bytes.

    Raises:
        InvalidArgumentError: the body is not JSON, has no ``status``, or a field has the
            wrong type.
    """
    fields, raw = _callback_fields(body)
    return CallbackBody(**fields, raw=raw)


def parse_failure_callback(body: bytes | str | Mapping[str, Any]) -> FailureCallbackBody:
    """Parse the body of a failure-callback request (``Upstash-Failure-Callback``).

    Same as :func:`parse_callback`, plus ``dlqId`` as :attr:`FailureCallbackBody.dlq_id`.
    """
    fields, raw = _callback_fields(body)
    return FailureCallbackBody(**fields, raw=raw, dlq_id=_str(raw, "dlqId"))
