"""ATTENDEE's MEMBER parameter <-> the Participant's memberOf (ids of the groups)."""

from __future__ import annotations

import pytest

from caldav.jmap.convert import JSCALENDAR_2, RFC8984, ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.model import ICalProperty, parse_ical

from .ical_text import vcalendar, vevent

DIALECTS = [RFC8984, JSCALENDAR_2]
TEAM = "mailto:team@example.com"
ALL = "mailto:all@example.com"


def _calendar(*lines: str) -> str:
    return vcalendar("DTSTART:20240102T100000Z", "ORGANIZER:mailto:org@example.com", *lines)


def _attendees(text: str) -> dict[str, ICalProperty]:
    return {p.value: p for p in vevent(text).all("ATTENDEE")}


def _participant(event: dict, address: str) -> tuple[str, dict]:
    for pid, participant in event["participants"].items():
        if address in (participant.get("calendarAddress"), *participant.get("sendTo", {}).values()):
            return pid, participant
    raise AssertionError(f"no participant {address}")


SOURCE = _calendar(
    f'ATTENDEE;CN=Ann;MEMBER="{TEAM}","{ALL}":mailto:ann@example.com',
)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_groups_that_are_no_participants_stay_out_of_member_of(dialect: str) -> None:
    # RFC 8984: memberOf holds participant ids (Cyrus refuses any other); groups that are
    # no participant stay in the kept MEMBER parameter and come back from it
    event = ical_to_jscal(SOURCE, dialect=dialect)
    _, ann = _participant(event, "mailto:ann@example.com")
    assert "memberOf" not in ann


@pytest.mark.parametrize("dialect", DIALECTS)
def test_member_round_trip(dialect: str) -> None:
    back = jscal_to_ical(ical_to_jscal(SOURCE, dialect=dialect))
    assert _attendees(back)["mailto:ann@example.com"].params["MEMBER"] == [TEAM, ALL]
    assert ical_to_jscal(back, dialect=dialect) == ical_to_jscal(SOURCE, dialect=dialect)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_member_of_a_participant_key(dialect: str) -> None:
    # the group is a participant with an explicit id: memberOf points at its key
    text = _calendar(
        f'ATTENDEE;MEMBER="{TEAM}":mailto:ann@example.com',
        f"ATTENDEE;JSID=team;CUTYPE=GROUP:{TEAM}",
    )
    event = ical_to_jscal(text, dialect=dialect)
    _, ann = _participant(event, "mailto:ann@example.com")
    assert ann["memberOf"] == {"team": True}
    assert _attendees(jscal_to_ical(event))["mailto:ann@example.com"].params["MEMBER"] == [TEAM]


GROUPED = _calendar(
    f'ATTENDEE;MEMBER="{TEAM}","{ALL}":mailto:ann@example.com',
    f"ATTENDEE;JSID=team;CUTYPE=GROUP:{TEAM}",
)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_member_of_mixed_with_groups_outside(dialect: str) -> None:
    event = ical_to_jscal(GROUPED, dialect=dialect)
    _, ann = _participant(event, "mailto:ann@example.com")
    assert ann["memberOf"] == {"team": True}
    assert _attendees(jscal_to_ical(event))["mailto:ann@example.com"].params["MEMBER"] == [
        TEAM,
        ALL,
    ]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_removed_member_of_writes_only_the_groups_outside(dialect: str) -> None:
    event = ical_to_jscal(GROUPED, dialect=dialect)
    _, ann = _participant(event, "mailto:ann@example.com")
    del ann["memberOf"]
    assert _attendees(jscal_to_ical(event))["mailto:ann@example.com"].params["MEMBER"] == [ALL]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_member_of_with_an_unknown_id(dialect: str) -> None:
    event = ical_to_jscal(GROUPED, dialect=dialect)
    _, ann = _participant(event, "mailto:ann@example.com")
    ann["memberOf"] = {"team": True, "unknown-group": True}
    # an id that resolves to no address is left out
    members = _attendees(jscal_to_ical(event))["mailto:ann@example.com"].params["MEMBER"]
    assert members == [TEAM, ALL]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_member_of_from_jscalendar(dialect: str) -> None:
    group = {"@type": "Participant", "kind": "group", "roles": {"attendee": True}}
    member = {"@type": "Participant", "roles": {"attendee": True}, "memberOf": {"g1": True}}
    if dialect == JSCALENDAR_2:
        group["calendarAddress"] = TEAM
        member["calendarAddress"] = "mailto:bob@example.com"
    else:
        group["sendTo"] = {"imip": TEAM}
        member["sendTo"] = {"imip": "mailto:bob@example.com"}
    event = {
        "@type": "Event",
        "uid": "e1",
        "start": "2024-01-02T10:00:00",
        "timeZone": "Etc/UTC",
        "participants": {"g1": group, "p1": member},
    }
    attendees = _attendees(jscal_to_ical(event))
    assert attendees["mailto:bob@example.com"].params["MEMBER"] == [TEAM]
    assert "MEMBER" not in attendees[TEAM].params


def test_organizer_attendee_keeps_member_on_the_attendee() -> None:
    text = _calendar(f'ATTENDEE;MEMBER="{TEAM}":mailto:org@example.com')
    back = parse_ical(jscal_to_ical(ical_to_jscal(text)))
    event = next(c for c in back.components if c.name == "VEVENT")
    organizer = event.first("ORGANIZER")
    assert organizer is not None and "MEMBER" not in organizer.params
    assert _attendees(jscal_to_ical(ical_to_jscal(text)))["mailto:org@example.com"].params[
        "MEMBER"
    ] == [TEAM]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_delegation_to_someone_who_is_no_attendee(dialect: str) -> None:
    # the same rule for DELEGATED-TO / -FROM: participant ids in the set, others kept
    text = _calendar(
        'ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO="mailto:bob@example.com","mailto:'
        'eve@example.com":mailto:ann@example.com',
        'ATTENDEE;DELEGATED-FROM="mailto:ann@example.com":mailto:bob@example.com',
    )
    event = ical_to_jscal(text, dialect=dialect)
    ann_id, ann = _participant(event, "mailto:ann@example.com")
    bob_id, bob = _participant(event, "mailto:bob@example.com")
    assert ann["delegatedTo"] == {bob_id: True}  # eve is no participant
    assert bob["delegatedFrom"] == {ann_id: True}
    attendees = _attendees(jscal_to_ical(event))
    assert attendees["mailto:ann@example.com"].params["DELEGATED-TO"] == [
        "mailto:bob@example.com",
        "mailto:eve@example.com",
    ]
    assert attendees["mailto:bob@example.com"].params["DELEGATED-FROM"] == [
        "mailto:ann@example.com"
    ]
