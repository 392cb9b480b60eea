"""JMAP push notifications as data: the EventSource stream and the StateChange object.

:class:`EventSourceParser` is a sans-IO parser of ``text/event-stream`` (the HTML Living
Standard's server-sent events, which RFC 8620 §7.3 uses): bytes in, :class:`ServerSentEvent`
values out, whatever the chunk boundaries.  :class:`StateChange` is RFC 8620 §7.1's push
object, checked field by field; :func:`state_change_from_event` reads one from an event of
type ``state`` (JMAP's), and ignores the ``ping`` events and anything else.

Example::

    parser = EventSourceParser()
    for event in parser.feed(b'event: state\\ndata: {"@type":"StateChange","changed":{}}\\n\\n'):
        change = state_change_from_event(event)
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._protocol.http import load_json
from caldav.jmap.error import JMAPError, JMAPResponseLimitError

__all__ = [
    "EventSourceParser",
    "ServerSentEvent",
    "StateChange",
    "event_source_url",
    "state_change_from_event",
]

#: The JMAP event type carrying a StateChange (RFC 8620 §7.3).
STATE_EVENT = "state"

#: Limits of one line and of one event's data (characters): a StateChange is a few hundred
#: bytes, so a stream past them is broken or hostile.
MAX_LINE_CHARS = 1_000_000
MAX_EVENT_CHARS = 4_000_000

_LINE_END = re.compile("[\r\n]")


@dataclass(frozen=True)
class ServerSentEvent:
    """One dispatched event: its type (``message`` when the server named none), its data
    (the ``data:`` lines joined by newlines) and the stream's last event id at that point."""

    event: str
    data: str
    id: str | None = None


class EventSourceParser:
    """Incremental ``text/event-stream`` parser.

    Lines end in CRLF, LF or CR, and may be split anywhere between two :meth:`feed` calls
    (also inside a UTF-8 sequence or between the CR and LF of a CRLF).  ``last_event_id``
    is what a reconnection sends as Last-Event-ID; ``retry`` the reconnection time in
    milliseconds the server asked for, or None.
    """

    def __init__(
        self, max_line_chars: int = MAX_LINE_CHARS, max_event_chars: int = MAX_EVENT_CHARS
    ) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        # the start of a line whose end has not arrived: kept as pieces, so that a long
        # line costs linear time (each chunk is scanned once, never the whole buffer)
        self._partial: list[str] = []
        self._partial_chars = 0
        self._started = False
        self._skip_lf = False
        self._event = ""
        self._data: list[str] = []
        self._data_chars = 0
        self._has_data = False
        self.max_line_chars = max_line_chars
        self.max_event_chars = max_event_chars
        self.last_event_id: str | None = None
        self.retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """The events that ``chunk`` completes; a line or an event past the limits raises
        JMAPResponseLimitError."""
        text = self._decoder.decode(chunk)
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")
        if self._skip_lf and text:
            self._skip_lf = False
            text = text.removeprefix("\n")
        events: list[ServerSentEvent] = []
        position, size = 0, len(text)
        while position < size:
            found = _LINE_END.search(text, position)
            if found is None:
                self._keep(text[position:])
                break
            end = found.start()
            line = text[position:end]
            if self._partial:
                line = "".join(self._partial) + line
                self._partial, self._partial_chars = [], 0
            self._check_line(len(line))
            width = 1
            if text[end] == "\r":
                if end + 1 < size:
                    width = 2 if text[end + 1] == "\n" else 1
                else:
                    # a CR that ends what has arrived: the LF of its CRLF may come next
                    self._skip_lf = True
            position = end + width
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _keep(self, piece: str) -> None:
        self._partial.append(piece)
        self._partial_chars += len(piece)
        self._check_line(self._partial_chars)

    def _check_line(self, chars: int) -> None:
        if chars > self.max_line_chars:
            raise JMAPResponseLimitError(
                reason=f"an EventSource line is longer than {self.max_line_chars} characters"
            )

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment: keeps the connection alive, nothing else
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data_chars += len(value) + 1
            if self._data_chars > self.max_event_chars:
                raise JMAPResponseLimitError(
                    reason=f"an EventSource event is larger than {self.max_event_chars} "
                    "characters (data lines without the blank line that ends an event)"
                )
            self._data.append(value)
            self._has_data = True
        elif name == "id":
            if "\0" not in value:
                self.last_event_id = value
        elif name == "retry":
            if value.isascii() and value.isdigit():
                self.retry = int(value)
        return None  # other fields are ignored, as the standard says

    def _dispatch(self) -> ServerSentEvent | None:
        event, data, has_data = self._event, self._data, self._has_data
        self._event, self._data, self._has_data, self._data_chars = "", [], False, 0
        if not has_data:
            return None
        return ServerSentEvent(event or "message", "\n".join(data), self.last_event_id)


@dataclass(frozen=True)
class StateChange:
    """RFC 8620 §7.1: the new state string of each data type that changed, per account.

    ``changed`` maps account id -> data type name -> state.  ``push_state`` is the
    WebSocket push state (RFC 8887) when the change came over a WebSocket.  ``synthetic``
    marks a change the client inferred after a reconnection, by comparing the states it
    knew with the server's current ones (the server's stream may not replay what was missed).
    """

    changed: dict[str, dict[str, str]]
    push_state: str | None = None
    synthetic: bool = field(default=False, compare=False)

    @classmethod
    def from_jmap(cls, data: Any, where: str = "the push StateChange") -> StateChange:
        """Check and read a decoded StateChange object; a wrong one raises JMAPError
        naming what was wrong."""
        if not isinstance(data, dict):
            raise JMAPError(reason=f"{where} is not a JSON object: {_short(data)}")
        if data.get("@type") != "StateChange":
            raise JMAPError(reason=f"{where} has @type {data.get('@type')!r}, not 'StateChange'")
        changed = data.get("changed")
        if not isinstance(changed, dict):
            raise JMAPError(reason=f"{where} has no 'changed' object: {_short(changed)}")
        result: dict[str, dict[str, str]] = {}
        for account_id, types in changed.items():
            if not isinstance(types, dict):
                raise JMAPError(
                    reason=f"{where}: changed[{account_id!r}] is not an object of type "
                    f"states: {_short(types)}"
                )
            for name, state in types.items():
                if not isinstance(state, str):
                    raise JMAPError(
                        reason=f"{where}: the state of {name!r} in account {account_id!r} "
                        f"is not a string: {_short(state)}"
                    )
            result[account_id] = dict(types)
        push_state = data.get("pushState")
        if push_state is not None and not isinstance(push_state, str):
            raise JMAPError(reason=f"{where}: pushState is not a string: {_short(push_state)}")
        return cls(result, push_state)

    def to_jmap(self) -> JSONObject:
        """The StateChange object as JSON data."""
        data: JSONObject = {"@type": "StateChange", "changed": self.changed}
        if self.push_state is not None:
            data["pushState"] = self.push_state
        return data

    @property
    def types(self) -> set[str]:
        """The data type names that changed, in any account."""
        return {name for types in self.changed.values() for name in types}

    def state(self, type_name: str, account_id: str | None = None) -> str | None:
        """The new state of ``type_name`` (in ``account_id``, or the first account naming
        it), or None when it did not change."""
        for account, types in self.changed.items():
            if account_id in (None, account) and type_name in types:
                return types[type_name]
        return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def state_change_from_event(event: ServerSentEvent) -> StateChange | None:
    """The StateChange an event carries: one for JMAP's ``state`` events, None for pings
    and other event types; malformed ``state`` data raises JMAPError."""
    if event.event != STATE_EVENT:
        return None
    data = load_json(event.data, "the EventSource 'state' event's data")
    return StateChange.from_jmap(data, "the EventSource 'state' event")


def event_source_url(
    template: str, types: list[str] | tuple[str, ...] | None, closeafter: str, ping: int
) -> str:
    """The session's ``eventSourceUrl`` template (RFC 8620 §7.3) filled in: ``types``
    (None: every type, ``*``), ``closeafter`` ("state" or "no") and ``ping`` (seconds; 0
    for no pings)."""
    if closeafter not in ("state", "no"):
        raise ValueError(f"closeafter must be 'state' or 'no', not {closeafter!r}")
    if isinstance(ping, bool) or not isinstance(ping, int) or ping < 0:
        raise ValueError(f"ping must be a whole number of seconds >= 0, not {ping!r}")
    names = "*" if not types else ",".join(types)
    values = {
        "types": quote(names, safe="*,"),
        "closeafter": closeafter,
        "ping": str(ping),
    }
    url = template
    for name, value in values.items():
        url = url.replace("{" + name + "}", value)
    return url
