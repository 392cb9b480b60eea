"""Styled descriptions for servers that store plain text only (the Cyrus 3.10 rule is
exercised against Cyrus in tests/integration/test_cyrus_roundtrip.py; these are the pure
parts, with inputs Cyrus would never show)."""

from __future__ import annotations

import logging

from caldav.jmap._servers.description import (
    html_to_text,
    is_description_type,
    plain_description,
)
from caldav.jmap._servers.profile import profile_of
from caldav.jmap.convert.preserve import VENDOR_KEY


def test_html_to_text() -> None:
    html = (
        "<html><head><style>p {color: red}</style></head><body><p>Agenda:</p>"
        "<ul><li>one &amp; two</li><li>three<br>four</li></ul></body></html>"
    )
    assert html_to_text(html) == "Agenda:\none & two\nthree\nfour"
    assert html_to_text("no markup") == "no markup"
    assert html_to_text("<b>unclosed") == "unclosed"


def test_plain_copy_of_the_source_wins(caplog) -> None:
    event = {
        "title": "t",
        "description": "<b>bold</b>",
        "descriptionContentType": "text/html",
        VENDOR_KEY: {
            "properties": [["description", {"derived": "TRUE"}, "unknown", "bold\\, plain"]]
        },
    }
    with caplog.at_level(logging.WARNING, logger="caldav.jmap"):
        out = plain_description(event, "event a")
    assert out["description"] == "bold, plain" and "descriptionContentType" not in out
    assert "text/html description was sent as plain text" in caplog.text
    assert event["descriptionContentType"] == "text/html"  # the input is not changed


def test_overrides_and_other_types() -> None:
    event = {
        "description": "x",
        "recurrenceOverrides": {
            "2026-01-05T10:00:00": {
                "description": "<i>moved</i>",
                "descriptionContentType": "text/html",
            },
            "2026-01-12T10:00:00": {"excluded": True},
        },
    }
    out = plain_description(event, "event a")
    assert out["recurrenceOverrides"]["2026-01-05T10:00:00"] == {"description": "moved"}
    assert out["recurrenceOverrides"]["2026-01-12T10:00:00"] == {"excluded": True}
    # a text/plain object is left as it is; other text types keep their text
    plain = {"description": "a", "descriptionContentType": "text/plain"}
    assert plain_description(plain, "e") is plain
    markdown = plain_description(
        {"description": "*a*", "descriptionContentType": "text/markdown"}, "e"
    )
    assert markdown == {"description": "*a*"}


def test_refusal_recognised_at_any_depth() -> None:
    assert is_description_type("descriptionContentType")
    assert is_description_type("recurrenceOverrides/2026-01-05T10:00:00/descriptionContentType")
    assert not is_description_type("description") and not is_description_type("title")


class PlainOnlyServer:
    """A CalendarEvent/set that refuses vendor properties and any description content type
    but text/plain, one kind per answer, as a strict server does: the client must learn
    both (an unknown server starts without Cyrus's defaults)."""

    def __init__(self) -> None:
        self.stored: dict[str, dict] = {}

    def set(self, args: dict) -> dict:
        created, not_created = {}, {}
        for key, obj in (args.get("create") or {}).items():
            vendor = [k for k in obj if ":" in k]
            if vendor:
                not_created[key] = {"type": "invalidProperties", "properties": vendor}
            elif obj.get("descriptionContentType", "text/plain") != "text/plain":
                refused = ["descriptionContentType"]
                not_created[key] = {"type": "invalidProperties", "properties": refused}
            else:
                new_id = f"e{len(self.stored) + 1}"
                self.stored[new_id] = obj
                created[key] = {"id": new_id}
        return {"newState": "s2", "created": created, "notCreated": not_created}


STYLED = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\n"
    "STYLED-DESCRIPTION;VALUE=TEXT;FMTTYPE=text/html:<p>styled</p>\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_a_server_refusing_styled_descriptions_is_learned() -> None:
    from .fake_jmap import FakeJMAP, sync_client

    store = PlainOnlyServer()
    server = FakeJMAP({"CalendarEvent/set": store.set})
    client = sync_client(server)
    assert client.create_event("C1", STYLED.format(uid="a")) == "e1"
    assert store.stored["e1"]["description"] == "styled"
    assert "descriptionContentType" not in store.stored["e1"]
    dialect = profile_of(client._conn)
    assert (dialect.vendor_properties, dialect.plain_descriptions) == (False, True)
    sets = [n for n, _ in server.api_calls if n == "CalendarEvent/set"]
    assert len(sets) == 3  # refused for the vendor property, then for the content type
    # remembered, and the bulk path adapts the same way
    result = client.create_events("C1", [STYLED.format(uid="b"), STYLED.format(uid="c")])
    assert len(result) == 2 and len(store.stored) == 3
    assert len([n for n, _ in server.api_calls if n == "CalendarEvent/set"]) == 4


def test_bulk_create_learns_one_refusal_after_the_other() -> None:
    from .fake_jmap import FakeJMAP, sync_client

    store = PlainOnlyServer()
    server = FakeJMAP({"CalendarEvent/set": store.set})
    client = sync_client(server)
    ids = client.create_events("C1", [STYLED.format(uid="a"), STYLED.format(uid="b")])
    assert ids == ["e1", "e2"]
    assert {obj["description"] for obj in store.stored.values()} == {"styled"}
    assert len([n for n, _ in server.api_calls if n == "CalendarEvent/set"]) == 3
