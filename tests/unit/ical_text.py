"""iCalendar text for the converter tests."""

from __future__ import annotations

from caldav.jmap.convert.model import ICalComponent, parse_ical


def vcalendar(*lines: str) -> str:
    """A VCALENDAR with one VEVENT (UID ``event-1`` and a DTSTAMP) holding ``lines``."""
    body = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//EN",
        "BEGIN:VEVENT",
        "UID:event-1",
        "DTSTAMP:20240101T000000Z",
        *lines,
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(body) + "\r\n"


def vevent(text: str) -> ICalComponent:
    """The first VEVENT of ``text``."""
    return next(c for c in parse_ical(text).components if c.name == "VEVENT")
