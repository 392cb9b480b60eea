"""Credentials never reach another origin, through any URL the server hands out (item 1).

A second loopback server (``other_origin``) records whether an Authorization header
arrived.  A backslash URL such as ``http://localhost:OTHER\\@127.0.0.1:GOOD/`` reads as
127.0.0.1:GOOD to urllib.parse but connects to localhost:OTHER: every entry point must
refuse it (a typed DAVError), and send nothing anywhere else.
"""

from __future__ import annotations

import asyncio

import pytest
from caldav.lib.error import DAVError

from caldav.jmap import JMAPError
from caldav.jmap._protocol.http import HTTPRequest
from caldav.jmap._transport import AsyncTransport, SyncTransport, build_auth
from caldav.jmap.error import JMAPURLError
from tests.hostile.drivers import PASSWORD, USER
from tests.hostile.server import Reply, jmap_session

SERVICE_URLS = {
    "apiUrl": "/jmap/api/",
    "downloadUrl": "/jmap/download/{accountId}/{blobId}/{name}?accept={type}",
    "uploadUrl": "/jmap/upload/{accountId}/",
    "eventSourceUrl": "/jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}",
}

# what each entry point calls first, per session URL
ENTRY_POINTS = {
    "apiUrl": ("get_calendars", ()),
    "downloadUrl": ("download_blob", ("B1",)),
    "uploadUrl": ("upload_blob", (b"data", "text/plain")),
    "eventSourceUrl": ("first:watch", ()),
}


def hostile_urls(other, good) -> dict[str, str]:
    """Ambiguous URLs, each of which an unguarded client would send somewhere wrong."""
    return {
        "backslash": f"http://localhost:{other.port}\\@127.0.0.1:{good.port}",
        "userinfo": f"http://127.0.0.1:{other.port}:x@127.0.0.1:{good.port}",
        "control": f"http://127.0.0.1:{good.port}\t",
        "bad port": "http://127.0.0.1:99999",
        "template": "http://{host}:{port}",
    }


def call(driver, entry):
    name, args = entry
    if name.startswith("first:"):
        return driver.first(name[6:], *args)
    return driver(name, *args)


@pytest.mark.parametrize("key", list(SERVICE_URLS))
@pytest.mark.parametrize("kind", ["backslash", "userinfo", "control", "bad port", "template"])
def test_hostile_session_urls_are_refused_and_nothing_goes_elsewhere(
    hostile, other_origin, drive, key, kind
):
    url = hostile_urls(other_origin, hostile)[kind] + SERVICE_URLS[key]
    hostile.serve_jmap(session=jmap_session(**{key: url}))
    driver = drive(hostile.well_known)
    with pytest.raises(JMAPURLError) as refused:
        call(driver, ENTRY_POINTS[key])
    assert key in str(refused.value) and PASSWORD not in str(refused.value)
    assert other_origin.received == []
    # only the session was fetched; nothing was sent to the refused URL
    assert {r.path for r in hostile.received} <= {"/.well-known/jmap", "/jmap/session"}


def test_session_redirect_to_a_backslash_url_is_refused(hostile, other_origin, drive):
    target = hostile_urls(other_origin, hostile)["backslash"] + "/jmap/session"
    hostile.serve_jmap()
    hostile.route("/.well-known/jmap", Reply(302, {"Location": target}))
    with pytest.raises(JMAPURLError, match="redirect"):
        drive(hostile.well_known)("get_session")
    assert other_origin.received == []


def test_session_redirect_to_another_origin_is_refused(hostile, other_origin, drive):
    hostile.serve_jmap()
    hostile.route("/.well-known/jmap", Reply(302, {"Location": other_origin.url + "/s"}))
    with pytest.raises(JMAPError, match="another origin"):
        drive(hostile.well_known)("get_session")
    assert other_origin.received == []


def _event_with_links(links):
    return {
        "id": "e1",
        "uid": "u1",
        "@type": "Event",
        "title": "invitation",
        "start": "2026-01-01T10:00:00",
        "duration": "PT1H",
        "calendarIds": {"c1": True},
        "links": links,
    }


def test_attachment_hrefs_get_credentials_only_on_the_servers_origin(hostile, other_origin, drive):
    urls = hostile_urls(other_origin, hostile)
    links = {
        "bad": {"@type": "Link", "href": urls["backslash"] + "/steal", "rel": "enclosure"},
        "far": {"@type": "Link", "href": other_origin.url + "/steal", "rel": "enclosure"},
        "cid": {"@type": "Link", "href": "cid:part1@example.com", "rel": "enclosure"},
        "own": {
            "@type": "Link",
            "href": hostile.url + "/jmap/Attachments/a1",
            "rel": "enclosure",
            "title": "own.txt",
        },
    }
    event = _event_with_links(links)
    hostile.serve_jmap(
        {"CalendarEvent/get": lambda args: {"state": "1", "list": [event], "notFound": []}}
    )
    hostile.route("/jmap/Attachments/a1", Reply(200, {"Content-Type": "text/plain"}, b"mine"))
    found = drive(hostile.well_known)("get_attachments", "e1")
    assert [(name, data) for name, _, data in found] == [("own.txt", b"mine")]
    assert other_origin.received == []
    fetched = hostile.requests_to("/jmap/Attachments/a1")
    assert len(fetched) == 1 and fetched[0].authorization.startswith("Basic ")


def test_allow_other_origins_sends_credentials_to_the_session_urls_only(
    hostile, other_origin, drive
):
    other_origin.default = Reply.json({"methodResponses": [], "sessionState": "s1"})
    hostile.serve_jmap(session=jmap_session(apiUrl=other_origin.url + "/api"))
    driver = drive(hostile.well_known, allow_other_origins=True)
    driver("get_session")
    assert driver.client._conn.sends_credentials_to(other_origin.url + "/api")
    assert not driver.client._conn.sends_credentials_to("http://127.0.0.1:1/elsewhere")
    with pytest.raises(DAVError):
        driver.client._conn.sends_credentials_to(
            hostile_urls(other_origin, hostile)["backslash"] + "/x"
        )


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_the_transport_itself_never_sends_credentials_to_another_origin(
    hostile, other_origin, kind
):
    hostile.default = Reply.json({})
    auth = build_auth(USER, PASSWORD)
    requests = [HTTPRequest("GET", other_origin.url + "/x"), HTTPRequest("GET", hostile.url + "/y")]
    headers = {"Cookie": "session=secret"}  # what a caller may add with headers=
    if kind == "sync":
        with SyncTransport(auth, origin=hostile.url, headers=headers) as transport:
            for request in requests:
                transport.send(request)
    else:

        async def run():
            async with AsyncTransport(auth, origin=hostile.url, headers=headers) as transport:
                for request in requests:
                    await transport.send(request)

        asyncio.run(run())
    assert other_origin.received and other_origin.authorizations == []
    assert "cookie" not in other_origin.received[0].headers
    assert hostile.authorizations and hostile.authorizations[0].startswith("Basic ")
    assert hostile.received[0].headers["cookie"] == "session=secret"


def test_a_backslash_websocket_url_is_refused(hostile, other_origin, drive):
    url = f"ws://localhost:{other_origin.port}\\@127.0.0.1:{hostile.port}/ws"
    session = jmap_session()
    session["capabilities"]["urn:ietf:params:jmap:websocket"] = {"url": url, "supportsPush": True}
    hostile.serve_jmap(session=session)
    with pytest.raises(JMAPURLError, match="websocket"):
        drive(hostile.well_known)("use_websocket")
    assert other_origin.received == []
