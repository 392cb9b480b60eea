"""Large objects convert in linear time: each ATTENDEE finds the participant it merges into
through an address index (benchmarks/bench_convert.py prints the time for 10,000)."""

from __future__ import annotations

from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.model import parse_ical


def _many(count: int) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", "BEGIN:VEVENT"]
    lines += ["UID:many@example.com", "DTSTAMP:20260101T000000Z", "DTSTART:20260105T100000Z"]
    lines.append("ORGANIZER;CN=Org:MAILTO:P7@example.com")
    lines += [f"ATTENDEE;CN=Person {i}:mailto:p{i}@example.com" for i in range(count)]
    return "\r\n".join([*lines, "END:VEVENT", "END:VCALENDAR"]) + "\r\n"


def test_thousands_of_attendees_merge_by_address() -> None:
    event = ical_to_jscal(_many(3000))
    participants = event["participants"]
    assert len(participants) == 3000  # the organizer merged into attendee p7
    owner = [p for p in participants.values() if p["roles"].get("owner")]
    assert len(owner) == 1 and owner[0]["roles"].get("attendee")
    assert owner[0]["sendTo"] == {"imip": "mailto:P7@example.com"}
    vevent = parse_ical(jscal_to_ical(event)).components[0]
    assert len(vevent.all("ATTENDEE")) == 3000 and len(vevent.all("ORGANIZER")) == 1


def test_participant_component_merges_into_attendee_by_address() -> None:
    text = _many(50).replace(
        "END:VEVENT",
        "BEGIN:PARTICIPANT\r\nUID:pc\r\nPARTICIPANT-TYPE:ACTIVE\r\n"
        "CALENDAR-ADDRESS:mailto:P30@EXAMPLE.com\r\nDESCRIPTION:Speaker\r\n"
        "END:PARTICIPANT\r\nEND:VEVENT",
    )
    participants = ical_to_jscal(text)["participants"]
    assert len(participants) == 50
    [speaker] = [p for p in participants.values() if p.get("description") == "Speaker"]
    assert speaker["name"] == "Person 30"
