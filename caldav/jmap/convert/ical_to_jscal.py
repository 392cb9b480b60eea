"""iCalendar -> JSCalendar driver: picks the object, runs the property mappers, folds
recurrence instances into ``recurrenceOverrides``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert import participants, properties
from caldav.jmap.convert.context import PropMapper, ToJSCal
from caldav.jmap.convert.datetime import (
    custom_zones,
    format_local,
    is_iana,
    parse_ical_time,
    to_zone,
)
from caldav.jmap.convert.dialect import DIALECTS, JSCALENDAR_2, RFC8984, to_jscalendar_2
from caldav.jmap.convert.dispatch import ComponentMapper, reading, run_to_jscal
from caldav.jmap.convert.ids import ID_PARAMETER_KEY, uses_cyrus_ids
from caldav.jmap.convert.jsprop import apply_jsprops, jsprop_to_js
from caldav.jmap.convert.model import ICalComponent, parse_ical
from caldav.jmap.convert.patch import make_patch
from caldav.jmap.convert.preserve import VENDOR_KEY, store_calendar_properties
from caldav.jmap.convert.timezones import timezone_from_ical, tzinfos_of_timezones
from caldav.jmap.convert.xwrtimezone import move_into_calendar_zone
from caldav.jmap.error import JMAPConversionError

__all__ = [
    "COMPONENT_MAPPERS",
    "PROPERTY_MAPPERS",
    "group_objects",
    "ical_to_jscal",
    "ical_to_jscal_all",
]

#: iCalendar property name -> mapper, for VEVENT and VTODO (``properties.TABLE``'s).
PROPERTY_MAPPERS: dict[str, PropMapper] = {**properties.TO_JSCAL, "JSPROP": jsprop_to_js}

#: Subcomponent name -> mapper.
COMPONENT_MAPPERS: dict[str, ComponentMapper] = properties.COMPONENTS

_KINDS = {"VEVENT": "Event", "VTODO": "Task"}
# VCALENDAR properties converted (or regenerated) by the drivers
_CALENDAR_DONE = frozenset({"VERSION", "PRODID", "METHOD"})


def _convert_component(comp: ICalComponent, vtimezones: dict[str, ICalComponent]) -> JSONObject:
    ctx = ToJSCal(comp, {"@type": _KINDS[comp.name]}, _KINDS[comp.name], vtimezones)
    run_to_jscal(ctx, PROPERTY_MAPPERS, COMPONENT_MAPPERS, once=properties.ONCE)
    participants.resolve_delegates(ctx.obj)
    return apply_jsprops(ctx.obj)


def _vtimezones(root: ICalComponent) -> dict[str, ICalComponent]:
    """The calendar's VTIMEZONEs by TZID (shared by every object of the calendar)."""
    found = {}
    for comp in root.components:
        tzid = comp.first("TZID")
        if comp.name == "VTIMEZONE" and tzid:
            found[tzid.value] = comp
    return found


def group_objects(root: ICalComponent) -> list[list[ICalComponent]]:
    """The components of each object of the calendar: one group per UID (and kind), in the
    order of first appearance; a master and its recurrence instances share a group."""
    objects = [root] if root.name in _KINDS else [c for c in root.components if c.name in _KINDS]
    if not objects:
        raise JMAPConversionError("the iCalendar data holds no VEVENT or VTODO")
    groups: dict[tuple[str, str | None, int], list[ICalComponent]] = {}
    count = 0
    for comp in objects:
        uid = comp.first("UID")
        key = (comp.name, uid.value if uid else None, 0)
        is_master = comp.first("RECURRENCE-ID") is None
        group = groups.get(key)
        if uid is None or (
            is_master and group and any(c.first("RECURRENCE-ID") is None for c in group)
        ):
            # without a UID, or a second main component with the same UID (broken data):
            # an object of its own rather than a lost one
            count += 1
            key = (comp.name, key[1], count)
        groups.setdefault(key, []).append(comp)
    return list(groups.values())


def _override_key(comp: ICalComponent, zone: str | None) -> str:
    rid = comp.first("RECURRENCE-ID")
    assert rid is not None
    return format_local(to_zone(parse_ical_time(rid.value, rid.param("TZID")), zone))


def _custom_timezones(
    group: list[ICalComponent], vtimezones: dict[str, ICalComponent]
) -> JSONObject:
    """TimeZone objects for the non-IANA TZIDs the object uses and the source defines."""
    used = {
        p.param("TZID")
        for comp in group
        for p in comp.properties
        if p.param("TZID") and not is_iana(p.param("TZID"))
    }
    return {tzid: timezone_from_ical(vtimezones[tzid]) for tzid in used if tzid in vtimezones}


#: What an instance without the properties behind them keeps of its series, by the
#: properties that would have set them (RFC 5545 instances repeat, JSCalendar inherits).
_SERIES_FIELDS = {
    "start": ("DTSTART",),
    # the length is measured from DTSTART: without one the instance has the series' length
    "duration": ("DTSTART",),
    "timeZone": ("DTSTART",),
    "showWithoutTime": ("DTSTART",),
    "updated": ("DTSTAMP", "LAST-MODIFIED"),
    "created": ("CREATED",),
}


def _keep_series_fields(patch: JSONObject, obj: JSONObject, comp: ICalComponent) -> None:
    """Overrides never remove the series' start, duration or time zone unless the source
    did: an instance without DTSTART (or DTEND / DURATION) has the series' (a patch with
    ``start: null`` removes the mandatory start; servers refuse it); one without DTSTAMP
    or CREATED has the series' timestamps."""
    for key, props in _SERIES_FIELDS.items():
        if key in patch and patch[key] is None and not any(comp.first(p) for p in props):
            del patch[key]


def _convert_group(
    root: ICalComponent,
    group: list[ICalComponent],
    vtimezones: dict[str, ICalComponent],
    calendar_id: str | None,
) -> JSONObject:
    masters = [c for c in group if c.first("RECURRENCE-ID") is None]
    instances = sorted(
        (c for c in group if c.first("RECURRENCE-ID") is not None),
        key=lambda c: _override_key(c, None),
    )
    # without a main component the first instance stands in for it, keeping recurrenceId
    main = masters[0] if masters else instances.pop(0)
    obj = _convert_component(main, vtimezones)
    from_instances: set[str] = set()
    kept = (obj.get(VENDOR_KEY) or {}).get("properties") or []
    if main.properties and not set(obj) - {"@type", VENDOR_KEY} and all(p[0] == "" for p in kept):
        # lenient, but not empty: a component none of whose properties could be read
        raise JMAPConversionError(f"nothing in this {main.name} could be read", main.name)
    for comp in instances:
        key = _override_key(comp, obj.get("timeZone"))
        if obj.get("recurrenceOverrides", {}).get(key, {}).get("excluded"):
            continue
        instance = _convert_component(comp, vtimezones)
        # a patch is applied to the main object whose start is the recurrence id
        patch = make_patch(dict(obj, start=key), instance, properties.NOT_PATCHABLE)
        if patch.get("participants", False) is None and not (
            comp.first("ATTENDEE") or comp.first("ORGANIZER")
        ):
            # An instance without any scheduling properties keeps the series' participants:
            # producers leave them out of exceptions, and servers refuse an instance that
            # drops them while the series has an organizer
            del patch["participants"]
        _keep_series_fields(patch, obj, comp)
        if not patch:
            # An instance that repeats its series (Google exports every touched instance)
            # stays an instance: an empty patch would come back as an RDATE, duplicating
            # an occurrence the rules already make. Its own timestamp (or start) says so.
            patch = {"updated": instance["updated"]} if "updated" in instance else {"start": key}
        obj.setdefault("recurrenceOverrides", {})[key] = patch
        from_instances.add(key)
    for key, patch in obj.get("recurrenceOverrides", {}).items():
        if key in from_instances:
            continue
        # an RDATE period as long as the main object changes nothing
        same = [k for k, v in patch.items() if k in obj and obj[k] == v]
        for k in same:
            del patch[k]
    for prop, key in (("METHOD", "method"), ("PRODID", "prodId")):
        found = root.first(prop) if root.name == "VCALENDAR" else None
        if found and found.value:
            obj[key] = found.value.lower() if key == "method" else found.value
    if root.name == "VCALENDAR":
        store_calendar_properties(obj, [p for p in root.properties if p.name not in _CALENDAR_DONE])
    if uses_cyrus_ids(group):  # ids come back as X-JMAP-ID rather than the draft's JSID
        obj.setdefault(VENDOR_KEY, {})[ID_PARAMETER_KEY] = "X-JMAP-ID"
    custom = _custom_timezones(group, vtimezones)
    if custom:
        obj["timeZones"] = custom
    if calendar_id is not None:
        obj["calendarIds"] = {calendar_id: True}
    return obj


def _convert_all(ical_str: str, calendar_id: str | None, dialect: str) -> list[JSONObject]:
    if dialect not in DIALECTS:
        raise JMAPConversionError(f"unknown JSCalendar dialect {dialect!r}")
    with reading("iCalendar input") as notes:
        root = parse_ical(ical_str, notes)
        move_into_calendar_zone(root)
        vtimezones = _vtimezones(root)
        with custom_zones(tzinfos_of_timezones(vtimezones)):
            objects = [
                _convert_group(root, g, vtimezones, calendar_id) for g in group_objects(root)
            ]
    if dialect == JSCALENDAR_2:
        objects = [to_jscalendar_2(obj) for obj in objects]
    return objects


R = TypeVar("R")


def _guard(call: Callable[[], R]) -> R:
    try:
        return call()
    except JMAPConversionError:
        raise
    except Exception as e:  # noqa: BLE001 - the contract is: conversion errors only
        raise JMAPConversionError(f"cannot convert iCalendar: {type(e).__name__}: {e}") from e


def ical_to_jscal(
    ical_str: str, calendar_id: str | None = None, *, dialect: str = RFC8984
) -> JSONObject:
    """Convert one iCalendar object (a VEVENT or VTODO with its recurrence instances) to a
    JSCalendar Event or Task; a calendar of several objects gives its first one (see
    :func:`ical_to_jscal_all`).

    ``dialect`` is :data:`RFC8984` (the default, what JMAP servers speak) or
    :data:`JSCALENDAR_2` (the JSCalendar 2.0 draft: ``recurrenceRule``, ``iCalendar``).
    Raises :class:`~caldav.jmap.error.JMAPConversionError` for anything that cannot be
    converted, and no other exception.
    """
    return _guard(lambda: _convert_all(ical_str, calendar_id, dialect)[0])


def ical_to_jscal_all(
    ical_str: str, calendar_id: str | None = None, *, dialect: str = RFC8984
) -> list[JSONObject]:
    """Convert every object of a VCALENDAR: one Event or Task per UID, each with its
    recurrence instances folded into ``recurrenceOverrides``; the calendar's VTIMEZONEs
    serve all of them. Raises only :class:`~caldav.jmap.error.JMAPConversionError`."""
    return _guard(lambda: _convert_all(ical_str, calendar_id, dialect))
