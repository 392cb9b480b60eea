"""Bearer tokens go out through python-caldav's caldav.requests.HTTPBearerAuth, with niquests
and with the requests fallback."""

from __future__ import annotations

import caldav.requests
import niquests
import requests
from caldav.requests import HTTPBearerAuth

from caldav.jmap._transport import build_auth


def test_build_auth_uses_python_caldavs_class() -> None:
    auth = build_auth(None, "tok")
    assert type(auth) is caldav.requests.HTTPBearerAuth
    assert auth == HTTPBearerAuth("tok") and auth != HTTPBearerAuth("other")
    assert "tok" not in repr(auth)


def test_niquests_session_sends_the_token() -> None:
    session = niquests.Session()
    session.auth = build_auth(None, "nsess")
    prepared = session.prepare_request(niquests.Request("POST", "https://jmap.example.com/api"))
    assert prepared.headers["Authorization"] == "Bearer nsess"


def test_requests_session_sends_the_token() -> None:
    session = requests.Session()
    session.auth = build_auth("alice", "sess", auth_type="bearer")
    prepared = session.prepare_request(requests.Request("GET", "https://jmap.example.com/"))
    assert prepared.headers["Authorization"] == "Bearer sess"
