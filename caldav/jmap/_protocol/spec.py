"""A JMAP data type, declared once: :class:`TypeSpec`.

A spec says what the generic engine (:mod:`caldav.jmap._protocol.operations`) needs to
work on a data type: its name and capability, whether its calls carry an ``accountId``,
the methods it offers and what each does (a :class:`~caldav.jmap._protocol.request.MethodKind`:
whether it changes data, when it may be repeated), how its objects are read, which
properties a client writes and which the server manages, the property naming the
collection an object is in, the /set argument that destroys a collection with its
contents, and its filter names.  The call builders (``get``, ``set``, ``changes``,
``query``, ``query_changes``, ``copy``, and :meth:`TypeSpec.call` for any declared method)
put the declared kind on each :class:`~caldav.jmap._protocol.request.Call`, which is all the
retry rule looks at.

The specs of the data types the client speaks are in :mod:`caldav.jmap._registry`; this
module knows no data type.

Example::

    NOTE = TypeSpec("Note", "urn:example:notes", read=read_with(JMAPNote))
    req = RequestBuilder()
    q = req.add(NOTE.query("u1", filter={"text": "lunch"}))
    req.add(NOTE.get("u1", ids=q.ref("/ids")))
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.request import READS, SETS, WRITES, Call, MethodKind, ResultReference

__all__ = [
    "STANDARD_METHODS",
    "Method",
    "ReadContext",
    "TypeSpec",
    "keyword_name",
    "read_with",
]

Obj = TypeVar("Obj", covariant=True)
J = TypeVar("J")
J_co = TypeVar("J_co", covariant=True)

Ids = list[str] | ResultReference | None


@dataclass(frozen=True)
class Method:
    """One method of a data type: its name after the slash, what it does, and the
    capabilities its call needs when they are not the type's own (``capability``
    replaces it, ``extra`` is added to ``using``)."""

    name: str
    kind: MethodKind
    capability: str | None = None
    extra: tuple[str, ...] = ()


#: The standard methods of RFC 8620 §5: reads, /set (repeated only when it only
#: destroys) and /copy (never repeated: the copy may exist already).
STANDARD_METHODS = (
    Method("get", READS),
    Method("changes", READS),
    Method("query", READS),
    Method("queryChanges", READS),
    Method("set", SETS),
    Method("copy", WRITES),
)


@dataclass(frozen=True)
class ReadContext:
    """What reading an object may need besides its JSON: the client its methods act
    through, the type's state it was read at, and the connection it was read on (whose
    settings, e.g. a calendar client's JSCalendar dialect, a type's reader may use)."""

    client: object = None
    state: str = ""
    connection: Connection | None = None


class _FromJMAP(Protocol[J_co]):
    def __call__(self, data: JSONObject, client: Any = None) -> J_co: ...


def read_with(from_jmap: _FromJMAP[J]) -> Callable[[JSONObject, ReadContext], J]:
    """A spec's ``read`` for a class whose ``from_jmap(data, client)`` reads one object."""

    def read(data: JSONObject, context: ReadContext) -> J:
        return from_jmap(data, context.client)

    return read


def keyword_name(jmap_name: str) -> str:
    """The keyword argument for a JMAP name: ``inTaskLists`` is ``in_task_lists``, a path
    ``name/given`` is ``name_given``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", jmap_name).replace("/", "_").lower()


@dataclass(frozen=True)
class TypeSpec(Generic[Obj]):
    """A JMAP data type; see the module documentation.

    ``label`` names one object in messages ("calendar"); ``writable`` holds the snake_case
    names of the properties a client sets on a new object; ``server_managed`` the JMAP
    properties the server sets (left out of a duplicate); ``container`` the property
    naming the collection an object is in, a set of ids (``{"id": true}``) when
    ``container_many``; ``on_destroy`` the /set argument that destroys a collection with
    what it holds; ``session_account``: the objects live in the session's primary account
    for the capability, whichever account a client view works on (principals).
    """

    name: str
    capability: str
    filters: tuple[str, ...] = ()
    methods: tuple[Method, ...] = STANDARD_METHODS
    account_scoped: bool = True
    read: Callable[[JSONObject, ReadContext], Obj] | None = None
    label: str = ""
    writable: tuple[str, ...] = ()
    server_managed: frozenset[str] = frozenset()
    container: str | None = None
    container_many: bool = False
    on_destroy: str | None = None
    session_account: bool = False

    def method(self, name: str) -> Method:
        """The declared method ``name`` (``"get"``); an undeclared one is a ValueError."""
        for method in self.methods:
            if method.name == name:
                return method
        raise ValueError(f"{self.name} declares no method {name!r}")

    def kind(self, name: str) -> MethodKind:
        """What the method ``name`` does (a :class:`~caldav.jmap._protocol.request.MethodKind`)."""
        return self.method(name).kind

    def call(self, method: str, account_id: str | None, /, **arguments: Any) -> Call:
        """The call of the declared ``method``, carrying its kind and capabilities;
        ``accountId`` comes first for an account-scoped type when ``account_id`` is given
        (None leaves it out, for the servers of a revision that refuses it)."""
        declared = self.method(method)
        if self.account_scoped and account_id is not None:
            arguments = {"accountId": account_id, **arguments}
        return Call(
            f"{self.name}/{method}",
            arguments,
            declared.capability or self.capability,
            declared.extra,
            declared.kind,
        )

    @property
    def keyword_filters(self) -> dict[str, str]:
        """The filters as keyword arguments: keyword name -> FilterCondition property."""
        return {keyword_name(name): name for name in self.filters}

    def filter_condition(
        self,
        filters: JSONObject,
        what: str,
        convert: Callable[[str, Any], Any] | None = None,
    ) -> JSONObject:
        """The FilterCondition for keyword ``filters`` (keyword names, or the JMAP names
        themselves), None values left out; ``convert(jmap_name, value)`` turns a value into
        its JSON form.  An unknown name is a TypeError naming ``what`` (the caller)."""
        known = self.keyword_filters
        unknown = [k for k in filters if k not in known and k not in self.filters]
        if unknown:
            raise TypeError(
                f"{what}() got unknown filters: {', '.join(sorted(unknown))} "
                f"(known: {', '.join(known)})"
            )
        condition: JSONObject = {}
        for key, value in filters.items():
            if value is None:
                continue
            name = known.get(key, key)
            condition[name] = convert(name, value) if convert else value
        return condition

    def in_container(self, container_id: str) -> JSONObject:
        """The properties that put an object in the collection ``container_id``."""
        if self.container is None:
            raise ValueError(f"{self.name} objects are in no collection")
        value: Any = {container_id: True} if self.container_many else container_id
        return {self.container: value}

    def get(
        self, account_id: str | None, ids: Ids = None, properties: list[str] | None = None
    ) -> Call:
        """``/get``: ``ids`` None fetches every object."""
        return self.call("get", account_id, ids=ids, properties=properties)

    def set(
        self,
        account_id: str | None,
        *,
        create: JSONObject | None = None,
        update: JSONObject | None = None,
        destroy: list[str] | ResultReference | None = None,
        if_in_state: str | None = None,
        **extra: JSONValue,
    ) -> Call:
        """``/set``; ``extra`` carries a data type's own arguments (e.g. sendSchedulingMessages)."""
        return self.call(
            "set",
            account_id,
            ifInState=if_in_state,
            create=create,
            update=update,
            destroy=destroy,
            **extra,
        )

    def changes(self, account_id: str, since_state: str, max_changes: int | None = None) -> Call:
        """``/changes`` since ``since_state``."""
        return self.call("changes", account_id, sinceState=since_state, maxChanges=max_changes)

    def query(
        self,
        account_id: str,
        *,
        filter: JSONObject | None = None,
        sort: list[JSONObject] | None = None,
        position: int | None = None,
        anchor: str | None = None,
        anchor_offset: int | None = None,
        limit: int | None = None,
        calculate_total: bool | None = None,
        **extra: JSONValue,
    ) -> Call:
        """``/query``; ``extra`` carries a data type's own arguments (e.g. expandRecurrences)."""
        return self.call(
            "query",
            account_id,
            filter=filter,
            sort=sort,
            position=position,
            anchor=anchor,
            anchorOffset=anchor_offset,
            limit=limit,
            calculateTotal=calculate_total,
            **extra,
        )

    def query_changes(
        self,
        account_id: str,
        since_query_state: str,
        *,
        filter: JSONObject | None = None,
        sort: list[JSONObject] | None = None,
        max_changes: int | None = None,
        up_to_id: str | None = None,
        calculate_total: bool | None = None,
    ) -> Call:
        """``/queryChanges`` since ``since_query_state`` for the same filter and sort."""
        return self.call(
            "queryChanges",
            account_id,
            sinceQueryState=since_query_state,
            filter=filter,
            sort=sort,
            maxChanges=max_changes,
            upToId=up_to_id,
            calculateTotal=calculate_total,
        )

    def copy(
        self,
        from_account_id: str,
        account_id: str,
        create: JSONObject,
        *,
        on_success_destroy_original: bool | None = None,
        destroy_from_if_in_state: str | None = None,
    ) -> Call:
        """``/copy`` from ``from_account_id`` into ``account_id``."""
        return self.call(
            "copy",
            account_id,
            fromAccountId=from_account_id,
            create=create,
            onSuccessDestroyOriginal=on_success_destroy_original,
            destroyFromIfInState=destroy_from_if_in_state,
        )
