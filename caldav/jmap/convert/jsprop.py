"""JSCalendar properties without an iCalendar home <-> the draft's JSPROP property.

``JSPROP;JSPTR="key":<json>`` carries any other JSCalendar property through iCalendar;
it is applied after everything else and never overwrites a converted property.
"""

from __future__ import annotations

import json

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert.context import ToICal, ToJSCal
from caldav.jmap.convert.model import ICalProperty, escape_text, unescape_text
from caldav.jmap.convert.patch import apply_patch

__all__ = [
    "apply_jsprops",
    "jsprop_to_ical",
    "jsprop_to_js",
]

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


def apply_jsprops(obj: JSONObject) -> JSONObject:
    """Apply the collected JSPROPs to ``obj`` (new properties only)."""
    pending = obj.pop(_PENDING, None)
    if not pending:
        return obj
    fresh = {k: v for k, v in pending.items() if k.split("/", 1)[0] not in obj or "/" in k}
    return apply_patch(obj, fresh)


def jsprop_to_ical(item: JSONObject, ctx: ToICal) -> None:
    """Write a JSCalendar property no mapper knows as JSPROP. The drivers leave server
    state and unset defaults out beforehand (``properties.to_write``); an object's type
    marker is the component it is written as."""
    for key, value in item.items():
        if key == "@type" or value is None:
            continue
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        ctx.component.add("JSPROP", escape_text(text), JSPTR=key)
