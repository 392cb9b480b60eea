"""RFC 9073 VLOCATION and PARTICIPANT components <-> Location and Participant objects."""

from __future__ import annotations

from typing import Any

import pytest

from caldav.jmap.convert import JSCALENDAR_2, RFC8984, ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.model import ICalComponent, ICalProperty
from caldav.jmap.error import JMAPConversionError

from .ical_text import vcalendar, vevent

DIALECTS = [RFC8984, JSCALENDAR_2]


def _calendar(*lines: str) -> str:
    return vcalendar("DTSTART:20240102T100000Z", *lines)


def _event(text: str) -> ICalComponent:
    return vevent(text)


def _line(prop: ICalProperty) -> tuple[str, tuple[tuple[str, tuple[str, ...]], ...], str]:
    return prop.name, tuple(sorted((k, tuple(v)) for k, v in prop.params.items())), prop.value


def _lines(comp: ICalComponent) -> list[Any]:
    return sorted(_line(p) for p in comp.properties)


def _subcomponents(text: str, name: str) -> list[list[Any]]:
    return sorted(_lines(c) for c in _event(text).components if c.name == name)


def _round_trip(text: str, dialect: str) -> str:
    return jscal_to_ical(ical_to_jscal(text, dialect=dialect))


VLOCATION = [
    "BEGIN:VLOCATION",
    "UID:loc-uid-1",
    "NAME;LANGUAGE=en:Fred's Bar\\, upstairs",
    "DESCRIPTION:Ring twice",
    "LOCATION-TYPE:bar,restaurant",
    "COORDINATES;VALUE=URI:geo:40.71427,-74.00597;u=20",
    "STRUCTURED-DATA;VALUE=URI:http://dir.example.com/venues/fred.vcf",
    "URL:https://fred.example.com/",
    "X-FOO;X-BAR=1:baz",
    "END:VLOCATION",
]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_vlocation_round_trip_keeps_every_property(dialect: str) -> None:
    source = _calendar(*VLOCATION)
    event = ical_to_jscal(source, dialect=dialect)
    location = event["locations"]["loc-uid-1"]
    assert location["name"] == "Fred's Bar, upstairs"
    assert location["description"] == "Ring twice"
    assert location["locationTypes"] == {"bar": True, "restaurant": True}
    assert location["coordinates"] == "geo:40.71427,-74.00597;u=20"
    assert [link["href"] for link in location["links"].values()] == ["https://fred.example.com/"]
    back = jscal_to_ical(event)
    assert _subcomponents(back, "VLOCATION") == _subcomponents(source, "VLOCATION")
    assert _event(back).first("LOCATION") is None and _event(back).first("GEO") is None


@pytest.mark.parametrize("dialect", DIALECTS)
def test_vlocation_geo_and_key_without_uid(dialect: str) -> None:
    source = _calendar(
        "BEGIN:VLOCATION", "NAME:Eiffel Tower", "GEO:48.858222;2.2945", "END:VLOCATION"
    )
    event = ical_to_jscal(source, dialect=dialect)
    ((key, location),) = event["locations"].items()
    assert location["coordinates"] == "geo:48.858222,2.2945"
    assert ical_to_jscal(source, dialect=dialect)["locations"].keys() == {key}  # stable
    vlocation = next(c for c in _event(jscal_to_ical(event)).components if c.name == "VLOCATION")
    assert vlocation.first("GEO").value == "48.858222;2.2945"  # back as GEO, not COORDINATES
    assert vlocation.first("UID").value == key  # RFC 9073 requires one: the key reads back
    assert ical_to_jscal(jscal_to_ical(event), dialect=dialect)["locations"].keys() == {key}


PARTICIPANTS = [
    "ORGANIZER;CN=Olga:mailto:olga@example.com",
    "ATTENDEE;PARTSTAT=TENTATIVE;CN=Ann:mailto:ann@example.com",
    "BEGIN:PARTICIPANT",
    "UID:part-ann",
    "CALENDAR-ADDRESS:mailto:ann@example.com",
    "PARTICIPANT-TYPE:SPEAKER",
    "DESCRIPTION:Talks about caldav",
    "SUMMARY:Dr. Ann",
    "URL:https://ann.example.com/",
    "X-ANN:1",
    "END:PARTICIPANT",
    "BEGIN:PARTICIPANT",
    "UID:part-bob",
    "CALENDAR-ADDRESS:mailto:bob@example.com",
    "SUMMARY:Bob",
    "END:PARTICIPANT",
    "BEGIN:PARTICIPANT",
    "UID:part-carl",
    "SUMMARY;LANGUAGE=en:Carl",
    "DESCRIPTION:No address",
    "PARTICIPANT-TYPE:SPONSOR",
    "END:PARTICIPANT",
]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_participant_round_trip_keeps_every_property(dialect: str) -> None:
    source = _calendar(*PARTICIPANTS)
    event = ical_to_jscal(source, dialect=dialect)
    participants = event["participants"]
    assert len(participants) == 4  # Olga, Ann (ATTENDEE + PARTICIPANT), Bob, Carl
    ann = next(p for p in participants.values() if p.get("description") == "Talks about caldav")
    assert ann["participationStatus"] == "tentative" and ann["name"] == "Ann"
    assert "part-carl" in participants and participants["part-carl"]["name"] == "Carl"
    back = jscal_to_ical(event)
    assert _subcomponents(back, "PARTICIPANT") == _subcomponents(source, "PARTICIPANT")
    for name in ("ATTENDEE", "ORGANIZER"):
        assert sorted(map(_line, _event(back).all(name))) == sorted(
            map(_line, _event(source).all(name))
        )


def test_participant_summary_of_an_attendee_without_cn() -> None:
    source = _calendar(
        "ATTENDEE:mailto:ann@example.com",
        "BEGIN:PARTICIPANT",
        "UID:p1",
        "CALENDAR-ADDRESS:mailto:ann@example.com",
        "SUMMARY:Ann",
        "END:PARTICIPANT",
    )
    event = ical_to_jscal(source)
    ((participant),) = event["participants"].values()
    assert participant["name"] == "Ann"
    back = jscal_to_ical(event)
    assert _event(back).first("ATTENDEE").params == {}  # no CN gained
    assert _subcomponents(back, "PARTICIPANT") == _subcomponents(source, "PARTICIPANT")


def test_location_with_location_types_becomes_vlocation() -> None:
    event = {
        "@type": "Event",
        "uid": "e1",
        "start": "2024-01-02T10:00:00",
        "locations": {
            "loc1": {"@type": "Location", "name": "Room B", "locationTypes": {"office": True}},
            "loc2": {"@type": "Location", "name": "Lobby"},
        },
    }
    vevent = _event(jscal_to_ical(event))
    (vlocation,) = [c for c in vevent.components if c.name == "VLOCATION"]
    assert _lines(vlocation) == sorted(
        [("UID", (), "loc1"), ("NAME", (), "Room B"), ("LOCATION-TYPE", (), "office")]
    )
    assert [p.value for p in vevent.all("LOCATION")] == ["Lobby"]  # plain: as today
    again = ical_to_jscal(jscal_to_ical(event))
    assert again["locations"]["loc1"]["locationTypes"] == {"office": True}
    assert again["locations"]["loc1"]["name"] == "Room B"


def test_address_less_participant_becomes_participant_component() -> None:
    event = {
        "@type": "Event",
        "uid": "e1",
        "start": "2024-01-02T10:00:00",
        "participants": {
            "p1": {"@type": "Participant", "description": "Our sponsor", "kind": "group"}
        },
    }
    vevent = _event(jscal_to_ical(event))
    assert vevent.first("ATTENDEE") is None
    (comp,) = [c for c in vevent.components if c.name == "PARTICIPANT"]
    assert comp.first("DESCRIPTION").value == "Our sponsor"
    assert comp.first("UID").value == "p1"
    again = ical_to_jscal(jscal_to_ical(event))["participants"]["p1"]
    assert again["description"] == "Our sponsor" and again["kind"] == "group"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_main_location_from_derived_location(dialect: str) -> None:
    source = _calendar(
        "LOCATION;DERIVED=TRUE:Fred's Bar",
        "BEGIN:VLOCATION",
        "UID:bar",
        "NAME:Fred's Bar",
        "END:VLOCATION",
        "BEGIN:VLOCATION",
        "UID:parking",
        "NAME:XYZ Parking",
        "END:VLOCATION",
    )
    event = ical_to_jscal(source, dialect=dialect)
    assert event["mainLocationId"] == "bar"
    back = jscal_to_ical(event)
    assert _event(back).first("JSPROP") is None  # derived again, nothing to write
    assert [_line(p) for p in _event(back).all("LOCATION")] == [
        ("LOCATION", (("DERIVED", ("TRUE",)),), "Fred's Bar")
    ]
    assert ical_to_jscal(back, dialect=dialect)["mainLocationId"] == "bar"


def test_main_location_not_derivable_travels_as_jsprop() -> None:
    source = _calendar(
        "LOCATION:Hall",
        "BEGIN:VLOCATION",
        "UID:annex",
        "NAME:Annex",
        "END:VLOCATION",
    )
    event = ical_to_jscal(source)
    hall = next(k for k, v in event["locations"].items() if v.get("name") == "Hall")
    assert event["mainLocationId"] == hall  # a non-derived LOCATION: its own key
    assert _event(jscal_to_ical(event)).first("JSPROP") is None
    event["mainLocationId"] = "annex"
    back = jscal_to_ical(event)
    assert _event(back).first("JSPROP").param("JSPTR") == "mainLocationId"
    assert ical_to_jscal(back)["mainLocationId"] == "annex"


def test_malformed_components_convert_losslessly() -> None:
    source = _calendar(
        "BEGIN:VLOCATION",
        "UID:bad",
        "COORDINATES:not-a-uri",
        "GEO:north;south",
        "LOCATION-TYPE:",
        "END:VLOCATION",
        "BEGIN:PARTICIPANT",
        "END:PARTICIPANT",
        "BEGIN:PARTICIPANT",
        "CALENDAR-ADDRESS:",
        "PERCENT-COMPLETE:lots",
        "END:PARTICIPANT",
    )
    event = ical_to_jscal(source)
    assert "coordinates" not in event["locations"]["bad"]
    back = jscal_to_ical(event)
    assert _subcomponents(back, "VLOCATION") == _subcomponents(source, "VLOCATION")
    # the PARTICIPANTs come back, with the UID RFC 9073 requires
    kept = [
        [line for line in lines if line[0] != "UID"]
        for lines in _subcomponents(back, "PARTICIPANT")
    ]
    assert sorted(kept) == _subcomponents(source, "PARTICIPANT")


@pytest.mark.parametrize(
    "bad",
    [
        {"locations": {"l1": {"@type": "Location", "locationTypes": ["office"]}}},
        {"locations": {"l1": {"@type": "Location", "coordinates": 5, "description": "x"}}},
        {"participants": {"p1": {"@type": "Participant", "description": 7}}},
        {"participants": {"p1": {"@type": "Participant", "percentComplete": "half"}}},
    ],
)
def test_malformed_json_raises_conversion_error(bad: dict[str, Any]) -> None:
    with pytest.raises(JMAPConversionError):
        jscal_to_ical({"@type": "Event", "uid": "e1", "start": "2024-01-02T10:00:00", **bad})
