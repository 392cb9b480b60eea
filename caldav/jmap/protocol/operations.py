"""Multi-step operations on any data type, written once: paged query + get, a whole
/changes delta, and /get split by the server's limits.

Each is a generator over a :class:`~caldav.jmap.protocol.connection.Connection` (see
:mod:`caldav.jmap.transport` for how they are driven).  They return raw JMAP objects;
the per-type modules in :mod:`caldav.jmap.methods` turn them into what the API returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from caldav.jmap.error import JMAPError
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.request import RequestBuilder
from caldav.jmap.protocol.standard import (
    DataType,
    GetResult,
    parse_changes,
    parse_get,
    parse_query,
    parse_set,
    raise_set_errors,
)
from caldav.jmap.protocol.steps import Steps

__all__ = [
    "Delta",
    "Found",
    "changes_with_objects",
    "changes_as",
    "constant",
    "current_state",
    "get_by_ids",
    "query_objects",
    "SetOutcome",
    "set_one",
]

T = TypeVar("T")


def constant(value: T) -> Steps[T]:
    """An operation that needs no request and returns ``value``."""
    return value
    yield  # pragma: no cover - makes this a generator


def get_by_ids(
    conn: Connection,
    datatype: DataType,
    account_id: str,
    ids: list[str] | None,
    properties: list[str] | None = None,
) -> Steps[GetResult]:
    """``/get`` of ``ids`` (None: every object), in as many calls as maxObjectsInGet needs."""
    session = yield from conn.ensure_session()
    objects: list[dict[str, Any]] = []
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


class Found(list):  # type: ignore[type-arg]
    """The objects a query found, with ``state``: the data type's state they were read in,
    and ``query_state``: the /query's queryState (for /queryChanges; "" when unknown)."""

    state: str = ""
    query_state: str = ""


def query_objects(
    conn: Connection,
    datatype: DataType,
    account_id: str,
    *,
    filter: dict[str, Any] | None = None,
    sort: list[dict[str, Any]] | None = None,
    properties: list[str] | None = None,
    limit: int | None = None,
    **extra: Any,
) -> Steps[Found]:
    """Every object matching ``filter``: each page is a /query with a result reference into
    /get, one round trip per page; pages are no larger than maxObjectsInGet, and paging goes
    on until ``total`` (or a short page) says the results are complete.
    """
    session = yield from conn.ensure_session()
    page_size = session.max_objects_in_get
    found = Found()
    seen: set[str] = set()
    position = 0
    query_method, get_method = f"{datatype.name}/query", f"{datatype.name}/get"
    while True:
        size = page_size if limit is None else min(page_size, limit - len(found))
        builder = RequestBuilder()
        query = builder.add(
            datatype.query(
                account_id,
                filter=filter,
                sort=sort,
                position=position,
                limit=size,
                calculate_total=True,
                **extra,
            )
        )
        get = builder.add(datatype.get(account_id, query.ref("/ids"), properties))
        responses = yield from conn.call(builder)
        page = parse_query(responses.get(query.call_id, query_method), query_method)
        got = parse_get(responses.get(get.call_id, get_method), get_method)
        objects, found.state = got.objects, got.state
        if not found.query_state:
            found.query_state = page.query_state
        new_ids = [i for i in page.ids if i not in seen]
        if len(new_ids) < len(page.ids):
            raise JMAPError(reason=f"{query_method} returned ids already seen on an earlier page")
        seen.update(new_ids)
        by_id = {obj["id"]: obj for obj in objects}
        # /get answers in any order; keep the query's order
        found.extend(by_id[i] for i in page.ids if i in by_id)
        position = page.position + len(page.ids)
        done = (
            not page.ids
            or (limit is not None and len(found) >= limit)
            or (page.total is not None and position >= page.total)
            or (page.total is None and len(page.ids) < size)
        )
        if done:
            return found


@dataclass(frozen=True)
class Delta:
    """Everything that changed since a state: objects created and updated, ids destroyed."""

    created: list[dict[str, Any]]
    updated: list[dict[str, Any]]
    destroyed: list[str]
    new_state: str


def changes_with_objects(
    conn: Connection,
    datatype: DataType,
    account_id: str,
    since_state: str,
    properties: list[str] | None = None,
) -> Steps[Delta]:
    """The whole delta since ``since_state``: /changes plus /get of the created and updated
    ids through result references, one round trip per batch, looping while the server has
    more changes.  Never a partial delta: any failure raises.
    """
    session = yield from conn.ensure_session()
    changes_method, get_method = f"{datatype.name}/changes", f"{datatype.name}/get"
    created: dict[str, dict[str, Any]] = {}
    updated: dict[str, dict[str, Any]] = {}
    destroyed: list[str] = []
    state = since_state
    while True:
        builder = RequestBuilder()
        # maxChanges keeps each batch's created and updated ids within one /get
        changes = builder.add(datatype.changes(account_id, state, session.max_objects_in_get))
        got_created = builder.add(datatype.get(account_id, changes.ref("/created"), properties))
        got_updated = builder.add(datatype.get(account_id, changes.ref("/updated"), properties))
        responses = yield from conn.call(builder)
        batch = parse_changes(responses.get(changes.call_id, changes_method), changes_method)
        for call, into in ((got_created, created), (got_updated, updated)):
            for obj in parse_get(responses.get(call.call_id, get_method), get_method).objects:
                if obj["id"] in created:
                    created[obj["id"]] = obj  # created earlier in this delta: still new
                else:
                    into[obj["id"]] = obj
        for object_id in batch.destroyed:
            was_new = created.pop(object_id, None) is not None
            updated.pop(object_id, None)
            if not was_new:
                destroyed.append(object_id)
        if batch.new_state == state and batch.has_more_changes:
            raise JMAPError(reason=f"{changes_method} reports more changes but no progress")
        state = batch.new_state
        if not batch.has_more_changes:
            return Delta(list(created.values()), list(updated.values()), destroyed, state)


@dataclass(frozen=True)
class SetOutcome:
    """What a one-object /set did: the object's id, and the type's state after it."""

    id: str
    new_state: str | None


def set_one(
    conn: Connection,
    datatype: DataType,
    account_id: str,
    *,
    create: dict[str, Any] | None = None,
    update: tuple[str, dict[str, Any]] | None = None,
    destroy: str | None = None,
    if_in_state: str | None = None,
    **extra: Any,
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


def current_state(conn: Connection, datatype: DataType) -> Steps[str]:
    """The type's current state (a /get of no ids, so no data moves): a token for
    :func:`changes_as`."""
    account_id = yield from conn.account_for(datatype.capability)
    return (yield from get_by_ids(conn, datatype, account_id, [])).state


def changes_as(
    conn: Connection, datatype: DataType, state: str, make: Callable[[dict[str, Any]], T]
) -> Steps[tuple[list[T], list[T], list[str], str]]:
    """(created, updated, destroyed ids, new state) since ``state``, the objects made by
    ``make``: the whole delta of :func:`changes_with_objects`."""
    account_id = yield from conn.account_for(datatype.capability)
    delta = yield from changes_with_objects(conn, datatype, account_id, state)
    created = [make(obj) for obj in delta.created]
    updated = [make(obj) for obj in delta.updated]
    return created, updated, delta.destroyed, delta.new_state
