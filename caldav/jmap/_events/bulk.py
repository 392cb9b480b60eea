"""Writing many events: create, update, delete and .ics import in as few /set calls as
the server's limits allow, failures reported together (JMAPBulkError) by input position."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from caldav.jmap._events.connection import dialect_of
from caldav.jmap._events.storable import control_character, unstorable
from caldav.jmap._events.write import check_uid, event_patch, set_events
from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap._protocol.bulk import BulkResult, CreatedIds, set_many
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.operations import get_by_ids, query_objects
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._registry import EVENT
from caldav.jmap.convert import ical_to_jscal, ical_to_jscal_all
from caldav.jmap.error import JMAPBulkError, JMAPConversionError, JMAPError, JMAPNotFoundError
from caldav.jmap.objects.event import JMAPEvent

__all__ = ["create_events", "delete_events", "ics_text", "import_ics", "update_events"]


def _creation_key(index: int) -> str:
    # RFC 8620 §1.2: an id SHOULD NOT contain only digits
    return f"n{index}"


def _by_index(result: BulkResult, count: int) -> BulkResult:
    """The result with creation keys turned back into input positions ("0", "1", ...)."""
    back = {_creation_key(i): str(i) for i in range(count)}
    result.created = {back.get(k, k): v for k, v in result.created.items()}
    result.failed = {back.get(k, k): v for k, v in result.failed.items()}
    result.in_doubt = [back.get(k, k) for k in result.in_doubt]
    return result


def _find_by_uid(
    conn: Connection, account_id: str, uids: dict[str, str]
) -> Callable[[list[str]], Steps[dict[str, str]]]:
    """A bulk create's way to learn which of its objects the server already has."""

    def find(keys: list[str]) -> Steps[dict[str, str]]:
        wanted = {uids[k]: k for k in keys if k in uids}
        conditions = [{"uid": uid} for uid in wanted]
        found = yield from query_objects(
            conn,
            EVENT,
            account_id,
            filter={"operator": "OR", "conditions": conditions},
            properties=["uid"],
        )
        return {wanted[obj["uid"]]: obj["id"] for obj in found if obj.get("uid") in wanted}

    return find


def _raise_if_failed(result: BulkResult, what: str) -> None:
    if result.failed:
        first = next(iter(result.failed.values()))
        doubt = (
            f", {len(result.in_doubt)} of them perhaps (the answer was lost: see result.in_doubt)"
            if result.in_doubt
            else ""
        )
        raise JMAPBulkError(
            f"{len(result.failed)} of the events could not be {what}{doubt} (first: "
            f"{first.reason}); the others were",
            result=result,
        )


def _create_all(
    conn: Connection, objects: list[JSONObject | JMAPError], **extra: JSONValue
) -> Steps[CreatedIds]:
    """Create converted events (or report the conversion errors among them) in as few /set
    calls as the limits allow; ids in input order, failures by position in JMAPBulkError."""
    create: JSONObject = {}
    failed: dict[str, JMAPError] = {}
    uids: dict[str, str] = {}
    for index, jscal in enumerate(objects):
        key = _creation_key(index)
        if isinstance(jscal, dict):
            jscal = unstorable(jscal) or jscal
        if isinstance(jscal, JMAPError):
            failed[key] = jscal
            continue
        create[key] = jscal
        if isinstance(jscal.get("uid"), str):
            uids[key] = jscal["uid"]
    account_id = yield from conn.account_for()
    try:
        result = yield from set_events(
            conn,
            account_id,
            create=create,
            find_existing=_find_by_uid(conn, account_id, uids),
            **extra,
        )
    except JMAPBulkError as error:
        error.result.failed.update(failed)
        _by_index(error.result, len(objects))
        raise
    result.failed.update(failed)
    _raise_if_failed(_by_index(result, len(objects)), "created")
    return CreatedIds([result.created[str(i)] for i in range(len(objects))], result)


def create_events(
    conn: Connection, calendar_id: str, ical_strs: Iterable[str], **extra: JSONValue
) -> Steps[CreatedIds]:
    """Create many events with as few /set calls as the server's limits allow; returns
    their ids in input order.  Failures (conversion or server) raise JMAPBulkError whose
    ``result`` keys them by input position ("0", "1", ...), with the created ones' ids."""
    objects: list[JSONObject | JMAPError] = []
    for ical_str in ical_strs:
        try:
            objects.append(
                ical_to_jscal(ical_str, calendar_id=calendar_id, dialect=dialect_of(conn))
            )
        except JMAPConversionError as error:
            objects.append(error)
    return (yield from _create_all(conn, objects, **extra))


def ics_text(source: object) -> str:
    """The iCalendar text of an import: a ``str`` is the text itself, always (never a file
    name); ``bytes`` are UTF-8 text; a ``pathlib.Path`` (``os.PathLike``) or a file object
    is read.  Text without a VCALENDAR raises JMAPConversionError, which quotes none of it
    (it may be a file's content)."""
    if isinstance(source, os.PathLike):
        with open(source, "rb") as handle:
            source = handle.read()
    elif hasattr(source, "read"):
        source = source.read()
    elif not isinstance(source, (str, bytes, bytearray, memoryview)):
        raise TypeError(
            "ics must be iCalendar text (str or bytes), a pathlib.Path or a file object, "
            f"not {type(source).__name__}"
        )
    if isinstance(source, (bytes, bytearray, memoryview)):
        try:
            source = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise JMAPConversionError(f"the iCalendar data is not UTF-8 ({error.reason})") from None
    if not isinstance(source, str):
        raise TypeError(f"the file object's read() gave {type(source).__name__}, not text")
    if "BEGIN:VCALENDAR" not in source.upper():
        raise JMAPConversionError(
            f"import_ics: the text ({len(source)} characters) is not iCalendar (no "
            "BEGIN:VCALENDAR); a str is always taken as iCalendar text; pass a pathlib.Path "
            "to import a file"
        )
    return source


def import_ics(
    conn: Connection, calendar_id: str, source: Any, **extra: JSONValue
) -> Steps[CreatedIds]:
    """Create every event of an .ics file in ``calendar_id`` (``source``: see
    :func:`ics_text`): one event per UID, its recurrence instances included; ids in the
    file's order of UIDs."""
    text = ics_text(source)
    objects = ical_to_jscal_all(text, calendar_id=calendar_id, dialect=dialect_of(conn))
    return (yield from _create_all(conn, list(objects), **extra))


def update_events(
    conn: Connection,
    updates: dict[str, str],
    current: Mapping[str, JMAPEvent] | None = None,
    **extra: JSONValue,
) -> Steps[BulkResult]:
    """Update many events (event id -> new iCalendar): one /get of those ``current`` does
    not hold (the events as last read), then patches of what changed, in as few /set calls
    as the limits allow; returns what the /set calls did (with their states)."""
    account_id = yield from conn.account_for()
    known = current or {}
    by_id = {i: known[i].to_jmap() for i in updates if i in known}
    unread = [i for i in updates if i not in by_id]
    if unread:
        got = yield from get_by_ids(conn, EVENT, account_id, unread)
        by_id.update({obj["id"]: obj for obj in got.objects})
    patches: JSONObject = {}
    failed: dict[str, JMAPError] = {}
    for event_id, ical_str in updates.items():
        if event_id not in by_id:
            failed[event_id] = JMAPNotFoundError(f"no event {event_id}", "notFound")
            continue
        try:
            new = ical_to_jscal(ical_str, dialect=dialect_of(conn))
            check_uid(event_id, by_id[event_id], new)
            bad = control_character(new, "")
            if bad is not None:
                raise JMAPConversionError(
                    f"event {event_id}: a control character in its text; not sent", property=bad
                )
        except JMAPError as error:
            failed[event_id] = error
            continue
        patch = event_patch(by_id[event_id], new, dialect_of(conn))
        if patch:
            patches[event_id] = patch
    result = yield from set_events(conn, account_id, update=patches, **extra)
    result.failed.update(failed)
    _raise_if_failed(result, "updated")
    return result


def delete_events(
    conn: Connection, event_ids: Iterable[str], **extra: JSONValue
) -> Steps[BulkResult]:
    """Delete many events in as few /set calls as the limits allow; returns what the /set
    calls did (with their states)."""
    account_id = yield from conn.account_for()
    result = yield from set_many(conn, EVENT, account_id, destroy=list(event_ids), **extra)
    _raise_if_failed(result, "deleted")
    return result
