"""The foundation operations against the real Cyrus 3.10, with both clients."""

from __future__ import annotations

import icalendar
import pytest
from caldav.lib.error import AuthorizationError, DAVError, NotFoundError

from caldav.jmap import (
    JMAPAuthError,
    JMAPCalendar,
    JMAPCapabilityError,
    JMAPMethodError,
    JMAPNotFoundError,
    get_jmap_client,
)
from caldav.jmap.session import fetch_session

from .support import eventually, ics


def default_calendar(jmap) -> JMAPCalendar:
    calendars = jmap(jmap.client.get_calendars())
    return next(c for c in calendars if c.id == "Default")


def vevent(ical_str: str) -> icalendar.Event:
    cal = icalendar.Calendar.from_ical(ical_str)
    return next(c for c in cal.walk("VEVENT") if "RECURRENCE-ID" not in c)


def test_session_discovery_through_well_known_resolves_relative_urls(cyrus_url):
    assert cyrus_url.endswith("/.well-known/jmap")
    session = fetch_session(cyrus_url, "user1", "password")
    base = cyrus_url.split("/.well-known")[0]
    assert session.url == base + "/jmap"  # Cyrus redirects the well-known URL
    assert session.api_url == base + "/jmap/"  # Cyrus sends "/jmap/"
    assert session.upload_url == base + "/jmap/upload/{accountId}/"
    assert session.account_id_for() == "user1"


def test_wrong_password_raises_auth_error(harness_factory):
    jmap = harness_factory(password="not-the-password")
    with pytest.raises(JMAPAuthError) as error:
        jmap(jmap.client.get_calendars())
    assert isinstance(error.value, AuthorizationError) and isinstance(error.value, DAVError)
    assert error.value.status == 401
    assert "not-the-password" not in str(error.value) + repr(jmap.client)


def test_get_calendars(jmap):
    calendars = jmap(jmap.client.get_calendars())
    cal = next(c for c in calendars if c.id == "Default")
    assert isinstance(cal, JMAPCalendar)
    assert cal.name and cal.is_visible is True and cal.is_subscribed is True
    assert cal.my_rights["mayReadItems"] is True
    assert cal.client is jmap.client


def test_event_create_get_update_delete(jmap, uid):
    event_id = jmap(jmap.client.create_event("Default", ics(uid, "Planning")))
    got = vevent(jmap(jmap.client.get_event(event_id)))
    assert str(got["UID"]) == uid and str(got["SUMMARY"]) == "Planning"
    assert got["DTSTART"].dt.tzinfo is not None
    assert str(got["DTSTART"].params["TZID"]) == "Europe/Oslo"

    jmap(
        jmap.client.update_event(
            event_id, ics(uid, "Planning (moved)", start="20260601T120000", end="20260601T133000")
        )
    )
    got = vevent(jmap(jmap.client.get_event(event_id)))
    assert str(got["SUMMARY"]) == "Planning (moved)"
    assert got["DTSTART"].dt.hour == 12 and got["DTEND"].dt.minute == 30

    jmap(jmap.client.delete_event(event_id))
    with pytest.raises(JMAPMethodError) as error:
        jmap(jmap.client.get_event(event_id))
    assert isinstance(error.value, JMAPNotFoundError) and isinstance(error.value, NotFoundError)
    assert error.value.error_type == "notFound"


def test_update_sends_only_what_changed_and_removes_what_was_removed(jmap, uid):
    extra = "DESCRIPTION:Bring slides\nLOCATION:Room 1\nCATEGORIES:work,review"
    event_id = jmap(jmap.client.create_event("Default", ics(uid, "Review", extra=extra)))
    # The new iCalendar no longer has a DESCRIPTION; LOCATION and CATEGORIES are unchanged
    jmap(
        jmap.client.update_event(
            event_id, ics(uid, "Review", extra="LOCATION:Room 1\nCATEGORIES:work,review")
        )
    )
    got = vevent(jmap(jmap.client.get_event(event_id)))
    assert "DESCRIPTION" not in got or str(got["DESCRIPTION"]) == ""
    assert str(got["LOCATION"]) == "Room 1"
    assert sorted(str(c) for c in got.categories) == ["review", "work"]
    jmap(jmap.client.delete_event(event_id))


def test_update_cannot_change_the_uid(jmap, uid):
    event_id = jmap(jmap.client.create_event("Default", ics(uid)))
    with pytest.raises(DAVError, match="UID"):
        jmap(jmap.client.update_event(event_id, ics("other-" + uid)))
    jmap(jmap.client.delete_event(event_id))


def test_time_range_search(jmap, uid):
    inside = jmap(
        jmap.client.create_event(
            "Default", ics(uid, "Inside", start="20300110T100000", end="20300110T110000")
        )
    )
    outside = jmap(
        jmap.client.create_event(
            "Default", ics("out-" + uid, "Outside", start="20300210T100000", end="20300210T110000")
        )
    )
    found = jmap(
        jmap.client.search_events(
            calendar_id="Default", start="2030-01-10T00:00:00Z", end="2030-01-11T00:00:00Z"
        )
    )
    uids = [str(vevent(f)["UID"]) for f in found]
    assert uid in uids and "out-" + uid not in uids
    # the same through the calendar object, and across all calendars
    cal = default_calendar(jmap)
    assert uid in [
        str(vevent(f)["UID"])
        for f in jmap(cal.search(start="2030-01-10T00:00:00", end="2030-01-11T00:00:00"))
    ]
    assert jmap(cal.search(event=False)) == []
    found_all = jmap(
        jmap.client.search_events(start="2030-02-10T00:00:00", end="2030-02-11T00:00:00")
    )
    assert "out-" + uid in [str(vevent(f)["UID"]) for f in found_all]
    for event_id in (inside, outside):
        jmap(jmap.client.delete_event(event_id))


def test_text_search(jmap, uid):
    word = "xylophone" + uid[:8].replace("-", "")
    event_id = jmap(jmap.client.create_event("Default", ics(uid, f"Concert with {word}")))
    found = eventually(lambda: jmap(jmap.client.search_events(text=word)))
    assert [str(vevent(f)["UID"]) for f in found] == [uid]
    assert jmap(jmap.client.search_events(text=word + "nothere")) == []
    jmap(jmap.client.delete_event(event_id))


def test_get_object_by_uid_is_one_request(jmap, uid):
    event_id = jmap(jmap.client.create_event("Default", ics(uid, "Find me")))
    cal = default_calendar(jmap)
    before = jmap.posts
    found = jmap(cal.get_object_by_uid(uid))
    assert jmap.posts - before == 1
    assert str(vevent(found)["SUMMARY"]) == "Find me"
    assert str(vevent(jmap(jmap.client.get_object_by_uid(uid)))["UID"]) == uid
    jmap(jmap.client.delete_event(event_id))
    with pytest.raises(NotFoundError):
        jmap(jmap.client.get_object_by_uid(uid))


def test_sync_sees_create_modify_delete(jmap, uid):
    keep = jmap(jmap.client.create_event("Default", ics("keep-" + uid, "Keep")))
    doomed = jmap(jmap.client.create_event("Default", ics("doomed-" + uid, "Doomed")))
    token = jmap(jmap.client.get_sync_token())
    assert isinstance(token, str) and token
    created = jmap(jmap.client.create_event("Default", ics(uid, "New")))
    jmap(jmap.client.update_event(keep, ics("keep-" + uid, "Keep (edited)")))
    jmap(jmap.client.delete_event(doomed))

    added, modified, deleted = jmap(jmap.client.get_objects_by_sync_token(token))
    assert uid in [str(vevent(a)["UID"]) for a in added]
    assert "Keep (edited)" in [str(vevent(m)["SUMMARY"]) for m in modified]
    assert doomed in deleted
    # a fresh token reports nothing of ours
    added, modified, deleted = jmap(
        jmap.client.get_objects_by_sync_token(jmap(jmap.client.get_sync_token()))
    )
    assert (added, modified, deleted) == ([], [], [])
    for event_id in (keep, created):
        jmap(jmap.client.delete_event(event_id))


def test_sync_token_the_server_cannot_use_raises(jmap):
    with pytest.raises(JMAPMethodError) as error:
        jmap(jmap.client.get_objects_by_sync_token("not-a-state"))
    assert error.value.error_type == "cannotCalculateChanges"
    assert "resynchronise" in str(error.value)


def test_calendar_add_event(jmap, uid):
    cal = default_calendar(jmap)
    event_id = jmap(cal.add_event(ics(uid, "Via calendar")))
    assert str(vevent(jmap(jmap.client.get_event(event_id)))["SUMMARY"]) == "Via calendar"
    jmap(jmap.client.delete_event(event_id))


def test_tasks_raise_capability_error_on_cyrus(jmap):
    # Cyrus 3.10 does not implement JMAP Tasks: the client must say so, typed
    with pytest.raises(JMAPCapabilityError) as error:
        jmap(jmap.client.get_task_lists())
    assert error.value.capability == "urn:ietf:params:jmap:tasks"


def test_get_jmap_client_from_environment(cyrus_url, monkeypatch, tmp_path, uid):
    for name in ("JMAP_URL", "CALDAV_CONFIG_FILE", "CALENDARING_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("CALDAV_URL", cyrus_url)
    monkeypatch.setenv("CALDAV_USERNAME", "user2")
    monkeypatch.setenv("CALDAV_PASSWORD", "password")
    with get_jmap_client() as client:
        assert client.get_session().username == "user2"
        assert [c.id for c in client.get_calendars()] == ["Default"]
