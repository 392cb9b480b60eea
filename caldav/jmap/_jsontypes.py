"""The names of the JSON this package moves, so that ``Any`` appears where the data really
is arbitrary JSON and nowhere else.

JMAP method arguments and responses, JMAP objects (a Calendar, a ContactCard) and
JSCalendar objects and patches are JSON objects whose members the code reads and checks
itself (the ``parse_*`` functions of _protocol/standard.py, the converter's ``expect``);
the type checker cannot know their shape, and pretending otherwise with TypedDicts for
objects servers extend at will (vendor properties) would be a lie.
"""

from __future__ import annotations

from typing import Any, TypeAlias

__all__ = ["JSONObject", "JSONValue"]

#: A JSON value of a shape the code checks at run time: the member of a JSON object.
JSONValue: TypeAlias = Any

#: A JSON object: a JMAP object, a method's arguments or response, a JSCalendar object.
JSONObject: TypeAlias = dict[str, JSONValue]
