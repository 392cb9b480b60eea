"""The connection of a calendar client: the generic sans-IO
:class:`~caldav.jmap._protocol.connection.Connection` with what the calendar layer keeps
on it, so that the protocol layer holds no calendar value.
"""

from __future__ import annotations

from dataclasses import dataclass

from caldav.jmap._protocol.connection import Connection
from caldav.jmap.constants import CALENDAR_CAPABILITY
from caldav.jmap.convert.dialect import RFC8984

__all__ = ["CalendarConnection", "dialect_of"]


@dataclass
class CalendarConnection(Connection):
    """A :class:`Connection` that requires the calendar capability (the account of
    ``account_for()``), with the JSCalendar dialect events are written in and the last
    event sync token."""

    required_capability: str | None = CALENDAR_CAPABILITY
    #: The JSCalendar dialect events are written in (``caldav.jmap.convert.RFC8984``, what
    #: Cyrus 3.10 speaks, or ``JSCALENDAR_2``): sessions do not announce it, the caller
    #: chooses (``jscalendar_dialect=`` of the clients).
    jscalendar: str = RFC8984
    #: The sync token that continues where the last event sync left off (see
    #: :attr:`caldav.jmap.JMAPClient.last_sync_token`).
    last_sync_token: str | None = None


def dialect_of(conn: Connection | None) -> str:
    """The JSCalendar dialect of ``conn``: its own on a calendar connection, else RFC 8984
    (the default of the clients)."""
    return conn.jscalendar if isinstance(conn, CalendarConnection) else RFC8984
