"""One-to-one properties: text, integers, enumerations, UTC timestamps, keywords."""

from __future__ import annotations

import datetime as dt
from typing import Any

from caldav.jmap.convert.context import JsMapper, PropMapper, ToICal, ToJSCal, expect
from caldav.jmap.convert.datetime import format_utc, parse_ical_time, parse_utc
from caldav.jmap.convert.model import ICalProperty, escape_text, split_text_list, unescape_text
from caldav.jmap.convert.preserve import keep_property_params, restore_property_params
from caldav.jmap.error import JMAPConversionError

__all__ = ["TO_ICAL", "TO_JSCAL"]


def text(ical: str, key: str) -> tuple[PropMapper, JsMapper]:
    """TEXT property <-> string."""

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        ctx.obj[key] = unescape_text(prop.value)
        keep_property_params(ctx.obj, key, prop)  # LANGUAGE, ALTREP, X- parameters

    def to_ical(value: Any, ctx: ToICal) -> None:
        prop = ctx.component.add(ical, escape_text(expect(value, str, key)))
        restore_property_params(ctx.obj, key, prop)

    return to_js, to_ical


def raw(ical: str, key: str) -> tuple[PropMapper, JsMapper]:
    """Property whose value needs no escaping (UID, COLOR) <-> string."""

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        ctx.obj[key] = prop.value
        keep_property_params(ctx.obj, key, prop)

    def to_ical(value: Any, ctx: ToICal) -> None:
        restore_property_params(ctx.obj, key, ctx.component.add(ical, expect(value, str, key)))

    return to_js, to_ical


def integer(
    ical: str, key: str, default: int | None = None, keep_default: bool = True
) -> tuple[PropMapper, JsMapper]:
    """INTEGER property <-> number. A value equal to the JSCalendar ``default`` is not
    written to iCalendar; ``keep_default`` says whether JSCalendar shows it anyway."""

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        try:
            number = int(prop.value.strip())
        except ValueError as e:
            raise JMAPConversionError(f"not an integer: {prop.value!r}", ical) from e
        if number != default or keep_default:
            ctx.obj[key] = number
        if number == default:
            mark_explicit_default(prop, ctx)

    def to_ical(value: Any, ctx: ToICal) -> None:
        if ctx.writes(key, expect(value, int, key), default):
            ctx.component.add(ical, str(value))

    return to_js, to_ical


def enum(
    ical: str, key: str, table: dict[str, str], default: str | None = None
) -> tuple[PropMapper, JsMapper]:
    """Enumerated property <-> JSCalendar enum; unknown iCalendar values stay unconverted,
    the JSCalendar ``default`` is not written to iCalendar."""
    reverse = {v: k for k, v in table.items()}

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        value = table.get(prop.value.strip().upper())
        if value is None:
            ctx.unconverted.append(prop)
            return
        ctx.obj[key] = value
        if value == default:
            mark_explicit_default(prop, ctx)

    def to_ical(value: Any, ctx: ToICal) -> None:
        ical_value = reverse.get(expect(value, str, key))
        if ical_value is None:
            raise JMAPConversionError(f"unknown value {value!r}", property=key)
        if ctx.writes(key, value, default):
            ctx.component.add(ical, ical_value)

    return to_js, to_ical


def mark_explicit_default(prop: ICalProperty, ctx: ToJSCal) -> None:
    """Keep a property whose value is the JSCalendar default in the unconverted data too.

    The writer leaves JSCalendar defaults out (servers echo every default, which would
    otherwise fill the iCalendar with noise such as SEQUENCE:0 or TRANSP:OPAQUE); the kept
    copy brings the property back when the source stated it. It is written only when no
    mapper wrote the property (``preserve.IF_ABSENT``), so a changed value wins.
    """
    ctx.unconverted.append(prop)


def utc(ical: str, key: str) -> tuple[PropMapper, JsMapper]:
    """UTC DATE-TIME property <-> UTCDateTime."""

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        ctx.obj[key] = format_utc(parse_ical_time(prop.value, prop.param("TZID")))

    def to_ical(value: Any, ctx: ToICal) -> None:
        ctx.component.add(ical, f"{parse_utc(value, key):%Y%m%dT%H%M%SZ}")

    return to_js, to_ical


def _categories_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    words = [word for word in split_text_list(prop.value) if word]
    if words:
        ctx.obj.setdefault("keywords", {}).update(dict.fromkeys(words, True))


def _keywords_to_ical(value: Any, ctx: ToICal) -> None:
    words = [w for w, on in expect(value, dict, "keywords").items() if on]
    if words:
        ctx.component.add("CATEGORIES", ",".join(escape_text(w) for w in words))


def _last_modified_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    # the draft keeps LAST-MODIFIED as an unconverted property; it still stands in for a
    # missing DTSTAMP so that "updated" is the source's and not a fresh timestamp
    ctx.unconverted.append(prop)
    if ctx.component.first("DTSTAMP") is None:
        utc("LAST-MODIFIED", "updated")[0](prop, ctx)


def _updated_to_ical(value: Any, ctx: ToICal) -> None:
    utc("DTSTAMP", "updated")[1](value, ctx)


_EVENT_STATUS = enum(
    "STATUS",
    "status",
    {"CONFIRMED": "confirmed", "TENTATIVE": "tentative", "CANCELLED": "cancelled"},
    # RFC 8984 defaults Event.status to "confirmed" and servers echo it; iCalendar has no
    # default, so an explicit STATUS:CONFIRMED of the source is kept as explicit default
    default="confirmed",
)
_TASK_PROGRESS = enum(
    "STATUS",
    "progress",
    {
        "NEEDS-ACTION": "needs-action",
        "IN-PROCESS": "in-process",
        "COMPLETED": "completed",
        "CANCELLED": "cancelled",
        "FAILED": "failed",
    },
)


def _status_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    # one iCalendar property, two JSCalendar homes: Event.status and Task.progress
    (_TASK_PROGRESS if ctx.kind == "Task" else _EVENT_STATUS)[0](prop, ctx)


def fresh_dtstamp() -> str:
    """A DTSTAMP value for now, for objects whose source had no timestamp."""
    return f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}"


_PAIRS: dict[tuple[str, str], tuple[PropMapper, JsMapper]] = {
    ("SUMMARY", "title"): text("SUMMARY", "title"),
    ("DESCRIPTION", "description"): text("DESCRIPTION", "description"),
    ("UID", "uid"): raw("UID", "uid"),
    ("COLOR", "color"): raw("COLOR", "color"),
    ("SEQUENCE", "sequence"): integer("SEQUENCE", "sequence", default=0),
    # PRIORITY:0 means "undefined", which JSCalendar says by leaving priority out
    ("PRIORITY", "priority"): integer("PRIORITY", "priority", default=0, keep_default=False),
    ("PERCENT-COMPLETE", "percentComplete"): integer("PERCENT-COMPLETE", "percentComplete"),
    ("CLASS", "privacy"): enum(
        "CLASS",
        "privacy",
        {"PUBLIC": "public", "PRIVATE": "private", "CONFIDENTIAL": "secret"},
        default="public",
    ),
    ("TRANSP", "freeBusyStatus"): enum(
        "TRANSP", "freeBusyStatus", {"OPAQUE": "busy", "TRANSPARENT": "free"}, default="busy"
    ),
    ("DTSTAMP", "updated"): utc("DTSTAMP", "updated"),
    ("CREATED", "created"): utc("CREATED", "created"),
    ("COMPLETED", "progressUpdated"): utc("COMPLETED", "progressUpdated"),
}

TO_JSCAL: dict[str, PropMapper] = {ical: pair[0] for (ical, _), pair in _PAIRS.items()}
TO_JSCAL |= {
    "CATEGORIES": _categories_to_js,
    "LAST-MODIFIED": _last_modified_to_js,
    "STATUS": _status_to_js,
}

TO_ICAL: dict[str, JsMapper] = {key: pair[1] for (_, key), pair in _PAIRS.items()}
TO_ICAL |= {
    "keywords": _keywords_to_ical,
    "updated": _updated_to_ical,
    "status": _EVENT_STATUS[1],
    "progress": _TASK_PROGRESS[1],
}
