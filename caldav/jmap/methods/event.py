"""CalendarEvent operations: create, read, update, delete, search and sync, as iCalendar.

Each function is a sans-IO operation (a generator over a
:class:`~caldav.jmap.protocol.connection.Connection`); the clients run them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from typing import Any

from caldav.jmap.constants import CALENDAR_CAPABILITY
from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from caldav.jmap.error import (
    JMAPBulkError,
    JMAPConversionError,
    JMAPError,
    JMAPMethodError,
    JMAPNotFoundError,
)
from caldav.jmap.methods.vendor import for_server, only_vendor_properties
from caldav.jmap.objects.event import JMAPEvent
from caldav.jmap.protocol.bulk import BulkResult, set_many
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import (
    SetOutcome,
    changes_with_objects,
    get_by_ids,
    query_objects,
    set_one,
)
from caldav.jmap.protocol.standard import DataType
from caldav.jmap.protocol.steps import Steps

__all__ = [
    "EVENT",
    "create_event",
    "create_events",
    "delete_events",
    "update_events",
    "delete_event",
    "event_filter",
    "event_patch",
    "get_event",
    "get_event_by_uid",
    "get_event_object",
    "get_object_by_uid",
    "get_object_changes",
    "get_objects_by_sync_token",
    "get_sync_token",
    "local_datetime",
    "save_event",
    "search_event_objects",
    "search_events",
    "update_event",
]

EVENT = DataType(
    "CalendarEvent",
    CALENDAR_CAPABILITY,
    filters=(
        "inCalendar",
        "inCalendars",
        "after",
        "before",
        "text",
        "title",
        "description",
        "location",
        "owner",
        "attendee",
        "uid",
    ),
)

#: Properties the server sets or that iCalendar cannot change: never part of an update patch.
SERVER_PROPERTIES = frozenset(
    {
        "@type",
        "id",
        "uid",
        "calendarIds",
        "isDraft",
        "isOrigin",
        "utcStart",
        "utcEnd",
        "baseEventId",
        "blobId",
        "x-href",
        "debugBlobId",
        "cyrusimap.org:href",
    }
)

#: What a property removed from the iCalendar becomes on the server: its JSCalendar default,
#: since servers refuse null for properties that are not nullable.
REMOVED_VALUE: dict[str, Any] = {
    "title": "",
    "description": "",
    "priority": 0,
    "freeBusyStatus": "busy",
    "privacy": "public",
    "status": "confirmed",
    "sequence": 0,
    "showWithoutTime": False,
}


def local_datetime(value: Any, what: str) -> str:
    """A search bound as the LocalDateTime in UTC that CalendarEvent/query filters take.

    Accepts an aware datetime (converted to UTC), a naive datetime (taken as UTC), a date
    (its midnight, UTC) or an ISO string ("2026-01-01T10:00:00", with or without "Z").
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%dT00:00:00")
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError:
            raise ValueError(f"{what} is not an ISO date-time: {value!r}") from None
        return local_datetime(parsed, what)
    raise TypeError(f"{what} must be a datetime, a date or an ISO string, not {type(value)!r}")


def event_filter(
    conn: Connection,
    calendar_id: str | None = None,
    start: Any = None,
    end: Any = None,
    text: str | None = None,
    uid: str | None = None,
) -> dict[str, Any]:
    """The CalendarEvent/query FilterCondition, in the server's dialect."""
    condition: dict[str, Any] = {}
    if calendar_id is not None:
        if conn.dialect.in_calendars:
            condition["inCalendars"] = [calendar_id]
        else:
            condition["inCalendar"] = calendar_id
    if start is not None:
        condition["after"] = local_datetime(start, "start")
    if end is not None:
        condition["before"] = local_datetime(end, "end")
    if text:
        condition["text"] = text
    if uid is not None:
        condition["uid"] = uid
    return condition


def _query(conn: Connection, account_id: str, **filters: Any) -> Steps:
    """Query + get of the matching events; learns the calendar-filter dialect if needed."""
    try:
        return (
            yield from query_objects(
                conn, EVENT, account_id, filter=event_filter(conn, **filters) or None
            )
        )
    except JMAPMethodError as error:
        retry = (
            filters.get("calendar_id") is not None
            and not conn.dialect.learned
            and error.error_type in ("invalidArguments", "unsupportedFilter")
        )
        if not retry:
            raise
        # The server speaks the other revision of the draft: switch and remember
        conn.dialect.in_calendars = not conn.dialect.in_calendars
        conn.dialect.learned = True
        return (
            yield from query_objects(conn, EVENT, account_id, filter=event_filter(conn, **filters))
        )


def _vendor_refusal(error: JMAPError) -> bool:
    """Whether the server refused an event only for its vendor-specific properties."""
    return (
        isinstance(error, JMAPMethodError)
        and error.error_type == "invalidProperties"
        and only_vendor_properties(error.properties)
    )


def _for_server(conn: Connection, objects: dict[str, Any] | None) -> dict[str, Any] | None:
    if objects is None:
        return None
    vendor = conn.dialect.vendor_properties
    return {key: for_server(vendor, obj, f"event {key}") for key, obj in objects.items()}


def _set_event(
    conn: Connection,
    account_id: str,
    *,
    create: dict[str, Any] | None = None,
    update: tuple[str, dict[str, Any]] | None = None,
    **extra: Any,
) -> Steps[SetOutcome]:
    """set_one for an event, leaving out vendor properties where the server refuses them
    (learned from the first refusal, then remembered)."""
    while True:
        vendor = conn.dialect.vendor_properties
        created = _for_server(conn, {"new": create} if create is not None else None)
        updated = _for_server(conn, dict([update]) if update is not None else None)
        try:
            return (
                yield from set_one(
                    conn,
                    EVENT,
                    account_id,
                    create=created["new"] if created else None,
                    update=next(iter(updated.items())) if updated else None,
                    **extra,
                )
            )
        except JMAPMethodError as error:
            if vendor is False or not _vendor_refusal(error):
                raise
            conn.dialect.vendor_properties = False


def _set_events(
    conn: Connection,
    account_id: str,
    *,
    create: dict[str, Any] | None = None,
    update: dict[str, Any] | None = None,
    **extra: Any,
) -> Steps[BulkResult]:
    """set_many for events, with the vendor-property handling of :func:`_set_event`."""
    vendor = conn.dialect.vendor_properties
    result = yield from set_many(
        conn,
        EVENT,
        account_id,
        create=_for_server(conn, create),
        update=_for_server(conn, update),
        **extra,
    )
    refused = [key for key, error in result.failed.items() if _vendor_refusal(error)]
    if refused and vendor is not False:
        conn.dialect.vendor_properties = False
        for key in refused:
            del result.failed[key]
        again = yield from set_many(
            conn,
            EVENT,
            account_id,
            create=_for_server(conn, {k: v for k, v in (create or {}).items() if k in refused}),
            update=_for_server(conn, {k: v for k, v in (update or {}).items() if k in refused}),
            **extra,
        )
        result.merge(again)
    return result


def create_event(conn: Connection, calendar_id: str, ical_str: str, **extra: Any) -> Steps[str]:
    """Create an event from iCalendar in ``calendar_id``; returns its id."""
    jscal = ical_to_jscal(ical_str, calendar_id=calendar_id)
    account_id = yield from conn.account_for()
    return (yield from _set_event(conn, account_id, create=jscal, **extra)).id


def get_event_object(conn: Connection, event_id: str, client: Any = None) -> Steps[JMAPEvent]:
    """The event as the server stores it."""
    account_id = yield from conn.account_for()
    result = yield from get_by_ids(conn, EVENT, account_id, [event_id])
    for obj in result.objects:
        if obj["id"] == event_id:
            return JMAPEvent.from_jmap(obj, result.state, client)
    raise JMAPNotFoundError(
        f"CalendarEvent/get: no event {event_id}", "notFound", method="CalendarEvent/get"
    )


def get_event(conn: Connection, event_id: str) -> Steps[str]:
    """The event as iCalendar."""
    return (yield from get_event_object(conn, event_id)).data


def event_patch(current: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The PatchObject that turns the stored event ``current`` into ``new``.

    Only what changed is sent.  A property is reset only when iCalendar could have carried
    it (it survives a round trip of ``current`` through iCalendar) and the new iCalendar
    no longer has it; what iCalendar cannot express, or the server manages, is left alone.
    """
    patch = {
        key: value
        for key, value in new.items()
        if key not in SERVER_PROPERTIES and current.get(key) != value
    }
    expressible = ical_to_jscal(jscal_to_ical(current))
    for key in expressible:
        if key in SERVER_PROPERTIES or key in new or key not in current:
            continue
        patch[key] = REMOVED_VALUE.get(key)
    return patch


def _check_uid(event_id: str, current: dict[str, Any], new: dict[str, Any]) -> None:
    if new.get("uid") not in (None, current.get("uid")):
        raise JMAPError(
            reason=f"the new iCalendar has UID {new.get('uid')!r} but event {event_id} has "
            f"{current.get('uid')!r}; a UID cannot change"
        )


def save_event(conn: Connection, event: JMAPEvent, **extra: Any) -> Steps[None]:
    """Send what changed in ``event`` since it was read, if the server's state is still the
    one it was read in; the event then holds the new state."""
    _check_uid(event.id, event._read, event.jscal)
    patch = event_patch(event._read, event.jscal)
    if patch:
        account_id = yield from conn.account_for()
        outcome = yield from _set_event(
            conn, account_id, update=(event.id, patch), if_in_state=event.state, **extra
        )
        event.state = outcome.new_state
    event._read = copy.deepcopy(event.jscal)
    return None


def update_event(
    conn: Connection,
    event_id: str,
    ical_str: str,
    if_in_state: str | None = None,
    **extra: Any,
) -> Steps[None]:
    """Replace the event's content with the iCalendar ``ical_str`` (a patch of what changed).

    With ``if_in_state``, only if the CalendarEvent state is still that one.
    """
    event = yield from get_event_object(conn, event_id)
    event.data = ical_str
    event.state = if_in_state  # None: no condition, the caller did not read a state
    yield from save_event(conn, event, **extra)
    return None


def delete_event(
    conn: Connection, event_id: str, if_in_state: str | None = None, **extra: Any
) -> Steps[None]:
    """Delete the event (with ``if_in_state``: only if the state is still that one)."""
    account_id = yield from conn.account_for()
    yield from set_one(conn, EVENT, account_id, destroy=event_id, if_in_state=if_in_state, **extra)
    return None


def search_event_objects(
    conn: Connection, client: Any = None, **filters: Any
) -> Steps[list[JMAPEvent]]:
    """Events matching ``filters`` (calendar_id, start, end, text, uid) as objects."""
    account_id = yield from conn.account_for()
    found = yield from _query(conn, account_id, **filters)
    return [JMAPEvent.from_jmap(obj, found.state, client) for obj in found]


def search_events(conn: Connection, **filters: Any) -> Steps[list[str]]:
    """Events matching ``filters`` as iCalendar."""
    return [event.data for event in (yield from search_event_objects(conn, **filters))]


def get_event_by_uid(
    conn: Connection, uid: str, calendar_id: str | None = None, client: Any = None
) -> Steps[JMAPEvent]:
    """The event with ``uid``: one request (query by uid, get by reference)."""
    found = yield from search_event_objects(conn, client, calendar_id=calendar_id, uid=uid)
    if not found:
        raise JMAPNotFoundError(
            f"no event with UID {uid!r}", "notFound", method="CalendarEvent/query"
        )
    return found[0]


def get_object_by_uid(conn: Connection, uid: str, calendar_id: str | None = None) -> Steps[str]:
    """The event with ``uid`` as iCalendar (one request)."""
    return (yield from get_event_by_uid(conn, uid, calendar_id)).data


def get_sync_token(conn: Connection) -> Steps[str]:
    """The current CalendarEvent state: a /get of no ids, so no event data moves."""
    account_id = yield from conn.account_for()
    result = yield from get_by_ids(conn, EVENT, account_id, [])
    return result.state


def get_object_changes(
    conn: Connection, token: str, client: Any = None
) -> Steps[tuple[list[JMAPEvent], list[JMAPEvent], list[str], str]]:
    """(added, modified, deleted ids, new token) since ``token``, as objects."""
    account_id = yield from conn.account_for()
    delta = yield from changes_with_objects(conn, EVENT, account_id, token)

    def events(objects: list[dict[str, Any]]) -> list[JMAPEvent]:
        return [JMAPEvent.from_jmap(obj, delta.new_state, client) for obj in objects]

    return events(delta.created), events(delta.updated), delta.destroyed, delta.new_state


def get_objects_by_sync_token(
    conn: Connection, token: str
) -> Steps[tuple[list[str], list[str], list[str]]]:
    """(added, modified, deleted) since ``token``: iCalendar strings and deleted ids."""
    added, modified, deleted, _ = yield from get_object_changes(conn, token)
    return [e.data for e in added], [e.data for e in modified], deleted


def _creation_key(index: int) -> str:
    # RFC 8620 §1.2: an id SHOULD NOT contain only digits
    return f"n{index}"


def _by_index(result: BulkResult, count: int) -> BulkResult:
    """The result with creation keys turned back into input positions ("0", "1", ...)."""
    back = {_creation_key(i): str(i) for i in range(count)}
    result.created = {back.get(k, k): v for k, v in result.created.items()}
    result.failed = {back.get(k, k): v for k, v in result.failed.items()}
    return result


def _find_by_uid(
    conn: Connection, account_id: str, uids: dict[str, str]
) -> Callable[[list[str]], Steps[dict[str, str]]]:
    """A bulk create's way to learn which of its objects the server already has."""

    def find(keys: list[str]) -> Steps[dict[str, str]]:
        wanted = {uids[k]: k for k in keys if k in uids}
        conditions = [{"uid": uid} for uid in wanted]
        found = yield from query_objects(
            conn,
            EVENT,
            account_id,
            filter={"operator": "OR", "conditions": conditions},
            properties=["uid"],
        )
        return {wanted[obj["uid"]]: obj["id"] for obj in found if obj.get("uid") in wanted}

    return find


def _raise_if_failed(result: BulkResult, what: str) -> None:
    if result.failed:
        first = next(iter(result.failed.values()))
        raise JMAPBulkError(
            f"{len(result.failed)} of the events could not be {what} (first: {first.reason}); "
            "the others were",
            result=result,
        )


def create_events(
    conn: Connection, calendar_id: str, ical_strs: Iterable[str], **extra: Any
) -> Steps[list[str]]:
    """Create many events with as few /set calls as the server's limits allow; returns
    their ids in input order.  Failures (conversion or server) raise JMAPBulkError whose
    ``result`` keys them by input position ("0", "1", ...), with the created ones' ids."""
    create: dict[str, Any] = {}
    failed: dict[str, JMAPError] = {}
    uids: dict[str, str] = {}
    count = 0
    for index, ical_str in enumerate(ical_strs):
        count += 1
        try:
            jscal = ical_to_jscal(ical_str, calendar_id=calendar_id)
        except JMAPConversionError as error:
            failed[_creation_key(index)] = error
            continue
        create[_creation_key(index)] = jscal
        if isinstance(jscal.get("uid"), str):
            uids[_creation_key(index)] = jscal["uid"]
    account_id = yield from conn.account_for()
    try:
        result = yield from _set_events(
            conn,
            account_id,
            create=create,
            find_existing=_find_by_uid(conn, account_id, uids),
            **extra,
        )
    except JMAPBulkError as error:
        error.result.failed.update(failed)
        _by_index(error.result, count)
        raise
    result.failed.update(failed)
    _raise_if_failed(_by_index(result, count), "created")
    return [result.created[str(i)] for i in range(count)]


def update_events(conn: Connection, updates: dict[str, str], **extra: Any) -> Steps[None]:
    """Update many events (event id -> new iCalendar): one /get of them all, then patches of
    what changed, in as few /set calls as the limits allow."""
    account_id = yield from conn.account_for()
    current = yield from get_by_ids(conn, EVENT, account_id, list(updates))
    by_id = {obj["id"]: obj for obj in current.objects}
    patches: dict[str, Any] = {}
    failed: dict[str, JMAPError] = {}
    for event_id, ical_str in updates.items():
        if event_id not in by_id:
            failed[event_id] = JMAPNotFoundError(f"no event {event_id}", "notFound")
            continue
        try:
            new = ical_to_jscal(ical_str)
            _check_uid(event_id, by_id[event_id], new)
        except JMAPError as error:
            failed[event_id] = error
            continue
        patch = event_patch(by_id[event_id], new)
        if patch:
            patches[event_id] = patch
    result = yield from _set_events(conn, account_id, update=patches, **extra)
    result.failed.update(failed)
    _raise_if_failed(result, "updated")
    return None


def delete_events(conn: Connection, event_ids: Iterable[str], **extra: Any) -> Steps[None]:
    """Delete many events in as few /set calls as the limits allow."""
    account_id = yield from conn.account_for()
    result = yield from set_many(conn, EVENT, account_id, destroy=list(event_ids), **extra)
    _raise_if_failed(result, "deleted")
    return None
