"""The public API of both JMAP clients, written once.

Every public method builds a sans-IO operation and hands it to ``self._run``: the sync
client runs it to its result, the async client returns an awaitable of that result.  So
:class:`~caldav.jmap.client.JMAPClient` and :class:`~caldav.jmap.async_client.AsyncJMAPClient`
have the same methods by construction; in the async client each returns an awaitable.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from dataclasses import replace
from typing import IO, TYPE_CHECKING, Any, TypeVar

from caldav.jmap import arguments, config
from caldav.jmap.convert.dialect import DIALECTS
from caldav.jmap.events.client import EventMethods
from caldav.jmap.idioms import CalDAVIdioms
from caldav.jmap.methods import attachment as attachment_ops
from caldav.jmap.methods import blob as blob_ops
from caldav.jmap.methods import calendar as calendar_ops
from caldav.jmap.methods import contact as contact_ops
from caldav.jmap.methods import notification as notification_ops
from caldav.jmap.methods import principal as principal_ops
from caldav.jmap.methods import push as push_ops
from caldav.jmap.methods import task as task_ops
from caldav.jmap.objects.calendar import JMAPCalendar
from caldav.jmap.objects.contact import JMAPAddressBook, JMAPContactCard
from caldav.jmap.objects.notification import JMAPEventNotification, JMAPTaskNotification
from caldav.jmap.objects.principal import BusyPeriod, JMAPParticipantIdentity, JMAPPrincipal
from caldav.jmap.objects.task import JMAPTask, JMAPTaskList
from caldav.jmap.operation import operation
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.eventsource import StateChange
from caldav.jmap.protocol.paging import PagingLimits
from caldav.jmap.protocol.retry import DEFAULT_MAX_RETRY_WAIT, RetryPolicy
from caldav.jmap.protocol.steps import Steps
from caldav.jmap.protocol.urls import server_url
from caldav.jmap.push import DEFAULT_TYPES, Listener, ReconnectPolicy, Watcher
from caldav.jmap.redact import redact
from caldav.jmap.servers.profile import ServerProfile
from caldav.jmap.session import Account, Session
from caldav.jmap.transport import DEFAULT_DEADLINE, Operation, build_auth
from caldav.jmap.websocket import websocket_channel

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["JMAPClientAPI", "client_kwargs", "client_parameters"]

T = TypeVar("T")


def client_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    """``get_connection_params()``'s answer as client constructor arguments; a key the
    client cannot use is a ConfigurationError (:func:`caldav.jmap.config.client_kwargs`)."""
    return config.client_kwargs(params, client_parameters())


def client_parameters() -> frozenset[str]:
    """The keyword arguments the client constructors take (read off the signature, so the
    two cannot drift apart)."""
    return frozenset(inspect.signature(JMAPClientAPI.__init__).parameters) - {"self"}


class JMAPClientAPI(CalDAVIdioms, EventMethods):
    """The operations of a JMAP calendar client; subclasses supply the transport.

    ``url`` is the session URL or the server's ``/.well-known/jmap``.  A ``username`` and
    ``password`` authenticate with HTTP Basic, a ``password`` alone is sent as a Bearer
    token, ``auth_type="digest"`` uses HTTP Digest, and ``auth`` takes any requests-style
    auth object; unusable credentials raise :class:`~caldav.jmap.error.JMAPAuthError`.
    ``proxy`` (one URL for http and https), ``ssl_cert`` (a client certificate file, or a
    ``(cert, key)`` pair), ``ssl_verify_cert`` and ``headers`` are python-caldav's.  The
    credentials go only to the origin of ``url``: a session whose URLs point elsewhere is
    refused unless ``allow_other_origins`` is true, and never to a URL from other server
    data (an attachment's href, a redirect) on another origin.

    ``timeout`` (seconds, default 30) bounds each connect and each read; ``deadline``
    (seconds, default 300; None for none) bounds one whole HTTP exchange: connect, send
    and receive the complete answer, so a server dripping bytes cannot hold a call.
    ``max_retry_wait`` (seconds, default 120) is the most the client waits in total for
    one request when the server answers 429/503 with Retry-After; a server asking for
    more gets a :class:`~caldav.jmap.error.JMAPRateLimitError` carrying its value.
    ``paging_limits`` bounds every server-driven paging loop.  See docs/reliability.md.

    Events are written in RFC 8984 JSCalendar, what JMAP servers such as Cyrus 3.10 speak;
    ``jscalendar_dialect=caldav.jmap.convert.JSCALENDAR_2`` writes the JSCalendar 2.0
    draft's form (``recurrenceRule``, the ``iCalendar`` property) for servers that follow
    it. Events are read in either.  ``paging_limits`` (a
    :class:`~caldav.jmap.protocol.paging.PagingLimits`) bounds how far one call follows a
    server's paging (pages per loop, ids collected).
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
        proxy: str | None = None,
        ssl_cert: str | tuple[str, str] | None = None,
        *,
        allow_other_origins: bool = False,
        jscalendar_dialect: str | None = None,
        paging_limits: PagingLimits | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
    ) -> None:
        url, url_username, url_password = arguments.url_credentials(arguments.client_url(url))
        self.url = url
        self.username = arguments.text(username, "username", optional=True)
        arguments.text(password, "password", optional=True)
        if auth is None and username is None:
            username, password = url_username, url_password if password is None else password
            self.username = username
        arguments.seconds(timeout, "timeout")
        arguments.seconds(deadline, "deadline", optional=True)
        retry = RetryPolicy(max_wait=arguments.seconds(max_retry_wait, "max_retry_wait"))
        self._conn = Connection(
            url,
            allow_other_origins=allow_other_origins,
            retry=retry,
            timeout=timeout,
            profile_for=ServerProfile.for_session,
        )
        if paging_limits is not None:
            if not isinstance(paging_limits, PagingLimits):
                raise TypeError(
                    f"paging_limits must be a PagingLimits, not {type(paging_limits).__name__}"
                )
            self._conn.limits = paging_limits
        if jscalendar_dialect is not None:
            if jscalendar_dialect not in DIALECTS:
                raise ValueError(
                    f"jscalendar_dialect must be one of {sorted(DIALECTS)}, not "
                    f"{jscalendar_dialect!r}"
                )
            self._conn.jscalendar = jscalendar_dialect
        self._transport = self._transport_class(
            build_auth(username, password, auth, auth_type),
            timeout=timeout,
            verify=ssl_verify_cert,
            headers=headers,
            proxy=proxy,
            cert=ssl_cert,
            deadline=deadline,
        )
        # the credentials go only where the connection says (the client's origin)
        self._transport.trusts = self._conn.sends_credentials_to
        self._deadline = deadline  # downloads stream: the drivers pass it to each one

    def __repr__(self) -> str:
        # Never the password or the auth object, nor one written into the URL
        return f"{type(self).__name__}(url={redact(self.url)!r}, username={self.username!r})"

    def _run(self, operation: Operation[T]) -> T:
        # the sync client's result; the async client returns a coroutine of it (its
        # methods' types are the generated caldav/jmap/async_api.pyi)
        raise NotImplementedError

    # -- session -----------------------------------------------------------------------

    def get_session(self) -> Session:
        """The JMAP Session (fetched once per client, again only when the server changes it)."""
        return self._run(self._conn.ensure_session())

    @property
    def session_url(self) -> str | None:
        """The URL the session resource answered at (after the redirects of
        ``/.well-known/jmap``); None before the session is fetched.  A program that runs
        again may pass it to :meth:`use_session_url` and save the redirect."""
        session = self._conn.session
        return session.url if session is not None else self._conn.session_url

    def use_session_url(self, url: str) -> None:
        """Fetch the session from ``url`` (a :attr:`session_url` of an earlier run) instead
        of discovering it from the client's URL; it must be on that URL's origin (the
        credentials go nowhere else).  Should it fail there, the client's URL is used."""
        if not isinstance(url, str) or not server_url(url, self._conn.url, "session_url"):
            raise ValueError(f"url must be on the origin of {self._conn.url}, not {url!r}")
        self._conn.session_url = url

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

    @operation
    def get_calendar_sync_token(self) -> Steps[str]:
        """The calendars' state, for :meth:`get_calendar_changes`."""
        return (yield from calendar_ops.get_calendar_sync_token(self._conn))

    def get_calendar_changes(
        self, state: str
    ) -> tuple[list[JMAPCalendar], list[JMAPCalendar], list[str], str]:
        """``(created, updated, destroyed_ids, new_state)`` of calendars since ``state``."""
        return self._run(calendar_ops.get_calendar_changes(self._conn, state, self))

    # -- blobs (RFC 8620 §6, RFC 9404; event methods: caldav/jmap/events/client.py) --

    def upload_blob(self, data: bytes | str, content_type: str) -> str:
        """Upload ``data`` to the account; returns its blobId."""
        return self._run(blob_ops.upload_blob(self._conn, data, content_type))

    def download_blob(
        self, blob_id: str, *, name: str = "file", content_type: str | None = None
    ) -> bytes:
        """The bytes of a blob, through the session's downloadUrl."""
        return self._run(attachment_ops.download_blob(self._conn, blob_id, name, content_type))

    def download_blob_to(
        self,
        blob_id: str,
        target: str | os.PathLike[str] | IO[bytes],
        *,
        name: str = "file",
        content_type: str | None = None,
    ) -> int:
        """Stream a blob into ``target`` (a path, or a binary file object left open) chunk
        by chunk, never whole in memory; returns the number of bytes written.  On failure
        a JMAPError is raised, and a file this call created is removed again."""
        download = attachment_ops.BlobDownload(self._conn, blob_id, name, content_type)
        return self._download_to(download, attachment_ops.BlobSink(target))

    def iter_blob(
        self, blob_id: str, *, name: str = "file", content_type: str | None = None
    ) -> Iterator[bytes]:
        """The bytes of a blob as they arrive, in chunks (the async client: an async
        iterator).  Close the iterator to stop early; a failure raises a JMAPError."""
        return self._download(attachment_ops.BlobDownload(self._conn, blob_id, name, content_type))

    # each client drives a streamed download its own way (client.py, async_client.py)
    def _download(self, download: attachment_ops.BlobDownload) -> Iterator[bytes]:
        raise NotImplementedError

    def _download_to(
        self, download: attachment_ops.BlobDownload, sink: attachment_ops.BlobSink
    ) -> int:
        raise NotImplementedError

    def get_blobs(
        self,
        ids: list[str],
        *,
        properties: list[str] | None = None,
        offset: int | None = None,
        length: int | None = None,
    ) -> list[dict[str, Any]]:
        """Blob/get (RFC 9404): ranges of data and digests of blobs."""
        return self._run(attachment_ops.blob_get(self._conn, ids, properties, offset, length))

    def lookup_blobs(self, ids: list[str], type_names: list[str]) -> dict[str, Any]:
        """Blob/lookup (RFC 9404): which objects of ``type_names`` reference each blob."""
        return self._run(attachment_ops.blob_lookup(self._conn, ids, type_names))

    def copy_blobs(self, blob_ids: list[str], from_account_id: str) -> dict[str, str]:
        """Blob/copy from another account: {old blob id: new blob id}."""
        return self._run(attachment_ops.blob_copy(self._conn, blob_ids, from_account_id))

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

    def get_task_sync_token(self) -> str:
        """The tasks' state, for :meth:`get_task_changes` (no task data is transferred)."""
        return self._run(task_ops.get_task_sync_token(self._conn))

    def get_task_changes(self, state: str) -> tuple[list[JMAPTask], list[JMAPTask], list[str], str]:
        """``(created, updated, destroyed_ids, new_state)`` of tasks since ``state``: the
        whole delta, however many batches the server sends it in (or an error)."""
        return self._run(task_ops.get_task_changes(self._conn, state, self))

    def search_tasks(self, task_list_id: str | None = None, **filters: Any) -> list[JMAPTask]:
        """Tasks (of one task list, or all) matching ``filters``: in_task_lists, after,
        before, due_before, due_after (datetimes, dates or ISO strings), progress,
        has_keyword, text, title, description, uid.  Task/query and Task/get in one round
        trip per page; an unknown filter raises TypeError."""
        return self._run(task_ops.search_tasks(self._conn, self, task_list_id, **filters))

    def query_task_ids(
        self, task_list_id: str | None = None, **filters: Any
    ) -> tuple[list[str], str, int | None]:
        """``(ids, query_state, total)`` of the tasks matching ``filters`` (as
        :meth:`search_tasks`); the state is for :meth:`get_task_query_changes`."""
        return self._run(task_ops.query_task_ids(self._conn, task_list_id, **filters))

    def get_task_query_changes(
        self, query_state: str, task_list_id: str | None = None, **filters: Any
    ) -> tuple[list[str], list[tuple[int, str]], str]:
        """``(removed_ids, added, new_query_state)`` of the query with ``filters`` since
        ``query_state``; ``added`` holds (index, id) pairs."""
        return self._run(
            task_ops.get_task_query_changes(self._conn, query_state, task_list_id, **filters)
        )

    def copy_task(
        self,
        task_id: str,
        to_task_list_id: str,
        *,
        to_account_id: str | None = None,
        move: bool = False,
    ) -> str:
        """Copy (``move``: move) a task into a task list, of this account or of
        ``to_account_id`` (Task/copy); returns the id of the task there.  Within the
        account a move keeps the id, a copy is a new task with a new uid."""
        return self._run(
            task_ops.copy_task(self._conn, task_id, to_task_list_id, to_account_id, move)
        )

    def create_task_list(self, name: str, **props: Any) -> str:
        """Create a task list; keyword arguments: description, color, keyword_colors,
        category_colors, sort_order, is_subscribed, time_zone, workflow_statuses,
        share_with, default_alerts_with_time, default_alerts_without_time.  Returns its id."""
        return self._run(task_ops.create_task_list(self._conn, name, **props))

    def update_task_list(self, task_list_id: str, patch: dict[str, Any]) -> None:
        """Apply ``patch`` (JMAP or snake_case property names) to the task list."""
        return self._run(task_ops.update_task_list(self._conn, task_list_id, patch))

    def delete_task_list(self, task_list_id: str, *, remove_tasks: bool = False) -> None:
        """Delete a task list; one with tasks only with ``remove_tasks=True``
        (onDestroyRemoveTasks; otherwise the server's ``taskListHasTask`` is raised)."""
        return self._run(task_ops.delete_task_list(self._conn, task_list_id, remove_tasks))

    def get_task_list_sync_token(self) -> str:
        """The task lists' state, for :meth:`get_task_list_changes`."""
        return self._run(task_ops.get_task_list_sync_token(self._conn))

    def get_task_list_changes(
        self, state: str
    ) -> tuple[list[JMAPTaskList], list[JMAPTaskList], list[str], str]:
        """``(created, updated, destroyed_ids, new_state)`` of task lists since ``state``."""
        return self._run(task_ops.get_task_list_changes(self._conn, state, self))

    def create_task_from_ical(self, task_list_id: str, ical_str: str) -> str:
        """Create a task from an iCalendar VTODO; returns the task id."""
        return self._run(task_ops.create_task_from_ical(self._conn, task_list_id, ical_str))

    def get_task_ical(self, task_id: str) -> str:
        """The task ``task_id`` as iCalendar (a VCALENDAR with one VTODO)."""
        return self._run(task_ops.get_task_ical(self._conn, task_id))

    def get_task_notifications(
        self,
        *,
        task_ids: list[str] | None = None,
        type: str | None = None,
        after: Any = None,
        before: Any = None,
    ) -> list[JMAPTaskNotification]:
        """Changes other people made to tasks of the account, newest first; optionally
        only those about ``task_ids``, of ``type`` ("created", "updated", "destroyed"),
        or created in ``after``..``before``."""
        return self._run(
            notification_ops.get_task_notifications(
                self._conn, self, task_ids=task_ids, type=type, after=after, before=before
            )
        )

    def dismiss_task_notifications(self, ids: list[str]) -> None:
        """Dismiss (destroy) the task notifications ``ids`` in one call."""
        return self._run(notification_ops.dismiss_task_notifications(self._conn, ids))

    # -- contacts (urn:ietf:params:jmap:contacts, RFC 9610) --------------------------------

    def get_address_books(self) -> list[JMAPAddressBook]:
        """Every address book of the account."""
        return self._run(contact_ops.get_address_books(self._conn, self))

    def create_address_book(self, name: str, **props: Any) -> str:
        """Create an address book; keyword arguments: description, sort_order,
        is_subscribed, share_with.  Returns its id."""
        return self._run(contact_ops.create_address_book(self._conn, name, **props))

    def update_address_book(self, address_book_id: str, patch: dict[str, Any]) -> None:
        """Apply ``patch`` (JMAP or snake_case property names) to the address book."""
        return self._run(contact_ops.update_address_book(self._conn, address_book_id, patch))

    def delete_address_book(self, address_book_id: str, *, remove_contents: bool = False) -> None:
        """Delete an address book; one with cards only with ``remove_contents=True``
        (onDestroyRemoveContents; otherwise ``addressBookHasContents`` is raised)."""
        return self._run(
            contact_ops.delete_address_book(self._conn, address_book_id, remove_contents)
        )

    def get_address_book_sync_token(self) -> str:
        """The address books' state, for :meth:`get_address_book_changes`."""
        return self._run(contact_ops.get_address_book_sync_token(self._conn))

    def get_address_book_changes(
        self, state: str
    ) -> tuple[list[JMAPAddressBook], list[JMAPAddressBook], list[str], str]:
        """``(created, updated, destroyed_ids, new_state)`` of address books since ``state``."""
        return self._run(contact_ops.get_address_book_changes(self._conn, state, self))

    def get_contacts(self, address_book_id: str | None = None) -> list[JMAPContactCard]:
        """Every contact card (of one address book, or of all)."""
        return self._run(contact_ops.get_contacts(self._conn, address_book_id, self))

    def get_contact(self, contact_id: str) -> JMAPContactCard:
        """The contact card ``contact_id``; a missing one raises JMAPNotFoundError."""
        return self._run(contact_ops.get_contact(self._conn, contact_id, self))

    def create_contact(self, address_book_id: str, card: dict[str, Any] | JMAPContactCard) -> str:
        """Create a contact card (a JSContact Card dict, or a JMAPContactCard) in an
        address book; returns its id."""
        return self._run(contact_ops.create_contact(self._conn, address_book_id, card))

    def update_contact(self, contact_id: str, patch: dict[str, Any]) -> None:
        """Apply ``patch`` (a JSContact PatchObject) to the contact card."""
        return self._run(contact_ops.update_contact(self._conn, contact_id, patch))

    def delete_contact(self, contact_id: str) -> None:
        """Delete the contact card ``contact_id``."""
        return self._run(contact_ops.delete_contact(self._conn, contact_id))

    def search_contacts(self, **filters: Any) -> list[JMAPContactCard]:
        """Contact cards matching ``filters`` (RFC 9610's FilterCondition in snake_case:
        in_address_book, uid, has_member, kind, created_before, created_after,
        updated_before, updated_after, text, name, name_given, name_surname,
        name_surname2, nickname, organization, email, phone, online_service, address,
        note); one round trip per page.  An unknown filter raises TypeError."""
        return self._run(contact_ops.search_contacts(self._conn, self, **filters))

    def query_contact_ids(self, **filters: Any) -> tuple[list[str], str, int | None]:
        """``(ids, query_state, total)`` of the cards matching ``filters``; the state is
        for :meth:`get_contact_query_changes`."""
        return self._run(contact_ops.query_contact_ids(self._conn, **filters))

    def get_contact_query_changes(
        self, query_state: str, **filters: Any
    ) -> tuple[list[str], list[tuple[int, str]], str]:
        """``(removed_ids, added, new_query_state)`` of the query with ``filters`` since
        ``query_state``; ``added`` holds (index, id) pairs."""
        return self._run(contact_ops.get_contact_query_changes(self._conn, query_state, **filters))

    def get_contact_sync_token(self) -> str:
        """The contact cards' state, for :meth:`get_contact_changes`."""
        return self._run(contact_ops.get_contact_sync_token(self._conn))

    def get_contact_changes(
        self, state: str
    ) -> tuple[list[JMAPContactCard], list[JMAPContactCard], list[str], str]:
        """``(created, updated, destroyed_ids, new_state)`` of contact cards since
        ``state``: the whole delta (or an error)."""
        return self._run(contact_ops.get_contact_changes(self._conn, state, self))

    def copy_contact(
        self,
        contact_id: str,
        to_address_book_id: str,
        *,
        to_account_id: str | None = None,
        move: bool = False,
    ) -> str:
        """Copy (``move``: move) a card into an address book, of this account or of
        ``to_account_id`` (ContactCard/copy); returns the id of the card there."""
        return self._run(
            contact_ops.copy_contact(
                self._conn, contact_id, to_address_book_id, to_account_id, move
            )
        )

    def find_contact_by_email(self, email: str) -> JMAPContactCard | None:
        """The contact card with exactly the address ``email`` (case-insensitive), or None;
        one round trip."""
        return self._run(contact_ops.find_contact_by_email(self._conn, email, self))

    # -- push (RFC 8620 §7, RFC 8887: caldav/jmap/push.py, websocket.py, methods/push.py) --

    def watch(
        self,
        types: tuple[str, ...] | list[str] | None = DEFAULT_TYPES,
        ping: int = 30,
        *,
        policy: ReconnectPolicy | None = None,
        stop: Any = None,
    ) -> Iterator[StateChange]:
        """The account's changes as they happen: an iterator (async iterator in the async
        client) of :class:`~caldav.jmap.protocol.eventsource.StateChange`, from the
        session's EventSource, or from WebSocket push after :meth:`use_websocket`.

        ``types``: the data types to watch (None: all); ``ping``: seconds between the
        server's keep-alives (a stream silent for twice as long is reconnected).  A dropped
        stream is reconnected as ``policy`` says (exponential backoff with jitter, the
        server's ``retry:`` honoured), with Last-Event-ID; what changed meanwhile is
        reported by a ``synthetic`` StateChange even when the server does not replay it.
        Ends when the caller breaks out (close it, or ``with closing(...)`` /
        ``async with aclosing(...)``, to release the connection at once) or ``stop`` (a
        threading.Event or asyncio.Event) is set.
        """
        return self._watch(
            Watcher(self._conn, types, ping, policy=policy, stop=stop, channel=self._pushes())
        )

    def listen(
        self,
        on_change: Any,
        types: tuple[str, ...] | list[str] = ("CalendarEvent", "Calendar", "Task"),
        ping: int = 30,
        *,
        max_events: int | None = None,
        stop: Any = None,
        policy: ReconnectPolicy | None = None,
    ) -> None:
        """Call ``on_change(type_name, added, modified, deleted_ids)`` with the objects
        (JMAPEvent, JMAPCalendar, JMAPTask) that changed, as changes happen, from the
        state at the start on.  Types the server does not offer are skipped (Task needs
        urn:ietf:params:jmap:tasks).  Returns after ``max_events`` calls, or when ``stop``
        is set; the async client awaits ``on_change`` when it is a coroutine function."""
        listener = Listener(
            self._conn,
            self,
            types,
            ping,
            max_events=max_events,
            stop=stop,
            policy=policy,
            channel=self._pushes(),
        )
        return self._listen(listener, on_change)

    def use_websocket(self) -> None:
        """Send the API requests over a WebSocket from now on (RFC 8887; needs the
        ``caldav-jmap[websocket]`` extra and a server advertising urn:ietf:params:jmap:websocket,
        else JMAPCapabilityError); :meth:`watch` then uses WebSocket push when the server
        supports it.  Views made before (:meth:`for_account`) stay on HTTP."""
        return self._run(self._switch_to_websocket())

    def create_push_subscription(
        self,
        device_client_id: str,
        url: str,
        types: list[str] | None = None,
        keys: dict[str, str] | None = None,
        expires: Any = None,
    ) -> str:
        """Register a Web Push ``url`` (https) for the changes of ``types`` (None: all);
        ``keys``: its p256dh and auth keys; ``expires``: a datetime (UTC when naive).
        Returns the subscription id; it delivers once verified
        (:meth:`verify_push_subscription`)."""
        return self._run(
            push_ops.create_push_subscription(
                self._conn, device_client_id, url, types, keys, expires
            )
        )

    def verify_push_subscription(self, subscription_id: str, verification_code: str) -> None:
        """Set the code the server POSTed to the subscription's URL, which activates it."""
        return self._run(
            push_ops.verify_push_subscription(self._conn, subscription_id, verification_code)
        )

    def get_push_subscriptions(self) -> list[push_ops.PushSubscription]:
        """The push subscriptions of these credentials."""
        return self._run(push_ops.get_push_subscriptions(self._conn))

    def delete_push_subscription(self, subscription_id: str) -> None:
        """Remove a push subscription."""
        return self._run(push_ops.delete_push_subscription(self._conn, subscription_id))

    _websocket_transport_class: Any = None

    def _pushes(self) -> Any:
        """The WebSocket channel when the client is on a socket that pushes, else None."""
        channel = getattr(self._transport, "channel", None)
        return channel if channel is not None and channel.supports_push else None

    def _switch_to_websocket(self) -> Steps[None]:
        channel = yield from websocket_channel(self._conn)
        if getattr(self._transport, "channel", None) is None:
            self._transport = self._websocket_transport_class(self._transport, channel)

    def _watch(self, watcher: Watcher) -> Iterator[StateChange]:
        raise NotImplementedError

    def _listen(self, listener: Listener, on_change: Any) -> None:
        raise NotImplementedError
