"""What Cyrus 3.10 does not store is told in human terms, once per call (issue 12, item 8).

Cyrus refuses vendor-specific JSCalendar properties, so what the converter keeps in
python-caldav:iCalendar (COMMENT, X- properties, an alarm's DESCRIPTION, VCALENDAR
properties) is left out for it. The client says which, per event, in one warning for the
whole create_events call, with the iCalendar names, never internal paths."""

from __future__ import annotations


def _ics(uid: str, extra: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nX-WR-CALNAME:Team\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270105T100000Z\r\n"
        f"DURATION:PT1H\r\nSUMMARY:Meeting\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_one_line_names_what_the_server_does_not_store(jmap, uid, caplog):
    alarm = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Ring\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\n"
    first = _ics(uid, "COMMENT:bring slides\r\nX-MS-OLK-CONFTYPE:0\r\n" + alarm)
    second = _ics("2" + uid, "COMMENT:second\r\n")
    with caplog.at_level("WARNING", logger="caldav.jmap"):
        ids = jmap(jmap.client.create_events("Default", [first, second]))
    lines = [r.getMessage() for r in caplog.records if "does not store" in r.getMessage()]
    assert len(lines) == 1, lines  # one line for the call, not one per event
    line = lines[0]
    assert f"event {uid}: the alarm's DESCRIPTION, COMMENT, X-MS-OLK-CONFTYPE and the " in line
    assert f"event 2{uid}: COMMENT and the calendar's X-WR-CALNAME" in line
    assert "python-caldav:iCalendar" not in line and "alerts/" not in line
    # and what Cyrus stores natively came through
    for event_id in ids:
        text = jmap(jmap.client.get_event(event_id))
        assert "SUMMARY:Meeting" in text
    first_back = jmap(jmap.client.get_event(ids[0]))
    assert "BEGIN:VALARM" in first_back and "TRIGGER:-PT5M" in first_back
