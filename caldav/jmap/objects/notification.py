"""JMAPEventNotification and JMAPTaskNotification: the records a server keeps when someone
else created, changed or deleted an event (CalendarEventNotification,
draft-ietf-jmap-calendars) or a task (TaskNotification, the JMAP Tasks draft).

The two differ only in the names of the object they are about; what they share (who made
the change, dismissing) is written once in :class:`Notification`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.error import JMAPError
from caldav.jmap.objects.base import JMAPObject

__all__ = ["JMAPEventNotification", "JMAPTaskNotification", "Notification"]


class Notification(JMAPObject):
    """What every notification type has: ``changed_by`` and a way to dismiss it."""

    id: str
    changed_by: JSONObject | None
    #: The client method that dismisses notifications of this type.
    _dismiss_method: ClassVar[str] = ""

    @property
    def changed_by_principal_id(self) -> str | None:
        """The principal who made the change, if known (``principalId``; Cyrus 3.10 calls
        it ``calendarPrincipalId``)."""
        person = self.changed_by or {}
        for key in ("principalId", "calendarPrincipalId"):
            value = person.get(key)
            if isinstance(value, str):
                return value
        return None

    def dismiss(self) -> Any:
        """Dismiss (destroy) this notification on the server."""
        if self.client is None:
            raise JMAPError(reason="this notification is not bound to a client; get it from one")
        return getattr(self.client, self._dismiss_method)([self.id])


@dataclass
class JMAPEventNotification(Notification):
    """A change someone else made to an event in the user's calendars.

    ``type`` is "created", "updated" or "destroyed"; ``event`` the JSCalendar event (after
    creation, before an update or deletion); ``event_patch`` the update as a PatchObject;
    ``changed_by`` the Person (name, email, principalId, calendarAddress).

    Example::

        for n in client.get_event_notifications():
            print(n.created, n.type, n.event_id, n.changed_by_principal_id)
        client.dismiss_event_notifications([n.id for n in notifications])
    """

    _dismiss_method: ClassVar[str] = "dismiss_event_notifications"

    id: str
    created: str | None = None
    changed_by: JSONObject | None = None
    comment: str | None = None
    type: str | None = None
    calendar_event_id: str | None = None
    is_draft: bool | None = None
    event: JSONObject | None = None
    event_patch: JSONObject | None = None
    extra: JSONObject = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)

    @property
    def event_id(self) -> str | None:
        """The id of the CalendarEvent the notification is about."""
        return self.calendar_event_id


@dataclass
class JMAPTaskNotification(Notification):
    """A change someone else made to a task in the user's task lists (TaskNotification).

    ``type`` is "created", "updated" or "destroyed"; ``task`` the JSTask (after creation,
    before an update or deletion); ``task_patch`` the update as a PatchObject; ``changed_by``
    the Person (name, uri, principalId).

    Example::

        for n in client.get_task_notifications(type="updated"):
            print(n.created, n.task_id, n.task_patch)
            n.dismiss()
    """

    _dismiss_method: ClassVar[str] = "dismiss_task_notifications"

    id: str
    created: str | None = None
    changed_by: JSONObject | None = None
    comment: str | None = None
    type: str | None = None
    task_id: str | None = None
    is_draft: bool | None = None
    task: JSONObject | None = None
    task_patch: JSONObject | None = None
    extra: JSONObject = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_jmap(cls, data: Any, client: Any = None) -> JMAPTaskNotification:
        """Read a TaskNotification (``TaskId``, as the draft's property list spells it, is
        read as ``taskId``: the draft's filter and prose call it that)."""
        if isinstance(data, dict) and data.get("taskId") is None and "TaskId" in data:
            data = {k: v for k, v in data.items() if k != "taskId"}
            data["taskId"] = data.pop("TaskId")
        return super().from_jmap(data, client)
