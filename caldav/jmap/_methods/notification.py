"""Notifications: the changes other people made to the user's events
(CalendarEventNotification, draft-ietf-jmap-calendars) or tasks (TaskNotification, the JMAP
Tasks draft), listed newest first and dismissed (a /set destroy).

Both types are the same standard /query, /get and /set (destroy only), driven by their
specs (:data:`~caldav.jmap._registry.EVENT_NOTIFICATION`,
:data:`~caldav.jmap._registry.TASK_NOTIFICATION`); what differs beyond the spec is the
name of the filter by the objects they are about.
"""

from __future__ import annotations

from typing import Any

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._methods.principal import utc_datetime
from caldav.jmap._operation import ClientCore, operation
from caldav.jmap._protocol.objects import destroy_many, search
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._registry import EVENT_NOTIFICATION, TASK_NOTIFICATION
from caldav.jmap.objects.notification import JMAPEventNotification, JMAPTaskNotification

__all__ = ["NotificationMethods", "notification_filter"]

#: Newest first: the order a user reads notifications in ("created" must be sortable).
NEWEST_FIRST = [{"property": "created", "isAscending": False}]


def notification_filter(
    event_ids: list[str] | None = None,
    type: str | None = None,
    after: Any = None,
    before: Any = None,
    *,
    ids_filter: str = "calendarEventIds",
) -> JSONObject:
    """The notification /query FilterCondition for the given conditions (``event_ids`` are
    the ids of the objects the notifications are about, sent as ``ids_filter``)."""
    condition: JSONObject = {}
    if event_ids is not None:
        condition[ids_filter] = list(event_ids)
    if type is not None:
        condition["type"] = type
    if after is not None:
        condition["after"] = utc_datetime(after, "after")
    if before is not None:
        condition["before"] = utc_datetime(before, "before")
    return condition


class NotificationMethods(ClientCore):
    """The client's notification methods."""

    @operation
    def get_event_notifications(
        self,
        *,
        event_ids: list[str] | None = None,
        type: str | None = None,
        after: Any = None,
        before: Any = None,
    ) -> Steps[list[JMAPEventNotification]]:
        """Changes other people made to events of the account, newest first; optionally
        only those about ``event_ids``, of ``type`` ("created", "updated", "destroyed"),
        or created in ``after``..``before``."""
        condition = notification_filter(event_ids, type, after, before)
        return (
            yield from search(
                self._conn, EVENT_NOTIFICATION, self, filter=condition or None, sort=NEWEST_FIRST
            )
        )

    @operation
    def dismiss_event_notifications(self, ids: list[str]) -> Steps[None]:
        """Dismiss (destroy) the notifications ``ids`` in one call; an unknown id raises
        JMAPNotFoundError (a JMAPMethodError), after the others were dismissed."""
        return (yield from destroy_many(self._conn, EVENT_NOTIFICATION, ids))

    @operation
    def get_task_notifications(
        self,
        *,
        task_ids: list[str] | None = None,
        type: str | None = None,
        after: Any = None,
        before: Any = None,
    ) -> Steps[list[JMAPTaskNotification]]:
        """Changes other people made to tasks of the account, newest first; optionally
        only those about ``task_ids``, of ``type`` ("created", "updated", "destroyed"),
        or created in ``after``..``before``."""
        condition = notification_filter(task_ids, type, after, before, ids_filter="taskIds")
        return (
            yield from search(
                self._conn, TASK_NOTIFICATION, self, filter=condition or None, sort=NEWEST_FIRST
            )
        )

    @operation
    def dismiss_task_notifications(self, ids: list[str]) -> Steps[None]:
        """Dismiss (destroy) the task notifications ``ids`` in one call."""
        return (yield from destroy_many(self._conn, TASK_NOTIFICATION, ids))
