"""Dates and times on the command line: the local zone, parsing flags, showing JSCalendar
start times in a zone."""

from __future__ import annotations

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from caldav.jmap._jsontypes import JSONObject

__all__ = ["duration_of", "local_zone", "occurrence_times", "parse_when", "zone_option"]

_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def local_zone() -> ZoneInfo:
    """The machine's IANA zone: $TZ, else where /etc/localtime points, else UTC."""
    names = [os.environ.get("TZ", "").lstrip(":")]
    target = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in target:
        names.append(target.split("zoneinfo/", 1)[1])
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def zone_option(name: str | None) -> ZoneInfo:
    """The zone a --tz value names (the local zone without one)."""
    if not name:
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise click.BadParameter(f"unknown time zone {name!r}", param_hint="--tz") from error


def parse_when(value: str, zone: dt.tzinfo, what: str) -> dt.datetime | dt.date:
    """A date (``2026-01-05``) or a date-time (``2026-01-05T10:00``, ``... 10:00``, with
    an offset or ``Z``); a date-time without one is in ``zone``."""
    text = value.strip().replace(" ", "T")
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise click.BadParameter(f"not a date or date-time: {value!r}", param_hint=what) from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def duration_of(text: str) -> dt.timedelta:
    """An ISO 8601 duration (``PT1H30M``, ``P1D``) as a timedelta."""
    match = _DURATION.match(text.strip().upper())
    if not match or text.strip().upper() in ("P", "PT"):
        raise click.BadParameter(f"not an ISO 8601 duration: {text!r}", param_hint="--duration")
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)


def occurrence_times(jscal: JSONObject, zone: dt.tzinfo) -> tuple[str, str]:
    """An expanded occurrence's start and end as shown in ``zone`` (all-day: dates)."""
    start = dt.datetime.fromisoformat(jscal["start"])
    length = duration_of(jscal.get("duration") or "PT0S")
    if jscal.get("showWithoutTime"):
        end = (start + length).date() - dt.timedelta(days=1) if length else start.date()
        first = start.date().isoformat()
        return first, (end.isoformat() if end > start.date() else first)
    source = jscal.get("timeZone")
    start = start.replace(tzinfo=ZoneInfo(source)) if source else start.replace(tzinfo=zone)
    shown, ends = start.astimezone(zone), (start + length).astimezone(zone)
    same_day = ends.date() == shown.date()
    return shown.strftime("%Y-%m-%d %H:%M"), ends.strftime(
        "%H:%M" if same_day else "%Y-%m-%d %H:%M"
    )
