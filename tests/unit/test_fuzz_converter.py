"""Hostile input to the converter: whatever arrives, only JMAPConversionError escapes.

Hypothesis generates broken iCalendar (random lines, real property names with random values
and parameters, truncated files) and JSCalendar objects with wrong types at every level.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from caldav.jmap.error import JMAPConversionError

PROPERTIES = [
    "UID", "DTSTART", "DTEND", "DURATION", "SUMMARY", "RRULE", "EXDATE", "RDATE",
    "RECURRENCE-ID", "ATTENDEE", "ORGANIZER", "CATEGORIES", "PRIORITY", "CLASS", "TRANSP",
    "STATUS", "GEO", "ATTACH", "TRIGGER", "ACTION", "DUE", "PERCENT-COMPLETE", "SEQUENCE",
    "X-FOO", "COLOR", "LOCATION", "RELATED-TO", "CONFERENCE",
]  # fmt: skip
PARAMS = ["TZID", "VALUE", "CN", "PARTSTAT", "ROLE", "RSVP", "RELATED", "RANGE", "FMTTYPE"]
values = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"),
    max_size=30,
) | st.sampled_from(
    [
        "20260101T100000", "20260101", "20260101T100000Z", "PT1H", "-PT15M", "P1D",
        "FREQ=WEEKLY;COUNT=3", "FREQ=DAILY;UNTIL=2026", "mailto:a@b", "Europe/Berlin",
        "Eastern Standard Time", "1;2", "x", "", "FREQ=YEARLY;BYDAY=1MO,-1FR;BYMONTH=13",
    ]
)  # fmt: skip


@st.composite
def ical_text(draw: st.DrawFn) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:fuzz"]
    for _ in range(draw(st.integers(1, 3))):
        component = draw(st.sampled_from(["VEVENT", "VTODO", "VALARM", "VTIMEZONE", "X-THING"]))
        lines.append(f"BEGIN:{component}")
        for _ in range(draw(st.integers(0, 8))):
            name = draw(st.sampled_from(PROPERTIES))
            params = draw(st.lists(st.sampled_from(PARAMS), max_size=2))
            rendered = "".join(f";{p}={draw(values).replace(':', '')}" for p in params)
            lines.append(f"{name}{rendered}:{draw(values)}")
        if draw(st.booleans()):
            lines.append(f"END:{component}")
    if draw(st.booleans()):
        lines.append("END:VCALENDAR")
    text = "\r\n".join(lines) + "\r\n"
    cut = draw(st.integers(0, len(text)))
    return text if draw(st.booleans()) else text[:cut]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | values,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["@type", "start", "x", "offset", "name"]), children, max_size=3
        )
    ),
    max_leaves=10,
)
KEYS = [
    "@type", "uid", "title", "start", "duration", "timeZone", "showWithoutTime", "recurrenceRules",
    "recurrenceRule", "recurrenceOverrides", "participants", "alerts", "locations", "keywords",
    "priority", "privacy", "status", "links", "due", "progress", "timeZones", "relatedTo",
    "excludedRecurrenceRules", "virtualLocations", "python-caldav:iCalendar", "iCalendar",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(ical_text())
def test_ical_to_jscal_raises_only_conversion_errors(text):
    try:
        result = ical_to_jscal(text)
    except JMAPConversionError:
        return
    # what converts must convert back
    try:
        jscal_to_ical(result)
    except JMAPConversionError:
        pass


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8),
    st.sampled_from(["Event", "Task", "Group", 5, None]),
)
def test_jscal_to_ical_raises_only_conversion_errors(obj, kind):
    obj = {"@type": kind, "uid": "fuzz@x", "start": "2026-01-01T10:00:00", **obj}
    try:
        jscal_to_ical(obj)
    except JMAPConversionError:
        pass


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_non_objects_are_conversion_errors(value):
    for call in (lambda: jscal_to_ical(value), lambda: ical_to_jscal(value)):
        try:
            call()
        except JMAPConversionError:
            pass
