"""LOCATION, GEO <-> locations; CONFERENCE <-> virtualLocations."""

from __future__ import annotations

import re
from typing import Any

from caldav.jmap.convert.context import JsMapper, PropMapper, ToICal, ToJSCal, expect, put
from caldav.jmap.convert.ids import ID_PARAMS, id_param, property_id
from caldav.jmap.convert.model import ICalProperty, escape_text, unescape_text
from caldav.jmap.convert.preserve import keep_params, restore_params

__all__ = ["TO_ICAL", "TO_JSCAL"]

_GEO_URI = re.compile(r"^geo:([+-]?[\d.]+),([+-]?[\d.]+)")
_FLOAT = re.compile(r"^[+-]?\d+(\.\d+)?$")
_LOCATION_PARAMS = frozenset(ID_PARAMS)
_CONFERENCE_PARAMS = frozenset({"VALUE", "LABEL", "FEATURE", *ID_PARAMS})


def _location_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    if (prop.param("DERIVED") or "").upper() == "TRUE":
        ctx.unconverted.append(prop)
        return
    location = put(ctx.obj, "locations", property_id(prop), {"@type": "Location"})
    location["name"] = unescape_text(prop.value)
    keep_params(location, prop, _LOCATION_PARAMS)


def _geo_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    lat, _, lon = prop.value.partition(";")
    if (
        not (_FLOAT.match(lat.strip()) and _FLOAT.match(lon.strip()))
        or (prop.param("DERIVED") or "").upper() == "TRUE"
    ):
        ctx.unconverted.append(prop)
        return
    key = property_id(prop)
    locations = [p for p in ctx.component.all("LOCATION") if not p.param("DERIVED")]
    if not any(prop.param(n) for n in ID_PARAMS) and len(locations) == 1:
        key = property_id(locations[0])  # GEO and the one LOCATION describe one place
    coordinates = f"geo:{lat.strip().lstrip('+')},{lon.strip().lstrip('+')}"
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


def _locations_to_ical(value: Any, ctx: ToICal) -> None:
    wrote_geo = False
    for key, location in expect(value, dict, "locations").items():
        expect(location, dict, f"locations/{key}")
        name = location.get("name")
        if isinstance(name, str):
            raw = escape_text(name)
            restore_params(location, ctx.component.add("LOCATION", raw, JSID=id_param(key, raw)))
        match = _GEO_URI.match(str(location.get("coordinates") or ""))
        if match and not wrote_geo:  # iCalendar has a single GEO
            raw = f"{match.group(1)};{match.group(2)}"
            ctx.component.add(
                "GEO", raw, JSID=None if isinstance(name, str) else id_param(key, raw)
            )
            wrote_geo = True


def _virtual_locations_to_ical(value: Any, ctx: ToICal) -> None:
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
TO_ICAL: dict[str, JsMapper] = {
    "locations": _locations_to_ical,
    "virtualLocations": _virtual_locations_to_ical,
}
