"""The clients' ``http_send`` test hook: it replaces the HTTP library's exchange and only
that, so what lies above (the credential gate, size limits, decoding, the deadline,
logging, retries) still runs on its answers; and no configuration can set it."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import logging
import time
from typing import Any

import pytest

from caldav.jmap import (
    AsyncJMAPClient,
    HTTPRequest,
    HTTPResponse,
    JMAPClient,
    JMAPConnectionError,
    JMAPError,
    JMAPResponseLimitError,
    JMAPTimeoutError,
)
from caldav.jmap._api import client_kwargs, client_parameters
from caldav.jmap.config import ConfigurationError, get_connection_params

from .fake_jmap import BASE, WELL_KNOWN, FakeJMAP, async_client, session_json, sync_client
from .test_blob_streaming import BIG, server  # noqa: F401  (the loopback server fixture)


def calendars(args: dict[str, Any]) -> dict[str, Any]:
    return {"state": "1", "notFound": [], "list": [{"id": "c1", "name": "Home"}]}


def api(peer: FakeJMAP, answer: Any) -> None:
    """Answer the API requests with ``answer(request)``, the session as the fake does."""
    peer.front = lambda request: (
        answer(request) if request.url == BASE + "/jmap/api/" else peer(request)
    )


def test_the_hook_gets_the_request_as_it_goes_on_the_wire():
    peer = FakeJMAP({"Calendar/get": calendars})
    client = sync_client(peer, headers={"X-App": "mine"})
    assert [c.id for c in client.get_calendars()] == ["c1"]
    post = next(r for r in peer.requests if r.method == "POST")
    assert post.headers["X-App"] == "mine" and post.headers["User-Agent"] == "python-caldav-jmap"
    assert "gzip" in post.headers["Accept-Encoding"]
    basic = base64.b64encode(b"alice:pw").decode()
    assert post.headers["Authorization"] == f"Basic {basic}"
    assert json.loads(post.body)["methodCalls"][0][0] == "Calendar/get"


def test_the_hook_sees_the_credentials_only_where_the_client_sends_them():
    data = session_json()
    data["apiUrl"] = "https://collector.example.net/jmap/api/"
    peer = FakeJMAP({"Calendar/get": calendars}, session=data)

    def collector(request: HTTPRequest) -> HTTPResponse:
        moved = request.url.replace("https://collector.example.net", BASE)
        return peer(HTTPRequest(request.method, moved, request.headers, request.body))

    peer.front = collector
    with pytest.raises(JMAPError, match="another origin"):
        sync_client(peer).get_calendars()
    assert [r.method for r in peer.requests] == ["GET", "GET"]  # nothing went there
    peer.requests.clear()
    assert [c.id for c in sync_client(peer, allow_other_origins=True).get_calendars()] == ["c1"]
    # allowed: the session's URLs get the credentials, as the HTTP library would send them
    assert all(r.headers["Authorization"].startswith("Basic ") for r in peer.requests)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_compressed_answer_is_decoded_after_the_hook(kind):
    peer = FakeJMAP({"Calendar/get": calendars})

    def gzipped(request: HTTPRequest) -> HTTPResponse:
        body = gzip.compress(json.dumps(peer.api(json.loads(request.body))).encode())
        return peer.respond(200, body, {"Content-Encoding": "gzip"}, request.url)

    api(peer, gzipped)
    if kind == "sync":
        assert [c.id for c in sync_client(peer).get_calendars()] == ["c1"]
    else:
        assert [c.id for c in asyncio.run(async_client(peer).get_calendars())] == ["c1"]


def test_size_limits_apply_to_the_hooks_answer():
    peer = FakeJMAP({"Calendar/get": calendars})
    api(peer, lambda request: peer.respond(200, b"x", {"Content-Length": str(2**40)}))
    with pytest.raises(JMAPResponseLimitError, match="declares"):
        sync_client(peer).get_calendars()
    bomb = gzip.compress(b" " * (257 * 1024 * 1024), compresslevel=1)
    api(peer, lambda request: peer.respond(200, bomb, {"Content-Encoding": "gzip"}))
    with pytest.raises(JMAPResponseLimitError, match="larger than"):
        sync_client(peer).get_calendars()


def test_the_deadline_bounds_a_hook_that_never_answers():
    peer = FakeJMAP({"Calendar/get": calendars})

    def dripping(request: HTTPRequest):
        yield peer.respond(200, b"", url=request.url)
        while True:
            time.sleep(0.05)
            yield b" "

    api(peer, dripping)
    client = sync_client(peer, deadline=0.5)
    started = time.monotonic()
    with pytest.raises(JMAPTimeoutError):
        client.get_calendars()
    assert time.monotonic() - started < 5


async def test_the_deadline_bounds_an_async_hook_that_never_answers():
    peer = FakeJMAP({"Calendar/get": calendars})

    async def stalled(request: HTTPRequest) -> HTTPResponse:
        if request.url != BASE + "/jmap/api/":
            return peer(request)
        await asyncio.sleep(60)
        raise AssertionError("not reached")

    client = AsyncJMAPClient(
        WELL_KNOWN, "alice", "pw", deadline=0.3, http_send=lambda r, n: stalled(r)
    )
    with pytest.raises(JMAPTimeoutError):
        await asyncio.wait_for(client.get_calendars(), 10)


def test_a_broken_connection_from_the_hook_is_the_transports_error(monkeypatch):
    monkeypatch.setattr("caldav.jmap._transport.time.sleep", lambda seconds: None)
    peer = FakeJMAP({"Calendar/get": calendars})
    broken = ConnectionResetError("reset by peer")

    def breaking(request: HTTPRequest):
        yield peer.respond(200, b"", url=request.url)
        yield b'{"methodResp'
        raise broken

    api(peer, breaking)
    with pytest.raises(JMAPConnectionError, match="reset by peer") as raised:
        sync_client(peer).get_calendars()
    assert raised.value.__cause__ is broken and raised.value.sent


def test_the_hooks_exchanges_are_logged_without_credentials(caplog):
    peer = FakeJMAP({"Calendar/get": calendars})
    with caplog.at_level(logging.DEBUG, logger="caldav.jmap.http"):
        sync_client(peer, password="s3cret").get_calendars()
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "caldav.jmap.http")
    assert "Calendar/get" in text and '"Home"' in text and "s3cret" not in text


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_what_is_no_answer_is_a_typed_error(kind):
    with pytest.raises(TypeError, match="http_send must be callable"):
        JMAPClient(WELL_KNOWN, "alice", "pw", http_send="send")
    if kind == "sync":
        client = JMAPClient(WELL_KNOWN, "alice", "pw", http_send=lambda r, n: {"status": 200})
        with pytest.raises(JMAPError, match="must give an HTTPResponse"):
            client.get_session()
        client = JMAPClient(WELL_KNOWN, "alice", "pw", http_send=lambda r, n: [b"no head"])
        with pytest.raises(JMAPError, match="must give an HTTPResponse"):
            client.get_session()
        return

    async def body_first(request: HTTPRequest, network: Any):
        yield b"no head"

    client = AsyncJMAPClient(WELL_KNOWN, "alice", "pw", http_send=lambda r, n: 200)
    with pytest.raises(JMAPError, match="must give an HTTPResponse"):
        asyncio.run(client.get_session())
    client = AsyncJMAPClient(WELL_KNOWN, "alice", "pw", http_send=body_first)
    with pytest.raises(JMAPError, match="must give an HTTPResponse"):
        asyncio.run(client.get_session())


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_the_hook_can_hand_the_exchange_on_to_the_network(kind, server):  # noqa: F811
    seen: list[HTTPRequest] = []

    def observe(request: HTTPRequest, network: Any) -> Any:
        seen.append(request)
        return network(request)

    cls = JMAPClient if kind == "sync" else AsyncJMAPClient
    client = cls(server, username="u", password="p", http_send=observe)
    if kind == "sync":
        data = b"".join(client.iter_blob("big"))
        client.close()
    else:

        async def download() -> bytes:
            async with client:
                return b"".join([chunk async for chunk in client.iter_blob("big")])

        data = asyncio.run(download())
    assert data == BIG
    assert {r.method for r in seen} == {"GET"} and "/.well-known/jmap" in seen[0].url
    assert all(r.headers["Authorization"].startswith("Basic ") for r in seen)
    assert "/download/" in seen[-1].url


def test_no_configuration_can_set_the_hook(tmp_path, monkeypatch):
    assert "http_send" not in client_parameters()
    with pytest.raises(ConfigurationError, match="http_send"):
        client_kwargs({"url": WELL_KNOWN, "http_send": print})
    with pytest.raises(TypeError, match="http_send"):
        get_connection_params(url=WELL_KNOWN, http_send=print)
    config = tmp_path / "calendar.yaml"
    config.write_text(f"---\ndefault:\n  url: {WELL_KNOWN}\n  http_send: os.system\n")
    config.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert "http_send" not in (get_connection_params(config_file=str(config)) or {})
