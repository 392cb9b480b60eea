"""Calendar operations (draft-ietf-jmap-calendars, Calendar/*)."""

from __future__ import annotations

from typing import Any

from caldav.jmap.constants import CALENDAR_CAPABILITY
from caldav.jmap.objects.calendar import JMAPCalendar
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import get_by_ids
from caldav.jmap.protocol.standard import DataType
from caldav.jmap.protocol.steps import Steps

__all__ = ["CALENDAR", "get_calendars"]

CALENDAR = DataType("Calendar", CALENDAR_CAPABILITY)


def get_calendars(conn: Connection, client: Any = None) -> Steps[list[JMAPCalendar]]:
    """Every calendar of the account, bound to ``client``."""
    account_id = yield from conn.account_for()
    result = yield from get_by_ids(conn, CALENDAR, account_id, None)
    return [JMAPCalendar.from_jmap(obj, client) for obj in result.objects]
