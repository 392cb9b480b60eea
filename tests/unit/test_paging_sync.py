"""Paging, sync and bounds against a scripted peer (tests/unit/fake_jmap.py), both clients.

Cyrus cannot be made to page /changes at will (maxChanges), to leave objects out of /get,
to repeat ids across query pages or to page forever: the scripted EventStore and handlers
do that.  The sync token's use with a second writer is tested against Cyrus in
tests/integration/test_cyrus_sync_reliability.py.
"""

from __future__ import annotations

import itertools

import pytest

from caldav.jmap import OR, Filter, JMAPProtocolError, PagingLimits, SyncResult
from caldav.jmap._protocol.paging import ChangeSet, merge_changes
from caldav.jmap._protocol.standard import ChangesResult
from caldav.jmap._servers.profile import profile_of

from .fake_jmap import Bounded, EventStore, FakeJMAP, connect, jscal_event, sync_client

__all__ = ["connect"]  # the both-clients fixture


def uids(texts):
    return sorted(t.split("UID:")[1].split("\r\n")[0] for t in texts)


def batch(created=(), updated=(), destroyed=(), more=False, old="0", new="1"):
    return ChangesResult(old, new, more, list(created), list(updated), list(destroyed))


def test_merge_follows_rfc8620_for_every_pair():
    merged = ChangeSet()
    merge_changes(merged, batch(created=["a", "b", "c"], updated=["old1", "old2"]))
    merge_changes(merged, batch(updated=["a", "old1"], destroyed=["b", "old2", "old3"]))
    # a: created then updated = created; b: created then destroyed = nothing;
    # old2: updated then destroyed = destroyed
    assert list(merged.created) == ["a", "c"]
    assert list(merged.updated) == ["old1"]
    assert list(merged.destroyed) == ["old2", "old3"]


def scripted_history(store):
    """Before the token: e0, e3 exist.  After it: e1 created then updated, e2 created then
    destroyed, e0 updated, e3 destroyed, e4 created."""
    store.create(0)
    store.create(3)
    token = store.state
    store.create(1)
    store.update("e1", title="Changed 1")
    store.create(2)
    store.update("e0", title="Changed 0")
    store.destroy("e2")
    store.destroy("e3")
    store.create(4)
    return token


@pytest.mark.parametrize("max_get", [1, 2, 3, 500])
def test_paged_changes_give_the_unpaged_delta(connect, max_get):
    store = EventStore()
    token = scripted_history(store)
    caps = {"urn:ietf:params:jmap:core": {"maxObjectsInGet": max_get}}
    caps["urn:ietf:params:jmap:calendars"] = {}
    from .fake_jmap import session_json

    server = FakeJMAP(store.handlers(), session=session_json(caps))
    client, run = connect(server)
    result = run(client.get_objects_by_sync_token(token))
    added, modified, deleted = result
    assert uids(added) == ["uid-1@example.com", "uid-4@example.com"]
    assert "SUMMARY:Changed 1" in "".join(added)
    assert uids(modified) == ["uid-0@example.com"]
    assert deleted == ["e3"]
    assert isinstance(result, SyncResult) and result.sync_token == store.state
    assert client.last_sync_token == store.state
    # the object API gives the same classification
    objects = run(client.get_object_changes(token))
    assert [[e.id for e in objects[0]], [e.id for e in objects[1]], objects[2]] == [
        ["e1", "e4"],
        ["e0"],
        ["e3"],
    ]


def test_an_object_get_leaves_out_is_asked_for_again_then_reported(connect):
    store = EventStore()
    token = store.state
    store.create(1)
    store.create(2)
    seen = {"gets": 0}
    hide_once = {"e1"}

    def get(args):
        seen["gets"] += 1
        answer = store.get(args)
        if hide_once & set(answer["notFound"]) or not hide_once:
            return answer
        # the first /get leaves e1 out, as a server that cannot read it right now
        answer["list"] = [o for o in answer["list"] if o["id"] not in hide_once]
        answer["notFound"] += sorted(hide_once & set(args["ids"] or []))
        hide_once.clear()
        return answer

    server = FakeJMAP({**store.handlers(), "CalendarEvent/get": get})
    client, run = connect(server)
    added, _, _ = result = run(client.get_objects_by_sync_token(token))
    assert uids(added) == ["uid-1@example.com", "uid-2@example.com"]
    assert result.missing == [] and result.sync_token == store.state

    # an object the server never returns: reported, and the token does not move past it
    store.hidden.add("e2")
    result = run(client.get_objects_by_sync_token(token))
    assert uids(result.added) == ["uid-1@example.com"]
    assert result.missing == ["e2"]
    assert result.sync_token == token == client.last_sync_token
    # the same for a search
    found = run(client.search_events())
    assert uids(found) == ["uid-1@example.com"] and found.missing == ["e2"]


def test_ids_repeated_across_query_pages_come_back_once(connect):
    events = {f"e{n}": jscal_event(n) for n in range(5)}
    pages = [["e0", "e1"], ["e1", "e2"], ["e3", "e4"]]

    def query(args):
        index = min(args.get("position", 0) // 2, len(pages) - 1)
        return {"ids": pages[index], "position": args.get("position", 0), "total": 6}

    def get(args):
        return {"state": "1", "list": [events[i] for i in args["ids"]], "notFound": []}

    caps = {"urn:ietf:params:jmap:core": {"maxObjectsInGet": 2}}
    caps["urn:ietf:params:jmap:calendars"] = {}
    from .fake_jmap import session_json

    server = FakeJMAP(
        {"CalendarEvent/query": Bounded(query), "CalendarEvent/get": get},
        session=session_json(caps),
    )
    client, run = connect(server)
    found = run(client.search_events())
    assert uids(found) == [f"uid-{n}@example.com" for n in range(5)]
    ids, _, _ = run(client.query_event_ids())
    assert ids == ["e0", "e1", "e2", "e3", "e4"]


def test_changes_that_never_end_are_refused(connect):
    fresh = itertools.count(1)

    def changes(args):
        n = next(fresh)
        return {
            "oldState": args["sinceState"],
            "newState": f"s{n}",
            "hasMoreChanges": True,
            "created": [],
            "updated": [],
            "destroyed": [],
        }

    get = EventStore().get
    server = FakeJMAP({"CalendarEvent/changes": Bounded(changes), "CalendarEvent/get": get})
    client, run = connect(server, paging_limits=PagingLimits(max_pages=50))
    with pytest.raises(JMAPProtocolError, match="max_pages"):
        run(client.get_objects_by_sync_token("s0"))
    assert len(server.calls("CalendarEvent/changes")) == 50


def test_changes_going_round_in_circles_are_refused(connect):
    def changes(args):
        new = {"a": "b", "b": "a"}[args["sinceState"]]
        return {
            "oldState": args["sinceState"],
            "newState": new,
            "hasMoreChanges": True,
            "created": [],
            "updated": [],
            "destroyed": [],
        }

    server = FakeJMAP(
        {"CalendarEvent/changes": Bounded(changes), "CalendarEvent/get": EventStore().get}
    )
    client, run = connect(server)
    with pytest.raises(JMAPProtocolError, match="came before"):
        run(client.get_objects_by_sync_token("a"))
    assert len(server.calls("CalendarEvent/changes")) == 2


def test_query_pages_of_fresh_ids_forever_are_refused(connect):
    def query(args):
        position, size = args.get("position", 0), args.get("limit") or 2
        return {"ids": [f"x{n}" for n in range(position, position + size)], "position": position}

    get = EventStore().get
    server = FakeJMAP({"CalendarEvent/query": Bounded(query), "CalendarEvent/get": get})
    client, run = connect(server, paging_limits=PagingLimits(max_pages=20))
    with pytest.raises(JMAPProtocolError, match="max_pages"):
        run(client.query_event_ids())
    with pytest.raises(JMAPProtocolError, match="max_pages"):
        run(client.search_events())
    server.handlers["CalendarEvent/query"] = Bounded(query)
    client, run = connect(server, paging_limits=PagingLimits(max_objects=3000))
    with pytest.raises(JMAPProtocolError, match="max_objects"):
        run(client.search_events())


def test_a_probe_returning_the_same_id_forever_is_refused(connect):
    store = EventStore()
    store.create(1, title="standup")

    def query(args):
        condition = args.get("filter") or {}
        if "title" in condition:  # the probe of the title: the same id, page after page
            return {"ids": ["e1"], "position": args.get("position", 0), "total": 10**9}
        return store.query(args)

    server = FakeJMAP({**store.handlers(), "CalendarEvent/query": Bounded(query)})
    client, run = connect(server)
    run(client.get_session())
    profile_of(client._conn).rejected_filters.add("hasKeyword")  # evaluated by the client
    with pytest.raises(JMAPProtocolError, match="no progress"):
        run(client.search_events(filter=OR(Filter(title="standup"), Filter(has_keyword="w"))))


def test_task_ids_paging_forever_is_refused(connect):
    from caldav.jmap.constants import TASK_CAPABILITY

    from .fake_jmap import session_json

    def query(args):
        position = args.get("position", 0)
        return {"ids": [f"t{position}"], "position": position, "queryState": "q"}

    caps = {
        "urn:ietf:params:jmap:core": {},
        "urn:ietf:params:jmap:calendars": {},
        TASK_CAPABILITY: {},
    }
    server = FakeJMAP({"Task/query": Bounded(query)}, session=session_json(caps))
    client, run = connect(server, paging_limits=PagingLimits(max_pages=40))
    with pytest.raises(JMAPProtocolError, match="max_pages"):
        run(client.query_task_ids())


def test_paging_limits_are_checked():
    with pytest.raises(ValueError, match="max_pages"):
        PagingLimits(max_pages=0)
    with pytest.raises(TypeError, match="paging_limits"):
        sync_client(FakeJMAP(), paging_limits={"max_pages": 3})


def test_an_event_the_converter_cannot_read_does_not_hide_the_others(connect, caplog):
    store = EventStore()
    token = store.state
    store.create(1)
    store.create(2, start="not a date")  # stored by a server, unreadable for the converter
    store.create(3)
    server = FakeJMAP(store.handlers())
    client, run = connect(server)
    found = run(client.search_events())
    assert uids(found) == ["uid-1@example.com", "uid-3@example.com"]
    assert list(found.broken) == ["e2"]
    assert "start" in str(found.broken["e2"])
    assert "e2" in caplog.text
    result = run(client.get_objects_by_sync_token(token))
    assert uids(result.added) == ["uid-1@example.com", "uid-3@example.com"]
    assert list(result.broken) == ["e2"] and list(result.added.broken) == ["e2"]
    # the token moves on: the broken event is reported, not fetched again and again
    assert result.sync_token == store.state
