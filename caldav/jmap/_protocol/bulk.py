"""Many objects in few requests: /set chunked by the session's limits and the clock.

:func:`set_many` creates, updates and destroys any number of objects of one data type.
Objects go into /set calls of at most ``maxObjectsInSet`` objects; calls go into requests
of at most ``maxCallsInRequest`` calls and ``maxSizeRequest`` bytes, and each request
carries no more objects than the server handles in a third of the timeout, by the time
per object measured on the requests before (:class:`ChunkSizer`).  Failures of single
objects are collected, never lost among the successes: the :class:`BulkResult` says which
were created (with their ids), updated and destroyed, and which failed and why.

A /set whose answer was lost (timeout, connection dropped) may have been applied, so it is
never sent twice blindly: the client finds out what happened (:func:`_recover`).  A
creation is looked up by the caller's ``find_existing`` (events: by UID), a destroyed
object is gone from /get, an update's values are on the server; what did not happen is
sent again (at most :data:`MAX_LOST_ANSWERS` times), and what the client could not find
out is reported failed and listed in ``in_doubt``.  Objects the server's answer leaves out
are looked up the same way, then reported failed when they did not happen.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.operations import get_by_ids
from caldav.jmap._protocol.request import Call, RequestBuilder
from caldav.jmap._protocol.retry import outcome_unknown
from caldav.jmap._protocol.spec import TypeSpec
from caldav.jmap._protocol.standard import parse_set, set_error
from caldav.jmap._protocol.steps import Steps
from caldav.jmap.error import (
    JMAPBulkError,
    JMAPError,
    JMAPNotFoundError,
    JMAPProtocolError,
)

__all__ = ["BulkResult", "ChunkSizer", "CreatedIds", "FindExisting", "set_many"]

#: Given creation keys whose request's answer was lost, the ids of those the server has.
FindExisting = Callable[[list[str]], Steps[dict[str, str]]]

# How often one bulk operation recovers from a lost answer before giving up
MAX_LOST_ANSWERS = 3

# Room for the request envelope and the call's own arguments around the objects
ENVELOPE_BYTES = 2048

#: Objects in the first request of a bulk operation when the timeout is known: a loaded
#: Cyrus 3.10 took over 30 s for a /set of 1,000 events, so the first request is modest
#: and later ones are sized by the measured time per object.
FIRST_CHUNK = 200

#: The share of the timeout one request may take, by the measured time per object.
TIMEOUT_SHARE = 1 / 3


@dataclass
class BulkResult:
    """What a bulk /set did, object by object.

    ``created`` maps each creation key to the new id, ``failed`` each creation key or id
    that did not go through to its error (a JMAPMethodError carrying the SetError).
    ``in_doubt`` lists the keys of ``failed`` whose outcome is unknown: their request's
    answer was lost and the client could not find out whether the server applied them.

    ``old_state`` is the state the first /set answer started from and ``new_state`` the
    one the last reached (RFC 8620 §5.3).  ``contiguous`` says that each answer started
    where the one before ended: then nothing but these /set calls changed the data type
    between ``old_state`` and ``new_state``, and a caller that knew ``old_state`` may take
    ``new_state`` as its next token without asking for the changes (its own echo).
    """

    created: dict[str, str] = field(default_factory=dict)
    updated: list[str] = field(default_factory=list)
    destroyed: list[str] = field(default_factory=list)
    failed: dict[str, JMAPError] = field(default_factory=dict)
    new_state: str | None = None
    in_doubt: list[str] = field(default_factory=list)
    old_state: str | None = None
    contiguous: bool = True

    @property
    def ok(self) -> bool:
        """Whether every object went through."""
        return not self.failed

    def merge(self, other: BulkResult) -> None:
        """Add what ``other`` did (a later pass over some of the same objects)."""
        self.created.update(other.created)
        self.updated.extend(other.updated)
        self.destroyed.extend(other.destroyed)
        self.failed.update(other.failed)
        self.in_doubt.extend(k for k in other.in_doubt if k not in self.in_doubt)
        if other.old_state is not None or other.new_state is not None:
            self.answered(other.old_state, other.new_state)
        self.contiguous = self.contiguous and other.contiguous

    def answered(self, old_state: str | None, new_state: str | None) -> None:
        """Chain one /set answer's states (None: the answer did not say)."""
        if old_state is None or (self.new_state is not None and old_state != self.new_state):
            self.contiguous = False
        if self.old_state is None and self.new_state is None:
            self.old_state = old_state
        self.new_state = new_state or self.new_state
        if new_state is None:
            self.contiguous = False


class CreatedIds(list[str]):
    """The ids of created objects in input order; ``result`` is the whole
    :class:`BulkResult` (its states say whether anything else changed meanwhile)."""

    def __init__(self, ids: list[str], result: BulkResult) -> None:
        super().__init__(ids)
        self.result = result


class ChunkSizer:
    """How many objects the next /set request carries: what the server handles in
    :data:`TIMEOUT_SHARE` of ``timeout`` at the time per object measured so far (at most
    doubling per request), within ``ceiling`` (the session's limits).  Without a timeout,
    the ceiling."""

    def __init__(self, ceiling: int, timeout: float | None) -> None:
        self.ceiling = max(1, ceiling)
        self.budget = timeout * TIMEOUT_SHARE if timeout else None
        self.size = self.ceiling if self.budget is None else min(FIRST_CHUNK, self.ceiling)

    def measured(self, objects: int, seconds: float) -> None:
        """A request of ``objects`` objects took ``seconds``."""
        if self.budget is None or objects <= 0:
            return
        per_object = seconds / objects
        fits = self.ceiling if per_object <= 0 else int(self.budget / per_object)
        self.size = max(1, min(self.ceiling, fits, self.size * 2))

    def lost(self) -> None:
        """A request's answer was lost (perhaps a timeout): send fewer at once."""
        self.size = max(1, self.size // 2)


@dataclass(frozen=True)
class _Item:
    kind: str  # "create", "update" or "destroy"
    key: str  # the creation key or the object id
    value: Any = None


def _size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def _calls(
    datatype: TypeSpec[object],
    account_id: str,
    items: list[_Item],
    per_call: int,
    max_bytes: int,
    extra: JSONObject,
) -> Iterator[tuple[Call, list[_Item]]]:
    """The /set calls for ``items``, each within the object count and (roughly) the byte
    limit, with the items each carries."""
    batch: list[_Item] = []
    size = ENVELOPE_BYTES

    def flush() -> tuple[Call, list[_Item]]:
        call = datatype.set(
            account_id,
            create={i.key: i.value for i in batch if i.kind == "create"} or None,
            update={i.key: i.value for i in batch if i.kind == "update"} or None,
            destroy=[i.key for i in batch if i.kind == "destroy"] or None,
            **extra,
        )
        return call, batch

    for item in items:
        item_size = _size(item.value) + len(item.key) + 8
        if batch and (len(batch) >= per_call or size + item_size > max_bytes):
            yield flush()
            batch, size = [], ENVELOPE_BYTES
        batch.append(item)
        size += item_size
    if batch:
        yield flush()


def _first_request(
    calls: Iterator[tuple[Call, list[_Item]]], max_calls: int, max_bytes: int
) -> tuple[list[tuple[Call, list[_Item]]], list[_Item]]:
    """The calls that fit in one request, and the items left for later ones."""
    group: list[tuple[Call, list[_Item]]] = []
    rest: list[_Item] = []
    size = ENVELOPE_BYTES
    for call, items in calls:
        call_size = _size(call.arguments)
        if rest or (group and (len(group) >= max_calls or size + call_size > max_bytes)):
            rest.extend(items)
            continue
        group.append((call, items))
        size += call_size
    return group, rest


def set_many(
    conn: Connection,
    datatype: TypeSpec[object],
    account_id: str,
    *,
    create: JSONObject | None = None,
    update: JSONObject | None = None,
    destroy: list[str] | None = None,
    find_existing: FindExisting | None = None,
    **extra: JSONValue,
) -> Steps[BulkResult]:
    """Apply every create, update and destroy in as few requests as the limits and the
    timeout allow.

    Per-object failures land in the result's ``failed``; a failure of a whole request
    raises :class:`~caldav.jmap.error.JMAPBulkError` whose ``result`` holds what did go
    through before it.  A lost answer is recovered from as the module says.
    """
    session = yield from conn.ensure_session()
    method = f"{datatype.name}/set"
    queue: deque[_Item] = deque(
        [
            *(_Item("create", k, v) for k, v in (create or {}).items()),
            *(_Item("update", k, v) for k, v in (update or {}).items()),
            *(_Item("destroy", k) for k in destroy or []),
        ]
    )
    per_call, max_bytes = session.max_objects_in_set, session.max_size_request
    sizer = ChunkSizer(per_call * session.max_calls_in_request, conn.timeout)
    result = BulkResult()
    lost_answers = 0
    while queue:
        batch = [queue.popleft() for _ in range(min(sizer.size, len(queue)))]
        calls = _calls(datatype, account_id, batch, per_call, max_bytes, extra)
        group, rest = _first_request(calls, session.max_calls_in_request, max_bytes)
        queue.extendleft(reversed(rest))
        sent = [item for _, items in group for item in items]
        builder = RequestBuilder()
        invocations = [builder.add(call) for call, _ in group]
        started = time.monotonic()
        try:
            responses = yield from conn.call(builder)
        except JMAPError as error:
            if not outcome_unknown(error):
                raise _partial(result, sent + list(queue), error) from error
            # a lost answer, or a 429/503 that does not prove nothing ran: what changed
            # the state is no longer known
            result.contiguous = False
            sizer.lost()
            lost_answers += 1
            # The answer was lost, not necessarily the request: find out what the server
            # did, and send only what it did not do again
            again = yield from _recover(conn, datatype, account_id, sent, find_existing, result)
            if lost_answers > MAX_LOST_ANSWERS:
                # Give up: what was found not applied, and what was never sent, failed
                raise _partial(result, again + list(queue), error) from error
            queue.extendleft(reversed(again))
            continue
        sizer.measured(len(sent), time.monotonic() - started)
        answered: set[str] = set()
        for invocation in invocations:
            outcome = parse_set(responses.get(invocation.call_id, method), method)
            result.created.update({k: str(v["id"]) for k, v in outcome.created.items()})
            result.updated.extend(outcome.updated)
            result.destroyed.extend(outcome.destroyed)
            answered.update(outcome.created, outcome.updated, outcome.destroyed)
            for what, errors in (
                ("create", outcome.not_created),
                ("update", outcome.not_updated),
                ("destroy", outcome.not_destroyed),
            ):
                for key, error_object in errors.items():
                    result.failed[key] = set_error(method, key, what, error_object)
                answered.update(errors)
            result.answered(outcome.old_state, outcome.new_state)
        left_out = [item for item in sent if item.key not in answered]
        if left_out:
            # Answered, but not about these: look them up, and report what did not happen
            undone = yield from _recover(
                conn, datatype, account_id, left_out, find_existing, result
            )
            reason = f"{method}: the server's answer says nothing about this object"
            for item in undone:
                result.failed[item.key] = JMAPProtocolError(reason=f"{reason} ({item.key})")
    return result


def _in_doubt(result: BulkResult, items: list[_Item], cause: JMAPError) -> None:
    for item in items:
        result.failed[item.key] = cause
        if item.key not in result.in_doubt:
            result.in_doubt.append(item.key)


def _applied(obj: JSONObject, patch: JSONObject) -> bool:
    """Whether every value of the PatchObject ``patch`` is what ``obj`` holds (a path
    "a/b" into nested objects; null and absent are the same)."""
    for path, value in patch.items():
        here: Any = obj
        for part in path.split("/"):
            here = (
                here.get(part.replace("~1", "/").replace("~0", "~"))
                if isinstance(here, dict)
                else None
            )
        if here != value:
            return False
    return True


def _recover(
    conn: Connection,
    datatype: TypeSpec[object],
    account_id: str,
    items: list[_Item],
    find_existing: FindExisting | None,
    result: BulkResult,
) -> Steps[list[_Item]]:
    """Find out which of ``items`` the server applied (recorded in ``result``); returns the
    ones it did not.  Those the client cannot find out about go into ``in_doubt``."""
    creates = [i for i in items if i.kind == "create"]
    others = [i for i in items if i.kind != "create"]
    undone: list[_Item] = []
    if creates:
        if find_existing is None:
            _in_doubt(result, creates, JMAPError(reason="the answer was lost; not known"))
        else:
            try:
                existing = yield from find_existing([i.key for i in creates])
            except JMAPError as error:
                _in_doubt(result, creates, error)
            else:
                result.created.update(existing)
                undone += [i for i in creates if i.key not in existing]
    if others:
        try:
            got = yield from get_by_ids(conn, datatype, account_id, sorted({i.key for i in others}))
        except JMAPError as error:
            _in_doubt(result, others, error)
            return undone
        current = {o.get("id"): o for o in got.objects}
        for item in others:
            if item.kind == "destroy" and item.key not in current:
                result.destroyed.append(item.key)
            elif (
                item.kind == "update"
                and item.key in current
                and _applied(current[item.key], item.value or {})
            ):
                result.updated.append(item.key)
            elif item.kind == "update" and item.key not in current:
                result.failed[item.key] = JMAPNotFoundError(
                    f"{datatype.name}/set: {item.key} no longer exists", "notFound"
                )
            else:
                undone.append(item)
    return undone


def _partial(result: BulkResult, unsent: list[_Item], cause: JMAPError) -> JMAPBulkError:
    """The error for a bulk operation cut short: what went through is in its result."""
    for item in unsent:
        result.failed.setdefault(item.key, cause)
    done = len(result.created) + len(result.updated) + len(result.destroyed)
    return JMAPBulkError(
        f"the bulk operation stopped after {done} objects: {cause.reason}", result=result
    )
