"""Watching for changes (RFC 8620 §7): the sans-IO core the clients' ``watch`` and
``listen`` drive.

A :class:`Watcher` decides everything about one watch: which stream to open (the session's
EventSource, or a WebSocket push when the client is on a socket), how to read what arrives
(:class:`~caldav.jmap._protocol.eventsource.EventSourceParser`), when and how long to wait
before reconnecting (:class:`ReconnectPolicy`), and what was missed while disconnected.  A
server need not replay the changes made while a client was away, so the watcher remembers
the last state it saw of each data type, and after every (re)connection compares it with the
server's current states (one ``/get`` with no ids per type, in one request): a difference
becomes a ``synthetic`` :class:`~caldav.jmap._protocol.eventsource.StateChange`.  It also
drops changes that tell nothing new (a state it already reported), so the replay a server
sends for Last-Event-ID is not reported twice.

A client drives it in a few lines (see ``JMAPClient._watch``)::

    while watcher.running:
        with watcher.attempt(), closing(transport.stream(*run(watcher.open()))) as parts:
            for part in parts:
                yield from run(watcher.receive(part))

A :class:`Listener` turns each StateChange into the objects that changed, keeping the
tokens itself: for any data type of :mod:`caldav.jmap._registry` whose spec reads objects
and offers ``/changes``, the engine's whole delta read into the spec's objects.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.eventsource import (
    EventSourceParser,
    StateChange,
    event_source_url,
    state_change_from_event,
)
from caldav.jmap._protocol.http import HTTPRequest, HTTPResponse, raise_for_status
from caldav.jmap._protocol.objects import object_changes
from caldav.jmap._protocol.request import RequestBuilder
from caldav.jmap._protocol.retry import RETRY_STATUSES, backoff_ceiling
from caldav.jmap._protocol.spec import TypeSpec
from caldav.jmap._protocol.standard import parse_get
from caldav.jmap._protocol.steps import Pause, Steps
from caldav.jmap._registry import SPECS
from caldav.jmap.constants import ERROR_BODY_BYTES
from caldav.jmap.error import (
    JMAPCannotCalculateChangesError,
    JMAPConnectionError,
    JMAPError,
    JMAPMethodError,
)

__all__ = [
    "DEFAULT_TYPES",
    "Listener",
    "ReconnectPolicy",
    "Watcher",
    "current_states",
]

#: The data types watched when none are named.
DEFAULT_TYPES = ("CalendarEvent", "Calendar")

#: The data types whose states a watch of every type compares after a reconnection
#: (``/get`` with no ids; their capabilities are their specs').
STATE_TYPES = (
    "CalendarEvent",
    "Calendar",
    "ParticipantIdentity",
    "CalendarEventNotification",
    "Task",
    "TaskList",
    "Principal",
)


StateKey = tuple[str, str]  # (account id, data type name)


@dataclass
class ReconnectPolicy:
    """When to reconnect a dropped push stream, and how long to wait first.

    Exponential backoff with jitter: before reconnection number ``attempt`` (0 after a
    connection that worked) it waits between half and all of
    ``min(max_delay, base_delay * 2**attempt)``, and at least what the server asked for
    (the stream's ``retry:``, or Retry-After on a 429/503), up to ``max_delay``.
    ``max_attempts`` failed connections in a row make it give up (None: never).
    """

    base_delay: float = 1.0
    max_delay: float = 60.0
    max_attempts: int | None = None
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def delay(self, attempt: int, server_hint: float | None = None) -> float:
        """Seconds to wait before reconnection number ``attempt`` (0-based)."""
        # equal jitter: at least half the ceiling, so a reconnection storm still spreads
        # out while a lone client does not hammer the server at once
        ceiling = backoff_ceiling(self.base_delay, self.max_delay, attempt)
        wait = self.rng.uniform(ceiling / 2, ceiling)
        if server_hint is not None:
            wait = max(wait, min(server_hint, self.max_delay))
        return wait

    def gives_up(self, failures: int) -> bool:
        """Whether ``failures`` failed connections in a row are enough to stop trying."""
        return self.max_attempts is not None and failures >= self.max_attempts


def _has_state(spec: TypeSpec[object]) -> bool:
    """Whether the type has a state to follow: it offers /changes (a PushSubscription or a
    Blob has none)."""
    return any(method.name == "changes" for method in spec.methods)


class _Stopped(Exception):
    """Raised inside a watch to end it (the stop event was set); never leaves the watcher."""


def current_states(conn: Connection, types: tuple[str, ...]) -> Steps[dict[StateKey, str]]:
    """The server's current state of each of ``types`` that it supports, in one request
    (``/get`` with an empty ``ids`` list transfers no objects).  Types the session has no
    capability for, or whose ``/get`` fails, are left out."""
    session = yield from conn.ensure_session()
    builder = RequestBuilder()
    asked: list[tuple[str, str, str]] = []  # (call id, type, account)
    for name in types:
        spec = SPECS.get(name)
        if spec is None or not _has_state(spec) or not session.has_capability(spec.capability):
            continue
        account_id = yield from conn.account_for(spec.capability)
        call = builder.add(spec.get(account_id, []))
        asked.append((call.call_id, name, account_id))
    if not asked:
        return {}
    responses = yield from conn.call(builder)
    states: dict[StateKey, str] = {}
    for call_id, name, account_id in asked:
        method = f"{name}/get"
        answer = responses.find(call_id, method)
        if answer.is_error:
            continue
        states[(account_id, name)] = parse_get(answer.arguments, method).state
    return states


class Watcher:
    """The state of one watch (sans-IO): see the module documentation.

    ``types``: the data type names to watch (None or empty: every type); ``ping``: the
    seconds between the server's keep-alive pings (0: none; a stream silent for twice as
    long is taken as dead); ``stop``: anything with ``is_set()`` (a threading.Event or an
    asyncio.Event) ending the watch when set, checked whenever something arrives;
    ``channel``: the client's WebSocket channel when it is on a socket.
    """

    def __init__(
        self,
        conn: Connection,
        types: tuple[str, ...] | list[str] | None = DEFAULT_TYPES,
        ping: int = 30,
        *,
        policy: ReconnectPolicy | None = None,
        stop: Any = None,
        channel: Any = None,
    ) -> None:
        if isinstance(ping, bool) or not isinstance(ping, int) or ping < 0:
            raise ValueError(f"ping must be a whole number of seconds >= 0, not {ping!r}")
        self.conn = conn
        self.types = tuple(types or ())
        self.ping = ping
        self.policy = policy or ReconnectPolicy()
        self.stop = stop
        self.channel = channel
        self.running = True
        #: The last state seen of each (account id, type): from the server's answers to
        #: the state checks and from the changes received.
        self.states: dict[StateKey, str] = {}
        self.failures = 0
        self.connections = 0
        self.last_event_id: str | None = None
        self.push_state: str | None = None
        self._baseline = False
        self._dropped = False
        self._server_hint: float | None = None
        self._parser = EventSourceParser()
        self._head: HTTPResponse | None = None
        self._error_body = b""

    # -- what the driver calls ----------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        """How long the stream may stay silent before it is taken as dead."""
        return None if self.ping == 0 or self.channel is not None else 2 * self.ping + 5

    def open(self) -> Steps[tuple[Any, float | None]]:
        """The stream to open next and its read timeout; after a drop, waits first as the
        policy says.  The first time, it also records the states to compare with."""
        if self._dropped:
            yield Pause(self.policy.delay(self.failures - 1, self._server_hint))
            self._check_stop()
        self._server_hint = None
        session = yield from self.conn.ensure_session()
        if not self._baseline:
            self.states.update((yield from current_states(self.conn, self._checked_types())))
            self._baseline = True
        self._head, self._error_body = None, b""
        if self.channel is not None:
            return self.channel.push_enable(self.types or None, self.push_state), None
        if not session.event_source_url:
            raise JMAPError(url=session.url, reason="the session has no eventSourceUrl")
        self._parser = EventSourceParser()
        self._parser.last_event_id = self.last_event_id
        url = event_source_url(session.event_source_url, self.types or None, "no", self.ping)
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        return HTTPRequest("GET", url, headers), self.read_timeout

    def receive(self, part: HTTPResponse | bytes | StateChange) -> Steps[list[StateChange]]:
        """The changes to report for what arrived: the stream's head (then the state check
        runs, and reports what changed while disconnected), bytes of the EventSource
        body, or a StateChange pushed over a WebSocket."""
        self._check_stop()
        if isinstance(part, HTTPResponse):
            self._head = part
            if not 200 <= part.status < 300:
                return []
            self.connections += 1
            current = yield from current_states(self.conn, self._checked_types())
            return self._compare(current)
        bad_head = self._head is not None and not 200 <= self._head.status < 300
        if isinstance(part, bytes) and bad_head:
            self._error_body = (self._error_body + part)[:ERROR_BODY_BYTES]
            return []
        if isinstance(part, StateChange):
            self.failures = 0
            self.push_state = part.push_state or self.push_state
            return self._fresh(part)
        changes: list[StateChange] = []
        for event in self._parser.feed(part):
            self.failures = 0  # the connection works: the next drop reconnects quickly
            change = state_change_from_event(event)
            if change is not None:
                changes.extend(self._fresh(change))
        self.last_event_id = self._parser.last_event_id
        return changes

    def start_from(self, states: dict[StateKey, str]) -> None:
        """Take ``states`` as the last seen (instead of asking the server on first open)."""
        self.states.update(states)
        self._baseline = True

    @contextmanager
    def attempt(self) -> Iterator[None]:
        """Around one connection: a broken or ended stream is recorded as a drop (raised
        when the policy gives up, or when the server refused for good); a set stop event
        ends the watch."""
        try:
            yield
        except _Stopped:
            self.running = False
            return
        except JMAPConnectionError as error:
            self._lost(error)
            return
        self._lost(None)

    # -- decisions ------------------------------------------------------------------------

    def _check_stop(self) -> None:
        if self.stop is not None and self.stop.is_set():
            raise _Stopped

    def _checked_types(self) -> tuple[str, ...]:
        return self.types or STATE_TYPES

    def _lost(self, error: JMAPConnectionError | None) -> None:
        head = self._head
        if head is not None and not 200 <= head.status < 300:
            answer = HTTPResponse.build(head.status, head.headers, self._error_body, head.url)
            try:
                raise_for_status(answer, "the push stream")
            except JMAPError as refused:
                if head.status not in RETRY_STATUSES and head.status < 500:
                    raise  # refused for good (401, 403, 404, ...): retrying cannot help
                error = JMAPConnectionError(url=head.url, reason=refused.reason)
                self._server_hint = getattr(refused, "retry_after_seconds", None)
        elif self._parser.retry is not None:
            self._server_hint = self._parser.retry / 1000
        self.failures += 1
        self._dropped = True
        if self.policy.gives_up(self.failures):
            raise error or JMAPConnectionError(reason="the push stream ended; gave up")
        if self.stop is not None and self.stop.is_set():
            self.running = False

    def _fresh(self, change: StateChange) -> list[StateChange]:
        """``change`` without the states already known; nothing when nothing is new."""
        fresh: dict[str, dict[str, str]] = {}
        for account_id, types in change.changed.items():
            for name, state in types.items():
                if self.states.get((account_id, name)) != state:
                    fresh.setdefault(account_id, {})[name] = state
                    self.states[(account_id, name)] = state
        return [StateChange(fresh, change.push_state)] if fresh else []

    def _compare(self, current: dict[StateKey, str]) -> list[StateChange]:
        """A synthetic change for what differs between the states known and ``current``."""
        missed: dict[str, dict[str, str]] = {}
        for (account_id, name), state in current.items():
            known = self.states.get((account_id, name))
            if known is not None and known != state:
                missed.setdefault(account_id, {})[name] = state
            self.states[(account_id, name)] = state
        return [StateChange(missed, synthetic=True)] if missed else []


#: (type name, added, modified, deleted ids)
ChangeReport = tuple[str, list[Any], list[Any], list[str]]


def _followed(name: str) -> TypeSpec[object] | None:
    """The spec of a data type listen() can follow: one whose objects its spec reads and
    that has a state (offers /changes)."""
    spec = SPECS.get(name)
    return spec if spec is not None and spec.read is not None and _has_state(spec) else None


class Listener:
    """What ``listen()`` keeps: a :class:`Watcher`, the ``/changes`` token of each data type
    followed, and how many reports are left before it ends (``max_events``)."""

    def __init__(
        self,
        conn: Connection,
        client: Any,
        types: tuple[str, ...] | list[str],
        ping: int = 30,
        *,
        max_events: int | None = None,
        policy: ReconnectPolicy | None = None,
        stop: Any = None,
        channel: Any = None,
    ) -> None:
        self.conn = conn
        self.client = client
        self.requested = tuple(types)
        self.watcher = Watcher(
            conn, self.requested, ping, policy=policy, stop=stop, channel=channel
        )
        self.max_events = max_events
        self.reported = 0
        self.tokens: dict[str, str] = {}
        self._specs: dict[str, TypeSpec[object]] = {}
        self._account: dict[str, str] = {}

    @property
    def done(self) -> bool:
        """Whether ``max_events`` reports were made."""
        return self.max_events is not None and self.reported >= self.max_events

    def start(self) -> Steps[None]:
        """Take the current state of each type followed as its first token; types the
        server (or this client) cannot follow are dropped."""
        session = yield from self.conn.ensure_session()
        for name in self.requested:
            spec = _followed(name)
            if spec is None or not session.has_capability(spec.capability):
                continue
            self._specs[name] = spec
            self._account[name] = yield from self.conn.account_for(spec.capability)
        states = yield from current_states(self.conn, tuple(self._specs))
        missing = [n for n in self._specs if (self._account[n], n) not in states]
        if missing:
            raise JMAPError(
                url=self.conn.url,
                reason=f"the server did not give the current state of {', '.join(missing)} "
                "(its /get failed): the listener cannot start without it",
            )
        self.tokens = {name: states[(self._account[name], name)] for name in self._specs}
        # the watch starts from these same states: a change made before its stream opens
        # is then reported by its first state check
        self.watcher.types = tuple(self._specs) or self.requested
        self.watcher.start_from(states)

    def fetch(self, change: StateChange) -> Steps[list[ChangeReport]]:
        """The objects that changed, per type ``change`` names with a new state: each
        type's ``/changes`` since its token, which then moves on."""
        reports: list[ChangeReport] = []
        for name, spec in self._specs.items():
            if self.done:
                break
            state = change.state(name, self._account[name])
            if state is None or state == self.tokens[name]:
                continue
            try:
                added, modified, deleted, token = yield from object_changes(
                    self.conn, spec, self.tokens[name], self.client
                )
            except JMAPMethodError as error:
                if error.error_type != "cannotCalculateChanges":
                    raise
                # typed, so a caller (caldav-jmap watch) can resynchronise and listen again
                raise JMAPCannotCalculateChangesError(
                    f"the server cannot tell what changed in {name} since the "
                    "listener's token: resynchronise, then listen again",
                    "cannotCalculateChanges",
                    method=error.method,
                ) from error
            self.tokens[name] = token
            if added or modified or deleted:
                reports.append((name, list(added), list(modified), list(deleted)))
                self.reported += 1
        return reports
