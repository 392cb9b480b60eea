"""A DTEND in another zone than DTSTART's <-> the end's zone: an RFC 8984 Location
``{relativeTo: "end", timeZone}`` or the JSCalendar 2.0 ``endTimeZone``."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest

from caldav.jmap.convert import JSCALENDAR_2, RFC8984, ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.ids import uuid5_id
from caldav.jmap.convert.model import ICalComponent, parse_ical
from caldav.jmap.error import JMAPConversionError

from .ical_text import vcalendar, vevent

DIALECTS = [RFC8984, JSCALENDAR_2]


def _calendar(*lines: str) -> str:
    return vcalendar(*lines)


SOURCE = _calendar(
    "DTSTART;TZID=Europe/Berlin:20241017T130000",
    "DTEND;TZID=Asia/Bangkok:20241018T040000",
    "LOCATION:Airport",
)


def _vevent(text: str) -> ICalComponent:
    return vevent(text)


def _instant(value: str, tzid: str) -> dt.datetime:
    local = dt.datetime.strptime(value, "%Y%m%dT%H%M%S")
    return local.replace(tzinfo=zoneinfo.ZoneInfo(tzid))


def _base(**extra: Any) -> dict[str, Any]:
    return {
        "@type": "Event",
        "uid": "e1",
        "start": "2024-03-30T22:00:00",
        "timeZone": "America/New_York",
        "duration": "PT9H30M",
        **extra,
    }


def test_rfc8984_end_zone_is_a_location() -> None:
    event = ical_to_jscal(SOURCE)
    assert event["duration"] == "PT10H"
    assert "endTimeZone" not in event
    # keyed by the UUIDv5 of the TZID: every recurrence instance has the same key
    assert event["locations"][uuid5_id("Asia/Bangkok")] == {
        "@type": "Location",
        "relativeTo": "end",
        "timeZone": "Asia/Bangkok",
    }


def test_jscalendar_2_end_zone_is_end_time_zone() -> None:
    event = ical_to_jscal(SOURCE, dialect=JSCALENDAR_2)
    assert event["endTimeZone"] == "Asia/Bangkok"
    assert event["duration"] == "PT10H"
    assert [loc.get("name") for loc in event["locations"].values()] == ["Airport"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_round_trip(dialect: str) -> None:
    event = ical_to_jscal(SOURCE, dialect=dialect)
    back = jscal_to_ical(event)
    vevent = _vevent(back)
    dtend = vevent.first("DTEND")
    assert dtend is not None and dtend.params == {"TZID": ["Asia/Bangkok"]}
    assert dtend.value == "20241018T040000"
    # the end-zone Location is no LOCATION of its own
    assert [p.value for p in vevent.all("LOCATION")] == ["Airport"]
    assert not vevent.components
    assert "TZID:Asia/Bangkok" in back  # its VTIMEZONE
    assert ical_to_jscal(back, dialect=dialect) == event


@pytest.mark.parametrize(
    "end_zone",
    [
        {"endTimeZone": "Asia/Kolkata"},
        {
            "locations": {
                "z": {"@type": "Location", "relativeTo": "end", "timeZone": "Asia/Kolkata"}
            }
        },
    ],
)
def test_instant_is_exact_across_zones(end_zone: dict[str, Any]) -> None:
    # 22:00 New York (EDT, -4) + 9h30 = 11:30 UTC = 17:00 in Kolkata (+5:30), across the
    # European DST change that night, which must not matter
    vevent = _vevent(jscal_to_ical(_base(**end_zone)))
    dtstart, dtend = vevent.first("DTSTART"), vevent.first("DTEND")
    assert dtstart is not None and dtend is not None
    assert dtend.params["TZID"] == ["Asia/Kolkata"]
    start = _instant(dtstart.value, "America/New_York")
    end = _instant(dtend.value, "Asia/Kolkata")
    assert end - start == dt.timedelta(hours=9, minutes=30)
    assert dtend.value == "20240331T170000"
    assert vevent.first("DURATION") is None and vevent.first("LOCATION") is None


def test_location_key_survives() -> None:
    location = {"@type": "Location", "relativeTo": "end", "timeZone": "Asia/Tokyo"}
    event = _base(locations={"my-key": location})
    back = jscal_to_ical(event)
    dtend = _vevent(back).first("DTEND")
    assert dtend is not None and dtend.params["JSID"] == ["my-key"]
    assert ical_to_jscal(back)["locations"] == {"my-key": location}


def test_same_zone_and_utc_give_no_end_zone() -> None:
    same = _calendar(
        "DTSTART;TZID=Europe/Berlin:20241017T130000",
        "DTEND;TZID=Europe/Berlin:20241017T140000",
    )
    assert "locations" not in ical_to_jscal(same)
    utc = _calendar("DTSTART:20241017T130000Z", "DTEND;TZID=UTC:20241017T140000")
    assert "endTimeZone" not in ical_to_jscal(utc, dialect=JSCALENDAR_2)


def test_end_zone_without_duration() -> None:
    # no duration is PT0S: the DTEND is the start's instant, in the end's zone
    event = _base(endTimeZone="Europe/London")
    del event["duration"]
    dtend = _vevent(jscal_to_ical(event)).first("DTEND")
    assert dtend is not None and dtend.params["TZID"] == ["Europe/London"]
    assert dtend.value == "20240331T030000"


# a daily series ending in Bangkok, and the head of its second instance's component
_SERIES_AND_INSTANCE = (
    "DTSTART;TZID=Europe/Berlin:20241017T130000",
    "DTEND;TZID=Asia/Bangkok:20241018T040000",
    "RRULE:FREQ=DAILY;COUNT=3",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:event-1",
    "DTSTAMP:20240101T000000Z",
    "RECURRENCE-ID;TZID=Europe/Berlin:20241018T130000",
)


def test_recurrence_instance_keeps_the_end_zone() -> None:
    text = _calendar(
        *_SERIES_AND_INSTANCE,
        "DTSTART;TZID=Europe/Berlin:20241018T140000",
        "DTEND;TZID=Asia/Bangkok:20241019T050000",
    )
    event = ical_to_jscal(text)
    # the same end zone: the patch only moves the start
    assert event["recurrenceOverrides"] == {"2024-10-18T13:00:00": {"start": "2024-10-18T14:00:00"}}
    assert ical_to_jscal(jscal_to_ical(event)) == event


def test_vlocation_saying_the_end_zone_is_not_repeated() -> None:
    location = {
        "@type": "Location",
        "name": "Suvarnabhumi",
        "relativeTo": "end",
        "timeZone": "Asia/Bangkok",
    }
    event = _base(locations={"arr": location})
    back = jscal_to_ical(event)
    again = ical_to_jscal(back)
    assert list(again["locations"]) == ["arr"]
    assert again["locations"]["arr"]["name"] == "Suvarnabhumi"
    assert again["locations"]["arr"]["timeZone"] == "Asia/Bangkok"


def test_end_zone_that_dtend_cannot_carry_survives() -> None:
    # all-day: a DATE has no zone; the end zone travels as JSPROP
    event = _base(
        start="2024-03-30T00:00:00", duration="P1D", showWithoutTime=True, endTimeZone="Asia/Tokyo"
    )
    del event["timeZone"]
    back = jscal_to_ical(event)
    assert ical_to_jscal(back, dialect=JSCALENDAR_2)["endTimeZone"] == "Asia/Tokyo"


@pytest.mark.parametrize(
    "broken",
    [
        {"endTimeZone": 42},
        {"endTimeZone": ["Asia/Tokyo"]},
        {"locations": {"z": {"@type": "Location", "relativeTo": "end", "timeZone": 7}}},
    ],
)
def test_broken_end_zone_raises_conversion_error(broken: dict[str, Any]) -> None:
    with pytest.raises(JMAPConversionError):
        jscal_to_ical(_base(**broken))


@pytest.mark.parametrize(
    "end_zone",
    [
        {"endTimeZone": "Mars/Olympus_Mons"},
        {"endTimeZone": "../../etc/passwd"},
        {"endTimeZone": ""},
        {"locations": {"z": {"@type": "Location", "relativeTo": "end", "timeZone": "Nowhere"}}},
    ],
)
def test_unknown_end_zone_passes_through_or_raises_conversion_error(
    end_zone: dict[str, Any],
) -> None:
    # like a TZID of DTSTART: an unknown zone is written as it is (no VTIMEZONE); it can
    # only fail with a conversion error
    try:
        back = jscal_to_ical(_base(**end_zone))
    except JMAPConversionError:
        return
    assert ical_to_jscal(back)["duration"] == "PT9H30M"


@pytest.mark.parametrize(
    ("zone", "value"),
    [("Asia/Tokyo", "20241019T060000"), ("Europe/Berlin", "20241018T230000")],
)
def test_recurrence_instance_with_another_end_zone(zone: str, value: str) -> None:
    text = _calendar(
        *_SERIES_AND_INSTANCE,
        "DTSTART;TZID=Europe/Berlin:20241018T130000",
        f"DTEND;TZID={zone}:{value}",
    )
    draft = ical_to_jscal(text, dialect=JSCALENDAR_2)
    # the 2.0 patch speaks of endTimeZone only (null: the start's zone), not of Locations
    patch = {"endTimeZone": zone if zone != "Europe/Berlin" else None}
    assert draft["recurrenceOverrides"] == {"2024-10-18T13:00:00": patch}
    for dialect in DIALECTS:
        event = ical_to_jscal(text, dialect=dialect)
        back = jscal_to_ical(event)
        dtends = [c.first("DTEND") for c in parse_ical(back).components if c.name == "VEVENT"]
        assert [(p.value, p.params["TZID"]) for p in dtends if p is not None] == [
            ("20241018T040000", ["Asia/Bangkok"]),
            (value, [zone]),
        ]
        assert ical_to_jscal(back, dialect=dialect) == event
