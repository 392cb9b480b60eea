"""Stable ids for the id-keyed maps (participants, locations, alerts, links, ...).

The draft (section "JSCalendar Ids") uses an explicit JSID (or Cyrus's X-JMAP-ID) when the
iCalendar element carries one, else a UUIDv5 of the raw unfolded property value, so that
converting the same data twice yields the same keys.
"""

from __future__ import annotations

import uuid

from caldav.jmap.convert.model import ICalComponent, ICalProperty

__all__ = [
    "ID_NAMESPACE",
    "ID_PARAMETER_KEY",
    "ID_PARAMS",
    "id_param",
    "property_id",
    "uses_cyrus_ids",
    "uuid5_id",
    "write_cyrus_ids",
]

#: Namespace of the draft's UUIDv5 key generation.
ID_NAMESPACE = uuid.UUID("7f1e1965-ae73-4454-b088-232c90730ce2")

#: Parameters (and component properties) that carry an explicit JSCalendar id.
ID_PARAMS = ("JSID", "X-JMAP-ID")


#: The vendor data key recording that the source wrote ids as Cyrus's X-JMAP-ID.
ID_PARAMETER_KEY = "idParameter"


def uses_cyrus_ids(comps: list[ICalComponent]) -> bool:
    """Whether any property of ``comps`` (or of their subcomponents) carries X-JMAP-ID."""
    for comp in comps:
        if any("X-JMAP-ID" in prop.params for prop in comp.properties):
            return True
        if uses_cyrus_ids(comp.components):
            return True
    return False


def write_cyrus_ids(comp: ICalComponent) -> None:
    """Write the id parameters of ``comp`` and below as X-JMAP-ID (how the source had them)."""
    for prop in comp.properties:
        if "JSID" in prop.params:
            prop.params["X-JMAP-ID"] = prop.params.pop("JSID")
    for sub in comp.components:
        write_cyrus_ids(sub)


def uuid5_id(raw_value: str) -> str:
    """The draft's UUIDv5 id of a raw property value."""
    return str(uuid.uuid5(ID_NAMESPACE, raw_value))


def property_id(prop: ICalProperty) -> str:
    """The id of the JSCalendar object a property converts to."""
    for name in ID_PARAMS:
        value = prop.param(name)
        if value:
            return value
    return uuid5_id(prop.value)


def id_param(obj_id: str, raw_value: str) -> str | None:
    """The JSID parameter to write, or None when the UUIDv5 of the value gives the id back."""
    return None if obj_id == uuid5_id(raw_value) else obj_id
