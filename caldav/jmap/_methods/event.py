"""CalendarEvent as a data type: its definition, reads, deletion and sync, as iCalendar.

Searching is :mod:`caldav.jmap._events.search`, writing :mod:`caldav.jmap._events.write`
and :mod:`caldav.jmap._events.bulk`.  Each function is a sans-IO operation (a generator
over a :class:`~caldav.jmap._protocol.connection.Connection`); the clients run them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from caldav.jmap._events.connection import CalendarConnection, dialect_of
from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.operations import (
    changes_with_objects,
    current_state,
    get_by_ids,
    set_one,
)
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._registry import EVENT
from caldav.jmap.error import JMAPNotFoundError
from caldav.jmap.objects.event import JMAPEvent
from caldav.jmap.objects.results import EventTexts, ObjectChanges, SyncResult, event_texts

log = logging.getLogger("caldav.jmap")

__all__ = [
    "EVENT",
    "delete_event",
    "get_event",
    "get_event_object",
    "get_object_changes",
    "get_objects_by_sync_token",
    "get_sync_token",
]


def get_event_object(conn: Connection, event_id: str, client: object = None) -> Steps[JMAPEvent]:
    """The event as the server stores it."""
    account_id = yield from conn.account_for()
    result = yield from get_by_ids(conn, EVENT, account_id, [event_id])
    for obj in result.objects:
        if obj["id"] == event_id:
            return JMAPEvent.from_jmap(obj, result.state, client, dialect_of(conn))
    raise JMAPNotFoundError(
        f"CalendarEvent/get: no event {event_id}", "notFound", method="CalendarEvent/get"
    )


def get_event(conn: Connection, event_id: str) -> Steps[str]:
    """The event as iCalendar."""
    return (yield from get_event_object(conn, event_id)).data


def delete_event(
    conn: Connection, event_id: str, if_in_state: str | None = None, **extra: JSONValue
) -> Steps[None]:
    """Delete the event (with ``if_in_state``: only if the state is still that one)."""
    account_id = yield from conn.account_for()
    yield from set_one(conn, EVENT, account_id, destroy=event_id, if_in_state=if_in_state, **extra)
    return None


def get_sync_token(conn: CalendarConnection) -> Steps[str]:
    """The current CalendarEvent state (a /get of no ids, so no event data moves): the
    baseline of a sync, taken once; later tokens come from each sync's result."""
    token = yield from current_state(conn, EVENT)
    conn.last_sync_token = token
    return token


def get_object_changes(
    conn: CalendarConnection, token: str, client: object = None, also_get: Iterable[str] = ()
) -> Steps[ObjectChanges]:
    """(added, modified, deleted ids, new token) since ``token``, as objects; the events
    ``also_get`` names are read in the same request (the result's ``current``)."""
    account_id = yield from conn.account_for()
    also = list(also_get)
    delta = yield from changes_with_objects(conn, EVENT, account_id, token, also=also or None)

    def events(objects: Iterable[JSONObject]) -> list[JMAPEvent]:
        return [
            JMAPEvent.from_jmap(obj, delta.new_state, client, dialect_of(conn)) for obj in objects
        ]

    conn.last_sync_token = delta.new_state
    current = {event.id: event for event in events(delta.also.values())}
    return ObjectChanges(
        events(delta.created), events(delta.updated), delta.destroyed, delta.new_state, current
    )


def get_objects_by_sync_token(conn: CalendarConnection, token: str) -> Steps[SyncResult]:
    """(added, modified, deleted) since ``token``: iCalendar strings and deleted ids, as a
    :class:`~caldav.jmap.objects.results.SyncResult` whose ``sync_token`` is the token
    for the next call (the state this delta reaches; also ``conn.last_sync_token``)."""
    account_id = yield from conn.account_for()
    delta = yield from changes_with_objects(conn, EVENT, account_id, token)
    conn.last_sync_token = delta.new_state

    def texts(objects: list[JSONObject]) -> EventTexts:
        return event_texts(
            (JMAPEvent.from_jmap(obj, delta.new_state, None, dialect_of(conn)) for obj in objects),
            log,
        )

    return SyncResult(
        texts(delta.created), texts(delta.updated), delta.destroyed, delta.new_state, delta.missing
    )
