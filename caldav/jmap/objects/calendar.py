"""JMAPCalendar: a Calendar object (draft-ietf-jmap-calendars) with python-caldav's methods."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caldav.jmap.error import JMAPError
from caldav.jmap.objects.base import JMAPObject

__all__ = ["RIGHTS_ALIASES", "JMAPCalendar"]

#: Draft -18 renamed mayAdmin to mayShare; both name the right to change sharing.
RIGHTS_ALIASES = ("mayShare", "mayAdmin")

#: The properties save() sends (the ones a client may change).
WRITABLE_FIELDS = (
    "name",
    "description",
    "color",
    "sort_order",
    "is_visible",
    "is_subscribed",
    "include_in_availability",
    "default_alerts_with_time",
    "default_alerts_without_time",
    "time_zone",
)


def _with_both_names(rights: dict[str, Any]) -> dict[str, Any]:
    """Rights readable under either name of the sharing right."""
    out = dict(rights)
    for name, alias in (RIGHTS_ALIASES, RIGHTS_ALIASES[::-1]):
        if name in out and alias not in out:
            out[alias] = out[name]
    return out


@dataclass
class JMAPCalendar(JMAPObject):
    """A calendar.  One obtained from a client is bound to it and offers the python-caldav
    calendar methods (``add_event``, ``get_object_by_uid``, ``search``); with the async
    client they return awaitables.

    Example::

        cal = client.get_calendars()[0]
        event_id = cal.add_event(ics)
        print(cal.get_object_by_uid("meeting-1@example.com"))
    """

    id: str
    name: str = ""
    description: str | None = None
    color: str | None = None
    is_subscribed: bool | None = None
    my_rights: dict[str, Any] | None = None
    sort_order: int | None = None
    is_visible: bool | None = None
    is_default: bool | None = None
    include_in_availability: str | None = None
    default_alerts_with_time: dict[str, Any] | None = None
    default_alerts_without_time: dict[str, Any] | None = None
    time_zone: str | None = None
    share_with: dict[str, Any] | None = None
    role: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.my_rights is not None:
            self.my_rights = _with_both_names(self.my_rights)
        if self.share_with is not None:
            self.share_with = {
                principal: _with_both_names(rights) if isinstance(rights, dict) else rights
                for principal, rights in self.share_with.items()
            }

    def _bound(self) -> Any:
        if self.client is None:
            raise JMAPError(reason="this calendar is not bound to a client; get it from one")
        return self.client

    def add_event(self, ical_str: str) -> Any:
        """Create an event in this calendar from iCalendar; returns the new event id."""
        return self._bound().create_event(self.id, ical_str)

    def add_events(self, ical_strs: Any) -> Any:
        """Create many events in this calendar in few requests; returns their ids."""
        return self._bound().create_events(self.id, ical_strs)

    def get_object_by_uid(self, uid: str) -> Any:
        """The iCalendar of the event of this calendar with ``uid`` (one request)."""
        return self._bound().get_object_by_uid(uid, calendar_id=self.id)

    def search(
        self,
        event: bool = True,
        start: Any = None,
        end: Any = None,
        text: str | None = None,
        **filters: Any,
    ) -> Any:
        """Events of this calendar overlapping ``start``..``end`` and/or containing ``text``
        (and any other condition, ``filter``, ``sort``, ``limit``... of the client's
        ``search_events``), as iCalendar strings.  ``event=False`` finds nothing:
        calendars hold events only."""
        if not event:
            return self._bound()._nothing()
        return self._bound().search_events(
            calendar_id=self.id, start=start, end=end, text=text, **filters
        )

    def search_objects(self, **filters: Any) -> Any:
        """:meth:`search` returning :class:`~caldav.jmap.objects.event.JMAPEvent` objects."""
        return self._bound().search_event_objects(calendar_id=self.id, **filters)

    def searcher(self) -> Any:
        """A fluent search of this calendar (:class:`caldav.jmap.query.EventSearcher`):
        ``cal.searcher().after("2026-01-01").is_undecided().fetch()``."""
        from caldav.jmap.query import EventSearcher

        return EventSearcher(self._bound(), calendar_id=self.id)

    def get_event_by_uid(self, uid: str) -> Any:
        """The :class:`~caldav.jmap.objects.event.JMAPEvent` of this calendar with ``uid``."""
        return self._bound().get_event_by_uid(uid, calendar_id=self.id)

    def save(self) -> Any:
        """Send this calendar's settable properties (name, color, ...) to the server."""
        patch = {
            name: getattr(self, name) for name in WRITABLE_FIELDS if getattr(self, name) is not None
        }
        return self._bound().update_calendar(self.id, patch)

    def delete(self, remove_events: bool = False) -> Any:
        """Delete this calendar (and its events when ``remove_events``)."""
        return self._bound().delete_calendar(self.id, remove_events=remove_events)

    def share(self, principal_id: str, rights: dict[str, Any] | None) -> Any:
        """Share this calendar with ``principal_id`` (rights None: stop sharing)."""
        return self._bound().share_calendar(self.id, principal_id, rights)
