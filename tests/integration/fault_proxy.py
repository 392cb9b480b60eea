"""A small HTTP proxy on loopback that puts faults between a client and Cyrus.

Each request through it gets the next fault of a fixed, seeded schedule:

- ``ok``: forwarded as it is;
- ``delay``: forwarded after a pause;
- ``busy``: answered 503 with Retry-After, not forwarded;
- ``drop_before``: the connection is closed before anything is forwarded;
- ``drop_after``: forwarded (the server applies it), then the connection is closed with
  no answer: the answer is lost, the change is not;
- ``truncate``: forwarded, and the answer is cut short.

Only 127.0.0.1 is involved, both as listener and as upstream.

``proxy.script(marker, *faults)`` scripts faults instead: the next requests whose body
contains ``marker`` (bytes) get ``faults`` in order; other requests go by the weights.
"""

from __future__ import annotations

import http.client
import random
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FAULTS = ("ok", "delay", "busy", "drop_before", "drop_after", "truncate")


class FaultProxy:
    """Start with ``with FaultProxy(upstream, weights) as proxy:``; ``proxy.url`` is its base."""

    def __init__(self, upstream: str, weights: dict[str, float], seed: int = 7) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.rng = random.Random(seed)
        self.faults = list(weights)
        self.weights = [weights[f] for f in self.faults]
        self.seen: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.enabled = True
        self.scripted: list[tuple[bytes, list[str]]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                proxy.handle(self)

            def do_POST(self) -> None:
                proxy.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def script(self, marker: bytes, *faults: str) -> None:
        """The next requests with ``marker`` in their body get ``faults``, in order."""
        assert all(f in FAULTS for f in faults)
        with self.lock:
            self.scripted.append((marker, list(faults)))

    def next_fault(self, body: bytes = b"") -> str:
        with self.lock:
            for marker, faults in self.scripted:
                if faults and marker in body:
                    fault = faults.pop(0)
                    self.seen[fault] += 1
                    return fault
            fault = self.rng.choices(self.faults, self.weights)[0] if self.enabled else "ok"
            self.seen[fault] += 1
            return fault

    def forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, list, bytes]:
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=30)
        headers = {k: v for k, v in handler.headers.items() if k.lower() != "host"}
        headers["Host"] = f"{self.upstream_host}:{self.upstream_port}"
        conn.request(handler.command, handler.path, body=body or None, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        skip = {"transfer-encoding", "connection", "content-length", "upgrade", "alt-svc"}
        return (
            answer.status,
            [(k, v) for k, v in answer.getheaders() if k.lower() not in skip],
            data,
        )

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        fault = self.next_fault(body)
        if fault == "drop_before":
            self.cut(handler)
            return
        if fault == "busy":
            self.reply(handler, 503, [("Retry-After", "1")], b"busy, try again")
            return
        if fault == "delay":
            time.sleep(0.3)
        status, headers, data = self.forward(handler, body)
        if fault == "drop_after":
            self.cut(handler)
        elif fault == "truncate":
            handler.send_response(status)
            for key, value in headers:
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data[: max(1, len(data) // 2)])
            handler.wfile.flush()
            self.cut(handler)
        else:
            self.reply(handler, status, headers, data)

    @staticmethod
    def reply(handler: BaseHTTPRequestHandler, status: int, headers: list, data: bytes) -> None:
        handler.send_response(status)
        for key, value in headers:
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def cut(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        try:
            handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
