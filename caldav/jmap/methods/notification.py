"""Notification operations: list the changes other people made to the user's events
(CalendarEventNotification, draft-ietf-jmap-calendars) or tasks (TaskNotification, the JMAP
Tasks draft), and dismiss them (a /set destroy).

Both types are the same standard /query, /get and /set (destroy only); they differ in their
name, capability, object class and the name of the filter by the objects they are about.
:class:`NotificationType` holds those differences and :func:`get_notifications` /
:func:`dismiss_notifications` do the work for either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from caldav.jmap.constants import CALENDAR_CAPABILITY, TASK_CAPABILITY
from caldav.jmap.error import JMAPError
from caldav.jmap.methods.principal import utc_datetime
from caldav.jmap.objects.notification import JMAPEventNotification, JMAPTaskNotification
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import query_objects
from caldav.jmap.protocol.request import RequestBuilder
from caldav.jmap.protocol.standard import DataType, parse_set, raise_set_errors
from caldav.jmap.protocol.steps import Steps

__all__ = [
    "EVENT_NOTIFICATIONS",
    "NOTIFICATION",
    "TASK_NOTIFICATION",
    "TASK_NOTIFICATIONS",
    "NotificationType",
    "dismiss_event_notifications",
    "dismiss_notifications",
    "dismiss_task_notifications",
    "get_event_notifications",
    "get_notifications",
    "get_task_notifications",
    "notification_filter",
]

NOTIFICATION = DataType(
    "CalendarEventNotification",
    CALENDAR_CAPABILITY,
    filters=("after", "before", "type", "calendarEventIds"),
)

TASK_NOTIFICATION = DataType(
    "TaskNotification",
    TASK_CAPABILITY,
    filters=("after", "before", "type", "taskIds"),
)


@dataclass(frozen=True)
class NotificationType:
    """A notification data type: its DataType, object class, and the FilterCondition
    property that lists the ids of the objects the notifications are about."""

    datatype: DataType
    object_class: type[JMAPEventNotification] | type[JMAPTaskNotification]
    ids_filter: str


EVENT_NOTIFICATIONS = NotificationType(NOTIFICATION, JMAPEventNotification, "calendarEventIds")
TASK_NOTIFICATIONS = NotificationType(TASK_NOTIFICATION, JMAPTaskNotification, "taskIds")

#: Newest first: the order a user reads notifications in ("created" must be sortable).
NEWEST_FIRST = [{"property": "created", "isAscending": False}]


def notification_filter(
    event_ids: list[str] | None = None,
    type: str | None = None,
    after: Any = None,
    before: Any = None,
    *,
    ids_filter: str = "calendarEventIds",
) -> dict[str, Any]:
    """The notification /query FilterCondition for the given conditions (``event_ids`` are
    the ids of the objects the notifications are about, sent as ``ids_filter``)."""
    condition: dict[str, Any] = {}
    if event_ids is not None:
        condition[ids_filter] = list(event_ids)
    if type is not None:
        condition["type"] = type
    if after is not None:
        condition["after"] = utc_datetime(after, "after")
    if before is not None:
        condition["before"] = utc_datetime(before, "before")
    return condition


def get_notifications(
    conn: Connection,
    kind: NotificationType,
    client: Any = None,
    *,
    ids: list[str] | None = None,
    type: str | None = None,
    after: Any = None,
    before: Any = None,
) -> Steps[list[Any]]:
    """The account's notifications of ``kind``, newest first: /query with /get by
    reference, one round trip per page."""
    account_id = yield from conn.account_for(kind.datatype.capability)
    found = yield from query_objects(
        conn,
        kind.datatype,
        account_id,
        filter=notification_filter(ids, type, after, before, ids_filter=kind.ids_filter) or None,
        sort=NEWEST_FIRST,
    )
    return [kind.object_class.from_jmap(obj, client) for obj in found]


def dismiss_notifications(conn: Connection, kind: NotificationType, ids: list[str]) -> Steps[None]:
    """Destroy the notifications ``ids``: one /set call (more only beyond the server's
    maxObjectsInSet, all in one request).  A SetError (``notFound`` for an unknown id)
    raises :class:`~caldav.jmap.error.JMAPMethodError` after the others were destroyed."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return None
    datatype = kind.datatype
    account_id = yield from conn.account_for(datatype.capability)
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


def get_event_notifications(
    conn: Connection,
    client: Any = None,
    *,
    event_ids: list[str] | None = None,
    type: str | None = None,
    after: Any = None,
    before: Any = None,
) -> Steps[list[JMAPEventNotification]]:
    """The account's CalendarEventNotifications, newest first."""
    return (
        yield from get_notifications(
            conn, EVENT_NOTIFICATIONS, client, ids=event_ids, type=type, after=after, before=before
        )
    )


def dismiss_event_notifications(conn: Connection, ids: list[str]) -> Steps[None]:
    """Destroy the CalendarEventNotifications ``ids`` (see :func:`dismiss_notifications`)."""
    return (yield from dismiss_notifications(conn, EVENT_NOTIFICATIONS, ids))


def get_task_notifications(
    conn: Connection,
    client: Any = None,
    *,
    task_ids: list[str] | None = None,
    type: str | None = None,
    after: Any = None,
    before: Any = None,
) -> Steps[list[JMAPTaskNotification]]:
    """The account's TaskNotifications, newest first (needs urn:ietf:params:jmap:tasks)."""
    return (
        yield from get_notifications(
            conn, TASK_NOTIFICATIONS, client, ids=task_ids, type=type, after=after, before=before
        )
    )


def dismiss_task_notifications(conn: Connection, ids: list[str]) -> Steps[None]:
    """Destroy the TaskNotifications ``ids`` (see :func:`dismiss_notifications`)."""
    return (yield from dismiss_notifications(conn, TASK_NOTIFICATIONS, ids))
