"""Verify the ``Upstash-Signature`` of a QStash delivery, and sign test deliveries.

QStash signs every delivery with a compact JWT (HS256, keyed with the literal ``sig_...``
signing key) whose claims bind the destination URL (``sub``) and the SHA-256 of the raw body
(``body``). :class:`Receiver` checks one::

    receiver = Receiver()  # keys from QSTASH_CURRENT_SIGNING_KEY / QSTASH_NEXT_SIGNING_KEY
    claims = receiver.verify(
        signature=request.headers["Upstash-Signature"],
        body=raw_body_bytes,  # exactly as received, never re-serialised JSON
        url="https://example.com/api/webhook",
    )

Failures raise :class:`~qstash.errors.SignatureError` whose ``reason`` says what failed.
:func:`sign` makes tokens the way QStash does, for tests and the local dev server.

Pure standard library; nothing here does I/O or reads the environment at import time.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any, NoReturn

from qstash.errors import InvalidArgumentError, SignatureError, SignatureFailure

__all__ = ["Receiver", "SignatureClaims", "sign"]

_CURRENT_KEY_ENV = "QSTASH_CURRENT_SIGNING_KEY"
_NEXT_KEY_ENV = "QSTASH_NEXT_SIGNING_KEY"
_REGION_ENV = "QSTASH_REGION"
# Regions whose ``{REGION}_QSTASH_{CURRENT,NEXT}_SIGNING_KEY`` variables are honoured.
_REGIONS = ("EU_CENTRAL_1", "US_EAST_1")

_ISSUER = "Upstash"
# Longer than any real token (a URL of several KiB fits); bounds the work done on garbage.
_MAX_TOKEN_LENGTH = 16 * 1024
# HS256 MAC: 32 bytes, 43 base64url characters without padding.
_SIGNATURE_LENGTH = 43
# Timestamps beyond this (year ~31 million) are garbage, and the bound also rejects inf/NaN.
_MAX_TIME = 1e15

_NUMBERS = frozenset((int, float))
# base64url -> standard alphabet; '+', '/' and '=' become '!' so strict decoding refuses them.
_FROM_URLSAFE = bytes.maketrans(b"-_+/=", b"+/!!!")
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_HEADER_JSON = '{"alg":"HS256","typ":"JWT"}'


def _reject_constant(name: str) -> NoReturn:
    # JSON allows neither NaN nor Infinity; Python's parser does unless told otherwise.
    raise ValueError(f"{name} is not valid JSON")


_JSON = json.JSONDecoder(parse_constant=_reject_constant)


def _b64url_encode(data: bytes) -> str:
    """Unpadded base64url text of ``data``."""
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).rstrip(b"=").decode()


def _b64url_decode(segment: str) -> bytes:
    """Strictly decode unpadded base64url; raises ``ValueError`` on anything else."""
    data = segment.encode("ascii").translate(_FROM_URLSAFE)
    return binascii.a2b_base64(data + b"=" * (-len(data) % 4), strict_mode=True)


def _json_object(segment: str) -> Any:
    """Decode a base64url JSON segment; raises ``ValueError`` unless it is exactly JSON."""
    text = _b64url_decode(segment).decode()
    # raw_decode skips decode()'s two whitespace scans; JWT segments carry no padding spaces.
    value, end = _JSON.raw_decode(text)
    if end != len(text):
        raise ValueError("trailing data after the JSON value")
    return value


# Header segments already checked (QStash sends the same one every time); bounded so that
# junk headers cannot grow it.
_GOOD_HEADERS: dict[str, None] = {_b64url_encode(_HEADER_JSON.encode()): None}
_GOOD_HEADERS_MAX = 16


def _fail(reason: SignatureFailure, message: str) -> NoReturn:
    raise SignatureError(reason, message)


def _show(value: object) -> str:
    """A short repr of an untrusted value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_header(segment: str) -> None:
    """Accept only ``{"alg": "HS256"}`` headers (``typ`` JWT if present, no ``crit``)."""
    try:
        header = _json_object(segment)
    except (ValueError, RecursionError):
        header = None
    if type(header) is not dict:
        _fail(SignatureFailure.MALFORMED, "the token header is not a base64url JSON object")
    if "alg" not in header:
        _fail(
            SignatureFailure.UNSUPPORTED_ALGORITHM,
            "the token header has no alg; only HS256 is accepted",
        )
    alg = header["alg"]
    if alg != "HS256":
        _fail(
            SignatureFailure.UNSUPPORTED_ALGORITHM,
            f"the token algorithm is {_show(alg)}; only HS256 is accepted",
        )
    if "crit" in header:
        _fail(SignatureFailure.MALFORMED, "the token header has crit extensions, not supported")
    if header.get("typ", "JWT") != "JWT":
        _fail(SignatureFailure.MALFORMED, f"the token typ is {_show(header['typ'])}, not JWT")
    if len(_GOOD_HEADERS) < _GOOD_HEADERS_MAX:
        _GOOD_HEADERS[segment] = None


def _seconds(value: float | timedelta, argument: str) -> float:
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if type(value) not in _NUMBERS or not 0 <= value < _MAX_TIME:
        raise InvalidArgumentError(
            f"{argument} must be a non-negative number of seconds or a timedelta, "
            f"got {_show(value)}",
            argument=argument,
        )
    return value


def _key_bytes(value: object, argument: str) -> bytes | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidArgumentError(
            f"{argument} must be a str (the sig_... signing key), got {type(value).__name__}",
            argument=argument,
        )
    # The key is the HMAC secret as written, UTF-8 encoded; it is not base64-decoded.
    return value.encode()


def _macs(current: bytes | None, next_: bytes | None) -> tuple[hmac.HMAC, ...]:
    # Keyed HMAC states made once; verify() copies one instead of re-keying per call.
    # Only these opaque objects are kept, never the key text.
    return tuple(hmac.new(k, digestmod=hashlib.sha256) for k in (current, next_) if k)


def _body_bytes(body: object) -> bytes | bytearray | memoryview:
    if isinstance(body, str):
        try:
            return body.encode()
        except UnicodeEncodeError:
            # Lone surrogates: a body decoded with surrogateescape round-trips to its bytes;
            # anything else still hashes (and then mismatches) instead of crashing.
            try:
                return body.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:
                return body.encode("utf-8", "surrogatepass")
    if isinstance(body, bytes | bytearray | memoryview):
        return body
    raise InvalidArgumentError(
        "body must be the raw request body as bytes (or str), exactly as received, "
        f"got {type(body).__name__}",
        argument="body",
    )


@dataclass(frozen=True, slots=True)
class SignatureClaims:
    """The verified claims of an ``Upstash-Signature`` token.

    Attributes:
        issuer: ``iss``, always ``"Upstash"``.
        subject: ``sub``, the URL QStash delivered this request to.
        body_hash: ``body``, base64url SHA-256 of the body (as sent, usually ``=``-padded).
        expires_at: ``exp``, unix seconds.
        not_before: ``nbf``, unix seconds (QStash now sends ``0``).
        issued_at: ``iat``, unix seconds, or ``None`` when absent.
        jwt_id: ``jti`` (``jwt_...``), or ``None`` when absent or not a string.
        raw: every claim as decoded, read-only.
    """

    issuer: str
    subject: str
    body_hash: str
    expires_at: float
    not_before: float
    issued_at: float | None
    jwt_id: str | None
    raw: Mapping[str, Any] = field(compare=False, repr=False)


def _dev_mode() -> bool:
    from qstash._config import dev_mode

    return dev_mode(os.environ)


class Receiver:
    """Verifies QStash signatures with the current signing key, then the next one.

    Args:
        current_signing_key: the ``sig_...`` key QStash signs with now.
        next_signing_key: the key it will sign with after the next rotation.
        clock: returns the current unix time in seconds; defaults to :func:`time.time`.

    When neither key is given and ``QSTASH_DEV`` is on, the local dev server's public keys
    are used. Otherwise, when neither key is given, both come from the environment variables
    ``QSTASH_CURRENT_SIGNING_KEY`` and ``QSTASH_NEXT_SIGNING_KEY`` (read here, once).
    When either is given, the environment is not consulted for keys. In the environment
    mode, if ``QSTASH_REGION`` is set, ``EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY`` /
    ``..._NEXT_SIGNING_KEY`` (and the same for ``US_EAST_1``) are read too and used for
    deliveries whose ``upstash-region`` header names that region. Keys are used exactly as
    given (an empty string counts as absent); only keyed HMAC states are kept, never the
    key text, and ``repr`` shows just how many keys there are.

    Raises:
        InvalidArgumentError: no key at all, or a key that is not a string.
    """

    __slots__ = ("_clock", "_macs", "_regional")

    def __init__(
        self,
        current_signing_key: str | None = None,
        next_signing_key: str | None = None,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        regional: dict[str, tuple[hmac.HMAC, ...]] = {}
        if current_signing_key is None and next_signing_key is None and _dev_mode():
            from qstash._config import DEV_CURRENT_SIGNING_KEY, DEV_NEXT_SIGNING_KEY

            macs = _macs(DEV_CURRENT_SIGNING_KEY.encode(), DEV_NEXT_SIGNING_KEY.encode())
        elif current_signing_key is None and next_signing_key is None:
            env = os.environ
            macs = _macs(
                _key_bytes(env.get(_CURRENT_KEY_ENV), _CURRENT_KEY_ENV),
                _key_bytes(env.get(_NEXT_KEY_ENV), _NEXT_KEY_ENV),
            )
            if env.get(_REGION_ENV):
                for region in _REGIONS:
                    current_name = f"{region}_{_CURRENT_KEY_ENV}"
                    next_name = f"{region}_{_NEXT_KEY_ENV}"
                    region_macs = _macs(
                        _key_bytes(env.get(current_name), current_name),
                        _key_bytes(env.get(next_name), next_name),
                    )
                    if region_macs:
                        regional[region] = region_macs
        else:
            macs = _macs(
                _key_bytes(current_signing_key, "current_signing_key"),
                _key_bytes(next_signing_key, "next_signing_key"),
            )
        if not macs and not regional:
            raise InvalidArgumentError(
                "no signing key: pass current_signing_key/next_signing_key or set "
                f"{_CURRENT_KEY_ENV} and {_NEXT_KEY_ENV} (see the QStash console)",
                argument="current_signing_key",
            )
        self._macs = macs
        self._regional = regional
        self._clock = clock or time.time

    def __repr__(self) -> str:
        regions = f", regions={sorted(self._regional)}" if self._regional else ""
        return f"Receiver(keys={len(self._macs)}{regions})"

    def verify(
        self,
        *,
        signature: str | bytes | None,
        body: bytes | str,
        url: str | None = None,
        clock_tolerance: float | timedelta = 0,
        upstash_region: str | None = None,
    ) -> SignatureClaims:
        """Check that a delivery was signed by QStash for this URL and this exact body.

        Args:
            signature: the ``Upstash-Signature`` header value, ``str`` or ASCII ``bytes``
                (``None`` or ``""`` when the header is missing).
            body: the raw request body exactly as received, ``bytes`` (Starlette
                ``await request.body()``, Django ``request.body``, Flask
                ``request.get_data()``) or ``str`` (UTF-8 encoded before hashing). Re-encoded
                JSON does not match.
            url: the URL QStash was told to deliver to, compared exactly with the ``sub``
                claim; ``None`` skips this check.
            clock_tolerance: seconds (or a ``timedelta``) of clock skew allowed on
                ``exp``, ``nbf`` and ``iat``.
            upstash_region: the ``upstash-region`` header value (``US-EAST-1``...); picks
                that region's keys when they were configured, else the default keys.

        Returns:
            The verified claims.

        Raises:
            SignatureError: the token is missing, malformed, not HS256, signed with neither
                key, from another issuer, expired or not yet valid, for another URL, or for
                another body; ``reason`` says which. Checked in that order, and the claims
                are only looked at once the HMAC matches.
            InvalidArgumentError: ``body`` is not bytes/str, ``url`` is not a str, or
                ``clock_tolerance`` is negative or not a number (a programming error, not a
                bad delivery).
        """
        # The default int 0 needs no checking; everything else is validated.
        tolerance: float = 0
        if type(clock_tolerance) is not int or clock_tolerance:
            tolerance = _seconds(clock_tolerance, "clock_tolerance")
        data = body if type(body) is bytes else _body_bytes(body)
        if url is not None and not isinstance(url, str):
            raise InvalidArgumentError(
                f"url must be a str, got {type(url).__name__} (pass str(request.url))",
                argument="url",
            )

        if type(signature) is not str:
            signature = self._signature_text(signature)
        if not signature:
            _fail(SignatureFailure.MISSING_SIGNATURE, "no Upstash-Signature header value")
        if len(signature) > _MAX_TOKEN_LENGTH or not signature.isascii():
            _fail(
                SignatureFailure.MALFORMED,
                f"the token is not a JWT: longer than {_MAX_TOKEN_LENGTH} characters or not ASCII",
            )
        parts = signature.split(".")
        if len(parts) != 3:
            _fail(
                SignatureFailure.MALFORMED,
                f"the token is not a JWT: {len(parts)} dot-separated parts, expected 3",
            )
        header_segment, payload_segment, mac_segment = parts
        if header_segment not in _GOOD_HEADERS:
            _check_header(header_segment)
        if len(mac_segment) != _SIGNATURE_LENGTH:
            _fail(
                SignatureFailure.MALFORMED,
                f"the token signature is {len(mac_segment)} characters, "
                f"expected {_SIGNATURE_LENGTH} for HS256",
            )

        macs = self._macs
        if upstash_region and self._regional and type(upstash_region) is str:
            macs = self._regional.get(upstash_region.replace("-", "_").upper(), macs)
        if not macs:
            _fail(
                SignatureFailure.INVALID_SIGNATURE,
                f"no signing key is configured for region {_show(upstash_region)} and no "
                f"default key is set ({_CURRENT_KEY_ENV})",
            )
        signing_input = signature[: len(header_segment) + 1 + len(payload_segment)].encode()
        expected = mac_segment.encode()
        for base in macs:
            mac = base.copy()
            mac.update(signing_input)
            if hmac.compare_digest(_b64url_encode(mac.digest()).encode(), expected):
                break
        else:
            _fail(
                SignatureFailure.INVALID_SIGNATURE,
                "the signature matches neither the current nor the next signing key"
                if len(macs) > 1
                else "the signature does not match the signing key",
            )

        # Only a token signed with our key gets here, so claim errors tell an attacker nothing.
        try:
            claims = _json_object(payload_segment)
        except (ValueError, RecursionError):
            claims = None
        if type(claims) is not dict:
            _fail(SignatureFailure.MALFORMED, "the token claims are not a base64url JSON object")
        get: Callable[[str], Any] = claims.get
        issuer = get("iss")
        subject = get("sub")
        body_hash = get("body")
        expires_at = get("exp")
        not_before = get("nbf")
        issued_at = get("iat")
        if type(issuer) is not str:
            _malformed_claim("iss", "a string")
        if type(subject) is not str:
            _malformed_claim("sub", "a string (the destination URL)")
        if type(body_hash) is not str:
            _malformed_claim("body", "a string (the body's SHA-256)")
        if type(expires_at) not in _NUMBERS or not -_MAX_TIME < expires_at < _MAX_TIME:
            _malformed_claim("exp", "a unix time in seconds")
        if type(not_before) not in _NUMBERS or not -_MAX_TIME < not_before < _MAX_TIME:
            _malformed_claim("nbf", "a unix time in seconds")
        if issued_at is not None and (
            type(issued_at) not in _NUMBERS or not -_MAX_TIME < issued_at < _MAX_TIME
        ):
            _malformed_claim("iat", "a unix time in seconds")

        if issuer != _ISSUER:
            _fail(
                SignatureFailure.WRONG_ISSUER,
                f"the token issuer is {_show(issuer)}, expected {_ISSUER!r}",
            )
        now = self._clock()
        if expires_at <= now - tolerance:
            _fail(
                SignatureFailure.EXPIRED,
                f"the signature expired at {expires_at} (now {now:.0f}, "
                f"clock tolerance {tolerance}s)",
            )
        if not_before > now + tolerance:
            _fail(
                SignatureFailure.NOT_YET_VALID,
                f"the signature is not valid before {not_before} (now {now:.0f}, "
                f"clock tolerance {tolerance}s)",
            )
        if issued_at is not None and issued_at > now + tolerance:
            _fail(
                SignatureFailure.NOT_YET_VALID,
                f"the signature was issued in the future at {issued_at} (now {now:.0f}, "
                f"clock tolerance {tolerance}s)",
            )
        if url is not None and subject != url:
            _fail(
                SignatureFailure.URL_MISMATCH,
                f"the signature is for URL {subject!r}, but this request was expected at {url!r}",
            )

        digest = hashlib.sha256(data).digest()
        # Padding-insensitive: QStash sends the hash padded, other signers may not.
        if not hmac.compare_digest(
            body_hash.rstrip("=").encode("ascii", "replace"),
            _b64url_encode(digest).encode(),
        ):
            _fail(
                SignatureFailure.BODY_MISMATCH,
                "the body's SHA-256 does not match the signed body hash: pass the raw request "
                "body bytes exactly as received (not parsed and re-serialised JSON)",
            )

        jwt_id = get("jti")
        return SignatureClaims(
            issuer,
            subject,
            body_hash,
            expires_at,
            not_before,
            issued_at,
            jwt_id if type(jwt_id) is str else None,
            MappingProxyType(claims),
        )

    @staticmethod
    def _signature_text(signature: object) -> str:
        if signature is None:
            return ""
        if isinstance(signature, str):
            return str(signature)  # a str subclass some frameworks use for header values
        if isinstance(signature, bytes | bytearray):
            # Latin-1 never fails; non-ASCII is then refused as malformed.
            return bytes(signature).decode("latin-1")
        raise InvalidArgumentError(
            f"signature must be the Upstash-Signature header value (str), "
            f"got {type(signature).__name__}",
            argument="signature",
        )


def _malformed_claim(name: str, expected: str) -> NoReturn:
    _fail(SignatureFailure.MALFORMED, f"the token claim {name} is missing or not {expected}")


def sign(
    *,
    signing_key: str,
    url: str,
    body: bytes | str = b"",
    now: float | None = None,
    lifetime: float | timedelta = 300,
    jwt_id: str | None = None,
    not_before: float | None = None,
) -> str:
    """Make an ``Upstash-Signature`` token the way QStash does, for tests and the dev server.

    The header is ``{"alg":"HS256","typ":"JWT"}``; the claims are ``iss`` ``"Upstash"``,
    ``sub`` ``url``, ``exp`` ``now + lifetime``, ``nbf``, ``iat`` ``now``, ``jti``
    ``jwt_...`` and ``body``, the ``=``-padded base64url SHA-256 of ``body``; no ``aud``.

    Args:
        signing_key: the ``sig_...`` key, used as the HMAC secret as written.
        url: the destination URL (the ``sub`` claim).
        body: the exact body that will be delivered; ``str`` is UTF-8 encoded.
        now: issue time in unix seconds; defaults to the current whole second.
        lifetime: seconds (or a ``timedelta``) until ``exp``; QStash uses 300.
        jwt_id: the ``jti`` claim; defaults to ``jwt_`` and 28 random letters and digits.
        not_before: the ``nbf`` claim in unix seconds; defaults to ``now``. QStash has sent
            ``0`` since September 2024; pass ``0`` to mimic that.

    Raises:
        InvalidArgumentError: an empty key or URL, a body that is not bytes/str, a
            negative lifetime, or a time that is not unix seconds.
    """
    key = _key_bytes(signing_key, "signing_key")
    if key is None:
        raise InvalidArgumentError(
            "signing_key must be a non-empty sig_... key", argument="signing_key"
        )
    if not isinstance(url, str) or not url:
        raise InvalidArgumentError("url must be a non-empty str", argument="url")
    data = _body_bytes(body)
    seconds = _seconds(lifetime, "lifetime")
    if isinstance(seconds, float) and seconds.is_integer():
        # A timedelta gives 300.0; QStash's claims are whole seconds.
        seconds = int(seconds)
    if now is None:
        now = int(time.time())
    elif type(now) not in _NUMBERS or not 0 <= now < _MAX_TIME:
        raise InvalidArgumentError(f"now must be unix seconds, got {_show(now)}", argument="now")
    if not_before is None:
        not_before = now
    elif type(not_before) not in _NUMBERS or not 0 <= not_before < _MAX_TIME:
        raise InvalidArgumentError(
            f"not_before must be unix seconds, got {_show(not_before)}", argument="not_before"
        )
    if jwt_id is not None and not isinstance(jwt_id, str):
        raise InvalidArgumentError("jwt_id must be a str", argument="jwt_id")
    if jwt_id is None:
        import secrets
        import string

        alphabet = string.ascii_letters + string.digits
        jwt_id = "jwt_" + "".join(secrets.choice(alphabet) for _ in range(28))
    body_hash = (
        binascii.b2a_base64(hashlib.sha256(data).digest(), newline=False)
        .translate(_TO_URLSAFE)
        .decode()
    )
    claims = {
        "iss": _ISSUER,
        "sub": url,
        "exp": now + seconds,
        "nbf": not_before,
        "iat": now,
        "jti": jwt_id,
        "body": body_hash,
    }
    payload = json.dumps(claims, separators=(",", ":"), allow_nan=False)
    signing_input = _b64url_encode(_HEADER_JSON.encode()) + "." + _b64url_encode(payload.encode())
    mac = hmac.digest(key, signing_input.encode(), "sha256")
    return signing_input + "." + _b64url_encode(mac)
