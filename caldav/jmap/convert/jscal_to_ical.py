"""JSCalendar -> iCalendar driver: runs the property mappers, writes recurrence overrides
as RECURRENCE-ID components, adds a VTIMEZONE for every TZID used."""

from __future__ import annotations

import uuid
from typing import Any

from caldav.jmap.convert import (
    alerts,
    links,
    locations,
    participants,
    preserve,
    recurrence,
    simple,
    times,
)
from caldav.jmap.convert.context import JsMapper, ToICal, expect
from caldav.jmap.convert.datetime import parse_local
from caldav.jmap.convert.dispatch import run_to_ical
from caldav.jmap.convert.jsprop import jsprop_to_ical
from caldav.jmap.convert.model import ICalComponent, ICalProperty, serialize
from caldav.jmap.convert.patch import apply_patch
from caldav.jmap.convert.timezones import vtimezones
from caldav.jmap.error import JMAPConversionError

__all__ = ["PROPERTY_MAPPERS", "PRODID", "jscal_to_ical"]

#: The PRODID of the iCalendar this module writes.
PRODID = "-//python-caldav//caldav.jmap.convert//EN"


def _consumed(value: Any, ctx: ToICal) -> None:
    """Written at VCALENDAR level by the driver."""


#: JSCalendar property name -> mapper.
PROPERTY_MAPPERS: dict[str, JsMapper] = {
    **simple.TO_ICAL,
    **times.TO_ICAL,
    **participants.TO_ICAL,
    **recurrence.TO_ICAL,
    **locations.TO_ICAL,
    **links.TO_ICAL,
    **alerts.TO_ICAL,
    **preserve.TO_ICAL,
    "method": _consumed,
    "prodId": _consumed,
}

_COMPONENTS = {"Event": "VEVENT", "Task": "VTODO"}
# what a recurrence instance does not inherit from its main object
_MAIN_ONLY = (
    "recurrenceRules",
    "recurrenceRule",
    "excludedRecurrenceRules",
    "recurrenceOverrides",
    "timeZones",
)


def _component(obj: dict[str, Any], kind: str, tzids: set[str]) -> ICalComponent:
    comp = ICalComponent(_COMPONENTS[kind])
    run_to_ical(ToICal(obj, comp, kind, tzids), PROPERTY_MAPPERS, jsprop_to_ical)
    if comp.first("DTSTAMP") is None:
        comp.properties.insert(0, ICalProperty("DTSTAMP", {}, simple.fresh_dtstamp()))
    return comp


def _instances(obj: dict[str, Any], kind: str, tzids: set[str]) -> list[ICalComponent]:
    """One component per recurrence override that is more than an EXDATE or RDATE."""
    overrides = expect(obj.get("recurrenceOverrides") or {}, dict, "recurrenceOverrides")
    base = {k: v for k, v in obj.items() if k not in _MAIN_ONLY}
    result = []
    for key, patch in overrides.items():
        if not expect(patch, dict, f"recurrenceOverrides/{key}") or patch.get("excluded"):
            continue
        parse_local(key, "recurrenceOverrides")
        instance = apply_patch(dict(base, start=key), patch)
        instance["recurrenceId"] = key
        instance.pop("recurrenceIdTimeZone", None)
        if obj.get("timeZone"):
            instance["recurrenceIdTimeZone"] = obj["timeZone"]
        result.append(_component(instance, kind, tzids))
    return result


def _convert(jscal: Any) -> str:
    expect(jscal, dict, "@type")
    if jscal.get("@type") == "Group":  # a Group of one entry, as in the draft's examples
        entries = expect(jscal.get("entries"), list, "entries")
        if not entries:
            raise JMAPConversionError("empty Group", "entries")
        jscal = expect(entries[0], dict, "entries")
    kind = jscal.get("@type", "Event")
    if kind not in _COMPONENTS:
        raise JMAPConversionError(f"cannot convert a {kind!r} object", "@type")
    obj = dict(jscal)
    obj.setdefault("uid", str(uuid.uuid4()))
    tzids: set[str] = set()
    main = _component(obj, kind, tzids)
    instances = _instances(obj, kind, tzids)
    calendar = ICalComponent("VCALENDAR")
    calendar.add("VERSION", "2.0")
    prod_id = obj.get("prodId")
    calendar.add("PRODID", prod_id if isinstance(prod_id, str) else PRODID)
    if isinstance(obj.get("method"), str):
        calendar.add("METHOD", obj["method"].upper())
    start = obj.get("start") or obj.get("due")
    first_year = parse_local(start, "start").year if start else 1970
    calendar.components = [*vtimezones(tzids, obj, first_year), main, *instances]
    return serialize(calendar)


def jscal_to_ical(jscal: dict[str, Any]) -> str:
    """Convert a JSCalendar Event or Task to a complete VCALENDAR string.

    Raises :class:`~caldav.jmap.error.JMAPConversionError` for anything that cannot be
    converted, and no other exception.
    """
    try:
        return _convert(jscal)
    except JMAPConversionError:
        raise
    except Exception as e:  # noqa: BLE001 - the contract is: conversion errors only
        raise JMAPConversionError(f"cannot convert JSCalendar: {type(e).__name__}: {e}") from e
