"""Bulk operations against Cyrus 3.10, with both clients: many events in few requests."""

from __future__ import annotations

import uuid

import pytest

from caldav.jmap import JMAPBulkError

from .support import ics

MULTI = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//tests//EN
BEGIN:VEVENT
UID:{a}
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Rome:20260310T090000
DURATION:PT1H
SUMMARY:Standup
RRULE:FREQ=DAILY;COUNT=5
END:VEVENT
BEGIN:VEVENT
UID:{a}
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Rome:20260312T090000
DTSTART;TZID=Europe/Rome:20260312T100000
DURATION:PT1H
SUMMARY:Standup (late)
END:VEVENT
BEGIN:VEVENT
UID:{b}
DTSTAMP:20260101T000000Z
DTSTART;VALUE=DATE:20260320
SUMMARY:Holiday
END:VEVENT
BEGIN:VEVENT
UID:{c}
DTSTAMP:20260101T000000Z
DTSTART:20260321T120000Z
DURATION:PT30M
SUMMARY:Lunch
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def calendar(jmap):
    cal_id = jmap(jmap.client.create_calendar(f"Bulk {uuid.uuid4().hex[:6]}"))
    yield cal_id
    jmap(jmap.client.delete_calendar(cal_id, remove_events=True))


def test_create_update_delete_many_in_few_requests(jmap, calendar):
    uids = [f"{uuid.uuid4()}@bulk" for _ in range(25)]
    before = jmap.posts
    ids = jmap(
        jmap.client.create_events(calendar, [ics(u, f"Bulk {i}") for i, u in enumerate(uids)])
    )
    assert jmap.posts - before == 1  # one /set for all 25
    assert len(ids) == 25 and len(set(ids)) == 25
    found = jmap(jmap.client.search_event_objects(calendar_id=calendar))
    assert sorted(e.uid for e in found) == sorted(uids)

    jmap(
        jmap.client.update_events(
            {ids[0]: ics(uids[0], "Renamed 0"), ids[1]: ics(uids[1], "Renamed 1")}
        )
    )
    assert "Renamed 1" in jmap(jmap.client.get_event(ids[1]))
    jmap(jmap.client.delete_events(ids[:20]))
    assert len(jmap(jmap.client.search_events(calendar_id=calendar))) == 5


def test_bulk_failures_are_reported_together_and_successes_kept(jmap, calendar):
    good = [ics(f"{uuid.uuid4()}@bulk", "Good") for _ in range(3)]
    with pytest.raises(JMAPBulkError) as error:
        jmap(jmap.client.create_events(calendar, [good[0], "not iCalendar", good[1], good[2]]))
    result = error.value.result
    assert sorted(result.created) == ["0", "2", "3"]
    assert list(result.failed) == ["1"]
    assert len(jmap(jmap.client.search_events(calendar_id=calendar))) == 3


def test_import_ics_file_with_several_uids(jmap, calendar, tmp_path):
    a, b, c = (f"{uuid.uuid4()}@import" for _ in range(3))
    path = tmp_path / "export.ics"
    path.write_text(MULTI.format(a=a, b=b, c=c))
    ids = jmap(jmap.client.import_ics(calendar, path))
    assert len(ids) == 3
    events = {e.uid: e for e in jmap(jmap.client.search_event_objects(calendar_id=calendar))}
    assert set(events) == {a, b, c}
    overrides = events[a].jscal["recurrenceOverrides"]
    assert overrides["2026-03-12T09:00:00"]["title"] == "Standup (late)"
    assert events[b].jscal["showWithoutTime"] is True
    # the same text again as a string: the UIDs exist, so every one fails, reported together
    with pytest.raises(JMAPBulkError) as error:
        jmap(jmap.client.import_ics(calendar, path.read_text()))
    assert sorted(error.value.result.failed) == ["0", "1", "2"]
