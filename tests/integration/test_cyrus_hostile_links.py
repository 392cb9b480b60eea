"""A calendar user's link cannot take the password elsewhere, on the real Cyrus (item 1).

Anyone who can put an event into your calendar (an invitation) chooses its ATTACH URIs.
A backslash URL such as ``http://localhost:OTHER\\@127.0.0.1:CYRUS/x`` passed the old
same-origin check (it reads as Cyrus's origin to urllib.parse) while the HTTP library
connected to localhost:OTHER with the Authorization header.  A second loopback server
records what reaches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.hostile.server import HostileServer, Reply
from tests.integration.support import ics


@pytest.fixture
def other() -> Iterator[HostileServer]:
    with HostileServer() as server:
        server.default = Reply(200, {"Content-Type": "text/plain"}, b"stolen")
        yield server


def test_attachment_links_never_carry_credentials_elsewhere(jmap, uid, other, cyrus_url):
    cyrus = urlsplit(cyrus_url)
    links = [
        f"http://localhost:{other.port}\\@{cyrus.hostname}:{cyrus.port}/steal",
        f"{other.url}/plain",
    ]
    extra = "\n".join(f"ATTACH;FMTTYPE=text/plain:{link}" for link in links)
    event_id = jmap(jmap.client.create_event("Default", ics(uid, "Invitation", extra=extra)))
    stored = jmap(jmap.client.get_event_object(event_id)).jscal.get("links") or {}
    assert sorted(link["href"] for link in stored.values()) == sorted(links)  # Cyrus kept them
    assert jmap(jmap.client.get_attachments(event_id)) == []  # neither is the server's
    assert other.received == []
    jmap(jmap.client.delete_event(event_id))
