"""VTIMEZONE components: generated from zoneinfo for IANA zones, and carried in the
``timeZones`` property (RFC 8984 TimeZone objects) for custom zones of the source."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import icalendar

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert.context import ToICal, expect
from caldav.jmap.convert.datetime import ical_datetime, is_iana, parse_ical_time, parse_local
from caldav.jmap.convert.model import ICalComponent, parse_ical, serialize
from caldav.jmap.convert.recurrence import rule_from_ical, rule_to_ical
from caldav.jmap.convert.zonerules import current_rule, rule_observances
from caldav.jmap.error import JMAPConversionError

__all__ = [
    "iana_vtimezone",
    "timezone_from_ical",
    "timezone_to_ical",
    "tzinfo_of",
    "tzinfos_of_timezones",
]

_OBSERVANCES = {"STANDARD": "standard", "DAYLIGHT": "daylight"}


@functools.lru_cache(maxsize=256)
def _vtimezone_text(tzid: str, first_year: int) -> str | None:
    # Building a VTIMEZONE from zoneinfo costs milliseconds, far more than the rest of a
    # conversion; a calendar uses few zones, so each is built once
    try:
        found = current_rule(tzid)
        if found is None:  # no usable POSIX rule: icalendar's transitions, to 2100
            last = dt.date(2100, 1, 1)
            zone = icalendar.Timezone.from_tzid(
                tzid, first_date=dt.date(first_year, 1, 1), last_date=last
            )
            text: str = zone.to_ical().decode("utf-8")
            return text
        rule, since = found
        lines = [f"BEGIN:VTIMEZONE\r\nTZID:{tzid}"]
        if first_year < since:  # the history before the current rule, as icalendar lists it
            history = icalendar.Timezone.from_tzid(
                tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(since, 1, 1)
            )
            lines += [sub.to_ical().decode("utf-8").rstrip("\r\n") for sub in history.subcomponents]
        for observance in rule_observances(rule, max(since, first_year - 1)):
            lines.append("\r\n".join(f"{name}:{value}" for name, value in observance))
        lines.append("END:VTIMEZONE")
        return "\r\n".join(lines) + "\r\n"
    except Exception:  # noqa: BLE001 - a missing VTIMEZONE must not stop the conversion
        return None


def iana_vtimezone(tzid: str, first_year: int = 1970) -> ICalComponent | None:
    """A VTIMEZONE for an IANA zone, valid from ``first_year`` on without end: the zone's
    current rule as RRULEs (:mod:`~caldav.jmap.convert.zonerules`), the years before it
    took effect as icalendar lists them; None if it cannot be made."""
    text = _vtimezone_text(tzid, first_year)
    return parse_ical(text) if text is not None else None


def _rule_from_ical(comp: ICalComponent) -> JSONObject:
    rule: JSONObject = {"@type": "TimeZoneRule"}
    for prop in comp.properties:
        if prop.name == "DTSTART":
            rule["start"] = parse_ical_time(prop.value).local_str
        elif prop.name in ("TZOFFSETFROM", "TZOFFSETTO"):
            rule["offsetFrom" if prop.name == "TZOFFSETFROM" else "offsetTo"] = prop.value
        elif prop.name == "RRULE":
            rule.setdefault("recurrenceRules", []).append(rule_from_ical(prop.value, None))
        elif prop.name == "RDATE":
            overrides = rule.setdefault("recurrenceOverrides", {})
            for value in prop.value.split(","):
                overrides[parse_ical_time(value).local_str] = {}
        elif prop.name == "TZNAME":
            rule.setdefault("names", {})[prop.value] = True
    return rule


def timezone_from_ical(comp: ICalComponent) -> JSONObject:
    """A VTIMEZONE as a TimeZone object."""
    tzid = comp.first("TZID")
    result: JSONObject = {"@type": "TimeZone", "tzId": tzid.value if tzid else ""}
    for sub in comp.components:
        if sub.name in _OBSERVANCES:
            result.setdefault(_OBSERVANCES[sub.name], []).append(_rule_from_ical(sub))
    return result


def timezone_to_ical(tzid: str, zone: Any) -> ICalComponent:
    """A TimeZone object as a VTIMEZONE with TZID ``tzid``."""
    expect(zone, dict, "timeZones")
    comp = ICalComponent("VTIMEZONE")
    comp.add("TZID", tzid)
    # recurrence rules of observances are in UTC (RFC 5545 UNTIL inside VTIMEZONE)
    utc_ctx = ToICal({"timeZone": "Etc/UTC"}, comp, "TimeZone")
    for name, key in _OBSERVANCES.items():
        for rule in expect(zone.get(key, []), list, f"timeZones/{key}"):
            expect(rule, dict, f"timeZones/{key}")
            sub = ICalComponent(name)
            sub.add("DTSTART", ical_datetime(parse_local(rule.get("start"), "timeZones")))
            for prop, field in (("TZOFFSETFROM", "offsetFrom"), ("TZOFFSETTO", "offsetTo")):
                sub.add(prop, expect(rule.get(field), str, f"timeZones/{field}"))
            for rrule in rule.get("recurrenceRules") or []:
                sub.add("RRULE", rule_to_ical(rrule, utc_ctx, "timeZones/recurrenceRules"))
            for rdate in rule.get("recurrenceOverrides") or {}:
                sub.add("RDATE", ical_datetime(parse_local(rdate, "timeZones")))
            for tzname in rule.get("names") or {}:
                sub.add("TZNAME", str(tzname))
            comp.components.append(sub)
    if not comp.components:
        raise JMAPConversionError(f"time zone {tzid!r} has no rules", "timeZones")
    return comp


def vtimezones(tzids: set[str], obj: JSONObject, first_year: int) -> list[ICalComponent]:
    """The VTIMEZONE for every TZID used: from zoneinfo, else from ``obj["timeZones"]``."""
    custom = obj.get("timeZones") or {}
    expect(custom, dict, "timeZones")
    result = []
    for tzid in sorted(tzids):
        comp = None
        if tzid in custom:
            comp = timezone_to_ical(tzid, custom[tzid])
        elif is_iana(tzid):
            comp = iana_vtimezone(tzid, first_year)
        if comp is not None:
            result.append(comp)
    return result


def tzinfo_of(comp: ICalComponent) -> dt.tzinfo | None:
    """A tzinfo following a VTIMEZONE's rules, or None when they cannot be read."""
    return _tzinfo_of_text(serialize(comp))


@functools.lru_cache(maxsize=256)
def _tzinfo_of_text(text: str) -> dt.tzinfo | None:
    # building the rules costs more than converting an event; a calendar repeats its zones
    try:
        zone = icalendar.Timezone.from_ical(text)
        return zone.to_tz() if isinstance(zone, icalendar.Timezone) else None
    except Exception:  # noqa: BLE001 - broken rules only mean the zone is not convertible
        return None


def tzinfos_of_timezones(comps: dict[str, ICalComponent]) -> dict[str, dt.tzinfo]:
    """The tzinfos of the non-IANA VTIMEZONEs among ``comps`` (TZID -> VTIMEZONE)."""
    found = {}
    for tzid, comp in comps.items():
        if not is_iana(tzid):
            zone = tzinfo_of(comp)
            if zone is not None:
                found[tzid] = zone
    return found
