"""A minimal HTTP/1.1 keep-alive server for ``scripts/bench``: every request gets the same
``200 {"messageId":"msg_1"}``.

Usage: ``python scripts/_bench_server.py PORT`` (``0`` picks a free port). It listens on
127.0.0.1 only, prints ``PORT <n>`` on stdout once it accepts connections, and runs until it
is terminated or its stdin closes (so it never outlives the benchmark that started it).

One thread, non-blocking sockets and :mod:`selectors`: a request costs a few microseconds here,
so the client under test dominates the time the benchmark measures. It understands just what
the benchmark sends (a header block and a ``Content-Length`` body, pipelining included).
"""

from __future__ import annotations

import os
import selectors
import socket
import sys

_BODY = b'{"messageId":"msg_1"}'
_RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: application/json\r\n"
    b"Content-Length: " + str(len(_BODY)).encode() + b"\r\n"
    b"\r\n" + _BODY
)
_HEADER_END = b"\r\n\r\n"
_LENGTH = b"\r\ncontent-length:"


class _Connection:
    """Bytes read but not yet answered, and answers not yet written."""

    __slots__ = ("inbox", "outbox", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.inbox = b""
        self.outbox = b""

    def take_requests(self) -> int:
        """Drop every complete request from the inbox; return how many there were."""
        count = 0
        data = self.inbox
        while True:
            end = data.find(_HEADER_END)
            if end < 0:
                break
            head = data[:end].lower()
            at = head.find(_LENGTH)
            length = 0
            if at >= 0:
                stop = head.find(b"\r\n", at + len(_LENGTH))
                length = int(head[at + len(_LENGTH) : stop if stop >= 0 else len(head)])
            total = end + len(_HEADER_END) + length
            if len(data) < total:
                break
            data = data[total:]
            count += 1
        self.inbox = data
        return count


def serve(port: int) -> None:
    """Serve on 127.0.0.1:``port`` until stdin closes; announce the bound port on stdout."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    listener.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)
    selector.register(sys.stdin, selectors.EVENT_READ, "stdin")
    print(f"PORT {listener.getsockname()[1]}", flush=True)

    while True:
        for key, events in selector.select():
            if key.data is None:
                sock, _ = listener.accept()
                sock.setblocking(False)
                # Answers are one small write each: send them now, not after the next ACK.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                selector.register(sock, selectors.EVENT_READ, _Connection(sock))
                continue
            if key.data == "stdin":
                if not os.read(sys.stdin.fileno(), 4096):
                    return  # the benchmark is gone
                continue
            conn: _Connection = key.data
            if events & selectors.EVENT_READ:
                try:
                    chunk = conn.sock.recv(65536)
                except ConnectionError:
                    chunk = b""
                if not chunk:
                    selector.unregister(conn.sock)
                    conn.sock.close()
                    continue
                conn.inbox += chunk
                conn.outbox += _RESPONSE * conn.take_requests()
            if conn.outbox:
                try:
                    sent = conn.sock.send(conn.outbox)
                except BlockingIOError:
                    sent = 0
                except OSError:  # the client went away mid-answer
                    selector.unregister(conn.sock)
                    conn.sock.close()
                    continue
                conn.outbox = conn.outbox[sent:]
                # Wait for writability only while an answer is stuck in the outbox.
                wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if conn.outbox else 0)
                if wanted != key.events:
                    selector.modify(conn.sock, wanted, conn)


if __name__ == "__main__":
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
