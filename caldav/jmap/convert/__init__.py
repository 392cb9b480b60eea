"""iCalendar <-> JSCalendar (RFC 8984) conversion.

The converter is a table of small per-property mappers: the modules of this package
(``simple``, ``times``, ``participants``, ``recurrence``, ``alerts``, ``locations``,
``links``) hold the mappers, and ``properties.TABLE`` has one descriptor per property
(its iCalendar and JSCalendar names, its two mappers, whether it may repeat, its
default, whether an override may patch it, whether the server manages it);
``ical_to_jscal`` and ``jscal_to_ical`` walk the data with the tables derived from it.
Supporting another property means one descriptor (and its mappers, if no factory of
``simple`` fits). Importing this package loads no HTTP client.

iCalendar elements without a JSCalendar home are kept in the ``python-caldav:iCalendar``
vendor property, JSCalendar properties without an iCalendar home travel as the draft's
JSPROP property.

The dialect written is RFC 8984 as Cyrus 3.10 speaks it (``recurrenceRules`` is a list),
or the JSCalendar 2.0 draft's with ``dialect=JSCALENDAR_2`` (``recurrenceRule``, unconverted
data in the ``iCalendar`` property); ``jscal_to_ical`` reads both. ``ical_to_jscal_all``
converts a calendar of several objects, ``jscal_to_ical`` takes a list.

Example::

    from caldav.jmap.convert import ical_to_jscal, jscal_to_ical

    event = ical_to_jscal(
        "BEGIN:VCALENDAR\\r\\nVERSION:2.0\\r\\nPRODID:-//x//y//EN\\r\\n"
        "BEGIN:VEVENT\\r\\nUID:1@example.com\\r\\nDTSTAMP:20260101T000000Z\\r\\n"
        "DTSTART;TZID=Europe/Berlin:20260105T100000\\r\\nDURATION:PT1H\\r\\n"
        "SUMMARY:Standup\\r\\nEND:VEVENT\\r\\nEND:VCALENDAR\\r\\n",
        calendar_id="cal1",
    )
    assert event["start"] == "2026-01-05T10:00:00"
    assert event["timeZone"] == "Europe/Berlin" and event["duration"] == "PT1H"
    ics = jscal_to_ical(event)  # VCALENDAR with a VTIMEZONE for Europe/Berlin
"""

from caldav.jmap.convert.dialect import DIALECTS, JSCALENDAR_2, RFC8984
from caldav.jmap.convert.ical_to_jscal import ical_to_jscal, ical_to_jscal_all
from caldav.jmap.convert.jscal_to_ical import jscal_to_ical

__all__ = [
    "DIALECTS",
    "JSCALENDAR_2",
    "RFC8984",
    "ical_to_jscal",
    "ical_to_jscal_all",
    "jscal_to_ical",
]
