"""Reading a JMAP Response object (RFC 8620 §3.4) and its method-level errors (§3.6.2).

Nothing here trusts the server: every shape is checked, and a response that is not what
RFC 8620 says raises :class:`~caldav.jmap.error.JMAPError` naming what was wrong, never a
bare KeyError or TypeError.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.error import (
    METHOD_ERROR_ADVICE,
    JMAPError,
    JMAPMethodError,
    method_error_class,
)

__all__ = ["MethodResponse", "Responses", "method_error", "parse_response"]


@dataclass(frozen=True)
class MethodResponse:
    """One Invocation of a response: method name (``error`` for a failed call), arguments."""

    name: str
    arguments: JSONObject
    call_id: str

    @property
    def is_error(self) -> bool:
        """Whether the call failed."""
        return self.name == "error"

    @property
    def error_type(self) -> str | None:
        """The error type of a failed call, else None."""
        if not self.is_error:
            return None
        return str(self.arguments.get("type", "serverFail"))


def method_error(response: MethodResponse, method: str, url: str | None = None) -> JMAPMethodError:
    """The exception a failed method call stands for."""
    args = response.arguments
    error_type = response.error_type or "serverFail"
    description = args.get("description")
    reason = f"{method} failed: {error_type}"
    if description:
        reason += f" ({description})"
    if error_type in METHOD_ERROR_ADVICE:
        reason += f"; {METHOD_ERROR_ADVICE[error_type]}"
    cls = method_error_class(error_type)
    properties = args.get("properties")
    return cls(
        reason,
        error_type,
        method=method,
        description=description if isinstance(description, str) else None,
        properties=properties if isinstance(properties, list) else None,
        details=args,
        url=url,
    )


@dataclass(frozen=True)
class Responses:
    """The method responses of one request, looked up by call id."""

    items: tuple[MethodResponse, ...]
    session_state: str | None
    url: str | None = None

    def __iter__(self) -> Iterator[MethodResponse]:
        return iter(self.items)

    def all_for(self, call_id: str) -> list[MethodResponse]:
        """Every response to ``call_id`` (a /copy may answer with an implicit /set too)."""
        return [item for item in self.items if item.call_id == call_id]

    def find(self, call_id: str, method: str) -> MethodResponse:
        """The response to the call ``call_id`` of ``method``, error or not."""
        found = self.all_for(call_id)
        if not found:
            raise JMAPError(
                url=self.url, reason=f"the server did not answer the {method} call ({call_id})"
            )
        for item in found:
            if item.name == method:
                return item
        return found[0]

    def get(self, call_id: str, method: str) -> JSONObject:
        """The arguments of the successful response to ``call_id``; a failure raises."""
        item = self.find(call_id, method)
        if item.is_error:
            raise method_error(item, method, self.url)
        if item.name != method:
            raise JMAPError(
                url=self.url,
                reason=f"the server answered {method} ({call_id}) with {item.name}",
            )
        return item.arguments


def parse_response(data: Any, url: str | None = None) -> Responses:
    """Check and read a decoded Response object."""
    if not isinstance(data, dict):
        raise JMAPError(url=url, reason="the API response is not a JSON object")
    calls = data.get("methodResponses")
    if not isinstance(calls, list):
        raise JMAPError(url=url, reason="the API response has no methodResponses list")
    items = []
    for index, entry in enumerate(calls):
        if (
            not isinstance(entry, list)
            or len(entry) != 3
            or not isinstance(entry[0], str)
            or not isinstance(entry[1], dict)
            or not isinstance(entry[2], str)
        ):
            raise JMAPError(
                url=url,
                reason=f"methodResponses[{index}] is not a [name, arguments, callId] triple",
            )
        items.append(MethodResponse(entry[0], entry[1], entry[2]))
    state = data.get("sessionState")
    return Responses(tuple(items), state if isinstance(state, str) else None, url)
