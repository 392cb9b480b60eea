"""The transports against a tiny HTTP server on loopback: enormous and truncated answers.

Cyrus cannot be made to send these; a local server that misbehaves on purpose can.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from caldav.jmap._protocol.http import HTTPRequest
from caldav.jmap._transport import AsyncTransport, SyncTransport
from caldav.jmap.error import JMAPConnectionError, JMAPError

LIMIT = 100_000


class Misbehaving(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Length", str(10 * LIMIT))
            self.end_headers()
            self.wfile.write(b"x" * 1000)
        elif self.path == "/streamed-huge":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(30):
                chunk = b"y" * 10_000
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"{" * 100)
            self.close_connection = True
        else:
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def get(url: str) -> HTTPRequest:
    return HTTPRequest("GET", url)


def test_sync_transport_refuses_enormous_and_reports_truncated(server):
    with SyncTransport() as transport:
        transport.max_response_bytes = LIMIT
        assert transport.send(get(server + "/fine")).body == b'{"ok": true}'
        with pytest.raises(JMAPError, match="declares 1000000 bytes"):
            transport.send(get(server + "/declared-huge"))
        with pytest.raises(JMAPError, match="larger than 100000 bytes"):
            transport.send(get(server + "/streamed-huge"))
        with pytest.raises(JMAPConnectionError):
            transport.send(get(server + "/truncated"))


async def test_async_transport_refuses_enormous_and_reports_truncated(server):
    async with AsyncTransport() as transport:
        transport.max_response_bytes = LIMIT
        assert (await transport.send(get(server + "/fine"))).body == b'{"ok": true}'
        with pytest.raises(JMAPError, match="declares 1000000 bytes"):
            await transport.send(get(server + "/declared-huge"))
        with pytest.raises(JMAPError, match="larger than 100000 bytes"):
            await transport.send(get(server + "/streamed-huge"))
        with pytest.raises(JMAPConnectionError):
            await transport.send(get(server + "/truncated"))
