"""Calendars (draft-ietf-jmap-calendars, Calendar/get|set|changes): what is specific to
them (the sharing right's two names), and the client's calendar methods.

The rest (create, update, delete with onDestroyRemoveEvents, the state, the changes) is
the generic engine's, driven by :data:`~caldav.jmap._registry.CALENDAR`.
"""

from __future__ import annotations

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap._operation import ClientCore, operation
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.objects import (
    Changes,
    create_object,
    delete_object,
    object_changes,
    read_objects,
    update_object,
)
from caldav.jmap._protocol.operations import account_of, current_state, get_by_ids, set_one
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._registry import CALENDAR
from caldav.jmap._servers.profile import profile_of
from caldav.jmap.objects.base import camel_case
from caldav.jmap.objects.calendar import RIGHTS_ALIASES, WRITABLE_FIELDS, JMAPCalendar

__all__ = ["CALENDAR", "CALENDAR_FIELDS", "CalendarMethods", "get_calendars"]

#: The properties a client may set on a calendar (snake_case names).
CALENDAR_FIELDS = WRITABLE_FIELDS


def _learn_rights_dialect(conn: Connection, calendars: list[JSONObject]) -> None:
    """Remember whether the server calls the sharing right mayAdmin (older drafts, Cyrus
    3.10) or mayShare (draft -18 and later)."""
    for cal in calendars:
        rights = cal.get("myRights")
        if not isinstance(rights, dict):
            continue
        if "mayAdmin" in rights:
            profile_of(conn).rights_name = "mayAdmin"
            return
        if "mayShare" in rights:
            profile_of(conn).rights_name = "mayShare"
            return


def _rights_for_server(conn: Connection, rights: JSONObject) -> JSONObject:
    """``rights`` with the sharing right under the name the server speaks."""
    wanted = profile_of(conn).rights_name
    out = {}
    for key, value in rights.items():
        name = camel_case(key)
        if name in RIGHTS_ALIASES and wanted is not None:
            name = wanted
        out[name] = value
    return out


def get_calendars(conn: Connection, client: object = None) -> Steps[list[JMAPCalendar]]:
    """Every calendar of the account, bound to ``client`` (learning the server's name
    for the sharing right on the way)."""
    account_id = yield from account_of(conn, CALENDAR)
    result = yield from get_by_ids(conn, CALENDAR, account_id, None)
    _learn_rights_dialect(conn, result.objects)
    return read_objects(conn, CALENDAR, result.objects, client, result.state)


class CalendarMethods(ClientCore):
    """The client's calendar methods."""

    @operation
    def get_calendars(self) -> Steps[list[JMAPCalendar]]:
        """Every calendar of the account, each bound to this client."""
        return (yield from get_calendars(self._conn, self))

    @operation
    def create_calendar(self, /, name: str, **props: JSONValue) -> Steps[str]:
        """Create a calendar; keyword arguments: description, color, sort_order, is_visible,
        is_subscribed, include_in_availability, default_alerts_with_time,
        default_alerts_without_time, time_zone.  Returns the calendar id."""
        return (yield from create_object(self._conn, CALENDAR, props, {"name": name}))

    @operation
    def update_calendar(self, calendar_id: str, patch: JSONObject) -> Steps[None]:
        """Apply ``patch`` (JMAP property names or the dataclass's snake_case names)."""
        return (yield from update_object(self._conn, CALENDAR, calendar_id, patch))

    @operation
    def delete_calendar(self, calendar_id: str, *, remove_events: bool = False) -> Steps[None]:
        """Delete a calendar; one with events only with ``remove_events=True`` (otherwise
        the server's ``calendarHasEvent`` is raised as JMAPMethodError)."""
        return (yield from delete_object(self._conn, CALENDAR, calendar_id, remove_events))

    @operation
    def share_calendar(
        self, calendar_id: str, principal_id: str, rights: JSONObject | None
    ) -> Steps[None]:
        """Share a calendar: ``rights`` maps the spec's right names (mayReadFreeBusy,
        mayReadItems, mayWriteAll, mayWriteOwn, mayUpdatePrivate, mayRSVP, mayDelete,
        mayShare) to booleans; None revokes.  mayShare/mayAdmin are sent as the server
        names that right."""
        conn = self._conn
        if profile_of(conn).rights_name is None:
            yield from get_calendars(conn)  # learns the server's name for the sharing right
        value = None if rights is None else _rights_for_server(conn, rights)
        account_id = yield from account_of(conn, CALENDAR)
        patch = {f"shareWith/{principal_id}": value}
        yield from set_one(conn, CALENDAR, account_id, update=(calendar_id, patch))
        return None

    @operation
    def get_calendar_sync_token(self) -> Steps[str]:
        """The calendars' state, for :meth:`get_calendar_changes`."""
        return (yield from current_state(self._conn, CALENDAR))

    @operation
    def get_calendar_changes(self, state: str) -> Steps[Changes[JMAPCalendar]]:
        """``(created, updated, destroyed_ids, new_state)`` of calendars since ``state``."""
        return (yield from object_changes(self._conn, CALENDAR, state, self))
