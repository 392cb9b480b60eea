"""Many objects in few requests: /set chunked by the session's limits.

:func:`set_many` creates, updates and destroys any number of objects of one data type.
Objects go into /set calls of at most ``maxObjectsInSet`` objects; calls go into requests
of at most ``maxCallsInRequest`` calls and ``maxSizeRequest`` bytes.  Failures of single
objects are collected, never lost among the successes: the :class:`BulkResult` says which
were created (with their ids), updated and destroyed, and which failed and why.

A /set whose answer was lost may have been applied, so it is never sent twice blindly: when
the connection breaks during a bulk create, the caller's ``find_existing`` (given the
creation keys of the lost request) says which objects the server already has; only the
others are sent again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from caldav.jmap.error import JMAPBulkError, JMAPError
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.request import Call, RequestBuilder
from caldav.jmap.protocol.retry import outcome_unknown
from caldav.jmap.protocol.standard import DataType, parse_set, set_error
from caldav.jmap.protocol.steps import Steps

__all__ = ["BulkResult", "FindExisting", "set_many"]

#: Given creation keys whose request's answer was lost, the ids of those the server has.
FindExisting = Callable[[list[str]], Steps[dict[str, str]]]

# How often one bulk operation recovers from a lost answer before giving up
MAX_LOST_ANSWERS = 3

# Room for the request envelope and the call's own arguments around the objects
ENVELOPE_BYTES = 2048


@dataclass
class BulkResult:
    """What a bulk /set did, object by object.

    ``created`` maps each creation key to the new id, ``failed`` each creation key or id
    that did not go through to its error (a JMAPMethodError carrying the SetError).
    """

    created: dict[str, str] = field(default_factory=dict)
    updated: list[str] = field(default_factory=list)
    destroyed: list[str] = field(default_factory=list)
    failed: dict[str, JMAPError] = field(default_factory=dict)
    new_state: str | None = None

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
        self.new_state = other.new_state or self.new_state


def _size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def _calls(
    datatype: DataType,
    account_id: str,
    create: dict[str, Any],
    update: dict[str, Any],
    destroy: list[str],
    per_call: int,
    max_bytes: int,
    extra: dict[str, Any],
) -> Iterator[Call]:
    """The /set calls, each within the object count and (roughly) the byte limit."""
    items: list[tuple[str, str, Any]] = [
        *(("create", k, v) for k, v in create.items()),
        *(("update", k, v) for k, v in update.items()),
        *(("destroy", k, None) for k in destroy),
    ]
    batch: list[tuple[str, str, Any]] = []
    size = ENVELOPE_BYTES

    def flush() -> Call:
        return datatype.set(
            account_id,
            create={k: v for kind, k, v in batch if kind == "create"} or None,
            update={k: v for kind, k, v in batch if kind == "update"} or None,
            destroy=[k for kind, k, _ in batch if kind == "destroy"] or None,
            **extra,
        )

    for item in items:
        item_size = _size(item[2]) + len(item[1]) + 8
        if batch and (len(batch) >= per_call or size + item_size > max_bytes):
            yield flush()
            batch, size = [], ENVELOPE_BYTES
        batch.append(item)
        size += item_size
    if batch:
        yield flush()


def _requests(calls: list[Call], max_calls: int, max_bytes: int) -> Iterator[list[Call]]:
    group: list[Call] = []
    size = ENVELOPE_BYTES
    for call in calls:
        call_size = _size(call.arguments)
        if group and (len(group) >= max_calls or size + call_size > max_bytes):
            yield group
            group, size = [], ENVELOPE_BYTES
        group.append(call)
        size += call_size
    if group:
        yield group


def set_many(
    conn: Connection,
    datatype: DataType,
    account_id: str,
    *,
    create: dict[str, Any] | None = None,
    update: dict[str, Any] | None = None,
    destroy: list[str] | None = None,
    find_existing: FindExisting | None = None,
    **extra: Any,
) -> Steps[BulkResult]:
    """Apply every create, update and destroy in as few requests as the limits allow.

    Per-object failures land in the result's ``failed``; a failure of a whole request
    raises :class:`~caldav.jmap.error.JMAPBulkError` whose ``result`` holds what did go
    through before it.
    """
    session = yield from conn.ensure_session()
    method = f"{datatype.name}/set"
    calls = _calls(
        datatype,
        account_id,
        create or {},
        update or {},
        destroy or [],
        session.max_objects_in_set,
        session.max_size_request,
        extra,
    )
    result = BulkResult()
    pending = list(_requests(list(calls), session.max_calls_in_request, session.max_size_request))
    lost_answers = 0
    while pending:
        group = pending.pop(0)
        builder = RequestBuilder()
        invocations = [builder.add(call) for call in group]
        try:
            responses = yield from conn.call(builder)
        except JMAPError as error:
            if not outcome_unknown(error):
                raise _partial(result, group + [c for g in pending for c in g], error) from error
            # a lost answer, or a 429/503 that does not prove nothing ran
            lost = {k: v for call in group for k, v in (call.arguments.get("create") or {}).items()}
            only_creates = len(lost) == sum(_count(call) for call in group)
            lost_answers += 1
            if find_existing is None or not only_creates or lost_answers > MAX_LOST_ANSWERS:
                raise _partial(result, group + [c for g in pending for c in g], error) from error
            # The answer was lost, not necessarily the request: ask which creations the
            # server has, and send only the others again
            existing = yield from find_existing(list(lost))
            result.created.update(existing)
            retry = {k: v for k, v in lost.items() if k not in existing}
            if retry:
                pending.insert(0, [datatype.set(account_id, create=retry, **extra)])
            continue
        for invocation in invocations:
            outcome = parse_set(responses.get(invocation.call_id, method), method)
            result.created.update({k: str(v["id"]) for k, v in outcome.created.items()})
            result.updated.extend(outcome.updated)
            result.destroyed.extend(outcome.destroyed)
            for what, errors in (
                ("create", outcome.not_created),
                ("update", outcome.not_updated),
                ("destroy", outcome.not_destroyed),
            ):
                for key, error_object in errors.items():
                    result.failed[key] = set_error(method, key, what, error_object)
            result.new_state = outcome.new_state or result.new_state
    return result


def _count(call: Call) -> int:
    args = call.arguments
    return (
        len(args.get("create") or {})
        + len(args.get("update") or {})
        + len(args.get("destroy") or [])
    )


def _partial(result: BulkResult, unsent: list[Call], cause: JMAPError) -> JMAPBulkError:
    """The error for a bulk operation cut short: what went through is in its result."""
    for call in unsent:
        args = call.arguments
        for key in [
            *(args.get("create") or {}),
            *(args.get("update") or {}),
            *(args.get("destroy") or []),
        ]:
            result.failed.setdefault(key, cause)  # type: ignore[arg-type]
    done = len(result.created) + len(result.updated) + len(result.destroyed)
    return JMAPBulkError(
        f"the bulk operation stopped after {done} objects: {cause.reason}", result=result
    )
