"""The main job, offline: publish → signed delivery → verified, on the embedded dev server.

Starts the local QStash dev server and a small receiving app on 127.0.0.1, then publishes a
JSON message, a delayed message and a schedule to the app, plus a message whose endpoint keeps
failing. The app verifies every delivery's signature with ``qstash.Receiver``. The demo ends
when each delivery was verified and the failing message reached the dead-letter queue.
Exit status 0 on success. Time runs 60x faster, so the 30 s delay and the every-minute schedule
take a fraction of a second.
"""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from qstash import Receiver, SignatureError
from qstash.dev import DevServerThread

_PRINT = threading.Lock()


def say(line: str = "") -> None:
    """Print one whole line (the app prints from its own threads)."""
    with _PRINT:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


TIME_SCALE = 60.0
DEADLINE = 30.0  # real seconds for the whole demo


class App:
    """A receiving endpoint: verifies every delivery, records the verified ones."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.verified: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        app = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                url = f"http://{self.headers['Host']}{self.path}"
                try:
                    claims = app.receiver.verify(
                        signature=self.headers.get("Upstash-Signature", ""), body=body, url=url
                    )
                except SignatureError as error:
                    say(f"  app: REFUSED {self.path}: {error.reason.value}: {error}")
                    self._answer(401)
                    return
                retried = self.headers.get("Upstash-Retried", "0")
                if self.path == "/payments":  # this endpoint is down: every attempt fails
                    say(f"  app: verified {self.path} (attempt {int(retried) + 1}), answering 500")
                    self._answer(500)
                    return
                say(f"  app: verified {self.path}: {body.decode()!r} (sub={claims.subject})")
                with app.lock:
                    app.verified.append((self.path, self.headers.get("Upstash-Message-Id", "")))
                self._answer(200)

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the demo prints its own lines."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def paths(self) -> list[str]:
        with self.lock:
            return [path for path, _ in self.verified]


def wait_for(what: str, check: Any) -> Any:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.02)
    raise SystemExit(f"demo failed: timed out waiting for {what}")


def main() -> int:
    with DevServerThread(port=0, time_scale=TIME_SCALE, max_retry_delay=5.0) as server:
        say(f"dev server: {server.url} (time runs {TIME_SCALE:g}x faster)")
        app = App(server.receiver())
        say(f"receiving app: {app.url}\n")
        with server.client() as client:
            order = client.message.publish_json(
                url=f"{app.url}/orders", body={"order": 42, "total": "19.90"}
            )
            say(f"published JSON: {order.message_id}")
            reminder = client.message.publish(
                url=f"{app.url}/reminders", body="pay your invoice", delay=30
            )
            say(f"published with a 30 s delay: {reminder.message_id}")
            schedule_id = client.schedule.create_json(
                destination=f"{app.url}/reports", cron="* * * * *", body={"report": "hourly"}
            )
            say(f"scheduled every minute: {schedule_id}")
            failing = client.message.publish_json(
                url=f"{app.url}/payments", body={"charge": 7}, retries=2
            )
            say(f"published to a failing endpoint (2 retries): {failing.message_id}\n")

            wait_for("the JSON message", lambda: "/orders" in app.paths())
            wait_for("the delayed message", lambda: "/reminders" in app.paths())
            wait_for("the schedule to fire", lambda: "/reports" in app.paths())
            entry = wait_for(
                "the failed message in the DLQ",
                lambda: next(
                    (m for m in client.dlq.list().messages if m.message_id == failing.message_id),
                    None,
                ),
            )
            say(
                f"\nDLQ: {entry.message_id} ({entry.url}) failed with status "
                f"{entry.response_status} after {entry.max_retries} retries (dlq id {entry.dlq_id})"
            )
            client.schedule.delete(schedule_id)
        app.server.shutdown()
    say("\ndemo OK: every delivery was signed by the dev server and verified by the app")
    return 0


if __name__ == "__main__":
    sys.exit(main())
