"""Dates and times of the command line (caldav/jmap/cli/timefmt.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import click
import pytest

from caldav.jmap.cli.timefmt import duration_of, occurrence_times, parse_when, zone_option

BERLIN = ZoneInfo("Europe/Berlin")


def test_parse_when_dates_local_times_and_offsets():
    assert parse_when("2026-01-05", BERLIN, "--start") == dt.date(2026, 1, 5)
    assert parse_when("2026-01-05 10:00", BERLIN, "--start") == dt.datetime(
        2026, 1, 5, 10, tzinfo=BERLIN
    )
    utc = parse_when("2026-01-05T10:00Z", BERLIN, "--start")
    assert utc.utcoffset() == dt.timedelta(0)
    with pytest.raises(click.BadParameter, match="next tuesday") as raised:
        parse_when("next tuesday", BERLIN, "--start")
    assert raised.value.param_hint == "--start"


def test_durations():
    assert duration_of("PT1H30M") == dt.timedelta(hours=1, minutes=30)
    assert duration_of("P1W2D") == dt.timedelta(days=9)
    for bad in ("P", "PT", "1h", "PT1X"):
        with pytest.raises(click.BadParameter):
            duration_of(bad)


def test_occurrences_shown_in_the_zone_asked_for():
    event = {"start": "2026-01-05T09:30:00", "timeZone": "Europe/Berlin", "duration": "PT15M"}
    assert occurrence_times(event, ZoneInfo("America/New_York")) == ("2026-01-05 03:30", "03:45")
    # a floating time is the same wall-clock time anywhere
    floating = {"start": "2026-01-05T23:30:00", "duration": "PT1H"}
    assert occurrence_times(floating, BERLIN) == ("2026-01-05 23:30", "2026-01-06 00:30")


def test_all_day_occurrences_end_on_their_last_day():
    two_days = {"start": "2026-01-12T00:00:00", "duration": "P2D", "showWithoutTime": True}
    assert occurrence_times(two_days, BERLIN) == ("2026-01-12", "2026-01-13")
    one_day = {"start": "2026-01-12T00:00:00", "duration": "P1D", "showWithoutTime": True}
    assert occurrence_times(one_day, BERLIN) == ("2026-01-12", "2026-01-12")


def test_zone_option():
    assert zone_option("Asia/Tokyo") == ZoneInfo("Asia/Tokyo")
    with pytest.raises(click.BadParameter, match="Mars/Olympus") as raised:
        zone_option("Mars/Olympus")
    assert raised.value.param_hint == "--tz"
