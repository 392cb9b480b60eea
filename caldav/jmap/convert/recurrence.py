"""RRULE, EXRULE, EXDATE, RDATE <-> recurrenceRules, excludedRecurrenceRules and the
excluded / added entries of recurrenceOverrides."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from dateutil.rrule import rrule, rrulestr

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap.convert.context import (
    INT32,
    JsMapper,
    OutOfRange,
    PropMapper,
    ToICal,
    ToJSCal,
    expect,
    in_range,
)
from caldav.jmap.convert.datetime import (
    UTC_ZONES,
    ICalTime,
    duration_between,
    format_local,
    ical_date,
    ical_datetime,
    parse_duration,
    parse_ical_time,
    parse_local,
    prop_times,
    to_zone,
    zone_info,
)
from caldav.jmap.convert.model import ICalComponent, ICalProperty
from caldav.jmap.convert.preserve import converted_entry, mark_converted
from caldav.jmap.error import JMAPConversionError

__all__ = [
    "RULE_DEFAULTS",
    "is_generated",
    "is_rdate_period",
    "TO_ICAL",
    "TO_JSCAL",
    "rule_from_ical",
    "rule_to_ical",
]

_NDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")

_INT_LISTS = {
    "BYMONTHDAY": "byMonthDay",
    "BYYEARDAY": "byYearDay",
    "BYWEEKNO": "byWeekNo",
    "BYHOUR": "byHour",
    "BYMINUTE": "byMinute",
    "BYSECOND": "bySecond",
    "BYSETPOS": "bySetPosition",
}
_LOWER = {"FREQ": "frequency", "WKST": "firstDayOfWeek", "RSCALE": "rscale", "SKIP": "skip"}

#: RecurrenceRule defaults (RFC 8984 section 4.3.3, equal to RFC 5545 / RFC 7529's): the
#: writer leaves them out, since servers echo them on every rule. Stating them or not means
#: the same recurrence in iCalendar, so nothing is lost.
RULE_DEFAULTS: JSONObject = {
    "interval": 1,
    "rscale": "gregorian",
    "skip": "omit",
    "firstDayOfWeek": "mo",
}


def _int(value: str, part: str) -> int:
    try:
        return int(value)
    except ValueError as e:
        raise JMAPConversionError(f"{part} is not an integer: {value!r}", "RRULE") from e


def _until_to_js(value: str, zone: str | None, all_day: bool = False) -> str:
    until = parse_ical_time(value)
    # RFC 8984: until is in the object's time zone; a UTC UNTIL moves there
    local = to_zone(until, zone) if until.utc and zone not in UTC_ZONES else until.local
    if all_day:
        # All-day instances start at midnight, so any time within the last day ends the
        # series after the same instance: the date alone is exact (and written as a DATE)
        local = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return format_local(local)


_FREQUENCIES = frozenset({"yearly", "monthly", "weekly", "daily", "hourly", "minutely", "secondly"})


def rule_from_ical(value: str, zone: str | None, all_day: bool = False) -> JSONObject:
    """An RRULE / EXRULE value as a RecurrenceRule object."""
    rule: JSONObject = {"@type": "RecurrenceRule"}
    for part in value.strip().split(";"):
        name, _, text = part.partition("=")
        name = name.strip().upper()
        if name in _LOWER:
            rule[_LOWER[name]] = text.strip().lower()
        elif name in _INT_LISTS:
            rule[_INT_LISTS[name]] = [_int(v, name) for v in text.split(",") if v]
        elif name in ("INTERVAL", "COUNT"):
            rule[name.lower()] = _int(text, name)
        elif name == "UNTIL":
            rule["until"] = _until_to_js(text, zone, all_day)
        elif name == "BYMONTH":
            rule["byMonth"] = [v.strip() for v in text.split(",") if v]
        elif name == "BYDAY":
            rule["byDay"] = [_nday(v) for v in text.split(",") if v]
    if "frequency" not in rule:
        raise JMAPConversionError("recurrence rule without FREQ", "RRULE")
    if rule["frequency"] not in _FREQUENCIES:
        raise JMAPConversionError(f"unknown FREQ {rule['frequency'].upper()!r}", "RRULE")
    # stated defaults are dropped as the writer drops them, so that a round trip is stable
    return {k: v for k, v in rule.items() if RULE_DEFAULTS.get(k) != v}


def _nday(value: str) -> JSONObject:
    m = _NDAY.match(value.strip().upper())
    if not m:
        raise JMAPConversionError(f"bad BYDAY value {value!r}", "RRULE")
    nday: JSONObject = {"@type": "NDay", "day": m.group(2).lower()}
    if m.group(1):
        nday["nthOfPeriod"] = int(m.group(1))
    return nday


def _until_to_ical(value: JSONValue, ctx: ToICal) -> str:
    until = parse_local(value, "recurrenceRules/until")
    if ctx.obj.get("showWithoutTime"):
        # An all-day UNTIL stays a DATE; servers (Cyrus) store it as the last second of the
        # day, which names the same date
        return ical_date(until)
    zone = ctx.zone
    if zone is None:
        return ical_datetime(until)
    if zone_info(zone) is not None and zone not in UTC_ZONES:
        until = to_zone(ICalTime(until, tzid=zone), "Etc/UTC")
    return ical_datetime(until, utc=True)


def rule_to_ical(rule: Any, ctx: ToICal, prop: str) -> str:
    """A RecurrenceRule object as an RRULE / EXRULE value."""
    expect(rule, dict, prop)
    frequency = expect(rule.get("frequency"), str, f"{prop}/frequency")
    parts = [f"FREQ={frequency.upper()}"]
    rule = {k: v for k, v in rule.items() if v is not None and RULE_DEFAULTS.get(k) != v}
    if rule.get("rscale") or rule.get("skip"):
        # RFC 7529: SKIP only goes with RSCALE, so a non-default skip brings the default back
        rscale = str(rule.get("rscale") or "gregorian")
        if not _RSCALE.match(rscale):
            raise OutOfRange(f"{prop}/rscale {rscale!r} is no calendar scale name")
        parts.insert(0, f"RSCALE={rscale.upper()}")
    if frequency.lower() not in _FREQUENCIES:
        raise OutOfRange(f"{prop}/frequency {frequency!r} is no RFC 5545 FREQ")
    for key, name in (("interval", "INTERVAL"), ("count", "COUNT")):
        if key in rule:
            parts.append(f"{name}={in_range(rule[key], 1, INT32[1], f'{prop}/{key}')}")
    if "until" in rule:
        parts.append(f"UNTIL={_until_to_ical(rule['until'], ctx)}")
    if rule.get("byDay"):
        days = []
        for nday in expect(rule["byDay"], list, f"{prop}/byDay"):
            day = _token(expect(nday, dict, f"{prop}/byDay").get("day"), _DAYS, f"{prop}/byDay")
            nth = nday.get("nthOfPeriod")
            days.append(f"{_nonzero(nth, 53, f'{prop}/byDay') if nth else ''}{day}")
        parts.append("BYDAY=" + ",".join(days))
    if rule.get("byMonth"):
        months = expect(rule["byMonth"], list, f"{prop}/byMonth")
        # RFC 7529: the Coptic and Ethiopic calendars have a 13th month
        pattern = _MONTH if str(rule.get("rscale") or "gregorian") == "gregorian" else _MONTH_13
        for month in months:
            if not isinstance(month, str) or not pattern.match(month):
                raise OutOfRange(f"{prop}/byMonth {month!r} is no month (1..12, L for leap)")
        parts.append("BYMONTH=" + ",".join(months))
    for name, key in _INT_LISTS.items():
        if rule.get(key):
            low, high = _INT_RANGES[key]
            checked = (
                _nonzero(v, high, f"{prop}/{key}") if low < 0 else in_range(v, low, high, prop)
                for v in expect(rule[key], list, prop)
            )
            parts.append(f"{name}=" + ",".join(map(str, checked)))
    if rule.get("firstDayOfWeek"):
        parts.append(f"WKST={_token(rule['firstDayOfWeek'], _DAYS, f'{prop}/firstDayOfWeek')}")
    if rule.get("skip"):
        parts.append(f"SKIP={_token(rule['skip'], _SKIPS, f'{prop}/skip')}")
    return ";".join(parts)


_DAYS = frozenset({"MO", "TU", "WE", "TH", "FR", "SA", "SU"})
_SKIPS = frozenset({"OMIT", "BACKWARD", "FORWARD"})
_MONTH = re.compile(r"^(?:[1-9]|1[0-2])L?$")
_MONTH_13 = re.compile(r"^(?:[1-9]|1[0-3])L?$")
_RSCALE = re.compile(r"^[A-Za-z0-9-]+$")
#: RFC 5545 section 3.3.10 value ranges; a negative low bound: +-1..high, never 0
_INT_RANGES = {
    "byMonthDay": (-31, 31),
    "byYearDay": (-366, 366),
    "byWeekNo": (-53, 53),
    "byHour": (0, 23),
    "byMinute": (0, 59),
    "bySecond": (0, 60),
    "bySetPosition": (-366, 366),
}


def _nonzero(value: JSONValue, high: int, prop: str) -> int:
    """A value of +-1..``high`` (BYMONTHDAY, BYSETPOS, an NDay's nthOfPeriod, ...)."""
    number = in_range(value, -high, high, prop)
    if number == 0:
        raise OutOfRange(f"{prop} 0 is not allowed")
    return number


def _token(value: JSONValue, allowed: frozenset[str], prop: str) -> str:
    """An enumerated rule part, upper-case."""
    text = expect(value, str, prop).upper()
    if text not in allowed:
        raise OutOfRange(f"{prop} {value!r} is none of {sorted(allowed)}")
    return text


def _rules_to_js(key: str) -> PropMapper:
    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        start = ctx.component.first("DTSTART") or ctx.component.first("DUE")
        all_day = start is not None and (start.param("VALUE") or "").upper() == "DATE"
        rule = rule_from_ical(prop.value, ctx.zone, all_day)  # may raise: then nothing is set
        ctx.obj.setdefault(key, []).append(rule)

    return to_js


def _rules_to_ical(name: str, key: str) -> JsMapper:
    def to_ical(value: JSONValue, ctx: ToICal) -> None:
        rules = [value] if isinstance(value, dict) else expect(value, list, key)
        for rule in rules:
            ctx.component.add(name, rule_to_ical(rule, ctx, key))

    return to_ical


def _override_key(time: ICalTime, ctx: ToJSCal) -> str:
    return format_local(to_zone(time, ctx.zone))


def _dates_to_js(patch_for: Callable[[ICalProperty, ICalTime, str], JSONObject]) -> PropMapper:
    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        if ctx.component.first("DTSTART") is None and ctx.component.first("DUE") is None:
            # no start, no zone to express the dates in: kept as they are
            ctx.unconverted.append(prop)
            return
        overrides = ctx.obj.setdefault("recurrenceOverrides", {})
        periods = prop.value.split(",")
        for time, period in zip(prop_times(prop), periods, strict=False):
            key = _override_key(time, ctx)
            if key in overrides:
                continue
            overrides[key] = patch_for(prop, time, period)
            if ctx.zone is None and time.zone is not None:
                # a floating series keys its dates by wall time: a date in UTC or a zone
                # keeps its zone aside (the draft's convertedProperties), for the way back
                mark_converted(ctx.obj, f"recurrenceOverrides/{key}", _zoned(prop, time))

    return to_js


def _zoned(prop: ICalProperty, time: ICalTime) -> ICalProperty:
    """The line a date came from, reduced to its zone: TZID, or ``Z`` as TZID=Etc/UTC."""
    return ICalProperty(prop.name, {"TZID": [time.zone or ""]}, "")


def _source_zone(obj: dict[str, object], key: str, zone: str | None) -> str | None:
    """The zone of the date at ``key`` as the source wrote it (see :func:`_zoned`), else
    ``zone``, the series' own."""
    if zone is not None:
        return zone
    params = (converted_entry(obj, f"recurrenceOverrides/{key}") or {}).get("parameters")
    tzid = params.get("tzid") if isinstance(params, dict) else None
    return tzid if isinstance(tzid, str) and tzid else None


def _exdate_patch(prop: ICalProperty, time: ICalTime, period: str) -> JSONObject:
    return {"excluded": True}


def _rdate_patch(prop: ICalProperty, time: ICalTime, period: str) -> JSONObject:
    if "/" not in period:
        return {}
    end = period.split("/", 1)[1]
    if end.lstrip("+-").startswith("P"):
        return {"duration": parse_duration(end, "RDATE").jscal()}
    end_time = parse_ical_time(end, prop.param("TZID"))
    return {"duration": duration_between(time.local, to_zone(end_time, time.zone)).jscal()}


def is_rdate_period(patch: JSONObject, all_day: bool = False) -> bool:
    """Whether an override only gives its instance another length: an RDATE period (a
    PERIOD is of DATE-TIMEs, so not for all-day objects)."""
    return not all_day and set(patch) == {"duration"} and isinstance(patch["duration"], str)


#: Frequencies whose occurrences are few enough to look one up by stepping through them,
#: with the days one step spans: stepping stops after _MAX_STEPS (hostile data, or a rule
#: that never matches, must not cost seconds)
_COARSE = {"yearly": 365, "monthly": 28, "weekly": 7, "daily": 1}
_MAX_STEPS = 5000


def _may_match(rule: JSONObject, start: dt.datetime, target: dt.datetime) -> bool:
    """Whether ``target`` passes the simple filters of ``rule`` (month, positive month day,
    weekday, time of day). dateutil steps through a rule that never matches for seconds;
    a target that passes these has occurrences around it, which it finds fast."""
    months = rule.get("byMonth")
    if months and str(target.month) not in [str(m) for m in months]:
        return False
    days = rule.get("byMonthDay")
    if days and all(isinstance(d, int) and d > 0 for d in days) and target.day not in days:
        return False
    weekdays = rule.get("byDay")
    names = ("mo", "tu", "we", "th", "fr", "sa", "su")
    if weekdays and all(isinstance(d, dict) for d in weekdays):
        if names[target.weekday()] not in [d.get("day") for d in weekdays]:
            return False
    for key, value in (("byHour", target.hour), ("byMinute", target.minute)):
        if rule.get(key) and value not in rule[key]:
            return False
    if not rule.get("byHour") and not rule.get("byMinute") and target.time() != start.time():
        return False
    return True


def is_generated(obj: JSONObject, key: str) -> bool:
    """Whether the recurrence rules of ``obj`` make an occurrence at ``key`` (a
    LocalDateTime), in wall time. An empty override there is an instance that repeats
    its series, not an added occurrence (an RDATE would duplicate it). False whenever
    it cannot tell (no rules, an excluded rule, a fine-grained frequency)."""
    rules = obj.get("recurrenceRules") or []
    if isinstance(rules, dict):
        rules = [rules]
    if isinstance(obj.get("recurrenceRule"), dict):  # the 2.0 dialect
        rules = [*rules, obj["recurrenceRule"]]
    if not rules or obj.get("excludedRecurrenceRules") or not isinstance(obj.get("start"), str):
        return False
    try:
        start = parse_local(obj["start"], "start")
        target = parse_local(key, "recurrenceOverrides")
        for rule in rules:
            step = _COARSE.get(str(rule.get("frequency")))
            if step is None or (target - start).days > step * _MAX_STEPS:
                continue
            if not _may_match(rule, start, target):
                continue
            # stepping ends at the target (a rule that never matches would otherwise run to
            # year 9999); COUNT is checked on the occurrences up to it
            local = {k: v for k, v in rule.items() if k not in ("until", "count")}
            until = parse_local(rule["until"], "until") if "until" in rule else target
            ctx = ToICal({"showWithoutTime": obj.get("showWithoutTime")}, ICalComponent("X"), "")
            found = rrulestr(rule_to_ical(local, ctx, "recurrenceRules"), dtstart=start)
            # one RRULE line (no forceset, RDATE or EXDATE) parses to an rrule, not a set
            assert isinstance(found, rrule)
            occurrences = list(found.replace(until=min(until, target)))
            count = rule.get("count")
            if occurrences[-1:] == [target] and (count is None or len(occurrences) <= count):
                return True
    except (JMAPConversionError, OutOfRange, ValueError, TypeError, OverflowError):
        return False
    return False


def _overrides_to_ical(value: JSONValue, ctx: ToICal) -> None:
    """Excluded instances become EXDATE, added ones RDATE; the driver writes the others."""
    all_day = bool(ctx.obj.get("showWithoutTime"))
    for key, patch in expect(value, dict, "recurrenceOverrides").items():
        expect(patch, dict, f"recurrenceOverrides/{key}")
        time = parse_local(key, "recurrenceOverrides")
        zone = _source_zone(ctx.obj, key, ctx.zone)
        if patch.get("excluded") is True:
            ctx.add_time("EXDATE", time, zone, all_day)
        elif not patch and not is_generated(ctx.obj, key):
            ctx.add_time("RDATE", time, zone, all_day)
        elif is_rdate_period(patch, all_day) and ctx.kind == "Event":
            prop = ctx.add_time("RDATE", time, zone, all_day, VALUE="PERIOD")
            prop.value += "/" + parse_duration(patch["duration"], "duration").ical()


TO_JSCAL: dict[str, PropMapper] = {
    "RRULE": _rules_to_js("recurrenceRules"),
    "EXRULE": _rules_to_js("excludedRecurrenceRules"),
    "EXDATE": _dates_to_js(_exdate_patch),
    "RDATE": _dates_to_js(_rdate_patch),
}

TO_ICAL: dict[str, JsMapper] = {
    "recurrenceRules": _rules_to_ical("RRULE", "recurrenceRules"),
    "recurrenceRule": _rules_to_ical("RRULE", "recurrenceRule"),  # JSCalendar 2.0 dialect
    "excludedRecurrenceRules": _rules_to_ical("EXRULE", "excludedRecurrenceRules"),
    "recurrenceOverrides": _overrides_to_ical,
}
