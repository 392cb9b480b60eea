"""The generic engine, part two: a data type's objects as its spec reads them, and
writing, deleting and copying them, written once for every type.

Each operation takes the :class:`~caldav.jmap._protocol.spec.TypeSpec` and finds the
account itself (:func:`~caldav.jmap._protocol.operations.account_of`); the raw operations
underneath are those of :mod:`caldav.jmap._protocol.operations`.

Example (what ``client.get_task_lists()`` and ``client.delete_task_list(...)`` run)::

    lists = yield from get_all(conn, TASK_LIST, client)
    yield from delete_object(conn, TASK_LIST, lists[0].id, remove_contents=True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, NamedTuple, TypeVar

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.operations import (
    account_of,
    changes_with_objects,
    get_by_ids,
    get_one,
    query_objects,
    set_one,
)
from caldav.jmap._protocol.request import RequestBuilder
from caldav.jmap._protocol.spec import ReadContext, TypeSpec
from caldav.jmap._protocol.standard import parse_set, raise_set_errors, set_error
from caldav.jmap._protocol.steps import Steps
from caldav.jmap.error import JMAPError
from caldav.jmap.objects.base import camel_case

__all__ = [
    "Changes",
    "copy_object",
    "copy_to_account",
    "create_object",
    "delete_object",
    "destroy_many",
    "get_all",
    "jmap_properties",
    "object_changes",
    "read_objects",
    "read_one",
    "search",
    "update_object",
]

T = TypeVar("T")

#: Turns a property's Python value into its JSON form (dates into LocalDateTimes, ...).
Encoder = Callable[[Any], Any]


class Changes(NamedTuple, Generic[T]):
    """What changed since a state: objects created and updated, ids destroyed, and the
    state reached (the token for the next call)."""

    created: list[T]
    updated: list[T]
    destroyed: list[str]
    new_state: str


def read_objects(
    conn: Connection,
    datatype: TypeSpec[T],
    objects: Iterable[JSONObject],
    client: object = None,
    state: str = "",
) -> list[T]:
    """``objects`` as the spec's ``read`` makes them, bound to ``client``."""
    if datatype.read is None:
        raise TypeError(f"{datatype.name} declares no object class")
    context = ReadContext(client, state, conn)
    return [datatype.read(obj, context) for obj in objects]


def get_all(conn: Connection, datatype: TypeSpec[T], client: object = None) -> Steps[list[T]]:
    """Every object of the type in its account (a /get of ``ids: null``)."""
    account_id = yield from account_of(conn, datatype)
    result = yield from get_by_ids(conn, datatype, account_id, None)
    return read_objects(conn, datatype, result.objects, client, result.state)


def read_one(
    conn: Connection, datatype: TypeSpec[T], object_id: str, client: object = None
) -> Steps[T]:
    """The object ``object_id``; a missing one raises JMAPNotFoundError."""
    account_id = yield from account_of(conn, datatype)
    obj = yield from get_one(conn, datatype, account_id, object_id)
    return read_objects(conn, datatype, [obj], client)[0]


def search(
    conn: Connection,
    datatype: TypeSpec[T],
    client: object = None,
    *,
    filter: JSONObject | None = None,
    sort: list[JSONObject] | None = None,
    limit: int | None = None,
) -> Steps[list[T]]:
    """The objects matching ``filter`` in ``sort`` order: /query and /get by reference,
    one round trip per page (:func:`~caldav.jmap._protocol.operations.query_objects`)."""
    account_id = yield from account_of(conn, datatype)
    found = yield from query_objects(
        conn, datatype, account_id, filter=filter, sort=sort, limit=limit
    )
    return read_objects(conn, datatype, found, client, found.state)


def object_changes(
    conn: Connection, datatype: TypeSpec[T], state: str, client: object = None
) -> Steps[Changes[T]]:
    """(created, updated, destroyed ids, new state) since ``state``: the whole delta of
    :func:`~caldav.jmap._protocol.operations.changes_with_objects`, read by the spec."""
    account_id = yield from account_of(conn, datatype)
    delta = yield from changes_with_objects(conn, datatype, account_id, state)
    created = read_objects(conn, datatype, delta.created, client, delta.new_state)
    updated = read_objects(conn, datatype, delta.updated, client, delta.new_state)
    return Changes(created, updated, delta.destroyed, delta.new_state)


def jmap_properties(values: JSONObject, encode: Encoder | None = None) -> JSONObject:
    """``values`` under their JMAP names: snake_case names in camelCase (``sort_order``
    is ``sortOrder``), JMAP names and patch paths (``keywords/work``) as they are; each
    value through ``encode`` when given."""
    return {
        (key if "/" in key else camel_case(key)): (encode(value) if encode else value)
        for key, value in values.items()
    }


def create_object(
    conn: Connection,
    datatype: TypeSpec[object],
    properties: JSONObject,
    fixed: JSONObject,
    encode: Encoder | None = None,
) -> Steps[str]:
    """Create an object from keyword ``properties`` (the spec's ``writable`` names; an
    unknown one is a TypeError, None values are left out) and the ``fixed`` JMAP
    properties; returns its id."""
    unknown = set(properties) - set(datatype.writable)
    if unknown:
        raise TypeError(f"unknown {datatype.label} properties: {', '.join(sorted(unknown))}")
    new = jmap_properties({k: v for k, v in properties.items() if v is not None}, encode)
    new.update(fixed)
    account_id = yield from account_of(conn, datatype)
    return (yield from set_one(conn, datatype, account_id, create=new)).id


def update_object(
    conn: Connection,
    datatype: TypeSpec[object],
    object_id: str,
    patch: JSONObject,
    encode: Encoder | None = None,
) -> Steps[None]:
    """Apply ``patch`` (JMAP or snake_case names, or patch paths) to the object."""
    account_id = yield from account_of(conn, datatype)
    yield from set_one(
        conn, datatype, account_id, update=(object_id, jmap_properties(patch, encode))
    )
    return None


def delete_object(
    conn: Connection, datatype: TypeSpec[object], object_id: str, remove_contents: bool = False
) -> Steps[None]:
    """Destroy the object; a collection with contents only with ``remove_contents`` (the
    spec's ``on_destroy`` argument; otherwise the server's SetError is raised as a
    JMAPMethodError)."""
    extra: JSONObject = (
        {datatype.on_destroy: True} if remove_contents and datatype.on_destroy else {}
    )
    account_id = yield from account_of(conn, datatype)
    yield from set_one(conn, datatype, account_id, destroy=object_id, **extra)
    return None


def destroy_many(conn: Connection, datatype: TypeSpec[object], ids: list[str]) -> Steps[None]:
    """Destroy the objects ``ids`` (repeats dropped): one /set call per maxObjectsInSet,
    all in one request.  A SetError (``notFound`` for an unknown id) raises
    :class:`~caldav.jmap.error.JMAPMethodError` after the others were destroyed."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return None
    account_id = yield from account_of(conn, datatype)
    session = yield from conn.ensure_session()
    size = session.max_objects_in_set
    method = f"{datatype.name}/set"
    builder = RequestBuilder()
    calls = [
        builder.add(datatype.set(account_id, destroy=ids[i : i + size]))
        for i in range(0, len(ids), size)
    ]
    responses = yield from conn.call(builder)
    results = [parse_set(responses.get(call.call_id, method), method) for call in calls]
    for result in results:
        raise_set_errors(result, method)
    destroyed = {i for result in results for i in result.destroyed}
    missing = [i for i in ids if i not in destroyed]
    if missing:
        raise JMAPError(reason=f"{method} did not report destroying {', '.join(missing)}")
    return None


def copy_to_account(
    conn: Connection,
    datatype: TypeSpec[object],
    from_account_id: str,
    to_account_id: str,
    object_id: str,
    overrides: JSONObject,
    move: bool = False,
) -> Steps[str]:
    """``/copy`` one object into another account (RFC 8620 §5.4), with ``overrides`` (the
    target collection); ``move`` destroys the original once copied (the implicit /set,
    whose failure is raised too).  Returns the new id."""
    method = f"{datatype.name}/copy"
    if from_account_id == to_account_id:
        raise ValueError(f"{method} copies between accounts; this is one account")
    call = datatype.copy(
        from_account_id,
        to_account_id,
        {"copy": {"id": object_id, **overrides}},
        on_success_destroy_original=True if move else None,
    )
    responses = yield from conn.call(call)
    result = parse_set(responses.get("c0", method), method)
    raise_set_errors(result, method)
    if "copy" not in result.created:
        raise JMAPError(reason=f"{method} neither copied {object_id} nor said why not")
    new_id = str(result.created["copy"]["id"])
    if move:
        set_method = f"{datatype.name}/set"
        answers = [r for r in responses.all_for("c0") if r.name == set_method]
        if not answers:
            raise JMAPError(
                reason=f"{method} copied {object_id} to {new_id}, but no {set_method} "
                "reported destroying the original"
            )
        destroyed = parse_set(answers[0].arguments, set_method)
        if object_id in destroyed.not_destroyed:
            raise set_error(set_method, object_id, "destroy", destroyed.not_destroyed[object_id])
        if object_id not in destroyed.destroyed:
            raise JMAPError(reason=f"{set_method} did not report destroying {object_id}")
    return new_id


def copy_object(
    conn: Connection,
    datatype: TypeSpec[object],
    object_id: str,
    container_id: str,
    to_account_id: str | None,
    move: bool,
    duplicate: Callable[[JSONObject], JSONObject],
    create: Callable[[str, JSONObject], Steps[str]] | None = None,
) -> Steps[str]:
    """Copy (or move) an object into the collection ``container_id``; returns the id of
    the object there.

    Into another account: /copy (with onSuccessDestroyOriginal when moving).  Within the
    account (RFC 8620 /copy is only between accounts): a move sets the spec's
    ``container`` property to the target alone (the id stays); a copy creates
    ``duplicate(original)`` (the original without its server-managed properties, for
    the type to give a new uid) in the target, through ``create(account_id, object)``
    (returning the new id) when the type writes in its own way (events: in the form the
    server takes), else a one-object /set."""
    account_id = yield from account_of(conn, datatype)
    target = datatype.in_container(container_id)
    if to_account_id is not None and to_account_id != account_id:
        return (
            yield from copy_to_account(
                conn, datatype, account_id, to_account_id, object_id, target, move
            )
        )
    if move:
        return (yield from set_one(conn, datatype, account_id, update=(object_id, target))).id
    original = yield from get_one(conn, datatype, account_id, object_id)
    kept = {k: v for k, v in original.items() if k not in datatype.server_managed}
    new = {**duplicate(kept), **target}
    if create is not None:
        return (yield from create(account_id, new))
    return (yield from set_one(conn, datatype, account_id, create=new)).id
