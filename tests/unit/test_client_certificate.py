"""``ssl_cert`` (python-caldav's client certificate) and a CA-bundle ``ssl_verify_cert``,
with both clients, against a loopback HTTPS server that requires a client certificate.

The certificates are made here with the openssl command: a test CA, a server certificate
for 127.0.0.1 and a client certificate for "alice".  The server answers the session GET
with a canned Session object and records the client certificate's subject.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from caldav.jmap import AsyncJMAPClient, JMAPClient, JMAPConnectionError

from .fake_jmap import session_json

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True, timeout=60)


def issue(pki: Path, name: str, subject: str, extension: str) -> None:
    """``name``.pem/.key signed by the test CA."""
    (pki / f"{name}.ext").write_text(extension + "\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", pki / f"{name}.key",
            "-out", pki / f"{name}.csr", "-subj", subject)  # fmt: skip
    openssl("x509", "-req", "-in", pki / f"{name}.csr", "-CA", pki / "ca.pem",
            "-CAkey", pki / "ca.key", "-CAcreateserial", "-days", "2",
            "-out", pki / f"{name}.pem", "-extfile", pki / f"{name}.ext")  # fmt: skip


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pki = tmp_path_factory.mktemp("pki")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", pki / "ca.key", "-out", pki / "ca.pem", "-subj", "/CN=caldav-jmap test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    issue(pki, "server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1")
    issue(pki, "client", "/CN=alice", "extendedKeyUsage=clientAuth")
    return pki


class Server:
    """HTTPS on 127.0.0.1 that requires a client certificate signed by the test CA."""

    def __init__(self, pki: Path) -> None:
        self.subjects: list[Any] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.subjects.append(self.connection.getpeercert()["subject"])
                body = json.dumps(session_json()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pki / "server.pem", pki / "server.key")
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(pki / "ca.pem")
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}/.well-known/jmap"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)


@pytest.fixture
def server(pki: Path) -> Iterator[Server]:
    running = Server(pki)
    running.thread.start()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


def get_session(kind: str, url: str, **options: Any) -> Any:
    if kind == "sync":
        with JMAPClient(url, "alice", "pw", **options) as client:
            return client.get_session()

    async def main() -> Any:
        client = AsyncJMAPClient(url, "alice", "pw", **options)
        try:
            return await client.get_session()
        finally:
            await client.aclose()

    return asyncio.run(main())


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_client_certificate_is_presented(kind: str, server: Server, pki: Path) -> None:
    ca = str(pki / "ca.pem")
    cert = (str(pki / "client.pem"), str(pki / "client.key"))
    session = get_session(kind, server.url, ssl_verify_cert=ca, ssl_cert=cert)
    assert session.account_id == "A1"
    assert server.subjects == [((("commonName", "alice"),),)]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_without_the_certificate_the_server_refuses(kind: str, server: Server, pki: Path) -> None:
    with pytest.raises(JMAPConnectionError):
        get_session(kind, server.url, ssl_verify_cert=str(pki / "ca.pem"))
    assert server.subjects == []
