"""JMAPCalendar: a Calendar object (draft-ietf-jmap-calendars) with python-caldav's methods."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from caldav.jmap._events.searcher import EventSearcher
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._methods.ical_input import ICalInput
from caldav.jmap.error import JMAPError
from caldav.jmap.objects.base import JMAPObject

if TYPE_CHECKING:
    # for annotations only: both modules import this one
    from caldav.jmap._api import JMAPClientAPI
    from caldav.jmap.objects.event import JMAPEvent

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


def _with_both_names(rights: JSONObject) -> JSONObject:
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
    my_rights: JSONObject | None = None
    sort_order: int | None = None
    is_visible: bool | None = None
    is_default: bool | None = None
    include_in_availability: str | None = None
    default_alerts_with_time: JSONObject | None = None
    default_alerts_without_time: JSONObject | None = None
    time_zone: str | None = None
    share_with: JSONObject | None = None
    role: str | None = None
    extra: JSONObject = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.my_rights is not None:
            self.my_rights = _with_both_names(self.my_rights)
        if self.share_with is not None:
            self.share_with = {
                principal: _with_both_names(rights) if isinstance(rights, dict) else rights
                for principal, rights in self.share_with.items()
            }

    def _bound(self) -> JMAPClientAPI:
        if self.client is None:
            raise JMAPError(reason="this calendar is not bound to a client; get it from one")
        client: JMAPClientAPI = self.client
        return client

    def add_event(
        self,
        ical: ICalInput = None,
        no_overwrite: bool = False,
        no_create: bool = False,
        **ical_data: Any,
    ) -> str:
        """Add an event to this calendar, as python-caldav's ``add_event``; returns its id.

        ``ical``: iCalendar text, bytes, an ``icalendar.Calendar`` or ``Event``; or leave it
        out and give the properties (``dtstart=``, ``dtend=``, ``summary=``, ``uid=``,
        ``rrule=``, ``categories=``, ``alarm_trigger=``...).  An event of this calendar
        with the same UID is updated instead (``no_overwrite=True``: raise
        JMAPConsistencyError then; ``no_create=True``: raise it when there is none).
        """
        return self._bound()._add_event(self.id, ical, no_overwrite, no_create, ical_data)

    def save_event(
        self,
        ical: ICalInput = None,
        no_overwrite: bool = False,
        no_create: bool = False,
        **ical_data: Any,
    ) -> JMAPEvent:
        """:meth:`add_event` returning the stored event as a
        :class:`~caldav.jmap.objects.event.JMAPEvent` of this calendar."""
        return self._bound()._save_event_in(self, ical, no_overwrite, no_create, ical_data)

    def add_events(self, ical_strs: Iterable[str]) -> list[str]:
        """Create many events in this calendar in few requests; returns their ids."""
        return self._bound().create_events(self.id, ical_strs)

    def get_object_by_uid(self, uid: str, comp_class: Any = None) -> str:
        """The iCalendar of the event of this calendar with ``uid`` (one request);
        ``comp_class`` (python-caldav's Event/Todo class, or a component name) picks the
        kind: a Todo is looked up among the account's tasks."""
        if comp_class is None:
            return self._bound().get_object_by_uid(uid, calendar_id=self.id)
        return self._bound()._object_by_uid(self.id, uid, comp_class)

    def search(
        self,
        event: bool | None = None,
        start: Any = None,
        end: Any = None,
        text: str | None = None,
        **filters: Any,
    ) -> list[str]:
        """The events of this calendar overlapping ``start``..``end`` and matching every
        other condition, as iCalendar strings.

        python-caldav's keywords: ``summary``, ``category``, ``uid``, ``location``,
        ``description``, ``expand`` (recurrences one by one, within start..end),
        ``sort_keys`` (iCalendar property names; ``sort_reverse``), ``comp_class``,
        ``event`` / ``todo`` / ``journal``, ``include_completed``; also any condition,
        ``filter``, ``sort`` or ``limit`` of the client's ``search_events``.  ``todo=True``
        searches the account's tasks (JMAPCapabilityError on a server without JMAP
        Tasks); ``journal=True`` or ``event=False`` alone find nothing: JMAP has no
        journals.  An unknown keyword raises TypeError naming it.
        """
        keywords = dict(filters, event=event, start=start, end=end, text=text)
        return self._bound()._caldav_search(self.id, keywords)

    def events(self) -> list[JMAPEvent]:
        """Every event of this calendar, as objects (python-caldav's ``events()``)."""
        return self._bound()._calendar_events(self)

    def search_objects(self, **filters: Any) -> list[JMAPEvent]:
        """:meth:`search` returning :class:`~caldav.jmap.objects.event.JMAPEvent` objects."""
        return self._bound().search_event_objects(calendar_id=self.id, **filters)

    def searcher(self) -> EventSearcher:
        """A fluent search of this calendar (:class:`caldav.jmap.query.EventSearcher`):
        ``cal.searcher().after("2026-01-01").is_undecided().fetch()``."""
        return EventSearcher(self._bound(), calendar_id=self.id)

    def get_event_by_uid(self, uid: str) -> JMAPEvent:
        """The :class:`~caldav.jmap.objects.event.JMAPEvent` of this calendar with ``uid``."""
        return self._bound().get_event_by_uid(uid, calendar_id=self.id)

    def event_by_uid(self, uid: str) -> JMAPEvent:
        """The event of this calendar with exactly ``uid``, whose ``parent`` is this
        calendar (python-caldav's ``event_by_uid``); JMAPNotFoundError when none."""
        return self._bound()._event_by_uid(self, uid)

    def save(self) -> None:
        """Send this calendar's settable properties (name, color, ...) to the server."""
        patch = {
            name: getattr(self, name) for name in WRITABLE_FIELDS if getattr(self, name) is not None
        }
        return self._bound().update_calendar(self.id, patch)

    def delete(self, remove_events: bool = False) -> None:
        """Delete this calendar (and its events when ``remove_events``)."""
        return self._bound().delete_calendar(self.id, remove_events=remove_events)

    def share(self, principal_id: str, rights: JSONObject | None) -> None:
        """Share this calendar with ``principal_id`` (rights None: stop sharing)."""
        return self._bound().share_calendar(self.id, principal_id, rights)
