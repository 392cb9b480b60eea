"""``@operation``: a client method written once as a sans-IO generator.

A public client method is defined exactly once, as a generator method that yields the
steps of :mod:`caldav.jmap._protocol.steps` and returns its result.  The decorator makes it
a method that hands the generator to the client's ``_run``: the sync client runs it to the
result, the async client returns a coroutine of it (the types of the async form are
generated into ``async_api.pyi`` by tools/gen_async_api.py, which recognises decorated
methods by :data:`OPERATION_MARK`).  So there is no forwarding layer repeating each
method's parameters.

Example::

    class CalendarMethods(ClientCore):
        @operation
        def get_calendar_sync_token(self) -> Steps[str]:
            \"\"\"The calendars' state.\"\"\"
            return (yield from current_state(self._conn, CALENDAR))

    client.get_calendar_sync_token()        # str (sync), awaitable of str (async)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from caldav.jmap._events.connection import CalendarConnection
from caldav.jmap._protocol.steps import Steps

__all__ = ["OPERATION_MARK", "ClientCore", "operation"]

P = ParamSpec("P")
T = TypeVar("T")
C = TypeVar("C", bound="ClientCore")

#: The attribute set on a method made by :func:`operation` (its value: the generator
#: function), so tools can tell the method runs an operation.
OPERATION_MARK = "__jmap_operation__"


class ClientCore:
    """What every group of client methods relies on: the sans-IO connection state
    ``_conn`` and ``_run``, which the concrete clients implement."""

    _conn: CalendarConnection

    def _run(self, operation: Steps[T]) -> T:
        # the sync client's result; the async client returns a coroutine of it
        raise NotImplementedError


def operation(method: Callable[Concatenate[C, P], Steps[T]]) -> Callable[Concatenate[C, P], T]:
    """The client method that runs the generator method ``method`` through ``_run``."""

    @functools.wraps(method)
    def run(self: C, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._run(method(self, *args, **kwargs))

    setattr(run, OPERATION_MARK, method)
    return run
