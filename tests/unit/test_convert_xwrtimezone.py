"""X-WR-TIMEZONE calendars (issue 12, class 7): floating and UTC times of a calendar that
names its zone in X-WR-TIMEZONE are converted to that zone on import, and X-WR-TIMEZONE
is written back."""

from __future__ import annotations

from caldav.jmap.convert import ical_to_jscal, ical_to_jscal_all, jscal_to_ical
from caldav.jmap.convert.model import parse_ical


def calendar(*event: str, zone: str = "Europe/Berlin") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//EN"]
    lines += [f"X-WR-TIMEZONE:{zone}", "X-WR-CALNAME:Team", "BEGIN:VEVENT"]
    lines += ["UID:w1@google.com", "DTSTAMP:20260101T000000Z", *event, "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"


def test_floating_times_are_in_the_calendar_zone() -> None:
    event = ical_to_jscal(
        calendar(
            "DTSTART:20260105T100000",
            "DTEND:20260105T110000",
            "RRULE:FREQ=WEEKLY;UNTIL=20260330T100000",
            "EXDATE:20260112T100000",
        )
    )
    assert event["start"] == "2026-01-05T10:00:00" and event["timeZone"] == "Europe/Berlin"
    assert event["duration"] == "PT1H"
    assert event["recurrenceOverrides"] == {"2026-01-12T10:00:00": {"excluded": True}}
    # the floating UNTIL was the zone's wall time too (after the March DST change)
    assert event["recurrenceRules"][0]["until"] == "2026-03-30T10:00:00"


def test_utc_times_move_into_the_calendar_zone_at_the_same_instant() -> None:
    event = ical_to_jscal(calendar("DTSTART:20260705T080000Z", "DURATION:PT30M"))
    assert event["start"] == "2026-07-05T10:00:00" and event["timeZone"] == "Europe/Berlin"


def test_dates_and_zoned_times_stay_as_they_are() -> None:
    all_day = ical_to_jscal(calendar("DTSTART;VALUE=DATE:20260105"))
    assert all_day["showWithoutTime"] is True and all_day.get("timeZone") is None
    zoned = ical_to_jscal(calendar("DTSTART;TZID=America/New_York:20260105T100000"))
    assert zoned["timeZone"] == "America/New_York"


def test_an_unknown_zone_name_changes_nothing() -> None:
    event = ical_to_jscal(calendar("DTSTART:20260105T100000", zone="Mars/Olympus"))
    assert event.get("timeZone") is None  # floating, as written


def test_x_wr_timezone_is_written_back() -> None:
    objects = ical_to_jscal_all(calendar("DTSTART:20260105T100000"))
    root = parse_ical(jscal_to_ical(objects))
    assert root.first("X-WR-TIMEZONE").value == "Europe/Berlin"
    vevent = next(c for c in root.components if c.name == "VEVENT")
    assert vevent.first("DTSTART").param("TZID") == "Europe/Berlin"
