"""Test data helpers for the Cyrus integration tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def ics(
    uid: str,
    summary: str = "Test event",
    start: str = "20260601T100000",
    end: str = "20260601T110000",
    tzid: str = "Europe/Oslo",
    extra: str = "",
) -> str:
    """A one-event VCALENDAR."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//caldav-jmap tests//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID={tzid}:{start}",
        f"DTEND;TZID={tzid}:{end}",
        f"SUMMARY:{summary}",
        *[line for line in extra.splitlines() if line.strip()],
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def eventually(probe: Callable[[], Any], timeout: float = 15.0) -> Any:
    """``probe()``'s first truthy value, retried while the server catches up.

    Cyrus indexes events for text search in the background (a rolling squatter), so a text
    query may miss an event for a fraction of a second after it was created.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)
