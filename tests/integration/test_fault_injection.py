"""A bulk import and a sync through a proxy that drops, delays, refuses and truncates:
the data that arrives is the same as without faults, nothing lost, nothing doubled."""

from __future__ import annotations

import uuid

from caldav.jmap._protocol.retry import RetryPolicy

from .fault_proxy import FaultProxy
from .support import ics

WEIGHTS = {"ok": 4, "delay": 1, "busy": 1, "drop_before": 1, "drop_after": 1, "truncate": 1}


def uids_in(calendar_texts):
    return sorted(
        line[4:].strip()
        for text in calendar_texts
        for line in text.splitlines()
        if line.startswith("UID:")
    )


def test_bulk_import_and_sync_survive_faults(harness_factory, cyrus_url):
    # user3: no other test deletes calendars there, which would (rightly) make Cyrus call
    # the sync token outdated
    direct = harness_factory("user3")
    cal_id = direct(direct.client.create_calendar(f"Faults {uuid.uuid4().hex[:6]}"))
    token = direct(direct.client.get_sync_token())
    base = cyrus_url.split("/.well-known")[0]
    expected = sorted(f"{uuid.uuid4()}@faults" for _ in range(40))
    with FaultProxy(base, WEIGHTS, seed=11) as proxy:
        faulty = harness_factory("user3", url=proxy.url + "/jmap/")
        faulty.client._conn.retry = RetryPolicy(retries=10, base_delay=0.05, max_delay=0.2)
        # in chunks of 4, so the import takes several /set requests through the faults
        ids = []
        for start in range(0, 40, 4):
            chunk = [ics(uid, f"Imported {uid[:8]}") for uid in expected[start : start + 4]]
            ids += faulty(faulty.client.create_events(cal_id, chunk))
        added, modified, deleted = faulty(faulty.client.get_objects_by_sync_token(token))
        faults = dict(proxy.seen)

    assert len(ids) == 40 and len(set(ids)) == 40
    # on the server: every event once, none twice
    stored = direct(direct.client.search_events(calendar_id=cal_id))
    assert uids_in(stored) == expected
    # the sync through the faults saw what a direct sync sees
    direct_added, _, _ = direct(direct.client.get_objects_by_sync_token(token))
    assert set(expected) <= set(uids_in(added))
    assert uids_in(a for a in added if "@faults" in a) == uids_in(
        a for a in direct_added if any(u in a for u in expected)
    )
    # the schedule really did inject each kind of fault
    injected = {kind for kind, count in faults.items() if count}
    assert {"busy", "drop_before", "drop_after", "truncate"} <= injected, faults
    direct(direct.client.delete_calendar(cal_id, remove_events=True))
