"""Lenient input (issue 12, class 2): one property that cannot be read no longer rejects
its object. It is kept verbatim in the unconverted data, one warning per conversion names
it, and the rest converts; only an object none of whose properties can be read is refused.
The output never carries the unreadable line (it would make it invalid)."""

from __future__ import annotations

import logging

import pytest

from caldav.jmap.convert import ical_to_jscal, ical_to_jscal_all, jscal_to_ical
from caldav.jmap.convert.model import parse_ical
from caldav.jmap.convert.preserve import VENDOR_KEY
from caldav.jmap.error import JMAPConversionError


def feed(*events: list[str]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//holidays//EN"]
    for i, extra in enumerate(events):
        lines += ["BEGIN:VEVENT", f"UID:h{i}@example.com", "DTSTAMP:20260101T000000Z"]
        lines += [f"DTSTART;VALUE=DATE:2026010{i + 1}", f"SUMMARY:Holiday {i}", *extra]
        lines.append("END:VEVENT")
    return "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"


def kept(obj: dict) -> list[str]:
    return [p[3] for p in obj.get(VENDOR_KEY, {}).get("properties", []) if p[0] == ""]


def test_an_empty_rrule_costs_only_itself(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "caldav.jmap.convert"):
        events = ical_to_jscal_all(feed(["RRULE:"], ["RRULE:"], []))
    assert [e["title"] for e in events] == ["Holiday 0", "Holiday 1", "Holiday 2"]
    assert "recurrenceRules" not in events[0] and kept(events[0]) == ["RRULE:"]
    assert len(caplog.records) == 1  # one warning for the whole conversion
    assert "RRULE" in caplog.text and "without FREQ" in caplog.text
    back = jscal_to_ical(events)
    assert "RRULE" not in back and back.count("BEGIN:VEVENT") == 3


def test_an_invalid_trigger_keeps_the_event_and_the_trigger_verbatim() -> None:
    alarm = ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:230000", "END:VALARM"]
    event = ical_to_jscal(feed(alarm))
    assert event["title"] == "Holiday 0"
    [alert] = event["alerts"].values()  # the alert, at the default trigger (RFC 8984)
    assert kept(alert) == ["TRIGGER:230000"]
    out = parse_ical(jscal_to_ical(event)).components[0]
    assert out.first("SUMMARY").value == "Holiday 0"
    assert [p.value for p in out.components[0].all("TRIGGER")] == ["PT0S"]


@pytest.mark.parametrize(
    "line",
    ["DESCRIPTION", 'ORGANIZER;CN="unterminated:mailto:a@b', "LOCATION;NOEQUALS:x"],
)
def test_a_line_that_is_no_content_line_is_kept_verbatim(line: str) -> None:
    event = ical_to_jscal(feed([line]))
    assert event["title"] == "Holiday 0" and kept(event) == [line]
    assert line not in jscal_to_ical(event)


def test_unbalanced_end_lines_are_repaired() -> None:
    text = feed(["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT5M"]).replace(
        "END:VEVENT", "END:VTODO\r\nEND:VEVENT"
    )  # VALARM never ended, a stray END:VTODO
    event = ical_to_jscal(text)
    assert [a["trigger"]["offset"] for a in event["alerts"].values()] == ["-PT5M"]


def test_a_bad_recurrence_rule_part_keeps_the_series_start() -> None:
    event = ical_to_jscal(feed(["RRULE:FREQ=SOMETIMES"]))
    assert event["start"] == "2026-01-01T00:00:00" and kept(event) == ["RRULE:FREQ=SOMETIMES"]


def test_an_object_with_nothing_readable_is_refused() -> None:
    text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    with pytest.raises(JMAPConversionError, match="nothing in this VEVENT"):
        ical_to_jscal(text)
