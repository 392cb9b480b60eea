"""One-to-one properties: text (title and locale, localizations, description and
STYLED-DESCRIPTION), integers, enumerations, UTC timestamps, keywords."""

from __future__ import annotations

import datetime as dt

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap.convert.context import (
    JsMapper,
    OutOfRange,
    PropMapper,
    ToICal,
    ToJSCal,
    expect,
    in_range,
)
from caldav.jmap.convert.datetime import format_utc, ical_datetime, parse_ical_time, parse_utc
from caldav.jmap.convert.jsprop import jsprop_to_ical
from caldav.jmap.convert.model import ICalProperty, escape_text, split_text_list, unescape_text
from caldav.jmap.convert.preserve import (
    converted_from,
    keep_property_params,
    mark_converted,
    restore_property_params,
)
from caldav.jmap.error import JMAPConversionError

__all__ = ["TO_ICAL", "TO_JSCAL", "enum", "first", "fresh_dtstamp", "integer", "raw", "text", "utc"]


def first(prop: ICalProperty, key: str, ctx: ToJSCal) -> bool:
    """Whether ``prop`` is the first to set ``key``. A one-value mapper never overwrites:
    a later occurrence (a repeatable property given a one-value mapper by mistake, or a
    broken source) is kept verbatim, so that it comes back instead of replacing the first.
    """
    if key in ctx.obj:
        ctx.unconverted.append(prop)
        return False
    return True


def text(ical: str, key: str) -> tuple[PropMapper, JsMapper]:
    """TEXT property <-> string (a subobject's NAME, SUMMARY, DESCRIPTION)."""

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        if first(prop, key, ctx):
            ctx.obj[key] = unescape_text(prop.value)
            keep_property_params(ctx.obj, key, prop)  # LANGUAGE, ALTREP, X- parameters

    def to_ical(value: JSONValue, ctx: ToICal) -> None:
        prop = ctx.component.add(ical, escape_text(expect(value, str, key)))
        restore_property_params(ctx.obj, key, prop)

    return to_js, to_ical


def raw(ical: str, key: str) -> tuple[PropMapper, JsMapper]:
    """Property whose value needs no escaping (UID, COLOR) <-> string."""

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        if first(prop, key, ctx):
            ctx.obj[key] = prop.value
            keep_property_params(ctx.obj, key, prop)

    def to_ical(value: JSONValue, ctx: ToICal) -> None:
        restore_property_params(ctx.obj, key, ctx.component.add(ical, expect(value, str, key)))

    return to_js, to_ical


def integer(
    ical: str,
    key: str,
    bounds: tuple[int, int],
    default: int | None = None,
    keep_default: bool = True,
) -> tuple[PropMapper, JsMapper]:
    """INTEGER property <-> number. A value equal to the JSCalendar ``default`` is not
    written to iCalendar; ``keep_default`` says whether JSCalendar shows it anyway. A value
    outside RFC 5545's ``bounds`` is not written (:class:`OutOfRange`: kept as JSPROP)."""

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        if not first(prop, key, ctx):
            return
        try:
            number = int(prop.value.strip())
        except ValueError as e:
            raise JMAPConversionError(f"not an integer: {prop.value!r}", ical) from e
        if number != default or keep_default:
            ctx.obj[key] = number
        if number == default:
            mark_explicit_default(prop, ctx)

    def to_ical(value: JSONValue, ctx: ToICal) -> None:
        if ctx.writes(key, in_range(value, *bounds, key), default):
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
        if not first(prop, key, ctx):
            return
        ctx.obj[key] = value
        if value == default:
            mark_explicit_default(prop, ctx)

    def to_ical(value: JSONValue, ctx: ToICal) -> None:
        ical_value = reverse.get(expect(value, str, key))
        if ical_value is None:  # a vendor value ("example.com:draft", RFC 8984 3.3): JSPROP
            raise OutOfRange(f"{key} {value!r} has no iCalendar value")
        if ctx.writes(key, value, default):
            ctx.component.add(ical, ical_value)

    return to_js, to_ical


def mark_explicit_default(prop: ICalProperty, ctx: ToJSCal) -> None:
    """Keep a property whose value is the JSCalendar default in the unconverted data too.

    The writer leaves JSCalendar defaults out (servers echo every default, which would
    otherwise fill the iCalendar with noise such as SEQUENCE:0 or TRANSP:OPAQUE); the kept
    copy brings the property back when the source stated it. It is written only when no
    mapper wrote the property (``properties.IF_ABSENT``), so a changed value wins.
    """
    ctx.unconverted.append(prop)


def utc(ical: str, key: str) -> tuple[PropMapper, JsMapper]:
    """UTC DATE-TIME property <-> UTCDateTime."""

    def to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
        if first(prop, key, ctx):
            ctx.obj[key] = format_utc(parse_ical_time(prop.value, prop.param("TZID")))

    def to_ical(value: JSONValue, ctx: ToICal) -> None:
        ctx.component.add(ical, ical_datetime(parse_utc(value, key), utc=True))

    return to_js, to_ical


def _localize(prop: ICalProperty, ctx: ToJSCal, key: str) -> None:
    """A second SUMMARY / DESCRIPTION in another LANGUAGE: a ``localizations`` patch
    (RFC 8984 section 4.6.1). Anything else repeated stays unconverted."""
    lang = prop.param("LANGUAGE")
    localized = ctx.obj.get("localizations", {}).get(lang, {}) if lang else {}
    if (
        not lang
        or set(prop.params) != {"LANGUAGE"}
        or lang == ctx.obj.get("locale")
        or key in localized
    ):
        ctx.unconverted.append(prop)
        return
    ctx.obj.setdefault("localizations", {}).setdefault(lang, {})[key] = unescape_text(prop.value)


def _summary_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    if "title" in ctx.obj:
        _localize(prop, ctx, "title")
        return
    ctx.obj["title"] = unescape_text(prop.value)
    language = prop.param("LANGUAGE")
    if language:
        ctx.obj["locale"] = language  # the draft: SUMMARY's LANGUAGE is the object's locale
    keep_property_params(ctx.obj, "title", _without(prop, "LANGUAGE"))


def _title_to_ical(value: JSONValue, ctx: ToICal) -> None:
    locale = ctx.obj.get("locale")
    prop = ctx.component.add(
        "SUMMARY",
        escape_text(expect(value, str, "title")),
        LANGUAGE=expect(locale, str, "locale") if locale is not None else None,
    )
    restore_property_params(ctx.obj, "title", prop)


def _locale_to_ical(value: JSONValue, ctx: ToICal) -> None:
    # written as SUMMARY's LANGUAGE; without a title it has no iCalendar home
    if not isinstance(ctx.obj.get("title"), str):
        jsprop_to_ical({"locale": value}, ctx)


def _localizations_to_ical(value: JSONValue, ctx: ToICal) -> None:
    patches = expect(value, dict, "localizations")
    # RFC 5545 allows one SUMMARY and one DESCRIPTION: translations travel as JSPROP
    jsprop_to_ical({"localizations": patches}, ctx)


def _without(prop: ICalProperty, *names: str) -> ICalProperty:
    return ICalProperty(prop.name, {k: v for k, v in prop.params.items() if k not in names})


def _is_derived(prop: ICalProperty) -> bool:
    return (prop.param("DERIVED") or "").upper() == "TRUE"


def _styled_source(prop: ICalProperty) -> bool:
    """Whether a STYLED-DESCRIPTION can be the description (the draft's conditions: TEXT
    value, a text/* FMTTYPE or none, not DERIVED)."""
    fmt = (prop.param("FMTTYPE") or "text/plain").lower()
    value_type = (prop.param("VALUE") or "TEXT").upper()
    return value_type == "TEXT" and fmt.startswith("text/") and not _is_derived(prop)


def _description_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    component = ctx.component
    styled = [p for p in component.all("STYLED-DESCRIPTION") if _styled_source(p)]
    if _is_derived(prop) and styled:  # RFC 9073: the styled one is the description
        ctx.unconverted.append(prop)
        return
    if "description" in ctx.obj:
        _localize(prop, ctx, "description")
        return
    ctx.obj["description"] = unescape_text(prop.value)
    keep_property_params(ctx.obj, "description", prop)


def _styled_description_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    component = ctx.component
    plain = [p for p in component.all("DESCRIPTION") if not _is_derived(p)]
    styled = [p for p in component.all("STYLED-DESCRIPTION") if _styled_source(p)]
    if plain or not styled or prop is not styled[0]:
        ctx.unconverted.append(prop)
        return
    ctx.obj["description"] = unescape_text(prop.value)
    ctx.obj["descriptionContentType"] = prop.param("FMTTYPE") or "text/plain"
    # the entry also records that the description came from STYLED-DESCRIPTION
    mark_converted(ctx.obj, "description", _without(prop, "FMTTYPE"))


def _description_to_ical(value: JSONValue, ctx: ToICal) -> None:
    text_value = escape_text(expect(value, str, "description"))
    content_type = ctx.obj.get("descriptionContentType") or "text/plain"
    if _styled(ctx.obj):
        prop = ctx.component.add(
            "STYLED-DESCRIPTION", text_value, VALUE="TEXT", FMTTYPE=content_type
        )
    else:
        prop = ctx.component.add("DESCRIPTION", text_value)
    restore_property_params(ctx.obj, "description", prop)


def _styled(obj: JSONObject) -> bool:
    """Whether the description is written as STYLED-DESCRIPTION: it has a content type
    other than text/plain, or came from one; an empty description never is (servers echo
    ``description: ""`` on every event)."""
    content_type = obj.get("descriptionContentType") or "text/plain"
    expect(content_type, str, "descriptionContentType")
    return bool(obj.get("description")) and (
        content_type.lower() != "text/plain"
        or converted_from(obj, "description") == "styled-description"
    )


def _description_content_type_to_ical(value: JSONValue, ctx: ToICal) -> None:
    # written as STYLED-DESCRIPTION's FMTTYPE; without a description it has no home
    if not _styled(ctx.obj):
        jsprop_to_ical({"descriptionContentType": value}, ctx)


def _categories_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    words = [word for word in split_text_list(prop.value) if word]
    if words:
        ctx.obj.setdefault("keywords", {}).update(dict.fromkeys(words, True))


def _keywords_to_ical(value: JSONValue, ctx: ToICal) -> None:
    words = [w for w, on in expect(value, dict, "keywords").items() if on]
    if words:
        ctx.component.add("CATEGORIES", ",".join(escape_text(w) for w in words))


def _last_modified_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    # the draft keeps LAST-MODIFIED as an unconverted property; it still stands in for a
    # missing DTSTAMP so that "updated" is the source's and not a fresh timestamp
    ctx.unconverted.append(prop)
    if ctx.component.first("DTSTAMP") is None:
        utc("LAST-MODIFIED", "updated")[0](prop, ctx)


def _updated_to_ical(value: JSONValue, ctx: ToICal) -> None:
    utc("DTSTAMP", "updated")[1](value, ctx)


_EVENT_STATUS = enum(
    "STATUS",
    "status",
    {"CONFIRMED": "confirmed", "TENTATIVE": "tentative", "CANCELLED": "cancelled"},
    # RFC 8984 defaults Event.status to "confirmed", but iCalendar has no default: a status
    # the object states is written, STATUS:CONFIRMED included (what the source said)
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


#: The hand-written mappers, by iCalendar property name (``properties.TABLE`` says which
#: property each converts; the one-to-one mappers come from the factories above).
TO_JSCAL: dict[str, PropMapper] = {
    "CATEGORIES": _categories_to_js,
    "LAST-MODIFIED": _last_modified_to_js,
    "STATUS": _status_to_js,
    "SUMMARY": _summary_to_js,
    "DESCRIPTION": _description_to_js,
    "STYLED-DESCRIPTION": _styled_description_to_js,
}

#: The hand-written mappers, by JSCalendar property name.
TO_ICAL: dict[str, JsMapper] = {
    "keywords": _keywords_to_ical,
    "updated": _updated_to_ical,
    "status": _EVENT_STATUS[1],
    "progress": _TASK_PROGRESS[1],
    "title": _title_to_ical,
    "locale": _locale_to_ical,
    "localizations": _localizations_to_ical,
    "description": _description_to_ical,
    "descriptionContentType": _description_content_type_to_ical,
}
