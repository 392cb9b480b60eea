"""Writing one event: create, update (a patch of what changed), save, copy or move.

Every write goes through :func:`set_event` (or :func:`set_events` for many), which sends
the event in the form the server takes (:func:`adapt_for_server`: the adaptations of
:mod:`caldav.jmap._servers.quirks`) and, when the server refuses a property the client
can adapt, learns that and sends the event again, adapted.
"""

from __future__ import annotations

import logging
import uuid

from caldav.jmap._events.connection import dialect_of
from caldav.jmap._events.storable import unstorable
from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap._methods.event import get_event_object
from caldav.jmap._protocol.bulk import BulkResult, set_many
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.objects import copy_object
from caldav.jmap._protocol.operations import SetOutcome, set_one
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._registry import EVENT
from caldav.jmap._servers.description import plain_description
from caldav.jmap._servers.iana_zones import for_iana_server
from caldav.jmap._servers.profile import profile_of
from caldav.jmap._servers.quirks import refused_properties
from caldav.jmap._servers.vendor import for_server, log_not_stored
from caldav.jmap.convert import RFC8984, ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.properties import REMOVED_VALUE, SERVER_PROPERTIES
from caldav.jmap.error import JMAPError, JMAPMethodError
from caldav.jmap.objects.event import JMAPEvent

log = logging.getLogger("caldav.jmap")

__all__ = [
    "adapt_for_server",
    "check_uid",
    "copy_event",
    "create_event",
    "event_patch",
    "managed_link_release",
    "save_event",
    "set_event",
    "set_events",
    "update_event",
]


def series_not_instance(obj: JSONObject, what: str) -> JSONObject:
    """An orphan recurrence instance that recurs itself (Lotus Notes: a RECURRENCE-ID with
    RANGE=THISANDFUTURE and RDATEs) as a series of its own: RFC 8984 forbids recurrenceId
    beside recurrence rules or overrides, and servers (Cyrus) refuse it."""
    if "recurrenceId" not in obj or not (
        obj.get("recurrenceOverrides") or obj.get("recurrenceRules") or obj.get("recurrenceRule")
    ):
        return obj
    log.warning(
        "%s: an instance (recurrence id %s) with recurrences of its own is stored as a series",
        what,
        obj["recurrenceId"],
    )
    return {k: v for k, v in obj.items() if k not in ("recurrenceId", "recurrenceIdTimeZone")}


def adapt_for_server(conn: Connection, objects: JSONObject | None) -> JSONObject | None:
    """``objects`` (creation key or id -> event or patch) in the form the server takes."""
    if objects is None:
        return None
    profile = profile_of(conn)
    result = {}
    not_stored: dict[str, list[str]] = {}
    for key, obj in objects.items():
        # The iTIP method belongs to a scheduling message, not to a stored event: a METHOD
        # of an imported file would make servers (Cyrus) refuse the event
        obj = {k: v for k, v in obj.items() if k != "method"}
        obj = series_not_instance(obj, f"event {key}")
        if profile.plain_descriptions:
            obj = plain_description(obj, f"event {key}")
        if profile.iana_zones_only:
            obj = for_iana_server(obj, f"event {key}")
        label = f"event {obj['uid']}" if isinstance(obj.get("uid"), str) else f"event {key}"
        result[key] = for_server(profile.vendor_properties, obj, label, not_stored)
    log_not_stored(not_stored)  # one line per call, not one per event
    return result


def set_event(
    conn: Connection,
    account_id: str,
    *,
    create: JSONObject | None = None,
    update: tuple[str, JSONObject] | None = None,
    **extra: JSONValue,
) -> Steps[SetOutcome]:
    """set_one for an event in the form the server takes; a refusal the client can adapt
    to is learned (and remembered in the server profile) and the event sent again.  The
    loop ends: each retry follows a setting that changed, and the settings are few."""
    while True:
        created = adapt_for_server(conn, {"new": create} if create is not None else None)
        updated = adapt_for_server(conn, dict([update]) if update is not None else None)
        try:
            return (
                yield from set_one(
                    conn,
                    EVENT,
                    account_id,
                    create=created["new"] if created else None,
                    update=next(iter(updated.items())) if updated else None,
                    **extra,
                )
            )
        except JMAPMethodError as error:
            if not profile_of(conn).learn_refusal(error):
                raise


def set_events(
    conn: Connection,
    account_id: str,
    *,
    create: JSONObject | None = None,
    update: JSONObject | None = None,
    **extra: JSONValue,
) -> Steps[BulkResult]:
    """set_many for events, adapting to what the server refuses as :func:`set_event`
    does: the objects refused for it are sent again, adapted."""
    result = yield from set_many(
        conn,
        EVENT,
        account_id,
        create=adapt_for_server(conn, create),
        update=adapt_for_server(conn, update),
        **extra,
    )
    while True:
        refused = [key for key, error in result.failed.items() if refused_properties(error)]
        learned = [profile_of(conn).learn_refusal(result.failed[key]) for key in refused]
        if not any(learned):
            return result
        for key in refused:
            del result.failed[key]
        again = yield from set_many(
            conn,
            EVENT,
            account_id,
            create=adapt_for_server(conn, _only(create, refused)),
            update=adapt_for_server(conn, _only(update, refused)),
            **extra,
        )
        result.merge(again)


def _only(objects: JSONObject | None, keys: list[str]) -> JSONObject:
    # the objects of ``keys`` only (those a refusal sends again)
    return {k: v for k, v in (objects or {}).items() if k in keys}


def create_event(
    conn: Connection, calendar_id: str, ical_str: str, **extra: JSONValue
) -> Steps[str]:
    """Create an event from iCalendar in ``calendar_id``; returns its id."""
    jscal = ical_to_jscal(ical_str, calendar_id=calendar_id, dialect=dialect_of(conn))
    error = unstorable(jscal)
    if error is not None:
        raise error
    account_id = yield from conn.account_for()
    return (yield from set_event(conn, account_id, create=jscal, **extra)).id


def event_patch(current: JSONObject, new: JSONObject, dialect: str = RFC8984) -> JSONObject:
    """The PatchObject that turns the stored event ``current`` into ``new``.

    Only what changed is sent.  A property is reset only when iCalendar could have carried
    it (it survives a round trip of ``current`` through iCalendar) and the new iCalendar
    no longer has it; what iCalendar cannot express, or the server manages, is left alone.
    """
    patch = {
        key: value
        for key, value in new.items()
        if key not in SERVER_PROPERTIES and current.get(key) != value
    }
    expressible = ical_to_jscal(jscal_to_ical(current), dialect=dialect)
    for key in expressible:
        if key in SERVER_PROPERTIES or key in new or key not in current:
            continue
        patch[key] = REMOVED_VALUE.get(key)
    return patch


def check_uid(event_id: str, current: JSONObject, new: JSONObject) -> None:
    """Refuse new content whose UID differs from the stored event's."""
    if new.get("uid") not in (None, current.get("uid")):
        raise JMAPError(
            reason=f"the new iCalendar has UID {new.get('uid')!r} but event {event_id} has "
            f"{current.get('uid')!r}; a UID cannot change"
        )


def managed_link_release(
    conn: Connection, event: JSONObject, patch: JSONObject | None = None
) -> JSONObject:
    """Patch entries a Cyrus 3.10 update needs for the event's managed attachments.

    Cyrus stores a managed attachment with both href and blobId, then refuses any patch of
    the event because a link may have only one of them; dropping the href (the blobId
    stays) is its accepted form.  Links the patch itself replaces are left to it; other
    servers need nothing.
    """
    if not profile_of(conn).managed_attachments or "links" in (patch or {}):
        return {}
    links = event.get("links") or {}
    return {
        f"links/{link_id}/href": None
        for link_id, link in links.items()
        if isinstance(link, dict)
        and "/Attachments/" in str(link.get("href", ""))
        and not any(key.startswith(f"links/{link_id}") for key in (patch or {}))
    }


def save_event(conn: Connection, event: JMAPEvent, **extra: JSONValue) -> Steps[None]:
    """Send what changed in ``event`` since it was read, if the server's state is still the
    one it was read in; the event then holds the new state."""
    check_uid(event.id, event.as_read, event.jscal)
    patch = event_patch(event.as_read, event.jscal, dialect_of(conn))
    if patch:
        patch = {**managed_link_release(conn, event.as_read, patch), **patch}
        account_id = yield from conn.account_for()
        outcome = yield from set_event(
            conn, account_id, update=(event.id, patch), if_in_state=event.state, **extra
        )
        event.state = outcome.new_state
    event.record_saved()
    return None


def update_event(
    conn: Connection,
    event_id: str,
    ical_str: str,
    if_in_state: str | None = None,
    **extra: JSONValue,
) -> Steps[None]:
    """Replace the event's content with the iCalendar ``ical_str`` (a patch of what changed).

    With ``if_in_state``, only if the CalendarEvent state is still that one.
    """
    event = yield from get_event_object(conn, event_id)
    event.data = ical_str
    event.state = if_in_state  # None: no condition, the caller did not read a state
    yield from save_event(conn, event, **extra)
    return None


def copy_event(
    conn: Connection,
    event_id: str,
    to_calendar_id: str,
    to_account_id: str | None = None,
    move: bool = False,
) -> Steps[str]:
    """Copy (or move) an event into ``to_calendar_id``; returns the new event's id.

    Into another account: CalendarEvent/copy (with onSuccessDestroyOriginal when moving);
    the copy keeps the UID, as the same event may be in several accounts.  Within the
    account (``to_account_id`` None or the same): a move changes the event's calendarIds;
    a copy creates a new event from the original's content with a new UID, since an
    account holds only one event per UID (draft-ietf-jmap-calendars §1.5).  The engine's
    copy_object does it; the new event is written by :func:`set_event`, adapted to the
    server.
    """

    def duplicate(original: JSONObject) -> JSONObject:
        return {**original, "uid": str(uuid.uuid4())}

    def create(account_id: str, jscal: JSONObject) -> Steps[str]:
        return (yield from set_event(conn, account_id, create=jscal)).id

    return (
        yield from copy_object(
            conn, EVENT, event_id, to_calendar_id, to_account_id, move, duplicate, create
        )
    )
