"""LOCATION, GEO, VLOCATION <-> locations (and mainLocationId); CONFERENCE <-> virtualLocations.

A Location written back goes to a LOCATION (+ GEO) property when that carries all of it (a
name, coordinates a GEO can hold), else to a VLOCATION component (RFC 9073): when it came
from one, or has locationTypes, a description, links, kept VLOCATION data or other
properties. ``mainLocationId`` follows the draft: with several locations and a VLOCATION,
the first LOCATION names the main one (a derived LOCATION by the NAME of a VLOCATION);
the writer leaves it out when the reader derives it back, else it travels as JSPROP.

A Location saying only the zone of the end (``relativeTo: "end"``, ``timeZone``) is the
DTEND's TZID (times.py): it is written nowhere else, and counts for no mainLocationId.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap.convert import links
from caldav.jmap.convert.context import JsMapper, PropMapper, ToICal, ToJSCal, expect, put
from caldav.jmap.convert.ids import ID_PARAMS, id_param, property_id
from caldav.jmap.convert.jsprop import jsprop_to_ical
from caldav.jmap.convert.model import (
    ICalComponent,
    ICalProperty,
    escape_text,
    split_text_list,
    unescape_text,
)
from caldav.jmap.convert.preserve import (
    VENDOR_KEY,
    converted_entry,
    converted_from,
    keep_params,
    keep_property_params,
    mark_converted,
    property_from_jcal,
    restore_params,
    restore_property_params,
)
from caldav.jmap.convert.simple import text
from caldav.jmap.convert.subcomponents import (
    component_key,
    component_name,
    component_to_ical,
    component_to_js,
    unique_key,
)
from caldav.jmap.convert.times import dtend_carries, is_end_zone, is_end_zone_only
from caldav.jmap.error import JMAPConversionError

__all__ = ["COMPONENTS", "TO_ICAL", "TO_JSCAL"]

_GEO_URI = re.compile(r"^geo:([+-]?[\d.]+),([+-]?[\d.]+)$")
_FLOAT = re.compile(r"^[+-]?\d+(\.\d+)?$")
_LOCATION_PARAMS = frozenset(ID_PARAMS)
_CONFERENCE_PARAMS = frozenset({"VALUE", "LABEL", "FEATURE", *ID_PARAMS})
_VLOCATION = "vlocation"
# what a LOCATION (+ GEO) property carries of a Location
_PROPERTY_KEYS = frozenset({"@type", "name", "coordinates", VENDOR_KEY})


def _is_derived(prop: ICalProperty) -> bool:
    return (prop.param("DERIVED") or "").upper() == "TRUE"


def _geo_coordinates(prop: ICalProperty) -> str | None:
    """The geo: URI of a GEO value, None when it is no pair of FLOATs."""
    lat, _, lon = prop.value.partition(";")
    if not (_FLOAT.match(lat.strip()) and _FLOAT.match(lon.strip())):
        return None
    return f"geo:{lat.strip().lstrip('+')},{lon.strip().lstrip('+')}"


def _location_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    if _is_derived(prop):
        ctx.unconverted.append(prop)  # the VLOCATION it repeats is converted
        return
    location = put(ctx.obj, "locations", property_id(prop), {"@type": "Location"})
    location["name"] = unescape_text(prop.value)
    keep_params(location, prop, _LOCATION_PARAMS)


def _geo_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    coordinates = _geo_coordinates(prop)
    if coordinates is None:  # kept verbatim, not written back: it is no valid GEO
        raise JMAPConversionError(f"not a GEO value: {prop.value!r}", "GEO")
    if _is_derived(prop):
        ctx.unconverted.append(prop)
        return
    key = property_id(prop)
    locations = [p for p in ctx.component.all("LOCATION") if not p.param("DERIVED")]
    if not any(prop.param(n) for n in ID_PARAMS) and len(locations) == 1:
        key = property_id(locations[0])  # GEO and the one LOCATION describe one place
    put(ctx.obj, "locations", key, {"@type": "Location", "coordinates": coordinates})


def _conference_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    virtual = put(ctx.obj, "virtualLocations", property_id(prop), {"@type": "VirtualLocation"})
    virtual["uri"] = prop.value
    if prop.param("LABEL"):
        virtual["name"] = prop.param("LABEL")
    features = [f.lower() for f in prop.params.get("FEATURE", []) if f]
    if features:
        virtual["features"] = dict.fromkeys(features, True)
    keep_params(virtual, prop, _CONFERENCE_PARAMS)


# --- VLOCATION -> Location -------------------------------------------------------------


def _location_types_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    types = [t.strip() for t in split_text_list(prop.value) if t.strip()]
    if not types:
        ctx.unconverted.append(prop)
        return
    # all LOCATION-TYPE lines merge (one line comes back); values are case-sensitive
    ctx.obj.setdefault("locationTypes", {}).update(dict.fromkeys(types, True))
    if prop.params and converted_entry(ctx.obj, "locationTypes") is None:
        keep_property_params(ctx.obj, "locationTypes", prop)


def _coordinates_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    value = prop.value.strip()
    if "coordinates" in ctx.obj or value[:4].lower() != "geo:":
        ctx.unconverted.append(prop)  # a second place, or not a geo: URI
        return
    ctx.obj["coordinates"] = value
    if prop.params:
        mark_converted(ctx.obj, "coordinates", prop)


def _vlocation_geo_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    coordinates = _geo_coordinates(prop)
    if coordinates is None or "coordinates" in ctx.obj:
        ctx.unconverted.append(prop)
        return
    ctx.obj["coordinates"] = coordinates
    mark_converted(ctx.obj, "coordinates", prop)  # the draft's marker: written back as GEO


_VLOCATION_TO_JSCAL: dict[str, PropMapper] = {
    "NAME": text("NAME", "name")[0],
    "DESCRIPTION": text("DESCRIPTION", "description")[0],
    "LOCATION-TYPE": _location_types_to_js,
    "COORDINATES": _coordinates_to_js,
    "GEO": _vlocation_geo_to_js,
    "URL": links.TO_JSCAL["URL"],
    "ATTACH": links.TO_JSCAL["ATTACH"],
}


def _vlocation_to_js(comp: ICalComponent, ctx: ToJSCal) -> None:
    key, id_prop = component_key(comp, None)
    taken = ctx.obj.setdefault("locations", {})
    ignored = frozenset({id_prop}) if id_prop else frozenset()
    location = component_to_js(comp, ctx, "Location", _VLOCATION_TO_JSCAL, ignored)
    if is_end_zone(location):
        # it says the end's zone itself: the one the DTEND gave is a repetition
        for other in [k for k, v in taken.items() if is_end_zone_only(v)]:
            if taken[other]["timeZone"] == location["timeZone"]:
                del taken[other]
    taken[unique_key(key, taken)] = location
    _set_main_location(ctx)


# --- mainLocationId ----------------------------------------------------------------------


def _main_location(
    props: list[ICalProperty], locations: JSONObject, is_vlocation: Callable[[Any], bool]
) -> str | None:
    """The draft's mainLocationId: with several locations, one of them a VLOCATION, the
    first LOCATION's Location; a derived LOCATION names the VLOCATION of that NAME."""
    vlocations = {k: v for k, v in locations.items() if is_vlocation(v)}
    if len(locations) < 2 or not vlocations:
        return None
    for prop in props:
        if not _is_derived(prop):
            key = property_id(prop)
            return key if key in locations else None
        name = unescape_text(prop.value)
        found = [k for k, v in vlocations.items() if v.get("name") == name]
        if found:
            return found[0]
    return None


def _set_main_location(ctx: ToJSCal) -> None:
    if any(p.param("JSPTR") == "mainLocationId" for p in ctx.component.all("JSPROP")):
        return  # stated explicitly: not derived
    main = _main_location(
        ctx.component.all("LOCATION"),
        _places(ctx.obj.get("locations") or {}),
        lambda loc: component_name(loc) == _VLOCATION,
    )
    if main is not None:
        ctx.obj["mainLocationId"] = main


def _places(locations: JSONObject) -> JSONObject:
    """The Locations that are places, not just the zone of the end."""
    return {k: v for k, v in locations.items() if not is_end_zone_only(v)}


def _main_location_to_ical(value: JSONValue, ctx: ToICal) -> None:
    """Nothing when the reader derives ``value`` from what the writer produces, else JSPROP."""
    locations = ctx.obj.get("locations")
    if isinstance(locations, dict):
        locations = _places(locations)
        vendor = ctx.obj.get(VENDOR_KEY)
        kept = vendor.get("properties", []) if isinstance(vendor, dict) else []
        props = [ICalProperty("LOCATION", {"JSID": [k]}) for k in _plain_named(locations)]
        props += [
            property_from_jcal(item)
            for item in kept
            if isinstance(item, list) and item and str(item[0]).lower() == "location"
        ]
        if _main_location(props, locations, _as_vlocation(locations)) == value:
            return
    jsprop_to_ical({"mainLocationId": value}, ctx)


# --- Location -> LOCATION / GEO / VLOCATION ---------------------------------------------


def _plain_geo(location: JSONObject) -> re.Match[str] | None:
    return _GEO_URI.match(str(location.get("coordinates") or ""))


def _writes_vlocation(location: JSONObject, geo_taken: bool) -> bool:
    """Whether a Location needs a VLOCATION: LOCATION (+ the one GEO) cannot carry it."""
    if component_name(location) == _VLOCATION:
        return True
    vendor = location.get(VENDOR_KEY)
    if isinstance(vendor, dict) and set(vendor) - {"parameters"}:
        return True
    if any(v is not None for k, v in location.items() if k not in _PROPERTY_KEYS):
        return True
    if location.get("coordinates") is not None:
        return geo_taken or _plain_geo(location) is None
    return not isinstance(location.get("name"), str)  # nothing else to write it to


def _plan(locations: JSONObject) -> dict[str, bool]:
    """Location key -> whether it is written as VLOCATION (iCalendar has one GEO)."""
    plan = {}
    geo_taken = False
    for key, location in locations.items():
        vloc = _writes_vlocation(expect(location, dict, f"locations/{key}"), geo_taken)
        geo_taken = geo_taken or (not vloc and location.get("coordinates") is not None)
        plan[key] = vloc
    return plan


def _as_vlocation(locations: JSONObject) -> Callable[[Any], bool]:
    plan = _plan(locations)
    return lambda loc: any(plan[k] for k, v in locations.items() if v is loc)


def _plain_named(locations: JSONObject) -> list[str]:
    plan = _plan(locations)
    return [k for k, v in locations.items() if not plan[k] and isinstance(v.get("name"), str)]


def _location_types_to_ical(value: JSONValue, ctx: ToICal) -> None:
    types = [t for t, on in expect(value, dict, "locationTypes").items() if on]
    if types:
        prop = ctx.component.add("LOCATION-TYPE", ",".join(escape_text(t) for t in types))
        restore_property_params(ctx.obj, "locationTypes", prop)


def _coordinates_to_ical(value: JSONValue, ctx: ToICal) -> None:
    uri = expect(value, str, "coordinates")
    match = _GEO_URI.match(uri)
    if converted_from(ctx.obj, "coordinates") == "geo" and match:
        prop = ctx.component.add("GEO", f"{match.group(1)};{match.group(2)}")
    else:
        prop = ctx.component.add("COORDINATES", uri)
    restore_property_params(ctx.obj, "coordinates", prop)


_VLOCATION_TO_ICAL: dict[str, JsMapper] = {
    "name": text("NAME", "name")[1],
    "description": text("DESCRIPTION", "description")[1],
    "locationTypes": _location_types_to_ical,
    "coordinates": _coordinates_to_ical,
    "links": links.TO_ICAL["links"],
}


def _vlocation_to_ical(key: str, location: JSONObject, ctx: ToICal) -> None:
    comp = component_to_ical(location, "VLOCATION", "Location", _VLOCATION_TO_ICAL, ctx)
    uid = comp.first("UID")
    if uid is None:
        # RFC 9073 requires a UID; the key read back from it is the same
        comp.properties.insert(0, ICalProperty("UID", {}, key))
    elif uid.value.strip() != key and comp.first("JSID") is None:
        comp.add("JSID", key)
    ctx.component.components.append(comp)


def _locations_to_ical(value: JSONValue, ctx: ToICal) -> None:
    locations = {
        key: location
        for key, location in expect(value, dict, "locations").items()
        if not (is_end_zone_only(location) and dtend_carries(ctx, key))
    }
    plan = _plan(locations)
    for key, location in locations.items():
        if plan[key]:
            _vlocation_to_ical(key, location, ctx)
            continue
        name = location.get("name")
        if isinstance(name, str):
            raw = escape_text(name)
            restore_params(location, ctx.component.add("LOCATION", raw, JSID=id_param(key, raw)))
        match = _plain_geo(location)
        if match:
            raw = f"{match.group(1)};{match.group(2)}"
            ctx.component.add(
                "GEO", raw, JSID=None if isinstance(name, str) else id_param(key, raw)
            )


def _virtual_locations_to_ical(value: JSONValue, ctx: ToICal) -> None:
    for key, virtual in expect(value, dict, "virtualLocations").items():
        uri = expect(expect(virtual, dict, "virtualLocations").get("uri"), str, "uri")
        features = [f.upper() for f, on in (virtual.get("features") or {}).items() if on]
        prop = ctx.component.add(
            "CONFERENCE",
            uri,
            VALUE="URI",
            JSID=id_param(key, uri),
            FEATURE=features or None,
            LABEL=virtual.get("name"),
        )
        restore_params(virtual, prop)


TO_JSCAL: dict[str, PropMapper] = {
    "LOCATION": _location_to_js,
    "GEO": _geo_to_js,
    "CONFERENCE": _conference_to_js,
}
#: Subcomponent mappers of VEVENT / VTODO.
COMPONENTS = {"VLOCATION": _vlocation_to_js}
TO_ICAL: dict[str, JsMapper] = {
    "locations": _locations_to_ical,
    "mainLocationId": _main_location_to_ical,
    "virtualLocations": _virtual_locations_to_ical,
}
