"""Calendar management and sharing against Cyrus 3.10, with both clients."""

from __future__ import annotations

import uuid

import pytest

from caldav.jmap import JMAPMethodError, JMAPNotFoundError

from .support import ics


def calendar_by_id(jmap, calendar_id):
    return next(c for c in jmap(jmap.client.get_calendars()) if c.id == calendar_id)


def test_create_update_delete_calendar(jmap):
    name = f"Project {uuid.uuid4().hex[:6]}"
    cal_id = jmap(
        jmap.client.create_calendar(
            name,
            description="for tests",
            color="#336699",
            sort_order=3,
            is_visible=True,
            time_zone="Europe/Berlin",
        )
    )
    cal = calendar_by_id(jmap, cal_id)
    assert (cal.name, cal.description, cal.color, cal.sort_order) == (
        name,
        "for tests",
        "#336699",
        3,
    )
    assert cal.time_zone == "Europe/Berlin"

    jmap(jmap.client.update_calendar(cal_id, {"name": name + " (renamed)", "sort_order": 7}))
    cal = calendar_by_id(jmap, cal_id)
    assert (cal.name, cal.sort_order) == (name + " (renamed)", 7)

    cal.color = "#ff8800"
    jmap(cal.save())
    assert calendar_by_id(jmap, cal_id).color == "#ff8800"

    jmap(cal.delete())
    assert cal_id not in [c.id for c in jmap(jmap.client.get_calendars())]


def test_delete_calendar_with_events_needs_remove_events(jmap, uid):
    cal_id = jmap(jmap.client.create_calendar(f"Busy {uuid.uuid4().hex[:6]}"))
    event_id = jmap(jmap.client.create_event(cal_id, ics(uid)))
    with pytest.raises(JMAPMethodError) as error:
        jmap(jmap.client.delete_calendar(cal_id))
    # the draft says calendarHasEvent; Cyrus 3.10 answers calendarHasEvents
    assert error.value.error_type in ("calendarHasEvent", "calendarHasEvents")
    jmap(jmap.client.delete_calendar(cal_id, remove_events=True))
    with pytest.raises(JMAPNotFoundError):
        jmap(jmap.client.get_event(event_id))


def test_share_calendar_speaks_the_servers_right_names(jmap):
    cal_id = jmap(jmap.client.create_calendar(f"Shared {uuid.uuid4().hex[:6]}"))
    # mayShare is the current draft's name; Cyrus 3.10 calls it mayAdmin
    jmap(
        jmap.client.share_calendar(
            cal_id, "user2", {"mayReadItems": True, "mayWriteAll": True, "mayShare": True}
        )
    )
    cal = calendar_by_id(jmap, cal_id)
    rights = cal.share_with["user2"]
    assert rights["mayReadItems"] is True and rights["mayWriteAll"] is True
    assert rights["mayShare"] is True and rights["mayAdmin"] is True
    assert cal.my_rights["mayShare"] is True

    jmap(jmap.client.share_calendar(cal_id, "user2", None))
    assert not calendar_by_id(jmap, cal_id).share_with
    jmap(jmap.client.delete_calendar(cal_id, remove_events=True))


def test_calendar_changes(jmap):
    state = jmap(jmap.client.get_calendar_sync_token())
    cal_id = jmap(jmap.client.create_calendar(f"Changes {uuid.uuid4().hex[:6]}"))
    created, updated, destroyed, state2 = jmap(jmap.client.get_calendar_changes(state))
    assert cal_id in [c.id for c in created] and state2 != state
    jmap(jmap.client.update_calendar(cal_id, {"color": "#000000"}))
    created, updated, destroyed, state3 = jmap(jmap.client.get_calendar_changes(state2))
    assert [c.id for c in updated] == [cal_id] and updated[0].color == "#000000"
    jmap(jmap.client.delete_calendar(cal_id))
    created, updated, destroyed, _ = jmap(jmap.client.get_calendar_changes(state3))
    assert destroyed == [cal_id]
