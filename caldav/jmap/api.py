"""The public API of both JMAP clients, written once.

Every public method builds a sans-IO operation and hands it to ``self._run``: the sync
client runs it to its result, the async client returns an awaitable of that result.  So
:class:`~caldav.jmap.client.JMAPClient` and :class:`~caldav.jmap.async_client.AsyncJMAPClient`
have the same methods by construction; in the async client each returns an awaitable.
"""

from __future__ import annotations

from typing import Any

from caldav.jmap.methods import calendar as calendar_ops
from caldav.jmap.methods import event as event_ops
from caldav.jmap.methods import task as task_ops
from caldav.jmap.objects.calendar import JMAPCalendar
from caldav.jmap.objects.event import JMAPEvent
from caldav.jmap.objects.task import JMAPTask, JMAPTaskList
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import constant
from caldav.jmap.session import Session
from caldav.jmap.transport import Operation, build_auth

__all__ = ["CLIENT_PARAMETERS", "JMAPClientAPI", "client_kwargs"]

#: The connection parameters (from caldav.config) the clients take.
CLIENT_PARAMETERS = (
    "url",
    "username",
    "password",
    "auth",
    "auth_type",
    "timeout",
    "ssl_verify_cert",
    "headers",
)


def client_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``get_connection_params()``'s answer a client constructor takes."""
    return {k: v for k, v in params.items() if k in CLIENT_PARAMETERS and v is not None}


def _scheduling(send: bool) -> dict[str, Any]:
    """The /set argument asking the server to send iTIP messages, only when wanted."""
    return {"sendSchedulingMessages": True} if send else {}


class JMAPClientAPI:
    """The operations of a JMAP calendar client; subclasses supply the transport.

    ``url`` is the session URL or the server's ``/.well-known/jmap``.  A ``username`` and
    ``password`` authenticate with HTTP Basic, a ``password`` alone is sent as a Bearer
    token, and ``auth`` takes any requests-style auth object.  The credentials go only to
    the origin of ``url``: a session whose URLs point elsewhere is refused unless
    ``allow_other_origins`` is true.
    """

    _transport_class: Any = None

    def __init__(
        self,
        url: str,
        username: str | None = None,
        password: str | None = None,
        auth: Any = None,
        auth_type: str | None = None,
        timeout: float = 30,
        ssl_verify_cert: bool | str = True,
        headers: dict[str, str] | None = None,
        *,
        allow_other_origins: bool = False,
    ) -> None:
        self.url = url
        self.username = username
        self._conn = Connection(url, allow_other_origins=allow_other_origins)
        self._transport = self._transport_class(
            build_auth(username, password, auth, auth_type),
            timeout=timeout,
            verify=ssl_verify_cert,
            headers=headers,
        )

    def __repr__(self) -> str:
        # Never the password or the auth object
        return f"{type(self).__name__}(url={self.url!r}, username={self.username!r})"

    def _run(self, operation: Operation[Any]) -> Any:
        raise NotImplementedError

    def _nothing(self) -> Any:
        return self._run(constant([]))

    # -- session -----------------------------------------------------------------------

    def get_session(self) -> Session:
        """The JMAP Session (fetched once per client, again only when the server changes it)."""
        return self._run(self._conn.ensure_session())

    # -- calendars ---------------------------------------------------------------------

    def get_calendars(self) -> list[JMAPCalendar]:
        """Every calendar of the account, each bound to this client."""
        return self._run(calendar_ops.get_calendars(self._conn, self))

    def create_calendar(self, name: str, **props: Any) -> str:
        """Create a calendar; keyword arguments: description, color, sort_order, is_visible,
        is_subscribed, include_in_availability, default_alerts_with_time,
        default_alerts_without_time, time_zone.  Returns the calendar id."""
        return self._run(calendar_ops.create_calendar(self._conn, name, **props))

    def update_calendar(self, calendar_id: str, patch: dict[str, Any]) -> None:
        """Apply ``patch`` (JMAP property names or the dataclass's snake_case names)."""
        return self._run(calendar_ops.update_calendar(self._conn, calendar_id, patch))

    def delete_calendar(self, calendar_id: str, *, remove_events: bool = False) -> None:
        """Delete a calendar; one with events only with ``remove_events=True`` (otherwise
        the server's ``calendarHasEvent`` is raised as JMAPMethodError)."""
        return self._run(calendar_ops.delete_calendar(self._conn, calendar_id, remove_events))

    def share_calendar(
        self, calendar_id: str, principal_id: str, rights: dict[str, Any] | None
    ) -> None:
        """Share a calendar: ``rights`` maps the spec's right names (mayReadFreeBusy,
        mayReadItems, mayWriteAll, mayWriteOwn, mayUpdatePrivate, mayRSVP, mayDelete,
        mayShare) to booleans; None revokes.  mayShare/mayAdmin are sent as the server
        names that right."""
        return self._run(calendar_ops.share_calendar(self._conn, calendar_id, principal_id, rights))

    def get_calendar_sync_token(self) -> str:
        """The calendars' state, for :meth:`get_calendar_changes`."""
        return self._run(calendar_ops.get_calendar_sync_token(self._conn))

    def get_calendar_changes(
        self, state: str
    ) -> tuple[list[JMAPCalendar], list[JMAPCalendar], list[str], str]:
        """``(created, updated, destroyed_ids, new_state)`` of calendars since ``state``."""
        return self._run(calendar_ops.get_calendar_changes(self._conn, state, self))

    # -- events ------------------------------------------------------------------------

    def create_event(
        self, calendar_id: str, ical_str: str, *, send_scheduling_messages: bool = False
    ) -> str:
        """Create an event from an iCalendar string; returns the new event id.

        ``send_scheduling_messages``: the server sends the invitations (iTIP).
        """
        return self._run(
            event_ops.create_event(
                self._conn, calendar_id, ical_str, **_scheduling(send_scheduling_messages)
            )
        )

    def get_event(self, event_id: str) -> str:
        """The event ``event_id`` as iCalendar; a missing event raises JMAPNotFoundError."""
        return self._run(event_ops.get_event(self._conn, event_id))

    def get_event_object(self, event_id: str) -> JMAPEvent:
        """The event ``event_id`` as a :class:`JMAPEvent` (id, data, jscal, save, delete)."""
        return self._run(event_ops.get_event_object(self._conn, event_id, self))

    def update_event(
        self,
        event_id: str,
        ical_str: str,
        *,
        if_in_state: str | None = None,
        send_scheduling_messages: bool = False,
    ) -> None:
        """Make the event match ``ical_str``, sending only what changed (the UID stays).

        With ``if_in_state``, only if no event changed since that state; otherwise
        JMAPStateMismatchError.
        """
        return self._run(
            event_ops.update_event(
                self._conn,
                event_id,
                ical_str,
                if_in_state,
                **_scheduling(send_scheduling_messages),
            )
        )

    def delete_event(
        self,
        event_id: str,
        *,
        if_in_state: str | None = None,
        send_scheduling_messages: bool = False,
    ) -> None:
        """Delete the event ``event_id`` (with ``if_in_state``: only if nothing changed)."""
        return self._run(
            event_ops.delete_event(
                self._conn, event_id, if_in_state, **_scheduling(send_scheduling_messages)
            )
        )

    def _save_event(self, event: JMAPEvent) -> None:
        return self._run(event_ops.save_event(self._conn, event))

    def search_events(
        self,
        calendar_id: str | None = None,
        start: Any = None,
        end: Any = None,
        text: str | None = None,
    ) -> list[str]:
        """Events (of one calendar, or all) overlapping ``start``..``end`` and/or containing
        ``text``, as iCalendar strings; every page of results, in one round trip per page."""
        return self._run(
            event_ops.search_events(
                self._conn, calendar_id=calendar_id, start=start, end=end, text=text
            )
        )

    def search_event_objects(self, **filters: Any) -> list[JMAPEvent]:
        """:meth:`search_events` returning :class:`JMAPEvent` objects."""
        return self._run(event_ops.search_event_objects(self._conn, self, **filters))

    def get_object_by_uid(self, uid: str, calendar_id: str | None = None) -> str:
        """The event with ``uid`` as iCalendar, found in one request."""
        return self._run(event_ops.get_object_by_uid(self._conn, uid, calendar_id))

    def get_event_by_uid(self, uid: str, calendar_id: str | None = None) -> JMAPEvent:
        """The event with ``uid`` as a :class:`JMAPEvent`, found in one request."""
        return self._run(event_ops.get_event_by_uid(self._conn, uid, calendar_id, self))

    def get_sync_token(self) -> str:
        """A token for :meth:`get_objects_by_sync_token`; no event data is transferred."""
        return self._run(event_ops.get_sync_token(self._conn))

    def get_objects_by_sync_token(self, token: str) -> tuple[list[str], list[str], list[str]]:
        """``(added, modified, deleted)`` since ``token``: iCalendar strings and deleted ids.

        The whole delta or an error, never part of it; a token the server can no longer
        calculate changes from raises JMAPCannotCalculateChangesError (a JMAPMethodError).
        """
        return self._run(event_ops.get_objects_by_sync_token(self._conn, token))

    def get_object_changes(
        self, token: str
    ) -> tuple[list[JMAPEvent], list[JMAPEvent], list[str], str]:
        """``(added, modified, deleted_ids, new_token)`` since ``token``, as objects: for
        sync consumers that keep local copies."""
        return self._run(event_ops.get_object_changes(self._conn, token, self))

    # -- tasks -------------------------------------------------------------------------

    def get_task_lists(self) -> list[JMAPTaskList]:
        """Every task list of the account (needs urn:ietf:params:jmap:tasks)."""
        return self._run(task_ops.get_task_lists(self._conn, self))

    def create_task(self, task_list_id: str, title: str, **kwargs: Any) -> str:
        """Create a task; ``kwargs``: description, due, start, time_zone, estimated_duration,
        percent_complete, progress, priority, keywords.  Returns the task id."""
        return self._run(task_ops.create_task(self._conn, task_list_id, title, **kwargs))

    def get_task(self, task_id: str) -> JMAPTask:
        """The task ``task_id``."""
        return self._run(task_ops.get_task(self._conn, task_id, self))

    def update_task(self, task_id: str, patch: dict[str, Any]) -> None:
        """Apply ``patch`` (JMAP or snake_case property names) to the task."""
        return self._run(task_ops.update_task(self._conn, task_id, patch))

    def delete_task(self, task_id: str) -> None:
        """Delete the task ``task_id``."""
        return self._run(task_ops.delete_task(self._conn, task_id))
