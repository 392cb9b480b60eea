"""The text mappings of the converter: title and locale, localizations, description and
STYLED-DESCRIPTION (RFC 9073), and SHOW-WITHOUT-TIME."""

from __future__ import annotations

from typing import Any

from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.model import format_line, parse_ical
from caldav.jmap.convert.preserve import VENDOR_KEY

_HEAD = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//test//EN", "BEGIN:VEVENT"]
_TAIL = ["END:VEVENT", "END:VCALENDAR"]


def cal(*lines: str, start: str = "DTSTART;TZID=Europe/Berlin:20260105T100000") -> str:
    body = ["UID:text-1@example.com", "DTSTAMP:20260101T120000Z", start, *lines]
    return "\r\n".join([*_HEAD, *body, *_TAIL]) + "\r\n"


def event_lines(ics: str) -> list[str]:
    """The VEVENT's content lines, unfolded, in order."""
    vevent = next(c for c in parse_ical(ics).components if c.name == "VEVENT")
    return [format_line(p).replace("\r\n ", "") for p in vevent.properties]


def base_event(**props: Any) -> dict[str, Any]:
    return {
        "@type": "Event",
        "uid": "text-2@example.com",
        "updated": "2026-01-01T00:00:00Z",
        "start": "2026-01-05T10:00:00",
        "timeZone": "Europe/Berlin",
        **props,
    }


def test_summary_language_is_the_locale() -> None:
    event = ical_to_jscal(cal("SUMMARY;LANGUAGE=fr:Fête d'anniversaire"))
    assert (event["title"], event["locale"]) == ("Fête d'anniversaire", "fr")
    assert VENDOR_KEY not in event  # nothing left over: LANGUAGE is the locale
    assert "SUMMARY;LANGUAGE=fr:Fête d'anniversaire" in event_lines(jscal_to_ical(event))


def test_locale_without_title_travels_as_jsprop() -> None:
    text = jscal_to_ical(base_event(locale="de"))
    assert 'JSPROP;JSPTR=locale:"de"' in event_lines(text)
    assert ical_to_jscal(text)["locale"] == "de"


def test_summaries_in_other_languages_are_localizations() -> None:
    lines = ("SUMMARY;LANGUAGE=en:Party", "SUMMARY;LANGUAGE=de:Feier", "DESCRIPTION:Cake")
    event = ical_to_jscal(cal(*lines, "DESCRIPTION;LANGUAGE=de:Kuchen"))
    assert event["title"] == "Party" and event["locale"] == "en"
    assert event["localizations"] == {"de": {"title": "Feier", "description": "Kuchen"}}
    back = event_lines(jscal_to_ical(event))
    # RFC 5545 allows one SUMMARY and one DESCRIPTION: the translations travel as JSPROP
    summaries = [line for line in back if line.startswith("SUMMARY")]
    assert summaries == ["SUMMARY;LANGUAGE=en:Party"]
    assert [line for line in back if line.startswith("DESCRIPTION")] == ["DESCRIPTION:Cake"]
    assert ical_to_jscal(jscal_to_ical(event)) == event


def test_repeated_summary_without_language_stays_unconverted() -> None:
    event = ical_to_jscal(cal("SUMMARY:one", "SUMMARY:two"))
    assert event["title"] == "one" and "localizations" not in event
    # kept in the JSCalendar object; the iCalendar output repeats no once-only property
    assert event[VENDOR_KEY]["properties"] == [["summary", {}, "unknown", "two"]]
    summaries = [line for line in event_lines(jscal_to_ical(event)) if line.startswith("SUMMARY")]
    assert summaries == ["SUMMARY:one"]


def test_localizations_of_other_properties_are_kept_whole() -> None:
    localizations = {"de": {"title": "Feier", "locations/l1/name": "Saal"}}
    event = base_event(title="Party", localizations=localizations)
    text = jscal_to_ical(event)
    assert not any(line.startswith("SUMMARY;LANGUAGE") for line in event_lines(text))
    assert ical_to_jscal(text)["localizations"] == localizations


def test_styled_description_is_the_description() -> None:
    event = ical_to_jscal(
        cal(
            "DESCRIPTION;DERIVED=TRUE:hello\\, world",
            "STYLED-DESCRIPTION;VALUE=TEXT;FMTTYPE=text/html:<p>hello\\, <b>world</b></p>",
        )
    )
    assert event["description"] == "<p>hello, <b>world</b></p>"
    assert event["descriptionContentType"] == "text/html"
    back = event_lines(jscal_to_ical(event))
    assert "STYLED-DESCRIPTION;VALUE=TEXT;FMTTYPE=text/html:<p>hello\\, <b>world</b></p>" in back
    assert "DESCRIPTION;DERIVED=TRUE:hello\\, world" in back  # the plain copy, kept
    assert ical_to_jscal(jscal_to_ical(event)) == event


def test_styled_description_without_fmttype_comes_back_styled() -> None:
    event = ical_to_jscal(cal("STYLED-DESCRIPTION;VALUE=TEXT:plain words"))
    assert (event["description"], event["descriptionContentType"]) == ("plain words", "text/plain")
    assert "STYLED-DESCRIPTION;VALUE=TEXT;FMTTYPE=text/plain:plain words" in event_lines(
        jscal_to_ical(event)
    )


def test_styled_description_the_draft_does_not_convert_is_kept() -> None:
    uri = "STYLED-DESCRIPTION;VALUE=URI:http://example.com/description.html"
    image = "STYLED-DESCRIPTION;VALUE=TEXT;FMTTYPE=image/svg+xml:<svg/>"
    event = ical_to_jscal(cal("DESCRIPTION:the text", uri, image))
    assert event["description"] == "the text" and "descriptionContentType" not in event
    back = event_lines(jscal_to_ical(event))
    assert {uri, image, "DESCRIPTION:the text"} <= set(back)


def test_html_description_from_a_server_is_written_styled() -> None:
    event = base_event(description="<b>bold</b>", descriptionContentType="text/html")
    back = event_lines(jscal_to_ical(event))
    assert "STYLED-DESCRIPTION;VALUE=TEXT;FMTTYPE=text/html:<b>bold</b>" in back
    assert not any(line.startswith("DESCRIPTION") for line in back)
    # an empty description (what servers echo) is never styled
    empty = event_lines(
        jscal_to_ical(base_event(description="", descriptionContentType="text/html"))
    )
    assert 'JSPROP;JSPTR=descriptionContentType:"text/html"' in empty


def test_show_without_time() -> None:
    event = ical_to_jscal(
        cal(
            "DURATION:PT12H",
            "SHOW-WITHOUT-TIME;VALUE=BOOLEAN:TRUE",
            start="DTSTART;TZID=America/Chicago:20250521T080000",
        )
    )
    assert event["showWithoutTime"] is True and event["start"] == "2025-05-21T08:00:00"
    back = event_lines(jscal_to_ical(event))
    assert "DTSTART;TZID=America/Chicago:20250521T080000" in back
    assert "SHOW-WITHOUT-TIME:TRUE" in back
    assert ical_to_jscal(jscal_to_ical(event)) == event


def test_show_without_time_ignored_where_the_draft_says() -> None:
    false = ical_to_jscal(cal("SHOW-WITHOUT-TIME:FALSE"))
    assert "showWithoutTime" not in false
    assert "SHOW-WITHOUT-TIME:FALSE" in event_lines(jscal_to_ical(false))
    dated = ical_to_jscal(cal("SHOW-WITHOUT-TIME:TRUE", start="DTSTART;VALUE=DATE:20260105"))
    assert dated["showWithoutTime"] is True
    back = event_lines(jscal_to_ical(dated))
    assert back.count("SHOW-WITHOUT-TIME:TRUE") == 1 and "DTSTART;VALUE=DATE:20260105" in back


def test_snoozed_alarm_and_alert_properties_without_ical_home() -> None:
    # RFC 9074: the snooze alarm names the alarm it snoozes with RELATED-TO
    text = cal(
        "BEGIN:VALARM",
        "UID:snooze-1",
        "ACTION:DISPLAY",
        "TRIGGER;VALUE=DATE-TIME:20260105T091500Z",
        "RELATED-TO;RELTYPE=SNOOZE:alarm-1",
        'JSPROP;JSPTR="example.com:foo":"bar"',
        "END:VALARM",
    )
    alert = ical_to_jscal(text)["alerts"]["snooze-1"]
    assert alert["relatedTo"] == {"alarm-1": {"@type": "Relation", "relation": {"snooze": True}}}
    assert alert["example.com:foo"] == "bar"
    back = jscal_to_ical(ical_to_jscal(text))
    valarm = next(c for c in parse_ical(back).components[-1].components if c.name == "VALARM")
    lines = [format_line(p) for p in valarm.properties]
    assert "RELATED-TO;RELTYPE=SNOOZE:alarm-1" in lines
    assert 'JSPROP;JSPTR="example.com:foo":"bar"' in lines
