"""DTSTART, DTEND, DURATION, DUE, ESTIMATED-DURATION, RECURRENCE-ID <-> start, duration,
timeZone, showWithoutTime, due, estimatedDuration, recurrenceId, and the end's own zone.

A DTEND whose zone differs from DTSTART's gives the duration (the instants' difference)
and the end's zone: in RFC 8984 a Location ``{relativeTo: "end", timeZone}`` (section
5.1.5; what Cyrus produces and accepts), keyed by the DTEND's JSID / X-JMAP-ID, else the
UUIDv5 of the TZID (stable across recurrence instances); the 2.0 dialect turns it into
``endTimeZone`` (dialect.py). The writer reads both and writes DTEND in that zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap.convert.context import JsMapper, PropMapper, ToICal, ToJSCal, expect
from caldav.jmap.convert.datetime import (
    UTC_ZONES,
    Duration,
    ICalTime,
    add_duration,
    duration_between,
    format_local,
    parse_duration,
    parse_ical_time,
    parse_local,
    to_zone,
)
from caldav.jmap.convert.ids import ID_PARAMS, id_param, uuid5_id
from caldav.jmap.convert.jsprop import jsprop_to_ical
from caldav.jmap.convert.model import ICalProperty
from caldav.jmap.convert.preserve import keep_property_params, restore_property_params

__all__ = [
    "END_TIME_ZONE",
    "TO_ICAL",
    "TO_JSCAL",
    "dtend_carries",
    "is_all_day",
    "is_end_zone",
    "is_end_zone_only",
]

#: The JSCalendar 2.0 property for the end's zone (RFC 8984: a Location relativeTo end).
END_TIME_ZONE = "endTimeZone"
# what a Location standing only for the end's zone has
_END_ZONE_KEYS = frozenset({"@type", "relativeTo", "timeZone"})


# parameters the time mappers convert themselves
_TIME_PARAMS = frozenset({"TZID", "VALUE"})


def _extra_params(prop: ICalProperty) -> ICalProperty:
    """``prop`` with only the parameters the time mappers do not convert (X-, RANGE)."""
    return ICalProperty(prop.name, {k: v for k, v in prop.params.items() if k not in _TIME_PARAMS})


def _dtstart_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    time = parse_ical_time(prop.value, prop.param("TZID"))
    ctx.obj["start"] = time.local_str
    keep_property_params(ctx.obj, "start", _extra_params(prop))
    if time.zone:
        ctx.obj["timeZone"] = time.zone
    if time.is_date:
        ctx.obj["showWithoutTime"] = True
        component = ctx.component
        if ctx.kind == "Event" and not (component.first("DTEND") or component.first("DURATION")):
            ctx.obj["duration"] = "P1D"  # RFC 5545: an all-day event without end lasts a day


def is_end_zone(location: object) -> bool:
    """Whether a Location gives the zone of the end (RFC 8984 ``relativeTo: "end"``)."""
    return (
        isinstance(location, dict)
        and location.get("relativeTo") == "end"
        and location.get("timeZone") is not None
    )


def is_end_zone_only(location: object) -> bool:
    """Whether a Location says nothing but the zone of the end: DTEND's TZID carries it."""
    return isinstance(location, dict) and is_end_zone(location) and set(location) <= _END_ZONE_KEYS


def _same_zone(a: str | None, b: str | None) -> bool:
    return a == b or (a in UTC_ZONES and b in UTC_ZONES)


def _dtend_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    start_prop = ctx.component.first("DTSTART")
    if start_prop is None or ctx.component.first("DURATION"):
        ctx.unconverted.append(prop)
        return
    start = parse_ical_time(start_prop.value, start_prop.param("TZID"))
    end = parse_ical_time(prop.value, prop.param("TZID"))
    # an end in another zone counts as the same instant seen from the start's zone
    ctx.obj["duration"] = duration_between(start.local, to_zone(end, start.zone)).jscal()
    if start.zone is None or end.zone is None or _same_zone(start.zone, end.zone):
        return
    locations = ctx.obj.setdefault("locations", {})
    if any(is_end_zone(loc) and loc["timeZone"] == end.zone for loc in locations.values()):
        return  # said already (a VLOCATION with relativeTo end converted first)
    key = next((prop.param(n) for n in ID_PARAMS if prop.param(n)), None)
    location = {"@type": "Location", "relativeTo": "end", "timeZone": end.zone}
    locations[key or uuid5_id(end.zone)] = location


def _duration_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    if ctx.kind == "Task":
        if ctx.component.first("ESTIMATED-DURATION") is None:
            ctx.obj["estimatedDuration"] = parse_duration(prop.value, "DURATION").jscal()
        return
    ctx.obj["duration"] = parse_duration(prop.value, "DURATION").jscal()


def _show_without_time_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    # the draft: ignored (kept unconverted) when FALSE or when the times are DATEs already
    timed = ctx.component.first("DTSTART") or ctx.component.first("DUE")
    if prop.value.strip().upper() != "TRUE" or timed is None or ctx.obj.get("showWithoutTime"):
        ctx.unconverted.append(prop)
        return
    ctx.obj["showWithoutTime"] = True
    keep_property_params(ctx.obj, "showWithoutTime", _extra_params(prop))


def _add_show_without_time(ctx: ToICal, all_day: bool) -> None:
    """SHOW-WITHOUT-TIME for a date-time object shown without its time (a DATE says it
    already)."""
    if ctx.obj.get("showWithoutTime") is True and not all_day:
        prop = ctx.component.add("SHOW-WITHOUT-TIME", "TRUE")
        restore_property_params(ctx.obj, "showWithoutTime", prop)


def _estimated_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    ctx.obj["estimatedDuration"] = parse_duration(prop.value, "ESTIMATED-DURATION").jscal()


def _due_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    time = parse_ical_time(prop.value, prop.param("TZID"))
    start_prop = ctx.component.first("DTSTART")
    if start_prop is None:
        if time.zone:
            ctx.obj["timeZone"] = time.zone
        if time.is_date:
            ctx.obj["showWithoutTime"] = True
        ctx.obj["due"] = time.local_str
        return
    # a Task has one time zone, the start's: express the due time in it
    start = parse_ical_time(start_prop.value, start_prop.param("TZID"))
    ctx.obj["due"] = format_local(to_zone(time, start.zone))


def _recurrence_id_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    time = parse_ical_time(prop.value, prop.param("TZID"))
    ctx.obj["recurrenceId"] = time.local_str
    if time.zone:
        ctx.obj["recurrenceIdTimeZone"] = time.zone
    # RANGE=THISANDFUTURE has no JSCalendar equivalent (an override patches one instance):
    # it is kept as unconverted data so that it comes back as it was
    keep_property_params(ctx.obj, "recurrenceId", _extra_params(prop))


def is_all_day(ctx: ToICal, value: JSONValue, key: str) -> bool:
    """Whether a LocalDateTime of the object is written as a DATE."""
    return bool(ctx.obj.get("showWithoutTime")) and parse_local(value, key).time().isoformat() == (
        "00:00:00"
    )


def _end_zone(obj: JSONObject) -> tuple[str | None, str] | None:
    """The zone of the end and where it is said: ``endTimeZone`` (2.0 dialect, key None)
    or the key of an RFC 8984 Location relativeTo end."""
    # an empty name is no zone: DTEND cannot carry it (it travels as it is)
    zone = obj.get(END_TIME_ZONE)
    if zone is not None and expect(zone, str, END_TIME_ZONE):
        return None, zone
    locations = obj.get("locations")
    for key, location in locations.items() if isinstance(locations, dict) else ():
        if is_end_zone(location):
            zone = expect(location["timeZone"], str, f"locations/{key}/timeZone")
            if zone:
                return key, zone
    return None


@dataclass(frozen=True)
class _End:
    """How an Event's end is written: DTEND (``time`` in ``zone``) or DURATION."""

    duration: Duration
    time: dt.datetime | None = None  # None: written as DURATION
    zone: str | None = None
    is_date: bool = False
    #: where the end's own zone came from (see _end_zone), when DTEND carries it
    zone_source: tuple[str | None, str] | None = None


def _plan_end(ctx: ToICal) -> _End | None:
    """The end of the Event ``ctx.obj``; None when it has none to write."""
    value = ctx.obj.get("start")
    if ctx.kind != "Event" or value is None:
        return None
    end_zone = _end_zone(ctx.obj)
    duration = ctx.obj.get("duration")
    if duration is None and end_zone is None:
        return None
    # RFC 8984: no duration is PT0S; a DTEND is needed all the same to carry the end's zone
    parsed = parse_duration(expect(duration or "PT0S", str, "duration"), "duration")
    start = parse_local(value, "start")
    all_day = is_all_day(ctx, value, "start")
    end = add_duration(start, parsed)
    end_is_date = all_day and end.time() == dt.time()
    if all_day != end_is_date or duration_between(start, end).jscal() != parsed.jscal():
        # DTEND would not give this duration back ("PT24H", fractions): write it as is
        return _End(parsed)
    start_zone = ctx.zone
    if end_zone is None or all_day or start_zone is None or _same_zone(start_zone, end_zone[1]):
        return _End(parsed, end, start_zone, end_is_date)
    zone = end_zone[1]
    # the same instant on the end zone's clock (the reader takes it back to the start's);
    # a zone unknown to zoneinfo (custom, or a broken TZID read from iCalendar) passes
    # through like any TZID, with the start's wall clock, as the reader takes it
    end = to_zone(ICalTime(end, tzid=start_zone), zone)
    return _End(parsed, end, zone, False, end_zone)


def dtend_carries(ctx: ToICal, key: str) -> bool:
    """Whether the DTEND written for ``ctx.obj`` carries the zone of its Location ``key``
    (then the Location needs no iCalendar of its own)."""
    end = _plan_end(ctx)
    return end is not None and end.zone_source is not None and end.zone_source[0] == key


def _start_to_ical(value: JSONValue, ctx: ToICal) -> None:
    start = parse_local(value, "start")
    all_day = is_all_day(ctx, value, "start")
    restore_property_params(ctx.obj, "start", ctx.add_time("DTSTART", start, ctx.zone, all_day))
    _add_show_without_time(ctx, all_day)
    end = _plan_end(ctx)
    if end is None:
        return
    if end.time is None:
        ctx.component.add("DURATION", end.duration.ical())
        return
    key = end.zone_source[0] if end.zone_source else None
    # the key of a Location saying only the end's zone lives on in the DTEND (a Location
    # saying more is written on its own, with its key)
    only = key is not None and is_end_zone_only(ctx.obj["locations"][key])
    jsid = id_param(key, end.zone) if only and key is not None and end.zone else None
    ctx.add_time("DTEND", end.time, end.zone, end.is_date, **({"JSID": jsid} if jsid else {}))


def _end_time_zone_to_ical(value: JSONValue, ctx: ToICal) -> None:
    """``endTimeZone`` (2.0 dialect): written with DTEND, else (no DTEND can carry it)
    kept as JSPROP."""
    end = _plan_end(ctx)
    if end is None or end.zone_source is None or end.zone_source[0] is not None:
        jsprop_to_ical({END_TIME_ZONE: value}, ctx)


def _due_to_ical(value: JSONValue, ctx: ToICal) -> None:
    all_day = is_all_day(ctx, value, "due")
    ctx.add_time("DUE", parse_local(value, "due"), ctx.zone, all_day)
    if ctx.obj.get("start") is None:
        _add_show_without_time(ctx, all_day)


def _estimated_to_ical(value: JSONValue, ctx: ToICal) -> None:
    duration = parse_duration(expect(value, str, "estimatedDuration"), "estimatedDuration")
    ctx.component.add("ESTIMATED-DURATION", duration.ical())


def _recurrence_id_to_ical(value: JSONValue, ctx: ToICal) -> None:
    zone = ctx.obj["recurrenceIdTimeZone"] if "recurrenceIdTimeZone" in ctx.obj else ctx.zone
    time = parse_local(value, "recurrenceId")
    all_day = is_all_day(ctx, value, "recurrenceId")
    if ctx.series_all_day is not None:  # an instance: a DATE when its series' start is one
        all_day = ctx.series_all_day and time.time() == dt.time()
    prop = ctx.add_time("RECURRENCE-ID", time, None if all_day else zone, all_day)
    restore_property_params(ctx.obj, "recurrenceId", prop)


TO_JSCAL: dict[str, PropMapper] = {
    "DTSTART": _dtstart_to_js,
    "DTEND": _dtend_to_js,
    "DURATION": _duration_to_js,
    "ESTIMATED-DURATION": _estimated_to_js,
    "DUE": _due_to_js,
    "RECURRENCE-ID": _recurrence_id_to_js,
    "SHOW-WITHOUT-TIME": _show_without_time_to_js,
}

TO_ICAL: dict[str, JsMapper] = {
    "start": _start_to_ical,
    END_TIME_ZONE: _end_time_zone_to_ical,
    "due": _due_to_ical,
    "estimatedDuration": _estimated_to_ical,
    "recurrenceId": _recurrence_id_to_ical,
}
