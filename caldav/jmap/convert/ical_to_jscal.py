"""iCalendar -> JSCalendar driver: picks the object, runs the property mappers, folds
recurrence instances into ``recurrenceOverrides``."""

from __future__ import annotations

from typing import Any

from caldav.jmap.convert import alerts, links, locations, participants, recurrence, simple, times
from caldav.jmap.convert.context import PropMapper, ToJSCal
from caldav.jmap.convert.datetime import format_local, is_iana, parse_ical_time, to_zone
from caldav.jmap.convert.dispatch import ComponentMapper, run_to_jscal
from caldav.jmap.convert.jsprop import apply_jsprops, jsprop_to_js
from caldav.jmap.convert.model import ICalComponent, parse_ical
from caldav.jmap.convert.patch import make_patch
from caldav.jmap.convert.timezones import timezone_from_ical
from caldav.jmap.error import JMAPConversionError

__all__ = ["PROPERTY_MAPPERS", "COMPONENT_MAPPERS", "ical_to_jscal"]

#: iCalendar property name -> mapper, for VEVENT and VTODO.
PROPERTY_MAPPERS: dict[str, PropMapper] = {
    **simple.TO_JSCAL,
    **times.TO_JSCAL,
    **participants.TO_JSCAL,
    **recurrence.TO_JSCAL,
    **locations.TO_JSCAL,
    **links.TO_JSCAL,
    "JSPROP": jsprop_to_js,
}

#: Subcomponent name -> mapper.
COMPONENT_MAPPERS: dict[str, ComponentMapper] = {**alerts.COMPONENTS}

_KINDS = {"VEVENT": "Event", "VTODO": "Task"}


def _convert_component(comp: ICalComponent, vtimezones: dict[str, ICalComponent]) -> dict:
    ctx = ToJSCal(comp, {"@type": _KINDS[comp.name]}, _KINDS[comp.name], vtimezones)
    run_to_jscal(ctx, PROPERTY_MAPPERS, COMPONENT_MAPPERS)
    participants.resolve_delegates(ctx.obj)
    return apply_jsprops(ctx.obj)


def _select(root: ICalComponent) -> tuple[list[ICalComponent], dict[str, ICalComponent]]:
    """The components of the one object to convert (same UID as the first), and the
    calendar's VTIMEZONEs by TZID."""
    vtimezones = {}
    for comp in root.components:
        tzid = comp.first("TZID")
        if comp.name == "VTIMEZONE" and tzid:
            vtimezones[tzid.value] = comp
    objects = [c for c in root.components if c.name in _KINDS]
    if root.name in _KINDS:
        objects = [root]
    if not objects:
        raise JMAPConversionError("the iCalendar data holds no VEVENT or VTODO")
    uid = objects[0].first("UID")
    uid_value = uid.value if uid else None
    group = [c for c in objects if (c.first("UID").value if c.first("UID") else None) == uid_value]
    return [c for c in group if c.name == group[0].name], vtimezones


def _override_key(comp: ICalComponent, zone: str | None) -> str:
    rid = comp.first("RECURRENCE-ID")
    assert rid is not None
    return format_local(to_zone(parse_ical_time(rid.value, rid.param("TZID")), zone))


def _custom_timezones(
    group: list[ICalComponent], vtimezones: dict[str, ICalComponent]
) -> dict[str, Any]:
    """TimeZone objects for the non-IANA TZIDs the object uses and the source defines."""
    used = {
        p.param("TZID")
        for comp in group
        for p in comp.properties
        if p.param("TZID") and not is_iana(p.param("TZID"))
    }
    return {tzid: timezone_from_ical(vtimezones[tzid]) for tzid in used if tzid in vtimezones}


def _convert(ical_str: str, calendar_id: str | None) -> dict[str, Any]:
    root = parse_ical(ical_str)
    group, vtimezones = _select(root)
    masters = [c for c in group if c.first("RECURRENCE-ID") is None]
    instances = sorted(
        (c for c in group if c.first("RECURRENCE-ID") is not None),
        key=lambda c: _override_key(c, None),
    )
    # without a main component the first instance stands in for it, keeping recurrenceId
    main = masters[0] if masters else instances.pop(0)
    obj = _convert_component(main, vtimezones)
    for comp in instances:
        key = _override_key(comp, obj.get("timeZone"))
        if obj.get("recurrenceOverrides", {}).get(key, {}).get("excluded"):
            continue
        instance = _convert_component(comp, vtimezones)
        # a patch is applied to the main object whose start is the recurrence id
        patch = make_patch(dict(obj, start=key), instance)
        if patch.get("participants", False) is None and not (
            comp.first("ATTENDEE") or comp.first("ORGANIZER")
        ):
            # An instance without any scheduling properties keeps the series' participants:
            # producers leave them out of exceptions, and servers refuse an instance that
            # drops them while the series has an organizer
            del patch["participants"]
        obj.setdefault("recurrenceOverrides", {})[key] = patch
    for patch in obj.get("recurrenceOverrides", {}).values():
        # an RDATE period as long as the main object changes nothing
        same = [k for k, v in patch.items() if k in obj and obj[k] == v]
        for k in same:
            del patch[k]
    for prop, key in (("METHOD", "method"), ("PRODID", "prodId")):
        found = root.first(prop) if root.name == "VCALENDAR" else None
        if found and found.value:
            obj[key] = found.value.lower() if key == "method" else found.value
    custom = _custom_timezones(group, vtimezones)
    if custom:
        obj["timeZones"] = custom
    if calendar_id is not None:
        obj["calendarIds"] = {calendar_id: True}
    return obj


def ical_to_jscal(ical_str: str, calendar_id: str | None = None) -> dict[str, Any]:
    """Convert one iCalendar object (a VEVENT or VTODO with its recurrence instances) to a
    JSCalendar Event or Task.

    Raises :class:`~caldav.jmap.error.JMAPConversionError` for anything that cannot be
    converted, and no other exception.
    """
    try:
        return _convert(ical_str, calendar_id)
    except JMAPConversionError:
        raise
    except Exception as e:  # noqa: BLE001 - the contract is: conversion errors only
        raise JMAPConversionError(f"cannot convert iCalendar: {type(e).__name__}: {e}") from e
