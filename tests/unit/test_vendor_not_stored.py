"""Naming what a server without vendor properties does not store (issue 12, item 8), in
iCalendar terms rather than internal paths."""

from __future__ import annotations

import logging

import pytest

from caldav.jmap._servers.vendor import describe_dropped, for_server, strip_vendor_properties
from caldav.jmap.convert import ical_to_jscal

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-CALNAME:c\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nCOMMENT:hi\r\n"
    "X-MS-OLK-CONFTYPE:0\r\nATTENDEE;X-NUM-GUESTS=2:mailto:a@example.com\r\n"
    "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:ring\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_dropped_vendor_data_is_described_by_icalendar_names() -> None:
    event = ical_to_jscal(ICS)
    event["example.com:color"] = "red"
    _, dropped = strip_vendor_properties(event)
    names = describe_dropped(event, dropped)
    assert set(names) == {
        "the alarm's DESCRIPTION",
        "a participant's parameters",
        "COMMENT",
        "X-MS-OLK-CONFTYPE",
        "the calendar's X-WR-CALNAME",
        "example.com:color",
    }
    assert not any("/" in name or "python-caldav" in name for name in names)


def test_markers_alone_are_not_reported() -> None:
    event = {"uid": "1", "python-caldav:iCalendar": {"idParameter": "X-JMAP-ID"}}
    _, dropped = strip_vendor_properties(event)
    assert dropped == ["python-caldav:iCalendar"] and describe_dropped(event, dropped) == []
    found: dict[str, list[str]] = {}
    assert "python-caldav:iCalendar" not in for_server(False, event, "event 1", found)
    assert found == {}  # nothing to report


def test_for_server_records_instead_of_logging(caplog: pytest.LogCaptureFixture) -> None:
    event = ical_to_jscal(ICS)
    found: dict[str, list[str]] = {}
    with caplog.at_level(logging.WARNING, "caldav.jmap"):
        kept = for_server(False, event, "event 1", found)
    assert "python-caldav:iCalendar" not in str(kept) and not caplog.records
    assert "COMMENT" in found["event 1"]
    assert for_server(True, event, "event 1") is event  # a server that stores them
