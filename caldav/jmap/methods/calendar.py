"""Calendar operations (draft-ietf-jmap-calendars, Calendar/get|set|changes)."""

from __future__ import annotations

from typing import Any

from caldav.jmap.constants import CALENDAR_CAPABILITY
from caldav.jmap.objects.base import camel_case
from caldav.jmap.objects.calendar import RIGHTS_ALIASES, WRITABLE_FIELDS, JMAPCalendar
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import changes_as, current_state, get_by_ids, set_one
from caldav.jmap.protocol.standard import DataType
from caldav.jmap.protocol.steps import Steps

__all__ = [
    "CALENDAR",
    "CALENDAR_FIELDS",
    "create_calendar",
    "delete_calendar",
    "get_calendar_changes",
    "get_calendar_sync_token",
    "get_calendars",
    "share_calendar",
    "update_calendar",
]

CALENDAR = DataType("Calendar", CALENDAR_CAPABILITY)

#: The properties a client may set on a calendar (snake_case names).
CALENDAR_FIELDS = WRITABLE_FIELDS


def _learn_rights_dialect(conn: Connection, calendars: list[dict[str, Any]]) -> None:
    """Remember whether the server calls the sharing right mayAdmin (older drafts, Cyrus
    3.10) or mayShare (draft -18 and later)."""
    for cal in calendars:
        rights = cal.get("myRights")
        if not isinstance(rights, dict):
            continue
        if "mayAdmin" in rights:
            conn.dialect.rights_name = "mayAdmin"
            return
        if "mayShare" in rights:
            conn.dialect.rights_name = "mayShare"
            return


def _rights_for_server(conn: Connection, rights: dict[str, Any]) -> dict[str, Any]:
    """``rights`` with the sharing right under the name the server speaks."""
    wanted = conn.dialect.rights_name
    out = {}
    for key, value in rights.items():
        name = camel_case(key)
        if name in RIGHTS_ALIASES and wanted is not None:
            name = wanted
        out[name] = value
    return out


def get_calendars(conn: Connection, client: Any = None) -> Steps[list[JMAPCalendar]]:
    """Every calendar of the account, bound to ``client``."""
    account_id = yield from conn.account_for()
    result = yield from get_by_ids(conn, CALENDAR, account_id, None)
    _learn_rights_dialect(conn, result.objects)
    return [JMAPCalendar.from_jmap(obj, client) for obj in result.objects]


def calendar_properties(values: dict[str, Any]) -> dict[str, Any]:
    """Snake_case or JMAP property names (or patch paths) as JMAP names."""
    return {(key if "/" in key else camel_case(key)): value for key, value in values.items()}


def create_calendar(conn: Connection, name: str, **props: Any) -> Steps[str]:
    """Create a calendar; ``props`` are :data:`CALENDAR_FIELDS`.  Returns its id."""
    unknown = set(props) - set(CALENDAR_FIELDS)
    if unknown:
        raise TypeError(f"unknown calendar properties: {', '.join(sorted(unknown))}")
    calendar = calendar_properties({k: v for k, v in props.items() if v is not None})
    calendar["name"] = name
    account_id = yield from conn.account_for()
    return (yield from set_one(conn, CALENDAR, account_id, create=calendar)).id


def update_calendar(conn: Connection, calendar_id: str, patch: dict[str, Any]) -> Steps[None]:
    """Apply ``patch`` (JMAP or snake_case names) to the calendar."""
    account_id = yield from conn.account_for()
    yield from set_one(conn, CALENDAR, account_id, update=(calendar_id, calendar_properties(patch)))
    return None


def delete_calendar(conn: Connection, calendar_id: str, remove_events: bool = False) -> Steps[None]:
    """Delete the calendar; with events in it, only when ``remove_events`` (else the server's
    ``calendarHasEvent`` error is raised as JMAPMethodError)."""
    account_id = yield from conn.account_for()
    yield from set_one(
        conn,
        CALENDAR,
        account_id,
        destroy=calendar_id,
        onDestroyRemoveEvents=True if remove_events else None,
    )
    return None


def share_calendar(
    conn: Connection, calendar_id: str, principal_id: str, rights: dict[str, Any] | None
) -> Steps[None]:
    """Give ``principal_id`` ``rights`` on the calendar, or revoke its access with None.

    ``rights`` uses the spec's right names; ``mayShare`` and ``mayAdmin`` are the same right,
    sent under the name the server speaks.
    """
    if conn.dialect.rights_name is None:
        yield from get_calendars(conn)  # learns the server's name for the sharing right
    value = None if rights is None else _rights_for_server(conn, rights)
    account_id = yield from conn.account_for()
    patch = {f"shareWith/{principal_id}": value}
    yield from set_one(conn, CALENDAR, account_id, update=(calendar_id, patch))
    return None


def get_calendar_sync_token(conn: Connection) -> Steps[str]:
    """The current Calendar state, for :func:`get_calendar_changes` (no calendar data)."""
    return (yield from current_state(conn, CALENDAR))


def get_calendar_changes(
    conn: Connection, state: str, client: Any = None
) -> Steps[tuple[list[JMAPCalendar], list[JMAPCalendar], list[str], str]]:
    """(created, updated, destroyed ids, new state) since ``state``."""
    return (
        yield from changes_as(conn, CALENDAR, state, lambda o: JMAPCalendar.from_jmap(o, client))
    )
