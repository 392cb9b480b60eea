"""PatchObjects (RFC 8984 section 1.4.9): the difference between a recurrence instance and
its main object, and applying one."""

from __future__ import annotations

import copy

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert.preserve import VENDOR_KEY
from caldav.jmap.error import JMAPConversionError

__all__ = ["apply_patch", "escape_pointer", "make_patch"]


def escape_pointer(key: str) -> str:
    """A map key as one JSON pointer segment (RFC 6901: ``~`` and ``/`` escaped)."""
    return key.replace("~", "~0").replace("/", "~1")


def make_patch(
    base: JSONObject,
    target: JSONObject,
    not_patchable: frozenset[str] = frozenset(),
    prefix: str = "",
) -> JSONObject:
    """The smallest PatchObject turning ``base`` into ``target``, leaving out the top-level
    properties in ``not_patchable`` (for a recurrence override: RFC 8984 section 4.3.5);
    nested objects that exist on both sides are patched member by member."""
    patch: JSONObject = {}
    for key in [*base, *(k for k in target if k not in base)]:
        if not prefix and key in not_patchable:
            continue
        path = prefix + escape_pointer(key)
        if key not in target:
            patch[path] = None
        elif key not in base:
            patch[path] = target[key]
        elif base[key] != target[key]:
            old, new = base[key], target[key]
            # the unconverted data is patched as a whole: a path into a vendor property
            # would not be recognisable as vendor data by clients that strip it
            atomic = key == VENDOR_KEY
            if isinstance(old, dict) and isinstance(new, dict) and old and new and not atomic:
                patch.update(make_patch(old, new, prefix=path + "/"))
            else:
                patch[path] = new
    return patch


def apply_patch(base: JSONObject, patch: JSONObject) -> JSONObject:
    """A copy of ``base`` with ``patch`` applied (null removes)."""
    result = copy.deepcopy(base)
    for path, value in patch.items():
        if not isinstance(path, str) or not path:
            raise JMAPConversionError(f"bad patch key {path!r}", "recurrenceOverrides")
        parts = [p.replace("~1", "/").replace("~0", "~") for p in path.lstrip("/").split("/")]
        target = result
        for part in parts[:-1]:
            child = target.get(part)
            if not isinstance(child, dict):
                child = target[part] = {}
            target = child
        if value is None:
            target.pop(parts[-1], None)
        else:
            target[parts[-1]] = copy.deepcopy(value)
    return result
