"""The async client's types: at run time the shared classes, for type checkers the
generated async_api.pyi beside this file.

Both clients run one implementation (_api.py and the object classes), the async one
returning coroutines.  Type checkers read async_api.pyi, generated from that
implementation by tools/gen_async_api.py, where every method of
:class:`~caldav.jmap.async_client.AsyncJMAPClient` that talks to the server is a coroutine
and the objects it hands out are the ``Async*`` classes below, whose server methods are
coroutines too.  At run time each ``Async*`` name is the shared class itself, so
``isinstance(cal, AsyncJMAPCalendar)`` holds for any calendar.

Example::

    from caldav.jmap import AsyncJMAPCalendar, AsyncJMAPClient

    async def first(client: AsyncJMAPClient) -> AsyncJMAPCalendar:
        return (await client.get_calendars())[0]
"""

from __future__ import annotations

from caldav.jmap._api import JMAPClientAPI as AsyncJMAPClientAPI
from caldav.jmap.objects.calendar import JMAPCalendar as AsyncJMAPCalendar
from caldav.jmap.objects.event import JMAPEvent as AsyncJMAPEvent
from caldav.jmap.objects.principal import JMAPPrincipal as AsyncJMAPPrincipal
from caldav.jmap.query import EventSearcher as AsyncEventSearcher

__all__ = [
    "AsyncEventSearcher",
    "AsyncJMAPCalendar",
    "AsyncJMAPClientAPI",
    "AsyncJMAPEvent",
    "AsyncJMAPPrincipal",
]
