"""TZIDs that are no IANA names but name one (issue 12): a Windows zone name as Outlook
writes it, without a VTIMEZONE, is read in its CLDR zone, so its dates convert into the
series' zone at the right instant; TZIDs themselves are never rewritten."""

from __future__ import annotations

from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.datetime import iana_name
from tests.unit.ical_text import vcalendar, vevent


def test_windows_name_rdate_moves_into_the_series_zone() -> None:
    # 08:00 Eastern is 07:00 in Chicago: the RDATE's own zone counts, not its wall clock
    obj = ical_to_jscal(
        vcalendar(
            "DTSTART;TZID=America/Chicago:20180327T080000",
            "RRULE:FREQ=WEEKLY;COUNT=2",
            'RDATE;TZID="Eastern Standard Time":20180501T080000',
            'EXDATE;TZID="Central Standard Time":20180403T080000',
        )
    )
    assert obj["timeZone"] == "America/Chicago"
    assert obj["recurrenceOverrides"] == {
        "2018-05-01T07:00:00": {},
        "2018-04-03T08:00:00": {"excluded": True},
    }


def test_windows_name_start_keeps_its_tzid() -> None:
    obj = ical_to_jscal(
        vcalendar(
            'DTSTART;TZID="W. Europe Standard Time":20240105T090000',
            "RRULE:FREQ=DAILY;UNTIL=20240110T080000Z",
        )
    )
    assert obj["timeZone"] == "W. Europe Standard Time"
    # UNTIL in UTC is read in the zone the name stands for (Berlin, UTC+1 in January)
    assert obj["recurrenceRules"][0]["until"] == "2024-01-10T09:00:00"


def test_iana_name() -> None:
    assert iana_name("Europe/Berlin") == "Europe/Berlin"
    assert iana_name("Central Standard Time") == "America/Chicago"
    assert iana_name("/mozilla.org/20070129_1/Europe/Berlin") == "Europe/Berlin"
    assert iana_name("MyTimezone") is None
    assert iana_name("/example.com/Berlin") is None  # a bare city names no zone
    assert iana_name(None) is None


def test_floating_series_keeps_the_zone_of_its_utc_and_zoned_dates() -> None:
    source = vcalendar(
        "DTSTART:19960401T010000",
        "RRULE:FREQ=DAILY;COUNT=10",
        "EXDATE:19960402T010000Z,19960403T010000Z",
        "EXDATE;TZID=Europe/Berlin:19960404T010000",
        "EXDATE:19960405T010000",
    )
    obj = ical_to_jscal(source)
    assert "timeZone" not in obj
    assert set(obj["recurrenceOverrides"]) == {f"1996-04-0{d}T01:00:00" for d in (2, 3, 4, 5)}
    exdates = [
        (p.value, p.param("TZID"))
        for p in vevent(jscal_to_ical(obj)).properties
        if p.name == "EXDATE"
    ]
    assert sorted(exdates) == [
        ("19960402T010000Z", None),
        ("19960403T010000Z", None),
        ("19960404T010000", "Europe/Berlin"),
        ("19960405T010000", None),
    ]
