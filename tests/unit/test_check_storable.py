"""check_storable(): the refusals a client makes before sending an event, without a server."""

from __future__ import annotations

import pytest

from caldav.jmap import JMAPConversionError, check_storable

EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
    "DTSTAMP:20260101T000000Z\r\n{start}SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_a_storable_event_passes() -> None:
    assert check_storable(EVENT.format(start="DTSTART:20260105T100000Z\r\n", summary="ok")) is None


def test_an_event_without_a_start_is_refused() -> None:
    with pytest.raises(JMAPConversionError) as refused:
        check_storable(EVENT.format(start="", summary="no start"))
    assert refused.value.property == "start"


def test_a_control_character_is_refused() -> None:
    with pytest.raises(JMAPConversionError, match="control character"):
        check_storable(EVENT.format(start="DTSTART:20260105T100000Z\r\n", summary="a\x00b"))


def test_text_that_is_no_icalendar_is_refused() -> None:
    with pytest.raises(JMAPConversionError):
        check_storable("not iCalendar")
