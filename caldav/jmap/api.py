"""The public API of both JMAP clients, written once.

Every public method builds a sans-IO operation and hands it to ``self._run``: the sync
client runs it to its result, the async client returns an awaitable of that result.  So
:class:`~caldav.jmap.client.JMAPClient` and :class:`~caldav.jmap.async_client.AsyncJMAPClient`
have the same methods by construction; in the async client each returns an awaitable.

The methods of each area are ``@operation`` methods of a mixin in the module that holds
that area's operations (``CalendarMethods`` in methods/calendar.py, ``TaskMethods`` in
methods/task.py, ...); :class:`JMAPClientAPI` inherits them and adds the constructor and
the event sections.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any, TypeVar

from caldav.jmap import arguments, config
from caldav.jmap.convert.dialect import DIALECTS
from caldav.jmap.idioms import CalDAVIdioms
from caldav.jmap.methods import attachment as attachment_ops
from caldav.jmap.methods import blob as blob_ops
from caldav.jmap.methods import event as event_ops
from caldav.jmap.methods import scheduling as scheduling_ops
from caldav.jmap.methods.blob import BlobMethods
from caldav.jmap.methods.calendar import CalendarMethods
from caldav.jmap.methods.contact import ContactMethods
from caldav.jmap.methods.notification import NotificationMethods
from caldav.jmap.methods.principal import PrincipalMethods
from caldav.jmap.methods.push import PushMethods
from caldav.jmap.methods.session import SessionMethods
from caldav.jmap.methods.task import TaskMethods
from caldav.jmap.objects.event import JMAPEvent
from caldav.jmap.objects.results import EventTexts, ObjectChanges, SyncResult
from caldav.jmap.operation import ClientCore
from caldav.jmap.protocol.bulk import BulkResult, CreatedIds
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.paging import PagingLimits
from caldav.jmap.protocol.retry import DEFAULT_MAX_RETRY_WAIT, RetryPolicy
from caldav.jmap.query import EventSearcher
from caldav.jmap.redact import redact
from caldav.jmap.transport import DEFAULT_DEADLINE, Operation, build_auth

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


def _scheduling(send: bool) -> dict[str, Any]:
    """The /set argument asking the server to send iTIP messages, only when wanted."""
    return {"sendSchedulingMessages": True} if send else {}


class JMAPClientAPI(
    SessionMethods,
    CalendarMethods,
    PrincipalMethods,
    NotificationMethods,
    TaskMethods,
    ContactMethods,
    PushMethods,
    BlobMethods,
    CalDAVIdioms,
    ClientCore,
):
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
            url, allow_other_origins=allow_other_origins, retry=retry, timeout=timeout
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
    ) -> CreatedIds:
        """Create many events in as few requests as the server's limits allow; returns
        their ids in input order (a list whose ``result`` is the BulkResult, with the
        /set states).  If any fails, JMAPBulkError's ``result`` says which were created
        (by input position) and which failed and why."""
        return self._run(
            event_ops.create_events(
                self._conn, calendar_id, ical_strs, **_scheduling(send_scheduling_messages)
            )
        )

    def import_ics(
        self, calendar_id: str, ics: Any, *, send_scheduling_messages: bool = False
    ) -> list[str]:
        """Create every event of an .ics file in the calendar, one per UID with its
        recurrence instances, in as few requests as the limits allow; returns the ids
        (failures together in a JMAPBulkError).  ``ics`` is iCalendar text (a ``str`` is
        always text, never a file name), UTF-8 ``bytes``, a ``pathlib.Path`` or a file
        object; text that is not iCalendar raises JMAPConversionError."""
        return self._run(
            event_ops.import_ics(
                self._conn, calendar_id, ics, **_scheduling(send_scheduling_messages)
            )
        )

    def update_events(
        self,
        updates: dict[str, str],
        *,
        current: Mapping[str, JMAPEvent] | None = None,
        send_scheduling_messages: bool = False,
    ) -> BulkResult:
        """Update many events (event id -> iCalendar) in few requests; failures are
        reported together in a JMAPBulkError, the successful updates stay.  The patches
        are computed against the events as read: ``current`` (e.g. get_object_changes'
        ``current``), and one /get of the others.  The BulkResult's ``old_state``,
        ``new_state`` and ``contiguous`` tell whether anything but this update changed
        the events since they were read."""
        return self._run(
            event_ops.update_events(
                self._conn, updates, current, **_scheduling(send_scheduling_messages)
            )
        )

    def delete_events(
        self, event_ids: Iterable[str], *, send_scheduling_messages: bool = False
    ) -> BulkResult:
        """Delete many events in few requests (failures together in a JMAPBulkError);
        returns the BulkResult (with the /set states, as :meth:`update_events`)."""
        return self._run(
            event_ops.delete_events(self._conn, event_ids, **_scheduling(send_scheduling_messages))
        )

    def search_events(
        self,
        calendar_id: str | None = None,
        start: Any = None,
        end: Any = None,
        text: str | None = None,
        **filters: Any,
    ) -> EventTexts:
        """Events (of one calendar, or all) matching every condition given, as iCalendar
        strings; each page of results in one round trip.  An event the converter cannot
        read is left out and named in the list's ``broken`` ({event id:
        JMAPConversionError}, also logged), so it never hides the others.

        Conditions (keywords of :class:`caldav.jmap.query.Filter`): ``calendar_id``,
        ``in_calendars`` (ids), ``start``/``after`` and ``end``/``before`` (the event ends
        after / starts before; datetimes, dates or ISO strings), ``text``, ``title``,
        ``description``, ``location``, ``owner``, ``attendee``, ``uid``, ``has_keyword``,
        ``not_keyword``, ``participant_is`` (an address), ``is_undecided``,
        ``is_rejected``, ``has_attachment`` (booleans).  ``filter`` takes a Filter or an
        AND/OR/NOT of them (``from caldav.jmap.query import AND, OR, NOT, Filter``), ANDed
        with the keywords.  ``sort``: a list of (property, ascending) pairs or Comparator
        dicts; ``position`` / ``anchor`` (+ ``anchor_offset``) / ``limit`` select a window;
        ``expand_recurrences=True`` (with after and before; ``time_zone``) returns each
        recurrence instance as its own result.  Conditions the server does not support
        (Cyrus: has_keyword, is_undecided, ...) are evaluated by the client, same result.
        """
        return self._run(
            event_ops.search_events(
                self._conn, calendar_id=calendar_id, start=start, end=end, text=text, **filters
            )
        )

    def search_event_objects(self, **filters: Any) -> list[JMAPEvent]:
        """:meth:`search_events` returning :class:`JMAPEvent` objects; the list has
        ``state`` and ``query_state`` (for :meth:`get_query_changes`), and ``missing``:
        ids the server found but would not return."""
        return self._run(event_ops.search_event_objects(self._conn, self, **filters))

    def get_object_by_uid(self, uid: str, calendar_id: str | None = None) -> str:
        """The event with ``uid`` as iCalendar, found in one request."""
        return self._run(event_ops.get_object_by_uid(self._conn, uid, calendar_id))

    def get_event_by_uid(self, uid: str, calendar_id: str | None = None) -> JMAPEvent:
        """The event with ``uid`` as a :class:`JMAPEvent`, found in one request."""
        return self._run(event_ops.get_event_by_uid(self._conn, uid, calendar_id, self))

    def get_sync_token(self) -> str:
        """The baseline of an event sync: the current state, taken once before the first
        :meth:`get_objects_by_sync_token` (no event data is transferred).  Later tokens
        come from each sync's result (``result.sync_token``, or :attr:`last_sync_token`):
        a token taken with this method after a sync would skip what changed in between."""
        return self._run(event_ops.get_sync_token(self._conn))

    @property
    def last_sync_token(self) -> str | None:
        """The token that continues where the last event sync (or :meth:`get_sync_token`)
        of this client left off: the state its delta was computed to.  None before any."""
        return self._conn.last_sync_token

    def get_objects_by_sync_token(self, token: str) -> SyncResult:
        """``(added, modified, deleted)`` since ``token``: iCalendar strings and deleted ids,
        as a :class:`~caldav.jmap.objects.results.SyncResult` that unpacks as those three
        and whose ``sync_token`` is the token for the next call (the state this delta
        reaches, also :attr:`last_sync_token`).  Events the converter cannot read are in
        ``broken``; ids the server would not return in ``missing`` (the token then stays
        where it was, so the next sync asks again).

        The whole delta or an error, never part of it; a token the server can no longer
        calculate changes from raises JMAPCannotCalculateChangesError (a JMAPMethodError).
        """
        return self._run(event_ops.get_objects_by_sync_token(self._conn, token))

    def get_object_changes(self, token: str, *, also_get: Iterable[str] = ()) -> ObjectChanges:
        """``(added, modified, deleted_ids, new_token)`` since ``token``, as objects: for
        sync consumers that keep local copies.  ``new_token`` (also
        :attr:`last_sync_token`) is the state the delta reached: the next call's token.
        The events ``also_get`` names (ids a sync is about to update) are read in the same
        request, in the result's ``current``: pass it to :meth:`update_events`."""
        return self._run(event_ops.get_object_changes(self._conn, token, self, also_get))

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

    # -- queries, copy, parse (methods/event.py, methods/blob.py, query.py) ------------

    def searcher(self) -> EventSearcher:
        """A fluent search over every calendar: ``client.searcher().after(...)
        .has_keyword("work").fetch()`` (see :class:`caldav.jmap.query.EventSearcher`)."""
        return EventSearcher(self)

    def query_event_ids(self, **filters: Any) -> tuple[list[str], str, int | None]:
        """``(ids, query_state, total)`` of the events :meth:`search_events` would find
        with ``filters``, without their data where the server filters alone."""
        return self._run(event_ops.query_event_ids(self._conn, **filters))

    def get_query_changes(
        self, query_state: str, filter: Any = None, sort: Any = None, **filters: Any
    ) -> tuple[list[str], list[tuple[int, str]], str]:
        """``(removed_ids, added [(index, id)], new_query_state)`` of the search with these
        filters and sort since ``query_state`` (CalendarEvent/queryChanges).  A server
        that cannot tell (Cyrus 3.10 lacks the method) raises
        JMAPCannotCalculateChangesError: search again."""
        return self._run(
            event_ops.get_query_changes(self._conn, query_state, filter, sort, **filters)
        )

    def copy_event(
        self,
        event_id: str,
        to_calendar_id: str,
        *,
        to_account_id: str | None = None,
        move: bool = False,
    ) -> str:
        """Copy (``move=True``: move) an event into ``to_calendar_id``, of this account or
        of ``to_account_id`` (CalendarEvent/copy); returns the new event id.  A copy within
        the account gets a new UID (an account holds one event per UID)."""
        return self._run(
            event_ops.copy_event(self._conn, event_id, to_calendar_id, to_account_id, move)
        )

    def parse_ical(self, ical_str: str | bytes) -> list[dict[str, Any]]:
        """The JSCalendar CalendarEvent objects the server parses from ``ical_str``
        (CalendarEvent/parse; JMAPCapabilityError where the server lacks
        urn:ietf:params:jmap:calendars:parse)."""
        return self._run(blob_ops.parse_ical(self._conn, ical_str))

    # -- blobs and attachments (RFC 8620 §6, RFC 9404) --------------------------------

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

    def add_attachment(self, event_id: str, data: bytes, filename: str, content_type: str) -> str:
        """Upload ``data`` and attach it to the event (an enclosure link); returns the
        link id."""
        return self._run(
            attachment_ops.add_attachment(self._conn, event_id, data, filename, content_type)
        )

    def get_attachments(self, event_id: str) -> list[tuple[str, str, bytes]]:
        """(filename, content type, bytes) of each of the event's attachments."""
        return self._run(attachment_ops.get_attachments(self._conn, event_id))
