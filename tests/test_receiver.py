"""Signature verification (qstash.receiver): every failure reason, key rotation, sign()."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import random
import re
from datetime import timedelta
from typing import Any

import pytest

from qstash import receiver as receiver_module
from qstash.errors import InvalidArgumentError, SignatureError, SignatureFailure
from qstash.receiver import Receiver, SignatureClaims, sign

# Canary keys: if either string shows up in a repr or an error text, a test fails.
CURRENT = "sig_CANARYcurrent7kYjw48mhY7k"
NEXT = "sig_CANARYnext5ZB6DVzB1wjE8S6"
OTHER = "sig_OTHERkey9xQ2m4Lp0vT6rB1c"
KEYS = (CURRENT, NEXT)

NOW = 1_700_000_000
URL = "https://example.com/api/webhook?tenant=7"
BODY = b'{"hello":"world","n":1}'
HEADER = {"alg": "HS256", "typ": "JWT"}
DROP = object()  # marks a claim to remove

ENV_VARS = (
    "QSTASH_CURRENT_SIGNING_KEY",
    "QSTASH_NEXT_SIGNING_KEY",
    "QSTASH_REGION",
    "US_EAST_1_QSTASH_CURRENT_SIGNING_KEY",
    "US_EAST_1_QSTASH_NEXT_SIGNING_KEY",
    "EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY",
    "EU_CENTRAL_1_QSTASH_NEXT_SIGNING_KEY",
)


# An independent reference signer: plain json + hmac + base64, not qstash.receiver.sign.
def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def body_hash(body: bytes, *, padded: bool = True) -> str:
    text = base64.urlsafe_b64encode(hashlib.sha256(body).digest()).decode()
    return text if padded else text.rstrip("=")


def claims(**overrides: Any) -> dict[str, Any]:
    """QStash-shaped claims for URL and BODY at NOW, with overrides (DROP removes one)."""
    result: dict[str, Any] = {
        "iss": "Upstash",
        "sub": URL,
        "exp": NOW + 300,
        "nbf": 0,
        "iat": NOW,
        "jti": "jwt_67kxXD6UBAk7DqU6hzuHMDdXFXfP",
        "body": body_hash(BODY),
    }
    for name, value in overrides.items():
        if value is DROP:
            del result[name]
        else:
            result[name] = value
    return result


def token(
    payload: Any = None,
    *,
    key: str = CURRENT,
    header: Any = None,
    header_segment: str | None = None,
    payload_segment: str | None = None,
    digest: Any = hashlib.sha256,
) -> str:
    """A compact JWS signed by hand with ``key`` (segments can be forced verbatim)."""
    h = header_segment
    if h is None:
        h = b64url(json.dumps(HEADER if header is None else header).encode())
    if payload_segment is None:
        payload_segment = b64url(json.dumps(claims() if payload is None else payload).encode())
    mac = hmac.new(key.encode(), f"{h}.{payload_segment}".encode(), digest).digest()
    return f"{h}.{payload_segment}.{b64url(mac)}"


def make_receiver(*keys: str | None, now: float = NOW) -> Receiver:
    chosen = keys or KEYS
    return Receiver(*chosen, clock=lambda: now)


def reason_of(call: Any) -> SignatureFailure:
    with pytest.raises(SignatureError) as caught:
        call()
    assert isinstance(caught.value.reason, SignatureFailure)
    return caught.value.reason


def assert_no_key(text: str) -> None:
    for key in (CURRENT, NEXT, OTHER):
        assert key not in text
    # Not even a recognisable fragment of a key.
    assert "CANARY" not in text


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


# --- the happy path -------------------------------------------------------------------------


def test_valid_token_bytes_and_str_body_give_the_same_claims() -> None:
    receiver = make_receiver()
    tok = token()
    from_bytes = receiver.verify(signature=tok, body=BODY, url=URL)
    from_str = receiver.verify(signature=tok, body=BODY.decode(), url=URL)
    assert from_bytes == from_str
    assert from_bytes == SignatureClaims(
        issuer="Upstash",
        subject=URL,
        body_hash=body_hash(BODY),
        expires_at=NOW + 300,
        not_before=0,
        issued_at=NOW,
        jwt_id="jwt_67kxXD6UBAk7DqU6hzuHMDdXFXfP",
        raw={},
    )
    assert dict(from_bytes.raw) == claims()


@pytest.mark.parametrize(
    "body", [bytearray(BODY), memoryview(BODY)], ids=["bytearray", "memoryview"]
)
def test_buffer_bodies_verify(body: Any) -> None:
    assert make_receiver().verify(signature=token(), body=body, url=URL).subject == URL


def test_non_utf8_body_bytes_verify_when_signed() -> None:
    raw = b"\xff\xfe\x00\x80binary\xc3"
    tok = token(claims(body=body_hash(raw)))
    receiver = make_receiver()
    assert receiver.verify(signature=tok, body=raw).body_hash == body_hash(raw)
    # A str decoded with surrogateescape (as some servers do) hashes back to the same bytes.
    text = raw.decode("utf-8", "surrogateescape")
    assert receiver.verify(signature=tok, body=text).body_hash == body_hash(raw)


def test_str_body_is_utf8_encoded() -> None:
    text = '{"name":"Zoë ✓ 日本"}'
    tok = token(claims(body=body_hash(text.encode("utf-8"))))
    assert make_receiver().verify(signature=tok, body=text).subject == URL


@pytest.mark.parametrize("padded", [True, False], ids=["padded", "unpadded"])
def test_body_claim_padded_or_not(padded: bool) -> None:
    tok = token(claims(body=body_hash(BODY, padded=padded)))
    result = make_receiver().verify(signature=tok, body=BODY, url=URL)
    assert result.body_hash.endswith("=") is padded


def test_empty_body() -> None:
    tok = token(claims(body=body_hash(b"")))
    assert make_receiver().verify(signature=tok, body=b"").subject == URL
    assert make_receiver().verify(signature=tok, body="").subject == URL


def test_header_in_another_key_order_is_accepted() -> None:
    tok = token(header={"typ": "JWT", "alg": "HS256"})
    assert make_receiver().verify(signature=tok, body=BODY).issuer == "Upstash"


def test_header_without_typ_is_accepted() -> None:
    tok = token(header={"alg": "HS256"})
    assert make_receiver().verify(signature=tok, body=BODY).issuer == "Upstash"


def test_aud_and_unknown_claims_are_ignored_and_kept_in_raw() -> None:
    tok = token(claims(aud="", extra={"a": 1}, jti=12.5))
    result = make_receiver().verify(signature=tok, body=BODY, url=URL)
    assert result.raw["extra"] == {"a": 1}
    assert result.jwt_id is None  # not a string: only in raw
    assert result.raw["jti"] == 12.5


def test_bytes_signature_is_accepted() -> None:
    tok = token()
    assert make_receiver().verify(signature=tok.encode(), body=BODY).subject == URL


# --- keys and rotation ----------------------------------------------------------------------


def test_token_signed_with_next_key_verifies() -> None:
    assert make_receiver().verify(signature=token(key=NEXT), body=BODY, url=URL).subject == URL


def test_only_next_key_configured() -> None:
    receiver = Receiver(next_signing_key=NEXT, clock=lambda: NOW)
    assert receiver.verify(signature=token(key=NEXT), body=BODY).subject == URL
    assert reason_of(lambda: receiver.verify(signature=token(), body=BODY)) == (
        SignatureFailure.INVALID_SIGNATURE
    )


@pytest.mark.parametrize("keys", [(CURRENT, NEXT), (CURRENT, None)], ids=["two", "one"])
def test_unknown_key_is_invalid_signature(keys: tuple[str, str | None]) -> None:
    receiver = make_receiver(*keys)
    with pytest.raises(SignatureError) as caught:
        receiver.verify(signature=token(key=OTHER), body=BODY, url=URL)
    assert caught.value.reason is SignatureFailure.INVALID_SIGNATURE
    assert ("neither" in str(caught.value)) is (keys[1] is not None)


@pytest.mark.parametrize("key", KEYS, ids=["current", "next"])
def test_tampered_body_is_body_mismatch_without_key_fallback(key: str) -> None:
    # With two keys, the py SDK would retry with the next key and report a decode error;
    # here the real cause surfaces whichever key signed.
    receiver = make_receiver()
    with pytest.raises(SignatureError) as caught:
        receiver.verify(signature=token(key=key), body=BODY + b" ", url=URL)
    assert caught.value.reason is SignatureFailure.BODY_MISMATCH
    assert "raw" in str(caught.value)


@pytest.mark.parametrize("key", KEYS, ids=["current", "next"])
def test_wrong_url_is_url_mismatch_naming_both(key: str) -> None:
    expected = "https://internal.example:8080/api/webhook"
    with pytest.raises(SignatureError) as caught:
        make_receiver().verify(signature=token(key=key), body=BODY, url=expected)
    assert caught.value.reason is SignatureFailure.URL_MISMATCH
    assert URL in str(caught.value)
    assert expected in str(caught.value)


def test_url_none_skips_the_url_check() -> None:
    tok = token(claims(sub="https://somewhere.else/"))
    assert make_receiver().verify(signature=tok, body=BODY).subject == "https://somewhere.else/"


def test_url_compare_is_exact() -> None:
    reason = reason_of(lambda: make_receiver().verify(signature=token(), body=BODY, url=URL + "/"))
    assert reason is SignatureFailure.URL_MISMATCH


# --- time -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "tolerance", "expected"),
    [
        ({}, 0, None),
        ({"exp": NOW - 1}, 0, SignatureFailure.EXPIRED),
        ({"exp": NOW}, 0, SignatureFailure.EXPIRED),
        ({"exp": NOW + 1}, 0, None),
        ({"exp": NOW - 5}, 10, None),
        ({"exp": NOW - 5}, 7.5, None),
        ({"exp": NOW - 5}, timedelta(seconds=10), None),
        ({"exp": NOW - 5}, 3, SignatureFailure.EXPIRED),
        ({"exp": NOW - 5}, timedelta(seconds=3), SignatureFailure.EXPIRED),
        ({"nbf": NOW + 10}, 0, SignatureFailure.NOT_YET_VALID),
        ({"nbf": NOW + 10}, 30, None),
        ({"nbf": NOW}, 0, None),
        ({"nbf": NOW + 0.5}, 0, SignatureFailure.NOT_YET_VALID),
        ({"iat": NOW + 10}, 0, SignatureFailure.NOT_YET_VALID),
        ({"iat": NOW + 10}, timedelta(minutes=1), None),
        ({"iat": DROP}, 0, None),
        ({"exp": float(NOW + 60), "iat": float(NOW)}, 0, None),
    ],
)
def test_time_claims(
    overrides: dict[str, Any], tolerance: float | timedelta, expected: SignatureFailure | None
) -> None:
    receiver = make_receiver()
    tok = token(claims(**overrides))

    def call() -> SignatureClaims:
        return receiver.verify(signature=tok, body=BODY, url=URL, clock_tolerance=tolerance)

    if expected is None:
        assert call().subject == URL
    else:
        assert reason_of(call) is expected


def test_clock_is_read_per_call() -> None:
    clock = [float(NOW)]
    receiver = Receiver(CURRENT, clock=lambda: clock[0])
    tok = token()
    receiver.verify(signature=tok, body=BODY)
    clock[0] = NOW + 300
    assert reason_of(lambda: receiver.verify(signature=tok, body=BODY)) is (
        SignatureFailure.EXPIRED
    )


def test_default_clock_is_wall_time() -> None:
    receiver = Receiver(CURRENT)
    assert reason_of(lambda: receiver.verify(signature=token(), body=BODY)) is (
        SignatureFailure.EXPIRED
    )
    fresh = sign(signing_key=CURRENT, url=URL, body=BODY)
    assert receiver.verify(signature=fresh, body=BODY).subject == URL


@pytest.mark.parametrize("tolerance", [-1, float("nan"), float("inf"), None, "5", True])
def test_bad_clock_tolerance_is_an_argument_error(tolerance: Any) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        make_receiver().verify(signature=token(), body=BODY, clock_tolerance=tolerance)
    assert caught.value.argument == "clock_tolerance"


# --- issuer and order of checks -------------------------------------------------------------


def test_wrong_issuer() -> None:
    with pytest.raises(SignatureError) as caught:
        make_receiver().verify(signature=token(claims(iss="Evil")), body=BODY)
    assert caught.value.reason is SignatureFailure.WRONG_ISSUER
    assert "'Evil'" in str(caught.value)


@pytest.mark.parametrize(
    ("tok", "body", "url", "expected"),
    [
        # A forged token learns nothing about its claims.
        (
            token(claims(iss="Evil", exp=1, sub="x"), key=OTHER),
            b"other",
            URL,
            SignatureFailure.INVALID_SIGNATURE,
        ),
        (token(claims(iss="Evil", exp=1)), BODY, URL, SignatureFailure.WRONG_ISSUER),
        (token(claims(exp=1, sub="x")), b"other", URL, SignatureFailure.EXPIRED),
        (token(claims(iat=NOW + 99, sub="x")), b"other", URL, SignatureFailure.NOT_YET_VALID),
        (token(claims(sub="x")), b"other", URL, SignatureFailure.URL_MISMATCH),
        (token(), b"other", URL, SignatureFailure.BODY_MISMATCH),
    ],
    ids=["signature", "issuer", "time", "iat", "url", "body"],
)
def test_checks_run_in_order(tok: str, body: bytes, url: str, expected: SignatureFailure) -> None:
    assert reason_of(lambda: make_receiver().verify(signature=tok, body=body, url=url)) is expected


# --- algorithm and malformed tokens ---------------------------------------------------------


def _unsigned(header: dict[str, Any]) -> str:
    return f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims()).encode())}."


ALGORITHM_CASES = [
    pytest.param(_unsigned({"alg": "none", "typ": "JWT"}), id="none-empty-signature"),
    pytest.param(_unsigned({"alg": "None"}), id="None"),
    pytest.param(token(header={"alg": "HS512", "typ": "JWT"}, digest=hashlib.sha512), id="HS512"),
    pytest.param(token(header={"alg": "HS384"}, digest=hashlib.sha384), id="HS384"),
    pytest.param(token(header={"alg": "RS256", "typ": "JWT"}), id="RS256"),
    pytest.param(token(header={"alg": "hs256"}), id="lowercase"),
    pytest.param(token(header={"typ": "JWT"}), id="missing-alg"),
    pytest.param(token(header={"alg": None}), id="null-alg"),
    pytest.param(token(header={"alg": ["HS256"]}), id="list-alg"),
]


@pytest.mark.parametrize("tok", ALGORITHM_CASES)
def test_unsupported_algorithms(tok: str) -> None:
    reason = reason_of(lambda: make_receiver().verify(signature=tok, body=BODY))
    assert reason is SignatureFailure.UNSUPPORTED_ALGORITHM


def _with_signature_length(tok: str, length: int) -> str:
    head, _, mac = tok.rpartition(".")
    return f"{head}.{(mac * 2)[:length]}"


MALFORMED_CASES = [
    # structure, refused before the HMAC
    pytest.param("abc.def", id="2-parts"),
    pytest.param(token() + ".xyz", id="4-parts"),
    pytest.param("...", id="only-dots"),
    pytest.param("not a jwt", id="1-part"),
    pytest.param(token(header_segment="!!!!"), id="header-bad-base64"),
    pytest.param(token(header_segment=b64url(b'{"alg":"HS256"')), id="header-json"),
    pytest.param(token(header_segment=b64url(b"[1, 2]")), id="header-list"),
    pytest.param(token(header_segment=b64url(b"\xff\xfe")), id="header-not-utf8"),
    pytest.param(token(header_segment="eyJhbGciOiJIUzI1NiJ9="), id="header-padded"),
    pytest.param(token(header_segment="eyJhbGciOiJIUzI1NiJ9+"), id="header-std-alphabet"),
    pytest.param(token(header_segment=""), id="header-empty"),
    pytest.param(" " + token(), id="leading-space"),
    pytest.param(token(header={"alg": "HS256", "crit": ["b64"], "b64": False}), id="crit"),
    pytest.param(token(header={"alg": "HS256", "typ": "JWS"}), id="typ"),
    pytest.param(token(header_segment=b64url(b"[" * 5000 + b"]" * 5000)), id="header-deep"),
    pytest.param(_with_signature_length(token(), 42), id="signature-short"),
    pytest.param(token() + "=", id="signature-padded"),
    pytest.param(token() + "\n", id="trailing-newline"),
    pytest.param(token(claims(sub="https://x/" + "a" * 20_000)), id="too-long"),
    pytest.param(token().replace("e", "é", 1), id="not-ascii"),
    # content, found only once the HMAC matches
    pytest.param(token(payload_segment="%%%%"), id="payload-bad-base64"),
    pytest.param(token(payload_segment=b64url(b"{not json")), id="payload-not-json"),
    pytest.param(token(payload_segment=b64url(b'{"a":1} x')), id="payload-trailing"),
    pytest.param(token([1, 2, 3]), id="payload-list"),
    pytest.param(token("just a string"), id="payload-string"),
    pytest.param(token(payload_segment=b64url(b'{"iss":"\xff"}')), id="payload-not-utf8"),
    pytest.param(token(payload_segment=b64url(b"[" * 5000 + b"]" * 5000)), id="payload-deep"),
    pytest.param(token(claims(exp="1700000300")), id="exp-string"),
    pytest.param(token(claims(exp=True)), id="exp-bool"),
    pytest.param(token(claims(exp=None)), id="exp-null"),
    pytest.param(token(claims(exp=DROP)), id="exp-missing"),
    pytest.param(
        token(payload_segment=b64url(json.dumps(claims()).replace("1700000300", "NaN").encode())),
        id="exp-nan",
    ),
    pytest.param(
        token(payload_segment=b64url(json.dumps(claims()).replace("1700000300", "1e400").encode())),
        id="exp-overflow",
    ),
    pytest.param(
        token(
            payload_segment=b64url(json.dumps(claims()).replace("1700000300", "9" * 5000).encode())
        ),
        id="exp-huge-int",
    ),
    pytest.param(token(claims(nbf=DROP)), id="nbf-missing"),
    pytest.param(token(claims(nbf="0")), id="nbf-string"),
    pytest.param(token(claims(iat="now")), id="iat-string"),
    pytest.param(token(claims(sub=DROP)), id="sub-missing"),
    pytest.param(token(claims(sub=["https://x"])), id="sub-list"),
    pytest.param(token(claims(body=DROP)), id="body-missing"),
    pytest.param(token(claims(body=123)), id="body-number"),
    pytest.param(token(claims(iss=DROP)), id="iss-missing"),
    pytest.param(token(claims(iss=None)), id="iss-null"),
]


@pytest.mark.parametrize("tok", MALFORMED_CASES)
def test_malformed_tokens(tok: str) -> None:
    reason = reason_of(lambda: make_receiver().verify(signature=tok, body=BODY, url=URL))
    assert reason is SignatureFailure.MALFORMED


def test_forged_token_with_bad_claims_is_invalid_signature_not_malformed() -> None:
    tok = token(claims(exp="soon", body=DROP), key=OTHER)
    reason = reason_of(lambda: make_receiver().verify(signature=tok, body=BODY))
    assert reason is SignatureFailure.INVALID_SIGNATURE


def test_body_claim_not_ascii_is_a_mismatch_not_a_crash() -> None:
    tok = token(claims(body="ÿ" * 43))
    assert reason_of(lambda: make_receiver().verify(signature=tok, body=BODY)) is (
        SignatureFailure.BODY_MISMATCH
    )


@pytest.mark.parametrize("signature", ["", None, b""], ids=["empty", "none", "empty-bytes"])
def test_missing_signature(signature: Any) -> None:
    assert reason_of(lambda: make_receiver().verify(signature=signature, body=BODY)) is (
        SignatureFailure.MISSING_SIGNATURE
    )


def test_nothing_but_signature_error_escapes_for_junk_tokens() -> None:
    rng = random.Random(1234)
    alphabet = "abcXYZ019-_=+/.. \t\x00é{}[]\"':,eyJ"
    good = token()
    candidates: list[str] = []
    for _ in range(400):
        candidates.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120))))
        # Mutate a real token: flip, drop or insert one character.
        chars = list(good)
        position = rng.randrange(len(chars))
        action = rng.randrange(3)
        if action == 0:
            chars[position] = rng.choice(alphabet)
        elif action == 1:
            del chars[position]
        else:
            chars.insert(position, rng.choice(alphabet))
        candidates.append("".join(chars))
    receiver = make_receiver()
    bodies: list[bytes | str] = [BODY, b"", "\ud800", "x" * 10, bytes(range(256))]
    errors: list[SignatureError] = []
    for index, candidate in enumerate(candidates):
        body = bodies[index % len(bodies)]
        try:
            receiver.verify(signature=candidate, body=body, url=URL)
        except SignatureError as error:
            errors.append(error)
        else:
            assert candidate == good  # only the untouched token can pass
    assert len(errors) > len(candidates) * 0.9
    for failure in errors:
        assert isinstance(failure.reason, SignatureFailure)
        assert_no_key(str(failure) + repr(failure))


@pytest.mark.parametrize("body", [None, {"hello": "world"}, 12, ["a"]])
def test_body_of_the_wrong_type_is_an_argument_error(body: Any) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        make_receiver().verify(signature=token(), body=body)
    assert caught.value.argument == "body"
    assert "raw" in str(caught.value)


def test_url_of_the_wrong_type_is_an_argument_error() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        make_receiver().verify(signature=token(), body=BODY, url=123)  # type: ignore[arg-type]
    assert caught.value.argument == "url"


def test_signature_of_the_wrong_type_is_an_argument_error() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        make_receiver().verify(signature=["x"], body=BODY)  # type: ignore[arg-type]
    assert caught.value.argument == "signature"


def test_checked_headers_cache_stays_bounded() -> None:
    receiver = make_receiver()
    for index in range(40):
        tok = token(header={"alg": "HS256", "kid": f"k{index}"})
        receiver.verify(signature=tok, body=BODY)
    assert len(receiver_module._GOOD_HEADERS) <= receiver_module._GOOD_HEADERS_MAX


# --- construction, environment, regions -----------------------------------------------------


def test_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSTASH_CURRENT_SIGNING_KEY", CURRENT)
    monkeypatch.setenv("QSTASH_NEXT_SIGNING_KEY", NEXT)
    receiver = Receiver(clock=lambda: NOW)
    # Read once, at construction.
    monkeypatch.setenv("QSTASH_CURRENT_SIGNING_KEY", OTHER)
    for key in KEYS:
        assert receiver.verify(signature=token(key=key), body=BODY).subject == URL
    assert repr(receiver) == "Receiver(keys=2)"


def test_explicit_keys_ignore_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSTASH_NEXT_SIGNING_KEY", OTHER)
    receiver = Receiver(current_signing_key=CURRENT, clock=lambda: NOW)
    assert repr(receiver) == "Receiver(keys=1)"
    assert reason_of(lambda: receiver.verify(signature=token(key=OTHER), body=BODY)) is (
        SignatureFailure.INVALID_SIGNATURE
    )


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), ((None, None), {}), (("", ""), {}), ((), {"next_signing_key": ""})],
    ids=["nothing", "nones", "empty", "empty-kw"],
)
def test_missing_keys_is_an_argument_error(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        Receiver(*args, **kwargs)
    message = str(caught.value)
    assert "QSTASH_CURRENT_SIGNING_KEY" in message
    assert "QSTASH_NEXT_SIGNING_KEY" in message


def test_empty_environment_keys_count_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSTASH_CURRENT_SIGNING_KEY", "")
    with pytest.raises(InvalidArgumentError):
        Receiver()


def test_non_string_key_is_an_argument_error() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        Receiver(CURRENT.encode())  # type: ignore[arg-type]
    assert caught.value.argument == "current_signing_key"
    assert_no_key(str(caught.value))


def test_positional_and_keyword_construction_match_the_official_sdk() -> None:
    by_keyword = Receiver(current_signing_key=CURRENT, next_signing_key=NEXT, clock=lambda: NOW)
    by_position = Receiver(CURRENT, NEXT, clock=lambda: NOW)
    for receiver in (by_keyword, by_position):
        assert receiver.verify(signature=token(key=NEXT), body=BODY).subject == URL


@pytest.mark.parametrize("header", ["us-east-1", "US-EAST-1", "us_east_1", "US_EAST_1"])
def test_region_keys(monkeypatch: pytest.MonkeyPatch, header: str) -> None:
    monkeypatch.setenv("QSTASH_REGION", "EU_CENTRAL_1")
    monkeypatch.setenv("QSTASH_CURRENT_SIGNING_KEY", CURRENT)
    monkeypatch.setenv("US_EAST_1_QSTASH_CURRENT_SIGNING_KEY", OTHER)
    receiver = Receiver(clock=lambda: NOW)
    assert "US_EAST_1" in repr(receiver)
    us = token(key=OTHER)
    assert receiver.verify(signature=us, body=BODY, upstash_region=header).subject == URL
    # Default keys for no region or an unknown one; region keys only for their region.
    assert receiver.verify(signature=token(), body=BODY, upstash_region="ap-south-9").subject
    assert receiver.verify(signature=token(), body=BODY).subject == URL
    for region in (None, "eu-central-1", "nowhere"):
        assert reason_of(
            lambda region=region: receiver.verify(signature=us, body=BODY, upstash_region=region)
        ) is (SignatureFailure.INVALID_SIGNATURE)


def test_region_keys_need_qstash_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSTASH_CURRENT_SIGNING_KEY", CURRENT)
    monkeypatch.setenv("US_EAST_1_QSTASH_CURRENT_SIGNING_KEY", OTHER)
    receiver = Receiver(clock=lambda: NOW)
    assert reason_of(
        lambda: receiver.verify(signature=token(key=OTHER), body=BODY, upstash_region="us-east-1")
    ) is (SignatureFailure.INVALID_SIGNATURE)


def test_region_keys_alone_are_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSTASH_REGION", "US_EAST_1")
    monkeypatch.setenv("US_EAST_1_QSTASH_NEXT_SIGNING_KEY", NEXT)
    receiver = Receiver(clock=lambda: NOW)
    tok = token(key=NEXT)
    assert receiver.verify(signature=tok, body=BODY, upstash_region="US-EAST-1").subject == URL
    with pytest.raises(SignatureError) as caught:
        receiver.verify(signature=tok, body=BODY, upstash_region="EU-CENTRAL-1")
    assert caught.value.reason is SignatureFailure.INVALID_SIGNATURE
    assert "region" in str(caught.value)


# --- secrets stay secret --------------------------------------------------------------------


def test_receiver_repr_and_str_hide_the_keys() -> None:
    receiver = Receiver(CURRENT, NEXT)
    assert repr(receiver) == "Receiver(keys=2)"
    assert_no_key(repr(receiver) + str(receiver) + format(receiver))
    with pytest.raises(TypeError):
        vars(receiver)  # slots: no __dict__ to dump
    assert not hasattr(receiver, "__dict__")
    dumped = " ".join(repr(getattr(receiver, name)) for name in Receiver.__slots__)
    assert_no_key(dumped)


def test_no_signature_error_mentions_a_key() -> None:
    receiver = make_receiver()
    calls: list[dict[str, Any]] = [
        {"signature": token(key=OTHER), "body": BODY},
        {"signature": token(), "body": b"x"},
        {"signature": token(), "body": BODY, "url": "https://other"},
        {"signature": token(claims(exp=1)), "body": BODY},
        {"signature": token(claims(nbf=NOW * 2)), "body": BODY},
        {"signature": token(claims(iss="x")), "body": BODY},
        {"signature": token(claims(body=DROP)), "body": BODY},
        {"signature": "a.b", "body": BODY},
        {"signature": "", "body": BODY},
        {"signature": _unsigned({"alg": "none"}), "body": BODY},
    ]
    seen: set[SignatureFailure] = set()
    for kwargs in calls:
        with pytest.raises(SignatureError) as caught:
            receiver.verify(**kwargs)
        seen.add(caught.value.reason)
        assert_no_key(str(caught.value) + repr(caught.value) + str(caught.value.args))
    assert seen == set(SignatureFailure)


# --- SignatureClaims ------------------------------------------------------------------------


def test_claims_are_frozen_and_raw_is_read_only() -> None:
    result = make_receiver().verify(signature=token(), body=BODY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.subject = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.raw["sub"] = "x"  # type: ignore[index]
    assert "raw" not in repr(result)
    assert hash(result) == hash(dataclasses.replace(result, raw={}))


# --- sign() ---------------------------------------------------------------------------------


def _decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def test_sign_makes_a_qstash_shaped_token() -> None:
    tok = sign(signing_key=CURRENT, url=URL, body=BODY, now=NOW)
    header_segment, payload_segment, mac_segment = tok.split(".")
    assert "=" not in tok
    assert _decode(header_segment) == b'{"alg":"HS256","typ":"JWT"}'
    payload = _decode(payload_segment)
    assert b" " not in payload  # compact JSON
    decoded = json.loads(payload)
    assert list(decoded) == ["iss", "sub", "exp", "nbf", "iat", "jti", "body"]
    assert "aud" not in decoded
    assert decoded["iss"] == "Upstash"
    assert decoded["sub"] == URL
    assert decoded["exp"] == NOW + 300
    assert decoded["nbf"] == NOW
    assert decoded["iat"] == NOW
    assert re.fullmatch(r"jwt_[A-Za-z0-9]{28}", decoded["jti"])
    assert decoded["body"] == body_hash(BODY)
    assert len(decoded["body"]) == 44
    assert decoded["body"].endswith("=")
    expected_mac = hmac.new(
        CURRENT.encode(), f"{header_segment}.{payload_segment}".encode(), hashlib.sha256
    ).digest()
    assert _decode(mac_segment) == expected_mac


def test_sign_options() -> None:
    tok = sign(
        signing_key=NEXT,
        url=URL,
        body="héllo",
        now=NOW,
        lifetime=timedelta(minutes=1),
        jwt_id="jwt_fixed",
        not_before=0,
    )
    decoded = json.loads(_decode(tok.split(".")[1]))
    assert decoded["exp"] == NOW + 60
    assert isinstance(decoded["exp"], int)
    assert decoded["nbf"] == 0
    assert decoded["jti"] == "jwt_fixed"
    assert decoded["body"] == body_hash("héllo".encode())


def test_sign_ids_are_random() -> None:
    first = sign(signing_key=CURRENT, url=URL, now=NOW)
    second = sign(signing_key=CURRENT, url=URL, now=NOW)
    assert first != second


@pytest.mark.parametrize("body", [BODY, BODY.decode(), b"", b"\x00\xff"])
def test_signed_tokens_verify(body: bytes | str) -> None:
    tok = sign(signing_key=CURRENT, url=URL, body=body, now=NOW - 10)
    result = make_receiver().verify(signature=tok, body=body, url=URL)
    assert result.issued_at == NOW - 10
    assert result.expires_at == NOW + 290


def test_signed_token_expires_after_its_lifetime() -> None:
    tok = sign(signing_key=CURRENT, url=URL, body=BODY, now=NOW - 301)
    assert reason_of(lambda: make_receiver().verify(signature=tok, body=BODY)) is (
        SignatureFailure.EXPIRED
    )


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"signing_key": ""}, "signing_key"),
        ({"signing_key": None}, "signing_key"),
        ({"url": ""}, "url"),
        ({"body": {"a": 1}}, "body"),
        ({"lifetime": -1}, "lifetime"),
        ({"now": "now"}, "now"),
        ({"now": float("nan")}, "now"),
        ({"not_before": -5}, "not_before"),
        ({"jwt_id": 5}, "jwt_id"),
    ],
)
def test_sign_refuses_bad_arguments(kwargs: dict[str, Any], argument: str) -> None:
    arguments: dict[str, Any] = {"signing_key": CURRENT, "url": URL, **kwargs}
    with pytest.raises(InvalidArgumentError) as caught:
        sign(**arguments)
    assert caught.value.argument == argument
    assert_no_key(str(caught.value))


def test_dev_mode_uses_the_dev_server_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from qstash._config import DEV_CURRENT_SIGNING_KEY, DEV_NEXT_SIGNING_KEY

    monkeypatch.setenv("QSTASH_DEV", "true")
    monkeypatch.setenv("QSTASH_CURRENT_SIGNING_KEY", "sig_not_used")
    receiver = Receiver()
    for key in (DEV_CURRENT_SIGNING_KEY, DEV_NEXT_SIGNING_KEY):
        token = sign(signing_key=key, url="http://127.0.0.1:3000/hook", body=b"x")
        assert receiver.verify(signature=token, body=b"x").subject == "http://127.0.0.1:3000/hook"
    explicit = Receiver(current_signing_key="sig_mine")
    token = sign(signing_key=DEV_CURRENT_SIGNING_KEY, url="http://a", body=b"x")
    with pytest.raises(SignatureError):
        explicit.verify(signature=token, body=b"x")
