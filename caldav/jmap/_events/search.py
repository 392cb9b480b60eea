"""The one CalendarEvent search engine: a query in the server's dialect, what the server
rejects learned from its answer (and remembered in the server profile) and evaluated by the
client; queryChanges; lookups by UID.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from caldav.jmap._addresses import identity_addresses
from caldav.jmap._events.connection import dialect_of
from caldav.jmap._events.filters import (
    EXTENSION_FILTERS,
    EventQuery,
    Node,
    build_query,
    leaves_of,
)
from caldav.jmap._events.plan import Evaluation, QueryPlan, evaluate, plan_query, window
from caldav.jmap._events.results import EventIds, QueryChanges
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.operations import (
    FirstCalls,
    Found,
    query_changes,
    query_ids,
    query_pages,
    refetch,
)
from caldav.jmap._protocol.request import RequestBuilder
from caldav.jmap._protocol.response import Responses
from caldav.jmap._protocol.standard import parse_get, parse_query
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._registry import EVENT, IDENTITY
from caldav.jmap._servers.profile import profile_of
from caldav.jmap.error import (
    JMAPCannotCalculateChangesError,
    JMAPMethodError,
    JMAPNotFoundError,
)
from caldav.jmap.objects.event import JMAPEvent
from caldav.jmap.objects.results import EventTexts, event_texts

log = logging.getLogger("caldav.jmap")

__all__ = [
    "get_event_by_uid",
    "get_object_by_uid",
    "get_query_changes",
    "query_event_ids",
    "search_event_objects",
    "search_events",
]


def plan_for(conn: Connection, query: EventQuery, also_local: set[str]) -> QueryPlan:
    """The query's plan for this server: what it rejected (and ``also_local``) evaluated
    by the client, in its calendar filter form and operator rules."""
    profile = profile_of(conn)
    return plan_query(
        query.filter,
        profile.rejected_filters | also_local,
        in_calendars=profile.in_calendars,
        single_condition=query.expand_recurrences,
        homogeneous_operators=profile.homogeneous_operators,
    )


def named_filters(error: JMAPMethodError) -> set[str]:
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


def learn_filters(
    conn: Connection, error: JMAPMethodError, node: Node | None, also_local: set[str]
) -> bool:
    """Learn from the server's refusal of a filter; True when a retry can do better."""
    if error.error_type not in ("invalidArguments", "unsupportedFilter"):
        return False
    profile = profile_of(conn)
    present = {leaf.name for leaf in leaves_of(node)} if node is not None else set()
    pending = (present & EXTENSION_FILTERS) - profile.rejected_filters - also_local
    names = named_filters(error)

    def switch_calendar_filter() -> bool:
        # The server speaks the other revision of the draft: switch and remember
        return "inCalendars" in present and profile.switch_calendar_filter()

    named_extensions = names & EXTENSION_FILTERS
    if named_extensions:
        profile.rejected_filters |= named_extensions
        # Any other extension of this query is evaluated locally too on the retry, so that
        # a server naming one refusal at a time still costs only one more round trip
        also_local |= pending
        if names & {"inCalendar", "inCalendars"}:
            switch_calendar_filter()
        return True
    if names & {"inCalendar", "inCalendars"}:
        return switch_calendar_filter()
    if not names and pending:
        # An unsupportedFilter that does not say which: the extensions are the suspects
        profile.rejected_filters |= pending
        return True
    return not names and switch_calendar_filter()


@dataclass
class Outcome:
    """What one search found: ids in the query's order and (unless only ids were asked
    for) their objects, the CalendarEvent state they were read in, the queryState ("" when
    the client evaluated part of the filter), the total, and ids /get would not return."""

    ids: list[str]
    objects: list[JSONObject]
    state: str
    query_state: str
    total: int | None
    missing: list[str]


def evaluation_calls(
    conn: Connection, account_id: str, query: EventQuery, plan: QueryPlan, context: Evaluation
) -> FirstCalls | None:
    """What the first request of the query's pages also carries for the client's part of
    the filter: a /query of each probe and ParticipantIdentity/get, read into
    ``context``; None when that part needs neither."""
    if not plan.probes and not plan.needs_identities():
        return None

    def add(builder: RequestBuilder) -> Callable[[Responses], Steps[None]]:
        identities = builder.add(IDENTITY.get(account_id)) if plan.needs_identities() else None
        probes = {
            leaf: builder.add(
                EVENT.query(account_id, filter=jmap_filter, calculate_total=True, **query.extra())
            )
            for leaf, jmap_filter in plan.probes.items()
        }

        def read(responses: Responses) -> Steps[None]:
            if identities is not None:
                method = "ParticipantIdentity/get"
                got = parse_get(responses.get(identities.call_id, method), method)
                context.my_addresses = identity_addresses(got.objects)
            method = "CalendarEvent/query"
            for leaf, call in probes.items():
                probe = parse_query(responses.get(call.call_id, method), method)
                found, _, _ = yield from query_ids(
                    conn, EVENT, account_id, first=probe, filter=plan.probes[leaf], **query.extra()
                )
                context.probe_ids[leaf] = set(found)

        return read

    return add


def attempt(
    conn: Connection, account_id: str, query: EventQuery, plan: QueryPlan, ids_only: bool
) -> Steps[Outcome]:
    """One run of the query through the engine's paging loop (restarted, bounded, when its
    results change while it pages): its window (position, anchor, limit) unless the client
    evaluates part of the filter (then all of the server's part, windowed here), the /get
    of each page's events unless only ids of a server-filtered query are asked for, and in
    the first request what the client's evaluation needs."""
    session = yield from conn.ensure_session()
    local = plan.client_side
    fetch = local or not ids_only
    whole = query.position == 0 and query.anchor is None and query.limit is None
    context = Evaluation()
    pages = yield from query_pages(
        conn,
        EVENT,
        account_id,
        {"filter": plan.server, "sort": query.sort, **query.extra()},
        position=0 if local else query.position,
        anchor=None if local else query.anchor,
        anchor_offset=None if local else query.anchor_offset,
        limit=None if local else query.limit,
        # only ids of the whole result: the server's page size, as query_ids
        page_size=None if whole and not fetch else session.max_objects_in_get,
        fetch=fetch,
        first_calls=evaluation_calls(conn, account_id, query, plan, context),
    )
    ids, objects = pages.ids, pages.objects
    missing: list[str] = []
    if fetch:
        missing = yield from refetch(conn, EVENT, account_id, objects, ids)
    # /get answers in any order; keep the query's
    found_objects = [objects[i] for i in ids if i in objects]
    if not local:
        return Outcome(ids, found_objects, pages.state, pages.query_state, pages.total, missing)
    matching = [o for o in found_objects if all(evaluate(n, o, context) for n in plan.local)]
    shown = window(query, matching)
    # The server's queryState describes its part of the filter only: none to offer
    return Outcome([o["id"] for o in shown], shown, pages.state, "", len(matching), missing)


def run_query(
    conn: Connection, query: EventQuery, ids_only: bool = False, account_id: str | None = None
) -> Steps[Outcome]:
    """The query, in the server's dialect: what the server rejects is learned (and
    remembered) from its answer, and evaluated by the client on the one retry."""
    if account_id is None:
        account_id = yield from conn.account_for()
    yield from conn.ensure_session()
    also_local: set[str] = set()
    for tries in range(3):
        plan = plan_for(conn, query, also_local)
        try:
            return (yield from attempt(conn, account_id, query, plan, ids_only))
        except JMAPMethodError as error:
            if tries == 2 or not learn_filters(conn, error, query.filter, also_local):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def query_event_ids(conn: Connection, **filters: Any) -> Steps[EventIds]:
    """``(ids, query_state, total)`` of the events matching ``filters`` (no event data
    moves unless the client must evaluate part of the filter itself; then query_state is
    "" and total counts the matches)."""
    outcome = yield from run_query(conn, build_query(**filters), ids_only=True)
    return EventIds(outcome.ids, outcome.query_state, outcome.total)


def get_query_changes(
    conn: Connection,
    query_state: str,
    filter: Node | None = None,
    sort: object = None,
    **conditions: Any,
) -> Steps[QueryChanges]:
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
    plan = plan_for(conn, query, set())
    if plan.client_side:
        raise JMAPCannotCalculateChangesError(
            f"{method}: part of this filter is evaluated by the client (the server does not "
            "support it), so the server cannot calculate the query's changes; run it again",
            "cannotCalculateChanges",
            method=method,
        )
    try:
        removed, added, new_state = yield from query_changes(
            conn, EVENT, account_id, query_state, filter=plan.server, sort=query.sort
        )
    except JMAPMethodError as error:
        if error.error_type != "unknownMethod":
            raise
        raise JMAPCannotCalculateChangesError(
            f"{method}: the server does not implement it (unknownMethod), so it cannot "
            "calculate the query's changes; run the query again",
            "cannotCalculateChanges",
            method=method,
            details=error.details,
            url=error.url,
        ) from error
    return QueryChanges(removed, added, new_state)


def search_event_objects(
    conn: Connection, client: object = None, **filters: Any
) -> Steps[Found[JMAPEvent]]:
    """Events matching ``filters`` as objects: a Found list, with ``state`` (the
    CalendarEvent state) and ``query_state`` (for :func:`get_query_changes`).

    ``filters``: the conditions of :class:`~caldav.jmap.query.Filter` as keywords,
    ``filter`` (a Filter or AND/OR/NOT), ``sort``, ``position``, ``anchor``,
    ``anchor_offset``, ``limit``, ``expand_recurrences`` and ``time_zone``.
    """
    outcome = yield from run_query(conn, build_query(**filters))
    found = Found(
        JMAPEvent.from_jmap(obj, outcome.state, client, dialect_of(conn)) for obj in outcome.objects
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
    conn: Connection, uid: str, calendar_id: str | None = None, client: object = None
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
