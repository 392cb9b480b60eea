"""DTSTART, DTEND, DURATION, DUE, ESTIMATED-DURATION, RECURRENCE-ID <-> start, duration,
timeZone, showWithoutTime, due, estimatedDuration, recurrenceId."""

from __future__ import annotations

import datetime as dt
from typing import Any

from caldav.jmap.convert.context import JsMapper, PropMapper, ToICal, ToJSCal, expect
from caldav.jmap.convert.datetime import (
    add_duration,
    duration_between,
    parse_duration,
    parse_ical_time,
    parse_local,
    to_zone,
)
from caldav.jmap.convert.model import ICalProperty
from caldav.jmap.convert.preserve import keep_property_params, restore_property_params

__all__ = ["TO_ICAL", "TO_JSCAL", "is_all_day"]


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


def _dtend_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    start_prop = ctx.component.first("DTSTART")
    if start_prop is None or ctx.component.first("DURATION"):
        ctx.unconverted.append(prop)
        return
    start = parse_ical_time(start_prop.value, start_prop.param("TZID"))
    end = parse_ical_time(prop.value, prop.param("TZID"))
    # an end in another zone counts as the same instant seen from the start's zone
    ctx.obj["duration"] = duration_between(start.local, to_zone(end, start.zone)).jscal()


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
    ctx.obj["due"] = to_zone(time, start.zone).strftime("%Y-%m-%dT%H:%M:%S")


def _recurrence_id_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    time = parse_ical_time(prop.value, prop.param("TZID"))
    ctx.obj["recurrenceId"] = time.local_str
    if time.zone:
        ctx.obj["recurrenceIdTimeZone"] = time.zone
    # RANGE=THISANDFUTURE has no JSCalendar equivalent (an override patches one instance):
    # it is kept as unconverted data so that it comes back as it was
    keep_property_params(ctx.obj, "recurrenceId", _extra_params(prop))


def is_all_day(ctx: ToICal, value: Any, key: str) -> bool:
    """Whether a LocalDateTime of the object is written as a DATE."""
    return bool(ctx.obj.get("showWithoutTime")) and parse_local(value, key).time().isoformat() == (
        "00:00:00"
    )


def _start_to_ical(value: Any, ctx: ToICal) -> None:
    start = parse_local(value, "start")
    all_day = is_all_day(ctx, value, "start")
    restore_property_params(ctx.obj, "start", ctx.add_time("DTSTART", start, ctx.zone, all_day))
    _add_show_without_time(ctx, all_day)
    duration = ctx.obj.get("duration")
    if ctx.kind != "Event" or duration is None:
        return
    parsed = parse_duration(expect(duration, str, "duration"), "duration")
    end = add_duration(start, parsed)
    end_is_date = all_day and end.time() == dt.time()
    if all_day != end_is_date or duration_between(start, end).jscal() != parsed.jscal():
        # DTEND would not give this duration back ("PT24H", fractions): write it as is
        ctx.component.add("DURATION", parsed.ical())
    else:
        ctx.add_time("DTEND", end, ctx.zone, end_is_date)


def _due_to_ical(value: Any, ctx: ToICal) -> None:
    all_day = is_all_day(ctx, value, "due")
    ctx.add_time("DUE", parse_local(value, "due"), ctx.zone, all_day)
    if ctx.obj.get("start") is None:
        _add_show_without_time(ctx, all_day)


def _estimated_to_ical(value: Any, ctx: ToICal) -> None:
    duration = parse_duration(expect(value, str, "estimatedDuration"), "estimatedDuration")
    ctx.component.add("ESTIMATED-DURATION", duration.ical())


def _recurrence_id_to_ical(value: Any, ctx: ToICal) -> None:
    zone = ctx.obj.get("recurrenceIdTimeZone", ctx.zone)
    time = parse_local(value, "recurrenceId")
    prop = ctx.add_time("RECURRENCE-ID", time, zone, is_all_day(ctx, value, "recurrenceId"))
    restore_property_params(ctx.obj, "recurrenceId", prop)


def _consumed(value: Any, ctx: ToICal) -> None:
    """Properties written together with another one (start writes duration and timeZone)."""


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
    "duration": _consumed,
    "timeZone": _consumed,
    "showWithoutTime": _consumed,
    "recurrenceIdTimeZone": _consumed,
    "due": _due_to_ical,
    "estimatedDuration": _estimated_to_ical,
    "recurrenceId": _recurrence_id_to_ical,
}
