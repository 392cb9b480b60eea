"""CalendarEvent operations: create, read, update, delete, search and sync, as iCalendar.

Each function is a sans-IO operation (a generator over a
:class:`~caldav.jmap.protocol.connection.Connection`); the clients run them.
"""

from __future__ import annotations

import copy
import logging
import os
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from caldav.jmap.addresses import identity_addresses
from caldav.jmap.constants import CALENDAR_CAPABILITY, CYRUS_CALENDAR_CAPABILITY
from caldav.jmap.convert import RFC8984, ical_to_jscal, ical_to_jscal_all, jscal_to_ical
from caldav.jmap.convert.datetime import format_local
from caldav.jmap.error import (
    JMAPBulkError,
    JMAPCannotCalculateChangesError,
    JMAPConversionError,
    JMAPError,
    JMAPMethodError,
    JMAPNotFoundError,
)
from caldav.jmap.methods.description import is_description_type, plain_description
from caldav.jmap.methods.iana_zones import for_iana_server, is_zone_property
from caldav.jmap.methods.vendor import for_server, is_vendor_property, log_not_stored
from caldav.jmap.objects.event import JMAPEvent
from caldav.jmap.objects.results import EventTexts, ObjectChanges, SyncResult, event_texts
from caldav.jmap.protocol.bulk import BulkResult, CreatedIds, set_many
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import (
    Found,
    SetOutcome,
    by_id,
    changes_with_objects,
    current_state,
    get_by_ids,
    query_ids,
    query_objects,
    refetch,
    set_one,
)
from caldav.jmap.protocol.paging import Pager
from caldav.jmap.protocol.request import RequestBuilder
from caldav.jmap.protocol.standard import (
    DataType,
    parse_get,
    parse_query,
    parse_query_changes,
    parse_set,
    raise_set_errors,
)
from caldav.jmap.protocol.steps import Steps
from caldav.jmap.query import (
    EXTENSION_FILTERS,
    Evaluation,
    EventQuery,
    Filter,
    Leaf,
    QueryPlan,
    build_query,
    evaluate,
    leaves_of,
    plan_query,
    render,
)

log = logging.getLogger("caldav.jmap")

__all__ = [
    "EVENT",
    "check_storable",
    "copy_event",
    "create_event",
    "create_events",
    "ics_text",
    "import_ics",
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
    "get_query_changes",
    "get_sync_token",
    "local_datetime",
    "query_event_ids",
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
        *sorted(EXTENSION_FILTERS),
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
        return format_local(value)
    if isinstance(value, date):
        return format_local(value)
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
    **conditions: Any,
) -> dict[str, Any]:
    """The CalendarEvent/query filter for these conditions (see
    :class:`~caldav.jmap.query.Filter`), in the server's dialect; {} for none."""
    condition = Filter(
        calendar_id=calendar_id, start=start, end=end, text=text or None, uid=uid, **conditions
    )
    return render(condition, conn.dialect.in_calendars)


#: ParticipantIdentity, read alongside a query that evaluates isUndecided/isRejected itself.
_IDENTITY = DataType("ParticipantIdentity", CALENDAR_CAPABILITY)


def _mixes_kinds_wrongly(session: Any) -> bool:
    """Whether the server is Cyrus, whose OR/NOT over properties of different kinds
    (text and uid, time and uid, ...) returns wrong results or drops the connection
    (checked against 3.10.2): the client evaluates such an operator itself."""
    return CYRUS_CALENDAR_CAPABILITY in session.capabilities or (
        CYRUS_CALENDAR_CAPABILITY in session.primary_accounts
    )


def _plan(conn: Connection, query: EventQuery, also_local: set[str]) -> QueryPlan:
    assert conn.session is not None
    return plan_query(
        query.filter,
        conn.dialect.rejected_filters | also_local,
        in_calendars=conn.dialect.in_calendars,
        single_condition=query.expand_recurrences,
        homogeneous_operators=_mixes_kinds_wrongly(conn.session),
    )


def _named_filters(error: JMAPMethodError) -> set[str]:
    """The filter properties an invalidArguments / unsupportedFilter error names
    ("filter/hasKeyword", "filter/conditions/1/isUndecided", or in its description)."""
    names: set[str] = set()
    details = error.details if isinstance(error.details, dict) else {}
    for key in ("arguments", "properties", "filters"):
        items = details.get(key)
        if isinstance(items, list):
            names |= {str(i).rsplit("/", 1)[-1] for i in items if isinstance(i, str)}
    names |= set(error.properties)
    known = EXTENSION_FILTERS | {"inCalendar", "inCalendars"}
    description = error.description or ""
    names |= {name for name in known if name in description}
    return names & known


def _learn(conn: Connection, error: JMAPMethodError, node: Any, also_local: set[str]) -> bool:
    """Learn from the server's refusal of a filter; True when a retry can do better."""
    if error.error_type not in ("invalidArguments", "unsupportedFilter"):
        return False
    present = {leaf.name for leaf in leaves_of(node)} if node is not None else set()
    pending = (present & EXTENSION_FILTERS) - conn.dialect.rejected_filters - also_local
    names = _named_filters(error)
    dialect = conn.dialect

    def flip_calendar_filter() -> bool:
        if dialect.learned or "inCalendars" not in present:
            return False
        # The server speaks the other revision of the draft: switch and remember
        dialect.in_calendars = not dialect.in_calendars
        dialect.learned = True
        return True

    named_extensions = names & EXTENSION_FILTERS
    if named_extensions:
        dialect.rejected_filters |= named_extensions
        # Any other extension of this query is evaluated locally too on the retry, so that
        # a server naming one refusal at a time still costs only one more round trip
        also_local |= pending
        if names & {"inCalendar", "inCalendars"}:
            flip_calendar_filter()
        return True
    if names & {"inCalendar", "inCalendars"}:
        return flip_calendar_filter()
    if not names and pending:
        # An unsupportedFilter that does not say which: the extensions are the suspects
        dialect.rejected_filters |= pending
        return True
    return not names and flip_calendar_filter()


@dataclass
class _Outcome:
    ids: list[str]
    objects: list[dict[str, Any]]
    state: str
    query_state: str
    total: int | None
    missing: list[str]


def _window(query: EventQuery, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """position / anchor / limit applied by the client, as RFC 8620 §5.5 says a server
    applies them."""
    if query.anchor is not None:
        index = next((i for i, o in enumerate(objects) if o.get("id") == query.anchor), None)
        if index is None:
            raise JMAPMethodError(
                f"CalendarEvent/query: the anchor {query.anchor} is not in the results",
                "anchorNotFound",
                method="CalendarEvent/query",
            )
        start = max(0, index + query.anchor_offset)
    elif query.position < 0:
        start = max(0, len(objects) + query.position)
    else:
        start = query.position
    end = None if query.limit is None else start + query.limit
    return objects[start:end]


def _attempt(
    conn: Connection, account_id: str, query: EventQuery, plan: QueryPlan, ids_only: bool
) -> Steps[_Outcome]:
    """One run of the query: a /query with a result reference into /get per page (and, in
    the first request, the probes and identities client-side evaluation needs)."""
    session = yield from conn.ensure_session()
    query_method, get_method = "CalendarEvent/query", "CalendarEvent/get"
    local = plan.client_side
    position = 0 if local else query.position
    anchor = None if local else query.anchor
    limit = None if local else query.limit
    fetch = local or not ids_only
    objects: dict[str, dict[str, Any]] = {}
    state = query_state = ""
    total: int | None = None
    context = Evaluation()
    probes: dict[Leaf, Any] = {}
    identities = None
    first = True
    pager = Pager(query_method, conn.limits, position=position, limit=limit)
    while not pager.done:
        size = pager.size(session.max_objects_in_get)
        builder = RequestBuilder()
        query_call = builder.add(
            EVENT.query(
                account_id,
                filter=plan.server,
                sort=query.sort,
                position=pager.position if anchor is None else None,
                anchor=anchor,
                anchor_offset=query.anchor_offset if anchor is not None else None,
                limit=size,
                calculate_total=True,
                **query.extra(),
            )
        )
        get_call = builder.add(EVENT.get(account_id, query_call.ref("/ids"))) if fetch else None
        if first:
            if plan.needs_identities():
                identities = builder.add(_IDENTITY.get(account_id))
            for leaf, jmap_filter in plan.probes.items():
                probes[leaf] = builder.add(
                    EVENT.query(
                        account_id, filter=jmap_filter, calculate_total=True, **query.extra()
                    )
                )
        responses = yield from conn.call(builder)
        page = parse_query(responses.get(query_call.call_id, query_method), query_method)
        if first:
            query_state, total = page.query_state, page.total
            if identities is not None:
                method = "ParticipantIdentity/get"
                got = parse_get(responses.get(identities.call_id, method), method)
                context.my_addresses = identity_addresses(got.objects)
            for leaf, call in probes.items():
                probe = parse_query(responses.get(call.call_id, query_method), query_method)
                found, _, _ = yield from query_ids(
                    conn, EVENT, account_id, first=probe, filter=plan.probes[leaf], **query.extra()
                )
                context.probe_ids[leaf] = set(found)
        if get_call is not None:
            got = parse_get(responses.get(get_call.call_id, get_method), get_method)
            state = got.state
            objects.update(by_id(got.objects))
        # Cyrus 3.10 reports position 0 whatever position was asked for: trust only an
        # anchor's reported position
        pager.take(page, size, trust_position=anchor is not None)
        anchor = None
        first = False
    ids = pager.ids
    missing: list[str] = []
    if fetch:
        missing = yield from refetch(conn, EVENT, account_id, objects, ids)
    # /get answers in any order; keep the query's
    found_objects = [objects[i] for i in ids if i in objects]
    if not local:
        return _Outcome(ids, found_objects, state, query_state, total, missing)
    matching = [o for o in found_objects if all(evaluate(n, o, context) for n in plan.local)]
    window = _window(query, matching)
    # The server's queryState describes its part of the filter only: none to offer
    return _Outcome([o["id"] for o in window], window, state, "", len(matching), missing)


def _run_query(
    conn: Connection, query: EventQuery, ids_only: bool = False, account_id: str | None = None
) -> Steps[_Outcome]:
    """The query, in the server's dialect: what the server rejects is learned (and
    remembered) from its answer, and evaluated by the client on the one retry."""
    if account_id is None:
        account_id = yield from conn.account_for()
    yield from conn.ensure_session()
    also_local: set[str] = set()
    for attempt in range(3):
        plan = _plan(conn, query, also_local)
        try:
            return (yield from _attempt(conn, account_id, query, plan, ids_only))
        except JMAPMethodError as error:
            if attempt == 2 or not _learn(conn, error, query.filter, also_local):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _query(conn: Connection, account_id: str, **filters: Any) -> Steps[Found[dict[str, Any]]]:
    """Query + get of the events matching the search arguments (see :func:`search_events`),
    one round trip per page; a Found list of CalendarEvent objects."""
    outcome = yield from _run_query(conn, build_query(**filters), account_id=account_id)
    found = Found(outcome.objects)
    found.state, found.query_state = outcome.state, outcome.query_state
    return found


def query_event_ids(conn: Connection, **filters: Any) -> Steps[tuple[list[str], str, int | None]]:
    """``(ids, query_state, total)`` of the events matching ``filters`` (no event data
    moves unless the client must evaluate part of the filter itself; then query_state is
    "" and total counts the matches)."""
    outcome = yield from _run_query(conn, build_query(**filters), ids_only=True)
    return outcome.ids, outcome.query_state, outcome.total


def get_query_changes(
    conn: Connection,
    query_state: str,
    filter: Any = None,
    sort: Any = None,
    **conditions: Any,
) -> Steps[tuple[list[str], list[tuple[int, str]], str]]:
    """``(removed_ids, added [(index, id)], new_query_state)`` of the query with this
    filter and sort since ``query_state`` (CalendarEvent/queryChanges).

    A server without the method (Cyrus 3.10 answers unknownMethod), or a filter the client
    evaluates itself, raises JMAPCannotCalculateChangesError (error type
    cannotCalculateChanges): run the query again instead.
    """
    method = "CalendarEvent/queryChanges"
    query = build_query(filter=filter, sort=sort, **conditions)
    account_id = yield from conn.account_for()
    yield from conn.ensure_session()
    plan = _plan(conn, query, set())
    if plan.client_side:
        raise JMAPCannotCalculateChangesError(
            f"{method}: part of this filter is evaluated by the client (the server does not "
            "support it), so the server cannot calculate the query's changes; run it again",
            "cannotCalculateChanges",
            method=method,
        )
    call = EVENT.query_changes(account_id, query_state, filter=plan.server, sort=query.sort)
    responses = yield from conn.call(call)
    answer = responses.find("c0", method)
    if answer.is_error and answer.error_type == "unknownMethod":
        raise JMAPCannotCalculateChangesError(
            f"{method}: the server does not implement it (unknownMethod), so it cannot "
            "calculate the query's changes; run the query again",
            "cannotCalculateChanges",
            method=method,
            details=answer.arguments,
            url=responses.url,
        )
    result = parse_query_changes(responses.get("c0", method), method)
    return result.removed, result.added, result.new_query_state


#: What a copy within one account must not take over from the original.
COPY_DROPPED = SERVER_PROPERTIES | {"isDraft", "isOrigin", "id", "blobId"}


def copy_event(
    conn: Connection,
    event_id: str,
    to_calendar_id: str,
    to_account_id: str | None = None,
    move: bool = False,
) -> Steps[str]:
    """Copy (or move) an event into ``to_calendar_id``; returns the new event's id.

    Into another account: CalendarEvent/copy (with onSuccessDestroyOriginal when moving);
    the copy keeps the UID, as the same event may be in several accounts.  Within the
    account (``to_account_id`` None or the same): a move changes the event's calendarIds;
    a copy creates a new event from the original's content with a new UID, since an
    account holds only one event per UID (draft-ietf-jmap-calendars §1.5).
    """
    account_id = yield from conn.account_for()
    if to_account_id is None or to_account_id == account_id:
        if move:
            yield from set_one(
                conn,
                EVENT,
                account_id,
                update=(event_id, {"calendarIds": {to_calendar_id: True}}),
            )
            return event_id
        original = yield from get_event_object(conn, event_id)
        jscal = {k: v for k, v in original.jscal.items() if k not in COPY_DROPPED}
        jscal["uid"] = str(uuid.uuid4())
        jscal["calendarIds"] = {to_calendar_id: True}
        return (yield from _set_event(conn, account_id, create=jscal)).id
    method = "CalendarEvent/copy"
    call = EVENT.copy(
        account_id,
        to_account_id,
        {"copy": {"id": event_id, "calendarIds": {to_calendar_id: True}}},
        on_success_destroy_original=True if move else None,
    )
    responses = yield from conn.call(call)
    result = parse_set(responses.get("c0", method), method)
    raise_set_errors(result, method)
    if "copy" not in result.created:
        raise JMAPError(reason=f"{method} neither copied {event_id} nor said why not")
    new_id = str(result.created["copy"]["id"])
    if move:
        # The implicit CalendarEvent/set destroying the original (RFC 8620 §5.4)
        destroyed = parse_set(responses.get("c0", "CalendarEvent/set"), "CalendarEvent/set")
        raise_set_errors(destroyed, "CalendarEvent/set")
        if event_id not in destroyed.destroyed:
            raise JMAPError(
                reason=f"{method} copied {event_id} to {new_id} but did not destroy the original"
            )
    return new_id


#: What a server may refuse and the client adapts to: which refused property it is, and
#: the Dialect setting that makes the client send the adapted form from then on.
_ADAPTATIONS: tuple[tuple[Callable[[str], bool], str, bool], ...] = (
    (is_vendor_property, "vendor_properties", False),
    (is_description_type, "plain_descriptions", True),
    (is_zone_property, "iana_zones_only", True),
)


def _refused_properties(error: JMAPError) -> list[str] | None:
    """The properties of an invalidProperties refusal, when the client can adapt to every
    one of them (see _ADAPTATIONS)."""
    if not (isinstance(error, JMAPMethodError) and error.error_type == "invalidProperties"):
        return None
    names = [str(p) for p in error.properties]
    adaptable = all(any(refused(p) for refused, _, _ in _ADAPTATIONS) for p in names)
    return names if names and adaptable else None


def _learn_refusal(conn: Connection, error: JMAPError) -> bool:
    """Remember what the server refused; whether the next attempt will send anything else."""
    names = _refused_properties(error) or []
    learned = False
    for refused, setting, value in _ADAPTATIONS:
        if any(refused(p) for p in names) and getattr(conn.dialect, setting) != value:
            setattr(conn.dialect, setting, value)
            learned = True
    return learned


#: Control characters iCalendar text cannot carry (RFC 5545 §3.1 CONTROL, TAB, LF and CR
#: excepted): one of them in one event makes Cyrus refuse the whole /set request.
_CONTROL_TABLE = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _control_character(value: Any, path: str) -> str | None:
    """The path of the first string (key or value) in ``value`` with a control character."""
    if isinstance(value, str):
        return path if value.translate(_CONTROL_TABLE) != value else None
    items: Iterable[tuple[Any, Any]] = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        where = f"{path}/{key}" if path else str(key)
        if isinstance(key, str) and _control_character(key, where):
            return where
        found = _control_character(item, where)
        if found:
            return found
    return None


def _unstorable(jscal: dict[str, Any]) -> JMAPConversionError | None:
    """Why an event cannot be stored, found before it is sent: a VEVENT without DTSTART
    (RFC 5545 allows it in iTIP messages only) is an Event without its mandatory start;
    a control character (other than TAB, LF, CR) in any text is refused for this event
    alone, rather than stripped (that would change the text) or sent (Cyrus would refuse
    the whole request, sinking the other events)."""
    bad = _control_character(jscal, "")
    if bad is not None:
        return JMAPConversionError(
            f"event {jscal.get('uid', '')!r} has a control character in its text (only TAB, "
            "LF and CR are allowed in iCalendar text); not sent",
            property=bad,
        )
    if jscal.get("@type", "Event") == "Event" and not jscal.get("start"):
        return JMAPConversionError(
            f"event {jscal.get('uid', '')!r} has no DTSTART: a calendar server stores events "
            "with a start only (RFC 5545 allows none in iTIP messages alone)",
            property="start",
        )
    return None


def check_storable(ical: str) -> None:
    """Raise the :class:`JMAPConversionError` a client would raise for this iCalendar
    event before sending it (it does not convert, it has no start, it has a control
    character in its text); return None for an event a client would send.

    Example::

        from caldav.jmap import JMAPConversionError, check_storable

        try:
            check_storable(ics)
        except JMAPConversionError as e:
            print("would be refused:", e.reason)
    """
    error = _unstorable(ical_to_jscal(ical))
    if error is not None:
        raise error


def _series_not_instance(obj: dict[str, Any], what: str) -> dict[str, Any]:
    """An orphan recurrence instance that recurs itself (Lotus Notes: a RECURRENCE-ID with
    RANGE=THISANDFUTURE and RDATEs) as a series of its own: RFC 8984 forbids recurrenceId
    beside recurrence rules or overrides, and servers (Cyrus) refuse it."""
    if "recurrenceId" not in obj or not (
        obj.get("recurrenceOverrides") or obj.get("recurrenceRules") or obj.get("recurrenceRule")
    ):
        return obj
    log.warning(
        "%s: an instance (recurrence id %s) with recurrences of its own is stored as a series",
        what,
        obj["recurrenceId"],
    )
    return {k: v for k, v in obj.items() if k not in ("recurrenceId", "recurrenceIdTimeZone")}


def _for_server(conn: Connection, objects: dict[str, Any] | None) -> dict[str, Any] | None:
    if objects is None:
        return None
    dialect = conn.dialect
    result = {}
    not_stored: dict[str, list[str]] = {}
    for key, obj in objects.items():
        # The iTIP method belongs to a scheduling message, not to a stored event: a METHOD
        # of an imported file would make servers (Cyrus) refuse the event
        obj = {k: v for k, v in obj.items() if k != "method"}
        obj = _series_not_instance(obj, f"event {key}")
        if dialect.plain_descriptions:
            obj = plain_description(obj, f"event {key}")
        if dialect.iana_zones_only:
            obj = for_iana_server(obj, f"event {key}")
        label = f"event {obj['uid']}" if isinstance(obj.get("uid"), str) else f"event {key}"
        result[key] = for_server(dialect.vendor_properties, obj, label, not_stored)
    log_not_stored(not_stored)  # one line per call, not one per event
    return result


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
            if not _learn_refusal(conn, error):
                raise


def _set_events(
    conn: Connection,
    account_id: str,
    *,
    create: dict[str, Any] | None = None,
    update: dict[str, Any] | None = None,
    **extra: Any,
) -> Steps[BulkResult]:
    """set_many for events, adapting to what the server refuses as :func:`_set_event`
    does: the objects refused for it are sent again, adapted."""
    result = yield from set_many(
        conn,
        EVENT,
        account_id,
        create=_for_server(conn, create),
        update=_for_server(conn, update),
        **extra,
    )
    while True:
        refused = [key for key, error in result.failed.items() if _refused_properties(error)]
        learned = [_learn_refusal(conn, result.failed[key]) for key in refused]
        if not any(learned):
            return result
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


def create_event(conn: Connection, calendar_id: str, ical_str: str, **extra: Any) -> Steps[str]:
    """Create an event from iCalendar in ``calendar_id``; returns its id."""
    jscal = ical_to_jscal(ical_str, calendar_id=calendar_id, dialect=conn.jscalendar)
    error = _unstorable(jscal)
    if error is not None:
        raise error
    account_id = yield from conn.account_for()
    return (yield from _set_event(conn, account_id, create=jscal, **extra)).id


def get_event_object(conn: Connection, event_id: str, client: Any = None) -> Steps[JMAPEvent]:
    """The event as the server stores it."""
    account_id = yield from conn.account_for()
    result = yield from get_by_ids(conn, EVENT, account_id, [event_id])
    for obj in result.objects:
        if obj["id"] == event_id:
            return JMAPEvent.from_jmap(obj, result.state, client, conn.jscalendar)
    raise JMAPNotFoundError(
        f"CalendarEvent/get: no event {event_id}", "notFound", method="CalendarEvent/get"
    )


def get_event(conn: Connection, event_id: str) -> Steps[str]:
    """The event as iCalendar."""
    return (yield from get_event_object(conn, event_id)).data


def event_patch(
    current: dict[str, Any], new: dict[str, Any], dialect: str = RFC8984
) -> dict[str, Any]:
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
    expressible = ical_to_jscal(jscal_to_ical(current), dialect=dialect)
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


def managed_link_release(
    conn: Connection, event: dict[str, Any], patch: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Patch entries a Cyrus 3.10 update needs for the event's managed attachments.

    Cyrus stores a managed attachment with both href and blobId, then refuses any patch of
    the event because a link may have only one of them; dropping the href (the blobId
    stays) is its accepted form.  Links the patch itself replaces are left to it; other
    servers need nothing.
    """
    if not conn.dialect.in_calendars or "links" in (patch or {}):  # the Cyrus dialect
        return {}
    links = event.get("links") or {}
    return {
        f"links/{link_id}/href": None
        for link_id, link in links.items()
        if isinstance(link, dict)
        and "/Attachments/" in str(link.get("href", ""))
        and not any(key.startswith(f"links/{link_id}") for key in (patch or {}))
    }


def save_event(conn: Connection, event: JMAPEvent, **extra: Any) -> Steps[None]:
    """Send what changed in ``event`` since it was read, if the server's state is still the
    one it was read in; the event then holds the new state."""
    _check_uid(event.id, event._read, event.jscal)
    patch = event_patch(event._read, event.jscal, conn.jscalendar)
    if patch:
        patch = {**managed_link_release(conn, event._read, patch), **patch}
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
) -> Steps[Found[JMAPEvent]]:
    """Events matching ``filters`` as objects: a Found list, with ``state`` (the
    CalendarEvent state) and ``query_state`` (for :func:`get_query_changes`).

    ``filters``: the conditions of :class:`~caldav.jmap.query.Filter` as keywords,
    ``filter`` (a Filter or AND/OR/NOT), ``sort``, ``position``, ``anchor``,
    ``anchor_offset``, ``limit``, ``expand_recurrences`` and ``time_zone``.
    """
    outcome = yield from _run_query(conn, build_query(**filters))
    found = Found(
        JMAPEvent.from_jmap(obj, outcome.state, client, conn.jscalendar) for obj in outcome.objects
    )
    found.state, found.query_state = outcome.state, outcome.query_state
    found.missing = outcome.missing
    return found


def search_events(conn: Connection, **filters: Any) -> Steps[EventTexts]:
    """Events matching ``filters`` (see :func:`search_event_objects`) as iCalendar: an
    :class:`~caldav.jmap.objects.results.EventTexts` list whose ``broken`` names the
    events the converter could not read (left out, not failing the others)."""
    found = yield from search_event_objects(conn, **filters)
    texts = event_texts(found, log)
    texts.missing = found.missing
    return texts


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
    """The current CalendarEvent state (a /get of no ids, so no event data moves): the
    baseline of a sync, taken once; later tokens come from each sync's result."""
    token = yield from current_state(conn, EVENT)
    conn.last_sync_token = token
    return token


def get_object_changes(
    conn: Connection, token: str, client: Any = None, also_get: Iterable[str] = ()
) -> Steps[ObjectChanges]:
    """(added, modified, deleted ids, new token) since ``token``, as objects; the events
    ``also_get`` names are read in the same request (the result's ``current``)."""
    account_id = yield from conn.account_for()
    also = list(also_get)
    delta = yield from changes_with_objects(conn, EVENT, account_id, token, also=also or None)

    def events(objects: Iterable[dict[str, Any]]) -> list[JMAPEvent]:
        return [
            JMAPEvent.from_jmap(obj, delta.new_state, client, conn.jscalendar) for obj in objects
        ]

    conn.last_sync_token = delta.new_state
    current = {event.id: event for event in events(delta.also.values())}
    return ObjectChanges(
        events(delta.created), events(delta.updated), delta.destroyed, delta.new_state, current
    )


def get_objects_by_sync_token(conn: Connection, token: str) -> Steps[SyncResult]:
    """(added, modified, deleted) since ``token``: iCalendar strings and deleted ids, as a
    :class:`~caldav.jmap.objects.results.SyncResult` whose ``sync_token`` is the token
    for the next call (the state this delta reaches; also ``conn.last_sync_token``)."""
    account_id = yield from conn.account_for()
    delta = yield from changes_with_objects(conn, EVENT, account_id, token)
    conn.last_sync_token = delta.new_state

    def texts(objects: list[dict[str, Any]]) -> EventTexts:
        return event_texts(
            (JMAPEvent.from_jmap(obj, delta.new_state, None, conn.jscalendar) for obj in objects),
            log,
        )

    return SyncResult(
        texts(delta.created), texts(delta.updated), delta.destroyed, delta.new_state, delta.missing
    )


def _creation_key(index: int) -> str:
    # RFC 8620 §1.2: an id SHOULD NOT contain only digits
    return f"n{index}"


def _by_index(result: BulkResult, count: int) -> BulkResult:
    """The result with creation keys turned back into input positions ("0", "1", ...)."""
    back = {_creation_key(i): str(i) for i in range(count)}
    result.created = {back.get(k, k): v for k, v in result.created.items()}
    result.failed = {back.get(k, k): v for k, v in result.failed.items()}
    result.in_doubt = [back.get(k, k) for k in result.in_doubt]
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
        doubt = (
            f", {len(result.in_doubt)} of them perhaps (the answer was lost: see result.in_doubt)"
            if result.in_doubt
            else ""
        )
        raise JMAPBulkError(
            f"{len(result.failed)} of the events could not be {what}{doubt} (first: "
            f"{first.reason}); the others were",
            result=result,
        )


def _create_all(
    conn: Connection, objects: list[dict[str, Any] | JMAPError], **extra: Any
) -> Steps[CreatedIds]:
    """Create converted events (or report the conversion errors among them) in as few /set
    calls as the limits allow; ids in input order, failures by position in JMAPBulkError."""
    create: dict[str, Any] = {}
    failed: dict[str, JMAPError] = {}
    uids: dict[str, str] = {}
    for index, jscal in enumerate(objects):
        key = _creation_key(index)
        if isinstance(jscal, dict):
            jscal = _unstorable(jscal) or jscal
        if isinstance(jscal, JMAPError):
            failed[key] = jscal
            continue
        create[key] = jscal
        if isinstance(jscal.get("uid"), str):
            uids[key] = jscal["uid"]
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
        _by_index(error.result, len(objects))
        raise
    result.failed.update(failed)
    _raise_if_failed(_by_index(result, len(objects)), "created")
    return CreatedIds([result.created[str(i)] for i in range(len(objects))], result)


def create_events(
    conn: Connection, calendar_id: str, ical_strs: Iterable[str], **extra: Any
) -> Steps[CreatedIds]:
    """Create many events with as few /set calls as the server's limits allow; returns
    their ids in input order.  Failures (conversion or server) raise JMAPBulkError whose
    ``result`` keys them by input position ("0", "1", ...), with the created ones' ids."""
    objects: list[dict[str, Any] | JMAPError] = []
    for ical_str in ical_strs:
        try:
            objects.append(
                ical_to_jscal(ical_str, calendar_id=calendar_id, dialect=conn.jscalendar)
            )
        except JMAPConversionError as error:
            objects.append(error)
    return (yield from _create_all(conn, objects, **extra))


def ics_text(source: Any) -> str:
    """The iCalendar text of an import: a ``str`` is the text itself, always (never a file
    name); ``bytes`` are UTF-8 text; a ``pathlib.Path`` (``os.PathLike``) or a file object
    is read.  Text without a VCALENDAR raises JMAPConversionError, which quotes none of it
    (it may be a file's content)."""
    if isinstance(source, os.PathLike):
        with open(source, "rb") as handle:
            source = handle.read()
    elif hasattr(source, "read"):
        source = source.read()
    elif not isinstance(source, (str, bytes, bytearray, memoryview)):
        raise TypeError(
            "ics must be iCalendar text (str or bytes), a pathlib.Path or a file object, "
            f"not {type(source).__name__}"
        )
    if isinstance(source, (bytes, bytearray, memoryview)):
        try:
            source = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise JMAPConversionError(f"the iCalendar data is not UTF-8 ({error.reason})") from None
    if not isinstance(source, str):
        raise TypeError(f"the file object's read() gave {type(source).__name__}, not text")
    if "BEGIN:VCALENDAR" not in source.upper():
        raise JMAPConversionError(
            f"import_ics: the text ({len(source)} characters) is not iCalendar (no "
            "BEGIN:VCALENDAR); a str is always taken as iCalendar text; pass a pathlib.Path "
            "to import a file"
        )
    return source


def import_ics(conn: Connection, calendar_id: str, source: Any, **extra: Any) -> Steps[CreatedIds]:
    """Create every event of an .ics file in ``calendar_id`` (``source``: see
    :func:`ics_text`): one event per UID, its recurrence instances included; ids in the
    file's order of UIDs."""
    text = ics_text(source)
    objects = ical_to_jscal_all(text, calendar_id=calendar_id, dialect=conn.jscalendar)
    return (yield from _create_all(conn, list(objects), **extra))


def update_events(
    conn: Connection,
    updates: dict[str, str],
    current: Mapping[str, JMAPEvent] | None = None,
    **extra: Any,
) -> Steps[BulkResult]:
    """Update many events (event id -> new iCalendar): one /get of those ``current`` does
    not hold (the events as last read), then patches of what changed, in as few /set calls
    as the limits allow; returns what the /set calls did (with their states)."""
    account_id = yield from conn.account_for()
    known = current or {}
    by_id = {i: known[i].to_jmap() for i in updates if i in known}
    unread = [i for i in updates if i not in by_id]
    if unread:
        got = yield from get_by_ids(conn, EVENT, account_id, unread)
        by_id.update({obj["id"]: obj for obj in got.objects})
    patches: dict[str, Any] = {}
    failed: dict[str, JMAPError] = {}
    for event_id, ical_str in updates.items():
        if event_id not in by_id:
            failed[event_id] = JMAPNotFoundError(f"no event {event_id}", "notFound")
            continue
        try:
            new = ical_to_jscal(ical_str, dialect=conn.jscalendar)
            _check_uid(event_id, by_id[event_id], new)
            bad = _control_character(new, "")
            if bad is not None:
                raise JMAPConversionError(
                    f"event {event_id}: a control character in its text; not sent", property=bad
                )
        except JMAPError as error:
            failed[event_id] = error
            continue
        patch = event_patch(by_id[event_id], new, conn.jscalendar)
        if patch:
            patches[event_id] = patch
    result = yield from _set_events(conn, account_id, update=patches, **extra)
    result.failed.update(failed)
    _raise_if_failed(result, "updated")
    return result


def delete_events(conn: Connection, event_ids: Iterable[str], **extra: Any) -> Steps[BulkResult]:
    """Delete many events in as few /set calls as the limits allow; returns what the /set
    calls did (with their states)."""
    account_id = yield from conn.account_for()
    result = yield from set_many(conn, EVENT, account_id, destroy=list(event_ids), **extra)
    _raise_if_failed(result, "deleted")
    return result
