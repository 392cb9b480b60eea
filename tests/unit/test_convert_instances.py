"""Recurrence instances and status (issue 12, classes 1, 3, 4, 5), from small hand-written
calendars of the shapes real exports have: an instance that repeats its series (Google
exports every instance a user touched), an override with DTEND and DURATION or without
DTSTART (Thunderbird), instances with their own CREATED / DTSTAMP, STATUS:CONFIRMED and
vendor status values."""

from __future__ import annotations

from typing import Any

from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.model import ICalComponent, parse_ical

SERIES = [
    "UID:s1@example.com",
    "DTSTAMP:20260201T000000Z",
    "CREATED:20251201T000000Z",
    "DTSTART;TZID=Europe/Berlin:20260105T100000",
    "DTEND;TZID=Europe/Berlin:20260105T110000",
    "RRULE:FREQ=WEEKLY;COUNT=5",
    "SEQUENCE:0",
    "SUMMARY:Weekly",
]


def calendar(*components: list[str]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for props in components:
        lines += ["BEGIN:VEVENT", *props, "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"


def instance(*extra: str, rid: str = "20260112T100000") -> list[str]:
    return [
        "UID:s1@example.com",
        f"RECURRENCE-ID;TZID=Europe/Berlin:{rid}",
        f"DTSTART;TZID=Europe/Berlin:{rid}",
        f"DTEND;TZID=Europe/Berlin:{rid[:9]}110000",
        "SUMMARY:Weekly",
        *extra,
    ]


def events(text: str) -> list[ICalComponent]:
    return [c for c in parse_ical(text).components if c.name == "VEVENT"]


def by_rid(text: str) -> dict[str | None, ICalComponent]:
    found = {}
    for comp in events(text):
        rid = comp.first("RECURRENCE-ID")
        found[rid.value if rid else None] = comp
    return found


# --- class 1: an instance equal to its series stays an instance -----------------------------


def test_an_instance_that_repeats_its_series_stays_an_instance() -> None:
    text = calendar(SERIES, instance("DTSTAMP:20260201T000000Z", "SEQUENCE:0"))
    event = ical_to_jscal(text)
    assert event["recurrenceOverrides"] == {"2026-01-12T10:00:00": {"updated": event["updated"]}}
    back = jscal_to_ical(event)
    comps = by_rid(back)
    assert set(comps) == {None, "20260112T100000"}
    assert comps[None].first("RDATE") is None  # no duplicate occurrence
    assert comps["20260112T100000"].first("SUMMARY").value == "Weekly"


def test_an_empty_override_on_a_generated_occurrence_is_an_instance_not_an_rdate() -> None:
    event: dict[str, Any] = {
        "@type": "Event",
        "uid": "x@example.com",
        "start": "2026-01-05T10:00:00",
        "timeZone": "Europe/Berlin",
        "duration": "PT1H",
        "recurrenceRules": [{"@type": "RecurrenceRule", "frequency": "weekly", "count": 5}],
        # one the rule makes (Jan 12), one it does not (Jan 13: an added occurrence)
        "recurrenceOverrides": {"2026-01-12T10:00:00": {}, "2026-01-13T10:00:00": {}},
    }
    comps = by_rid(jscal_to_ical(event))
    assert set(comps) == {None, "20260112T100000"}
    assert [p.value for p in comps[None].all("RDATE")] == ["20260113T100000"]


# --- class 3: overrides are valid and never lose the series' start ------------------------


def test_an_override_with_dtend_and_duration_gives_one_end() -> None:
    text = calendar(SERIES, instance("DURATION:PT2H"))
    back = jscal_to_ical(ical_to_jscal(text))
    comp = by_rid(back)["20260112T100000"]
    ends = comp.all("DTEND") + comp.all("DURATION")
    assert len(ends) == 1


def test_an_override_without_dtstart_keeps_the_series_start() -> None:
    lines = [line for line in instance() if not line.startswith(("DTSTART", "DTEND"))]
    event = ical_to_jscal(calendar(SERIES, lines))
    patch = event["recurrenceOverrides"]["2026-01-12T10:00:00"]
    assert "start" not in patch and "timeZone" not in patch and "duration" not in patch
    comp = by_rid(jscal_to_ical(event))["20260112T100000"]
    assert comp.first("DTSTART").value == "20260112T100000"
    assert comp.first("DTSTART").param("TZID") == "Europe/Berlin"


# --- class 4: instances keep their own metadata ------------------------------------------


def test_instances_keep_their_own_created_and_dtstamp() -> None:
    own = ("DTSTAMP:20260301T000000Z", "CREATED:20251203T000000Z", "SEQUENCE:2")
    back = jscal_to_ical(ical_to_jscal(calendar(SERIES, instance(*own))))
    comp = by_rid(back)["20260112T100000"]
    assert comp.first("DTSTAMP").value == "20260301T000000Z"
    assert comp.first("CREATED").value == "20251203T000000Z"
    assert comp.first("SEQUENCE").value == "2"
    series = by_rid(back)[None]
    assert series.first("CREATED").value == "20251201T000000Z"


def test_an_instance_without_dtstamp_takes_the_series_one() -> None:
    event = ical_to_jscal(calendar(SERIES, instance("SUMMARY:Other")))
    patch = event["recurrenceOverrides"]["2026-01-12T10:00:00"]
    assert "updated" not in patch and "created" not in patch  # never null: inherited
    comp = by_rid(jscal_to_ical(event))["20260112T100000"]
    assert comp.first("DTSTAMP").value == "20260201T000000Z"


# --- class 5: status -----------------------------------------------------------------------


def test_status_confirmed_is_written_when_the_object_states_it() -> None:
    text = calendar([*SERIES, "STATUS:CONFIRMED"])
    event = ical_to_jscal(text)
    assert event["status"] == "confirmed"
    event.pop("python-caldav:iCalendar", None)  # as through a server that drops vendor data
    assert by_rid(jscal_to_ical(event))[None].first("STATUS").value == "CONFIRMED"


def test_no_status_stays_no_status() -> None:
    assert by_rid(jscal_to_ical(ical_to_jscal(calendar(SERIES))))[None].first("STATUS") is None


def test_a_vendor_status_value_is_read_and_kept() -> None:
    event = ical_to_jscal(calendar(SERIES))
    event["status"] = "example.com:draft"  # RFC 8984 section 3.3 allows vendor values
    text = jscal_to_ical(event)
    assert by_rid(text)[None].first("STATUS") is None  # RFC 5545 has no such STATUS
    assert ical_to_jscal(text)["status"] == "example.com:draft"  # kept as JSPROP


def test_a_timed_instance_of_an_all_day_series_is_identified_by_a_date() -> None:
    series = ["UID:d@example.com", "DTSTAMP:20260101T000000Z", "DTSTART;VALUE=DATE:20260101"]
    series += ["RRULE:FREQ=MONTHLY", "SUMMARY:Bill"]
    moved = ["UID:d@example.com", "DTSTAMP:20260101T000000Z", "RECURRENCE-ID;VALUE=DATE:20260301"]
    moved += ["DTSTART;TZID=Europe/Vienna:20260302T170000", "DURATION:PT1H", "SUMMARY:Bill"]
    comp = by_rid(jscal_to_ical(ical_to_jscal(calendar(series, moved))))["20260301"]
    assert comp.first("RECURRENCE-ID").param("VALUE") == "DATE"  # RFC 5545: the series' type
    assert comp.first("DTSTART").param("TZID") == "Europe/Vienna"


# --- an organizer who is also an attendee keeps each line's own parameters ------------------


def test_organizer_and_attendee_lines_keep_their_own_parameters() -> None:
    lines = [
        *SERIES,
        "ATTENDEE;CN=Ann Smith;PARTSTAT=ACCEPTED;X-NUM-GUESTS=0:mailto:ann@example.com",
        "ORGANIZER;CN=Ann;SCHEDULE-AGENT=CLIENT:mailto:ann@example.com",
    ]
    event = ical_to_jscal(calendar(lines))
    [ann] = event["participants"].values()
    assert ann["name"] == "Ann Smith"  # the ATTENDEE's, in whichever order the lines come
    back = by_rid(jscal_to_ical(event))[None]
    organizer, attendee = back.first("ORGANIZER"), back.first("ATTENDEE")
    assert organizer.param("CN") == "Ann" and organizer.param("SCHEDULE-AGENT") == "CLIENT"
    assert "X-NUM-GUESTS" not in organizer.params and "PARTSTAT" not in organizer.params
    assert attendee.param("CN") == "Ann Smith" and attendee.param("X-NUM-GUESTS") == "0"
    assert "SCHEDULE-AGENT" not in attendee.params
    # changed in JSCalendar: both lines say the new name
    ann["name"] = "Ann S."
    changed = by_rid(jscal_to_ical(event))[None]
    assert changed.first("ORGANIZER").param("CN") == changed.first("ATTENDEE").param("CN")
    assert changed.first("ATTENDEE").param("CN") == "Ann S."


def test_cyrus_x_jmap_id_parameters_come_back_as_x_jmap_id() -> None:
    lines = [*SERIES, "LOCATION;X-JMAP-ID=loc1:Room 1", "ATTENDEE;X-JMAP-ID=ann:mailto:a@x"]
    event = ical_to_jscal(calendar(lines))
    assert set(event["locations"]) == {"loc1"} and set(event["participants"]) == {"ann"}
    back = by_rid(jscal_to_ical(event))[None]
    assert back.first("LOCATION").param("X-JMAP-ID") == "loc1"
    assert back.first("ATTENDEE").param("X-JMAP-ID") == "ann"
    assert "JSID" not in back.first("ATTENDEE").params
