"""JMAPEvent: a calendar event with its id, in the spirit of python-caldav's
CalendarObjectResource: ``data`` is its iCalendar, ``jscal`` its JSCalendar,
``icalendar_instance`` an editable ``icalendar.Calendar``, and ``save()``, ``delete()`` and
``load()`` act on the server through the client it came from.

The three representations are one event: an edit made to any of them is what the others
show and what ``save()`` sends.  The ``icalendar.Calendar`` is parsed once and kept; the
JSCalendar is brought up to date from it whenever the Calendar changed since (compared by
its serialisation, so an edit made in place is never missed).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import icalendar

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from caldav.jmap.error import JMAPError
from caldav.jmap.objects.calendar import JMAPCalendar

if TYPE_CHECKING:
    # for annotations only: the client module imports this one
    from caldav.jmap._api import JMAPClientAPI

__all__ = ["JMAPEvent"]

#: What iCalendar does not carry and an edit of the iCalendar must keep.
_KEPT = ("id", "calendarIds")


class JMAPEvent:
    """An event as stored on the server.

    ``state`` is the CalendarEvent state the event was read in.  ``save()`` and
    ``delete()`` send it as ``ifInState``; when the server answers that the account changed
    since, they ask what changed and retry if it was not this event, so only a change
    someone else made to *this* event raises
    :class:`~caldav.jmap.error.JMAPStateMismatchError` instead of being overwritten.

    Example::

        event = client.get_event_object(event_id)
        with event.edit_icalendar_instance() as ical:
            ical.walk("VEVENT")[0]["SUMMARY"] = "Renamed"
        event.save()
    """

    def __init__(
        self,
        id: str,
        jscal: JSONObject,
        state: str | None = None,
        client: Any = None,
        jscalendar: str = "rfc8984",
        parent: JMAPCalendar | None = None,
    ) -> None:
        self.id = id
        self.state = state
        #: The client the event came from (a JMAPClient or AsyncJMAPClient), or None.
        self.client = client
        #: The JSCalendar dialect of the server (``caldav.jmap.convert.RFC8984`` or
        #: ``JSCALENDAR_2``): what iCalendar edits are converted to.
        self.jscalendar = jscalendar
        self._parent = parent
        self._jscal = jscal
        self._ical: icalendar.Calendar | None = None
        self._ical_seen = b""  # the Calendar's serialisation when jscal was last made from it
        self._jscal_seen: JSONObject = {}  # jscal when the Calendar was made from it
        #: The event as last read from or written to the server (what save() diffs against).
        self._read = copy.deepcopy(jscal)

    def __repr__(self) -> str:
        return f"JMAPEvent(id={self.id!r}, uid={self.uid!r}, state={self.state!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JMAPEvent):
            return NotImplemented
        return (self.id, self.jscal, self.state) == (other.id, other.jscal, other.state)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by content

    @classmethod
    def from_jmap(
        cls,
        data: JSONObject,
        state: str | None = None,
        client: Any = None,
        jscalendar: str = "rfc8984",
        parent: JMAPCalendar | None = None,
    ) -> JMAPEvent:
        """An event from a CalendarEvent object as the server sent it."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise JMAPError(reason="a CalendarEvent from the server has no id")
        return cls(data["id"], data, state, client, jscalendar, parent)

    def to_jmap(self) -> JSONObject:
        """The CalendarEvent object (JSCalendar plus the JMAP properties)."""
        return self.jscal

    # -- the three representations --------------------------------------------------------

    @property
    def jscal(self) -> JSONObject:
        """The event as a JSCalendar dict (edits in place are kept and saved)."""
        if self._ical is not None:
            current = self._ical.to_ical()
            if current != self._ical_seen:
                self._replace_jscal(ical_to_jscal(current.decode(), dialect=self.jscalendar))
                self._ical_seen = current
                self._jscal_seen = copy.deepcopy(self._jscal)
        return self._jscal

    @jscal.setter
    def jscal(self, value: JSONObject) -> None:
        self._jscal = value
        self._ical = None

    def _replace_jscal(self, new: JSONObject) -> None:
        # What iCalendar does not carry (id, calendars) stays
        for key in _KEPT:
            if key in self._jscal:
                new[key] = self._jscal[key]
        self._jscal = new

    @property
    def data(self) -> str:
        """The event as iCalendar text; assigning replaces the event's content."""
        return jscal_to_ical(self.jscal)

    @data.setter
    def data(self, ical: str | bytes) -> None:
        text = ical.decode() if isinstance(ical, bytes) else ical
        self._replace_jscal(ical_to_jscal(text, dialect=self.jscalendar))
        self._ical = None

    @property
    def icalendar_instance(self) -> icalendar.Calendar:
        """The event as an ``icalendar.Calendar``, parsed once and kept: edit it in place
        and ``save()`` sends the edit.  Assigning a Calendar replaces the content."""
        jscal = self.jscal  # brings jscal up to date with edits of the kept Calendar
        if self._ical is None or jscal != self._jscal_seen:
            self._ical = icalendar.Calendar.from_ical(jscal_to_ical(jscal))
            self._ical_seen = self._ical.to_ical()
            self._jscal_seen = copy.deepcopy(jscal)
        return self._ical

    @icalendar_instance.setter
    def icalendar_instance(self, value: icalendar.Calendar) -> None:
        self.data = value.to_ical()

    @property
    def icalendar_component(self) -> icalendar.Component:
        """The event's main component (the VEVENT of the series, not an override), in
        :attr:`icalendar_instance`: editing it edits the event."""
        events = [c for c in self.icalendar_instance.walk("VEVENT")]
        if not events:
            raise JMAPError(reason=f"event {self.id} has no VEVENT")
        return next((c for c in events if "RECURRENCE-ID" not in c), events[0])

    @contextmanager
    def edit_icalendar_instance(self) -> Iterator[icalendar.Calendar]:
        """A context manager giving the editable ``icalendar.Calendar``; call ``save()``
        after the ``with`` block to send the edit."""
        yield self.icalendar_instance

    @contextmanager
    def edit_icalendar_component(self) -> Iterator[icalendar.Component]:
        """As :meth:`edit_icalendar_instance`, giving the main component (the VEVENT)."""
        yield self.icalendar_component

    def get_data(self) -> str:
        """The event as iCalendar text (python-caldav's ``get_data()``)."""
        return self.data

    def get_icalendar_instance(self) -> icalendar.Calendar:
        """A copy of the ``icalendar.Calendar``, to read: as in python-caldav 3.6, edits of
        it are not saved (edit :attr:`icalendar_instance` or use
        :meth:`edit_icalendar_instance`)."""
        return copy.deepcopy(self.icalendar_instance)

    def get_icalendar_component(self) -> icalendar.Component:
        """A copy of the main component, to read (python-caldav 3.6's semantics)."""
        return copy.deepcopy(self.icalendar_component)

    # -- identity -----------------------------------------------------------------------

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
    def parent(self) -> JMAPCalendar | None:
        """The calendar the event is in: the one it was found through, else a calendar
        object naming the event's first calendar id (bound to the same client)."""
        if self._parent is None and self.calendar_ids:
            return JMAPCalendar(id=self.calendar_ids[0], client=self.client)
        return self._parent

    # -- server actions -----------------------------------------------------------------

    def _bound(self) -> JMAPClientAPI:
        if self.client is None:
            raise JMAPError(reason="this event is not bound to a client; get it from one")
        client: JMAPClientAPI = self.client
        return client

    def save(self) -> None:
        """Send what changed since the event was read; raises JMAPStateMismatchError only
        when someone else changed this event since (the async client: an awaitable)."""
        return self._bound()._save_event(self)

    def delete(self) -> None:
        """Delete the event, unless someone else changed it since it was read."""
        return self._bound()._delete_event_object(self)

    def load(self) -> JMAPEvent:
        """Read the event again from the server, dropping local edits; returns the event
        (the async client: an awaitable of it)."""
        return self._bound()._load_event(self)

    @property
    def as_read(self) -> JSONObject:
        """The event as last read from or written to the server: what ``save()`` sends
        the changes against."""
        return self._read

    def record_saved(self) -> None:
        """Record that the server now holds this event as it is (what the next ``save()``
        sends the changes against)."""
        self._read = copy.deepcopy(self.jscal)

    def record_loaded(self, fresh: JMAPEvent) -> JMAPEvent:
        """Take over what the server sent in ``fresh``, dropping local edits (what
        ``load()`` does); returns this event."""
        self.jscal = fresh.jscal
        self._read = copy.deepcopy(fresh.jscal)
        self.state = fresh.state
        return self
