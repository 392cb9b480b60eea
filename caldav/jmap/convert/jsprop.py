"""JSCalendar properties without an iCalendar home <-> the draft's JSPROP property.

``JSPROP;JSPTR="key":<json>`` carries any other JSCalendar property through iCalendar;
it is applied after everything else and never overwrites a converted property.
"""

from __future__ import annotations

import json
from typing import Any

from caldav.jmap.convert.context import ToICal, ToJSCal
from caldav.jmap.convert.model import ICalProperty, escape_text, unescape_text
from caldav.jmap.convert.patch import apply_patch

__all__ = [
    "JMAP_ONLY",
    "JS_DEFAULTS",
    "apply_jsprops",
    "jsprop_to_ical",
    "jsprop_to_js",
]

#: Properties of the JMAP object that are server state, not calendar data.
JMAP_ONLY = frozenset(
    {
        "@type",
        "id",
        "calendarIds",
        "isDraft",
        "isOrigin",
        "blobId",
        "baseEventId",
        "utcStart",
        "utcEnd",
        "timeZones",
        "x-href",  # Cyrus: the CalDAV URL of the object
        "debugBlobId",  # Cyrus
    }
)

#: JSCalendar / JMAP properties without an iCalendar home whose default value means "not
#: set": a server echoes them on every object, so they are left out rather than written as
#: JSPROP. Other values travel as JSPROP.
JS_DEFAULTS: dict[str, Any] = {
    "descriptionContentType": "text/plain",
    "useDefaultAlerts": False,
    "mayInviteSelf": False,
    "mayInviteOthers": False,
    "hideAttendees": False,
    "showWithoutTime": False,
    "excluded": False,
}

_PENDING = "__jsprops__"


def jsprop_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    """Collect a JSPROP; :func:`apply_jsprops` applies them once all else is converted."""
    pointer = prop.param("JSPTR")
    try:
        value = json.loads(unescape_text(prop.value))
    except ValueError:
        value = None
    if not pointer or value is None:
        ctx.unconverted.append(prop)
        return
    ctx.obj.setdefault(_PENDING, {})[pointer] = value


def apply_jsprops(obj: dict[str, Any]) -> dict[str, Any]:
    """Apply the collected JSPROPs to ``obj`` (new properties only)."""
    pending = obj.pop(_PENDING, None)
    if not pending:
        return obj
    fresh = {k: v for k, v in pending.items() if k.split("/", 1)[0] not in obj or "/" in k}
    return apply_patch(obj, fresh)


def _is_default(key: str, value: Any) -> bool:
    # type-exact: 0 is not False
    return (
        key in JS_DEFAULTS and type(value) is type(JS_DEFAULTS[key]) and value == JS_DEFAULTS[key]
    )


def jsprop_to_ical(item: dict[str, Any], ctx: ToICal) -> None:
    """Write a JSCalendar property no mapper knows as JSPROP (JMAP server state is dropped)."""
    for key, value in item.items():
        if key in JMAP_ONLY or value is None or _is_default(key, value):
            continue
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        ctx.component.add("JSPROP", escape_text(text), JSPTR=key)
