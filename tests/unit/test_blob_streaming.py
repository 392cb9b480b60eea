"""Streamed blob downloads and uploads, with both clients, against a tiny JMAP server on
loopback that sends a multi-megabyte blob in pieces, a 404, a body cut short, a 503, and
reads uploads as they arrive."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from caldav.jmap import AsyncJMAPClient, JMAPClient
from caldav.jmap.error import JMAPConnectionError, JMAPError

from .fake_jmap import session_json

PIECE = 64 * 1024
BIG = bytes(range(256)) * (3 * 1024 * 1024 // 256 + 17)  # a little over 3 MiB


class Server(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    busy_left: int = 0
    uploads: list[dict[str, Any]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/.well-known/jmap":
            self._send(200, json.dumps(session_json()).encode())
            return
        blob = self.path.split("/")[4] if self.path.startswith("/jmap/download/") else ""
        if blob == "big":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(BIG)))
            self.end_headers()
            for start in range(0, len(BIG), PIECE):
                self.wfile.write(BIG[start : start + PIECE])
                self.wfile.flush()
        elif blob == "truncated":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BIG)))
            self.end_headers()
            self.wfile.write(BIG[: 5 * PIECE])
            self.wfile.flush()
            self.close_connection = True
        elif blob == "busy" and Server.busy_left > 0:
            Server.busy_left -= 1
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif blob == "busy":
            self._send(200, b"at last", "text/plain")
        else:
            problem = {"type": "about:blank", "detail": "no such blob"}
            self._send(404, json.dumps(problem).encode(), "application/problem+json")

    def do_POST(self) -> None:
        if not self.path.startswith("/jmap/upload/A1/"):
            self._send(404, b"{}")
            return
        left = int(self.headers.get("Content-Length") or 0)
        digest, size = hashlib.sha256(), 0
        while left:
            piece = self.rfile.read(min(left, PIECE))
            if not piece:
                break
            digest.update(piece)
            size += len(piece)
            left -= len(piece)
        Server.uploads.append(
            {"size": size, "type": self.headers.get("Content-Type"), "sha": digest.hexdigest()}
        )
        answer = {"accountId": "A1", "blobId": "G" + digest.hexdigest()[:20], "size": size}
        self._send(201, json.dumps(answer).encode())


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Server)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/.well-known/jmap"
    httpd.shutdown()
    httpd.server_close()


class Client:
    """A sync or async client, and the way to get a value out of its calls."""

    def __init__(self, kind: str, url: str) -> None:
        self.kind = kind
        self.loop = asyncio.new_event_loop() if kind == "async" else None
        cls = JMAPClient if kind == "sync" else AsyncJMAPClient
        self.client = cls(url, username="u", password="p")

    def __call__(self, value: Any) -> Any:
        if self.loop is not None and asyncio.iscoroutine(value):
            return self.loop.run_until_complete(value)
        return value

    def chunks(self, iterator: Any) -> list[bytes]:
        if self.loop is None:
            return list(iterator)

        async def collect() -> list[bytes]:
            return [chunk async for chunk in iterator]

        return self.loop.run_until_complete(collect())

    def close(self) -> None:
        self(self.client.close())
        if self.loop is not None:
            self.loop.close()


@pytest.fixture(params=["sync", "async"])
def jmap(request: pytest.FixtureRequest, server: str) -> Iterator[Client]:
    client = Client(request.param, server)
    yield client
    client.close()


class CountingWriter(io.BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, data: Any) -> int:
        self.writes += 1
        return super().write(data)


def test_download_to_a_file_object_arrives_in_pieces(jmap):
    target = CountingWriter()
    assert jmap(jmap.client.download_blob_to("big", target, name="big.bin")) == len(BIG)
    assert target.getvalue() == BIG
    assert target.writes > 1  # never the whole blob in one piece
    assert not target.closed  # the caller's file stays open


def test_download_to_a_path(jmap, tmp_path: Path):
    path = tmp_path / "big.bin"
    assert jmap(jmap.client.download_blob_to("big", path)) == len(BIG)
    assert path.read_bytes() == BIG
    as_str = str(tmp_path / "again.bin")  # a plain string is a path here
    assert jmap(jmap.client.download_blob_to("big", as_str, content_type="x/y")) == len(BIG)
    assert Path(as_str).read_bytes() == BIG


def test_iter_blob_gives_chunks(jmap):
    chunks = jmap.chunks(jmap.client.iter_blob("big"))
    assert len(chunks) > 1
    assert b"".join(chunks) == BIG


def test_not_found_raises_and_leaves_no_file(jmap, tmp_path: Path):
    path = tmp_path / "missing.bin"
    with pytest.raises(JMAPError, match="HTTP 404: no such blob") as caught:
        jmap(jmap.client.download_blob_to("nothing", path))
    assert caught.value.status == 404
    assert not path.exists()
    with pytest.raises(JMAPError, match="HTTP 404"):
        jmap.chunks(jmap.client.iter_blob("nothing"))


def test_a_file_that_was_there_is_not_removed(jmap, tmp_path: Path):
    path = tmp_path / "existing.bin"
    path.write_bytes(b"old")
    with pytest.raises(JMAPError):
        jmap(jmap.client.download_blob_to("nothing", path))
    assert path.exists()


def test_truncated_body_raises_and_removes_the_file(jmap, tmp_path: Path):
    path = tmp_path / "cut.bin"
    with pytest.raises(JMAPConnectionError):
        jmap(jmap.client.download_blob_to("truncated", path))
    assert not path.exists()
    target = CountingWriter()
    with pytest.raises(JMAPConnectionError):
        jmap(jmap.client.download_blob_to("truncated", target))
    assert len(target.getvalue()) < len(BIG)


def test_busy_server_is_asked_again(jmap):
    Server.busy_left = 1
    target = io.BytesIO()
    assert jmap(jmap.client.download_blob_to("busy", target)) == len(b"at last")
    assert target.getvalue() == b"at last"
    assert Server.busy_left == 0


def test_download_blob_to_refuses_a_non_target(jmap):
    with pytest.raises(TypeError):
        jmap(jmap.client.download_blob_to("big", 42))


class CountingReader(io.FileIO):
    reads = 0

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        return super().read(size)

    def readinto(self, buffer: Any) -> int | None:
        self.reads += 1
        return super().readinto(buffer)


def _uploaded(check: Callable[[], Any]) -> dict[str, Any]:
    Server.uploads.clear()
    check()
    assert len(Server.uploads) == 1
    return Server.uploads[0]


def test_upload_a_path_and_a_file_object(jmap, tmp_path: Path):
    path = tmp_path / "up.bin"
    path.write_bytes(BIG)
    sha = hashlib.sha256(BIG).hexdigest()

    got = _uploaded(lambda: jmap(jmap.client.upload_blob(path, "application/x-test")))
    assert got == {"size": len(BIG), "type": "application/x-test", "sha": sha}

    with CountingReader(path, "rb") as file:
        got = _uploaded(lambda: jmap(jmap.client.upload_blob(file, "application/x-test")))
        assert file.reads > 1  # read as it is sent, not whole
    assert got["size"] == len(BIG) and got["sha"] == sha

    # bytes and text still upload as before
    got = _uploaded(lambda: jmap(jmap.client.upload_blob(b"small", "text/plain")))
    assert got["size"] == 5
    got = _uploaded(lambda: jmap(jmap.client.upload_blob("héllo", "text/plain")))
    assert got["size"] == len("héllo".encode())


def test_upload_refuses_what_is_not_data(jmap):
    with pytest.raises(TypeError):
        jmap(jmap.client.upload_blob(42, "text/plain"))
