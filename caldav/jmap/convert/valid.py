"""The last step of ``jscal_to_ical``: the output is valid RFC 5545 whatever came in.

The mappers write valid iCalendar for valid JSCalendar (values out of range go to JSPROP,
see :class:`~caldav.jmap.convert.context.OutOfRange`). What remains is data the
converter passes through: properties kept from a broken source (a second SUMMARY, DTEND
beside DURATION) and characters iCalendar cannot carry (NUL and other controls). This
pass removes them and logs one warning per conversion naming what it removed; the
JSCalendar object is unchanged, so nothing is lost on the JMAP side.
"""

from __future__ import annotations

import logging
import re

from caldav.jmap.convert.model import ICalComponent, ICalProperty
from caldav.jmap.convert.properties import ONCE_IN

__all__ = ["ONCE", "make_valid"]

log = logging.getLogger("caldav.jmap.convert")

_ENTITY = {"DTSTAMP", "UID", "CREATED", "LAST-MODIFIED", "DESCRIPTION", "GEO", "URL"}
#: Properties RFC 5545 (and RFC 7986, RFC 9073, the drafts) allow at most once, by
#: component; VEVENT's and VTODO's are ``properties.TABLE``'s.
ONCE: dict[str, frozenset[str]] = {
    "VCALENDAR": frozenset(
        {"PRODID", "VERSION", "CALSCALE", "METHOD", "UID", "LAST-MODIFIED", "URL", "COLOR"}
        | {"REFRESH-INTERVAL", "SOURCE"}
    ),
    **ONCE_IN,
    "VALARM": frozenset({"ACTION", "TRIGGER", "DURATION", "REPEAT", "DESCRIPTION", "SUMMARY"}),
    "PARTICIPANT": frozenset(
        _ENTITY
        | {"PARTICIPANT-TYPE", "CALENDAR-ADDRESS", "PRIORITY", "SEQUENCE", "STATUS"}
        | {"SUMMARY"}
    ),
    "VLOCATION": frozenset({"UID", "NAME", "DESCRIPTION", "GEO", "LOCATION-TYPE", "URL"}),
    "VRESOURCE": frozenset({"UID", "NAME", "DESCRIPTION", "GEO", "RESOURCE-TYPE", "URL"}),
}
#: Pairs RFC 5545 forbids together: the second is dropped (the end wins over a length).
_EXCLUSIVE = {"VEVENT": ("DTEND", "DURATION"), "VTODO": ("DUE", "DURATION")}

# TAB is the only control character RFC 5545 allows in a value (section 3.1, 3.3.11);
# a line break left here is in a raw (non-TEXT) value, where it would end the line
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# a line feed in a parameter value is written as ^n (RFC 6868)
_PARAM_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BAD_NAME = re.compile(r"[^A-Za-z0-9-]")


def _clean_property(prop: ICalProperty, removed: set[str]) -> bool:
    """Remove control characters and misnamed parameters; False for a misnamed property
    (a line no parser reads as what it was: ``ORGANIZER="mailto:...``)."""
    if not prop.name:
        removed.add("lines that could not be read (kept in the JSCalendar object)")
        return False
    if _BAD_NAME.search(prop.name):
        removed.add(f"the property named {prop.name!r}")
        return False
    if _CONTROL.search(prop.value):
        removed.add(f"control characters in {prop.name}")
        prop.value = _CONTROL.sub("", prop.value)
    for name in list(prop.params):
        values = prop.params[name]
        if any(_PARAM_CONTROL.search(v) for v in values):
            removed.add(f"control characters in {prop.name}'s {name}")
            prop.params[name] = [_PARAM_CONTROL.sub("", v) for v in values]
        if not name or _BAD_NAME.search(name):
            removed.add(f"{prop.name}'s parameter named {name!r}")
            del prop.params[name]
    return True


def _clean(comp: ICalComponent, removed: set[str]) -> None:
    once = ONCE.get(comp.name, frozenset())
    seen: set[str] = set()
    kept = []
    for prop in comp.properties:
        if not _clean_property(prop, removed):
            continue
        if prop.name in once:
            if prop.name in seen:
                removed.add(f"a second {prop.name} in {comp.name}")
                continue
            seen.add(prop.name)
        kept.append(prop)
    pair = _EXCLUSIVE.get(comp.name)
    if pair and pair[0] in seen and pair[1] in seen:
        removed.add(f"{pair[1]} beside {pair[0]} in {comp.name}")
        kept = [p for p in kept if p.name != pair[1]]
    comp.properties = kept
    for sub in comp.components:
        _clean(sub, removed)


def make_valid(calendar: ICalComponent) -> None:
    """Remove from ``calendar`` (in place) what RFC 5545 does not allow: a repeated
    once-only property (the first stays), DURATION beside DTEND / DUE, control characters
    other than TAB, misnamed properties and parameters; one warning names what was
    removed."""
    removed: set[str] = set()
    _clean(calendar, removed)
    if removed:
        log.warning("iCalendar output made valid: removed %s", "; ".join(sorted(removed)))
