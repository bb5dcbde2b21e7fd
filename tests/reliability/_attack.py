"""Hostile deliveries for the Receiver: forged, mutated and replayed tokens, as hypothesis
strategies, and the one check every attempt goes through.

The receiver under attack holds two keys (current and next) and a fixed clock. The genuine
deliveries are exactly two tokens (:data:`GENUINE`, signed with either key) for
:data:`URL` and :data:`BODY`; every other ``(signature, body, url)`` the strategies produce
must be refused with a :class:`~qstash.errors.SignatureError` and nothing else.

Each attempt is tallied in :data:`TALLY`: ``forged`` attempts carry no valid HS256 MAC of a
configured key (the attacker has no key); ``replayed`` ones carry a genuine MAC in the wrong
context (another URL or body, expired, bad claims); ``genuine`` ones must be accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st

from qstash.errors import SignatureError
from qstash.receiver import Receiver, sign

__all__ = [
    "BODY",
    "GENUINE",
    "PROPERTIES",
    "TALLY",
    "URL",
    "Attempt",
    "check",
    "jwt",
]

CURRENT = "sig_ATTACKcurrent4Rk9Zq2Lw8Xv"
NEXT = "sig_ATTACKnext7Tp3Hs6Jd1Mb5Nc"
# Keys an attacker may hold: other dev users' public keys, and near misses of ours.
OTHER_KEYS = (
    "sig_7GVPjvuwsfqF65iC8fSrs1dfYruM",
    "sig_5NoELc3EFnZn4DVS5bDs2Nk4b7Ua",
    CURRENT.removeprefix("sig_"),
    CURRENT.upper(),
    CURRENT + "\n",
    CURRENT[:-1],
    CURRENT + NEXT,
    "",
)
NOW = 1_700_000_000
URL = "https://example.com/api/webhook?tenant=7"
BODY = b'{"order":42,"note":"caf\xc3\xa9"}'

RECEIVER = Receiver(CURRENT, NEXT, clock=lambda: NOW)
GENUINE = tuple(
    sign(signing_key=key, url=URL, body=BODY, now=NOW, jwt_id="jwt_genuine", not_before=0)
    for key in (CURRENT, NEXT)
)
# Genuine tokens for another URL and another body: material for splicing and replays.
ELSEWHERE = sign(signing_key=CURRENT, url=URL + "&admin=1", body=BODY, now=NOW)
OTHER_BODY = sign(signing_key=CURRENT, url=URL, body=b'{"order":43}', now=NOW)

TALLY: Counter[str] = Counter()
"""``<kind> tried`` / ``<kind> accepted`` for kind in forged, replayed, genuine."""

_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@dataclass(frozen=True, slots=True)
class Attempt:
    """One delivery as the receiver sees it, and whether its MAC came from a configured key."""

    signature: str | bytes | None
    body: bytes | str
    url: str | None
    region: str | None = None
    keyed: bool = False
    """The token carries a genuine HS256 MAC of a configured key (a replay, not a forgery)."""
    how: str = ""


def b64url(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def body_hash(body: bytes) -> str:
    """QStash's ``body`` claim: padded base64url SHA-256."""
    return base64.urlsafe_b64encode(hashlib.sha256(body).digest()).decode()


def claims_json(**overrides: object) -> bytes:
    """QStash-shaped claims for URL and BODY at NOW; ``None`` overrides drop a claim."""
    claims: dict[str, object] = {
        "iss": "Upstash",
        "sub": URL,
        "exp": NOW + 300,
        "nbf": 0,
        "iat": NOW,
        "jti": "jwt_attack",
        "body": body_hash(BODY),
    }
    for name, value in overrides.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return json.dumps(claims, separators=(",", ":")).encode()


def jwt(
    header: bytes | str,
    payload: bytes,
    key: str | None,
    *,
    digest: Callable[[], object] | str = "sha256",
    signature: str | None = None,
) -> str:
    """A compact JWT from raw JSON texts (so duplicate keys can be written), MACed with
    ``key`` under ``digest``, or carrying ``signature`` as is."""
    head = header.encode() if isinstance(header, str) else header
    signing_input = b64url(head) + "." + b64url(payload)
    if signature is None:
        mac = hmac.new((key or "").encode(), signing_input.encode(), digest)  # type: ignore[arg-type]
        signature = b64url(mac.digest())
    return signing_input + "." + signature


def _as_bytes(body: bytes | str) -> bytes:
    if isinstance(body, bytes):
        return body
    try:
        return body.encode()
    except UnicodeEncodeError:
        try:
            return body.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return body.encode("utf-8", "surrogatepass")


def _text(signature: str | bytes | None) -> str | None:
    return signature.decode("latin-1") if isinstance(signature, bytes) else signature


def is_genuine(attempt: Attempt) -> bool:
    """Whether this exact delivery is one QStash made for URL and BODY."""
    return (
        _text(attempt.signature) in GENUINE
        and _as_bytes(attempt.body) == BODY
        and attempt.url in (URL, None)
    )


def check(attempt: Attempt) -> None:
    """Verify ``attempt``; fail unless genuine ones pass and every other one raises
    :class:`SignatureError` (and nothing else)."""
    genuine = is_genuine(attempt)
    kind = "genuine" if genuine else "replayed" if attempt.keyed else "forged"
    TALLY[f"{kind} tried"] += 1
    try:
        RECEIVER.verify(
            signature=attempt.signature,
            body=attempt.body,
            url=attempt.url,
            upstash_region=attempt.region,
        )
    except SignatureError:
        accepted = False
    except Exception as exc:
        raise AssertionError(f"{type(exc).__name__} ({exc}) for wire input {attempt!r}") from exc
    else:
        accepted = True
    if accepted:
        TALLY[f"{kind} accepted"] += 1
    assert accepted == genuine, f"{'accepted' if accepted else 'refused'} {kind}: {attempt!r}"


# ------------------------------------------------------------------------------ strategies

_segment = st.text(alphabet=_B64URL, max_size=120)


@st.composite
def random_tokens(draw: st.DrawFn) -> Attempt:
    """Anything at all in the header: text, bytes, JWT-shaped junk, nothing."""
    signature = draw(
        st.one_of(
            st.none(),
            st.text(max_size=400),
            st.binary(max_size=400),
            st.tuples(_segment, _segment, _segment).map(".".join),
            st.tuples(_segment, _segment, st.text(alphabet=_B64URL, min_size=43, max_size=43)).map(
                ".".join
            ),
        )
    )
    return Attempt(signature, BODY, URL, how="random")


def _mutations(token: str, draw: st.DrawFn) -> tuple[str, str]:
    head, payload, mac = token.split(".")
    segments = [head, payload, mac]
    index = draw(st.integers(0, len(token)))
    char = draw(st.characters(codec="ascii") | st.sampled_from(list("=+/-_. \t\n\x00é")))
    op = draw(
        st.sampled_from(
            [
                "truncate",
                "delete",
                "insert",
                "replace",
                "swapcase",
                "pad",
                "standard-base64",
                "whitespace",
                "drop-segment",
                "repeat-segment",
                "reorder",
                "splice",
                "duplicate-claim",
                "reencode-payload",
                "percent-encode",
            ]
        )
    )
    if op == "truncate":
        return op, token[:index]
    if op == "delete":
        return op, token[:index] + token[index + 1 :]
    if op == "insert":
        return op, token[:index] + char + token[index:]
    if op == "replace":
        return op, token[:index] + char + token[index + 1 :]
    if op == "swapcase":
        return op, token[:index] + token[index : index + 1].swapcase() + token[index + 1 :]
    which = draw(st.integers(0, 2))
    if op == "pad":
        segments[which] += "=" * draw(st.integers(1, 3))
    elif op == "standard-base64":
        segments[which] = segments[which].translate(str.maketrans("-_", "+/"))
        if draw(st.booleans()):
            segments[which] += "=" * (-len(segments[which]) % 4)
    elif op == "whitespace":
        return op, draw(st.sampled_from([" ", "\t", "\n", "\r\n"])).join(
            [token[:index], token[index:]]
        )
    elif op == "drop-segment":
        del segments[which]
    elif op == "repeat-segment":
        segments.insert(which, segments[which])
    elif op == "reorder":
        segments = draw(st.permutations(segments))
    elif op == "splice":
        # The MAC of a genuine token, on the header and claims of another genuine token.
        other = draw(st.sampled_from([ELSEWHERE, OTHER_BODY])).split(".")
        segments[which] = other[which]
    elif op == "duplicate-claim":
        # Append a second "sub"/"body" after the genuine one, or put one before it.
        name = draw(st.sampled_from(["sub", "body", "iss", "exp"]))
        evil = {"sub": URL + "&admin=1", "body": body_hash(b"evil"), "iss": "Upstash", "exp": 2e9}
        text = base64.urlsafe_b64decode(payload + "==").decode()
        pair = f'"{name}":{json.dumps(evil[name])}'
        text = "{" + pair + "," + text[1:] if draw(st.booleans()) else text[:-1] + "," + pair + "}"
        segments[1] = b64url(text.encode())
    elif op == "reencode-payload":
        # Same claims, other JSON spelling (spaces, key order): a different signing input.
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        segments[1] = b64url(json.dumps(claims, sort_keys=draw(st.booleans())).encode())
    else:  # percent-encode
        segments[which] = "".join(f"%{ord(c):02X}" if c in "-_" else c for c in segments[which])
    return op, ".".join(segments)


@st.composite
def mutated_tokens(draw: st.DrawFn) -> Attempt:
    """A genuine token changed in one place: truncated, padded, re-encoded, spliced..."""
    token = draw(st.sampled_from(GENUINE))
    how, mutated = _mutations(token, draw)
    signature: str | bytes = mutated
    if draw(st.booleans()):
        signature = mutated.encode("utf-8", "surrogatepass")
    # A mutation that changes nothing leaves a genuine delivery (check() expects it to pass).
    return Attempt(signature, BODY, URL, how=how)


_ALGORITHMS = ["none", "None", "NONE", "nOnE", "", "HS384", "HS512", "RS256", "ES256", "PS256"]
_ALGORITHMS += ["hs256", "HS256 ", " HS256", "HS2560", "HS25"]


@st.composite
def algorithm_confusion(draw: st.DrawFn) -> Attempt:
    """Headers naming another algorithm, MACed with the real key under that algorithm or
    under HS256 (the RS256-as-HMAC trick), or unsigned; plus headers that lie in other ways."""
    alg = draw(st.sampled_from(_ALGORITHMS))
    extra = draw(
        st.sampled_from(
            [
                "",
                ',"typ":"JWT"',
                ',"typ":"JWS"',
                ',"crit":["b64"],"b64":false',
                ',"kid":"../../dev/null"',
                ',"jku":"https://attacker.example/keys"',
            ]
        )
    )
    header = draw(
        st.sampled_from(
            [
                f'{{"alg":{json.dumps(alg)}{extra}}}',
                f'{{"alg":"HS256","alg":{json.dumps(alg)}{extra}}}',  # the last one counts
                f'{{"typ":"JWT"{extra}}}',  # no alg at all
                f'{{"alg":null{extra}}}',
                f'{{"alg":["HS256"]{extra}}}',
            ]
        )
    )
    payload = claims_json()
    how = draw(st.sampled_from(["unsigned", "empty", "hs256-real-key", "own-alg-real-key"]))
    if how == "unsigned":
        token = jwt(header, payload, None, signature=draw(_segment))
    elif how == "empty":
        token = jwt(header, payload, None, signature="")
    elif how == "hs256-real-key":
        token = jwt(header, payload, CURRENT)
    else:
        digest = {"HS384": "sha384", "HS512": "sha512"}.get(alg.strip().upper(), "sha256")
        token = jwt(header, payload, CURRENT, digest=digest)
    # Only an HS256 header MACed with HS256 and a real key carries a genuine MAC; with a
    # crit header it is still refused, which check() expects (it is not in GENUINE).
    keyed = how in ("hs256-real-key", "own-alg-real-key") and '"alg":"HS256"}' in header
    return Attempt(token, BODY, URL, keyed=keyed, how=f"{how} {header}")


@st.composite
def wrong_keys(draw: st.DrawFn) -> Attempt:
    """Genuine-looking tokens MACed with a key the receiver does not hold."""
    key = draw(
        st.sampled_from(OTHER_KEYS)
        | st.text(max_size=40).filter(lambda k: k not in (CURRENT, NEXT))
    )
    token = jwt('{"alg":"HS256","typ":"JWT"}', claims_json(), key)
    return Attempt(token, BODY, URL, how=f"key {key!r}")


def _url_variants() -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            URL + "/",
            URL.replace("https://", "http://"),
            URL.replace("example.com", "EXAMPLE.com"),
            URL.replace("example.com", "example.com:443"),
            URL.replace("?tenant=7", "?tenant=7#x"),
            URL.replace("?tenant=7", "?tenant=07"),
            URL.replace("webhook", "web%68ook"),
            URL.replace("?tenant=7", ""),
            " " + URL,
            URL + "\n",
            URL.upper(),
            "",
        ]
    ) | st.text(max_size=200)


@st.composite
def replays(draw: st.DrawFn) -> Attempt:
    """Genuine MACs in the wrong place: another body or URL, or claims QStash would never
    sign (expired, not yet valid, another issuer, missing or mistyped claims)."""
    case = draw(st.sampled_from(["body", "url", "claims", "duplicate"]))
    key = draw(st.sampled_from([CURRENT, NEXT]))
    if case == "body":
        near: list[bytes | str] = [BODY + b" ", BODY.replace(b",", b", "), BODY.decode("latin-1")]
        body = draw(st.binary(max_size=300) | st.text(max_size=300) | st.sampled_from(near))
        return Attempt(draw(st.sampled_from(GENUINE)), body, URL, keyed=True, how="body")
    if case == "url":
        url = draw(_url_variants())
        return Attempt(draw(st.sampled_from(GENUINE)), BODY, url, keyed=True, how="url")
    if case == "duplicate":
        # Signed by a key holder with a claim written twice: the last one is the one checked
        # (RFC 7519 §4), so a wrong last value is refused whatever the first one says.
        name = draw(st.sampled_from(["sub", "body", "iss", "exp", "nbf"]))
        wrong = {
            "sub": URL + "&admin=1",
            "body": body_hash(b"evil"),
            "iss": "Attacker",
            "exp": NOW - 1,
            "nbf": NOW + 600,
        }[name]
        good = claims_json().decode()
        text = good[:-1] + f',"{name}":{json.dumps(wrong)}}}'
        token = jwt('{"alg":"HS256","typ":"JWT"}', text.encode(), key)
        return Attempt(token, BODY, URL, keyed=True, how=f"duplicate {name}")
    variants: list[dict[str, object]] = [
        {"exp": NOW},
        {"exp": NOW - 1},
        {"exp": -1},
        {"nbf": NOW + 1},
        {"iat": NOW + 1},
        {"iss": "upstash"},
        {"iss": "Upstash "},
        {"iss": ""},
        {"iss": None},
        {"sub": None},
        {"body": None},
        {"exp": None},
        {"nbf": None},
        {"exp": "9999999999"},
        {"exp": True},
        {"exp": float("inf")},
        {"exp": 10**30},
        {"sub": [URL]},
        {"body": body_hash(BODY).encode().hex()},
        {"body": body_hash(b"")},
        {"sub": URL + "/"},
    ]
    overrides = draw(st.sampled_from(variants))
    if "exp" in overrides and overrides["exp"] == float("inf"):
        payload = claims_json().replace(b'"exp":' + str(NOW + 300).encode(), b'"exp":1e999')
    else:
        payload = claims_json(**overrides)
    token = jwt('{"alg":"HS256","typ":"JWT"}', payload, key)
    return Attempt(token, BODY, URL, keyed=True, how=f"claims {overrides}")


@st.composite
def huge_and_binary(draw: st.DrawFn) -> Attempt:
    """Oversized headers, non-ASCII and non-UTF-8 bytes, NULs, odd regions."""
    genuine = draw(st.sampled_from(GENUINE))
    oversized: list[str | bytes] = [
        "A" * (16 * 1024 + 1),
        ".".join(["A" * 6000] * 3),
        "." * 20_000,
        genuine + "." * 5000,
        genuine + "\x00",
        genuine.encode() + b"\xff",
        b"\xff\xfe" + genuine.encode(),
        genuine.replace(".", "\u2024"),
        "x" * 1_000_000,
    ]
    signature = draw(
        st.sampled_from(oversized)
        | st.binary(min_size=1, max_size=2000).map(lambda extra: genuine.encode() + extra)
    )
    body = draw(st.sampled_from([BODY]) | st.binary(max_size=64))
    region = draw(st.none() | st.text(max_size=40))
    return Attempt(signature, body, URL, region=region, how="huge/binary")


PROPERTIES: dict[str, st.SearchStrategy[Attempt]] = {
    "random tokens": random_tokens(),
    "mutated genuine tokens": mutated_tokens(),
    "algorithm confusion": algorithm_confusion(),
    "wrong keys": wrong_keys(),
    "replays and bad claims": replays(),
    "huge and binary input": huge_and_binary(),
}
"""Each a strategy of hostile (or, by chance, genuine) deliveries for :func:`check`."""
