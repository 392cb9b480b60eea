"""The event sync against Cyrus with a second client writing between and during the calls:
the token each sync hands out continues exactly where its delta ended, so nothing
written meanwhile is lost (both clients)."""

from __future__ import annotations

import uuid

from caldav.jmap import SyncResult

from .conftest import PASSWORD, make_client
from .support import ics


def uids_in(texts):
    return sorted(
        line[4:].strip() for text in texts for line in text.splitlines() if line.startswith("UID:")
    )


def test_a_sync_loop_loses_nothing_written_between_or_during_calls(harness_factory, cyrus_url):
    reader = harness_factory("user3")
    writer = make_client("sync", cyrus_url, "user3", PASSWORD)
    cal_id = reader(reader.client.create_calendar(f"Sync {uuid.uuid4().hex[:6]}"))
    try:
        first, during, later = (f"{uuid.uuid4()}@sync-{n}" for n in range(3))
        token = reader(reader.client.get_sync_token())
        assert reader.client.last_sync_token == token
        first_id = writer.create_event(cal_id, ics(first, "First"))

        # the second client writes right after the reader's /changes was answered, while
        # the reader's sync call is still running
        wrote: list[str] = []

        def write_once(request):
            if b"CalendarEvent/changes" in (request.body or b"") and not wrote:
                wrote.append(writer.create_event(cal_id, ics(during, "During")))

        reader.after.append(write_once)
        result = reader(reader.client.get_objects_by_sync_token(token))
        reader.after.remove(write_once)
        assert wrote, "the second client did not write during the sync"
        assert isinstance(result, SyncResult)
        added, modified, deleted = result
        assert uids_in(added) == [first] and not modified and not deleted
        assert reader.client.last_sync_token == result.sync_token

        # what the old recipe (a fresh get_sync_token() after the sync) would skip
        fresh = reader(reader.client.get_sync_token())
        assert during not in uids_in(reader(reader.client.get_objects_by_sync_token(fresh))[0])

        # between the calls: a change, a deletion and a new event
        writer.update_event(first_id, ics(first, "First renamed"))
        writer.create_event(cal_id, ics(later, "Later"))
        second = reader(reader.client.get_objects_by_sync_token(result.sync_token))
        assert uids_in(second.added) == sorted([during, later])
        assert uids_in(second.modified) == [first]
        assert "SUMMARY:First renamed" in second.modified[0]

        writer.delete_event(first_id)
        third = reader(reader.client.get_objects_by_sync_token(reader.client.last_sync_token))
        assert third.deleted == [first_id] and not third.added and not third.modified
        # nothing more: a sync from the handed-out token is empty
        assert reader(reader.client.get_objects_by_sync_token(third.sync_token)) == ([], [], [])
    finally:
        writer.close()
        reader(reader.client.delete_calendar(cal_id, remove_events=True))
