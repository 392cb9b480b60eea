"""Parameter values as producers write them (issue 12): a comma or semicolon escaped the
TEXT way inside an unquoted CN is part of the name, not a second value; an empty CN stays
an empty CN. Written back quoted, as RFC 5545 wants."""

from __future__ import annotations

import icalendar

from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.model import parse_line
from tests.unit.ical_text import vcalendar, vevent


def _organizer(line: str) -> tuple[str | None, str]:
    obj = ical_to_jscal(vcalendar("DTSTART:20240105T090000Z", line))
    [participant] = obj["participants"].values()
    organizer = vevent(jscal_to_ical(obj)).first("ORGANIZER")
    assert organizer is not None
    return participant.get("name"), organizer.param("CN") or ""


def test_escaped_comma_in_cn_is_part_of_the_name() -> None:
    name, written = _organizer(r"ORGANIZER;CN=Society\, 2014:mailto:s@example.com")
    assert name == written == "Society, 2014"


def test_escaped_semicolon_in_cn_is_part_of_the_name() -> None:
    name, written = _organizer(r"ORGANIZER;CN=Smith\; Jones\, Ltd:mailto:s@example.com")
    assert name == written == "Smith; Jones, Ltd"
    obj = ical_to_jscal(vcalendar(r"ORGANIZER;CN=Smith\; Jones\, Ltd:mailto:s@example.com"))
    back = icalendar.Calendar.from_ical(jscal_to_ical(obj))
    [event] = back.walk("VEVENT")
    assert event["ORGANIZER"].params["CN"] == "Smith; Jones, Ltd"


def test_empty_cn_is_kept() -> None:
    name, written = _organizer('ORGANIZER;CN="":mailto:s@example.com')
    assert name == written == ""
    text = jscal_to_ical(ical_to_jscal(vcalendar('ORGANIZER;CN="":mailto:s@example.com')))
    assert "ORGANIZER;CN=:mailto:s@example.com" in text.replace('CN=""', "CN=")


def test_unescaped_comma_still_separates_values() -> None:
    prop = parse_line("ATTENDEE;CUTYPE=GROUP,ROOM:mailto:c@x")
    assert prop.params["CUTYPE"] == ["GROUP", "ROOM"]
    assert parse_line(r"X-A;X-P=a\b:v").params["X-P"] == [r"a\b"]  # other backslashes stay
