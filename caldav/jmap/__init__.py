"""JMAP calendaring for python-caldav users: ``from caldav.jmap import JMAPClient``.

The same configuration (``CALDAV_*`` / ``JMAP_*`` variables, the caldav config file) and
the same error hierarchy (every error is a :class:`caldav.lib.error.DAVError`) as the CalDAV
client.  Events go in and come out as iCalendar; the conversion to JSCalendar happens inside.

Example::

    from caldav.jmap import get_jmap_client

    with get_jmap_client(url="https://jmap.example.com/.well-known/jmap",
                         username="alice", password="secret") as client:
        cal = client.get_calendars()[0]
        event_id = cal.add_event(ics)
        for ical in cal.search(start="2026-01-01T00:00:00", end="2026-02-01T00:00:00"):
            print(ical)

Async: ``AsyncJMAPClient`` / ``get_async_jmap_client`` have the same methods, awaited.

The library logs to the ``caldav.jmap`` logger and prints nothing unless the application
configures logging (a NullHandler is attached, as python-caldav does for ``caldav``).
"""

import importlib
import logging
from typing import TYPE_CHECKING

from caldav.jmap._version import __version__

if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ imports on first use
    from caldav.jmap._events.storable import check_storable
    from caldav.jmap._methods.push import PushSubscription
    from caldav.jmap._protocol.bulk import BulkResult, CreatedIds
    from caldav.jmap._protocol.eventsource import StateChange
    from caldav.jmap._protocol.http import AsyncHTTPSend, HTTPRequest, HTTPResponse, HTTPSend
    from caldav.jmap._protocol.paging import PagingLimits
    from caldav.jmap._push import ReconnectPolicy
    from caldav.jmap.async_api import (
        AsyncEventSearcher,
        AsyncJMAPCalendar,
        AsyncJMAPEvent,
        AsyncJMAPPrincipal,
    )
    from caldav.jmap.async_client import AsyncJMAPClient, get_async_jmap_client
    from caldav.jmap.client import JMAPClient, get_jmap_client
    from caldav.jmap.error import (
        JMAPAuthError,
        JMAPBulkError,
        JMAPCannotCalculateChangesError,
        JMAPCapabilityError,
        JMAPConnectionError,
        JMAPConsistencyError,
        JMAPConversionError,
        JMAPCredentialsError,
        JMAPError,
        JMAPLimitError,
        JMAPMethodError,
        JMAPNotFoundError,
        JMAPProtocolError,
        JMAPRateLimitError,
        JMAPRequestTooLargeError,
        JMAPResponseLimitError,
        JMAPServerUnavailableError,
        JMAPStateMismatchError,
        JMAPTimeoutError,
        JMAPTooManyChangesError,
        JMAPURLError,
    )
    from caldav.jmap.objects.calendar import JMAPCalendar
    from caldav.jmap.objects.calendar_object import JMAPCalendarObject
    from caldav.jmap.objects.contact import JMAPAddressBook, JMAPContactCard
    from caldav.jmap.objects.event import JMAPEvent
    from caldav.jmap.objects.notification import JMAPEventNotification, JMAPTaskNotification
    from caldav.jmap.objects.principal import BusyPeriod, JMAPParticipantIdentity, JMAPPrincipal
    from caldav.jmap.objects.results import EventTexts, ObjectChanges, SyncResult
    from caldav.jmap.objects.task import JMAPTask, JMAPTaskList
    from caldav.jmap.query import AND, NOT, OR, EventSearcher, Filter, Operator

#: Where each public name lives: ``import caldav.jmap.convert`` (the converter alone)
#: loads none of the client's modules, nor the HTTP libraries (PEP 562).
_MODULES = {
    "caldav.jmap.async_api": (
        "AsyncEventSearcher",
        "AsyncJMAPCalendar",
        "AsyncJMAPEvent",
        "AsyncJMAPPrincipal",
    ),
    "caldav.jmap.async_client": (
        "AsyncJMAPClient",
        "get_async_jmap_client",
    ),
    "caldav.jmap.client": (
        "JMAPClient",
        "get_jmap_client",
    ),
    "caldav.jmap.error": (
        "JMAPAuthError",
        "JMAPBulkError",
        "JMAPCannotCalculateChangesError",
        "JMAPCapabilityError",
        "JMAPConnectionError",
        "JMAPConsistencyError",
        "JMAPConversionError",
        "JMAPCredentialsError",
        "JMAPError",
        "JMAPLimitError",
        "JMAPMethodError",
        "JMAPNotFoundError",
        "JMAPProtocolError",
        "JMAPRateLimitError",
        "JMAPRequestTooLargeError",
        "JMAPResponseLimitError",
        "JMAPServerUnavailableError",
        "JMAPStateMismatchError",
        "JMAPTimeoutError",
        "JMAPTooManyChangesError",
        "JMAPURLError",
    ),
    "caldav.jmap._events.storable": ("check_storable",),
    "caldav.jmap._methods.push": ("PushSubscription",),
    "caldav.jmap.objects.calendar": ("JMAPCalendar",),
    "caldav.jmap.objects.calendar_object": ("JMAPCalendarObject",),
    "caldav.jmap.objects.contact": (
        "JMAPAddressBook",
        "JMAPContactCard",
    ),
    "caldav.jmap.objects.event": ("JMAPEvent",),
    "caldav.jmap.objects.notification": (
        "JMAPEventNotification",
        "JMAPTaskNotification",
    ),
    "caldav.jmap.objects.principal": (
        "BusyPeriod",
        "JMAPParticipantIdentity",
        "JMAPPrincipal",
    ),
    "caldav.jmap.objects.results": (
        "EventTexts",
        "ObjectChanges",
        "SyncResult",
    ),
    "caldav.jmap.objects.task": (
        "JMAPTask",
        "JMAPTaskList",
    ),
    "caldav.jmap._protocol.bulk": (
        "BulkResult",
        "CreatedIds",
    ),
    "caldav.jmap._protocol.eventsource": ("StateChange",),
    "caldav.jmap._protocol.http": (
        "AsyncHTTPSend",
        "HTTPRequest",
        "HTTPResponse",
        "HTTPSend",
    ),
    "caldav.jmap._protocol.paging": ("PagingLimits",),
    "caldav.jmap._push": ("ReconnectPolicy",),
    "caldav.jmap.query": (
        "AND",
        "NOT",
        "OR",
        "EventSearcher",
        "Filter",
        "Operator",
    ),
}
_LAZY = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> object:
    """Import a public name's module on first use, and keep the name."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the lazily imported ones included."""
    return sorted({*globals(), *_LAZY})


logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "__version__",
    "AND",
    "NOT",
    "OR",
    "AsyncEventSearcher",
    "AsyncHTTPSend",
    "AsyncJMAPCalendar",
    "AsyncJMAPClient",
    "AsyncJMAPEvent",
    "AsyncJMAPPrincipal",
    "BulkResult",
    "CreatedIds",
    "EventSearcher",
    "EventTexts",
    "ObjectChanges",
    "PagingLimits",
    "SyncResult",
    "Filter",
    "HTTPRequest",
    "HTTPResponse",
    "HTTPSend",
    "JMAPAddressBook",
    "JMAPContactCard",
    "JMAPTaskNotification",
    "Operator",
    "PushSubscription",
    "ReconnectPolicy",
    "StateChange",
    "check_storable",
    "BusyPeriod",
    "JMAPAuthError",
    "JMAPCredentialsError",
    "JMAPBulkError",
    "JMAPCalendar",
    "JMAPCalendarObject",
    "JMAPCannotCalculateChangesError",
    "JMAPCapabilityError",
    "JMAPClient",
    "JMAPConnectionError",
    "JMAPConsistencyError",
    "JMAPConversionError",
    "JMAPError",
    "JMAPEvent",
    "JMAPEventNotification",
    "JMAPLimitError",
    "JMAPMethodError",
    "JMAPNotFoundError",
    "JMAPProtocolError",
    "JMAPParticipantIdentity",
    "JMAPPrincipal",
    "JMAPRateLimitError",
    "JMAPRequestTooLargeError",
    "JMAPResponseLimitError",
    "JMAPServerUnavailableError",
    "JMAPStateMismatchError",
    "JMAPTimeoutError",
    "JMAPTooManyChangesError",
    "JMAPURLError",
    "JMAPTask",
    "JMAPTaskList",
    "get_async_jmap_client",
    "get_jmap_client",
]
