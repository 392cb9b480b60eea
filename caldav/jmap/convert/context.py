"""State handed to the per-property mappers, and the mapper signatures.

An iCalendar -> JSCalendar mapper receives one property and writes into ``ctx.obj``;
a JSCalendar -> iCalendar mapper receives one JSCalendar property value and appends
properties or subcomponents to ``ctx.component``. Each mapper module exports its mappers
in a ``TO_JSCAL`` table (iCalendar property name -> mapper) and a ``TO_ICAL`` table
(JSCalendar property name -> mapper); ``properties.TABLE`` assigns them to properties.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert.datetime import UTC_ZONES, format_ical_time
from caldav.jmap.convert.model import ICalComponent, ICalProperty
from caldav.jmap.error import JMAPConversionError

__all__ = [
    "INT32",
    "OutOfRange",
    "JsMapper",
    "PropMapper",
    "ToICal",
    "ToJSCal",
    "expect",
    "in_range",
    "put",
    "written_elsewhere",
]

T = TypeVar("T")


@dataclass
class ToJSCal:
    """Converting one iCalendar component into ``obj``."""

    component: ICalComponent
    obj: JSONObject
    kind: str  # "Event", "Task" or a subobject type such as "Alert"
    #: VTIMEZONE components of the calendar, by TZID
    vtimezones: dict[str, ICalComponent] = field(default_factory=dict)
    #: properties no mapper converted, preserved in the vendor property
    unconverted: list[ICalProperty] = field(default_factory=list)
    #: participant id by calendar address (lower case): ATTENDEE and ORGANIZER lines find
    #: the participant they merge into in constant time (5,000 attendees were quadratic)
    addresses: dict[str, str] = field(default_factory=dict)

    @property
    def zone(self) -> str | None:
        """The object's time zone, once DTSTART (or DUE) set it."""
        return self.obj.get("timeZone")


@dataclass
class ToICal:
    """Converting the JSCalendar object ``obj`` into ``component``."""

    obj: JSONObject
    component: ICalComponent
    kind: str
    #: TZIDs the output uses (they need a VTIMEZONE)
    tzids: set[str] = field(default_factory=set)
    #: Properties to write even at their JSCalendar default: a recurrence instance that
    #: sets a default its series does not have must say so, iCalendar inherits nothing
    explicit: frozenset[str] = frozenset()
    #: For a recurrence instance: whether its series is all-day (RFC 5545: RECURRENCE-ID
    #: has the value type of the series' DTSTART, whatever the instance's own start is)
    series_all_day: bool | None = None

    def writes(self, key: str, value: object, default: object) -> bool:
        """Whether ``key`` with ``value`` goes into the iCalendar output."""
        return value != default or key in self.explicit

    @property
    def zone(self) -> str | None:
        """The object's time zone (None when floating)."""
        zone = self.obj.get("timeZone")
        if zone is not None and not isinstance(zone, str):
            raise JMAPConversionError("timeZone must be a string or null", property="timeZone")
        return zone

    def add_time(
        self, name: str, value: dt.datetime, zone: str | None, is_date: bool = False, **params: str
    ) -> ICalProperty:
        """Add a DATE / DATE-TIME property, recording its TZID."""
        text, time_params = format_ical_time(value, zone, is_date)
        if zone and not is_date and zone not in UTC_ZONES:
            self.tzids.add(zone)
        return self.component.add(name, text, **time_params, **params)


PropMapper = Callable[[ICalProperty, ToJSCal], None]
#: The value is the JSCalendar property's, arbitrary JSON until the mapper checks it.
JsMapper = Callable[[Any, ToICal], None]


def written_elsewhere(value: object, ctx: ToICal) -> None:
    """The mapper of a property another mapper (or the driver) writes: ``timeZone`` with
    ``start``, ``method`` on the VCALENDAR."""


@overload
def expect(value: object, kind: type[T], prop: str) -> T: ...
@overload
def expect(value: object, kind: tuple[type, ...], prop: str) -> Any: ...
def expect(value: object, kind: type | tuple[type, ...], prop: str) -> Any:
    """``value`` when it has type ``kind``, else a JMAPConversionError naming ``prop``."""
    if isinstance(value, bool) and kind in (int, (int,)):
        raise JMAPConversionError(f"expected {kind}, got a boolean", property=prop)
    if not isinstance(value, kind):
        raise JMAPConversionError(
            f"expected {getattr(kind, '__name__', kind)}, got {type(value).__name__}",
            property=prop,
        )
    return value


#: The non-negative range of RFC 5545's INTEGER (a signed 32-bit value)
INT32 = (0, 2**31 - 1)


class OutOfRange(ValueError):
    """A JSCalendar value iCalendar cannot carry (PRIORITY 12, COUNT=0, BYHOUR=24, ...): the
    mapper that raises it is not written; the driver keeps the JSCalendar value as JSPROP
    instead, so that the output stays valid RFC 5545 and nothing is lost."""


def in_range(value: object, low: int, high: int, prop: str) -> int:
    """``value`` when it is an integer from ``low`` to ``high``; OutOfRange when it is
    another integer; JMAPConversionError when it is no integer."""
    number = expect(value, int, prop)
    if not low <= number <= high:
        raise OutOfRange(f"{prop} {number} is outside {low}..{high}")
    return number


def put(obj: JSONObject, collection: str, key: str, value: JSONObject) -> JSONObject:
    """Store ``value`` in the id-keyed map ``obj[collection]``, merging into an existing entry."""
    entry: JSONObject = obj.setdefault(collection, {}).setdefault(key, {})
    entry.update(value)
    return entry
