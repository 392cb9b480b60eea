"""The server side of a sync: what changed on the calendar since the status's state.

:meth:`JMAPClient.get_object_changes` answers the delta *and* the new state in one call
(so nothing that changes meanwhile is skipped; the delta is as large as the changes).  A
first sync, or a state the server can no longer calculate changes from, takes the state
first and then lists the calendar page by page: each page is compared with the status
and dropped, the events that changed kept on disk (the status's scratch spool) until
they are written to the vdir, so a listing's memory is one page and the hashes of what
changed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from caldav.jmap import JMAPCannotCalculateChangesError, JMAPClient, JMAPEvent
from caldav.jmap.cli.common import CliError
from caldav.jmap.cli.status import Status
from caldav.jmap.cli.syncplan import remote_delta
from caldav.jmap.cli.vdir import content_hash

__all__ = ["LISTING_PAGE", "RemoteChanges", "remote_changes"]

#: Events per request of a full listing (its memory: one page at a time).
LISTING_PAGE = 500
#: Listings begun again when the calendar changed between two pages (positions shift).
_LISTING_ATTEMPTS = 3


@dataclass
class RemoteChanges:
    """The server's changes since the status's state."""

    #: uid -> hash of the event as it would be written to the vdir (None: gone)
    hashes: dict[str, str | None]
    #: the state these changes bring the status to
    token: str
    status: Status
    #: events held in memory, by UID (the others of ``hashes`` are spooled)
    events: dict[str, JMAPEvent] = field(default_factory=dict)
    #: events read in this run by id: the base the bulk update computes its patches from
    current: dict[str, JMAPEvent] = field(default_factory=dict)

    def event(self, uid: str) -> tuple[str, str]:
        """``(event id, iCalendar text)`` of a changed event."""
        if uid in self.events:
            event = self.events[uid]
            return event.id, event.data
        spooled = self.status.spooled(uid)
        if spooled is None:
            raise KeyError(uid)  # pragma: no cover - hashes and the spool agree
        return spooled


def remote_changes(
    client: JMAPClient,
    calendar_id: str,
    status: Status,
    edited: Collection[str],
    local_uids: Collection[str],
) -> RemoteChanges:
    """The changes since ``status.token`` (see the module).  ``edited``: the ids of the
    events whose files changed (read in the same request as the delta: the bulk update's
    base); ``local_uids``: the UIDs changed locally, whose events a listing keeps whole."""
    if status.token is not None:
        try:
            delta = client.get_object_changes(status.token, also_get=edited)
        except JMAPCannotCalculateChangesError:
            pass
        else:
            added, modified, deleted, token = delta
            changes = RemoteChanges({}, token, status, current=dict(delta.current))
            for event_id in deleted:
                uid = status.uid_of_event(event_id)
                if uid is not None:
                    changes.hashes[uid] = None
            for event in [*added, *modified]:
                uid = event.uid or event.id
                if calendar_id in event.calendar_ids:
                    changes.events[uid] = event
                    changes.hashes[uid] = content_hash(event.data)
                    changes.current[event.id] = event
                elif status.get(uid) is not None:  # moved to another calendar: gone here
                    changes.hashes[uid] = None
            return changes
    return _listing(client, calendar_id, status, local_uids)


def _listing(
    client: JMAPClient, calendar_id: str, status: Status, local_uids: Collection[str]
) -> RemoteChanges:
    # the state first, then the listing: what changes in between is seen again next time
    token = client.get_sync_token()
    for _ in range(_LISTING_ATTEMPTS):
        changes = RemoteChanges({}, token, status)
        if _list_pages(client, calendar_id, changes, local_uids):
            changes.hashes.update(dict.fromkeys(status.unseen()))
            return changes
    raise CliError(
        f"the calendar changed during each of {_LISTING_ATTEMPTS} listings; sync again later"
    )


def _list_pages(
    client: JMAPClient, calendar_id: str, changes: RemoteChanges, local_uids: Collection[str]
) -> bool:
    """List the calendar into ``changes``; False when it changed between two pages (an
    event could have moved across the page boundary unseen: list again)."""
    status = changes.status
    status.clear_listing()
    query_state: str | None = None
    position = 0
    while True:
        page = client.search_event_objects(
            calendar_id=calendar_id, position=position, limit=LISTING_PAGE
        )
        # a Found list (documented: ``query_state``); the signature says list
        state = getattr(page, "query_state", None)
        if position == 0:
            query_state = state
        elif state != query_state:
            return False
        texts = {(e.uid or e.id): e for e in page}
        status.mark_seen(texts)
        hashes = {uid: content_hash(event.data) for uid, event in texts.items()}
        known = {uid: entry.synced for uid in hashes if (entry := status.get(uid)) is not None}
        for uid, digest in remote_delta(known, hashes).items():
            event = texts[uid]
            changes.hashes[uid] = digest
            if uid in local_uids:
                changes.events[uid] = event
                changes.current[event.id] = event
            else:
                status.spool(uid, event.id, event.data)
        position += len(page)
        if len(page) < LISTING_PAGE:
            return True
