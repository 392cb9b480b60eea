"""The public API of both JMAP clients, written once.

Every public method builds a sans-IO operation and hands it to ``self._run``: the sync
client runs it to its result, the async client returns an awaitable of that result.  So
:class:`~caldav.jmap.client.JMAPClient` and :class:`~caldav.jmap.async_client.AsyncJMAPClient`
have the same methods by construction; in the async client each returns an awaitable.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from caldav.jmap.methods import calendar as calendar_ops
from caldav.jmap.methods import event as event_ops
from caldav.jmap.methods import notification as notification_ops
from caldav.jmap.methods import principal as principal_ops
from caldav.jmap.methods import scheduling as scheduling_ops
from caldav.jmap.methods import task as task_ops
from caldav.jmap.objects.calendar import JMAPCalendar
from caldav.jmap.objects.event import JMAPEvent
from caldav.jmap.objects.notification import JMAPEventNotification
from caldav.jmap.objects.principal import BusyPeriod, JMAPParticipantIdentity, JMAPPrincipal
from caldav.jmap.objects.task import JMAPTask, JMAPTaskList
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import constant
from caldav.jmap.session import Account, Session
from caldav.jmap.transport import Operation, build_auth

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["JMAPClientAPI", "client_kwargs", "client_parameters"]


def client_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``get_connection_params()``'s answer a client constructor takes."""
    return {k: v for k, v in params.items() if k in client_parameters() and v is not None}


def client_parameters() -> frozenset[str]:
    """The keyword arguments the client constructors take (read off the signature, so the
    two cannot drift apart)."""
    return frozenset(inspect.signature(JMAPClientAPI.__init__).parameters) - {"self"}


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

    def create_events(
        self,
        calendar_id: str,
        ical_strs: Iterable[str],
        *,
        send_scheduling_messages: bool = False,
    ) -> list[str]:
        """Create many events in as few requests as the server's limits allow; returns
        their ids in input order.  If any fails, JMAPBulkError's ``result`` says which
        were created (by input position) and which failed and why."""
        return self._run(
            event_ops.create_events(
                self._conn, calendar_id, ical_strs, **_scheduling(send_scheduling_messages)
            )
        )

    def update_events(
        self, updates: dict[str, str], *, send_scheduling_messages: bool = False
    ) -> None:
        """Update many events (event id -> iCalendar) in few requests; failures are
        reported together in a JMAPBulkError, the successful updates stay."""
        return self._run(
            event_ops.update_events(self._conn, updates, **_scheduling(send_scheduling_messages))
        )

    def delete_events(
        self, event_ids: Iterable[str], *, send_scheduling_messages: bool = False
    ) -> None:
        """Delete many events in few requests (failures together in a JMAPBulkError)."""
        return self._run(
            event_ops.delete_events(self._conn, event_ids, **_scheduling(send_scheduling_messages))
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

    # -- scheduling (the server sends the iTIP messages) -------------------------------

    def save_with_invites(self, calendar_id: str, ical_str: str, attendees: list[Any]) -> str:
        """Create an event with the user (their default participant identity) as organizer
        and ``attendees`` (email addresses or (name, email) pairs) invited; the server sends
        the invitations.  Returns the event id."""
        return self._run(
            scheduling_ops.save_with_invites(self._conn, calendar_id, ical_str, attendees)
        )

    def reply_to_event(
        self,
        event_id: str,
        status: str,
        *,
        participant_id: str | None = None,
        comment: str | None = None,
    ) -> None:
        """Answer an invitation: ``status`` is accepted, declined, tentative or needs-action.
        The user's participant is found through their participant identities when not
        given; the server tells the organizer."""
        return self._run(
            scheduling_ops.reply_to_event(self._conn, event_id, status, participant_id, comment)
        )

    # -- principals, scheduling, notifications, accounts (methods/principal.py, notification.py) --

    def get_principals(self) -> list[JMAPPrincipal]:
        """Every principal the user may see (Cyrus 3.10: the user and those who share a
        calendar with them), fetched with Principal/query and /get in one round trip."""
        return self._run(principal_ops.get_principals(self._conn, self))

    def get_current_principal(self) -> JMAPPrincipal:
        """The authenticated user's principal (the session's currentUserPrincipalId)."""
        return self._run(principal_ops.get_current_principal(self._conn, self))

    def search_principals(
        self,
        text: str | None = None,
        email: str | None = None,
        *,
        name: str | None = None,
        type: str | None = None,
    ) -> list[JMAPPrincipal]:
        """Principals whose name, email or description contains ``text``, whose email
        contains ``email`` (and ``name``; ``type`` equal); in one round trip."""
        return self._run(
            principal_ops.search_principals(
                self._conn, self, text=text, email=email, name=name, type=type
            )
        )

    def get_availability(
        self,
        principal_id: str,
        start: Any,
        end: Any,
        *,
        show_details: bool = False,
        event_properties: list[str] | None = None,
    ) -> list[BusyPeriod]:
        """When ``principal_id`` (a principal id, or an email address) is busy between
        ``start`` and ``end`` (datetimes: aware ones converted, naive ones UTC; or ISO
        strings).  ``show_details`` asks for the events too, where the user may read them;
        ``event_properties`` limits their properties.  An address nobody has raises
        JMAPNotFoundError; so does, on Cyrus 3.10, a principal with no events in the range."""
        return self._run(
            principal_ops.get_availability(
                self._conn, principal_id, start, end, show_details, event_properties
            )
        )

    def get_participant_identities(self) -> list[JMAPParticipantIdentity]:
        """The addresses that stand for the user in events (``.address``: mailto:...)."""
        return self._run(principal_ops.get_participant_identities(self._conn, self))

    def get_event_notifications(
        self,
        *,
        event_ids: list[str] | None = None,
        type: str | None = None,
        after: Any = None,
        before: Any = None,
    ) -> list[JMAPEventNotification]:
        """Changes other people made to events of the account, newest first; optionally
        only those about ``event_ids``, of ``type`` ("created", "updated", "destroyed"),
        or created in ``after``..``before``."""
        return self._run(
            notification_ops.get_event_notifications(
                self._conn, self, event_ids=event_ids, type=type, after=after, before=before
            )
        )

    def dismiss_event_notifications(self, ids: list[str]) -> None:
        """Dismiss (destroy) the notifications ``ids`` in one call; an unknown id raises
        JMAPNotFoundError (a JMAPMethodError), after the others were dismissed."""
        return self._run(notification_ops.dismiss_event_notifications(self._conn, ids))

    def get_accounts(self, *, refresh: bool = True) -> list[Account]:
        """The accounts with calendars: the user's own and those shared with them (see
        :meth:`for_account`).  ``refresh`` fetches the session again first, since a server
        may list a newly shared account without announcing a new session state."""
        return self._run(principal_ops.get_accounts(self._conn, refresh))

    def for_account(self, account_id: str) -> Self:
        """A client of the same class working on the account ``account_id`` (one shared
        with the user, from :meth:`get_accounts`): calendars, events, identities and
        notifications are those of that account.  Principals stay the session's.

        The view shares this client's HTTP connections, its session (as fetched so far; a
        view made before the first request fetches it once itself) and the server dialect
        learned; it needs no closing of its own (closing either closes both).
        """
        return self._view(replace(self._conn, account_id=account_id))

    def _view(self, conn: Connection) -> Self:
        """This client with another Connection: the same transport, no new HTTP session."""
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        view._conn = conn
        return view

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
