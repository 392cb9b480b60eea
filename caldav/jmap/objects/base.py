"""A dataclass base for JMAP objects: snake_case fields to camelCase properties and back.

Subclasses are plain dataclasses whose field names are the JMAP property names in
snake_case (``sort_order`` is ``sortOrder``).  :meth:`JMAPObject.from_jmap` checks each
property's JSON type against the field's annotation, so a server that sends a number where
a name belongs raises a :class:`~caldav.jmap.error.JMAPError` naming the property;
properties the class does not know are kept in ``extra`` and sent back by ``to_jmap()``.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, TypeVar

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.error import JMAPError

__all__ = ["JMAPObject", "camel_case"]

T = TypeVar("T", bound="JMAPObject")

# Fields that are not JMAP properties
_LOCAL_FIELDS = frozenset({"extra", "client"})


def camel_case(name: str) -> str:
    """``sort_order`` -> ``sortOrder``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _json_types(cls: type) -> dict[str, tuple[type, ...]]:
    """For each field, the Python types its JSON value may have (None included if optional)."""
    # mypy sees a dataclass type (eq=True sets __hash__ = None on its instances) as not
    # Hashable, which the cache's argument must be; a class object always is
    return _class_json_types(cls)


@functools.cache
def _class_json_types(cls: type) -> dict[str, tuple[type, ...]]:
    hints = typing.get_type_hints(cls)
    found: dict[str, tuple[type, ...]] = {}
    for f in dataclasses.fields(cls):
        if f.name in _LOCAL_FIELDS:
            continue
        hint = hints[f.name]
        is_union = typing.get_origin(hint) in (typing.Union, types.UnionType)
        members = typing.get_args(hint) if is_union else (hint,)
        allowed: list[type] = []
        for member in members:
            origin = typing.get_origin(member) or member
            if origin is Any:
                allowed.append(object)
            elif origin is float:
                allowed.extend((int, float))
            elif isinstance(origin, type):
                allowed.append(origin)
        found[f.name] = tuple(allowed)
    return found


class JMAPObject:
    """Mixin for dataclasses that mirror a JMAP object."""

    extra: JSONObject
    client: Any

    @classmethod
    def from_jmap(cls: type[T], data: Any, client: Any = None) -> T:
        """Read a JMAP object; ``client``, when given, is what bound methods act through."""
        if not isinstance(data, dict):
            raise JMAPError(reason=f"a {cls.__name__} from the server is not a JSON object")
        kwargs: JSONObject = {}
        known: set[str] = set()
        for name, allowed in _json_types(cls).items():
            key = camel_case(name)
            known.add(key)
            if key not in data:
                continue
            value = data[key]
            wrong_bool = isinstance(value, bool) and bool not in allowed and object not in allowed
            if not isinstance(value, allowed) or wrong_bool:
                raise JMAPError(
                    reason=f"{cls.__name__} property {key!r} has the wrong type "
                    f"({type(value).__name__})"
                )
            kwargs[name] = value
        try:
            obj = cls(**kwargs)
        except TypeError as e:
            raise JMAPError(reason=f"a {cls.__name__} from the server is incomplete: {e}") from None
        obj.extra = {k: v for k, v in data.items() if k not in known}
        obj.client = client
        return obj

    def to_jmap(self) -> JSONObject:
        """The JMAP object: every set property, and the unknown ones it was read with."""
        data = dict(self.extra)
        for name in _json_types(type(self)):
            value = getattr(self, name)
            if value is not None:
                data[camel_case(name)] = value
        return data
