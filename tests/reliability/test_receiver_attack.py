"""The Receiver under attack: hypothesis throws random, mutated, re-encoded, algorithm-
confused, wrongly keyed, replayed, oversized and binary deliveries at it. None may pass but
the two genuine ones, and the only exception wire input may raise is SignatureError.
"""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qstash.errors import SignatureError, SignatureFailure
from tests.reliability import _attack
from tests.reliability._attack import BODY, CURRENT, GENUINE, RECEIVER, TALLY, URL, Attempt


@pytest.mark.parametrize("name", list(_attack.PROPERTIES))
@settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_forged_delivery_is_accepted(name: str, data: st.DataObject) -> None:
    _attack.check(data.draw(_attack.PROPERTIES[name]))


def test_the_attacks_were_real_and_none_got_through() -> None:
    # The genuine controls pass, so refusals above are not a receiver refusing everything.
    for token in GENUINE:
        _attack.check(Attempt(token, BODY, URL))
        _attack.check(Attempt(token.encode(), BODY.decode(), None))
    assert TALLY["genuine accepted"] >= 4
    assert TALLY["forged accepted"] == 0
    assert TALLY["replayed accepted"] == 0


def _claims_with(name: str, first: object, last: object) -> bytes:
    claims = json.loads(_attack.claims_json())
    claims.pop(name)
    text = json.dumps(claims, separators=(",", ":"))
    pair = f'"{name}":{json.dumps(first)},' + text[1:-1] + f',"{name}":{json.dumps(last)}'
    return ("{" + pair + "}").encode()


@pytest.mark.parametrize("name", ["sub", "body"])
def test_a_claim_written_twice_is_read_as_its_last_value(name: str) -> None:
    # RFC 7519 §4 lets a parser keep the lexically last of duplicate claims, and Python's
    # json does: the value checked is the value returned, whichever order an attacker uses.
    evil = {"sub": URL + "&admin=1", "body": _attack.body_hash(b"evil")}[name]
    good = {"sub": URL, "body": _attack.body_hash(BODY)}[name]
    header = '{"alg":"HS256","typ":"JWT"}'
    evil_last = _attack.jwt(header, _claims_with(name, good, evil), CURRENT)
    with pytest.raises(SignatureError) as info:
        RECEIVER.verify(signature=evil_last, body=BODY, url=URL)
    wanted = SignatureFailure.URL_MISMATCH if name == "sub" else SignatureFailure.BODY_MISMATCH
    assert info.value.reason is wanted

    good_last = _attack.jwt(header, _claims_with(name, evil, good), CURRENT)
    claims = RECEIVER.verify(signature=good_last, body=BODY, url=URL)
    assert (claims.subject if name == "sub" else claims.body_hash) == good
    assert claims.raw[name] == good

    # Without the key, adding a duplicate to a genuine token breaks its MAC.
    head, payload, mac = GENUINE[0].split(".")
    text = base64.urlsafe_b64decode(payload + "==").decode()
    forged = head + "." + _attack.b64url((text[:-1] + f',"{name}":"x"}}').encode()) + "." + mac
    with pytest.raises(SignatureError) as info:
        RECEIVER.verify(signature=forged, body=BODY, url=URL)
    assert info.value.reason is SignatureFailure.INVALID_SIGNATURE


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ('{"alg":"none"}', SignatureFailure.UNSUPPORTED_ALGORITHM),
        ('{"alg":"HS512","typ":"JWT"}', SignatureFailure.UNSUPPORTED_ALGORITHM),
        ('{"alg":"RS256","typ":"JWT"}', SignatureFailure.UNSUPPORTED_ALGORITHM),
        ('{"alg":"HS256","alg":"none"}', SignatureFailure.UNSUPPORTED_ALGORITHM),
        ('{"alg":"HS256","crit":["exp"]}', SignatureFailure.MALFORMED),
    ],
)
def test_the_header_is_judged_before_the_mac(header: str, reason: SignatureFailure) -> None:
    # Even MACed with the real key, a token that does not say HS256 plainly is refused.
    digest = {"HS512": "sha512"}.get(json.loads(header).get("alg"), "sha256")
    token = _attack.jwt(header, _attack.claims_json(), CURRENT, digest=digest)
    with pytest.raises(SignatureError) as info:
        RECEIVER.verify(signature=token, body=BODY, url=URL)
    assert info.value.reason is reason


class _HeaderText(str):
    """A str subclass, as some frameworks hand header values over."""


def test_a_str_subclass_header_value_is_verified() -> None:
    claims = RECEIVER.verify(signature=_HeaderText(GENUINE[0]), body=BODY, url=URL)
    assert claims.subject == URL
    with pytest.raises(SignatureError):
        RECEIVER.verify(signature=_HeaderText(GENUINE[0][:-1]), body=BODY, url=URL)
