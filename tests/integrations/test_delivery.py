"""The framework-free core (qstash.delivery): URL policy, delivery fields, answers, callbacks."""

from __future__ import annotations

import base64
import importlib
import json
import logging
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest

from qstash.delivery import (
    CallbackBody,
    DeliveryVerifier,
    FailureCallbackBody,
    Reply,
    non_retryable,
    parse_callback,
    parse_failure_callback,
    rejection,
    rejection_status,
    retry_after,
)
from qstash.errors import InvalidArgumentError, SignatureError, SignatureFailure
from tests.integrations import BODY, CURRENT, NEXT, NOW, receiver, signed

URL = "https://api.example.com/hook?x=1"

# ------------------------------------------------------------------ imports


def test_importing_the_core_imports_no_web_framework() -> None:
    code = (
        "import sys, qstash, qstash.delivery, qstash.integrations\n"
        "names = ('fastapi', 'starlette', 'flask', 'werkzeug', 'django', 'asgiref')\n"
        "print([n for n in names if n in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("module", "framework", "extra"),
    [
        ("qstash.integrations.starlette", "starlette", "qstash[fastapi]"),
        ("qstash.integrations.fastapi", "fastapi", "qstash[fastapi]"),
        ("qstash.integrations.flask", "flask", "qstash[flask]"),
        ("qstash.integrations.django", "django", "qstash[django]"),
    ],
)
def test_a_missing_framework_names_the_extra(
    module: str, framework: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # None in sys.modules makes `import framework` fail; monkeypatch restores everything.
    for name in [n for n in sys.modules if n == framework or n.startswith(framework + ".")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, framework, None)
    monkeypatch.delitem(sys.modules, module, raising=False)
    with pytest.raises(ImportError, match=extra.replace("[", r"\[").replace("]", r"\]")):
        importlib.import_module(module)


# ------------------------------------------------------------------ URL policy

REQUEST_URL = "http://10.0.0.5:8000/hook?x=1&y=%20"


@pytest.mark.parametrize(
    ("options", "headers", "expected"),
    [
        ({}, {}, REQUEST_URL),
        ({"check_url": False}, {}, None),
        ({"public_url": "https://api.example.com"}, {}, "https://api.example.com/hook?x=1&y=%20"),
        (
            {"public_url": "https://example.com/api/"},
            {},
            "https://example.com/api/hook?x=1&y=%20",
        ),
        ({"public_url": lambda request: f"https://{request}/"}, {}, "https://req/"),
        ({"trust_forwarded_headers": True}, {}, REQUEST_URL),
        (
            {"trust_forwarded_headers": True},
            {
                "x-forwarded-proto": "https,http",
                "x-forwarded-host": " pub.example.com , 10.0.0.5:8000",
                "x-forwarded-prefix": "api/",
            },
            "https://pub.example.com/api/hook?x=1&y=%20",
        ),
        (
            {"trust_forwarded_headers": True},
            {"x-forwarded-proto": "https"},
            "https://10.0.0.5:8000/hook?x=1&y=%20",
        ),
    ],
)
def test_expected_url(
    options: dict[str, Any], headers: dict[str, str], expected: str | None
) -> None:
    verifier = DeliveryVerifier(receiver(), **options)
    assert verifier.expected_url(REQUEST_URL, headers, "req") == expected


@pytest.mark.parametrize(
    ("options", "argument"),
    [
        ({"public_url": "https://a.example", "check_url": False}, "check_url"),
        (
            {"public_url": "https://a.example", "trust_forwarded_headers": True},
            "trust_forwarded_headers",
        ),
        ({"trust_forwarded_headers": True, "check_url": False}, "check_url"),
        ({"public_url": "a.example"}, "public_url"),
        ({"public_url": "ftp://a.example"}, "public_url"),
        ({"public_url": "https://a.example/#x"}, "public_url"),
        ({"public_url": "https://a.example?"}, "public_url"),
        ({"public_url": 42}, "public_url"),
        ({"clock_tolerance": -1}, "clock_tolerance"),
        ({"clock_tolerance": timedelta(days=2)}, "clock_tolerance"),
        ({"clock_tolerance": "5"}, "clock_tolerance"),
        ({"receiver": "sig_x"}, "receiver"),
    ],
)
def test_bad_configuration_is_refused_up_front(options: dict[str, Any], argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        DeliveryVerifier(**options)
    assert info.value.argument == argument


def test_a_public_url_callable_must_return_text() -> None:
    def no_url(request: object) -> Any:
        return None

    verifier = DeliveryVerifier(receiver(), public_url=no_url)
    with pytest.raises(InvalidArgumentError, match="must return a str"):
        verifier.verify(body=BODY, headers=signed(URL), request_url=URL)


def test_repr_shows_no_key() -> None:
    text = repr(DeliveryVerifier(receiver(), public_url="https://a.example"))
    assert CURRENT not in text
    assert NEXT not in text
    assert "public_url" in text


# ------------------------------------------------------------------ the delivery


def test_delivery_fields_from_headers() -> None:
    verifier = DeliveryVerifier(receiver())
    pairs = [*signed(URL).items(), ("X-Multi", "a"), ("x-multi", "b")]
    delivery = verifier.verify(body=BODY, headers=pairs, request_url=URL)
    assert delivery.message_id == "msg_26hZCxZCuWyyTWPmSVBrNB882AMRP"
    assert delivery.retried == 2
    assert delivery.schedule_id == "scd_7RwkJ7XQj3"
    assert delivery.url_group == "orders"
    assert delivery.caller_ip == "203.0.113.7"
    assert delivery.region == "US_EAST_1"
    assert delivery.claims.subject == URL
    assert delivery.claims.issued_at == NOW
    assert delivery.body is BODY
    assert delivery.headers["x-multi"] == "a, b"
    assert delivery.headers["upstash-topic-name"] == "orders"
    assert delivery.json() == json.loads(BODY)
    assert delivery.text() == BODY.decode()
    with pytest.raises(TypeError):
        delivery.headers["x-new"] = "no"  # type: ignore[index]
    assert "Jürgen" not in repr(delivery)  # the body stays out of reprs and logs


@pytest.mark.parametrize(
    ("retried", "expected"), [("0", 0), (" 7 ", 7), ("x", 0), ("-1", 0), ("٣", 0)]
)
def test_retried_header(retried: str, expected: int) -> None:
    verifier = DeliveryVerifier(receiver())
    headers = signed(URL, headers={"Upstash-Retried": retried})
    assert verifier.verify(body=BODY, headers=headers, request_url=URL).retried == expected


def test_optional_headers_absent() -> None:
    verifier = DeliveryVerifier(receiver())
    headers = {"upstash-signature": signed(URL)["Upstash-Signature"]}
    delivery = verifier.verify(body=BODY, headers=headers, request_url=URL)
    assert (delivery.message_id, delivery.retried) == ("", 0)
    assert delivery.schedule_id is None
    assert delivery.url_group is None
    assert delivery.caller_ip is None
    assert delivery.region is None


def test_text_helper_strictness() -> None:
    verifier = DeliveryVerifier(receiver())
    body = b"\xff ok"
    delivery = verifier.verify(body=body, headers=signed(URL, body), request_url=URL)
    with pytest.raises(UnicodeDecodeError):
        delivery.text()
    assert delivery.text(errors="replace") == "\ufffd ok"


def test_rejections_are_logged_without_keys(caplog: pytest.LogCaptureFixture) -> None:
    verifier = DeliveryVerifier(receiver())
    caplog.set_level(logging.WARNING, logger="qstash.delivery")
    with pytest.raises(SignatureError) as info:
        verifier.verify(body=b"tampered", headers=signed(URL), request_url=URL)
    assert info.value.reason is SignatureFailure.BODY_MISMATCH
    (record,) = caplog.records
    text = record.getMessage()
    assert "body_mismatch" in text
    assert "msg_26hZCxZCuWyyTWPmSVBrNB882AMRP" in text
    assert CURRENT not in text
    assert NEXT not in text


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        (SignatureFailure.MISSING_SIGNATURE, 401),
        (SignatureFailure.MALFORMED, 401),
        (SignatureFailure.UNSUPPORTED_ALGORITHM, 401),
        (SignatureFailure.INVALID_SIGNATURE, 403),
        (SignatureFailure.EXPIRED, 403),
        (SignatureFailure.NOT_YET_VALID, 403),
        (SignatureFailure.WRONG_ISSUER, 403),
        (SignatureFailure.URL_MISMATCH, 403),
        (SignatureFailure.BODY_MISMATCH, 403),
    ],
)
def test_rejection_status_per_reason(reason: SignatureFailure, status: int) -> None:
    assert rejection_status(reason) == status
    reply = rejection(SignatureError(reason, "why"))
    assert reply.status == status
    assert reply.headers == {"Content-Type": "application/json"}
    assert json.loads(reply.body) == {"error": reason.value, "message": "why"}


# ------------------------------------------------------------------ answers


def test_non_retryable() -> None:
    assert non_retryable("gone for good") == Reply(
        489,
        {"Content-Type": "application/json", "Upstash-NonRetryable-Error": "true"},
        b'{"error":"gone for good"}',
    )
    assert json.loads(non_retryable().body) == {"error": "non-retryable failure"}


@pytest.mark.parametrize(
    ("delay", "header"),
    [(0, "0"), (1.2, "2"), (timedelta(minutes=5), "300"), (86_400, "86400")],
)
def test_retry_after(delay: float | timedelta, header: str) -> None:
    reply = retry_after(delay)
    assert reply.status == 503
    assert reply.headers["Retry-After"] == header
    assert json.loads(reply.body) == {"error": "retry later"}
    assert retry_after(delay, status=429, reason="slow down").status == 429


@pytest.mark.parametrize(
    ("args", "kwargs", "argument"),
    [
        ((-1,), {}, "delay"),
        ((86_401,), {}, "delay"),
        ((float("nan"),), {}, "delay"),
        ((True,), {}, "delay"),
        ((5,), {"status": 200}, "status"),
        ((5,), {"status": 302}, "status"),
        ((5,), {"reason": 3}, "reason"),
    ],
)
def test_retry_after_refuses_bad_values(
    args: tuple[Any, ...], kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        retry_after(*args, **kwargs)
    assert info.value.argument == argument


# ------------------------------------------------------------------ callbacks


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


CALLBACK: dict[str, Any] = {
    "status": 200,
    "header": {"Content-Type": ["application/json"], "X-Multi": ["a", "b"]},
    "body": b64('{"ok":true,"name":"Zoë"}'.encode()),
    "retried": 1,
    "maxRetries": 3,
    "sourceMessageId": "msg_source",
    "topicName": "orders",
    "endpointName": "billing",
    "url": "https://api.example.com/hook",
    "method": "POST",
    "sourceHeader": {"Upstash-Forward-X": ["1"], "Content-Type": "text/plain"},
    "sourceBody": b64("héllo".encode()),
    "notBefore": "1701198458025",
    "createdAt": 1701198447054,
    "scheduleId": "scd_1",
    "callerIP": "198.51.100.4",
    "queueName": "q1",
}


def test_callback_body_parses_every_field() -> None:
    callback = parse_callback(json.dumps(CALLBACK).encode())
    assert callback == CallbackBody(
        status=200,
        header={"Content-Type": ("application/json",), "X-Multi": ("a", "b")},
        body='{"ok":true,"name":"Zoë"}'.encode(),
        retried=1,
        max_retries=3,
        source_message_id="msg_source",
        url="https://api.example.com/hook",
        method="POST",
        source_header={"Upstash-Forward-X": ("1",), "Content-Type": ("text/plain",)},
        source_body="héllo".encode(),
        not_before=1701198458025,
        created_at=1701198447054,
        url_group="orders",
        endpoint_name="billing",
        schedule_id="scd_1",
        queue_name="q1",
        caller_ip="198.51.100.4",
        raw={},
    )
    assert callback.text() == '{"ok":true,"name":"Zoë"}'
    assert callback.source_text() == "héllo"
    assert callback.raw["notBefore"] == "1701198458025"


def test_failure_callback_has_the_dlq_id() -> None:
    failure = parse_failure_callback({**CALLBACK, "status": 500, "dlqId": "1725323658779-0"})
    assert isinstance(failure, FailureCallbackBody)
    assert failure.dlq_id == "1725323658779-0"
    assert failure.status == 500
    assert parse_failure_callback({"status": "404"}).dlq_id is None


def test_callback_minimal_and_lenient_forms() -> None:
    callback = parse_callback(
        {
            "status": "502",
            "retried": 3.0,
            "callerIp": "192.0.2.1",
            "body": base64.urlsafe_b64encode(b"\xfb\xff\xfe").decode().rstrip("="),
            "sourceBody": b64(b"truncated body")[:-3],
            "createdAt": "",
        }
    )
    assert callback.status == 502
    assert callback.retried == 3
    assert callback.max_retries == 0
    assert callback.caller_ip == "192.0.2.1"
    assert callback.body == b"\xfb\xff\xfe"
    assert callback.text() == "\ufffd\ufffd\ufffd"
    assert callback.source_body.startswith(b"truncated bo")
    assert callback.created_at is None
    assert callback.not_before is None
    assert callback.header == {}
    assert callback.url_group is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "not an object"),
        (b"{}", "no status"),
        (b'{"status": "ok"}', "status must be an integer"),
        (b'{"status": 200, "retried": true}', "retried must be an integer"),
        (b'{"status": 200, "body": 5}', "body must be base64"),
        (b'{"status": 200, "body": "!!!!"}', "body is not base64"),
        (b'{"status": 200, "header": ["x"]}', "header must be an object"),
        (b'{"status": 200, "header": {"a": [1]}}', "list of strings"),
        (b'{"status": 200, "url": 7}', "url must be a string"),
    ],
)
def test_bad_callback_bodies(body: bytes, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message) as info:
        parse_callback(body)
    assert info.value.argument == "body"


def test_callback_body_of_the_wrong_type() -> None:
    with pytest.raises(InvalidArgumentError, match="raw body"):
        parse_callback(42)  # type: ignore[arg-type]
