"""The converter's property table (caldav/jmap/convert/properties.py), tested row by row:
every repeatable property survives two occurrences (ical -> jscal -> ical), every
once-only property is written once and a second occurrence is not lost; the sets the
rest of the package uses are the table's."""

from __future__ import annotations

import json
from typing import Any

import pytest

from caldav.jmap.convert import (
    alerts,
    ical_to_jscal,
    jscal_to_ical,
    links,
    locations,
    participants,
    properties,
    recurrence,
    simple,
    times,
    valid,
)
from caldav.jmap.convert.context import ToICal, ToJSCal
from caldav.jmap.convert.dispatch import run_to_ical, run_to_jscal
from caldav.jmap.convert.jsprop import jsprop_to_ical
from caldav.jmap.convert.model import ICalComponent, ICalProperty, parse_ical
from caldav.jmap.convert.preserve import VENDOR_KEY
from caldav.jmap.convert.properties import TABLE, Property

#: Two occurrences of every iCalendar property the table converts (what follows the name),
#: and, where the JSCalendar object holds the second one in another form, that form.
SAMPLES: dict[str, tuple[str, str] | tuple[str, str, str]] = {
    "UID": (":a@example.com", ":b@example.com"),
    "DTSTAMP": (":20260101T000000Z", ":20260102T000000Z"),
    "LAST-MODIFIED": (":20260101T000000Z", ":20260102T000000Z"),
    "CREATED": (":20260101T000000Z", ":20260102T000000Z"),
    "SEQUENCE": (":1", ":2"),
    "SUMMARY": (":One", ":Two"),
    "DESCRIPTION": (":One", ":Two"),
    "STYLED-DESCRIPTION": (
        ";VALUE=TEXT;FMTTYPE=text/html:<p>One</p>",
        ";VALUE=TEXT;FMTTYPE=text/html:<p>Two</p>",
    ),
    "CATEGORIES": (":one", ":two"),
    "COLOR": (":red", ":blue"),
    "STATUS": (":TENTATIVE", ":CANCELLED"),
    "PRIORITY": (":1", ":2"),
    "CLASS": (":PRIVATE", ":CONFIDENTIAL"),
    "TRANSP": (":TRANSPARENT", ":OPAQUE"),
    "PERCENT-COMPLETE": (":10", ":20"),
    "COMPLETED": (":20260101T000000Z", ":20260102T000000Z"),
    "DTSTART": (":20260105T100000Z", ":20260106T100000Z"),
    "DTEND": (":20260105T110000Z", ":20260105T120000Z"),
    "DURATION": (":PT1H", ":PT2H"),
    "SHOW-WITHOUT-TIME": (";VALUE=BOOLEAN:TRUE", ";X-A=1;VALUE=BOOLEAN:TRUE", "x-a"),
    "DUE": (":20260105T100000Z", ":20260106T100000Z"),
    "ESTIMATED-DURATION": (":PT1H", ":PT2H"),
    "RECURRENCE-ID": (":20260105T100000Z", ":20260106T100000Z"),
    "RRULE": (":FREQ=DAILY;COUNT=3", ":FREQ=WEEKLY;COUNT=2"),
    "EXRULE": (":FREQ=DAILY;COUNT=3", ":FREQ=WEEKLY;COUNT=2"),
    "RDATE": (":20260110T100000Z", ":20260111T100000Z"),
    "EXDATE": (":20260110T100000Z", ":20260111T100000Z"),
    "ATTENDEE": (":mailto:a@example.com", ":mailto:b@example.com"),
    "ORGANIZER": (":mailto:boss@example.com", ":mailto:other@example.com"),
    "LOCATION": (":Room 1", ":Room 2"),
    "GEO": (":1.5;2.5", ":3.5;4.5", "geo:3.5,4.5"),
    "CONFERENCE": (";VALUE=URI:https://a.example.com/", ";VALUE=URI:https://b.example.com/"),
    "ATTACH": (":https://a.example.com/x.pdf", ":https://b.example.com/x.pdf"),
    "URL": (":https://a.example.com/", ":https://b.example.com/"),
    "RELATED-TO": (":a@example.com", ":b@example.com"),
}

#: Once-only properties the writer gives back as another, equivalent one.
WRITTEN_AS = {"DURATION": "DTEND"}  # the length from a UTC start: the end, as DTEND

_BASE = {"UID": ":base@example.com", "DTSTAMP": ":20250101T000000Z"}
_EVENT_START = {"DTSTART": ":20260105T100000Z"}

CONVERTED = [p for p in TABLE if p.ical and p.to_jscal]


def _kind(prop: Property) -> str:
    return "Event" if "Event" in prop.kinds else "Task"


def _calendar(kind: str, name: str, values: tuple[str, ...]) -> str:
    comp = "VEVENT" if kind == "Event" else "VTODO"
    base = {**_BASE, **(_EVENT_START if kind == "Event" else {})}
    lines = [k + v for k, v in base.items() if k != name] + [name + v for v in values]
    return "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN", f"BEGIN:{comp}"]
        + lines
        + [f"END:{comp}", "END:VCALENDAR", ""]
    )


def _written(ics: str, name: str) -> list[ICalProperty]:
    root = parse_ical(ics)
    main = next(c for c in root.components if c.name in ("VEVENT", "VTODO"))
    return [p for p in main.properties if p.name == name]


def _value(sample: str) -> str:
    return sample.split(":", 1)[1]


def test_every_converted_property_has_samples() -> None:
    assert {p.ical for p in CONVERTED} == set(SAMPLES)


@pytest.mark.parametrize("prop", [p for p in CONVERTED if p.repeatable], ids=lambda p: p.ical)
def test_a_repeatable_property_survives_two_occurrences(prop: Property) -> None:
    assert prop.ical is not None
    first, second = SAMPLES[prop.ical][:2]
    ics = jscal_to_ical(ical_to_jscal(_calendar(_kind(prop), prop.ical, (first, second))))
    values = {v for p in _written(ics, prop.ical) for v in p.value.split(",")}
    assert {_value(first), _value(second)} <= values


@pytest.mark.parametrize("prop", [p for p in CONVERTED if not p.repeatable], ids=lambda p: p.ical)
def test_a_once_only_property_is_written_once(prop: Property) -> None:
    assert prop.ical is not None
    name = WRITTEN_AS.get(prop.ical, prop.ical)
    samples = SAMPLES[prop.ical]
    once = jscal_to_ical(ical_to_jscal(_calendar(_kind(prop), prop.ical, samples[:1])))
    assert len(_written(once, name)) == 1
    # twice in a broken source: written once (the first), the second kept in JSCalendar
    jscal = ical_to_jscal(_calendar(_kind(prop), prop.ical, samples[:2]))
    twice = jscal_to_ical(jscal)
    assert len(_written(twice, name)) == 1
    assert _written(twice, name)[0].value == _written(once, name)[0].value
    trace = samples[2] if len(samples) > 2 else _value(samples[1])
    assert trace in json.dumps(jscal, ensure_ascii=False)


def test_a_repeatable_property_added_with_one_line_keeps_its_first_occurrence() -> None:
    # the one-line way of adding a property: a one-value mapper, declared repeatable
    contact = Property("CONTACT", "contact", *simple.raw("CONTACT", "contact"), repeatable=True)
    rows = (*TABLE, contact)
    comp = ICalComponent(
        "VEVENT", [ICalProperty("CONTACT", {}, "Jim"), ICalProperty("CONTACT", {}, "Joan")]
    )
    ctx = ToJSCal(comp, {"@type": "Event"}, "Event")
    run_to_jscal(ctx, properties.to_jscal_table(rows), {}, once=properties.once(rows))
    assert ctx.obj["contact"] == "Jim"  # the first occurrence, not overwritten
    assert ctx.obj[VENDOR_KEY]["properties"] == [["contact", {}, "unknown", "Joan"]]
    out = ToICal(ctx.obj, ICalComponent("VEVENT"), "Event")
    run_to_ical(out, properties.to_ical_table(rows), jsprop_to_ical)
    assert [p.value for p in out.component.all("CONTACT")] == ["Jim", "Joan"]


def test_two_descriptors_claiming_one_mapper_are_refused() -> None:
    title = next(p for p in TABLE if p.jscal == "title")
    other = Property("X-TITLE", "title", to_ical=title.to_ical)
    with pytest.raises(RuntimeError, match="title"):
        properties.to_ical_table((*TABLE, other))
    with pytest.raises(RuntimeError, match="SUMMARY"):
        properties.to_jscal_table((*TABLE, Property("SUMMARY", None, title.to_jscal)))


def test_every_mapper_of_the_mapper_modules_is_in_the_table() -> None:
    used = {id(p.to_jscal) for p in TABLE} | {id(p.to_ical) for p in TABLE}
    libraries: list[dict[str, Any]] = [
        simple.TO_JSCAL,
        simple.TO_ICAL,
        times.TO_JSCAL,
        times.TO_ICAL,
        participants.TO_JSCAL,
        participants.TO_ICAL,
        recurrence.TO_JSCAL,
        recurrence.TO_ICAL,
        locations.TO_JSCAL,
        locations.TO_ICAL,
        links.TO_JSCAL,
        links.TO_ICAL,
        alerts.TO_ICAL,
    ]
    unused = [name for lib in libraries for name, m in lib.items() if id(m) not in used]
    assert unused == []


def test_the_write_path_sets_are_the_tables() -> None:
    # the sets the write path used to spell out itself, now derived from the table
    assert properties.SERVER_PROPERTIES == {
        "@type", "id", "uid", "calendarIds", "isDraft", "isOrigin", "utcStart", "utcEnd",
        "baseEventId", "blobId", "x-href", "debugBlobId", "cyrusimap.org:href",
    }  # fmt: skip
    assert properties.REMOVED_VALUE == {
        "title": "", "description": "", "priority": 0, "freeBusyStatus": "busy",
        "privacy": "public", "status": "confirmed", "sequence": 0, "showWithoutTime": False,
    }  # fmt: skip
    assert properties.TASK_SERVER_PROPERTIES == {
        "id", "taskListId", "utcStart", "utcDue", "baseTaskId", "isOrigin", "blobId",
    }  # fmt: skip


def test_overrides_patch_nothing_rfc8984_forbids() -> None:
    # RFC 8984 section 4.3.5, and the JSCalendar 2.0 draft's recurrenceRule
    forbidden = {
        "@type",
        "excludedRecurrenceRules",
        "method",
        "privacy",
        "prodId",
        "recurrenceId",
        "recurrenceIdTimeZone",
        "recurrenceOverrides",
        "recurrenceRules",
        "relatedTo",
        "replyTo",
        "sentBy",
        "timeZones",
        "uid",
    }
    assert properties.NOT_PATCHABLE == forbidden | {"recurrenceRule"}
    assert properties.MAIN_ONLY <= properties.NOT_PATCHABLE


def test_the_output_check_knows_the_tables_once_only_properties() -> None:
    assert valid.ONCE["VEVENT"] == properties.ONCE_IN["VEVENT"]
    assert "TRANSP" not in valid.ONCE["VTODO"] and "DUE" not in valid.ONCE["VEVENT"]
    assert {"SUMMARY", "DTSTART", "SHOW-WITHOUT-TIME"} <= valid.ONCE["VTODO"]


def test_server_state_and_unset_defaults_are_not_written() -> None:
    task: dict[str, Any] = {
        "@type": "Task",
        "uid": "t@example.com",
        "title": "Report",
        "taskListId": "tl1",
        "baseTaskId": "t0",
        "utcDue": "2026-01-01T00:00:00Z",
        "mayInviteSelf": False,
    }
    ics = jscal_to_ical(task)
    assert "JSPROP" not in ics and "SUMMARY:Report" in ics
    assert "JSPROP;JSPTR=mayInviteSelf:true" in jscal_to_ical({**task, "mayInviteSelf": True})
