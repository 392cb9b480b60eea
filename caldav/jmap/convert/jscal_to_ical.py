"""JSCalendar -> iCalendar driver: runs the property mappers, writes recurrence overrides
as RECURRENCE-ID components, adds a VTIMEZONE for every TZID used."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert import preserve, properties, recurrence, simple
from caldav.jmap.convert.context import JsMapper, ToICal, expect
from caldav.jmap.convert.datetime import custom_zones, parse_local
from caldav.jmap.convert.dialect import from_jscalendar_2
from caldav.jmap.convert.dispatch import run_to_ical
from caldav.jmap.convert.ids import ID_PARAMETER_KEY, write_cyrus_ids
from caldav.jmap.convert.jsprop import jsprop_to_ical
from caldav.jmap.convert.model import ICalComponent, ICalProperty, serialize
from caldav.jmap.convert.patch import apply_patch
from caldav.jmap.convert.preserve import VENDOR_KEY
from caldav.jmap.convert.timezones import timezone_to_ical, tzinfos_of_timezones, vtimezones
from caldav.jmap.convert.valid import make_valid
from caldav.jmap.error import JMAPConversionError

__all__ = ["PROPERTY_MAPPERS", "PRODID", "jscal_to_ical"]

#: The PRODID of the iCalendar this module writes.
PRODID = "-//python-caldav//caldav.jmap.convert//EN"


#: JSCalendar property name -> mapper (``properties.TABLE``'s).
PROPERTY_MAPPERS: dict[str, JsMapper] = properties.TO_ICAL

_COMPONENTS = {"Event": "VEVENT", "Task": "VTODO"}


def _component(
    obj: JSONObject,
    kind: str,
    tzids: set[str],
    explicit: frozenset[str] = frozenset(),
    series_all_day: bool | None = None,
) -> ICalComponent:
    comp = ICalComponent(_COMPONENTS[kind])
    ctx = ToICal(properties.to_write(obj), comp, kind, tzids, explicit, series_all_day)
    run_to_ical(ctx, PROPERTY_MAPPERS, jsprop_to_ical)
    if comp.first("DTSTAMP") is None:
        comp.properties.insert(0, ICalProperty("DTSTAMP", {}, simple.fresh_dtstamp()))
    return comp


def _instances(obj: JSONObject, kind: str, tzids: set[str]) -> list[ICalComponent]:
    """One component per recurrence override that is more than an EXDATE or RDATE."""
    overrides = expect(obj.get("recurrenceOverrides") or {}, dict, "recurrenceOverrides")
    base = {k: v for k, v in obj.items() if k not in properties.MAIN_ONLY}
    result = []
    for key, patch in overrides.items():
        expect(patch, dict, f"recurrenceOverrides/{key}")
        if patch.get("excluded") or (not patch and not recurrence.is_generated(obj, key)):
            continue  # EXDATE, or an added occurrence: RDATE
        if kind == "Event" and recurrence.is_rdate_period(patch, bool(obj.get("showWithoutTime"))):
            continue  # written as RDATE;VALUE=PERIOD
        parse_local(key, "recurrenceOverrides")
        instance = apply_patch(dict(base, start=key), patch)
        instance["recurrenceId"] = key
        # the instance is identified in the series' zone and value type
        instance.pop("recurrenceIdTimeZone", None)
        if obj.get("timeZone"):
            instance["recurrenceIdTimeZone"] = obj["timeZone"]
        changed = frozenset(k for k in patch if "/" not in k and patch[k] != base.get(k))
        series_all_day = bool(obj.get("showWithoutTime"))
        result.append(_component(instance, kind, tzids, changed, series_all_day))
    return result


def _entries(jscal: Any) -> list[JSONObject]:
    """The Events and Tasks to write: a list, a Group's entries, or one object."""
    if isinstance(jscal, list):
        items = jscal
    elif isinstance(jscal, dict) and jscal.get("@type") == "Group":
        items = expect(jscal.get("entries"), list, "entries")
    else:
        items = [expect(jscal, dict, "@type")]
    if not items:
        raise JMAPConversionError("nothing to convert", "entries")
    objects = [expect(item, dict, "entries") for item in items]
    for obj in objects:
        if obj.get("@type", "Event") not in _COMPONENTS:
            raise JMAPConversionError(f"cannot convert a {obj.get('@type')!r} object", "@type")
    return objects


def _custom_tzinfos(objects: list[JSONObject]) -> dict[str, dt.tzinfo]:
    """tzinfos of the objects' ``timeZones`` (custom zones), by TZID."""
    comps = {}
    for obj in objects:
        for tzid, zone in expect(obj.get("timeZones") or {}, dict, "timeZones").items():
            comps[tzid] = timezone_to_ical(tzid, zone)
    return tzinfos_of_timezones(comps)


def _convert(jscal: Any) -> str:
    objects = [from_jscalendar_2(obj) for obj in _entries(jscal)]
    with custom_zones(_custom_tzinfos(objects)):
        return _write(objects)


def _write(objects: list[JSONObject]) -> str:
    tzids: set[str] = set()
    components: list[ICalComponent] = []
    custom_zones: JSONObject = {}
    first_year = 9999  # the VTIMEZONEs cover the objects' years, from the earliest start on
    for source in objects:
        kind = source.get("@type", "Event")
        obj = dict(source)
        if obj.get("uid") is None:  # RFC 5545 requires a UID; RFC 8984 too (absent = broken)
            obj["uid"] = str(uuid.uuid4())
        own = [_component(obj, kind, tzids), *_instances(obj, kind, tzids)]
        vendor = obj.get(VENDOR_KEY)
        if isinstance(vendor, dict) and vendor.get(ID_PARAMETER_KEY) == "X-JMAP-ID":
            for comp in own:
                write_cyrus_ids(comp)
        components += own
        custom_zones.update(expect(obj.get("timeZones") or {}, dict, "timeZones"))
        start = obj.get("start") or obj.get("due")
        if start:
            first_year = min(first_year, parse_local(start, "start").year)
    first = objects[0]
    calendar = ICalComponent("VCALENDAR")
    calendar.add("VERSION", "2.0")
    prod_id = first.get("prodId")
    calendar.add("PRODID", prod_id if isinstance(prod_id, str) else PRODID)
    if isinstance(first.get("method"), str):
        calendar.add("METHOD", first["method"].upper())
    calendar.properties += preserve.calendar_properties(objects)
    zones = vtimezones(tzids, {"timeZones": custom_zones}, min(first_year, dt.date.today().year))
    calendar.components = [*zones, *components]
    make_valid(calendar)
    return serialize(calendar)


def jscal_to_ical(jscal: JSONObject | list[JSONObject]) -> str:
    """Convert a JSCalendar Event or Task, a list of them or a Group, to one VCALENDAR
    string (one VTIMEZONE per time zone used, shared by all objects).

    Both dialects are read: RFC 8984 (``recurrenceRules``, ``python-caldav:iCalendar``) and
    the JSCalendar 2.0 draft (``recurrenceRule``, ``iCalendar``). Raises
    :class:`~caldav.jmap.error.JMAPConversionError` for anything that cannot be converted,
    and no other exception.
    """
    try:
        return _convert(jscal)
    except JMAPConversionError:
        raise
    except Exception as e:  # noqa: BLE001 - the contract is: conversion errors only
        raise JMAPConversionError(f"cannot convert JSCalendar: {type(e).__name__}: {e}") from e
