"""JMAPEvent: a calendar event with its id, in the spirit of python-caldav's
CalendarObjectResource: ``data`` is its iCalendar, ``jscal`` its JSCalendar, and ``save()``
and ``delete()`` act on the server through the client it came from.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from caldav.jmap.error import JMAPError

__all__ = ["JMAPEvent"]


@dataclass
class JMAPEvent:
    """An event as stored on the server.

    ``state`` is the CalendarEvent state the event was read in: ``save()`` and ``delete()``
    send it as ``ifInState``, so a change made by someone else in between raises
    :class:`~caldav.jmap.error.JMAPStateMismatchError` instead of being overwritten.

    Example::

        event = client.get_event_object(event_id)
        ical = event.icalendar_instance
        ical.walk("VEVENT")[0]["SUMMARY"] = "Renamed"
        event.data = ical.to_ical().decode()
        event.save()
    """

    id: str
    jscal: dict[str, Any]
    state: str | None = None
    client: Any = field(default=None, repr=False, compare=False)
    #: The JSCalendar dialect of the server (``caldav.jmap.convert.RFC8984`` or
    #: ``JSCALENDAR_2``): what ``data = ...`` converts new iCalendar to.
    jscalendar: str = field(default="rfc8984", repr=False, compare=False)
    _read: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._read:
            self._read = copy.deepcopy(self.jscal)

    @classmethod
    def from_jmap(
        cls,
        data: dict[str, Any],
        state: str | None = None,
        client: Any = None,
        jscalendar: str = "rfc8984",
    ):
        """An event from a CalendarEvent object as the server sent it."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise JMAPError(reason="a CalendarEvent from the server has no id")
        return cls(id=data["id"], jscal=data, state=state, client=client, jscalendar=jscalendar)

    def to_jmap(self) -> dict[str, Any]:
        """The CalendarEvent object (JSCalendar plus the JMAP properties)."""
        return self.jscal

    @property
    def uid(self) -> str | None:
        """The event's UID."""
        uid = self.jscal.get("uid")
        return uid if isinstance(uid, str) else None

    @property
    def calendar_ids(self) -> list[str]:
        """The calendars the event is in."""
        ids = self.jscal.get("calendarIds") or {}
        return [k for k, v in ids.items() if v] if isinstance(ids, dict) else []

    @property
    def data(self) -> str:
        """The event as iCalendar text."""
        from caldav.jmap.convert import jscal_to_ical

        return jscal_to_ical(self.jscal)

    @data.setter
    def data(self, ical_str: str) -> None:
        from caldav.jmap.convert import ical_to_jscal

        new = ical_to_jscal(ical_str, dialect=self.jscalendar)
        # What iCalendar does not carry (id, calendars, server properties) stays
        for key in ("id", "calendarIds"):
            if key in self.jscal:
                new[key] = self.jscal[key]
        self.jscal = new

    @property
    def icalendar_instance(self) -> Any:
        """The event as an ``icalendar.Calendar``; assign back through ``data``."""
        import icalendar

        return icalendar.Calendar.from_ical(self.data)

    def _bound(self) -> Any:
        if self.client is None:
            raise JMAPError(reason="this event is not bound to a client; get it from one")
        return self.client

    def save(self) -> Any:
        """Send what changed since the event was read (only if nothing changed on the
        server in between)."""
        return self._bound()._save_event(self)

    def delete(self) -> Any:
        """Delete the event (only if nothing changed on the server since it was read)."""
        return self._bound().delete_event(self.id, if_in_state=self.state)
