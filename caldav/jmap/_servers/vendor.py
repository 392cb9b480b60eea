"""Vendor-specific JSCalendar properties ("example.com:name", RFC 8984 §3.3) for servers
that refuse them.

The converter keeps what JSCalendar cannot express in such properties, so that iCalendar
comes back as it went in.  A server that does not store them (Cyrus 3.10) rejects the whole
object with invalidProperties; for it they are left out, and the loss is logged.
"""

from __future__ import annotations

import logging
import re
from typing import Any, NamedTuple

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert.preserve import VENDOR_KEY

__all__ = [
    "Stripped",
    "describe_dropped",
    "for_server",
    "is_vendor_property",
    "log_not_stored",
    "strip_vendor_properties",
]

log = logging.getLogger("caldav.jmap")

# A property name (or the last step of a patch path) with a vendor prefix.  Keys that start
# with a digit (LocalDateTime keys of recurrenceOverrides) are data, not properties.
VENDOR_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9.-]*:[A-Za-z]")

# Maps whose keys are data (keywords, calendar ids, ...), never property names
DATA_MAPS = frozenset(
    {"keywords", "categories", "calendarIds", "sendTo", "replyTo", "roles", "timeZones"}
)


def is_vendor_property(key: str) -> bool:
    """Whether ``key`` (a property name or patch path) names a vendor-specific property."""
    return any(VENDOR_NAME.match(step) for step in key.split("/"))


class Stripped(NamedTuple):
    """A JSON value without its vendor-specific properties, and the paths left out."""

    kept: Any
    dropped: list[str]


def strip_vendor_properties(obj: Any, path: str = "") -> Stripped:
    """``obj`` without vendor-specific properties at any depth, and the paths left out."""
    if isinstance(obj, list):
        dropped: list[str] = []
        items = []
        for index, item in enumerate(obj):
            kept, lost = strip_vendor_properties(item, f"{path}/{index}")
            items.append(kept)
            dropped += lost
        return Stripped(items, dropped)
    if not isinstance(obj, dict):
        return Stripped(obj, [])
    out: JSONObject = {}
    dropped = []
    for key, value in obj.items():
        where = f"{path}/{key}" if path else key
        if is_vendor_property(key):
            dropped.append(where)
            continue
        if key in DATA_MAPS:
            out[key] = value
            continue
        out[key], lost = strip_vendor_properties(value, where)
        dropped += lost
    return Stripped(out, dropped)


#: Where a vendor property sits, as a person would say it.
_OWNERS = {
    "alerts": "the alarm's",
    "participants": "a participant's",
    "locations": "a location's",
    "virtualLocations": "a conference's",
    "links": "a link's",
    "recurrenceOverrides": "an instance's",
}


def _kept_names(value: Any) -> list[str]:
    """The iCalendar names the converter's unconverted data (python-caldav:iCalendar or
    iCalendar) carries: properties, components, parameters."""
    if not isinstance(value, dict):
        return []
    names: list[str] = []
    for item in value.get("properties") or []:
        if isinstance(item, list) and item and isinstance(item[0], str):
            names.append(item[0].upper() if item[0] else "unreadable lines")
    for item in value.get("components") or []:
        if isinstance(item, list) and item and isinstance(item[0], str):
            names.append(item[0].upper())
    for item in value.get("calendarProperties") or []:
        if isinstance(item, list) and item and isinstance(item[0], str):
            names.append(f"the calendar's {item[0].upper()}")
    if value.get("parameters") or value.get("convertedProperties") or value.get("lines"):
        names.append("parameters")
    return names


def describe_dropped(obj: JSONObject, dropped: list[str]) -> list[str]:
    """What the vendor properties at ``dropped`` (paths in ``obj``) carried, in human terms
    ("COMMENT", "the alarm's DESCRIPTION", "example.com:color"), each once."""
    found: list[str] = []
    for path in dropped:
        steps = path.split("/")
        value: Any = obj
        for step in steps:
            value = value.get(step) if isinstance(value, dict) else None
        owner = _OWNERS.get(steps[0]) if len(steps) > 1 else None
        # the converter's unconverted data names what it holds (nothing a person would miss
        # when it holds only markers); another vendor's property is named by its own name
        names = _kept_names(value) if steps[-1] == VENDOR_KEY else [steps[-1]]
        for name in names:
            text = f"{owner} {name}" if owner and not name.startswith("the ") else name
            if text not in found:
                found.append(text)
    return found


def for_server(
    vendor_properties: bool | None,
    obj: JSONObject,
    what: str,
    not_stored: dict[str, list[str]] | None = None,
) -> JSONObject:
    """``obj`` as the server can take it. What a server without vendor properties will
    not store is recorded in ``not_stored`` (``what`` -> human names, for one log line per
    call), or logged here when it is None."""
    if vendor_properties is not False:
        return obj
    kept: JSONObject
    kept, dropped = strip_vendor_properties(obj)
    names = describe_dropped(obj, dropped) if dropped else []
    if names:
        if not_stored is not None:
            not_stored[what] = names
        else:
            log_not_stored({what: names})
    return kept


def log_not_stored(not_stored: dict[str, list[str]]) -> None:
    """One warning naming, per object, what the server does not store."""
    if not_stored:
        log.warning(
            "the server does not store vendor-specific data; not stored: %s",
            "; ".join(f"{what}: {_and(names)}" for what, names in not_stored.items()),
        )


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
