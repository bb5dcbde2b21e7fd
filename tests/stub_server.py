"""A tiny QStash stand-in on 127.0.0.1 for the README examples: canned answers, recorded calls.

Not a QStash implementation (that is the dev server's job): it answers each route with a fixed,
well-formed body so examples can run end to end over real HTTP.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

Query = dict[str, list[str]]
Answer = Callable[[str, bytes, Query], Any]
"""Computes an answer from the path, the body and the parsed query."""

_MESSAGE = {
    "messageId": "msg_123",
    "url": "https://example.com",
    "method": "POST",
    "maxRetries": 3,
    "notBefore": 0,
    "createdAt": 0,
}
_SCHEDULE = {
    "scheduleId": "scd_123",
    "destination": "https://example.com/api/report",
    "cron": "CRON_TZ=Europe/Istanbul 0 9 * * MON-FRI",
    "createdAt": 1_700_000_000_000,
    "body": '{"report":"daily"}',
    "retries": 3,
    "isPaused": False,
    "lastScheduleTime": 1_700_000_000_000,
    "nextScheduleTime": 1_700_086_400_000,
    "lastScheduleStates": {"msg_a": "SUCCESS", "msg_b": "FAIL"},
}
_QUEUE = {"name": "emails", "parallelism": 2, "lag": 0, "paused": False, "createdAt": 0}
_URL_GROUP = {
    "name": "my-group",
    "createdAt": 0,
    "endpoints": [{"url": "https://one.example", "name": "one"}, {"url": "https://two.example"}],
}
_DLQ = [
    {**_MESSAGE, "dlqId": "dlq_1", "responseStatus": 500, "responseBody": "internal error"},
    {**_MESSAGE, "messageId": "msg_456", "dlqId": "dlq_2", "responseStatus": 404},
]
_LOGS = [
    {"time": 1_700_000_000_000, "messageId": "msg_123", "state": "FAILED", "error": "HTTP 500"},
    {"time": 1_699_999_000_000, "messageId": "msg_123", "state": "CREATED"},
]
_KEYS = {"current": "sig_stub_current", "next": "sig_stub_next"}
_FLOW = {"flowControlKey": "acme", "parallelismMax": 2, "rateMax": 10, "ratePeriod": 60}
_COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "model": "meta-llama/Meta-Llama-3-8B-Instruct",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Ankara."},
            "finish_reason": "stop",
        }
    ],
}


@dataclass(frozen=True, slots=True)
class EventStream:
    """A ``text/event-stream`` answer: one ``data:`` event per item, then ``data: [DONE]``."""

    events: list[Any]

    def encode(self) -> bytes:
        """The stream body."""
        frames = [f"data: {json.dumps(event)}\n\n" for event in self.events]
        return "".join([*frames, "data: [DONE]\n\n"]).encode()


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer with a status other than 200."""

    status: int
    body: Any


def _chunk(delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [choice]}


def _publish(path: str, body: bytes, query: Query) -> Any:
    if re.match(r"/v2/(publish/https?://|enqueue/)", path):
        return {"messageId": "msg_123", "url": path.split("/", 4)[-1]}
    return [{"messageId": "msg_1", "url": "https://one.example"}]  # one per URL-group endpoint


def _batch(path: str, body: bytes, query: Query) -> Any:
    return [{"messageId": f"msg_{i}"} for i, _ in enumerate(json.loads(body))]


def _cancel(path: str, body: bytes, query: Query) -> Any:
    return {"cancelled": 0 if path == "/v2/messages" else 1}


def _pages(key: str, entries: list[dict[str, Any]]) -> Answer:
    """Two pages of one entry each: the first has a cursor, the second (the last) none."""

    def answer(path: str, body: bytes, query: Query) -> Any:
        if "cursor" in query:
            return {key: entries[1:]}
        return {"cursor": "page-2", key: entries[:1]}

    return answer


def _chat(path: str, body: bytes, query: Query) -> Any:
    if json.loads(body).get("stream") is True:
        return EventStream(
            [_chunk({"role": "assistant", "content": "Ank"}), _chunk({"content": "ara."}, "stop")]
        )
    return _COMPLETION


# (method, full path pattern, answer), first match wins. An answer is JSON, a callable
# (see Answer), an EventStream, a Reply, or None for an empty 200.
_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", r"/v2/messages/msg_that_does_not_exist", Reply(404, {"error": "message not found"})),
    ("POST", r"/v2/(publish|enqueue)/.+", _publish),
    ("POST", r"/v2/batch", _batch),
    ("GET", r"/v2/messages/[^/]+", _MESSAGE),
    ("DELETE", r"/v2/messages(/[^/]+)?", _cancel),
    ("POST", r"/v2/schedules/.+", {"scheduleId": "scd_123"}),
    ("GET", r"/v2/schedules", [_SCHEDULE]),
    ("GET", r"/v2/schedules/[^/]+", _SCHEDULE),
    ("PATCH", r"/v2/schedules/[^/]+/(pause|resume)", None),
    ("DELETE", r"/v2/schedules/[^/]+", None),
    ("POST", r"/v2/queues", None),
    ("GET", r"/v2/queues", [_QUEUE]),
    ("GET", r"/v2/queues/[^/]+", _QUEUE),
    ("POST", r"/v2/queues/[^/]+/(pause|resume)", None),
    ("DELETE", r"/v2/queues/[^/]+", None),
    ("GET", r"/v2/topics", [_URL_GROUP]),
    ("GET", r"/v2/topics/[^/]+", _URL_GROUP),
    ("POST", r"/v2/topics/[^/]+/endpoints", None),
    ("DELETE", r"/v2/topics/[^/]+(/endpoints)?", None),
    ("GET", r"/v2/dlq", _pages("messages", _DLQ)),
    ("GET", r"/v2/dlq/[^/]+", _DLQ[0]),
    ("DELETE", r"/v2/dlq", {"deleted": 2}),
    ("DELETE", r"/v2/dlq/[^/]+", None),
    ("POST", r"/v2/dlq/retry", {"responses": [{"messageId": "msg_r1"}, {"messageId": "msg_r2"}]}),
    ("POST", r"/v2/dlq/retry/[^/]+", {"messageId": "msg_r1"}),
    ("GET", r"/v2/logs", _pages("logs", _LOGS)),
    ("GET", r"/v2/events", _pages("events", _LOGS)),
    ("GET", r"/v2/keys", _KEYS),
    ("POST", r"/v2/keys/rotate", _KEYS),
    ("GET", r"/v2/flowControl", [_FLOW]),
    ("GET", r"/v2/flowControl/[^/]+", _FLOW),
    ("POST", r"/v2/flowControl/[^/]+/(pause|resume|pin|unpin|resetRate)", None),
    ("GET", r"/v2/globalParallelism", {"parallelismMax": 100, "parallelismCount": 3}),
    ("POST", r"/llm/v1/chat/completions", _chat),
]


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    query: str = ""


@dataclass
class StubServer:
    url: str
    calls: list[Recorded] = field(default_factory=list)


def _answer(method: str, path: str, body: bytes, query: str = "") -> tuple[int, Any]:
    for route_method, pattern, answer in _ROUTES:
        if method == route_method and re.fullmatch(pattern, path):
            if callable(answer):
                answer = answer(path, body, parse_qs(query))
            return (answer.status, answer.body) if isinstance(answer, Reply) else (200, answer)
    return 404, {"error": f"no stub route for {method} {path}"}


def _encode(payload: Any) -> tuple[bytes, str | None]:
    """The response body and its Content-Type."""
    if payload is None:
        return b"", None
    if isinstance(payload, EventStream):
        return payload.encode(), "text/event-stream"
    return json.dumps(payload).encode(), "application/json"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops some of a burst of concurrent connects (the async example
    # opens ten), which the client then retries only after a 1 s SYN timeout.
    request_queue_size = 64


@contextmanager
def stub_server() -> Iterator[StubServer]:
    """Serve on a free port until the block ends."""
    server_state = StubServer(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, each keep-alive response
        # would wait for the client's delayed ACK (~40 ms).
        disable_nagle_algorithm = True

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path, _, query = self.path.partition("?")
            server_state.calls.append(
                Recorded(self.command, path, dict(self.headers.items()), body, query)
            )
            status, payload = _answer(self.command, path, body, query)
            data, content_type = _encode(payload)
            self.send_response(status)
            if content_type is not None:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _handle

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    httpd = _Server(("127.0.0.1", 0), Handler)
    server_state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
