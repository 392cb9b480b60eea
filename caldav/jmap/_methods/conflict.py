"""Saving and deleting one event with a conflict check for *that* event.

JMAP's ``ifInState`` guards a whole data type of the account: after any change to any
event, a /set with an older state is refused with ``stateMismatch``.  An object read in a
search and saved in a loop (python-caldav's ``for ev in cal.search(): ...; ev.save()``)
would then fail on every save after the first.  So on ``stateMismatch`` the operation asks
``/changes`` since the state the event was read in: when this event is not among the
changed ids, nobody touched it and the write is retried with the newer state; when it is,
the conflict is real and :class:`~caldav.jmap.error.JMAPStateMismatchError` is raised.
"""

from __future__ import annotations

from typing import NamedTuple

from caldav.jmap._events import write
from caldav.jmap._jsontypes import JSONValue
from caldav.jmap._methods import event as event_ops
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.operations import set_one
from caldav.jmap._protocol.spec import TypeSpec
from caldav.jmap._protocol.standard import parse_changes
from caldav.jmap._protocol.steps import Steps
from caldav.jmap.error import JMAPCannotCalculateChangesError, JMAPStateMismatchError
from caldav.jmap.objects.event import JMAPEvent

__all__ = [
    "MAX_ATTEMPTS",
    "ChangedIds",
    "changed_ids_since",
    "delete_event_object",
    "save_event_object",
]

#: Writes tried before giving up on an account that others keep changing meanwhile.
MAX_ATTEMPTS = 5


class ChangedIds(NamedTuple):
    """What /changes reported since a state: every id created, updated or destroyed, and
    the state now."""

    ids: set[str]
    new_state: str


def changed_ids_since(
    conn: Connection, datatype: TypeSpec[object], account_id: str, since_state: str
) -> Steps[ChangedIds]:
    """The ids created, updated or destroyed since ``since_state`` and the state now:
    /changes alone (no object data), looping while the server has more."""
    session = yield from conn.ensure_session()
    method = f"{datatype.name}/changes"
    changed: set[str] = set()
    state = since_state
    while True:
        call = datatype.changes(account_id, state, session.max_objects_in_get)
        responses = yield from conn.call(call)
        batch = parse_changes(responses.get("c0", method), method)
        changed.update(batch.created, batch.updated, batch.destroyed)
        if batch.new_state == state and batch.has_more_changes:
            raise JMAPCannotCalculateChangesError(
                f"{method} reports more changes but no progress", "cannotCalculateChanges"
            )
        state = batch.new_state
        if not batch.has_more_changes:
            return ChangedIds(changed, state)


def _newer_state(conn: Connection, event: JMAPEvent, error: JMAPStateMismatchError) -> Steps[str]:
    """The state to retry with, if ``event`` did not change since its state; else raise
    ``error`` (also when the server cannot tell what changed)."""
    if event.state is None:
        raise error
    account_id = yield from conn.account_for()
    try:
        changed = yield from changed_ids_since(conn, event_ops.EVENT, account_id, event.state)
    except JMAPCannotCalculateChangesError:
        raise error from None
    if event.id in changed.ids:
        raise error
    return changed.new_state


def save_event_object(conn: Connection, event: JMAPEvent, **extra: JSONValue) -> Steps[None]:
    """Send what changed in ``event``; a state mismatch caused by other events is retried
    with the newer state, one caused by a change to this event raises."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return (yield from write.save_event(conn, event, **extra))
        except JMAPStateMismatchError as error:
            if attempt == MAX_ATTEMPTS - 1:
                raise
            event.state = yield from _newer_state(conn, event, error)
    return None  # not reached: the last attempt returns or raises


def delete_event_object(conn: Connection, event: JMAPEvent, **extra: JSONValue) -> Steps[None]:
    """Delete ``event`` unless it changed since it was read (as :func:`save_event_object`)."""
    account_id = yield from conn.account_for()
    for attempt in range(MAX_ATTEMPTS):
        try:
            yield from set_one(
                conn,
                event_ops.EVENT,
                account_id,
                destroy=event.id,
                if_in_state=event.state,
                **extra,
            )
            return None
        except JMAPStateMismatchError as error:
            if attempt == MAX_ATTEMPTS - 1:
                raise
            event.state = yield from _newer_state(conn, event, error)
    return None
