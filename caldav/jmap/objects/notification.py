"""JMAPEventNotification: a CalendarEventNotification (draft-ietf-jmap-calendars), the
record the server keeps when someone else created, changed or deleted an event."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caldav.jmap.error import JMAPError
from caldav.jmap.objects.base import JMAPObject

__all__ = ["JMAPEventNotification"]


@dataclass
class JMAPEventNotification(JMAPObject):
    """A change someone else made to an event in the user's calendars.

    ``type`` is "created", "updated" or "destroyed"; ``event`` the JSCalendar event (after
    creation, before an update or deletion); ``event_patch`` the update as a PatchObject;
    ``changed_by`` the Person (name, email, principalId, calendarAddress).

    Example::

        for n in client.get_event_notifications():
            print(n.created, n.type, n.event_id, n.changed_by_principal_id)
        client.dismiss_event_notifications([n.id for n in notifications])
    """

    id: str
    created: str | None = None
    changed_by: dict[str, Any] | None = None
    comment: str | None = None
    type: str | None = None
    calendar_event_id: str | None = None
    is_draft: bool | None = None
    event: dict[str, Any] | None = None
    event_patch: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)

    @property
    def event_id(self) -> str | None:
        """The id of the CalendarEvent the notification is about."""
        return self.calendar_event_id

    @property
    def changed_by_principal_id(self) -> str | None:
        """The principal who made the change, if known (``principalId``; Cyrus 3.10 calls
        it ``calendarPrincipalId``)."""
        person = self.changed_by or {}
        for key in ("principalId", "calendarPrincipalId"):
            if isinstance(person.get(key), str):
                return person[key]
        return None

    def dismiss(self) -> Any:
        """Dismiss (destroy) this notification on the server."""
        if self.client is None:
            raise JMAPError(reason="this notification is not bound to a client; get it from one")
        return self.client.dismiss_event_notifications([self.id])
