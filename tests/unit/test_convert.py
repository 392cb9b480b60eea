"""Unit tests of the iCalendar <-> JSCalendar converter: one per mapping and pitfall."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.model import ICalComponent, parse_ical
from caldav.jmap.convert.preserve import VENDOR_KEY
from caldav.jmap.error import JMAPConversionError

UID = "uid-1@example.com"


def cal(*lines: str, kind: str = "VEVENT", extra: str = "", dtstart: bool = True) -> str:
    """A VCALENDAR with one component holding ``lines`` (plus UID/DTSTAMP/DTSTART)."""
    body = [f"UID:{UID}", "DTSTAMP:20260101T120000Z"]
    if dtstart and not any(line.startswith("DTSTART") for line in lines):
        body.append("DTSTART;TZID=Europe/Berlin:20260105T100000")
    text = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//test//EN", f"BEGIN:{kind}"]
        + body
        + list(lines)
        + [f"END:{kind}"]
    )
    return text + "\r\n" + extra + "END:VCALENDAR\r\n"


def component(ics: str, name: str = "VEVENT", index: int = 0) -> ICalComponent:
    return [c for c in parse_ical(ics).components if c.name == name][index]


def roundtrip(ics: str) -> dict[str, Any]:
    """ical -> jscal -> ical -> jscal must be stable; returns the first conversion."""
    first = ical_to_jscal(ics)
    second = ical_to_jscal(jscal_to_ical(first))
    assert second == first
    return first


def uuid5(value: str) -> str:
    return str(uuid.uuid5(uuid.UUID("7f1e1965-ae73-4454-b088-232c90730ce2"), value))


# --- simple properties ---------------------------------------------------------------


def test_summary_description_title() -> None:
    event = roundtrip(cal("SUMMARY:Team\\, sync", "DESCRIPTION:line1\\nline2"))
    assert event["title"] == "Team, sync"
    assert event["description"] == "line1\nline2"
    back = component(jscal_to_ical(event))
    assert back.first("SUMMARY").value == "Team\\, sync"


def test_uid_type_and_calendar_ids() -> None:
    event = ical_to_jscal(cal("SUMMARY:x"), calendar_id="cal-a")
    assert event["@type"] == "Event"
    assert event["uid"] == UID
    assert event["calendarIds"] == {"cal-a": True}
    assert component(jscal_to_ical(event)).first("UID").value == UID


def test_sequence_and_priority() -> None:
    event = roundtrip(cal("SEQUENCE:3", "PRIORITY:5"))
    assert event["sequence"] == 3 and event["priority"] == 5
    assert "priority" not in ical_to_jscal(cal("PRIORITY:0"))
    back = component(jscal_to_ical(event))
    assert back.first("PRIORITY").value == "5" and back.first("SEQUENCE").value == "3"


@pytest.mark.parametrize(
    "ical, js", [("PUBLIC", "public"), ("PRIVATE", "private"), ("CONFIDENTIAL", "secret")]
)
def test_class_to_privacy(ical: str, js: str) -> None:
    event = roundtrip(cal(f"CLASS:{ical}"))
    assert event["privacy"] == js
    assert component(jscal_to_ical(event)).first("CLASS").value == ical


@pytest.mark.parametrize("ical, js", [("TRANSPARENT", "free"), ("OPAQUE", "busy")])
def test_transp_to_free_busy_status(ical: str, js: str) -> None:
    event = roundtrip(cal(f"TRANSP:{ical}"))
    assert event["freeBusyStatus"] == js
    assert component(jscal_to_ical(event)).first("TRANSP").value == ical


@pytest.mark.parametrize("value", ["CONFIRMED", "TENTATIVE", "CANCELLED"])
def test_event_status(value: str) -> None:
    event = roundtrip(cal(f"STATUS:{value}"))
    assert event["status"] == value.lower()
    assert component(jscal_to_ical(event)).first("STATUS").value == value


def test_color() -> None:
    event = roundtrip(cal("COLOR:turquoise"))
    assert event["color"] == "turquoise"
    assert component(jscal_to_ical(event)).first("COLOR").value == "turquoise"


def test_categories_multi_value_and_lines() -> None:
    event = roundtrip(cal("CATEGORIES:work,a\\,b", "CATEGORIES:home"))
    assert event["keywords"] == {"work": True, "a,b": True, "home": True}
    back = component(jscal_to_ical({"@type": "Event", "keywords": {"solo": True}}))
    assert back.first("CATEGORIES").value == "solo"


def test_timestamps_kept() -> None:
    event = roundtrip(cal("CREATED:20250101T080000Z", "LAST-MODIFIED:20250102T080000Z"))
    assert event["updated"] == "2026-01-01T12:00:00Z"
    assert event["created"] == "2025-01-01T08:00:00Z"
    back = component(jscal_to_ical(event))
    assert back.first("DTSTAMP").value == "20260101T120000Z"
    assert back.first("CREATED").value == "20250101T080000Z"
    assert back.first("LAST-MODIFIED").value == "20250102T080000Z"


def test_last_modified_stands_in_for_missing_dtstamp() -> None:
    text = cal("SUMMARY:x").replace("DTSTAMP:20260101T120000Z", "LAST-MODIFIED:20240101T000000Z")
    assert ical_to_jscal(text)["updated"] == "2024-01-01T00:00:00Z"


def test_fresh_dtstamp_only_when_missing() -> None:
    back = component(jscal_to_ical({"@type": "Event", "uid": "x", "start": "2026-01-01T00:00:00"}))
    assert back.first("DTSTAMP").value.endswith("Z")
    given = jscal_to_ical({"@type": "Event", "uid": "x", "updated": "2020-02-02T02:02:02Z"})
    assert component(given).first("DTSTAMP").value == "20200202T020202Z"


# --- dates, times, durations, time zones ----------------------------------------------


def test_dtstart_dtend_with_tzid() -> None:
    event = roundtrip(
        cal(
            "DTSTART;TZID=Europe/Berlin:20260105T100000", "DTEND;TZID=Europe/Berlin:20260105T113000"
        )
    )
    assert event["start"] == "2026-01-05T10:00:00"
    assert event["timeZone"] == "Europe/Berlin"
    assert event["duration"] == "PT1H30M"
    back = component(jscal_to_ical(event))
    assert back.first("DTEND").value == "20260105T113000"
    assert back.first("DTEND").param("TZID") == "Europe/Berlin"


def test_utc_start_is_etc_utc() -> None:
    event = roundtrip(cal("DTSTART:20260105T100000Z", "DURATION:PT45M"))
    assert event["timeZone"] == "Etc/UTC" and event["duration"] == "PT45M"
    assert component(jscal_to_ical(event)).first("DTSTART").value == "20260105T100000Z"


def test_floating_start_has_no_time_zone() -> None:
    event = roundtrip(cal("DTSTART:20260105T100000"))
    assert "timeZone" not in event
    back = component(jscal_to_ical(event)).first("DTSTART")
    assert back.value == "20260105T100000" and back.params == {}


def test_all_day() -> None:
    event = roundtrip(cal("DTSTART;VALUE=DATE:20260105", "DTEND;VALUE=DATE:20260107"))
    assert event["showWithoutTime"] is True
    assert event["start"] == "2026-01-05T00:00:00" and event["duration"] == "P2D"
    back = component(jscal_to_ical(event))
    assert back.first("DTSTART").value == "20260105"
    assert back.first("DTSTART").param("VALUE") == "DATE"
    assert back.first("DTEND").value == "20260107"


def test_all_day_without_end_lasts_one_day() -> None:
    assert ical_to_jscal(cal("DTSTART;VALUE=DATE:20260105"))["duration"] == "P1D"


def test_zero_offset_zone_is_not_utc() -> None:
    event = roundtrip(cal("DTSTART;TZID=Europe/London:20260105T100000"))
    assert event["timeZone"] == "Europe/London"
    ics = jscal_to_ical(event)
    assert component(ics).first("DTSTART").param("TZID") == "Europe/London"
    assert "TZID:Europe/London" in ics


@pytest.mark.parametrize("tzid", ["Eastern Standard Time", "/mozilla.org/20050126_1/Europe/Paris"])
def test_non_iana_tzid_passes_through(tzid: str) -> None:
    event = roundtrip(
        cal(f'DTSTART;TZID="{tzid}":20260105T100000', "RRULE:FREQ=DAILY;UNTIL=20260110T090000Z")
    )
    assert event["timeZone"] == tzid
    back = component(jscal_to_ical(event))
    assert back.first("DTSTART").param("TZID") == tzid


def test_custom_vtimezone_kept_in_time_zones() -> None:
    vtimezone = (
        "BEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\nBEGIN:STANDARD\r\n"
        "DTSTART:16010101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
        "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n"
        "DTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
        "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
    )
    text = cal('DTSTART;TZID="Eastern Standard Time":20260105T100000', extra=vtimezone)
    event = roundtrip(text)
    zone = event["timeZones"]["Eastern Standard Time"]
    assert zone["standard"][0]["offsetTo"] == "-0500"
    assert zone["daylight"][0]["recurrenceRules"][0]["byMonth"] == ["3"]
    ics = jscal_to_ical(event)
    vtz = component(ics, "VTIMEZONE")
    assert vtz.first("TZID").value == "Eastern Standard Time"
    assert [c.name for c in vtz.components] == ["STANDARD", "DAYLIGHT"]


def test_vtimezone_for_every_tzid() -> None:
    event = ical_to_jscal(
        cal("DTSTART;TZID=America/New_York:20260105T100000", "RRULE:FREQ=DAILY;COUNT=3").replace(
            "END:VCALENDAR", ""
        )
        + "BEGIN:VEVENT\r\nUID:uid-1@example.com\r\nDTSTAMP:20260101T120000Z\r\n"
        "RECURRENCE-ID;TZID=America/New_York:20260106T100000\r\n"
        "DTSTART;TZID=Asia/Tokyo:20260107T000000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    tzids = {
        c.first("TZID").value
        for c in parse_ical(jscal_to_ical(event)).components
        if c.name == "VTIMEZONE"
    }
    assert tzids == {"America/New_York", "Asia/Tokyo"}


@pytest.mark.parametrize(
    "ical, js",
    [
        ("PT90M", "PT1H30M"),
        ("P1D", "P1D"),
        ("-PT15M", "-PT15M"),
        ("P2W", "P2W"),
        ("P1DT2H", "P1DT2H"),
    ],
)
def test_duration_formats(ical: str, js: str) -> None:
    event = roundtrip(cal(f"DURATION:{ical}"))
    assert event["duration"] == js


def test_fractional_seconds_kept_in_jscalendar() -> None:
    from caldav.jmap.convert.datetime import parse_duration

    assert parse_duration("PT1.5S").jscal() == "PT1.5S"
    assert parse_duration("PT1.5S").ical() == "PT1S"


# --- participants ------------------------------------------------------------------


ORGANIZER = "ORGANIZER;CN=Boss:mailto:boss@example.com"


def _participant(event: dict[str, Any], address: str) -> dict[str, Any]:
    return next(p for p in event["participants"].values() if p["sendTo"].get("imip") == address)


def test_attendee_params() -> None:
    event = roundtrip(
        cal(
            ORGANIZER,
            "ATTENDEE;CN=Ann;PARTSTAT=ACCEPTED;RSVP=TRUE;CUTYPE=INDIVIDUAL;"
            "ROLE=REQ-PARTICIPANT:mailto:ann@example.com",
        )
    )
    ann = event["participants"][uuid5("mailto:ann@example.com")]
    assert ann["name"] == "Ann" and ann["email"] == "ann@example.com"
    assert ann["sendTo"] == {"imip": "mailto:ann@example.com"}
    assert ann["participationStatus"] == "accepted" and ann["expectReply"] is True
    assert ann["kind"] == "individual" and ann["roles"] == {"attendee": True}
    attendee = component(jscal_to_ical(event)).first("ATTENDEE")
    assert attendee.param("PARTSTAT") == "ACCEPTED" and attendee.param("CN") == "Ann"


@pytest.mark.parametrize(
    "role, roles",
    [
        ("OPT-PARTICIPANT", {"attendee": True, "optional": True}),
        ("NON-PARTICIPANT", {"informational": True}),
        ("CHAIR", {"attendee": True, "chair": True}),
    ],
)
def test_roles_survive(role: str, roles: dict[str, bool]) -> None:
    event = roundtrip(cal(ORGANIZER, f"ATTENDEE;ROLE={role}:mailto:x@example.com"))
    assert _participant(event, "mailto:x@example.com")["roles"] == roles
    assert component(jscal_to_ical(event)).first("ATTENDEE").param("ROLE") == role


@pytest.mark.parametrize(
    "cutype, kind",
    [("GROUP", "group"), ("RESOURCE", "resource"), ("ROOM", "location"), ("UNKNOWN", "unknown")],
)
def test_cutype_to_kind(cutype: str, kind: str) -> None:
    event = roundtrip(cal(ORGANIZER, f"ATTENDEE;CUTYPE={cutype}:mailto:r@example.com"))
    assert _participant(event, "mailto:r@example.com")["kind"] == kind
    assert component(jscal_to_ical(event)).first("ATTENDEE").param("CUTYPE") == cutype


def test_organizer_is_owner_and_reply_to() -> None:
    event = roundtrip(cal(ORGANIZER))
    boss = event["participants"][uuid5("mailto:boss@example.com")]
    assert boss["roles"] == {"owner": True} and boss["name"] == "Boss"
    assert event["replyTo"] == {"imip": "mailto:boss@example.com"}
    back = component(jscal_to_ical(event))
    assert back.first("ORGANIZER").value == "mailto:boss@example.com"
    assert back.first("ATTENDEE") is None


def test_organizer_also_attendee_is_one_participant() -> None:
    event = roundtrip(cal(ORGANIZER, "ATTENDEE;PARTSTAT=ACCEPTED:MAILTO:Boss@example.com"))
    assert len(event["participants"]) == 1
    (boss,) = event["participants"].values()
    assert boss["roles"] == {"owner": True, "attendee": True}
    back = component(jscal_to_ical(event))
    assert len(back.all("ORGANIZER")) == 1 and len(back.all("ATTENDEE")) == 1


def test_mailto_case_insensitive_other_uris_kept() -> None:
    event = roundtrip(
        cal(
            "ORGANIZER:MAILTO:boss@example.com",
            "ATTENDEE:urn:uuid:1234",
            "ATTENDEE:https://example.com/people/x",
        )
    )
    assert event["replyTo"] == {"imip": "mailto:boss@example.com"}
    addresses = [next(iter(p["sendTo"].values())) for p in event["participants"].values()]
    assert "urn:uuid:1234" in addresses and "https://example.com/people/x" in addresses
    values = [p.value for p in component(jscal_to_ical(event)).all("ATTENDEE")]
    assert values == ["urn:uuid:1234", "https://example.com/people/x"]


def test_participant_ids_stable_and_explicit() -> None:
    text = cal(
        ORGANIZER, "ATTENDEE;X-JMAP-ID=ann:mailto:ann@example.com", "ATTENDEE:MAILTO:b@example.com"
    )
    first, second = ical_to_jscal(text), ical_to_jscal(text)
    assert first == second
    assert "ann" in first["participants"]
    assert uuid5("MAILTO:b@example.com") in first["participants"]
    # the id of the upper-case MAILTO value survives the lower-casing through JSID
    assert roundtrip(text)["participants"].keys() == first["participants"].keys()


def test_task_participant_progress() -> None:
    task = roundtrip(
        cal(ORGANIZER, "ATTENDEE;PARTSTAT=COMPLETED:mailto:a@example.com", kind="VTODO")
    )
    person = _participant(task, "mailto:a@example.com")
    assert person["participationStatus"] == "accepted" and person["progress"] == "completed"


# --- recurrence --------------------------------------------------------------------


def test_rrule_full() -> None:
    event = roundtrip(
        cal(
            "RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=-1MO,TU;BYMONTHDAY=1,-1;BYMONTH=1,6;"
            "BYSETPOS=1;WKST=SU;BYHOUR=9;BYMINUTE=30;BYSECOND=0"
        )
    )
    (rule,) = event["recurrenceRules"]
    assert rule == {
        "@type": "RecurrenceRule",
        "frequency": "monthly",
        "interval": 2,
        "count": 10,
        "byDay": [
            {"@type": "NDay", "day": "mo", "nthOfPeriod": -1},
            {"@type": "NDay", "day": "tu"},
        ],
        "byMonthDay": [1, -1],
        "byMonth": ["1", "6"],
        "bySetPosition": [1],
        "firstDayOfWeek": "su",
        "byHour": [9],
        "byMinute": [30],
        "bySecond": [0],
    }


def test_rrule_until_rscale_yearday_weekno() -> None:
    event = roundtrip(
        cal(
            "RRULE:RSCALE=GREGORIAN;FREQ=YEARLY;BYYEARDAY=100;BYWEEKNO=20;SKIP=FORWARD;UNTIL=20261231T090000Z"
        )
    )
    (rule,) = event["recurrenceRules"]
    # rscale gregorian is the default, left out; SKIP brings RSCALE back (RFC 7529)
    assert "rscale" not in rule and rule["skip"] == "forward"
    assert "RSCALE=GREGORIAN;" in jscal_to_ical(event)
    assert rule["byYearDay"] == [100] and rule["byWeekNo"] == [20]
    assert rule["until"] == "2026-12-31T10:00:00"  # in the event's zone (Berlin, UTC+1)
    rrule = component(jscal_to_ical(event)).first("RRULE").value
    assert "UNTIL=20261231T090000Z" in rrule and "RSCALE=GREGORIAN" in rrule


def test_all_day_until_stays_date() -> None:
    event = roundtrip(cal("DTSTART;VALUE=DATE:20260105", "RRULE:FREQ=WEEKLY;UNTIL=20260301"))
    assert event["recurrenceRules"][0]["until"] == "2026-03-01T00:00:00"
    assert "UNTIL=20260301;" in component(jscal_to_ical(event)).first("RRULE").value + ";"


def test_exrule() -> None:
    event = roundtrip(cal("RRULE:FREQ=DAILY", "EXRULE:FREQ=WEEKLY;BYDAY=SA,SU"))
    assert event["excludedRecurrenceRules"][0]["frequency"] == "weekly"
    assert component(jscal_to_ical(event)).first("EXRULE").value == "FREQ=WEEKLY;BYDAY=SA,SU"


def test_exdate() -> None:
    event = roundtrip(
        cal(
            "RRULE:FREQ=DAILY",
            "EXDATE;TZID=Europe/Berlin:20260106T100000,20260107T100000",
            "EXDATE:20260108T090000Z",
        )
    )
    assert event["recurrenceOverrides"] == {
        "2026-01-06T10:00:00": {"excluded": True},
        "2026-01-07T10:00:00": {"excluded": True},
        "2026-01-08T10:00:00": {"excluded": True},
    }
    assert len(component(jscal_to_ical(event)).all("EXDATE")) == 3


def test_rdate() -> None:
    event = roundtrip(
        cal("DURATION:PT1H", "RRULE:FREQ=MONTHLY", "RDATE;TZID=Europe/Berlin:20260120T100000")
    )
    assert event["recurrenceOverrides"] == {"2026-01-20T10:00:00": {}}
    assert component(jscal_to_ical(event)).first("RDATE").value == "20260120T100000"


OVERRIDE = (
    "BEGIN:VEVENT\r\nUID:uid-1@example.com\r\nDTSTAMP:20260101T120000Z\r\n"
    "RECURRENCE-ID;TZID=Europe/Berlin:20260107T100000\r\n{}END:VEVENT\r\n"
)


def _with_override(*lines: str, main: tuple[str, ...] = ()) -> str:
    body = "".join(line + "\r\n" for line in lines)
    return cal(
        "RRULE:FREQ=DAILY",
        "DTEND;TZID=Europe/Berlin:20260105T110000",
        *main,
        extra=OVERRIDE.format(body),
    )


def test_override_patch_holds_only_differences() -> None:
    event = roundtrip(
        _with_override(
            "DTSTART;TZID=Europe/Berlin:20260107T100000",
            "DTEND;TZID=Europe/Berlin:20260107T120000",
            "SUMMARY:moved",
            "STATUS:CANCELLED",
            "LOCATION:Room 2",
            main=("SUMMARY:daily", "LOCATION:Room 1"),
        )
    )
    patch = event["recurrenceOverrides"]["2026-01-07T10:00:00"]
    assert patch == {
        "duration": "PT2H",
        "title": "moved",
        "locations/" + uuid5("Room 1"): None,
        "locations/" + uuid5("Room 2"): {"@type": "Location", "name": "Room 2"},
        "status": "cancelled",
    }
    instance = component(jscal_to_ical(event), index=1)
    assert instance.first("RECURRENCE-ID").value == "20260107T100000"
    assert instance.first("LOCATION").value == "Room 2"
    assert instance.first("DTEND").value == "20260107T120000"


def test_override_participation_and_own_time_zone() -> None:
    event = roundtrip(
        _with_override(
            "DTSTART;TZID=America/New_York:20260107T040000",
            "DURATION:PT1H",
            ORGANIZER,
            "ATTENDEE;PARTSTAT=DECLINED:mailto:ann@example.com",
            main=(ORGANIZER, "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@example.com"),
        )
    )
    patch = event["recurrenceOverrides"]["2026-01-07T10:00:00"]
    ann = uuid5("mailto:ann@example.com")
    assert patch[f"participants/{ann}/participationStatus"] == "declined"
    assert patch["timeZone"] == "America/New_York" and patch["start"] == "2026-01-07T04:00:00"
    instance = component(jscal_to_ical(event), index=1)
    assert instance.first("DTSTART").param("TZID") == "America/New_York"
    assert instance.first("RECURRENCE-ID").param("TZID") == "Europe/Berlin"


def test_only_overrides_converts() -> None:
    text = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x"]
        + [
            OVERRIDE.format(f"DTSTART;TZID=Europe/Berlin:2026010{d}T110000\r\nSUMMARY:s{d}\r\n")
            .replace("20260107", f"2026010{d}")
            .rstrip("\r\n")
            for d in (7, 8)
        ]
        + ["END:VCALENDAR", ""]
    )
    event = roundtrip(text)
    assert event["recurrenceId"] == "2026-01-07T10:00:00"
    assert event["recurrenceIdTimeZone"] == "Europe/Berlin"
    assert event["recurrenceOverrides"]["2026-01-08T10:00:00"]["title"] == "s8"
    assert len([c for c in parse_ical(jscal_to_ical(event)).components if c.name == "VEVENT"]) == 2


# --- alerts ------------------------------------------------------------------------


def _alarm(*lines: str) -> str:
    return "BEGIN:VALARM\r\n" + "\r\n".join(lines) + "\r\nEND:VALARM"


def test_offset_trigger() -> None:
    event = roundtrip(cal(_alarm("TRIGGER:-PT15M", "ACTION:DISPLAY", "DESCRIPTION:Hey")))
    (alert,) = event["alerts"].values()
    assert alert["trigger"] == {"@type": "OffsetTrigger", "offset": "-PT15M", "relativeTo": "start"}
    assert alert["action"] == "display"
    valarm = component(jscal_to_ical(event)).components[0]
    assert valarm.first("TRIGGER").value == "-PT15M"


def test_offset_trigger_related_end_and_email() -> None:
    event = roundtrip(
        cal(_alarm("TRIGGER;RELATED=END:PT5M", "ACTION:EMAIL", "SUMMARY:s", "DESCRIPTION:d"))
    )
    (alert,) = event["alerts"].values()
    assert alert["trigger"]["relativeTo"] == "end" and alert["action"] == "email"
    assert component(jscal_to_ical(event)).components[0].first("TRIGGER").param("RELATED") == "END"


def test_absolute_trigger() -> None:
    event = roundtrip(cal(_alarm("TRIGGER;VALUE=DATE-TIME:20260101T100000Z", "ACTION:DISPLAY")))
    (alert,) = event["alerts"].values()
    assert alert["trigger"] == {"@type": "AbsoluteTrigger", "when": "2026-01-01T10:00:00Z"}


def test_audio_alarm_is_display_and_kept() -> None:
    text = cal(_alarm("TRIGGER:-PT5M", "ACTION:AUDIO", "ATTACH:https://example.com/ding.wav"))
    event = roundtrip(text)
    (alert,) = event["alerts"].values()
    assert alert["action"] == "display"
    valarm = component(jscal_to_ical(event)).components[0]
    assert [p.value for p in valarm.all("ACTION")] == ["AUDIO"]
    assert valarm.first("ATTACH").value == "https://example.com/ding.wav"


def test_alert_ids_stable() -> None:
    text = cal(
        _alarm("UID:alarm-1", "TRIGGER:-PT5M", "ACTION:DISPLAY"),
        _alarm("TRIGGER:-PT1H", "ACTION:DISPLAY"),
    )
    event = roundtrip(text)
    assert "alarm-1" in event["alerts"] and len(event["alerts"]) == 2
    assert ical_to_jscal(text)["alerts"].keys() == event["alerts"].keys()


def test_alert_from_jscal_gets_required_properties() -> None:
    ics = jscal_to_ical(
        {
            "@type": "Event",
            "uid": "u",
            "title": "T",
            "alerts": {
                "a1": {"@type": "Alert", "trigger": {"@type": "OffsetTrigger", "offset": "-PT10M"}}
            },
        }
    )
    valarm = component(ics).components[0]
    assert valarm.first("ACTION").value == "DISPLAY"
    assert valarm.first("DESCRIPTION").value == "T"
    assert valarm.first("UID").value == "a1"


# --- locations, links, relations ---------------------------------------------------------


def test_location_and_geo() -> None:
    event = roundtrip(
        cal("LOCATION:Conference Room - F123\\, Bldg. 002", "GEO:+37.386013;-122.082932")
    )
    key = "adde7a5b-2fb5-52aa-b760-595ea9edb80a"  # the draft's UUIDv5 of the raw value
    assert event["locations"] == {
        key: {
            "@type": "Location",
            "name": "Conference Room - F123, Bldg. 002",
            "coordinates": "geo:37.386013,-122.082932",
        }
    }
    back = component(jscal_to_ical(event))
    assert back.first("GEO").value == "37.386013;-122.082932"


def test_conference_to_virtual_location() -> None:
    event = roundtrip(
        cal(
            'CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL="Chat, code=1":https://chat.example.com/1'
        )
    )
    (virtual,) = event["virtualLocations"].values()
    assert virtual == {
        "@type": "VirtualLocation",
        "uri": "https://chat.example.com/1",
        "name": "Chat, code=1",
        "features": {"audio": True, "video": True},
    }


def test_attach_and_url_links() -> None:
    event = roundtrip(
        cal(
            "ATTACH;FMTTYPE=application/pdf:https://example.com/foo.pdf",
            "URL:https://example.com/myurl",
        )
    )
    assert event["links"]["245708bf-8e07-5d3b-a5da-2974a63c3b91"] == {
        "@type": "Link",
        "rel": "enclosure",
        "href": "https://example.com/foo.pdf",
        "contentType": "application/pdf",
    }
    assert event["links"]["6669391a-2c73-5b89-9cfe-7a6c95a855e3"]["rel"] == "describedby"


def test_binary_attach_is_data_uri() -> None:
    event = roundtrip(cal("ATTACH;ENCODING=BASE64;VALUE=BINARY;FMTTYPE=image/png:iVBORw0KGgo="))
    (link,) = event["links"].values()
    assert link["href"] == "data:image/png;base64,iVBORw0KGgo="


def test_related_to() -> None:
    event = roundtrip(cal("RELATED-TO;RELTYPE=CHILD:child-uid", "RELATED-TO:other-uid"))
    assert event["relatedTo"] == {
        "child-uid": {"@type": "Relation", "relation": {"child": True}},
        "other-uid": {"@type": "Relation"},
    }


# --- tasks -------------------------------------------------------------------------


def test_vtodo_to_task() -> None:
    task = roundtrip(
        cal(
            "DUE;TZID=Europe/Berlin:20260110T170000",
            "PERCENT-COMPLETE:40",
            "STATUS:IN-PROCESS",
            "ESTIMATED-DURATION:PT2H",
            "COMPLETED:20260109T100000Z",
            kind="VTODO",
        )
    )
    assert task["@type"] == "Task"
    assert task["due"] == "2026-01-10T17:00:00" and task["start"] == "2026-01-05T10:00:00"
    assert task["percentComplete"] == 40 and task["progress"] == "in-process"
    assert task["estimatedDuration"] == "PT2H"
    assert task["progressUpdated"] == "2026-01-09T10:00:00Z"
    back = component(jscal_to_ical(task), "VTODO")
    assert (
        back.first("DUE").value == "20260110T170000" and back.first("STATUS").value == "IN-PROCESS"
    )


@pytest.mark.parametrize("status", ["NEEDS-ACTION", "COMPLETED", "CANCELLED"])
def test_task_progress(status: str) -> None:
    assert roundtrip(cal(f"STATUS:{status}", kind="VTODO"))["progress"] == status.lower()


def test_task_duration_is_estimated_duration() -> None:
    assert ical_to_jscal(cal("DURATION:PT30M", kind="VTODO"))["estimatedDuration"] == "PT30M"


# --- preservation ------------------------------------------------------------------


def test_unknown_properties_preserved() -> None:
    text = cal(
        "X-FOO;X-P=1:bar\\, baz", "COMMENT:note", "CONTACT:Jim", "RESOURCES:Projector", extra=""
    )
    event = roundtrip(text)
    names = [p[0] for p in event[VENDOR_KEY]["properties"]]
    assert names == ["x-foo", "comment", "contact", "resources"]
    back = component(jscal_to_ical(event))
    assert back.first("X-FOO").value == "bar\\, baz" and back.first("X-FOO").param("X-P") == "1"


def test_unknown_jscal_properties_via_jsprop() -> None:
    source = {
        "@type": "Event",
        "uid": "u",
        "updated": "2020-01-01T00:00:00Z",
        "example.com:foo": {"a": [1, 2]},
        "locale": "de",
    }
    ics = jscal_to_ical(source)
    assert 'JSPROP;JSPTR="example.com:foo"' in ics
    again = ical_to_jscal(ics)
    assert again["example.com:foo"] == {"a": [1, 2]} and again["locale"] == "de"


def test_jmap_server_properties_not_written() -> None:
    ics = jscal_to_ical(
        {"@type": "Event", "uid": "u", "id": "abc", "calendarIds": {"c": True}, "isDraft": False}
    )
    assert "JSPROP" not in ics


# --- no noise: JSCalendar / JMAP defaults are not written ---------------------------

CYRUS_EVENT: dict[str, Any] = {
    "@type": "Event",
    "start": "2026-06-01T10:00:00",
    "timeZone": "Etc/UTC",
    "duration": "PT1H",
    "showWithoutTime": False,
    "uid": "x@y",
    "relatedTo": None,
    "prodId": "x",
    "updated": "2026-01-01T00:00:00Z",
    "sequence": 0,
    "priority": 0,
    "title": "xprop",
    "description": "",
    "descriptionContentType": "text/plain",
    "keywords": None,
    "locale": None,
    "links": None,
    "locations": None,
    "participants": {
        "p1": {
            "@type": "Participant",
            "name": "Bob",
            "sendTo": {"imip": "mailto:bob@example.com"},
            "roles": {"attendee": True},
            "participationStatus": "needs-action",
            "expectReply": False,
            "kind": "individual",
            "scheduleSequence": 0,
            "scheduleUpdated": "2026-01-01T00:00:00Z",
            "scheduleAgent": "server",
            "scheduleForceSend": False,
        },
        "p2": {
            "@type": "Participant",
            "name": "Ann",
            "sendTo": {"imip": "mailto:ann@example.com"},
            "roles": {"owner": True, "attendee": True},
            "participationStatus": "accepted",
            "expectReply": False,
            "kind": "individual",
            "scheduleSequence": 0,
            "scheduleAgent": "server",
            "scheduleForceSend": False,
        },
    },
    "replyTo": {"imip": "mailto:ann@example.com"},
    "virtualLocations": None,
    "freeBusyStatus": "busy",
    "privacy": "public",
    "status": "confirmed",
    "useDefaultAlerts": False,
    "alerts": None,
    "recurrenceOverrides": None,
    "recurrenceRules": [
        {
            "@type": "RecurrenceRule",
            "frequency": "weekly",
            "interval": 1,
            "rscale": "gregorian",
            "skip": "omit",
            "firstDayOfWeek": "mo",
            "byDay": [{"@type": "NDay", "day": "mo"}],
            "count": 10,
        }
    ],
    "excludedRecurrenceRules": None,
    "isDraft": False,
    "calendarIds": {"Default": True},
    "isOrigin": True,
    "mayInviteSelf": False,
    "mayInviteOthers": False,
    "hideAttendees": False,
    "id": "EB-x",
    "blobId": "Gx",
    "x-href": "/dav/calendars/user/a/Default/x.ics",
    "utcStart": "2026-06-01T10:00:00Z",
    "utcEnd": "2026-06-01T11:00:00Z",
}


def _lines(ics: str, name: str = "VEVENT") -> set[str]:
    from caldav.jmap.convert.model import format_line

    return {format_line(p).replace("\r\n ", "") for p in component(ics, name).properties}


def test_cyrus_defaults_are_not_written() -> None:
    lines = _lines(jscal_to_ical(CYRUS_EVENT))
    assert lines == {
        "UID:x@y",
        "DTSTAMP:20260101T000000Z",
        "DTSTART:20260601T100000Z",
        "DTEND:20260601T110000Z",
        "SUMMARY:xprop",
        "DESCRIPTION:",
        # the server's participant ids are kept (JSID), nothing else is added
        "ATTENDEE;JSID=p1;CN=Bob:mailto:bob@example.com",
        "ORGANIZER;JSID=p2;CN=Ann:mailto:ann@example.com",
        "ATTENDEE;JSID=p2;CN=Ann;PARTSTAT=ACCEPTED:mailto:ann@example.com",
        "RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO",
        # the one default written: iCalendar has none for STATUS, and a status the object
        # states is what it says (issue 12: STATUS:CONFIRMED must survive Cyrus)
        "STATUS:CONFIRMED",
    }


def test_non_default_values_still_written() -> None:
    event = dict(
        CYRUS_EVENT,
        sequence=2,
        priority=1,
        freeBusyStatus="free",
        privacy="private",
        status="tentative",
        useDefaultAlerts=True,
        descriptionContentType="text/html",
        recurrenceRules=[{"@type": "RecurrenceRule", "frequency": "daily", "interval": 2}],
    )
    lines = _lines(jscal_to_ical(event))
    for line in (
        "SEQUENCE:2",
        "PRIORITY:1",
        "TRANSP:TRANSPARENT",
        "CLASS:PRIVATE",
        "STATUS:TENTATIVE",
        "JSPROP;JSPTR=useDefaultAlerts:true",
        'JSPROP;JSPTR=descriptionContentType:"text/html"',
        "RRULE:FREQ=DAILY;INTERVAL=2",
    ):
        assert line in lines


def test_override_gets_no_defaults() -> None:
    event = dict(
        CYRUS_EVENT,
        recurrenceOverrides={"2026-06-08T10:00:00": {"title": "moved", "sequence": 0}},
    )
    override = component(jscal_to_ical(event), index=1)
    names = [p.name for p in override.properties]
    assert "SEQUENCE" not in names and "PRIORITY" not in names and "TRANSP" not in names
    assert override.first("SUMMARY").value == "moved"
    assert all("PARTSTAT=NEEDS-ACTION" not in line for line in _lines(jscal_to_ical(event)))


def _with_cyrus_defaults(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` as Cyrus echoes it: every default spelt out, vendor properties removed."""
    result = {k: v for k, v in CYRUS_EVENT.items() if k not in ("participants", "replyTo")}
    result |= {k: v for k, v in obj.items() if k != VENDOR_KEY}
    for participant in (result.get("participants") or {}).values():
        participant.pop(VENDOR_KEY, None)
        for key, value in CYRUS_EVENT["participants"]["p1"].items():
            if key not in ("name", "sendTo", "roles"):
                participant.setdefault(key, value)
    for rule in result.get("recurrenceRules") or []:
        for key, value in CYRUS_EVENT["recurrenceRules"][0].items():
            if key not in ("byDay", "count", "frequency"):
                rule.setdefault(key, value)
    return result


def test_round_trip_through_cyrus_defaults_gives_original() -> None:
    source = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:x@y\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART:20260601T100000Z\r\nDTEND:20260601T110000Z\r\n"
        "SUMMARY:xprop\r\nDESCRIPTION:\r\nORGANIZER;CN=Ann:mailto:ann@example.com\r\n"
        "ATTENDEE;CN=Bob:mailto:bob@example.com\r\n"
        "ATTENDEE;CN=Ann;PARTSTAT=ACCEPTED:mailto:ann@example.com\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    echoed = _with_cyrus_defaults(ical_to_jscal(source))
    # Cyrus's echoed status: confirmed is written (the same meaning as no STATUS)
    assert _lines(jscal_to_ical(echoed)) == _lines(source) | {"STATUS:CONFIRMED"}


def test_stated_defaults_of_the_source_survive() -> None:
    # without a server in between, what the source stated comes back even at the default
    text = cal(
        "SEQUENCE:0",
        "PRIORITY:0",
        "TRANSP:OPAQUE",
        "CLASS:PUBLIC",
        "STATUS:CONFIRMED",
        ORGANIZER,
        "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=FALSE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT:"
        "mailto:a@example.com",
    )
    event = roundtrip(text)
    assert event["sequence"] == 0 and event["status"] == "confirmed"
    assert _lines(jscal_to_ical(event)) >= _lines(text) - {
        "DTSTART;TZID=Europe/Berlin:20260105T100000"
    }
    # a changed value wins over the kept copy
    changed = dict(event, status="tentative", sequence=1)
    lines = _lines(jscal_to_ical(changed))
    assert "STATUS:TENTATIVE" in lines and "STATUS:CONFIRMED" not in lines
    assert "SEQUENCE:1" in lines and "SEQUENCE:0" not in lines


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "not icalendar",
        "",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    ],
)
def test_bad_ical_raises_conversion_error(text: str) -> None:
    with pytest.raises(JMAPConversionError):
        ical_to_jscal(text)


@pytest.mark.parametrize(
    "obj, prop",
    [
        ({"@type": "Event", "title": 5}, "title"),
        ({"@type": "Event", "start": "tomorrow"}, "start"),
        ({"@type": "Event", "participants": []}, "participants"),
        ({"@type": "Event", "recurrenceRules": [{"frequency": 1}]}, "recurrenceRules/frequency"),
        (
            {
                "@type": "Event",
                "alerts": {"a": {"trigger": {"@type": "OffsetTrigger", "offset": 3}}},
            },
            "alerts/trigger/offset",
        ),
        ({"@type": "Group", "entries": "x"}, "entries"),
        ({"@type": "Note"}, "@type"),
    ],
)
def test_bad_jscal_raises_conversion_error(obj: dict[str, Any], prop: str) -> None:
    with pytest.raises(JMAPConversionError) as info:
        jscal_to_ical(obj)
    assert info.value.property == prop


def test_non_dict_jscal_raises_conversion_error() -> None:
    with pytest.raises(JMAPConversionError):
        jscal_to_ical(["not", "a", "dict"])  # type: ignore[arg-type]


def test_non_string_ical_raises_conversion_error() -> None:
    with pytest.raises(JMAPConversionError):
        ical_to_jscal(b"BEGIN:VCALENDAR")  # type: ignore[arg-type]


# --- several objects, dialects, RANGE ------------------------------------------------

MULTI = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
    "BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART;TZID=Europe/Berlin:20260105T100000\r\nRRULE:FREQ=DAILY\r\n"
    "SUMMARY;LANGUAGE=de:Hallo\r\nX-FOO:bar\r\nEND:VEVENT\r\n"
    "BEGIN:VTODO\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:todo\r\nEND:VTODO\r\n"
    "BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\n"
    "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260107T100000\r\n"
    "DTSTART;TZID=Europe/Berlin:20260107T110000\r\nSUMMARY:later\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:c\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART;TZID=Europe/Berlin:20260106T100000\r\nSUMMARY:other\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_ical_to_jscal_all_one_object_per_uid() -> None:
    from caldav.jmap.convert import ical_to_jscal_all

    objects = ical_to_jscal_all(MULTI)
    assert [(o["@type"], o["uid"]) for o in objects] == [
        ("Event", "a"),
        ("Task", "b"),
        ("Event", "c"),
    ]
    assert list(objects[0]["recurrenceOverrides"]) == ["2026-01-07T10:00:00"]
    assert ical_to_jscal(MULTI) == objects[0]
    back = jscal_to_ical(objects)
    root = parse_ical(back)
    assert [c.name for c in root.components] == ["VTIMEZONE", "VEVENT", "VEVENT", "VTODO", "VEVENT"]
    assert ical_to_jscal_all(back) == objects
    # a Group of several entries converts as the list does
    assert jscal_to_ical({"@type": "Group", "entries": objects}) == back


def test_range_thisandfuture_comes_back() -> None:
    back = jscal_to_ical(ical_to_jscal(MULTI))
    override = component(back, index=1)
    assert override.first("RECURRENCE-ID").param("RANGE") == "THISANDFUTURE"


def test_converted_property_parameters_kept() -> None:
    event = ical_to_jscal(cal('SUMMARY;LANGUAGE=de;ALTREP="cid:part1@example.com":Hallo'))
    # LANGUAGE is the object's locale (the draft), ALTREP has no JSCalendar home
    assert event["locale"] == "de"
    summary = event[VENDOR_KEY]["convertedProperties"]["title"]
    assert summary == {
        "@type": "ICalProperty",
        "name": "summary",
        "parameters": {"altrep": "cid:part1@example.com"},
    }
    back = component(jscal_to_ical(event)).first("SUMMARY")
    assert back.params == {"LANGUAGE": ["de"], "ALTREP": ["cid:part1@example.com"]}


def test_jscalendar_2_dialect_written_and_read() -> None:
    from caldav.jmap.convert import JSCALENDAR_2, RFC8984

    text = cal(
        ORGANIZER,
        "ATTENDEE;X-P=1;PARTSTAT=ACCEPTED:mailto:a@example.com",
        "RRULE:FREQ=WEEKLY;COUNT=3",
        "X-FOO:bar",
    )
    v1 = ical_to_jscal(text, dialect=RFC8984)
    v2 = ical_to_jscal(text, dialect=JSCALENDAR_2)
    assert "recurrenceRules" in v1 and VENDOR_KEY in v1 and "iCalendar" not in v1
    assert v2["recurrenceRule"] == {"@type": "RecurrenceRule", "frequency": "weekly", "count": 3}
    assert "recurrenceRules" not in v2 and VENDOR_KEY not in v2
    assert v2["iCalendar"]["@type"] == "ICalComponent" and v2["iCalendar"]["name"] == "vevent"
    assert v2["iCalendar"]["properties"] == [["x-foo", {}, "unknown", "bar"]]
    key = f"participants/{uuid5('mailto:a@example.com')}"
    assert v2["iCalendar"]["convertedProperties"][key]["parameters"] == {"x-p": "1"}
    assert v2["organizerCalendarAddress"] == "mailto:boss@example.com"
    attendee = v2["participants"][uuid5("mailto:a@example.com")]
    assert attendee["calendarAddress"] == "mailto:a@example.com" and "roles" not in attendee
    # both dialects give the same iCalendar back
    assert jscal_to_ical(v1).split("DTSTAMP")[1:] == jscal_to_ical(v2).split("DTSTAMP")[1:]
    assert ical_to_jscal(jscal_to_ical(v2), dialect=JSCALENDAR_2) == v2


def test_unknown_dialect_is_a_conversion_error() -> None:
    with pytest.raises(JMAPConversionError):
        ical_to_jscal(cal("SUMMARY:x"), dialect="jscalendar-3")


def test_override_setting_a_default_its_series_lacks_keeps_it():
    # The series is tentative, one instance confirmed: iCalendar inherits nothing, so the
    # instance must say STATUS:CONFIRMED although "confirmed" is JSCalendar's default
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:s@x\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\nDURATION:PT1H\r\n"
        "STATUS:TENTATIVE\r\nPRIORITY:3\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:s@x\r\nDTSTAMP:20260101T000000Z\r\n"
        "RECURRENCE-ID:20260106T090000Z\r\nDTSTART:20260106T090000Z\r\nDURATION:PT1H\r\n"
        "STATUS:CONFIRMED\r\nPRIORITY:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    jscal = ical_to_jscal(ics)
    for key in ("python-caldav:iCalendar",):  # as a server without vendor properties
        jscal.pop(key, None)
        for patch in jscal["recurrenceOverrides"].values():
            patch.pop(key, None)
    out = jscal_to_ical(jscal)
    instance = next(part for part in out.split("BEGIN:VEVENT") if "RECURRENCE-ID" in part)
    assert "STATUS:CONFIRMED" in instance
    assert "PRIORITY" not in instance  # absent is 0 in iCalendar too
