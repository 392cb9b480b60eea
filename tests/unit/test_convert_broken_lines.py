"""Lines of real-world calendars that were lost on the way back (issue 12): an empty
parameter (``DTSTART;;VALUE=DATE-TIME``), an RFC 7529 rule with a 13th month; and the
broken values that stay in the JSCalendar object but are never written (valid output)."""

from __future__ import annotations

import icalendar

from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from tests.unit.ical_text import vcalendar, vevent


def test_empty_parameter_is_skipped() -> None:
    obj = ical_to_jscal(vcalendar("DTSTART;;VALUE=DATE-TIME:20140409T093000", "SUMMARY:x"))
    assert obj["start"] == "2014-04-09T09:30:00"
    start = vevent(jscal_to_ical(obj)).first("DTSTART")
    assert start is not None and start.value == "20140409T093000"


def test_thirteenth_month_of_a_non_gregorian_scale_is_written() -> None:
    rule = "RSCALE=ETHIOPIC;FREQ=MONTHLY;BYMONTH=13"
    obj = ical_to_jscal(vcalendar("DTSTART;VALUE=DATE:20130906", f"RRULE:{rule}"))
    assert obj["recurrenceRules"][0]["byMonth"] == ["13"]
    text = jscal_to_ical(obj)
    written = vevent(text).first("RRULE")
    assert written is not None and written.value == rule
    icalendar.Calendar.from_ical(text)


def test_thirteenth_gregorian_month_stays_out_of_rrule() -> None:
    obj = ical_to_jscal(vcalendar("DTSTART;VALUE=DATE:20130906", "RRULE:FREQ=MONTHLY;BYMONTH=13"))
    assert vevent(jscal_to_ical(obj)).first("RRULE") is None


def test_second_dtstart_is_kept_but_not_written() -> None:
    # a once-only property written twice (icalendar's custom-zone test calendars): the
    # first counts, the second travels in the unconverted data; the output has one DTSTART
    obj = ical_to_jscal(vcalendar("DTSTART:20140829T080000", "DTSTART:20140829T100000"))
    assert obj["start"] == "2014-08-29T08:00:00"
    assert "20140829T100000" in str(obj["python-caldav:iCalendar"])
    assert [p.value for p in vevent(jscal_to_ical(obj)).properties if p.name == "DTSTART"] == [
        "20140829T080000"
    ]


def test_spaces_in_a_property_name_and_value_type_are_dropped() -> None:
    text = vcalendar("DTSTART:20260319T090000Z").replace(
        "PRODID:-//test//EN", "PRODID:-//test//EN\r\nREFRESH - INTERVAL; VALUE = DURATION:PT48H"
    )
    back = jscal_to_ical(ical_to_jscal(text))
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT48H" in back
    calendar = icalendar.Calendar.from_ical(back)
    assert calendar["REFRESH-INTERVAL"].dt.days == 2
