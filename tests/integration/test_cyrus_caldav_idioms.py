"""python-caldav's object idioms against Cyrus 3.10, with both clients.

Conflict detection per object (save/delete in a search loop), the cached and editable
icalendar instance, load(), search keywords, add_event's input forms and UID semantics,
events()/event_by_uid()/save_event(), principal()/calendar() and JMAPCalendarObject.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import icalendar
import pytest
from caldav.lib.error import ConsistencyError, NotFoundError

from caldav.jmap import (
    JMAPCalendar,
    JMAPCalendarObject,
    JMAPCapabilityError,
    JMAPConsistencyError,
    JMAPEvent,
    JMAPNotFoundError,
    JMAPStateMismatchError,
)
from caldav.jmap.objects import calendar_object

from .support import eventually, ics
from .test_cyrus_principals import READ, shared_calendar


@pytest.fixture
def cal(jmap: Any) -> Iterator[JMAPCalendar]:
    """A calendar of its own for the test (removed with its events afterwards)."""
    name = f"idioms-{uuid.uuid4().hex[:8]}"
    cal_id = jmap(jmap.client.create_calendar(name))
    yield jmap(jmap.client.calendar(cal_id=cal_id))
    jmap(jmap.client.delete_calendar(cal_id, remove_events=True))


def test_search_edit_save_loop_over_100_events(jmap, cal):
    jmap(cal.add_events([ics(f"loop-{i}-{uuid.uuid4()}", f"Loop {i}") for i in range(100)]))
    found = jmap(cal.search_objects())
    assert len(found) == 100
    for ev in found:
        ev.data = ev.data.replace("SUMMARY:Loop", "SUMMARY:Edited")
        jmap(ev.save())  # every save after the first used to raise JMAPStateMismatchError
    titles = sorted(ev.jscal["title"] for ev in jmap(cal.events()))
    assert titles == sorted(f"Edited {i}" for i in range(100))
    for ev in found[:10]:
        jmap(ev.delete())  # deletes after other changes likewise
    assert len(jmap(cal.events())) == 90


def test_a_real_concurrent_edit_of_the_same_event_is_still_caught(harness_factory, uid):
    alice, also_alice = harness_factory("user1"), harness_factory("user1")
    cal_id = alice(alice.client.create_calendar(f"race-{uuid.uuid4().hex[:8]}"))
    try:
        mine_cal = alice(alice.client.calendar(cal_id=cal_id))
        alice(mine_cal.add_event(ics(uid, "Original")))
        alice(mine_cal.add_event(ics("other-" + uid, "Other")))
        mine = alice(mine_cal.event_by_uid(uid))
        other = alice(mine_cal.event_by_uid("other-" + uid))
        theirs = also_alice(also_alice.client.calendar(cal_id=cal_id))
        their_event = also_alice(theirs.event_by_uid(uid))
        their_event.jscal["title"] = "Their change"
        also_alice(their_event.save())
        # another event: the account's state moved, but this one did not change
        other.jscal["title"] = "Other, edited"
        alice(other.save())
        mine.jscal["title"] = "My change"
        with pytest.raises(JMAPStateMismatchError):
            alice(mine.save())
        with pytest.raises(JMAPStateMismatchError):
            alice(mine.delete())
        assert alice(mine.load()) is mine  # read again: their change, and saving works
        assert mine.jscal["title"] == "Their change"
        mine.jscal["title"] = "Mine after theirs"
        alice(mine.save())
        assert also_alice(theirs.event_by_uid(uid)).jscal["title"] == "Mine after theirs"
    finally:
        alice(alice.client.delete_calendar(cal_id, remove_events=True))


def test_icalendar_instance_is_cached_and_what_save_sends(jmap, cal, uid):
    jmap(cal.add_event(ics(uid, "Cached")))
    ev = jmap(cal.event_by_uid(uid))
    assert ev.icalendar_instance is ev.icalendar_instance
    ev.icalendar_component["SUMMARY"] = "Edited in place"
    # data, jscal and the instance are one event
    assert "SUMMARY:Edited in place" in ev.data
    assert ev.jscal["title"] == "Edited in place"
    assert ev.icalendar_component["SUMMARY"] == "Edited in place"
    jmap(ev.save())
    assert jmap(cal.event_by_uid(uid)).jscal["title"] == "Edited in place"

    with ev.edit_icalendar_instance() as ical:
        ical.walk("VEVENT")[0]["LOCATION"] = "Room 1"
    jmap(ev.save())
    again = jmap(cal.event_by_uid(uid))
    assert "LOCATION:Room 1" in again.get_data()
    # a jscal edit shows in a fresh icalendar instance, too
    again.jscal["title"] = "Through jscal"
    assert again.get_icalendar_instance().walk("VEVENT")[0]["SUMMARY"] == "Through jscal"
    # the get_* forms are copies to read (python-caldav 3.6): editing them changes nothing
    again.get_icalendar_component()["SUMMARY"] = "Lost"
    again.get_icalendar_instance().walk("VEVENT")[0]["SUMMARY"] = "Lost too"
    assert again.jscal["title"] == "Through jscal"
    with again.edit_icalendar_component() as component:
        component["SUMMARY"] = "Through the component"
    assert again.jscal["title"] == "Through the component"
    again.icalendar_instance = icalendar.Calendar.from_ical(ics(uid, "Assigned"))
    assert again.jscal["title"] == "Assigned"
    jmap(again.save())
    # load() drops local edits and reads the server's version
    again.jscal["title"] = "not saved"
    jmap(again.load())
    assert again.jscal["title"] == "Assigned"
    assert again.parent is not None and again.parent.id == cal.id


def test_search_accepts_python_caldavs_keywords(jmap, cal, uid):
    jmap(
        cal.add_event(
            ics(uid, "Board meeting", extra="LOCATION:Oslo\nCATEGORIES:work\nDESCRIPTION:Q3")
        )
    )
    jmap(
        cal.add_event(
            ics("b-" + uid, "Alpha lunch", start="20260601T120000", end="20260601T130000")
        )
    )
    weekly = ics("r-" + uid, "Weekly", extra="RRULE:FREQ=WEEKLY;COUNT=3")
    jmap(cal.add_event(weekly))

    def uids(results: list[str]) -> list[str]:
        return [str(icalendar.Calendar.from_ical(r).walk("VEVENT")[0]["UID"]) for r in results]

    # Cyrus indexes text in the background: wait until it has
    assert uids(eventually(lambda: jmap(cal.search(summary="Board")))) == [uid]
    assert uids(jmap(cal.search(category="work"))) == [uid]
    assert uids(jmap(cal.search(location="Oslo"))) == [uid]
    assert uids(jmap(cal.search(description="Q3"))) == [uid]
    # the second event may be indexed later than the first
    assert uids(eventually(lambda: jmap(cal.search(uid="b-" + uid, event=True)))) == ["b-" + uid]
    assert uids(jmap(cal.search(comp_class=JMAPEvent, uid=uid))) == [uid]
    assert uids(jmap(cal.search(comp_class=icalendar.Event, summary="Alpha"))) == ["b-" + uid]
    by_summary = jmap(cal.search(sort_keys=["summary"], start="2026-06-01", end="2026-06-02"))
    assert uids(by_summary) == ["b-" + uid, uid, "r-" + uid]
    by_start = jmap(
        cal.search(sort_keys="dtstart", sort_reverse=True, start="2026-06-01", end="2026-06-02")
    )
    assert uids(by_start)[0] == "b-" + uid
    expanded = jmap(
        cal.search(
            uid="r-" + uid,
            expand=True,
            start=datetime(2026, 5, 1, tzinfo=timezone.utc),
            end=datetime(2026, 7, 1, tzinfo=timezone.utc),
        )
    )
    assert len(expanded) == 3
    assert jmap(cal.search(journal=True)) == []
    with pytest.raises(TypeError, match="no_such_keyword"):
        jmap(cal.search(no_such_keyword=1))
    # Cyrus 3.10 has no JMAP Tasks: a task search says so
    with pytest.raises(JMAPCapabilityError):
        jmap(cal.search(todo=True))
    with pytest.raises(JMAPCapabilityError):
        jmap(cal.get_object_by_uid(uid, comp_class=icalendar.Todo))
    assert uid in jmap(cal.get_object_by_uid(uid, comp_class=icalendar.Event))
    with pytest.raises(NotFoundError):
        jmap(cal.get_object_by_uid("missing-" + uid, comp_class=icalendar.Event))


def test_add_event_input_forms_and_uid_semantics(jmap, cal, uid):
    first = jmap(cal.add_event(ics(uid, "As text")))
    # the same UID again updates that event (python-caldav's semantics)
    assert jmap(cal.add_event(ics(uid, "As bytes").encode())) == first
    assert jmap(cal.event_by_uid(uid)).jscal["title"] == "As bytes"
    assert jmap(cal.add_event(icalendar.Calendar.from_ical(ics(uid, "As Calendar")))) == first
    assert jmap(cal.event_by_uid(uid)).jscal["title"] == "As Calendar"
    component = icalendar.Calendar.from_ical(ics("c-" + uid, "As Event")).walk("VEVENT")[0]
    second = jmap(cal.add_event(component))
    assert second != first and jmap(cal.event_by_uid("c-" + uid)).jscal["title"] == "As Event"

    start = datetime(2026, 6, 2, 9, tzinfo=timezone.utc)
    kw_id = jmap(
        cal.add_event(
            dtstart=start,
            dtend=start + timedelta(hours=1),
            summary="As keywords",
            uid="k-" + uid,
            categories=["a", "b"],
            alarm_trigger=timedelta(minutes=-10),
        )
    )
    made = jmap(cal.event_by_uid("k-" + uid))
    assert made.id == kw_id and made.jscal["title"] == "As keywords"
    assert set(made.jscal["keywords"]) == {"a", "b"} and made.jscal.get("alerts")

    with pytest.raises(JMAPConsistencyError) as exists:
        jmap(cal.add_event(ics(uid, "Not again"), no_overwrite=True))
    assert isinstance(exists.value, ConsistencyError)
    with pytest.raises(JMAPConsistencyError):
        jmap(cal.add_event(ics("new-" + uid, "Nothing to update"), no_create=True))
    assert jmap(cal.add_event(ics(uid, "Only update"), no_create=True)) == first
    with pytest.raises(TypeError):
        jmap(cal.add_event(12))

    saved = jmap(cal.save_event(ics("s-" + uid, "Saved")))
    assert isinstance(saved, JMAPEvent) and saved.parent is cal
    assert saved.jscal["title"] == "Saved"


def test_events_event_by_uid_principal_and_calendar(jmap, cal, uid):
    jmap(cal.add_event(ics(uid, "Listed")))
    [listed] = jmap(cal.events())
    assert listed.uid == uid and listed.parent is cal
    assert jmap(cal.event_by_uid(uid)).id == listed.id
    with pytest.raises(JMAPNotFoundError):
        jmap(cal.event_by_uid("missing-" + uid))

    principal = jmap(jmap.client.principal())
    assert cal.id in [c.id for c in jmap(principal.calendars())]
    assert jmap(principal.calendar(name=cal.name)).id == cal.id
    assert jmap(principal.calendar(cal_id=cal.id)).name == cal.name
    assert jmap(jmap.client.calendar(name=cal.name)).id == cal.id
    assert jmap(jmap.client.calendar()).id  # the default calendar
    with pytest.raises(NotFoundError):
        jmap(jmap.client.calendar(name="no such calendar " + uid))


def test_jmap_calendar_object_is_the_peers_name(jmap, cal, uid):
    assert calendar_object.JMAPCalendarObject is JMAPCalendarObject is JMAPEvent
    jmap(cal.add_event(ics(uid, "Peer name")))
    [obj] = jmap(cal.search_objects(uid=uid))
    assert isinstance(obj, JMAPCalendarObject)
    assert "SUMMARY:Peer name" in obj.get_data()
    with obj.edit_icalendar_instance() as ical:
        ical.walk("VEVENT")[0]["SUMMARY"] = "Peer edit"
    jmap(obj.save())
    assert obj.parent is not None and obj.parent.id == cal.id
    assert jmap(cal.event_by_uid(uid)).get_icalendar_instance().walk("VEVENT")[0]["SUMMARY"] == (
        "Peer edit"
    )


def test_another_principals_calendars_are_those_of_their_account(jmap, harness_factory):
    user2 = harness_factory("user2")
    with shared_calendar(user2, "user1", READ) as cal_id:
        principals = {p.id: p for p in jmap(jmap.client.get_principals())}
        theirs = principals["user2"]
        assert cal_id in [c.id for c in jmap(theirs.calendars())]
        found = jmap(theirs.calendar(cal_id=cal_id))
        assert found.id == cal_id and found.name.startswith("Shared")
        # the user's own principal lists the user's calendars, not the shared one
        mine = jmap(jmap.client.principal())
        assert cal_id not in [c.id for c in jmap(mine.calendars())]
