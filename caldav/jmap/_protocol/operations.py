"""The generic engine, part one: the operations on raw JMAP objects of any data type,
driven by its :class:`~caldav.jmap._protocol.spec.TypeSpec`, written once.

/get split by maxObjectsInGet, get one (or JMAPNotFoundError), the one paging loop
(query ids, or query + get in one round trip per page; restarted when the results
change; bounded by :class:`~caldav.jmap._protocol.paging.PagingLimits`), /queryChanges,
a whole /changes delta (:class:`Delta`), the current state, and a one-object /set.  Each
is a generator over a :class:`~caldav.jmap._protocol.connection.Connection` (see
:mod:`caldav.jmap._transport` for how they are driven).  The operations that return the
spec's objects, write, delete and copy are in :mod:`caldav.jmap._protocol.objects`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.paging import ChangesPager, Pager
from caldav.jmap._protocol.request import RequestBuilder
from caldav.jmap._protocol.response import Responses
from caldav.jmap._protocol.spec import TypeSpec
from caldav.jmap._protocol.standard import (
    GetResult,
    QueryResult,
    parse_changes,
    parse_get,
    parse_query,
    parse_query_changes,
    parse_set,
    raise_set_errors,
)
from caldav.jmap._protocol.steps import Steps
from caldav.jmap.error import JMAPError, JMAPNotFoundError

__all__ = [
    "MAX_QUERY_RESTARTS",
    "Delta",
    "FirstCalls",
    "Found",
    "Pages",
    "QueryChanges",
    "QueryIds",
    "SetOutcome",
    "account_of",
    "by_id",
    "changes_with_objects",
    "constant",
    "current_state",
    "get_by_ids",
    "get_one",
    "query_changes",
    "query_ids",
    "query_objects",
    "query_pages",
    "refetch",
    "set_one",
]

log = logging.getLogger("caldav.jmap")

T = TypeVar("T")


def constant(value: T) -> Steps[T]:
    """An operation that needs no request and returns ``value``."""
    return value
    yield  # pragma: no cover - makes this a generator


def get_by_ids(
    conn: Connection,
    datatype: TypeSpec[object],
    account_id: str,
    ids: list[str] | None,
    properties: list[str] | None = None,
) -> Steps[GetResult]:
    """``/get`` of ``ids`` (None: every object), in as many calls as maxObjectsInGet needs."""
    session = yield from conn.ensure_session()
    objects: list[JSONObject] = []
    not_found: list[str] = []
    state = ""
    size = session.max_objects_in_get
    method = f"{datatype.name}/get"
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)] if ids else [ids]
    for chunk in chunks:
        responses = yield from conn.call(datatype.get(account_id, chunk, properties))
        result = parse_get(responses.get("c0", method), method)
        objects.extend(result.objects)
        not_found.extend(result.not_found)
        state = result.state
    return GetResult(objects, not_found, state)


class Found(list[T]):
    """The objects a query found, with ``state``: the data type's state they were read in,
    ``query_state``: the /query's queryState (for /queryChanges; "" when unknown), and
    ``missing``: ids the query found but /get did not return even when asked again."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        super().__init__(items)
        self.state = ""
        self.query_state = ""
        self.missing: list[str] = []


def by_id(objects: Iterable[JSONObject]) -> dict[str, JSONObject]:
    """Objects by their id (objects without a string id are left out)."""
    return {obj["id"]: obj for obj in objects if isinstance(obj.get("id"), str)}


def refetch(
    conn: Connection,
    datatype: TypeSpec[object],
    account_id: str,
    objects: dict[str, JSONObject],
    wanted: Iterable[str],
    properties: list[str] | None = None,
) -> Steps[list[str]]:
    """Ask once more for the ``wanted`` ids not in ``objects`` (a /get that left them out),
    adding what comes back; returns the ids still missing, each logged."""
    missing = [i for i in wanted if i not in objects]
    if not missing:
        return []
    got = yield from get_by_ids(conn, datatype, account_id, missing, properties)
    objects.update(by_id(got.objects))
    still = [i for i in missing if i not in objects]
    for object_id in still:
        log.warning("%s/get does not return %s, which the server listed", datatype.name, object_id)
    return still


#: How often a paging loop starts again when the results change while it pages.
MAX_QUERY_RESTARTS = 3


class QueryIds(NamedTuple):
    """Every id a /query found, in its order, with the queryState (for /queryChanges) and
    the total the server reported (None when it did not)."""

    ids: list[str]
    query_state: str
    total: int | None


@dataclass
class Pages:
    """What the paging loop read: the ids, the queryState and total of the last page,
    and (when it asked for them) the objects by id with the state of the last /get."""

    ids: list[str]
    query_state: str
    total: int | None
    objects: dict[str, JSONObject] = field(default_factory=dict)
    state: str = ""


#: Adds calls to the first request of a paging loop (sent again when the loop starts
#: again) and returns what reads their answers; e.g. an event search's filter probes.
FirstCalls = Callable[[RequestBuilder], Callable[[Responses], Steps[None]]]


def query_pages(
    conn: Connection,
    datatype: TypeSpec[object],
    account_id: str,
    arguments: JSONObject,
    *,
    first: QueryResult | None = None,
    position: int = 0,
    anchor: str | None = None,
    anchor_offset: int | None = None,
    limit: int | None = None,
    page_size: int | None = None,
    fetch: bool = False,
    properties: list[str] | None = None,
    first_calls: FirstCalls | None = None,
) -> Steps[Pages]:
    """The one paging loop: /query pages from ``position`` (or ``anchor`` with
    ``anchor_offset``) until the results are complete (or ``limit`` ids), bounded by the
    connection's :class:`PagingLimits`; when the results change under it (a new
    queryState), it starts again, at most :data:`MAX_QUERY_RESTARTS` times.
    ``page_size`` None takes the server's page size; ``fetch`` puts a /get of each page's
    ids (by result reference) into the page's request; ``first``: the first page, when it
    was already asked for; ``first_calls`` adds calls to the first request."""
    method, get_method = f"{datatype.name}/query", f"{datatype.name}/get"
    for _ in range(MAX_QUERY_RESTARTS):
        pager = Pager(method, conn.limits, position=position, limit=limit)
        pages = Pages([], "", None)
        state: str | None = None
        page, first = first, None
        at_anchor = anchor
        while not pager.done:
            size = pager.size(page_size) if page_size is not None else None
            if page is None:
                builder = RequestBuilder()
                query = builder.add(
                    datatype.query(
                        account_id,
                        position=pager.position if at_anchor is None else None,
                        anchor=at_anchor,
                        anchor_offset=anchor_offset if at_anchor is not None else None,
                        limit=size,
                        calculate_total=True,
                        **arguments,
                    )
                )
                get = (
                    builder.add(datatype.get(account_id, query.ref("/ids"), properties))
                    if fetch
                    else None
                )
                read_first = first_calls(builder) if first_calls and state is None else None
                responses = yield from conn.call(builder)
                page = parse_query(responses.get(query.call_id, method), method)
                if get is not None:
                    got = parse_get(responses.get(get.call_id, get_method), get_method)
                    pages.objects.update(by_id(got.objects))
                    pages.state = got.state
                if read_first is not None:
                    yield from read_first(responses)
            if state is not None and page.query_state != state:
                break  # the results changed under us: start again
            state = page.query_state
            # Cyrus 3.10 reports position 0 whatever position was asked for: only the
            # position reported for an anchor is taken
            pager.take(page, size, trust_position=at_anchor is not None)
            pages.total = page.total
            page, at_anchor = None, None
        else:
            pages.ids, pages.query_state = pager.ids, state or ""
            return pages
    raise JMAPError(reason=f"{method}: the results kept changing while they were read")


def query_objects(
    conn: Connection,
    datatype: TypeSpec[object],
    account_id: str,
    *,
    filter: JSONObject | None = None,
    sort: list[JSONObject] | None = None,
    properties: list[str] | None = None,
    limit: int | None = None,
    **extra: JSONValue,
) -> Steps[Found[JSONObject]]:
    """Every object matching ``filter``: each page is a /query with a result reference into
    /get, one round trip per page; pages are no larger than maxObjectsInGet, and paging goes
    on (the one paging loop: bounded, restarted when the results change) until the results
    are complete.  Ids /get leaves out are asked for again, then listed in ``missing``.
    """
    session = yield from conn.ensure_session()
    pages = yield from query_pages(
        conn,
        datatype,
        account_id,
        {"filter": filter, "sort": sort, **extra},
        limit=limit,
        page_size=session.max_objects_in_get,
        fetch=True,
        properties=properties,
    )
    found: Found[JSONObject] = Found()
    found.state, found.query_state = pages.state, pages.query_state
    objects = pages.objects
    found.missing = yield from refetch(conn, datatype, account_id, objects, pages.ids, properties)
    # /get answers in any order; keep the query's order
    found.extend(objects[i] for i in pages.ids if i in objects)
    return found


def query_ids(
    conn: Connection,
    datatype: TypeSpec[object],
    account_id: str,
    *,
    first: QueryResult | None = None,
    **arguments: Any,
) -> Steps[QueryIds]:
    """Every id ``/query`` finds, with the queryState and total: the one paging loop with
    no /get, in the server's page size.  ``first``: the first page, when it was already
    asked for (in another request); ``arguments``: the /query's (filter, sort, ...)."""
    pages = yield from query_pages(conn, datatype, account_id, arguments, first=first)
    return QueryIds(pages.ids, pages.query_state, pages.total)


class QueryChanges(NamedTuple):
    """What changed in a query's results since its queryState: ids removed, (index, id)
    pairs added, and the new queryState."""

    removed: list[str]
    added: list[tuple[int, str]]
    new_query_state: str


def query_changes(
    conn: Connection,
    datatype: TypeSpec[object],
    account_id: str,
    query_state: str,
    filter: JSONObject | None = None,
    sort: list[JSONObject] | None = None,
) -> Steps[QueryChanges]:
    """``(removed, added, new_query_state)`` of the query since ``query_state``; ``added``
    holds (index, id) pairs.  The filter and sort must be the query's own.  A server that
    cannot tell raises JMAPCannotCalculateChangesError (a JMAPMethodError)."""
    method = f"{datatype.name}/queryChanges"
    responses = yield from conn.call(
        datatype.query_changes(account_id, query_state, filter=filter, sort=sort)
    )
    result = parse_query_changes(responses.get("c0", method), method)
    return QueryChanges(result.removed, result.added, result.new_query_state)


@dataclass(frozen=True)
class Delta:
    """Everything that changed since a state: objects created and updated, ids destroyed.

    ``new_state`` is the state the delta reaches; when ``missing`` lists ids the server
    reported changed but would not return, it is the state the delta started from, so that
    the next delta asks for them again instead of moving past them.
    """

    created: list[JSONObject]
    updated: list[JSONObject]
    destroyed: list[str]
    new_state: str
    missing: list[str] = field(default_factory=list)
    #: the objects of ``also`` (by id) as read at ``new_state``, in the last /changes'
    #: request; empty when they were read at another state
    also: dict[str, JSONObject] = field(default_factory=dict)


def changes_with_objects(
    conn: Connection,
    datatype: TypeSpec[object],
    account_id: str,
    since_state: str,
    properties: list[str] | None = None,
    also: list[str] | None = None,
) -> Steps[Delta]:
    """The whole delta since ``since_state``: /changes plus /get of the created and updated
    ids through result references, one round trip per batch, looping (bounded) while the
    server has more changes; the batches merged by :func:`merge_changes`, so the delta is
    the one an unpaged answer gives.  Never a partial delta: any failure raises.
    ``also``: ids to read in the same requests (a caller about to update them saves a
    round trip), in the delta's ``also``.
    """
    session = yield from conn.ensure_session()
    changes_method, get_method = f"{datatype.name}/changes", f"{datatype.name}/get"
    pager = ChangesPager(changes_method, conn.limits, since_state)
    objects: dict[str, JSONObject] = {}
    also_read: dict[str, JSONObject] = {}
    while not pager.done:
        builder = RequestBuilder()
        # maxChanges keeps each batch's created and updated ids within one /get
        changes = builder.add(datatype.changes(account_id, pager.state, session.max_objects_in_get))
        got_created = builder.add(datatype.get(account_id, changes.ref("/created"), properties))
        got_updated = builder.add(datatype.get(account_id, changes.ref("/updated"), properties))
        got_also = builder.add(datatype.get(account_id, also, properties)) if also else None
        responses = yield from conn.call(builder)
        batch = parse_changes(responses.get(changes.call_id, changes_method), changes_method)
        for call in (got_created, got_updated):
            objects.update(
                by_id(parse_get(responses.get(call.call_id, get_method), get_method).objects)
            )
        if got_also is not None:
            read = parse_get(responses.get(got_also.call_id, get_method), get_method)
            # of the last batch only, and only when read at the state the delta reaches
            also_read = by_id(read.objects) if read.state == batch.new_state else {}
        pager.take(batch)
    merged = pager.changes
    missing = yield from refetch(
        conn, datatype, account_id, objects, [*merged.created, *merged.updated], properties
    )
    return Delta(
        [objects[i] for i in merged.created if i in objects],
        [objects[i] for i in merged.updated if i in objects],
        list(merged.destroyed),
        since_state if missing else pager.state,
        missing,
        also_read if also and not missing else {},
    )


@dataclass(frozen=True)
class SetOutcome:
    """What a one-object /set did: the object's id, and the type's state after it."""

    id: str
    new_state: str | None


def set_one(
    conn: Connection,
    datatype: TypeSpec[object],
    account_id: str,
    *,
    create: JSONObject | None = None,
    update: tuple[str, JSONObject] | None = None,
    destroy: str | None = None,
    if_in_state: str | None = None,
    **extra: JSONValue,
) -> Steps[SetOutcome]:
    """Create, update or destroy one object with /set.  A SetError raises
    :class:`~caldav.jmap.error.JMAPMethodError` with the error's type and properties."""
    method = f"{datatype.name}/set"
    call = datatype.set(
        account_id,
        create={"new": create} if create is not None else None,
        update={update[0]: update[1]} if update is not None else None,
        destroy=[destroy] if destroy is not None else None,
        if_in_state=if_in_state,
        **extra,
    )
    responses = yield from conn.call(call)
    result = parse_set(responses.get("c0", method), method)
    raise_set_errors(result, method)
    if create is not None:
        if "new" not in result.created:
            raise JMAPError(reason=f"{method} neither created the object nor said why not")
        return SetOutcome(str(result.created["new"]["id"]), result.new_state)
    object_id = update[0] if update is not None else str(destroy)
    applied = object_id in result.updated if update is not None else object_id in result.destroyed
    if not applied:
        raise JMAPError(reason=f"{method} did not report the change of {object_id}")
    return SetOutcome(object_id, result.new_state)


def account_of(conn: Connection, datatype: TypeSpec[object]) -> Steps[str]:
    """The account the type's objects are in: the client's (a view's) account for the
    type's capability, or, for a type of the session's account (principals), that one."""
    if datatype.session_account:
        session = yield from conn.ensure_session()
        return session.account_id_for(datatype.capability)
    return (yield from conn.account_for(datatype.capability))


def current_state(conn: Connection, datatype: TypeSpec[object]) -> Steps[str]:
    """The type's current state (a /get of no ids, so no data moves): a token for
    :func:`~caldav.jmap._protocol.objects.object_changes`."""
    account_id = yield from account_of(conn, datatype)
    return (yield from get_by_ids(conn, datatype, account_id, [])).state


def get_one(
    conn: Connection,
    datatype: TypeSpec[object],
    account_id: str,
    object_id: str,
    properties: list[str] | None = None,
) -> Steps[JSONObject]:
    """The object ``object_id`` as the server sent it; one /get does not return raises
    :class:`~caldav.jmap.error.JMAPNotFoundError`."""
    result = yield from get_by_ids(conn, datatype, account_id, [object_id], properties)
    for obj in result.objects:
        if obj["id"] == object_id:
            return obj
    method = f"{datatype.name}/get"
    label = datatype.label or datatype.name
    raise JMAPNotFoundError(f"{method}: no {label} {object_id}", "notFound", method=method)
