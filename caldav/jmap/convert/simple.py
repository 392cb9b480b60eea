"""One-to-one properties: text, integers, enumerations, UTC timestamps, keywords."""

from __future__ import annotations

import datetime as dt
from typing import Any

from caldav.jmap.convert.context import JsMapper, PropMapper, ToICal, ToJSCal, expect
from caldav.jmap.convert.datetime import format_utc, parse_ical_time, parse_utc
from caldav.jmap.convert.model import ICalProperty, escape_text, split_text_list, unescape_text
from caldav.jmap.error import JMAPConversionError

__all__ = ["TO_ICAL", "TO_JSCAL"]


def text(ical: str, key: str) -> tuple[PropMapper, JsMapper]:
    """TEXT property <-> string."""

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        ctx.obj[key] = unescape_text(prop.value)

    def to_ical(value: Any, ctx: ToICal) -> None:
        ctx.component.add(ical, escape_text(expect(value, str, key)))

    return to_js, to_ical


def raw(ical: str, key: str) -> tuple[PropMapper, JsMapper]:
    """Property whose value needs no escaping (UID, COLOR) <-> string."""

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        ctx.obj[key] = prop.value

    def to_ical(value: Any, ctx: ToICal) -> None:
        ctx.component.add(ical, expect(value, str, key))

    return to_js, to_ical


def integer(ical: str, key: str, omit: int | None = None) -> tuple[PropMapper, JsMapper]:
    """INTEGER property <-> number; ``omit`` is a default value left out."""

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        try:
            number = int(prop.value.strip())
        except ValueError as e:
            raise JMAPConversionError(f"not an integer: {prop.value!r}", ical) from e
        if number != omit:
            ctx.obj[key] = number

    def to_ical(value: Any, ctx: ToICal) -> None:
        ctx.component.add(ical, str(expect(value, int, key)))

    return to_js, to_ical


def enum(ical: str, key: str, table: dict[str, str]) -> tuple[PropMapper, JsMapper]:
    """Enumerated property <-> JSCalendar enum; unknown iCalendar values stay unconverted."""
    reverse = {v: k for k, v in table.items()}

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        value = table.get(prop.value.strip().upper())
        if value is None:
            ctx.unconverted.append(prop)
        else:
            ctx.obj[key] = value

    def to_ical(value: Any, ctx: ToICal) -> None:
        ical_value = reverse.get(expect(value, str, key))
        if ical_value is None:
            raise JMAPConversionError(f"unknown value {value!r}", property=key)
        ctx.component.add(ical, ical_value)

    return to_js, to_ical


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
    ("SEQUENCE", "sequence"): integer("SEQUENCE", "sequence"),
    ("PRIORITY", "priority"): integer("PRIORITY", "priority", omit=0),
    ("PERCENT-COMPLETE", "percentComplete"): integer("PERCENT-COMPLETE", "percentComplete"),
    ("CLASS", "privacy"): enum(
        "CLASS", "privacy", {"PUBLIC": "public", "PRIVATE": "private", "CONFIDENTIAL": "secret"}
    ),
    ("TRANSP", "freeBusyStatus"): enum(
        "TRANSP", "freeBusyStatus", {"OPAQUE": "busy", "TRANSPARENT": "free"}
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
