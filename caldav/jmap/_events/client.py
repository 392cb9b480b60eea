"""The event methods of both clients (events, their search and sync, scheduling,
attachments), each written once as a sans-IO generator method (see
:mod:`caldav.jmap._operation`); :class:`~caldav.jmap._api.JMAPClientAPI` inherits them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from caldav.jmap._events import bulk, search, write
from caldav.jmap._events.results import EventIds, QueryChanges
from caldav.jmap._events.searcher import EventSearcher
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._methods import attachment as attachment_ops
from caldav.jmap._methods import blob as blob_ops
from caldav.jmap._methods import event as event_ops
from caldav.jmap._methods import scheduling as scheduling_ops
from caldav.jmap._operation import ClientCore, operation
from caldav.jmap._protocol.bulk import BulkResult, CreatedIds
from caldav.jmap._protocol.steps import Steps
from caldav.jmap.objects.event import JMAPEvent
from caldav.jmap.objects.results import Attachment, EventTexts, ObjectChanges, SyncResult

__all__ = ["EventMethods"]


def _scheduling(send: bool) -> dict[str, bool]:
    """The /set argument asking the server to send iTIP messages, only when wanted."""
    return {"sendSchedulingMessages": True} if send else {}


class EventMethods(ClientCore):
    """The client methods on events (a part of :class:`~caldav.jmap._api.JMAPClientAPI`)."""

    # -- events ------------------------------------------------------------------------

    @operation
    def create_event(
        self, calendar_id: str, ical_str: str, *, send_scheduling_messages: bool = False
    ) -> Steps[str]:
        """Create an event from an iCalendar string; returns the new event id.

        ``send_scheduling_messages``: the server sends the invitations (iTIP).
        """
        return (
            yield from write.create_event(
                self._conn, calendar_id, ical_str, **_scheduling(send_scheduling_messages)
            )
        )

    @operation
    def get_event(self, event_id: str) -> Steps[str]:
        """The event ``event_id`` as iCalendar; a missing event raises JMAPNotFoundError."""
        return (yield from event_ops.get_event(self._conn, event_id))

    @operation
    def get_event_object(self, event_id: str) -> Steps[JMAPEvent]:
        """The event ``event_id`` as a :class:`JMAPEvent` (id, data, jscal, save, delete)."""
        return (yield from event_ops.get_event_object(self._conn, event_id, self))

    @operation
    def update_event(
        self,
        event_id: str,
        ical_str: str,
        *,
        if_in_state: str | None = None,
        send_scheduling_messages: bool = False,
    ) -> Steps[None]:
        """Make the event match ``ical_str``, sending only what changed (the UID stays).

        With ``if_in_state``, only if no event changed since that state; otherwise
        JMAPStateMismatchError.
        """
        return (
            yield from write.update_event(
                self._conn, event_id, ical_str, if_in_state, **_scheduling(send_scheduling_messages)
            )
        )

    @operation
    def delete_event(
        self,
        event_id: str,
        *,
        if_in_state: str | None = None,
        send_scheduling_messages: bool = False,
    ) -> Steps[None]:
        """Delete the event ``event_id`` (with ``if_in_state``: only if nothing changed)."""
        return (
            yield from event_ops.delete_event(
                self._conn, event_id, if_in_state, **_scheduling(send_scheduling_messages)
            )
        )

    @operation
    def create_events(
        self,
        calendar_id: str,
        ical_strs: Iterable[str],
        *,
        send_scheduling_messages: bool = False,
    ) -> Steps[CreatedIds]:
        """Create many events in as few requests as the server's limits allow; returns
        their ids in input order (a list whose ``result`` is the BulkResult, with the
        /set states).  If any fails, JMAPBulkError's ``result`` says which were created
        (by input position) and which failed and why."""
        return (
            yield from bulk.create_events(
                self._conn, calendar_id, ical_strs, **_scheduling(send_scheduling_messages)
            )
        )

    @operation
    def import_ics(
        self, calendar_id: str, ics: Any, *, send_scheduling_messages: bool = False
    ) -> Steps[list[str]]:
        """Create every event of an .ics file in the calendar, one per UID with its
        recurrence instances, in as few requests as the limits allow; returns the ids
        (failures together in a JMAPBulkError).  ``ics`` is iCalendar text (a ``str`` is
        always text, never a file name), UTF-8 ``bytes``, a ``pathlib.Path`` or a file
        object; text that is not iCalendar raises JMAPConversionError."""
        return (
            yield from bulk.import_ics(
                self._conn, calendar_id, ics, **_scheduling(send_scheduling_messages)
            )
        )

    @operation
    def update_events(
        self,
        updates: dict[str, str],
        *,
        current: Mapping[str, JMAPEvent] | None = None,
        send_scheduling_messages: bool = False,
    ) -> Steps[BulkResult]:
        """Update many events (event id -> iCalendar) in few requests; failures are
        reported together in a JMAPBulkError, the successful updates stay.  The patches
        are computed against the events as read: ``current`` (e.g. get_object_changes'
        ``current``), and one /get of the others.  The BulkResult's ``old_state``,
        ``new_state`` and ``contiguous`` tell whether anything but this update changed
        the events since they were read."""
        return (
            yield from bulk.update_events(
                self._conn, updates, current, **_scheduling(send_scheduling_messages)
            )
        )

    @operation
    def delete_events(
        self, event_ids: Iterable[str], *, send_scheduling_messages: bool = False
    ) -> Steps[BulkResult]:
        """Delete many events in few requests (failures together in a JMAPBulkError);
        returns the BulkResult (with the /set states, as :meth:`update_events`)."""
        return (
            yield from bulk.delete_events(
                self._conn, event_ids, **_scheduling(send_scheduling_messages)
            )
        )

    @operation
    def search_events(
        self,
        /,
        calendar_id: str | None = None,
        start: Any = None,
        end: Any = None,
        text: str | None = None,
        **filters: Any,
    ) -> Steps[EventTexts]:
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
        return (
            yield from search.search_events(
                self._conn, calendar_id=calendar_id, start=start, end=end, text=text, **filters
            )
        )

    @operation
    def search_event_objects(self, /, **filters: Any) -> Steps[list[JMAPEvent]]:
        """:meth:`search_events` returning :class:`JMAPEvent` objects; the list has
        ``state`` and ``query_state`` (for :meth:`get_query_changes`), and ``missing``:
        ids the server found but would not return."""
        return (yield from search.search_event_objects(self._conn, self, **filters))

    @operation
    def get_object_by_uid(self, uid: str, calendar_id: str | None = None) -> Steps[str]:
        """The event with ``uid`` as iCalendar, found in one request."""
        return (yield from search.get_object_by_uid(self._conn, uid, calendar_id))

    @operation
    def get_event_by_uid(self, uid: str, calendar_id: str | None = None) -> Steps[JMAPEvent]:
        """The event with ``uid`` as a :class:`JMAPEvent`, found in one request."""
        return (yield from search.get_event_by_uid(self._conn, uid, calendar_id, self))

    @operation
    def get_sync_token(self) -> Steps[str]:
        """The baseline of an event sync: the current state, taken once before the first
        :meth:`get_objects_by_sync_token` (no event data is transferred).  Later tokens
        come from each sync's result (``result.sync_token``, or :attr:`last_sync_token`):
        a token taken with this method after a sync would skip what changed in between."""
        return (yield from event_ops.get_sync_token(self._conn))

    @property
    def last_sync_token(self) -> str | None:
        """The token that continues where the last event sync (or :meth:`get_sync_token`)
        of this client left off: the state its delta was computed to.  None before any."""
        return self._conn.last_sync_token

    @operation
    def get_objects_by_sync_token(self, token: str) -> Steps[SyncResult]:
        """``(added, modified, deleted)`` since ``token``: iCalendar strings and deleted ids,
        as a :class:`~caldav.jmap.objects.results.SyncResult` that unpacks as those three
        and whose ``sync_token`` is the token for the next call (the state this delta
        reaches, also :attr:`last_sync_token`).  Events the converter cannot read are in
        ``broken``; ids the server would not return in ``missing`` (the token then stays
        where it was, so the next sync asks again).

        The whole delta or an error, never part of it; a token the server can no longer
        calculate changes from raises JMAPCannotCalculateChangesError (a JMAPMethodError).
        """
        return (yield from event_ops.get_objects_by_sync_token(self._conn, token))

    @operation
    def get_object_changes(
        self, token: str, *, also_get: Iterable[str] = ()
    ) -> Steps[ObjectChanges]:
        """``(added, modified, deleted_ids, new_token)`` since ``token``, as objects: for
        sync consumers that keep local copies.  ``new_token`` (also
        :attr:`last_sync_token`) is the state the delta reached: the next call's token.
        The events ``also_get`` names (ids a sync is about to update) are read in the same
        request, in the result's ``current``: pass it to :meth:`update_events`."""
        return (yield from event_ops.get_object_changes(self._conn, token, self, also_get))

    # -- scheduling (the server sends the iTIP messages) -------------------------------

    @operation
    def save_with_invites(
        self, calendar_id: str, ical_str: str, attendees: list[Any]
    ) -> Steps[str]:
        """Create an event with the user (their default participant identity) as organizer
        and ``attendees`` (email addresses or (name, email) pairs) invited; the server sends
        the invitations.  Returns the event id."""
        return (
            yield from scheduling_ops.save_with_invites(
                self._conn, calendar_id, ical_str, attendees
            )
        )

    @operation
    def reply_to_event(
        self,
        event_id: str,
        status: str,
        *,
        participant_id: str | None = None,
        comment: str | None = None,
    ) -> Steps[None]:
        """Answer an invitation: ``status`` is accepted, declined, tentative or needs-action.
        The user's participant is found through their participant identities when not
        given; the server tells the organizer."""
        return (
            yield from scheduling_ops.reply_to_event(
                self._conn, event_id, status, participant_id, comment
            )
        )

    # -- queries, copy, parse ----------------------------------------------------------

    def searcher(self) -> EventSearcher:
        """A fluent search over every calendar: ``client.searcher().after(...)
        .has_keyword("work").fetch()`` (see :class:`caldav.jmap.query.EventSearcher`)."""
        return EventSearcher(self)

    @operation
    def query_event_ids(self, /, **filters: Any) -> Steps[EventIds]:
        """``(ids, query_state, total)`` of the events :meth:`search_events` would find
        with ``filters``, without their data where the server filters alone."""
        return (yield from search.query_event_ids(self._conn, **filters))

    @operation
    def get_query_changes(
        self, /, query_state: str, filter: Any = None, sort: Any = None, **filters: Any
    ) -> Steps[QueryChanges]:
        """``(removed_ids, added [(index, id)], new_query_state)`` of the search with these
        filters and sort since ``query_state`` (CalendarEvent/queryChanges).  A server
        that cannot tell (Cyrus 3.10 lacks the method) raises
        JMAPCannotCalculateChangesError: search again."""
        return (
            yield from search.get_query_changes(self._conn, query_state, filter, sort, **filters)
        )

    @operation
    def copy_event(
        self,
        event_id: str,
        to_calendar_id: str,
        *,
        to_account_id: str | None = None,
        move: bool = False,
    ) -> Steps[str]:
        """Copy (``move=True``: move) an event into ``to_calendar_id``, of this account or
        of ``to_account_id`` (CalendarEvent/copy); returns the new event id.  A copy within
        the account gets a new UID (an account holds one event per UID)."""
        return (
            yield from write.copy_event(self._conn, event_id, to_calendar_id, to_account_id, move)
        )

    @operation
    def parse_ical(self, ical_str: str | bytes) -> Steps[list[JSONObject]]:
        """The JSCalendar CalendarEvent objects the server parses from ``ical_str``
        (CalendarEvent/parse; JMAPCapabilityError where the server lacks
        urn:ietf:params:jmap:calendars:parse)."""
        return (yield from blob_ops.parse_ical(self._conn, ical_str))

    # -- attachments (RFC 8620 §6, RFC 9404) ------------------------------------------

    @operation
    def add_attachment(
        self, event_id: str, data: bytes, filename: str, content_type: str
    ) -> Steps[str]:
        """Upload ``data`` and attach it to the event (an enclosure link); returns the
        link id."""
        return (
            yield from attachment_ops.add_attachment(
                self._conn, event_id, data, filename, content_type
            )
        )

    @operation
    def get_attachments(self, event_id: str) -> Steps[list[Attachment]]:
        """(filename, content type, bytes) of each of the event's attachments."""
        return (yield from attachment_ops.get_attachments(self._conn, event_id))
