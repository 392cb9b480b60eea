"""The forms of iCalendar input python-caldav's ``add_event`` takes, turned into text.

``add_event(ical)`` takes iCalendar text, bytes, an ``icalendar.Calendar`` or a bare
component (``icalendar.Event``/``Todo``), or no iCalendar at all and python-caldav's
keyword form: ``add_event(dtstart=..., dtend=..., summary=..., uid=..., rrule={...},
categories=[...], alarm_trigger=timedelta(...), ...)``, each keyword a property of the new
component (a UID is made when none is given).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

import icalendar

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.error import JMAPConversionError

__all__ = ["ICalInput", "ical_text", "main_uid"]

#: What add_event/save_event accept as their iCalendar argument.
ICalInput = str | bytes | icalendar.Calendar | icalendar.Component | None

_ALARM_KEYWORDS = ("alarm_trigger", "alarm_action", "alarm_attach")
_COMPONENT_CLASSES: dict[str, type[icalendar.Component]] = {
    "VEVENT": icalendar.Event,
    "VTODO": icalendar.Todo,
    "VJOURNAL": icalendar.Journal,
}


def _from_keywords(component: str, ical_data: JSONObject) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//caldav.jmap//EN")
    cal.add("version", "2.0")
    item = _COMPONENT_CLASSES[component]()
    item.add("dtstamp", datetime.now(timezone.utc))
    if "uid" not in ical_data:
        item.add("uid", str(uuid.uuid4()))
    alarm = {key: ical_data.pop(key) for key in _ALARM_KEYWORDS if key in ical_data}
    for key, value in ical_data.items():
        if value is None:
            continue
        if not isinstance(key, str) or not key.replace("_", "-").replace("-", "").isalnum():
            raise TypeError(f"add_event() got an unusable property keyword {key!r}")
        name = key.replace("_", "-")
        try:
            if name.lower() == "categories" and not isinstance(value, str):
                item.add(name, list(value))
            else:
                item.add(name, value)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"add_event(): {key}={value!r} is not a valid value: {error}"
            ) from None
    if alarm:
        if "alarm_trigger" not in alarm:
            raise TypeError("add_event(): alarm_action/alarm_attach need alarm_trigger")
        valarm = icalendar.Alarm()
        valarm.add("trigger", alarm["alarm_trigger"])
        valarm.add("action", alarm.get("alarm_action", "AUDIO"))
        if "alarm_attach" in alarm:
            valarm.add("attach", alarm["alarm_attach"])
        item.add_component(valarm)
    cal.add_component(item)
    return cal


def ical_text(ical: ICalInput = None, component: str = "VEVENT", **ical_data: Any) -> str:
    """iCalendar text from any of add_event's input forms (see the module docstring).

    Keywords given with iCalendar text are refused: python-caldav merges them into a
    fragment, which this client does not guess at.
    """
    if ical is None:
        if not ical_data:
            raise TypeError("add_event() needs iCalendar data or properties such as dtstart=")
        text: str = _from_keywords(component, dict(ical_data)).to_ical().decode()
        return text
    if ical_data:
        raise TypeError(
            f"add_event() got iCalendar data and property keywords {sorted(ical_data)}: "
            "give one or the other"
        )
    if isinstance(ical, icalendar.Calendar):
        serialised: str = ical.to_ical().decode()
        return serialised
    if isinstance(ical, icalendar.Component):
        cal = icalendar.Calendar()
        cal.add("prodid", "-//caldav.jmap//EN")
        cal.add("version", "2.0")
        cal.add_component(ical)
        wrapped: str = cal.to_ical().decode()
        return wrapped
    if isinstance(ical, bytes):
        try:
            return ical.decode("utf-8")
        except UnicodeDecodeError as error:
            raise JMAPConversionError(f"iCalendar bytes are not UTF-8: {error}") from None
    if isinstance(ical, str):
        return ical
    raise TypeError(
        "ical must be iCalendar text, bytes, an icalendar.Calendar or component, not "
        f"{type(ical).__name__}"
    )


def main_uid(ical: str) -> str | None:
    """The UID of the first event or task of ``ical`` (None when it has none)."""
    try:
        cal = icalendar.Calendar.from_ical(ical)
    except ValueError as error:
        raise JMAPConversionError(f"not iCalendar: {error}") from None
    for component in cal.walk():
        if component.name in _COMPONENT_CLASSES and "UID" in component:
            return str(component["UID"])
    return None
