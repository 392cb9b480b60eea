"""Generated VTIMEZONEs (issue 12, class 6): compact (the zone's current rule as RRULEs,
no 2038 limit), valid for the event's whole range. Checked by reading the output with
icalendar and comparing its offsets with zoneinfo's at instants across the years."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest

from caldav.jmap.convert import jscal_to_ical
from caldav.jmap.convert.zonerules import parse_posix


def _vtimezone(zone: str, start: str) -> tuple[str, icalendar.Timezone]:
    text = jscal_to_ical(
        {"@type": "Event", "uid": "z@x", "start": start, "timeZone": zone, "duration": "PT1H"}
    )
    [tz] = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")
    return text, tz


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        ("Europe/Berlin", "2045-06-01T10:00:00"),
        ("America/New_York", "2026-03-08T12:00:00"),
        ("Australia/Sydney", "2040-01-15T09:00:00"),
        ("America/Sao_Paulo", "2030-01-01T09:00:00"),  # no DST any more
        ("Asia/Kolkata", "2026-01-01T10:00:00"),
        ("Europe/London", "1990-05-01T10:00:00"),  # history before the current rule
    ],
)
def test_offsets_match_zoneinfo_over_the_whole_range(zone: str, start: str) -> None:
    text, vtimezone = _vtimezone(zone, start)
    assert "2038" not in text and "only works" not in text
    reader = vtimezone.to_tz()
    truth = zoneinfo.ZoneInfo(zone)
    first = int(start[:4])
    for year in (first, first + 1, first + 7, 2099):
        for month in range(1, 13):
            for day in (1, 15, 28):
                local = dt.datetime(year, month, day, 12, 0)
                assert (
                    local.replace(tzinfo=reader).utcoffset()
                    == local.replace(tzinfo=truth).utcoffset()
                ), (zone, local)


def test_a_zone_with_a_yearly_rule_is_two_rrule_observances() -> None:
    text, vtimezone = _vtimezone("Europe/Berlin", "2026-01-05T10:00:00")
    observances = vtimezone.subcomponents
    assert [o.name for o in observances] == ["DAYLIGHT", "STANDARD"]
    assert all("RRULE" in o and "RDATE" not in o for o in observances)
    zone_text = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")]
    assert len(zone_text) < 500  # was 2.4 KB of RDATE lists


@pytest.mark.parametrize(
    ("text", "std", "dst"),
    [
        ("CET-1CEST,M3.5.0,M10.5.0/3", 3600, 7200),
        ("EST5EDT,M3.2.0,M11.1.0", -18000, -14400),
        ("<+0330>-3:30", 12600, None),
        ("AEST-10AEDT,M10.1.0,M4.1.0/3", 36000, 39600),
    ],
)
def test_posix_rules_are_read(text: str, std: int, dst: int | None) -> None:
    rule = parse_posix(text)
    assert rule is not None and rule.std_offset == std and rule.dst_offset == dst
