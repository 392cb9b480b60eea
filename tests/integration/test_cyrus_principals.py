"""Principals, availability, participant identities, event notifications and shared
accounts against Cyrus 3.10, with both clients.

What Cyrus shows of other users depends on sharing: a principal is visible (Principal/query,
/get, getAvailability) only when it shares at least one calendar with the user, and a shared
account appears in the sharee's session.  So each test sets up the shares it needs and
removes them (and what it created) afterwards.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from caldav.jmap import JMAPClient, JMAPMethodError, JMAPNotFoundError
from caldav.jmap._protocol.operations import set_one
from caldav.jmap._registry import EVENT
from caldav.jmap.objects.principal import BusyPeriod

from .support import ics

FREE_BUSY = {"mayReadFreeBusy": True}
READ = {"mayReadFreeBusy": True, "mayReadItems": True}
READ_WRITE = {"mayReadFreeBusy": True, "mayReadItems": True, "mayWriteAll": True}


def converter_available() -> bool:
    """Whether caldav.jmap.convert is the real converter (not a stand-in module)."""
    import caldav.jmap.convert as convert

    return getattr(convert, "__file__", None) is not None


@contextmanager
def shared_calendar(owner: Any, sharee: str, rights: dict[str, bool]) -> Iterator[str]:
    """A new calendar of ``owner``'s (a harness) shared with ``sharee``; deleted afterwards."""
    cal_id = owner(owner.client.create_calendar(f"Shared {uuid.uuid4().hex[:8]}"))
    try:
        owner(owner.client.share_calendar(cal_id, sharee, rights))
        yield cal_id
    finally:
        owner(owner.client.delete_calendar(cal_id, remove_events=True))


def add_event(
    h: Any, client: Any, calendar_id: str, uid: str, title: str, start: str = "20310714T100000"
) -> str:
    """Create a one-hour Europe/Oslo event through ``client``; returns its id.

    With the iCalendar converter this is ``create_event``; until it exists, a raw
    CalendarEvent/set through the client's own connection (and so its account).
    """
    end = start[:9] + f"{int(start[9:11]) + 1:02d}" + start[11:]
    if converter_available():
        return h(client.create_event(calendar_id, ics(uid, title, start=start, end=end)))
    local = f"{start[:4]}-{start[4:6]}-{start[6:8]}T{start[9:11]}:{start[11:13]}:{start[13:15]}"
    event = {
        "calendarIds": {calendar_id: True},
        "uid": uid,
        "title": title,
        "start": local,
        "timeZone": "Europe/Oslo",
        "duration": "PT1H",
    }

    def create() -> Any:
        account_id = yield from client._conn.account_for()
        return (yield from set_one(client._conn, EVENT, account_id, create=event)).id

    return h(client._run(create()))


@pytest.fixture
def others_share_with_user1(harness_factory: Callable[..., Any]) -> Iterator[dict[str, Any]]:
    """user2 and user3 each share a calendar with user1 (Cyrus needs mayReadItems: see
    test_a_free_busy_only_share_hides_the_principal_on_cyrus)."""
    owners = {user: harness_factory(user) for user in ("user2", "user3")}
    with shared_calendar(owners["user2"], "user1", READ) as cal2:
        with shared_calendar(owners["user3"], "user1", READ) as cal3:
            yield {"harnesses": owners, "calendars": {"user2": cal2, "user3": cal3}}


def test_principals_are_listed_in_one_round_trip(jmap, others_share_with_user1):
    before = jmap.posts
    principals = {p.id: p for p in jmap(jmap.client.get_principals())}
    assert jmap.posts - before == 1
    assert {"user1", "user2", "user3"} <= set(principals)
    for user in ("user1", "user2", "user3"):
        p = principals[user]
        assert (p.email, p.type, p.account_id) == (f"{user}@internal", "individual", user)
        assert p.may_get_availability is True
        assert p.calendar_address == f"mailto:{user}@internal"
        assert p.send_to == {"imip": f"mailto:{user}@internal"}


def test_current_principal_is_the_user(jmap):
    me = jmap(jmap.client.get_current_principal())
    assert (me.id, me.email, me.account_id) == ("user1", "user1@internal", "user1")
    assert me.calendar_address == "mailto:user1@internal"


def test_search_principals_by_email_and_text(jmap, others_share_with_user1):
    before = jmap.posts
    found = jmap(jmap.client.search_principals(email="user2@internal"))
    assert jmap.posts - before == 1
    assert [p.id for p in found] == ["user2"]
    assert found[0].email == "user2@internal"
    assert [p.id for p in jmap(jmap.client.search_principals(text="user3"))] == ["user3"]
    assert jmap(jmap.client.search_principals(email="nobody@internal")) == []


def test_availability_shows_anothers_busy_time(jmap, harness_factory, uid):
    user2 = harness_factory("user2")
    with shared_calendar(user2, "user1", READ_WRITE) as cal_id:
        add_event(user2, user2.client, cal_id, uid, "Dentist", start="20310714T100000")
        # 10:00-11:00 in Oslo (UTC+2 in July) is 08:00-09:00 UTC
        expected = [BusyPeriod("2031-07-14T08:00:00Z", "2031-07-14T09:00:00Z", "unavailable")]

        busy = jmap(
            jmap.client.get_availability(
                "user2", datetime(2031, 7, 14, tzinfo=timezone.utc), "2031-07-15T00:00:00Z"
            )
        )
        assert busy == expected and busy[0].event is None

        # by address, with aware datetimes in another zone
        oslo = ZoneInfo("Europe/Oslo")
        busy = jmap(
            jmap.client.get_availability(
                "user2@internal", datetime(2031, 7, 14, 2, tzinfo=oslo), datetime(2031, 7, 15)
            )
        )
        assert busy == expected

        detailed = jmap(
            jmap.client.get_availability(
                "user2",
                "2031-07-14T00:00:00",
                "2031-07-15T00:00:00",
                show_details=True,
                event_properties=["title"],
            )
        )
        assert len(detailed) == 1 and detailed[0].utc_start == "2031-07-14T08:00:00Z"
        assert detailed[0].event["title"] == "Dentist"
        assert "description" not in detailed[0].event

        # outside the event: Cyrus answers notFound when no event of a shared calendar
        # falls in the range (it reads the rights from the events it finds)
        with pytest.raises(JMAPNotFoundError):
            jmap(jmap.client.get_availability("user2", "2031-08-01", "2031-08-02"))


def test_a_free_busy_only_share_hides_the_principal_on_cyrus(jmap, harness_factory, uid):
    # Cyrus 3.10 lists a principal, and computes its availability, only when the user may
    # look up one of its calendars; mayReadFreeBusy alone does not grant that (the draft
    # says it should be enough for getAvailability)
    user2 = harness_factory("user2")
    with shared_calendar(user2, "user1", FREE_BUSY) as cal_id:
        add_event(user2, user2.client, cal_id, uid, "Hidden", start="20310721T100000")
        assert "user2" not in [p.id for p in jmap(jmap.client.get_principals())]
        with pytest.raises(JMAPNotFoundError):
            jmap(jmap.client.get_availability("user2", "2031-07-21", "2031-07-22"))


def test_availability_of_an_unknown_address_is_not_found(jmap):
    with pytest.raises(JMAPNotFoundError) as error:
        jmap(jmap.client.get_availability("nobody@internal", "2031-01-01", "2031-01-02"))
    assert error.value.error_type == "notFound"
    assert "nobody@internal" in str(error.value)


def test_own_availability(jmap, uid):
    cal_id = jmap(jmap.client.create_calendar(f"Mine {uuid.uuid4().hex[:8]}"))
    try:
        add_event(jmap, jmap.client, cal_id, uid, "Focus", start="20310903T130000")
        busy = jmap(jmap.client.get_availability("user1", "2031-09-03", "2031-09-04"))
        assert [(b.utc_start, b.utc_end) for b in busy] == [
            ("2031-09-03T11:00:00Z", "2031-09-03T12:00:00Z")
        ]
    finally:
        jmap(jmap.client.delete_calendar(cal_id, remove_events=True))


def test_participant_identities(jmap):
    identities = jmap(jmap.client.get_participant_identities())
    assert [i.address for i in identities] == ["mailto:user1@internal"]
    # Cyrus 3.10 speaks the older draft: sendTo instead of calendarAddress
    assert identities[0].send_to == {"imip": "mailto:user1@internal"}
    assert identities[0].calendar_address is None
    assert isinstance(identities[0].id, str) and identities[0].id


def test_event_notifications_from_a_sharees_change(jmap, harness_factory, uid):
    user2 = harness_factory("user2")
    with shared_calendar(jmap, "user2", READ_WRITE) as cal_id:
        user2(user2.client.get_accounts())  # user2's session now lists user1's account
        view = user2.client.for_account("user1")
        event_id = add_event(user2, view, cal_id, uid, "Added by user2")
        event_ids = [event_id]
        try:
            before = jmap.posts
            notes = jmap(jmap.client.get_event_notifications(event_ids=[event_id]))
            assert jmap.posts - before == 1
            assert len(notes) == 1
            note = notes[0]
            assert (note.type, note.event_id, note.calendar_event_id) == (
                "created",
                event_id,
                event_id,
            )
            assert note.changed_by_principal_id == "user2"
            assert note.is_draft is False
            assert note.event["title"] == "Added by user2" and note.event["uid"] == uid
            assert note.created.endswith("Z")
            everything = jmap(jmap.client.get_event_notifications())
            assert note.id in [n.id for n in everything]
            # the one who made the change is not notified
            assert user2(view.get_event_notifications(event_ids=[event_id])) == []

            # newest first (Cyrus keeps "created" to the second)
            time.sleep(1.1)
            event_ids.append(add_event(user2, view, cal_id, f"2-{uid}", "Second"))
            notes = jmap(jmap.client.get_event_notifications(event_ids=event_ids, type="created"))
            assert [n.event_id for n in notes] == event_ids[::-1]
            assert notes[0].created > notes[1].created

            before = jmap.posts
            jmap(jmap.client.dismiss_event_notifications([n.id for n in notes]))
            assert jmap.posts - before == 1
            assert jmap(jmap.client.get_event_notifications(event_ids=event_ids)) == []
        finally:
            left = jmap(jmap.client.get_event_notifications(event_ids=event_ids))
            jmap(jmap.client.dismiss_event_notifications([n.id for n in left]))


def test_dismissing_an_unknown_notification_raises(jmap):
    with pytest.raises(JMAPMethodError) as error:
        jmap(jmap.client.dismiss_event_notifications(["no-such-notification"]))
    assert error.value.error_type == "notFound"
    assert error.value.method == "CalendarEventNotification/set"
    # nothing to dismiss: no request at all
    before = jmap.posts
    assert jmap(jmap.client.dismiss_event_notifications([])) is None
    assert jmap.posts == before


def test_shared_account_through_for_account(jmap, harness_factory, uid):
    user2 = harness_factory("user2")
    user2(user2.client.get_session())  # a session fetched before the share
    with shared_calendar(jmap, "user2", READ_WRITE) as cal_id:
        accounts = {a.id: a for a in user2(user2.client.get_accounts())}
        assert accounts["user2"].is_personal is True
        assert accounts["user1"].is_personal is False
        assert accounts["user1"].is_read_only is False

        view = user2.client.for_account("user1")
        assert type(view) is type(user2.client)
        assert view._transport is user2.client._transport
        shared = {c.id: c for c in user2(view.get_calendars())}
        assert cal_id in shared
        assert shared[cal_id].my_rights["mayWriteAll"] is True
        assert cal_id not in [c.id for c in user2(user2.client.get_calendars())]
        # the view's identities are user1's account's, the client's user2's own
        assert [i.address for i in user2(user2.client.get_participant_identities())] == [
            "mailto:user2@internal"
        ]

        if converter_available():
            event_id = user2(view.create_event(cal_id, ics(uid, "Written by user2")))
            assert uid in jmap(jmap.client.get_event(event_id))
        else:
            event_id = add_event(user2, view, cal_id, uid, "Written by user2")
        found = [e for e in jmap(jmap.client.search_event_objects(calendar_id=cal_id))]
        assert [e.id for e in found] == [event_id]
        assert found[0].uid == uid
        left = jmap(jmap.client.get_event_notifications(event_ids=[event_id]))
        jmap(jmap.client.dismiss_event_notifications([n.id for n in left]))


def test_for_account_keeps_the_client_class_and_shares_the_session(jmap):
    jmap(jmap.client.get_session())
    view = jmap.client.for_account("user1")
    assert isinstance(view, type(jmap.client))
    assert view._conn is not jmap.client._conn
    assert view._conn.session is jmap.client._conn.session
    assert view._conn.profile is jmap.client._conn.profile
    assert view._conn.account_id == "user1" and jmap.client._conn.account_id is None
    assert "Default" in [c.id for c in jmap(view.get_calendars())]
    assert isinstance(jmap.client, JMAPClient) == isinstance(view, JMAPClient)
