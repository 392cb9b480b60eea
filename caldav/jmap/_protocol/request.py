"""Building a JMAP request: method calls, their capabilities, and result references.

A :class:`Call` is one method call before it has a call id; a :class:`RequestBuilder`
collects calls, numbers them, and turns a reference to an earlier call's result into the
``#argument`` form of RFC 8620 section 3.7.

Example::

    req = RequestBuilder()
    query = req.add(Call("CalendarEvent/query", {"accountId": "u1", "filter": {"uid": "x"}},
                         CALENDAR_CAPABILITY))
    req.add(Call("CalendarEvent/get", {"accountId": "u1", "ids": query.ref("/ids")},
                 CALENDAR_CAPABILITY))
    payload = req.to_json()   # {"using": [...], "methodCalls": [[...], [...]]}
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.constants import CORE_CAPABILITY

__all__ = [
    "READS",
    "SETS",
    "WRITES",
    "Call",
    "Invocation",
    "MethodKind",
    "RequestBuilder",
    "ResultReference",
]


@dataclass(frozen=True)
class MethodKind:
    """What a JMAP method does: whether it changes data, and when sending it twice is
    harmless (``"always"``, ``"destroys-only"`` for a /set that only destroys, ``"never"``).

    Declared with each method of a data type (:mod:`caldav.jmap._protocol.spec`); a
    :class:`Call` carries it, so whether a request may be repeated never depends on a
    method's name."""

    changes_data: bool
    repeat: str


#: A method that only reads: always safe to send again.
READS = MethodKind(changes_data=False, repeat="always")
#: A /set: safe to send again only when it does nothing but destroy.
SETS = MethodKind(changes_data=True, repeat="destroys-only")
#: A method that changes data (a /copy, a reply, an upload): never sent twice.
WRITES = MethodKind(changes_data=True, repeat="never")


@dataclass(frozen=True)
class ResultReference:
    """A pointer into the result of an earlier call of the same request (RFC 8620 §3.7)."""

    result_of: str
    name: str
    path: str

    def to_jmap(self) -> dict[str, str]:
        """The ResultReference object as sent."""
        return {"resultOf": self.result_of, "name": self.name, "path": self.path}


@dataclass(frozen=True)
class Call:
    """A method call: its name, its arguments and the capability it needs in ``using``.

    An argument whose value is a :class:`ResultReference` is sent as ``#name``.  ``kind``
    is the method's declared :class:`MethodKind`; a call without one counts as changing
    data and is never repeated.
    """

    name: str
    arguments: JSONObject
    capability: str = CORE_CAPABILITY
    extra_capabilities: tuple[str, ...] = ()
    kind: MethodKind | None = None


@dataclass(frozen=True)
class Invocation:
    """A call placed in a request, with the call id that its response will carry."""

    call: Call
    call_id: str

    @property
    def name(self) -> str:
        """The method name."""
        return self.call.name

    def ref(self, path: str, name: str | None = None) -> ResultReference:
        """A reference to ``path`` (a JSON pointer) in this call's result.

        ``name`` is the method whose response is meant, when it differs from the call's own
        (an implicit ``/set`` after ``/copy``, say).
        """
        return ResultReference(self.call_id, name or self.call.name, path)


@dataclass
class RequestBuilder:
    """Collects method calls into one JMAP Request object."""

    invocations: list[Invocation] = field(default_factory=list)

    def add(self, call: Call) -> Invocation:
        """Append ``call``; returns it with its call id, for result references."""
        invocation = Invocation(call, f"c{len(self.invocations)}")
        self.invocations.append(invocation)
        return invocation

    @property
    def using(self) -> list[str]:
        """The capabilities the calls need, core first, each once."""
        found = [CORE_CAPABILITY]
        for invocation in self.invocations:
            for capability in (invocation.call.capability, *invocation.call.extra_capabilities):
                if capability not in found:
                    found.append(capability)
        return found

    def to_json(self) -> JSONObject:
        """The Request object (RFC 8620 §3.3), ready to be serialised."""
        return {
            "using": self.using,
            "methodCalls": [
                [inv.call.name, _encode_arguments(inv.call.arguments), inv.call_id]
                for inv in self.invocations
            ],
        }


def _encode_arguments(arguments: JSONObject) -> JSONObject:
    encoded: JSONObject = {}
    for key, value in arguments.items():
        if isinstance(value, ResultReference):
            encoded["#" + key] = value.to_jmap()
        elif value is not None:
            # None means "not given": JMAP defaults apply, and some servers reject explicit nulls
            encoded[key] = value
    return encoded
