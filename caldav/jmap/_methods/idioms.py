"""python-caldav's calendar idioms as sans-IO operations: ``search()`` with its keywords,
``add_event()`` that updates an event of the same UID, ``events()``, ``event_by_uid()``,
and finding a calendar by name or id.

The keyword table :data:`SEARCH_KEYWORDS` is the one place that says which python-caldav
search keyword is which JMAP filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

import icalendar

from caldav.jmap._events import search as event_search
from caldav.jmap._events import write
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._methods import calendar as calendar_ops
from caldav.jmap._methods import event as event_ops
from caldav.jmap._methods import task as task_ops
from caldav.jmap._methods.ical_input import ICalInput, ical_text, main_uid
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.steps import Steps
from caldav.jmap.constants import TASK_CAPABILITY
from caldav.jmap.error import JMAPCapabilityError, JMAPConsistencyError, JMAPNotFoundError
from caldav.jmap.objects.calendar import JMAPCalendar
from caldav.jmap.objects.event import JMAPEvent
from caldav.jmap.objects.task import JMAPTask

__all__ = [
    "SEARCH_KEYWORDS",
    "CalDAVSearch",
    "add_event",
    "calendar_events",
    "caldav_search",
    "event_by_uid",
    "find_calendar",
    "object_by_uid",
    "save_event",
]


#: python-caldav search keyword -> (the event filter, the task filter) it becomes; None:
#: that kind of object has no such property.
SEARCH_KEYWORDS: dict[str, tuple[str | None, str | None]] = {
    "summary": ("title", "title"),
    "category": ("has_keyword", "has_keyword"),
    "categories": ("has_keyword", "has_keyword"),
    "uid": ("uid", "uid"),
    "location": ("location", None),
    "description": ("description", "description"),
    "start": ("start", "after"),
    "end": ("end", "before"),
    "text": ("text", "text"),
}

#: Task progress values that python-caldav's include_completed=False leaves out.
_DONE = frozenset({"completed", "cancelled"})


def _kind(comp_class: object) -> str:
    """ "event", "todo" or "journal" for python-caldav's comp_class (a class such as
    caldav.Event, icalendar.Todo, JMAPEvent, JMAPTask, or a component name)."""
    name = comp_class if isinstance(comp_class, str) else getattr(comp_class, "__name__", "")
    name = name.lower()
    for kind, words in (
        ("todo", ("todo", "task")),
        ("journal", ("journal",)),
        ("event", ("event",)),
    ):
        if any(word in name for word in words):
            return kind
    raise ValueError(f"comp_class must be an Event, Todo or Journal class, not {comp_class!r}")


@dataclass
class CalDAVSearch:
    """A python-caldav search, read into what it asks for."""

    events: bool
    todos: bool
    event_filters: JSONObject = field(default_factory=dict)
    task_filters: JSONObject = field(default_factory=dict)
    include_completed: bool = False
    sort_keys: tuple[str, ...] = ()
    sort_reverse: bool = False

    @classmethod
    def parse(
        cls,
        event: bool | None = None,
        todo: bool | None = None,
        journal: bool | None = None,
        comp_class: Any = None,
        include_completed: bool | None = None,
        expand: bool = False,
        server_expand: bool = False,
        sort_keys: str | tuple[str, ...] | list[str] = (),
        sort_reverse: bool = False,
        **keywords: Any,
    ) -> CalDAVSearch:
        """Read python-caldav's search keywords; others are this client's event filters
        (an unknown one raises TypeError naming it when the query is built)."""
        if comp_class is not None:
            kind = _kind(comp_class)
            event, todo, journal = kind == "event", kind == "todo", kind == "journal"
        wants_events = bool(event) or (event is None and not todo and not journal)
        search = cls(
            events=wants_events,
            todos=bool(todo),
            include_completed=bool(include_completed),
            sort_keys=(sort_keys,) if isinstance(sort_keys, str) else tuple(sort_keys),
            sort_reverse=sort_reverse,
        )
        if expand or server_expand:
            if keywords.get("start") is None or keywords.get("end") is None:
                raise ValueError("search(expand=True) needs both start and end")
            search.event_filters["expand_recurrences"] = True
        for key, value in keywords.items():
            if value is None:
                continue
            event_name, task_name = SEARCH_KEYWORDS.get(key, (key, None))
            if event_name is not None:
                search.event_filters[event_name] = value
            if task_name is not None:
                search.task_filters[task_name] = value
            elif search.todos and key in SEARCH_KEYWORDS:
                raise TypeError(f"search(): tasks have no {key}; leave it out with todo=True")
            elif search.todos:
                raise TypeError(f"search() got an unexpected keyword argument {key!r} for tasks")
        return search


def _sort_value(value: Any) -> tuple[int, Any]:
    """A comparable form of a property value (missing first; dates before numbers before
    text, so mixed kinds never fail to compare)."""
    if value is None:
        return (0, 0)
    value = getattr(value, "dt", value)
    if isinstance(value, list):
        value = value[0] if value else None
        return _sort_value(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return (1, aware.timestamp())
    if isinstance(value, date):
        return (1, datetime(value.year, value.month, value.day, tzinfo=timezone.utc).timestamp())
    if isinstance(value, int | float):
        return (2, value)
    return (3, str(value).lower())


def _sorted(texts: list[str], keys: tuple[str, ...], reverse: bool) -> list[str]:
    """iCalendar texts sorted client-side by the properties ``keys`` (python-caldav's
    ``sort_keys``: property names, case-insensitive)."""
    if not keys:
        return texts

    def key(text: str) -> tuple[tuple[int, Any], ...]:
        components = [
            c
            for c in icalendar.Calendar.from_ical(text).walk()
            if c.name in ("VEVENT", "VTODO", "VJOURNAL")
        ]
        main = next((c for c in components if "RECURRENCE-ID" not in c), None)
        main = main if main is not None else (components[0] if components else None)
        return tuple(_sort_value(main.get(k.upper()) if main is not None else None) for k in keys)

    return sorted(texts, key=key, reverse=reverse)


def caldav_search(
    conn: Connection, client: object, calendar_id: str, search: CalDAVSearch
) -> Steps[list[str]]:
    """The iCalendar of the events (and tasks, with todo=True) ``search`` asks for."""
    found: list[str] = []
    if search.events:
        found += yield from event_search.search_events(
            conn, calendar_id=calendar_id, **search.event_filters
        )
    if search.todos:
        session = yield from conn.ensure_session()
        if not session.has_capability(TASK_CAPABILITY):
            raise JMAPCapabilityError(
                TASK_CAPABILITY,
                reason=f"search(todo=True): the server has no JMAP Tasks ({TASK_CAPABILITY})",
                url=session.url,
            )
        tasks: list[JMAPTask] = yield from task_ops.search_tasks(
            conn, client, None, **search.task_filters
        )
        found += [
            task.ical
            for task in tasks
            if search.include_completed or (task.progress or "") not in _DONE
        ]
    return _sorted(found, search.sort_keys, search.sort_reverse)


def object_by_uid(
    conn: Connection, client: object, calendar_id: str, uid: str, comp_class: object
) -> Steps[str]:
    """The iCalendar of the event (or, for a Todo ``comp_class``, the task) with exactly
    ``uid``; JMAPNotFoundError when there is none."""
    search = CalDAVSearch.parse(uid=uid, comp_class=comp_class, include_completed=True)
    for text in (yield from caldav_search(conn, client, calendar_id, search)):
        if main_uid(text) == uid:
            return text
    raise JMAPNotFoundError(f"no object with UID {uid!r}", "notFound", method="query")


def _with_parent(events: list[JMAPEvent], parent: JMAPCalendar) -> list[JMAPEvent]:
    for ev in events:
        ev._parent = parent
    return events


def calendar_events(conn: Connection, parent: JMAPCalendar) -> Steps[list[JMAPEvent]]:
    """Every event of the calendar ``parent``, as objects whose parent it is."""
    found = yield from event_search.search_event_objects(conn, parent.client, calendar_id=parent.id)
    return _with_parent(list(found), parent)


def event_by_uid(conn: Connection, parent: JMAPCalendar, uid: str) -> Steps[JMAPEvent]:
    """The event of ``parent`` with exactly ``uid``; JMAPNotFoundError when none."""
    found = yield from event_search.search_event_objects(
        conn, parent.client, calendar_id=parent.id, uid=uid
    )
    for ev in found:
        if ev.uid == uid:
            return _with_parent([ev], parent)[0]
    raise JMAPNotFoundError(
        f"no event with UID {uid!r} in calendar {parent.id}",
        "notFound",
        method="CalendarEvent/query",
    )


def add_event(
    conn: Connection,
    calendar_id: str,
    ical: ICalInput = None,
    *,
    no_overwrite: bool = False,
    no_create: bool = False,
    **ical_data: Any,
) -> Steps[str]:
    """Create the event, or update the event of this calendar with the same UID
    (python-caldav's semantics); returns its id.  ``no_overwrite``: an existing UID raises
    JMAPConsistencyError; ``no_create``: a missing one does."""
    if no_overwrite and no_create:
        raise ValueError("add_event(): no_overwrite and no_create exclude each other")
    text = ical_text(ical, **ical_data)
    uid = main_uid(text)
    existing: JMAPEvent | None = None
    if uid is not None:
        found = yield from event_search.search_event_objects(conn, calendar_id=calendar_id, uid=uid)
        existing = next((ev for ev in found if ev.uid == uid), None)
    if existing is None:
        if no_create:
            raise JMAPConsistencyError(
                reason=f"no_create: calendar {calendar_id} has no event with UID {uid!r}"
            )
        return (yield from write.create_event(conn, calendar_id, text))
    if no_overwrite:
        raise JMAPConsistencyError(
            reason=f"no_overwrite: calendar {calendar_id} already has UID {uid!r} "
            f"(event {existing.id})"
        )
    existing.data = text
    existing.state = None  # python-caldav overwrites what is there
    yield from write.save_event(conn, existing)
    return existing.id


def save_event(
    conn: Connection,
    parent: JMAPCalendar,
    ical: ICalInput = None,
    *,
    no_overwrite: bool = False,
    no_create: bool = False,
    **ical_data: Any,
) -> Steps[JMAPEvent]:
    """:func:`add_event`, returning the stored event as an object of ``parent``."""
    event_id = yield from add_event(
        conn, parent.id, ical, no_overwrite=no_overwrite, no_create=no_create, **ical_data
    )
    saved = yield from event_ops.get_event_object(conn, event_id, parent.client)
    return _with_parent([saved], parent)[0]


def find_calendar(
    conn: Connection, client: object, name: str | None = None, cal_id: str | None = None
) -> Steps[JMAPCalendar]:
    """The calendar with id ``cal_id`` and/or the name ``name``; with neither, the
    default calendar (else the first).  JMAPNotFoundError when there is none."""
    calendars = yield from calendar_ops.get_calendars(conn, client)
    matching = [
        cal
        for cal in calendars
        if (cal_id is None or cal.id == cal_id) and (name is None or cal.name == name)
    ]
    if name is None and cal_id is None:
        matching = sorted(calendars, key=lambda cal: not cal.is_default)
    if not matching:
        wanted = " and ".join(
            f"{what} {value!r}" for what, value in (("name", name), ("id", cal_id)) if value
        )
        raise JMAPNotFoundError(f"no calendar with {wanted or 'any name'}", "notFound")
    return matching[0]
