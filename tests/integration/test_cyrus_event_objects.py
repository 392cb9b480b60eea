"""Events as objects, and lost-update protection, against Cyrus 3.10 with both clients."""

from __future__ import annotations

import pytest
from caldav.lib.error import NotFoundError

from caldav.jmap import JMAPStateMismatchError
from caldav.jmap.objects.event import JMAPEvent

from .support import ics


def test_event_object_round_trip(jmap, uid):
    event_id = jmap(jmap.client.create_event("Default", ics(uid, "Object")))
    event = jmap(jmap.client.get_event_object(event_id))
    assert isinstance(event, JMAPEvent)
    assert (event.id, event.uid, event.calendar_ids) == (event_id, uid, ["Default"])
    assert event.jscal["title"] == "Object" and "SUMMARY:Object" in event.data
    assert event.state

    cal = event.icalendar_instance
    cal.walk("VEVENT")[0]["SUMMARY"] = "Object (edited)"
    event.data = cal.to_ical().decode()
    jmap(event.save())
    assert jmap(jmap.client.get_event_object(event_id)).jscal["title"] == "Object (edited)"
    # saved again with the state the first save left: still allowed
    event.jscal["title"] = "Object (edited twice)"
    jmap(event.save())
    assert "Object (edited twice)" in jmap(jmap.client.get_event(event_id))

    found = jmap(jmap.client.get_event_by_uid(uid))
    assert found.id == event_id
    [by_calendar] = [e for e in jmap(jmap.client.search_event_objects(uid=uid))]
    assert by_calendar.id == event_id
    jmap(found.delete())
    with pytest.raises(NotFoundError):
        jmap(jmap.client.get_event_object(event_id))


def test_object_changes_return_objects_and_new_token(jmap, uid):
    token = jmap(jmap.client.get_sync_token())
    event_id = jmap(jmap.client.create_event("Default", ics(uid, "Tracked")))
    added, modified, deleted, new_token = jmap(jmap.client.get_object_changes(token))
    assert event_id in [e.id for e in added] and new_token != token
    jmap(jmap.client.delete_event(event_id))
    added, modified, deleted, _ = jmap(jmap.client.get_object_changes(new_token))
    assert deleted == [event_id]


def test_two_clients_racing_lose_nothing(harness_factory, uid):
    alice = harness_factory("user1")
    also_alice = harness_factory("user1")  # the same account from another device
    event_id = alice(alice.client.create_event("Default", ics(uid, "Original")))
    mine = alice(alice.client.get_event_object(event_id))
    theirs = also_alice(also_alice.client.get_event_object(event_id))

    theirs.jscal["title"] = "Their change"
    also_alice(theirs.save())
    mine.jscal["title"] = "My change"
    with pytest.raises(JMAPStateMismatchError) as error:
        alice(mine.save())
    assert error.value.error_type == "stateMismatch"
    assert "read it again" in str(error.value)
    # their change survived; read again, reapply, save
    assert alice(alice.client.get_event_object(event_id)).jscal["title"] == "Their change"
    fresh = alice(alice.client.get_event_object(event_id))
    fresh.jscal["description"] = "added after reading their change"
    alice(fresh.save())
    final = alice(alice.client.get_event_object(event_id)).jscal
    assert final["title"] == "Their change"
    assert final["description"] == "added after reading their change"
    # the string API takes a state too
    stale_state = mine.state
    with pytest.raises(JMAPStateMismatchError):
        alice(alice.client.delete_event(event_id, if_in_state=stale_state))
    alice(alice.client.delete_event(event_id))
