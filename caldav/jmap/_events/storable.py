"""Whether an event can be stored, found before it is sent (no round trip wasted, and no
other event of a bulk request sunk with it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert import ical_to_jscal
from caldav.jmap.error import JMAPConversionError

__all__ = ["check_storable", "control_character", "unstorable"]

#: Control characters iCalendar text cannot carry (RFC 5545 §3.1 CONTROL, TAB, LF and CR
#: excepted): one of them in one event makes Cyrus refuse the whole /set request.
CONTROL_TABLE = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def control_character(value: Any, path: str) -> str | None:
    """The path of the first string (key or value) in ``value`` with a control character."""
    if isinstance(value, str):
        return path if value.translate(CONTROL_TABLE) != value else None
    items: Iterable[tuple[Any, Any]] = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        where = f"{path}/{key}" if path else str(key)
        if isinstance(key, str) and control_character(key, where):
            return where
        found = control_character(item, where)
        if found:
            return found
    return None


def unstorable(jscal: JSONObject) -> JMAPConversionError | None:
    """Why an event cannot be stored, found before it is sent: a VEVENT without DTSTART
    (RFC 5545 allows it in iTIP messages only) is an Event without its mandatory start;
    a control character (other than TAB, LF, CR) in any text is refused for this event
    alone, rather than stripped (that would change the text) or sent (Cyrus would refuse
    the whole request, sinking the other events)."""
    bad = control_character(jscal, "")
    if bad is not None:
        return JMAPConversionError(
            f"event {jscal.get('uid', '')!r} has a control character in its text (only TAB, "
            "LF and CR are allowed in iCalendar text); not sent",
            property=bad,
        )
    if jscal.get("@type", "Event") == "Event" and not jscal.get("start"):
        return JMAPConversionError(
            f"event {jscal.get('uid', '')!r} has no DTSTART: a calendar server stores events "
            "with a start only (RFC 5545 allows none in iTIP messages alone)",
            property="start",
        )
    return None


def check_storable(ical: str) -> None:
    """Raise the :class:`JMAPConversionError` a client would raise for this iCalendar
    event before sending it (it does not convert, it has no start, it has a control
    character in its text); return None for an event a client would send.

    Example::

        from caldav.jmap import JMAPConversionError, check_storable

        try:
            check_storable(ics)
        except JMAPConversionError as e:
            print("would be refused:", e.reason)
    """
    error = unstorable(ical_to_jscal(ical))
    if error is not None:
        raise error
