"""The fluent searcher: a search built step by step, then fetched through a client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from caldav.jmap._events.filters import AND, Filter, Node
from caldav.jmap._events.results import EventIds
from caldav.jmap._jsontypes import JSONObject

if TYPE_CHECKING:
    # for annotations only (the client's event methods build searchers)
    from caldav.jmap._events.client import EventMethods
    from caldav.jmap.objects.event import JMAPEvent

__all__ = ["EventSearcher"]


class EventSearcher:
    """Build a search step by step, then :meth:`fetch` (iCalendar strings) or
    :meth:`fetch_objects` (JMAPEvent objects).  Every method returns the searcher.

    Example::

        found = cal.searcher().after("2026-01-01T00:00:00").has_keyword("work") \\
            .is_undecided().sort_by("start").limit(20).fetch()

    With the async client, ``fetch()`` returns an awaitable.
    """

    def __init__(self, client: EventMethods, calendar_id: str | None = None) -> None:
        self._client = client
        self._nodes: list[Node] = []
        if calendar_id is not None:
            self._nodes.append(Filter(calendar_id=calendar_id))
        self._sort: list[tuple[str, bool]] = []
        self._options: JSONObject = {}

    def _add(self, **condition: object) -> EventSearcher:
        self._nodes.append(Filter(**condition))
        return self

    def filter(self, node: Node) -> EventSearcher:
        """AND any Filter or operator into the search."""
        self._nodes.append(node)
        return self

    def in_calendars(self, *calendar_ids: str) -> EventSearcher:
        return self._add(in_calendars=list(calendar_ids))

    def after(self, when: object) -> EventSearcher:
        """Events that end after ``when``."""
        return self._add(after=when)

    def before(self, when: object) -> EventSearcher:
        """Events that start before ``when``."""
        return self._add(before=when)

    def between(self, start: object, end: object) -> EventSearcher:
        return self._add(after=start, before=end)

    def text(self, value: str) -> EventSearcher:
        return self._add(text=value)

    def title(self, value: str) -> EventSearcher:
        return self._add(title=value)

    def description(self, value: str) -> EventSearcher:
        return self._add(description=value)

    def location(self, value: str) -> EventSearcher:
        return self._add(location=value)

    def owner(self, value: str) -> EventSearcher:
        return self._add(owner=value)

    def attendee(self, value: str) -> EventSearcher:
        return self._add(attendee=value)

    def uid(self, value: str) -> EventSearcher:
        return self._add(uid=value)

    def has_keyword(self, keyword: str) -> EventSearcher:
        return self._add(has_keyword=keyword)

    def not_keyword(self, keyword: str) -> EventSearcher:
        return self._add(not_keyword=keyword)

    def participant_is(self, address: str) -> EventSearcher:
        return self._add(participant_is=address)

    def is_undecided(self, value: bool = True) -> EventSearcher:
        return self._add(is_undecided=value)

    def is_rejected(self, value: bool = True) -> EventSearcher:
        return self._add(is_rejected=value)

    def has_attachment(self, value: bool = True) -> EventSearcher:
        return self._add(has_attachment=value)

    def sort_by(self, prop: str, ascending: bool = True) -> EventSearcher:
        """Sort by ``prop`` (start, uid, ...); call again for secondary keys."""
        self._sort.append((prop, ascending))
        return self

    def position(self, position: int) -> EventSearcher:
        self._options["position"] = position
        return self

    def anchor(self, event_id: str, offset: int = 0) -> EventSearcher:
        self._options["anchor"] = event_id
        self._options["anchor_offset"] = offset
        return self

    def limit(self, limit: int) -> EventSearcher:
        self._options["limit"] = limit
        return self

    def expand(self, time_zone: str | None = None) -> EventSearcher:
        """Recurrence instances as their own results (needs after and before)."""
        self._options["expand_recurrences"] = True
        if time_zone is not None:
            self._options["time_zone"] = time_zone
        return self

    def arguments(self) -> JSONObject:
        """The keyword arguments of the client's search methods this searcher stands for."""
        args = dict(self._options)
        if self._nodes:
            args["filter"] = self._nodes[0] if len(self._nodes) == 1 else AND(*self._nodes)
        if self._sort:
            args["sort"] = list(self._sort)
        return args

    def fetch(self) -> list[str]:
        """The matching events as iCalendar strings."""
        return self._client.search_events(**self.arguments())

    def fetch_objects(self) -> list[JMAPEvent]:
        """The matching events as :class:`~caldav.jmap.objects.event.JMAPEvent` objects."""
        return self._client.search_event_objects(**self.arguments())

    def query_ids(self) -> EventIds:
        """``(ids, query_state, total)`` of the search, without the events."""
        return self._client.query_event_ids(**self.arguments())
