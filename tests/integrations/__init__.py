"""Shared helpers for the framework integration tests.

Most tests sign deliveries with :func:`qstash.receiver.sign`, exactly as QStash does (``nbf``
0, ``exp`` = ``iat`` + 300, padded body hash), against a receiver whose clock is pinned to
:data:`NOW`, so nothing depends on the wall clock. The end-to-end tests serve the app on
127.0.0.1 (:func:`serve_wsgi`, :func:`serve_asgi`) and let our dev server deliver to it.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from qstash.receiver import Receiver, sign

# Canary keys: a test fails if either shows up in a response or a log line.
CURRENT = "sig_CANARYintegrationCurrent01"
NEXT = "sig_CANARYintegrationNext0002"
OTHER = "sig_OTHERkeyNotConfigured0003"
NOW = 1_700_000_000

BODY = '{"order":42,"name":"Jürgen"}'.encode()
DELIVERY_HEADERS = {
    "Content-Type": "application/json",
    "Upstash-Message-Id": "msg_26hZCxZCuWyyTWPmSVBrNB882AMRP",
    "Upstash-Retried": "2",
    "Upstash-Schedule-Id": "scd_7RwkJ7XQj3",
    "Upstash-Topic-Name": "orders",
    "Upstash-Caller-Ip": "203.0.113.7",
    "Upstash-Region": "US-EAST-1",
}
# Checks a URL survives the framework byte for byte: encoded query values and a '+'.
QUERY = "?email=a%40b.com&name=J%C3%BCrgen&q=a+b"


def receiver() -> Receiver:
    """A receiver with both canary keys and the clock pinned to NOW."""
    return Receiver(CURRENT, NEXT, clock=lambda: NOW)


def signed(
    url: str,
    body: bytes = BODY,
    *,
    key: str = CURRENT,
    now: int = NOW,
    headers: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """QStash delivery headers for ``body`` sent to ``url``, plus ``headers``."""
    token = sign(signing_key=key, url=url, body=body, now=now, not_before=0)
    return {**DELIVERY_HEADERS, "Upstash-Signature": token, **(headers or {})}


@dataclass(frozen=True)
class Case:
    """One delivery to send and the answer it must get."""

    id: str
    headers: dict[str, str]
    body: bytes
    status: int
    reason: str | None = None
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def rejections(url: str) -> list[Case]:
    """Deliveries for ``url`` that every integration must refuse, with status and reason."""
    no_signature = dict(DELIVERY_HEADERS)
    return [
        Case("missing-header", no_signature, BODY, 401, "missing_signature", "no Upstash"),
        Case(
            "empty-header",
            {**DELIVERY_HEADERS, "Upstash-Signature": ""},
            BODY,
            401,
            "missing_signature",
        ),
        Case(
            "not-a-jwt",
            {**DELIVERY_HEADERS, "Upstash-Signature": "not.a-jwt"},
            BODY,
            401,
            "malformed",
        ),
        Case(
            "tampered-body",
            signed(url),
            BODY.replace(b"42", b"43"),
            403,
            "body_mismatch",
            "raw request body",
        ),
        Case(
            "reserialised-json",
            signed(url),
            json.dumps(json.loads(BODY)).encode(),
            403,
            "body_mismatch",
        ),
        Case(
            "wrong-url",
            signed(url.rsplit("/", 1)[0] + "/other"),
            BODY,
            403,
            "url_mismatch",
            "/other",
        ),
        Case("expired", signed(url, now=NOW - 400), BODY, 403, "expired", "expired"),
        Case(
            "issued-in-the-future",
            signed(url, now=NOW + 120),
            BODY,
            403,
            "not_yet_valid",
        ),
        Case("unknown-key", signed(url, key=OTHER), BODY, 403, "invalid_signature"),
    ]


def assert_rejected(case: Case, status: int, payload: Any) -> None:
    """The integration answered ``case`` with its status and ``{"error", "message"}``."""
    assert status == case.status, payload
    assert payload["error"] == case.reason
    assert case.message in payload["message"]
    text = json.dumps(payload)
    assert CURRENT not in text
    assert NEXT not in text


def expected_echo(url: str, body: bytes = BODY) -> dict[str, Any]:
    """What the test handlers echo for a genuine delivery of ``body`` to ``url``."""
    return {
        "message_id": "msg_26hZCxZCuWyyTWPmSVBrNB882AMRP",
        "retried": 2,
        "schedule_id": "scd_7RwkJ7XQj3",
        "url_group": "orders",
        "caller_ip": "203.0.113.7",
        "region": "US_EAST_1",
        "subject": url,
        "body": body.decode(),
        "raw_equal": True,
        "json": json.loads(body),
    }


@contextmanager
def serve_wsgi(app: Callable[..., Any]) -> Iterator[str]:
    """Serve a WSGI app on a free 127.0.0.1 port (stdlib wsgiref); yields its base URL."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


@contextmanager
def serve_asgi(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free 127.0.0.1 port; yields its base URL.

    The socket listens before the server thread starts, so requests made at once wait in
    the backlog instead of failing.
    """
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    config = uvicorn.Config(app, lifespan="off", ws="none", http="h11", log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
