"""RFC 9073 subcomponents (VLOCATION, PARTICIPANT) <-> JSCalendar subobjects (Location,
Participant): the part both share.

A subcomponent converts with its own mapper table, like a VALARM; what no mapper takes
(UID, STRUCTURED-DATA, X- properties, nested components) is kept in the subobject's own
vendor property, which also records the component's ``name`` (``vlocation``,
``participant``) so that the subobject is written back as that component, and markers
of the draft's ``convertedProperties`` (``coordinates`` <- GEO, ``calendarAddress`` <-
CALENDAR-ADDRESS). A kept property's VALUE parameter becomes the jCal value type, as in
the draft's examples (``["structured-data", {}, "uri", ...]``).
"""

from __future__ import annotations

from collections.abc import Mapping

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap.convert.context import JsMapper, PropMapper, ToICal, ToJSCal, expect
from caldav.jmap.convert.dispatch import run_to_ical, run_to_jscal
from caldav.jmap.convert.ids import ID_PARAMS, uuid5_id
from caldav.jmap.convert.jsprop import apply_jsprops, jsprop_to_ical, jsprop_to_js
from caldav.jmap.convert.model import ICalComponent, serialize
from caldav.jmap.convert.preserve import VENDOR_KEY, component_from_jcal, property_from_jcal

__all__ = [
    "COMPONENT_NAME",
    "component_key",
    "component_name",
    "component_to_ical",
    "component_to_js",
    "unique_key",
]

#: The vendor property's entry naming the component a subobject came from.
COMPONENT_NAME = "name"

# jCal value types that say nothing a VALUE parameter would have to restore
_PLAIN_TYPES = frozenset({"unknown", "text"})


def component_name(obj: JSONObject) -> str | None:
    """The (lower-case) component a subobject came from, per its vendor property."""
    vendor = obj.get(VENDOR_KEY)
    name = vendor.get(COMPONENT_NAME) if isinstance(vendor, dict) else None
    return name if isinstance(name, str) else None


def component_key(comp: ICalComponent, fallback: str | None) -> tuple[str, str | None]:
    """The key of a subcomponent's subobject and the id property it was taken from: an
    explicit JSID (or X-JMAP-ID) property, else ``fallback`` (CALENDAR-ADDRESS's UUIDv5),
    else the UID, else a UUIDv5 of the whole component (stable across conversions)."""
    for name in ID_PARAMS:
        prop = comp.first(name)
        if prop is not None and prop.value.strip():
            return prop.value.strip(), name
    if fallback:
        return fallback, None
    uid = comp.first("UID")
    if uid is not None and uid.value.strip():
        return uid.value.strip(), None
    return uuid5_id(serialize(comp)), None


def unique_key(key: str, taken: Mapping[str, object]) -> str:
    """``key``, or a stable variant of it when the map already holds it (two components
    with one UID: both kept)."""
    count = 0
    while key in taken:
        count += 1
        key = uuid5_id(f"{key}#{count}")
    return key


def _types_from_value_params(vendor: JSONObject) -> None:
    for item in vendor.get("properties", []):
        params = item[1]
        value_type = params.get("value")
        if isinstance(value_type, str):
            item[1] = {k: v for k, v in params.items() if k != "value"}
            item[2] = value_type.lower()


def component_to_js(
    comp: ICalComponent,
    parent: ToJSCal,
    kind: str,
    mappers: Mapping[str, PropMapper],
    ignored: frozenset[str] = frozenset(),
) -> JSONObject:
    """The subobject of type ``kind`` converted from ``comp``; JSPROPs inside the component
    are applied to it, what no mapper takes is kept in its vendor property."""
    obj: JSONObject = {"@type": kind}
    ctx = ToJSCal(comp, obj, kind, parent.vtimezones)
    run_to_jscal(ctx, {**mappers, "JSPROP": jsprop_to_js}, {}, ignored)
    obj = apply_jsprops(obj)
    vendor = obj.setdefault(VENDOR_KEY, {})
    vendor[COMPONENT_NAME] = comp.name.lower()
    _types_from_value_params(vendor)
    return obj


def _kept_to_ical(value: JSONValue, ctx: ToICal) -> None:
    """The kept properties and components of a subobject (its other vendor entries are
    markers, read by the mappers)."""
    expect(value, dict, VENDOR_KEY)
    for item in expect(value.get("properties", []), list, VENDOR_KEY):
        prop = property_from_jcal(item)
        value_type = item[2]
        if isinstance(value_type, str) and value_type.lower() not in _PLAIN_TYPES:
            prop.params.setdefault("VALUE", [value_type.upper()])
        ctx.component.properties.append(prop)
    for item in expect(value.get("components", []), list, VENDOR_KEY):
        ctx.component.components.append(component_from_jcal(item))


def component_to_ical(
    obj: JSONObject, name: str, kind: str, mappers: Mapping[str, JsMapper], parent: ToICal
) -> ICalComponent:
    """The component ``name`` written from the subobject ``obj``: its properties through
    ``mappers``, the kept data back as it was, any other property as JSPROP."""
    comp = ICalComponent(name)
    sub = ToICal(obj, comp, kind, parent.tzids)
    run_to_ical(sub, {**mappers, VENDOR_KEY: _kept_to_ical}, jsprop_to_ical)
    return comp
