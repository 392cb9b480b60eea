"""Keeping iCalendar elements that have no JSCalendar home.

They travel in a vendor property (vendor property names contain a colon, RFC 8984
section 3.3) shaped like the draft's ICalComponent: ``properties`` and ``components`` in
jCal (RFC 7265) form, and ``parameters`` for unconverted parameters of the one property a
subobject (Participant, Location, Link) came from. Values are kept raw (jCal type
"unknown"), so they come back byte for byte.
"""

from __future__ import annotations

from typing import Any

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap.convert.context import JsMapper, ToICal, expect
from caldav.jmap.convert.model import ICalComponent, ICalProperty
from caldav.jmap.error import JMAPConversionError

__all__ = [
    "keep_line_params",
    "line_params",
    "VENDOR_KEY",
    "calendar_properties",
    "converted_entry",
    "converted_from",
    "keep_params",
    "store_calendar_properties",
    "keep_property_params",
    "mark_converted",
    "restore_property_params",
    "restore_params",
    "store_unconverted",
    "vendor_to_ical",
]

#: The vendor property holding unconverted iCalendar data.
VENDOR_KEY = "python-caldav:iCalendar"


def _params_to_jcal(params: dict[str, list[str]]) -> JSONObject:
    return {k.lower(): v[0] if len(v) == 1 else list(v) for k, v in params.items()}


def _params_from_jcal(params: object) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, value in expect(params, dict, VENDOR_KEY).items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            raise JMAPConversionError("parameter values must be strings", property=VENDOR_KEY)
        result[str(name).upper()] = list(values)
    return result


def property_to_jcal(prop: ICalProperty) -> list[Any]:
    """A property in jCal form, value kept raw."""
    return [prop.name.lower(), _params_to_jcal(prop.params), "unknown", prop.value]


def property_from_jcal(item: object) -> ICalProperty:
    """The inverse of :func:`property_to_jcal` (other jCal value types are joined as text)."""
    if not isinstance(item, list) or len(item) < 4 or not isinstance(item[0], str):
        raise JMAPConversionError("malformed jCal property", property=VENDOR_KEY)
    values = item[3:]
    value = ",".join(v if isinstance(v, str) else str(v) for v in values)
    return ICalProperty(item[0].upper(), _params_from_jcal(item[1]), value)


def component_to_jcal(comp: ICalComponent) -> list[Any]:
    """A component in jCal form."""
    return [
        comp.name.lower(),
        [property_to_jcal(p) for p in comp.properties],
        [component_to_jcal(c) for c in comp.components],
    ]


def component_from_jcal(item: object) -> ICalComponent:
    """The inverse of :func:`component_to_jcal`."""
    if not isinstance(item, list) or len(item) != 3 or not isinstance(item[0], str):
        raise JMAPConversionError("malformed jCal component", property=VENDOR_KEY)
    return ICalComponent(
        item[0].upper(),
        [property_from_jcal(p) for p in expect(item[1], list, VENDOR_KEY)],
        [component_from_jcal(c) for c in expect(item[2], list, VENDOR_KEY)],
    )


def store_unconverted(
    obj: JSONObject, props: list[ICalProperty], comps: list[ICalComponent]
) -> None:
    """Record unconverted properties and subcomponents in ``obj``'s vendor property."""
    if props:
        vendor = obj.setdefault(VENDOR_KEY, {})
        vendor["properties"] = [property_to_jcal(p) for p in props]
    if comps:
        vendor = obj.setdefault(VENDOR_KEY, {})
        vendor["components"] = [component_to_jcal(c) for c in comps]


def store_calendar_properties(obj: JSONObject, props: list[ICalProperty]) -> None:
    """Record the VCALENDAR's other properties (CALSCALE, X-WR-CALNAME, ...) with each object
    converted from it: JSCalendar has no calendar-level home for them (the draft's Group
    would be one, but JMAP stores objects, not groups)."""
    if props:
        vendor = obj.setdefault(VENDOR_KEY, {})
        vendor["calendarProperties"] = [property_to_jcal(p) for p in props]


def calendar_properties(objects: list[JSONObject]) -> list[ICalProperty]:
    """The VCALENDAR properties kept by :func:`store_calendar_properties`, each once."""
    found: dict[str, ICalProperty] = {}
    for obj in objects:
        vendor = obj.get(VENDOR_KEY)
        items = vendor.get("calendarProperties") if isinstance(vendor, dict) else None
        for item in expect(items or [], list, VENDOR_KEY):
            prop = property_from_jcal(item)
            found.setdefault(repr(prop), prop)
    return list(found.values())


def keep_params(
    target: JSONObject,
    prop: ICalProperty,
    known: frozenset[str],
    defaults: dict[str, str] | None = None,
) -> None:
    """Record the parameters of ``prop`` no mapper converted in ``target``'s vendor property,
    and those stated at the value the writer omits as a default (``defaults``: parameter
    name -> upper-case default): :func:`restore_params` adds them only where no mapper
    wrote the parameter."""
    defaults = defaults or {}
    extra = {
        k: v
        for k, v in prop.params.items()
        if k not in known or (k in defaults and [x.upper() for x in v] == [defaults[k]])
    }
    if extra:
        # merged: an organizer who is also an attendee is one object from two properties
        target.setdefault(VENDOR_KEY, {}).setdefault("parameters", {}).update(
            _params_to_jcal(extra)
        )


def keep_line_params(target: JSONObject, lines: dict[str, ICalProperty], fields: Any) -> None:
    """Record each line (``lines``: "organizer" / "attendee" -> property) one merged object
    came from, and ``fields``, what it held then: while it holds the same,
    :func:`line_params` gives each line back as it was."""
    kept = {name: property_to_jcal(prop) for name, prop in lines.items()}
    target.setdefault(VENDOR_KEY, {})["lines"] = {**kept, "fields": fields}


def line_params(source: JSONObject, line: str, fields: Any) -> ICalProperty | None:
    """The line :func:`keep_line_params` kept as ``line``, or None when there is none or
    the object no longer holds the ``fields`` it held then (it was changed)."""
    vendor = source.get(VENDOR_KEY)
    kept = vendor.get("lines") if isinstance(vendor, dict) else None
    if not isinstance(kept, dict) or kept.get("fields") != fields or line not in kept:
        return None
    return property_from_jcal(kept[line])


def restore_params(
    source: JSONObject, prop: ICalProperty, skip: frozenset[str] = frozenset()
) -> ICalProperty:
    """Put the parameters kept by :func:`keep_params` back on ``prop`` (except ``skip``,
    parameters the property cannot have)."""
    vendor = source.get(VENDOR_KEY)
    if isinstance(vendor, dict) and "parameters" in vendor:
        for name, values in _params_from_jcal(vendor["parameters"]).items():
            if name not in skip:
                prop.params.setdefault(name, values)
    return prop


def mark_converted(obj: JSONObject, key: str, prop: ICalProperty) -> None:
    """Record that ``obj[key]`` came from ``prop`` (the draft's ``convertedProperties``
    entry), with its parameters, so that the writer picks that property again."""
    converted = obj.setdefault(VENDOR_KEY, {}).setdefault("convertedProperties", {})
    entry: JSONObject = {"@type": "ICalProperty", "name": prop.name.lower()}
    if prop.params:
        entry["parameters"] = _params_to_jcal(prop.params)
    converted[key] = entry


def converted_entry(obj: JSONObject, key: str) -> JSONObject | None:
    """The ``convertedProperties`` entry of ``key`` (see :func:`mark_converted`)."""
    vendor = obj.get(VENDOR_KEY)
    converted = vendor.get("convertedProperties") if isinstance(vendor, dict) else None
    entry = converted.get(key) if isinstance(converted, dict) else None
    return entry if isinstance(entry, dict) else None


def converted_from(obj: JSONObject, key: str) -> str | None:
    """The (lower-case) iCalendar property ``obj[key]`` was marked as converted from."""
    name = (converted_entry(obj, key) or {}).get("name")
    return name if isinstance(name, str) else None


def keep_property_params(obj: JSONObject, key: str, prop: ICalProperty) -> None:
    """Record the parameters of ``prop``, which converted to the property ``key`` of ``obj``,
    as the draft's ``convertedProperties`` entry (``SUMMARY;LANGUAGE=de`` keeps LANGUAGE)."""
    if prop.params:
        mark_converted(obj, key, prop)


def restore_property_params(obj: JSONObject, key: str, prop: ICalProperty) -> None:
    """Put the parameters kept by :func:`keep_property_params` back on ``prop``."""
    vendor = obj.get(VENDOR_KEY)
    converted = vendor.get("convertedProperties") if isinstance(vendor, dict) else None
    entry = converted.get(key) if isinstance(converted, dict) else None
    if isinstance(entry, dict) and entry.get("parameters"):
        for name, values in _params_from_jcal(entry["parameters"]).items():
            prop.params.setdefault(name, values)


def vendor_to_ical(
    if_absent: frozenset[str] = frozenset(), replaceable: frozenset[str] = frozenset()
) -> JsMapper:
    """The writer of the vendor property: the kept properties and components back as they
    were. A kept property named in ``if_absent`` (one kept because the source stated the
    JSCalendar default, SEQUENCE:0) is written only when no mapper wrote it, so that a
    changed value wins over the stale copy; one in ``replaceable`` replaces what a mapper
    wrote (a VALARM's ACTION:AUDIO over the DISPLAY written for it)."""

    def to_ical(value: JSONValue, ctx: ToICal) -> None:
        expect(value, dict, VENDOR_KEY)
        for item in expect(value.get("properties", []), list, VENDOR_KEY):
            prop = property_from_jcal(item)
            if prop.name in if_absent and ctx.component.first(prop.name) is not None:
                continue
            if prop.name in replaceable:
                ctx.component.properties = [
                    p for p in ctx.component.properties if p.name != prop.name
                ]
            ctx.component.properties.append(prop)
        for item in expect(value.get("components", []), list, VENDOR_KEY):
            ctx.component.components.append(component_from_jcal(item))

    return to_ical
