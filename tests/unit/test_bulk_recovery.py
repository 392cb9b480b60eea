"""Bulk /set answers no server here gives on demand (both clients, scripted peer): an
answer that leaves a creation out, and request sizes that follow the measured time per
object.  Lost answers are tested against Cyrus in test_cyrus_bulk_reliability.py."""

from __future__ import annotations

import json
import time

import pytest

from caldav.jmap import JMAPBulkError, JMAPConnectionError, JMAPProtocolError
from caldav.jmap._protocol.bulk import FIRST_CHUNK, MAX_LOST_ANSWERS, ChunkSizer
from caldav.jmap._protocol.retry import RetryPolicy

from .fake_jmap import EventStore, FakeJMAP, connect, session_json

__all__ = ["connect"]  # the both-clients fixture


def ics(n):
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:u{n}@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260301T100000Z\r\nDURATION:PT1H\r\n"
        f"SUMMARY:Event {n}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def store_with_set(store, leave_out=(), apply_left_out=False, seconds_per_object=0.0):
    """/set on ``store`` that says nothing about the creation keys ``leave_out`` (and
    applies them anyway when ``apply_left_out``)."""
    sizes = []

    def set_(args):
        create = args.get("create") or {}
        destroy = args.get("destroy") or []
        sizes.append(len(create) + len(destroy))
        time.sleep(seconds_per_object * sizes[-1])
        created = {}
        for key, obj in create.items():
            if key in leave_out and not apply_left_out:
                continue
            event_id = store.create(key, **{k: v for k, v in obj.items() if k != "id"})
            if key not in leave_out:
                created[key] = {"id": event_id}
        destroyed, not_destroyed = [], {}
        for event_id in destroy:
            if event_id in store.events:
                store.destroy(event_id)
                destroyed.append(event_id)
            else:  # as a real server: a repeated destroy finds nothing
                not_destroyed[event_id] = {"type": "notFound"}
        return {
            "newState": store.state,
            "created": created,
            "destroyed": destroyed,
            "notDestroyed": not_destroyed,
        }

    def query(args):
        uids = {c["uid"] for c in (args.get("filter") or {}).get("conditions", [])}
        ids = sorted(i for i, e in store.events.items() if e.get("uid") in uids)
        return {"ids": ids, "position": 0, "total": len(ids), "queryState": store.state}

    handlers = {**store.handlers(), "CalendarEvent/set": set_, "CalendarEvent/query": query}
    return handlers, sizes


@pytest.mark.parametrize("applied", [False, True])
def test_a_creation_the_answer_leaves_out_is_looked_up_then_reported(connect, applied):
    store = EventStore()
    handlers, _ = store_with_set(store, leave_out={"n1"}, apply_left_out=applied)
    client, run = connect(FakeJMAP(handlers))
    if applied:  # the server did create it: found by its UID
        ids = run(client.create_events("cal1", [ics(n) for n in range(3)]))
        assert ids == ["en0", "en1", "en2"]
        return
    with pytest.raises(JMAPBulkError) as caught:
        run(client.create_events("cal1", [ics(n) for n in range(3)]))
    result = caught.value.result
    assert result.created == {"0": "en0", "2": "en2"}
    assert isinstance(result.failed["1"], JMAPProtocolError)
    assert "says nothing" in str(result.failed["1"])


def test_bulk_requests_follow_the_measured_time_per_object(connect):
    store = EventStore()
    for n in range(600):
        store.create(n)
    handlers, sizes = store_with_set(store, seconds_per_object=0.002)
    caps = {
        "urn:ietf:params:jmap:core": {"maxObjectsInSet": 1000, "maxCallsInRequest": 16},
        "urn:ietf:params:jmap:calendars": {},
    }
    # a third of 0.3 s is 0.1 s: 50 objects at 2 ms each (fewer when the machine is slow)
    client, run = connect(FakeJMAP(handlers, session=session_json(caps)), timeout=0.3)
    run(client.delete_events(sorted(store.events)))
    assert not store.events and sum(sizes) == 600
    assert sizes[0] == FIRST_CHUNK
    assert max(sizes[1:]) <= 50


def test_chunk_sizer_grows_slowly_shrinks_on_loss_and_stays_within_limits():
    sizer = ChunkSizer(ceiling=1000, timeout=30)
    assert sizer.size == FIRST_CHUNK
    sizer.measured(200, 0.2)  # 1 ms per object: 10,000 would fit, but at most doubling
    assert sizer.size == 400
    sizer.measured(400, 0.4)
    sizer.measured(800, 0.8)
    assert sizer.size == 1000  # the server's limit
    sizer.measured(1000, 40)  # a loaded server: 40 ms per object, 250 fit in 10 s
    assert sizer.size == 250
    sizer.lost()
    assert sizer.size == 125
    assert ChunkSizer(ceiling=5000, timeout=None).size == 5000


def dropping(store, handlers, applies):
    """A peer whose every /set answer is lost: applied first when ``applies``."""
    server = FakeJMAP(handlers)

    def api(request):
        if b"CalendarEvent/set" not in request.body:
            return server.respond(200, server.api(json.loads(request.body)))
        if applies:
            server.api(json.loads(request.body))
        server.lost = getattr(server, "lost", 0) + 1
        raise JMAPConnectionError(reason="connection closed before the answer")

    server.raw_api = api
    return server


def test_answers_lost_every_time_are_looked_up_each_time(connect):
    store = EventStore()
    ids = [store.create(n) for n in range(3)]
    handlers, _ = store_with_set(store)
    client, run = connect(dropping(store, handlers, applies=True))
    run(client.delete_events(ids))  # every answer lost, but every destroy applied
    assert not store.events


def test_a_server_that_never_answers_a_set_is_given_up_on(connect):
    store = EventStore()
    ids = [store.create(n) for n in range(6)]
    handlers, _ = store_with_set(store)
    server = dropping(store, handlers, applies=False)
    client, run = connect(server)
    with pytest.raises(JMAPBulkError) as caught:
        run(client.delete_events(ids))
    result = caught.value.result
    # looked up after each loss: not applied, so failed (not in doubt); at most
    # MAX_LOST_ANSWERS + 1 attempts of the bulk loop, each of which the transport may
    # repeat (a destroy-only /set is safe to repeat)
    assert sorted(result.failed) == sorted(ids) and result.in_doubt == []
    assert server.lost == (MAX_LOST_ANSWERS + 1) * (RetryPolicy().retries + 1)
    assert len(store.events) == 6
