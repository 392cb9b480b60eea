"""CalendarEventNotification operations (draft-ietf-jmap-calendars): list the changes other
people made to the user's events, and dismiss them (a /set destroy)."""

from __future__ import annotations

from typing import Any

from caldav.jmap.constants import CALENDAR_CAPABILITY
from caldav.jmap.error import JMAPError
from caldav.jmap.methods.principal import utc_datetime
from caldav.jmap.objects.notification import JMAPEventNotification
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import query_objects
from caldav.jmap.protocol.request import RequestBuilder
from caldav.jmap.protocol.standard import DataType, parse_set, raise_set_errors
from caldav.jmap.protocol.steps import Steps

__all__ = [
    "NOTIFICATION",
    "dismiss_event_notifications",
    "get_event_notifications",
    "notification_filter",
]

NOTIFICATION = DataType(
    "CalendarEventNotification",
    CALENDAR_CAPABILITY,
    filters=("after", "before", "type", "calendarEventIds"),
)

#: Newest first: the order a user reads notifications in ("created" must be sortable).
NEWEST_FIRST = [{"property": "created", "isAscending": False}]


def notification_filter(
    event_ids: list[str] | None = None,
    type: str | None = None,
    after: Any = None,
    before: Any = None,
) -> dict[str, Any]:
    """The CalendarEventNotification/query FilterCondition for the given conditions."""
    condition: dict[str, Any] = {}
    if event_ids is not None:
        condition["calendarEventIds"] = list(event_ids)
    if type is not None:
        condition["type"] = type
    if after is not None:
        condition["after"] = utc_datetime(after, "after")
    if before is not None:
        condition["before"] = utc_datetime(before, "before")
    return condition


def get_event_notifications(
    conn: Connection,
    client: Any = None,
    *,
    event_ids: list[str] | None = None,
    type: str | None = None,
    after: Any = None,
    before: Any = None,
) -> Steps[list[JMAPEventNotification]]:
    """The account's notifications, newest first: /query with /get by reference, one round
    trip per page."""
    account_id = yield from conn.account_for()
    found = yield from query_objects(
        conn,
        NOTIFICATION,
        account_id,
        filter=notification_filter(event_ids, type, after, before) or None,
        sort=NEWEST_FIRST,
    )
    return [JMAPEventNotification.from_jmap(obj, client) for obj in found]


def dismiss_event_notifications(conn: Connection, ids: list[str]) -> Steps[None]:
    """Destroy the notifications ``ids``: one /set call (more only beyond the server's
    maxObjectsInSet, all in one request).  A SetError (``notFound`` for an unknown id)
    raises :class:`~caldav.jmap.error.JMAPMethodError` after the others were destroyed."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return None
    account_id = yield from conn.account_for()
    session = yield from conn.ensure_session()
    size = session.max_objects_in_set
    method = f"{NOTIFICATION.name}/set"
    builder = RequestBuilder()
    calls = [
        builder.add(NOTIFICATION.set(account_id, destroy=ids[i : i + size]))
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
