"""X-WR-TIMEZONE: the calendar-wide time zone of Google's (and Apple's) exports.

Such calendars write their times floating or in UTC and name the intended zone once, in
the VCALENDAR's X-WR-TIMEZONE. Read as written, a weekly 10:00 meeting would be floating
(no instant at all) or pinned to UTC (an hour off after every DST change). The same rule
as the x-wr-timezone package (not a dependency: the rule is this module) moves them into
the zone before converting: a floating DATE-TIME is the zone's wall time, a UTC one the
same instant in the zone, and a floating UNTIL of a moved series becomes UTC. DATE values
and times with a TZID stay as they are; X-WR-TIMEZONE itself is kept with the calendar's
other properties and written back.
"""

from __future__ import annotations

from caldav.jmap.convert.datetime import (
    ICalTime,
    ical_datetime,
    is_iana,
    parse_ical_time,
    to_zone,
)
from caldav.jmap.convert.model import ICalComponent, ICalProperty

__all__ = ["calendar_zone", "move_into_calendar_zone"]

#: The properties whose DATE-TIMEs follow the start's zone.
_MOVED = frozenset({"DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE"})


def calendar_zone(root: ICalComponent) -> str | None:
    """The IANA zone a VCALENDAR's X-WR-TIMEZONE names, or None."""
    if root.name != "VCALENDAR":
        return None
    prop = root.first("X-WR-TIMEZONE")
    zone = prop.value.strip() if prop is not None else ""
    return zone if is_iana(zone) else None


def _moved_value(value: str, zone: str) -> str | None:
    """A DATE-TIME (or a PERIOD's start and end) in ``zone``; None for a DATE."""
    parts = []
    for part in value.split("/"):
        if part.lstrip("+-").startswith("P"):  # a period's duration
            parts.append(part)
            continue
        time = parse_ical_time(part)
        if time.is_date:
            return None
        parts.append(ical_datetime(to_zone(time, zone) if time.utc else time.local))
    return "/".join(parts)


def _move(prop: ICalProperty, zone: str) -> bool:
    if "TZID" in prop.params or (prop.param("VALUE") or "DATE-TIME").upper() == "DATE":
        return False
    values = [_moved_value(v, zone) for v in prop.value.split(",") if v.strip()]
    if not values or any(v is None for v in values):
        return False
    prop.value = ",".join(v for v in values if v is not None)
    prop.params["TZID"] = [zone]
    return True


def _until_to_utc(prop: ICalProperty, zone: str) -> None:
    parts = prop.value.split(";")
    for i, part in enumerate(parts):
        name, _, value = part.partition("=")
        if name.strip().upper() == "UNTIL" and "T" in value and not value.endswith("Z"):
            local = parse_ical_time(value.strip()).local
            utc = to_zone(ICalTime(local, tzid=zone), "Etc/UTC")
            parts[i] = f"UNTIL={ical_datetime(utc, utc=True)}"
    prop.value = ";".join(parts)


def move_into_calendar_zone(root: ICalComponent) -> None:
    """Express the floating and UTC times of ``root``'s VEVENTs and VTODOs in the zone its
    X-WR-TIMEZONE names (in place); nothing when it names none or no IANA zone."""
    zone = calendar_zone(root)
    if zone is None:
        return
    for comp in root.components:
        if comp.name not in ("VEVENT", "VTODO"):
            continue
        moved_start = False
        for prop in comp.properties:
            if prop.name in _MOVED:
                try:
                    moved = _move(prop, zone)
                except Exception:  # noqa: BLE001 - an unreadable value stays for its mapper
                    continue
                moved_start = moved_start or (moved and prop.name in ("DTSTART", "DUE"))
        if moved_start:
            for prop in comp.all("RRULE") + comp.all("EXRULE"):
                try:
                    _until_to_utc(prop, zone)
                except Exception:  # noqa: BLE001 - as above
                    continue
