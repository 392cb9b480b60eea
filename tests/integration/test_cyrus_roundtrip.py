"""The iCalendar round trip through the server: what goes in comes back out.

Cyrus 3.10 changes some things itself (listed in docs/servers.md): it sets DTSTAMP, and it
stores no vendor-specific properties, so X- properties, COMMENT and alarm descriptions sent
over JMAP are lost there.  Everything else is checked here.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import icalendar

RICH = (Path(__file__).parent / "data" / "rich_event.ics").read_text()


def components(ical_str):
    cal = icalendar.Calendar.from_ical(ical_str)
    master = next(c for c in cal.walk("VEVENT") if "RECURRENCE-ID" not in c)
    overrides = {c["RECURRENCE-ID"].dt: c for c in cal.walk("VEVENT") if "RECURRENCE-ID" in c}
    return cal, master, overrides


def attendees(component):
    found = {}
    for attendee in component.get("ATTENDEE", []):
        address = str(attendee)
        found[address.lower()] = {k.upper(): str(v) for k, v in attendee.params.items()}
    return found


def test_rich_event_round_trip(jmap, uid):
    event_id = jmap(jmap.client.create_event("Default", RICH.replace("{uid}", uid)))
    cal, ev, overrides = components(jmap(jmap.client.get_event(event_id)))

    assert str(ev["UID"]) == uid
    assert str(ev["SUMMARY"]) == "Weekly sync"
    assert str(ev["DESCRIPTION"]) == "Agenda:\n- items"
    assert str(ev["LOCATION"]) == "Room 1"
    assert sorted(str(c) for c in ev.categories) == ["meeting", "team", "work"]
    assert int(ev["PRIORITY"]) == 5
    assert str(ev["CLASS"]) == "PRIVATE"
    assert str(ev["TRANSP"]) == "TRANSPARENT"
    assert str(ev["COLOR"]) == "red"
    assert str(ev["STATUS"]) == "TENTATIVE"
    assert int(ev["SEQUENCE"]) == 3
    assert ev["CREATED"].dt == datetime(2025, 12, 1, 10, 10, 10, tzinfo=timezone.utc)

    # times: the zone is kept, and the VTIMEZONE it needs is there
    assert str(ev["DTSTART"].params["TZID"]) == "America/New_York"
    assert ev["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 1, 5, 9, 0)
    assert ev["DTEND"].dt - ev["DTSTART"].dt == timedelta(hours=1)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]

    # recurrence: rule, exclusion and the moved instance
    rule = ev["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["MO"] and rule["COUNT"] == [10]
    exdates = ev.get("EXDATE", [])
    exdates = exdates if isinstance(exdates, list) else [exdates]
    excluded = [d.dt.replace(tzinfo=None) for e in exdates for d in e.dts]
    assert excluded == [datetime(2026, 1, 12, 9, 0)]
    [(recurrence_id, moved)] = overrides.items()
    assert recurrence_id.replace(tzinfo=None) == datetime(2026, 1, 19, 9, 0)
    assert str(moved["SUMMARY"]) == "Weekly sync (moved)"
    assert str(moved["LOCATION"]) == "Room 2"
    assert str(moved["STATUS"]) == "CONFIRMED"
    assert moved["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 1, 19, 11, 0)
    assert moved["DTEND"].dt - moved["DTSTART"].dt == timedelta(hours=1, minutes=30)
    assert str(moved["DTSTART"].params["TZID"]) == "America/New_York"

    # scheduling: organizer and attendees with their parameters
    assert str(ev["ORGANIZER"]).lower() == "mailto:user1@internal"
    assert ev["ORGANIZER"].params["CN"] == "Alice"
    people = attendees(ev)
    alice = people["mailto:user1@internal"]
    assert (alice["CN"], alice["PARTSTAT"], alice["ROLE"]) == ("Alice", "ACCEPTED", "CHAIR")
    bob = people["mailto:bob@example.com"]
    assert (bob["CN"], bob["ROLE"], bob["RSVP"]) == ("Bob", "OPT-PARTICIPANT", "TRUE")
    resource = people["urn:uuid:1234"]
    assert (resource["CUTYPE"], resource["ROLE"]) == ("RESOURCE", "NON-PARTICIPANT")

    # alarms: relative and absolute triggers
    triggers = sorted(str(a["TRIGGER"].to_ical(), "ascii") for a in ev.walk("VALARM"))
    assert triggers == ["-PT15M", "20260105T130000Z"]
    assert {str(a["ACTION"]) for a in ev.walk("VALARM")} == {"DISPLAY"}
    jmap(jmap.client.delete_event(event_id))


def test_all_day_and_floating_and_utc(jmap, uid):
    all_day = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20260301\r\nDTEND;VALUE=DATE:20260303\r\nSUMMARY:Trip\r\n"
        "RRULE:FREQ=YEARLY;UNTIL=20300301\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    event_id = jmap(jmap.client.create_event("Default", all_day))
    _, ev, _ = components(jmap(jmap.client.get_event(event_id)))
    assert ev["DTSTART"].params.get("VALUE") == "DATE" or not hasattr(ev["DTSTART"].dt, "hour")
    assert str(ev["DTSTART"].to_ical(), "ascii") == "20260301"
    assert ev["DTEND"].dt - ev["DTSTART"].dt == timedelta(days=2)
    assert str(ev["RRULE"]["UNTIL"][0]) == "2030-03-01"  # an all-day UNTIL stays a DATE
    jmap(jmap.client.delete_event(event_id))

    for start, expect_tz in (("20260301T100000Z", "UTC"), ("20260301T100000", None)):
        other = (
            all_day.replace(uid, "x" + uid)
            .replace(
                "DTSTART;VALUE=DATE:20260301\r\nDTEND;VALUE=DATE:20260303",
                f"DTSTART:{start}\r\nDURATION:PT30M",
            )
            .replace("RRULE:FREQ=YEARLY;UNTIL=20300301\r\n", "")
        )
        event_id = jmap(jmap.client.create_event("Default", other))
        _, ev, _ = components(jmap(jmap.client.get_event(event_id)))
        tz = ev["DTSTART"].dt.tzinfo
        assert (
            (tz is None)
            if expect_tz is None
            else (tz is not None and ev["DTSTART"].dt.utcoffset() == timedelta(0))
        )
        assert "TZID" not in ev["DTSTART"].params
        jmap(jmap.client.delete_event(event_id))


def test_zero_offset_zone_is_not_utc(jmap, uid):
    london = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;TZID=Europe/London:20260115T090000\r\nDURATION:PT1H\r\nSUMMARY:London\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    event_id = jmap(jmap.client.create_event("Default", london))
    _, ev, _ = components(jmap(jmap.client.get_event(event_id)))
    assert str(ev["DTSTART"].params["TZID"]) == "Europe/London"
    jmap(jmap.client.delete_event(event_id))


def test_language_styled_description_and_show_without_time(jmap, uid, caplog):
    """SUMMARY's LANGUAGE (locale) and SHOW-WITHOUT-TIME survive Cyrus; the HTML description
    Cyrus refuses goes as its plain copy (logged), and Cyrus drops localizations."""
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;TZID=America/Chicago:20270521T080000\r\nDURATION:PT12H\r\n"
        "SHOW-WITHOUT-TIME;VALUE=BOOLEAN:TRUE\r\n"
        "SUMMARY;LANGUAGE=fr:Fête\r\nSUMMARY;LANGUAGE=en:Party\r\n"
        "DESCRIPTION;DERIVED=TRUE:hello\\, world\r\n"
        "STYLED-DESCRIPTION;VALUE=TEXT;FMTTYPE=text/html:<p>hello\\, <b>world</b></p>\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with caplog.at_level("WARNING", logger="caldav.jmap"):
        event_id = jmap(jmap.client.create_event("Default", ics))
    assert "plain-text descriptions only" in caplog.text
    _, ev, _ = components(jmap(jmap.client.get_event(event_id)))
    assert str(ev["SUMMARY"]) == "Fête" and ev["SUMMARY"].params["LANGUAGE"] == "fr"
    assert str(ev["SHOW-WITHOUT-TIME"]) == "TRUE"
    assert ev["DTSTART"].dt.replace(tzinfo=None) == datetime(2027, 5, 21, 8, 0)
    assert str(ev["DESCRIPTION"]) == "hello, world"
    assert "STYLED-DESCRIPTION" not in ev

    # without a plain copy the HTML's text is sent
    html_only = ics.replace("DESCRIPTION;DERIVED=TRUE:hello\\, world\r\n", "")
    other_id = jmap(jmap.client.create_event("Default", html_only.replace(uid, "2" + uid)))
    _, other, _ = components(jmap(jmap.client.get_event(other_id)))
    assert str(other["DESCRIPTION"]) == "hello, world"
    jmap(jmap.client.delete_events([event_id, other_id]))


def test_event_without_dtstart_is_refused_before_sending(jmap, uid):
    """RFC 5545 allows a VEVENT without DTSTART in iTIP messages only; the client refuses
    it with a typed error naming the property instead of sending it."""
    import pytest

    from caldav.jmap.error import JMAPBulkError, JMAPConversionError

    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:no start\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(JMAPConversionError) as error:
        jmap(jmap.client.create_event("Default", ics))
    assert error.value.property == "start"
    good = ics.replace("SUMMARY:no start", "DTSTART:20270101T100000Z\r\nSUMMARY:with start")
    with pytest.raises(JMAPBulkError) as bulk:
        jmap(jmap.client.create_events("Default", [good.replace(uid, "2" + uid), ics]))
    result = bulk.value.result
    assert set(result.failed) == {"1"} and isinstance(result.failed["1"], JMAPConversionError)
    jmap(jmap.client.delete_events(list(result.created.values())))
