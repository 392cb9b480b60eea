"""Vendor-specific JSCalendar properties ("example.com:name", RFC 8984 §3.3) for servers
that refuse them.

The converter keeps what JSCalendar cannot express in such properties, so that iCalendar
comes back as it went in.  A server that does not store them (Cyrus 3.10) rejects the whole
object with invalidProperties; for it they are left out, and the loss is logged.
"""

from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ["for_server", "is_vendor_property", "strip_vendor_properties"]

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


def strip_vendor_properties(obj: Any, path: str = "") -> tuple[Any, list[str]]:
    """``obj`` without vendor-specific properties at any depth, and the paths left out."""
    if isinstance(obj, list):
        dropped: list[str] = []
        items = []
        for index, item in enumerate(obj):
            kept, lost = strip_vendor_properties(item, f"{path}/{index}")
            items.append(kept)
            dropped += lost
        return items, dropped
    if not isinstance(obj, dict):
        return obj, []
    out: dict[str, Any] = {}
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
    return out, dropped


def for_server(vendor_properties: bool | None, obj: dict[str, Any], what: str) -> dict[str, Any]:
    """``obj`` as the server can take it; logs what a server without vendor properties
    will not store."""
    if vendor_properties is not False:
        return obj
    kept, dropped = strip_vendor_properties(obj)
    if dropped:
        log.warning(
            "%s: the server does not store vendor-specific properties; left out: %s",
            what,
            ", ".join(dropped),
        )
    return kept
