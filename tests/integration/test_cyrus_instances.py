"""Recurrence instances through Cyrus 3.10 (issue 12, classes 1, 4, 5): an instance that
repeats its series (Google exports) stays an instance with its own timestamps, no RDATE
appears, and STATUS:CONFIRMED survives."""

from __future__ import annotations

from caldav.jmap.convert.model import parse_ical


def _ics(uid: str) -> str:
    series = (
        f"UID:{uid}\r\nDTSTAMP:20260201T000000Z\r\nCREATED:20251201T000000Z\r\n"
        "DTSTART;TZID=Europe/Berlin:20270104T100000\r\nDTEND;TZID=Europe/Berlin:20270104T110000\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=5\r\nSTATUS:CONFIRMED\r\nSUMMARY:Weekly\r\n"
    )
    instance = (
        f"UID:{uid}\r\nRECURRENCE-ID;TZID=Europe/Berlin:20270111T100000\r\n"
        "DTSTAMP:20260301T000000Z\r\nCREATED:20251203T000000Z\r\n"
        "DTSTART;TZID=Europe/Berlin:20270111T100000\r\nDTEND;TZID=Europe/Berlin:20270111T110000\r\n"
        "STATUS:CONFIRMED\r\nSUMMARY:Weekly\r\n"
    )
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//EN\r\n"
        f"BEGIN:VEVENT\r\n{series}END:VEVENT\r\nBEGIN:VEVENT\r\n{instance}END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


def test_an_instance_equal_to_its_series_survives_cyrus(jmap, uid):
    event_id = jmap(jmap.client.create_event("Default", _ics(uid)))
    try:
        root = parse_ical(jmap(jmap.client.get_event(event_id)))
        events = [c for c in root.components if c.name == "VEVENT"]
        assert len(events) == 2
        series = next(c for c in events if c.first("RECURRENCE-ID") is None)
        instance = next(c for c in events if c.first("RECURRENCE-ID") is not None)
        assert series.first("RDATE") is None  # no duplicate of the generated occurrence
        assert instance.first("RECURRENCE-ID").value == "20270111T100000"
        assert instance.first("CREATED").value == "20251203T000000Z"  # its own, not the series'
        assert series.first("CREATED").value == "20251201T000000Z"
        assert [c.first("STATUS").value for c in events] == ["CONFIRMED", "CONFIRMED"]
    finally:
        jmap(jmap.client.delete_event(event_id))
