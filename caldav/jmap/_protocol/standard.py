"""The responses of the standard JMAP methods (RFC 8620 §5), read once for every type.

The ``parse_*`` functions read a /get, /set, /changes, /query or /queryChanges response
into a small result object, checking every field the server sent; the calls themselves
are built by a data type's :class:`~caldav.jmap._protocol.spec.TypeSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.error import JMAPError, JMAPMethodError, method_error_class

__all__ = [
    "ChangesResult",
    "GetResult",
    "QueryChangesResult",
    "QueryResult",
    "SetResult",
    "parse_changes",
    "parse_get",
    "parse_query",
    "parse_query_changes",
    "parse_set",
    "raise_set_errors",
    "set_error",
]


def _field(args: JSONObject, key: str, kind: type | tuple[type, ...], method: str) -> Any:
    """``args[key]`` checked against ``kind``: a missing or mistyped field is a JMAPError."""
    value = args.get(key)
    if not isinstance(value, kind):
        got = "missing" if key not in args else f"a {type(value).__name__}"
        raise JMAPError(reason=f"the {method} response's {key!r} is {got}")
    return value


def _optional(args: JSONObject, key: str, kind: type, method: str, default: Any) -> Any:
    if args.get(key) is None:
        return default
    return _field(args, key, kind, method)


def _objects(args: JSONObject, key: str, method: str) -> list[JSONObject]:
    items: list[JSONObject] = _field(args, key, list, method)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise JMAPError(reason=f"the {method} response's {key}[{index}] is not an object")
    return items


def _ids(args: JSONObject, key: str, method: str, required: bool = False) -> list[str]:
    items = _field(args, key, list, method) if required else _optional(args, key, list, method, [])
    if not all(isinstance(item, str) for item in items):
        raise JMAPError(reason=f"the {method} response's {key!r} holds a value that is not an id")
    return list(items)


@dataclass(frozen=True)
class GetResult:
    """A ``/get`` response: the objects found, the ids not found, and the state."""

    objects: list[JSONObject]
    not_found: list[str]
    state: str


def parse_get(args: JSONObject, method: str) -> GetResult:
    """Read a ``/get`` response."""
    objects = _objects(args, "list", method)
    for index, item in enumerate(objects):
        if not isinstance(item.get("id"), str):
            raise JMAPError(reason=f"the {method} response's list[{index}] has no id")
    return GetResult(objects, _ids(args, "notFound", method), _field(args, "state", str, method))


@dataclass(frozen=True)
class SetResult:
    """A ``/set`` response; the ``not_*`` maps hold the SetError objects per id."""

    created: dict[str, JSONObject] = field(default_factory=dict)
    updated: dict[str, JSONObject | None] = field(default_factory=dict)
    destroyed: list[str] = field(default_factory=list)
    not_created: dict[str, JSONObject] = field(default_factory=dict)
    not_updated: dict[str, JSONObject] = field(default_factory=dict)
    not_destroyed: dict[str, JSONObject] = field(default_factory=dict)
    old_state: str | None = None
    new_state: str | None = None

    @property
    def failed(self) -> bool:
        """Whether any object was not created, updated or destroyed."""
        return bool(self.not_created or self.not_updated or self.not_destroyed)


def _error_map(args: JSONObject, key: str, method: str) -> dict[str, JSONObject]:
    errors = _optional(args, key, dict, method, {})
    for object_id, error in errors.items():
        if not isinstance(error, dict):
            raise JMAPError(
                reason=f"the {method} response's {key}[{object_id!r}] is not a SetError"
            )
    return dict(errors)


def parse_set(args: JSONObject, method: str) -> SetResult:
    """Read a ``/set`` (or ``/copy``) response."""
    created = _optional(args, "created", dict, method, {})
    for creation_id, info in created.items():
        if not isinstance(info, dict) or not isinstance(info.get("id"), str):
            raise JMAPError(reason=f"the {method} response's created[{creation_id!r}] has no id")
    new_state = args.get("newState")
    old_state = args.get("oldState")
    return SetResult(
        created=dict(created),
        updated=dict(_optional(args, "updated", dict, method, {})),
        destroyed=_ids(args, "destroyed", method),
        not_created=_error_map(args, "notCreated", method),
        not_updated=_error_map(args, "notUpdated", method),
        not_destroyed=_error_map(args, "notDestroyed", method),
        old_state=old_state if isinstance(old_state, str) else None,
        new_state=new_state if isinstance(new_state, str) else None,
    )


def raise_set_errors(result: SetResult, method: str) -> None:
    """Raise a :class:`JMAPMethodError` for the first SetError of ``result``, if any.

    The error's ``details`` holds every failure, keyed by "notCreated" / "notUpdated" /
    "notDestroyed", so nothing the server said is lost.
    """
    for what, errors in (
        ("create", result.not_created),
        ("update", result.not_updated),
        ("destroy", result.not_destroyed),
    ):
        for object_id, error in errors.items():
            raise set_error(
                method,
                object_id,
                what,
                error,
                details={
                    "notCreated": result.not_created,
                    "notUpdated": result.not_updated,
                    "notDestroyed": result.not_destroyed,
                },
            )


def set_error(
    method: str, object_id: str, what: str, error: JSONObject, details: Any = None
) -> JMAPMethodError:
    """The exception for one SetError: its type's class, with the properties and
    description the server gave, ``details`` defaulting to the SetError itself."""
    error_type = str(error.get("type", "serverFail"))
    description = error.get("description")
    properties = error.get("properties")
    reason = f"{method} could not {what} {object_id}: {error_type}"
    if isinstance(properties, list) and properties:
        reason += f" (properties: {', '.join(map(str, properties))})"
    if isinstance(description, str) and description:
        reason += f": {description}"
    return method_error_class(error_type)(
        reason,
        error_type,
        method=method,
        description=description if isinstance(description, str) else None,
        properties=properties if isinstance(properties, list) else None,
        details=error if details is None else details,
    )


@dataclass(frozen=True)
class ChangesResult:
    """A ``/changes`` response."""

    old_state: str
    new_state: str
    has_more_changes: bool
    created: list[str]
    updated: list[str]
    destroyed: list[str]


def parse_changes(args: JSONObject, method: str) -> ChangesResult:
    """Read a ``/changes`` response."""
    return ChangesResult(
        old_state=_field(args, "oldState", str, method),
        new_state=_field(args, "newState", str, method),
        has_more_changes=bool(_optional(args, "hasMoreChanges", bool, method, False)),
        created=_ids(args, "created", method),
        updated=_ids(args, "updated", method),
        destroyed=_ids(args, "destroyed", method),
    )


@dataclass(frozen=True)
class QueryResult:
    """A ``/query`` response."""

    ids: list[str]
    position: int
    query_state: str
    total: int | None
    can_calculate_changes: bool


def parse_query(args: JSONObject, method: str) -> QueryResult:
    """Read a ``/query`` response."""
    total = args.get("total")
    return QueryResult(
        ids=_ids(args, "ids", method, required=True),
        position=int(_optional(args, "position", int, method, 0)),
        query_state=str(_optional(args, "queryState", str, method, "")),
        total=total if isinstance(total, int) and not isinstance(total, bool) else None,
        can_calculate_changes=bool(args.get("canCalculateChanges", False)),
    )


@dataclass(frozen=True)
class QueryChangesResult:
    """A ``/queryChanges`` response: ids removed, and (index, id) pairs added."""

    old_query_state: str
    new_query_state: str
    removed: list[str]
    added: list[tuple[int, str]]
    total: int | None


def parse_query_changes(args: JSONObject, method: str) -> QueryChangesResult:
    """Read a ``/queryChanges`` response."""
    added: list[tuple[int, str]] = []
    for index, item in enumerate(_optional(args, "added", list, method, [])):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("id"), str)
            or not isinstance(item.get("index"), int)
        ):
            raise JMAPError(reason=f"the {method} response's added[{index}] is not an AddedItem")
        added.append((item["index"], item["id"]))
    total = args.get("total")
    return QueryChangesResult(
        old_query_state=_field(args, "oldQueryState", str, method),
        new_query_state=_field(args, "newQueryState", str, method),
        removed=_ids(args, "removed", method),
        added=added,
        total=total if isinstance(total, int) and not isinstance(total, bool) else None,
    )
