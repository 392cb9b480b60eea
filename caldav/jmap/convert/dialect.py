"""The two JSCalendar dialects: RFC 8984 (what JMAP servers such as Cyrus 3.10 speak, and
what the mappers produce) and the JSCalendar 2.0 draft that
draft-ietf-calext-jscalendar-icalendar builds on.

The mappers work in RFC 8984 only; this module rewrites a finished object into the 2.0
form and back, property by property, so that the mapping tables stay dialect-free:

=============================  ===========================================================
RFC 8984                       JSCalendar 2.0 draft
=============================  ===========================================================
``recurrenceRules: [rule]``    ``recurrenceRule: rule`` (several rules stay a list: 2.0
                               has no home for them)
``python-caldav:iCalendar``    ``iCalendar`` (ICalComponent: ``name``, ``properties``,
                               ``components``, ``convertedProperties``)
subobject's kept parameters    parent's ``iCalendar/convertedProperties/<map>~1<id>``
``sendTo: {method: addr}``     ``calendarAddress: addr`` (when it is the only address)
``replyTo: {method: addr}``    ``organizerCalendarAddress: addr``
``roles: {attendee: true}``    left out (the 2.0 default)
Location ``{relativeTo: end,   ``endTimeZone: zone`` (a Location saying nothing else; on
timeZone: zone}``              reading both are understood, see times.py)
=============================  ===========================================================

Reading accepts either form (and mixtures), so ``jscal_to_ical`` takes both.
"""

from __future__ import annotations

import copy

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert.preserve import VENDOR_KEY
from caldav.jmap.convert.times import END_TIME_ZONE, is_end_zone_only

__all__ = [
    "DIALECTS",
    "ICAL_KEY",
    "JSCALENDAR_2",
    "RFC8984",
    "from_jscalendar_2",
    "to_jscalendar_2",
]

#: RFC 8984 JSCalendar (``recurrenceRules``; unconverted data in ``python-caldav:iCalendar``).
RFC8984 = "rfc8984"
#: The JSCalendar 2.0 draft dialect (``recurrenceRule``; the ``iCalendar`` property).
JSCALENDAR_2 = "jscalendar-2"
#: The dialects the converter reads and writes.
DIALECTS = frozenset({RFC8984, JSCALENDAR_2})

#: The draft's property for iCalendar data (draft-ietf-calext-jscalendar-icalendar).
ICAL_KEY = "iCalendar"

_COMPONENT_NAMES = {"Event": "vevent", "Task": "vtodo", "Alert": "valarm"}
# id-keyed maps whose entries come from one iCalendar property each
_PROPERTY_MAPS = {
    "participants": "attendee",
    "locations": "location",
    "virtualLocations": "conference",
    "links": "attach",
}
# the component an entry of these maps can also come from (RFC 9073)
_SUBCOMPONENT_NAMES = {
    "participants": "participant",
    "locations": "vlocation",
    "virtualLocations": "vlocation",
    "links": "link",
}


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _unescape(key: str) -> str:
    return key.replace("~1", "/").replace("~0", "~")


def _rename_paths(patch: JSONObject, old: str, new: str) -> JSONObject:
    """A PatchObject with every path segment ``old`` renamed ``new``."""
    result = {}
    for path, value in patch.items():
        parts = [new if p == old else p for p in str(path).split("/")]
        result["/".join(parts)] = value
    return result


def _single_address(methods: object) -> str | None:
    if isinstance(methods, dict) and len(methods) == 1:
        (address,) = methods.values()
        return address if isinstance(address, str) else None
    return None


def _method(address: str) -> str:
    if address[:7].lower() == "mailto:":
        return "imip"
    return "web" if address.lower().startswith(("http:", "https:")) else "other"


def _lift_subobjects(obj: JSONObject, converted: JSONObject) -> None:
    """Move the vendor data of ``obj``'s subobjects to the 2.0 places: the parameters of
    the property an entry came from to ``converted`` (``<map>/<id>``), what an entry kept
    of its component (VLOCATION, PARTICIPANT) to the entry's own ``iCalendar``, with the
    parameters of its own subobjects (links) in that one's ``convertedProperties``."""
    for key, prop_name in _PROPERTY_MAPS.items():
        entries = obj.get(key)
        for entry_id, entry in entries.items() if isinstance(entries, dict) else ():
            if not isinstance(entry, dict) or not isinstance(entry.get(VENDOR_KEY), dict):
                continue
            vendor = dict(entry.pop(VENDOR_KEY))
            params = vendor.pop("parameters", None)
            if params:
                name = "url" if entry.get("rel") == "describedby" else prop_name
                converted[f"{key}/{_escape(entry_id)}"] = {
                    "@type": "ICalProperty",
                    "name": name,
                    "parameters": params,
                }
            if vendor:
                inner = dict(vendor.pop("convertedProperties", None) or {})
                _lift_subobjects(entry, inner)
                ical = {"@type": "ICalComponent", "name": _SUBCOMPONENT_NAMES[key], **vendor}
                if inner:
                    ical["convertedProperties"] = inner
                entry[ICAL_KEY] = ical


def _lower_subobjects(obj: JSONObject, converted: JSONObject) -> JSONObject:
    """The inverse of :func:`_lift_subobjects`; returns the entries of ``converted`` that
    belong to no subobject."""
    for key in _PROPERTY_MAPS:
        entries = obj.get(key)
        for entry in entries.values() if isinstance(entries, dict) else ():
            if isinstance(entry, dict) and isinstance(entry.get(ICAL_KEY), dict):
                data = entry.pop(ICAL_KEY)
                vendor = {k: v for k, v in data.items() if k != "@type"}
                inner = vendor.pop("convertedProperties", None)
                rest = _lower_subobjects(entry, inner if isinstance(inner, dict) else {})
                if rest:
                    vendor["convertedProperties"] = rest
                entry[VENDOR_KEY] = vendor
    kept = {}
    for path, prop in converted.items():
        key, _, entry_id = str(path).partition("/")
        entry = (obj.get(key) or {}).get(_unescape(entry_id)) if entry_id else None
        params = prop.get("parameters") if isinstance(prop, dict) else None
        if key in _PROPERTY_MAPS and isinstance(entry, dict) and params:
            entry.setdefault(VENDOR_KEY, {})["parameters"] = params
        else:
            kept[path] = prop
    return kept


def _lift_end_zone(obj: JSONObject) -> str | None:
    """The 2.0 ``endTimeZone`` for an RFC 8984 Location that only gives the end's zone;
    returns that Location's key."""
    locations = obj.get("locations")
    if not isinstance(locations, dict) or END_TIME_ZONE in obj:
        return None
    key: str | None = next((k for k, v in locations.items() if is_end_zone_only(v)), None)
    if key is None:
        return None
    obj[END_TIME_ZONE] = locations.pop(key)["timeZone"]
    if not locations:
        del obj["locations"]
    return key


def _lift_end_zone_patch(patch: JSONObject, main: JSONObject, main_key: str | None) -> JSONObject:
    """An override's PatchObject with the end-zone Locations it sets or removes as
    ``endTimeZone`` (``main``: the 2.0 object, whose end-zone Location had key
    ``main_key``); null is the start's zone."""
    result: JSONObject = {}
    for path, value in patch.items():
        key, _, rest = str(path).partition("/")
        if key != "locations" or "/" in rest:
            result[path] = value
        elif rest and is_end_zone_only(value):
            result[END_TIME_ZONE] = value["timeZone"]
        elif rest and value is None and main_key is not None and _unescape(rest) == main_key:
            result.setdefault(END_TIME_ZONE, None)
        elif not rest and (value is None or isinstance(value, dict)):
            # the whole map replaced: its end-zone Location (or none) is the instance's
            places = dict(value or {})
            zone = next((k for k, v in places.items() if is_end_zone_only(v)), None)
            if zone is not None:
                result[END_TIME_ZONE] = places.pop(zone)["timeZone"]
            elif main_key is not None:
                result.setdefault(END_TIME_ZONE, None)
            if places or "locations" in main:
                result[path] = places or None
        else:
            result[path] = value
    return result


def to_jscalendar_2(obj: JSONObject) -> JSONObject:
    """An RFC 8984 Event or Task (as the mappers make it) in the JSCalendar 2.0 dialect."""
    result = copy.deepcopy(obj)
    rules = result.pop("recurrenceRules", None)
    if isinstance(rules, list) and len(rules) == 1:
        result["recurrenceRule"] = rules[0]
    elif rules:
        result["recurrenceRules"] = rules
    ical: JSONObject = {
        "@type": "ICalComponent",
        "name": _COMPONENT_NAMES.get(result.get("@type", ""), ""),
    }
    ical.update(result.pop(VENDOR_KEY, None) or {})
    converted = ical.setdefault("convertedProperties", {})
    _lift_subobjects(result, converted)
    end_zone_key = _lift_end_zone(result)
    for entry in (result.get("participants") or {}).values():
        if not isinstance(entry, dict):
            continue
        address = _single_address(entry.get("sendTo"))
        if address is not None:
            del entry["sendTo"]
            entry["calendarAddress"] = address
            if address.lower() == f"mailto:{entry.get('email')}".lower():
                del entry["email"]  # derived from the address, not an EMAIL
        if entry.get("roles") == {"attendee": True}:
            del entry["roles"]
    for alert in (result.get("alerts") or {}).values():
        if isinstance(alert, dict) and VENDOR_KEY in alert:
            alert[ICAL_KEY] = {"@type": "ICalComponent", "name": "valarm", **alert.pop(VENDOR_KEY)}
    organizer = _single_address(result.get("replyTo"))
    if organizer is not None:
        del result["replyTo"]
        result["organizerCalendarAddress"] = organizer
    overrides = result.get("recurrenceOverrides")
    if isinstance(overrides, dict):
        result["recurrenceOverrides"] = {
            k: _lift_end_zone_patch(_rename_paths(v, VENDOR_KEY, ICAL_KEY), result, end_zone_key)
            if isinstance(v, dict)
            else v
            for k, v in overrides.items()
        }
    if not converted:
        del ical["convertedProperties"]
    if set(ical) - {"@type", "name"}:
        result[ICAL_KEY] = ical
    return result


def _is_jscalendar_2(obj: JSONObject) -> bool:
    if any(k in obj for k in (ICAL_KEY, "recurrenceRule", "organizerCalendarAddress")):
        return True
    participants = obj.get("participants")
    if isinstance(participants, dict) and any(
        isinstance(p, dict) and ("calendarAddress" in p or "roles" not in p)
        for p in participants.values()
    ):
        return True
    # a subobject's own iCalendar (VALARM, VLOCATION, PARTICIPANT) is 2.0 as well
    for key in ("alerts", *_PROPERTY_MAPS):
        entries = obj.get(key)
        if isinstance(entries, dict) and any(
            isinstance(entry, dict) and ICAL_KEY in entry for entry in entries.values()
        ):
            return True
    return False


def from_jscalendar_2(obj: JSONObject) -> JSONObject:
    """An Event or Task in either dialect, in the RFC 8984 form the mappers read."""
    if not _is_jscalendar_2(obj):
        return obj  # plain RFC 8984: nothing to rewrite
    result = copy.deepcopy(obj)
    rule = result.pop("recurrenceRule", None)
    if isinstance(rule, dict) and not result.get("recurrenceRules"):
        result["recurrenceRules"] = [rule]
    organizer = result.pop("organizerCalendarAddress", None)
    if isinstance(organizer, str) and not result.get("replyTo"):
        result["replyTo"] = {_method(organizer): organizer}
    ical = result.pop(ICAL_KEY, None)
    vendor: JSONObject = {}
    if isinstance(ical, dict):
        vendor = {k: v for k, v in ical.items() if k not in ("@type", "name")}
    converted = vendor.pop("convertedProperties", None) or {}
    kept = _lower_subobjects(result, converted if isinstance(converted, dict) else {})
    if kept:
        vendor["convertedProperties"] = kept
    if vendor:
        result[VENDOR_KEY] = vendor
    participants = result.get("participants")
    for entry in participants.values() if isinstance(participants, dict) else ():
        if not isinstance(entry, dict):
            continue
        address = entry.pop("calendarAddress", None)
        if isinstance(address, str) and not entry.get("sendTo"):
            entry["sendTo"] = {_method(address): address}
        if "roles" not in entry:
            entry["roles"] = {"attendee": True}  # the 2.0 default
    alerts = result.get("alerts")
    for alert in alerts.values() if isinstance(alerts, dict) else ():
        if isinstance(alert, dict) and isinstance(alert.get(ICAL_KEY), dict):
            data = alert.pop(ICAL_KEY)
            alert[VENDOR_KEY] = {k: v for k, v in data.items() if k not in ("@type", "name")}
    overrides = result.get("recurrenceOverrides")
    if isinstance(overrides, dict):
        result["recurrenceOverrides"] = {
            k: _rename_paths(v, ICAL_KEY, VENDOR_KEY) if isinstance(v, dict) else v
            for k, v in overrides.items()
        }
    return result
