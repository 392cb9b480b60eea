"""A small scriptable HTTP server on 127.0.0.1 that misbehaves on purpose.

Cyrus cannot be made to send hostile answers, so tests start one of these themselves
(the ``hostile`` and ``other_origin`` fixtures of tests/hostile/conftest.py, or
``with HostileServer() as server:``).  Each path answers with a script: a :class:`Reply`
or a function of the :class:`Received` request returning one.  A reply may drip its bytes
slowly, stream an iterable body (a gzip bomb, an endless EventSource), or close the
connection without an answer.  Every request is recorded with its headers and body, so
tests assert what was sent, to which server, and how often.

:meth:`HostileServer.serve_jmap` puts a working JMAP server on it: the session at
``/jmap/session`` (``/.well-known/jmap`` redirects there), and ``/jmap/api/`` answering
method calls with the handlers of the in-process peer tests/unit/fake_jmap.py (its
``FakeJMAP.api`` does the dispatch, so there is one scripted JMAP peer, at two levels).

Only 127.0.0.1 is ever bound; every loop that writes is bounded in bytes and in time, and
stops when the server stops.
"""

from __future__ import annotations

import gzip
import json
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tests.unit.fake_jmap import FakeJMAP, session_json

__all__ = [
    "HostileServer",
    "Received",
    "Reply",
    "event_stream",
    "gzip_bomb",
    "jmap_session",
    "nested_json",
]

#: No scripted reply writes for longer than this, whatever it asks.
MAX_WRITE_SECONDS = 30.0


@dataclass(frozen=True)
class Received:
    """One request as the server received it (header names in lower case)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    port: int

    @property
    def authorization(self) -> str | None:
        """The Authorization header, when one came."""
        return self.headers.get("authorization")

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def method_names(self) -> list[str]:
        """The JMAP method names of an API request (empty for anything else)."""
        try:
            return [call[0] for call in self.json().get("methodCalls", [])]
        except (ValueError, AttributeError, TypeError):
            return []


@dataclass
class Reply:
    """What to answer.

    ``body`` is bytes or an iterable of byte chunks (sent as they come, chunked when no
    Content-Length is given); ``drip`` is the pause (seconds) between single bytes of the
    body, ``drip_head`` drips the status line and headers too; ``hang`` waits that long
    before answering; ``drop`` closes the connection without any answer.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    drip: float = 0.0
    drip_head: bool = False
    hang: float = 0.0
    drop: bool = False

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        body = data if isinstance(data, (bytes, str)) else json.dumps(data)
        body = body.encode() if isinstance(body, str) else body
        return cls(status, {"Content-Type": "application/json", **(headers or {})}, body)


Script = Reply | Callable[[Received], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: object) -> None:
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 50_000_000)) if length else b""
        parts = urlsplit(self.path)
        received = Received(
            self.command,
            parts.path,
            parts.query,
            {k.lower(): v for k, v in self.headers.items()},
            body,
            self.server.server_address[1],
        )
        owner = self.server.owner
        owner.record(received)
        reply = owner.reply_for(received)
        if reply.drop:
            self.close_connection = True
            return
        if reply.hang:
            owner.stopping.wait(min(reply.hang, MAX_WRITE_SECONDS))
        self._write(reply)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def _write(self, reply: Reply) -> None:
        end = time.monotonic() + MAX_WRITE_SECONDS
        fixed = isinstance(reply.body, (bytes, bytearray))
        headers = dict(reply.headers)
        # one exchange per connection, said so: a client must not reuse what is closed
        headers.setdefault("Connection", "close")
        if fixed:
            headers.setdefault("Content-Length", str(len(reply.body)))
        elif "Content-Length" not in headers:
            headers["Transfer-Encoding"] = "chunked"
        head = f"HTTP/1.1 {reply.status} Scripted\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        owner = self.server.owner
        try:
            self._send(head.encode("latin-1"), reply.drip if reply.drip_head else 0, end)
            chunked = headers.get("Transfer-Encoding") == "chunked"
            for chunk in [reply.body] if fixed else reply.body:
                if owner.stopping.is_set() or time.monotonic() > end:
                    break
                data = b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked and chunk else chunk
                self._send(data, reply.drip, end)
            else:
                if chunked:
                    self._send(b"0\r\n\r\n", 0, end)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the client gave up: what the test may want to see
        self.close_connection = True

    def _send(self, data: bytes, drip: float, end: float) -> None:
        if not drip:
            self.wfile.write(data)
            self.wfile.flush()
            return
        owner = self.server.owner
        for index in range(len(data)):
            if owner.stopping.is_set() or time.monotonic() > end:
                return
            self.wfile.write(data[index : index + 1])
            self.wfile.flush()
            owner.stopping.wait(drip)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: HostileServer


class HostileServer:
    """The server; start it with ``with HostileServer() as server:`` (or the fixtures).

    ``routes`` maps a path (without the query) to its script; a path without one answers
    404.  ``received`` lists every request, in order.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Script] = {}
        #: The script of every path without one of its own (None: 404).
        self.default: Script | None = None
        self.received: list[Received] = []
        self.stopping = threading.Event()
        self.jmap: FakeJMAP | None = None
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self.scheme = "http"

    # -- life cycle -------------------------------------------------------------------

    def start(self, tls: ssl.SSLContext | None = None) -> HostileServer:
        """Listen on a free port of 127.0.0.1; with ``tls`` (a server-side context) the
        server speaks HTTPS."""
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self.scheme = "http"
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "start the server first"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """The base URL, http://127.0.0.1:PORT."""
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def well_known(self) -> str:
        return self.url + "/.well-known/jmap"

    # -- scripts ----------------------------------------------------------------------

    def route(self, path: str, script: Script) -> None:
        """Answer requests to ``path`` with ``script``."""
        self.routes[path] = script

    def record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def reply_for(self, received: Received) -> Reply:
        script = self.routes.get(received.path, self.default)
        if script is None:
            return Reply.json({"type": "about:blank", "detail": "no script"}, 404)
        return script(received) if callable(script) else script

    def serve_jmap(
        self,
        handlers: dict[str, Callable[[dict[str, Any]], Any]] | None = None,
        session: dict[str, Any] | None = None,
    ) -> FakeJMAP:
        """A working JMAP server: ``handlers`` answer the method calls (as in
        tests/unit/fake_jmap.py); ``session`` replaces the Session object.  Returns the
        peer, whose ``handlers``, ``session`` and ``api_calls`` tests may change or read."""
        peer = FakeJMAP(handlers, session)
        self.jmap = peer
        self.route("/.well-known/jmap", Reply(301, {"Location": "/jmap/session"}))
        self.route("/jmap/session", lambda r: Reply.json(peer.session))
        self.route("/jmap/api/", lambda r: Reply.json(peer.api(r.json())))
        return peer

    # -- what arrived -----------------------------------------------------------------

    def requests_to(self, path: str, method: str | None = None) -> list[Received]:
        """The requests received for ``path`` (and ``method``), in order."""
        return [r for r in self.received if r.path == path and method in (None, r.method)]

    def calls_of(self, name: str) -> int:
        """How many API requests named the JMAP method ``name`` (repeats included)."""
        return sum(r.method_names().count(name) for r in self.requests_to("/jmap/api/"))

    @property
    def authorizations(self) -> list[str]:
        """The Authorization headers that arrived here."""
        return [r.authorization for r in self.received if r.authorization]


# -- canned hostile material ------------------------------------------------------------


def jmap_session(**overrides: Any) -> dict[str, Any]:
    """The usual Session object (relative URLs, one account) with ``overrides``."""
    return {**session_json(), **overrides}


def gzip_bomb(decoded_bytes: int, piece: int = 1 << 20) -> Reply:
    """An answer of ``decoded_bytes`` zeros, sent gzip-compressed (about a thousandth
    of that on the wire), as JSON would be."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"0" * piece
    parts = [compressor.compress(zeros) for _ in range(decoded_bytes // piece)]
    body = b"".join(parts) + compressor.flush()
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    return Reply(200, headers, body)


def gzip_json(data: Any) -> Reply:
    """A JSON answer sent gzip-compressed, correctly."""
    body = gzip.compress(json.dumps(data).encode())
    return Reply(200, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, body)


def nested_json(depth: int) -> bytes:
    """A JSON document nested ``depth`` levels deep."""
    return b'{"a":' * depth + b"1" + b"}" * depth


def event_stream(chunks: Iterable[bytes], *, repeat: int = 1) -> Reply:
    """A text/event-stream answer of ``chunks`` (``repeat`` times over), chunked."""

    def body() -> Iterator[bytes]:
        for _ in range(repeat):
            yield from chunks

    return Reply(200, {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}, body())
