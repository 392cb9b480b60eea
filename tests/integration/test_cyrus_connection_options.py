"""python-caldav's connection options against the local Cyrus, with both clients: a proxy,
HTTP Digest, and the peers' session names (fetch_session(url, auth), Session.account_id).

Cyrus here authenticates with Basic only, so Digest is tested through a gate on loopback
that demands Digest, checks the client's answer (RFC 7616, qop=auth, MD5) and forwards the
request to Cyrus with Basic credentials.  The proxy is tests/integration/fault_proxy.py
with no faults, reached as an HTTP forward proxy.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import secrets
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

import pytest
from caldav.requests import HTTPBearerAuth

from caldav.jmap import AsyncJMAPClient, JMAPAuthError, JMAPClient
from caldav.jmap.session import async_fetch_session, fetch_session

from .conftest import PASSWORD
from .fault_proxy import FaultProxy

REALM = "caldav-jmap-tests"


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - RFC 7616's MD5


class DigestGate(FaultProxy):
    """Answers 401 with a Digest challenge unless the request carries a correct answer."""

    def __init__(self, upstream: str, username: str, password: str) -> None:
        super().__init__(upstream, {"ok": 1.0})
        self.username, self.password = username, password
        self.nonce = secrets.token_hex(8)
        self.accepted = 0
        self.basic = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()

    def valid(self, handler: BaseHTTPRequestHandler) -> bool:
        header = handler.headers.get("Authorization", "")
        if not header.startswith("Digest "):
            return False
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header[len("Digest ") :]))
        ha1 = md5(f"{self.username}:{REALM}:{self.password}")
        ha2 = md5(f"{handler.command}:{fields.get('uri')}")
        expected = md5(f"{ha1}:{self.nonce}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        return fields.get("username") == self.username and fields.get("response") == expected

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        if not self.valid(handler):
            length = int(handler.headers.get("Content-Length") or 0)
            if length:
                handler.rfile.read(length)
            challenge = f'Digest realm="{REALM}", nonce="{self.nonce}", qop="auth"'
            self.reply(handler, 401, [("WWW-Authenticate", challenge)], b"digest needed")
            return
        self.accepted += 1
        del handler.headers["Authorization"]
        handler.headers["Authorization"] = self.basic
        super().handle(handler)


def origin(url: str) -> str:
    return "{0.scheme}://{0.netloc}".format(urlsplit(url))


def run(kind: str, make: Any, use: Any) -> Any:
    """``use(client)`` with a sync or async client from ``make(cls)``; closed afterwards."""
    if kind == "sync":
        with make(JMAPClient) as client:
            return use(client)

    async def main() -> Any:
        client = make(AsyncJMAPClient)
        try:
            return await use(client)
        finally:
            await client.aclose()

    return asyncio.run(main())


async def _calendar_names(client: AsyncJMAPClient) -> list[str]:
    return [c.name for c in await client.get_calendars()]


def calendar_names(kind: str) -> Any:
    return (lambda c: [x.name for x in c.get_calendars()]) if kind == "sync" else _calendar_names


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_proxy_carries_every_request(kind: str, cyrus_url: str, monkeypatch) -> None:
    for name in ("no_proxy", "NO_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with FaultProxy(origin(cyrus_url), {"ok": 1.0}) as proxy:
        names = run(
            kind,
            lambda cls: cls(cyrus_url, "user1", PASSWORD, proxy=proxy.url.removeprefix("http://")),
            calendar_names(kind),
        )
        assert names and proxy.seen["ok"] >= 2  # the session and the API call, through it


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_digest_auth(kind: str, cyrus_url: str) -> None:
    # the session URL itself: Cyrus's redirect from /.well-known/jmap names its own origin
    path = urlsplit(fetch_session(cyrus_url, "user1", PASSWORD).url).path
    with DigestGate(origin(cyrus_url), "user1", PASSWORD) as gate:
        names = run(
            kind,
            lambda cls: cls(gate.url + path, "user1", PASSWORD, auth_type="digest"),
            calendar_names(kind),
        )
        assert names and gate.accepted >= 2
        with pytest.raises(JMAPAuthError):
            run(
                kind,
                lambda cls: cls(gate.url + path, "user1", "wrong", auth_type="digest"),
                calendar_names(kind),
            )


def test_fetch_session_in_the_peers_form_and_their_session_names(cyrus_url: str) -> None:
    ours = fetch_session(cyrus_url, "user1", PASSWORD)
    theirs = fetch_session(cyrus_url, ("user1", PASSWORD), 20)
    assert theirs.account_id == ours.account_id == ours.account_id_for()
    assert "urn:ietf:params:jmap:calendars" in theirs.account_capabilities
    assert "urn:ietf:params:jmap:core" in theirs.server_capabilities
    asynchronous = asyncio.run(async_fetch_session(cyrus_url, ("user1", PASSWORD)))
    assert asynchronous.account_id == ours.account_id
    with pytest.raises(JMAPAuthError):
        fetch_session(cyrus_url, HTTPBearerAuth("not-a-token"))
