"""A tiny QStash stand-in on 127.0.0.1 for the README examples: canned answers, recorded calls.

Not a QStash implementation (that is the dev server's job): it answers each route with a fixed,
well-formed body so examples can run end to end over real HTTP.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_MESSAGE = {
    "messageId": "msg_123",
    "url": "https://example.com",
    "method": "POST",
    "maxRetries": 3,
    "notBefore": 0,
    "createdAt": 0,
}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class StubServer:
    url: str
    calls: list[Recorded] = field(default_factory=list)


def _answer(method: str, path: str, body: bytes) -> tuple[int, Any]:
    if method == "POST" and re.match(r"/v2/(publish|enqueue)/", path):
        if "/publish/https://" in path or "/publish/http://" in path or "/enqueue/" in path:
            return 200, {"messageId": "msg_123", "url": path.split("/", 4)[-1]}
        return 200, [{"messageId": "msg_1", "url": "https://one.example"}]
    if method == "POST" and path == "/v2/batch":
        items = json.loads(body)
        return 200, [{"messageId": f"msg_{i}"} for i, _ in enumerate(items)]
    if method == "GET" and path.startswith("/v2/messages/"):
        return 200, _MESSAGE
    if method == "DELETE" and path.startswith("/v2/messages"):
        return 200, {"cancelled": 0 if path == "/v2/messages" else 1}
    return 404, {"error": f"no stub route for {method} {path}"}


@contextmanager
def stub_server() -> Iterator[StubServer]:
    """Serve on a free port until the block ends."""
    server_state = StubServer(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            server_state.calls.append(
                Recorded(self.command, path, dict(self.headers.items()), body)
            )
            status, payload = _answer(self.command, path, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _handle

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server_state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
