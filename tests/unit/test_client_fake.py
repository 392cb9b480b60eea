"""Both clients against a scripted JMAP peer (tests/unit/fake_jmap.py).

Canned responses stand in where Cyrus 3.10 cannot be used: it has no JMAP Tasks, and it
cannot be made to page at will, report hasMoreChanges, change its session state or answer
with broken data.  Everything else is tested against Cyrus in tests/integration/.
"""

from __future__ import annotations

import inspect

import pytest

from caldav.jmap import (
    AsyncJMAPClient,
    JMAPCapabilityError,
    JMAPClient,
    JMAPError,
    JMAPMethodError,
    JMAPNotFoundError,
    JMAPTask,
    JMAPTaskList,
)
from caldav.jmap._protocol.http import HTTPResponse
from caldav.jmap.constants import TASK_CAPABILITY

from .fake_jmap import FakeJMAP, async_client, jscal_event, session_json, sync_client

TASK_CAPS = {
    "urn:ietf:params:jmap:core": {"maxObjectsInGet": 500},
    "urn:ietf:params:jmap:calendars": {},
    TASK_CAPABILITY: {},
}


def calendars_handler(args):
    return {
        "accountId": args["accountId"],
        "state": "7",
        "notFound": [],
        "list": [
            {
                "id": "cal1",
                "name": "Work",
                "color": "#ff0000",
                "isSubscribed": True,
                "isVisible": True,
                "sortOrder": 2,
                "myRights": {"mayWriteAll": True},
                "vendor:extra": 1,
            }
        ],
    }


def test_sync_and_async_clients_have_identical_public_apis():
    def public(cls):
        return {
            name: inspect.signature(member)
            for name, member in inspect.getmembers(cls)
            if not name.startswith("_") and callable(member) and name not in ("close", "aclose")
        }

    assert public(JMAPClient) == public(AsyncJMAPClient)
    assert "get_objects_by_sync_token" in public(JMAPClient)


def test_get_calendars_reads_dataclasses_bound_to_the_client():
    server = FakeJMAP({"Calendar/get": calendars_handler})
    client = sync_client(server)
    [cal] = client.get_calendars()
    assert (cal.id, cal.name, cal.color, cal.sort_order) == ("cal1", "Work", "#ff0000", 2)
    assert cal.my_rights == {"mayWriteAll": True}
    assert cal.client is client
    assert cal.to_jmap()["vendor:extra"] == 1  # unknown properties survive
    # The session was fetched once, through the well-known redirect
    assert [r.method for r in server.requests] == ["GET", "GET", "POST"]
    client.get_calendars()
    assert [r.method for r in server.requests].count("GET") == 2


async def test_async_get_calendars():
    server = FakeJMAP({"Calendar/get": calendars_handler})
    client = async_client(server)
    [cal] = await client.get_calendars()
    assert cal.name == "Work" and cal.client is client


def test_wrong_type_from_server_is_a_jmap_error():
    def bad(args):
        return {"state": "1", "list": [{"id": "c", "name": 42}], "notFound": []}

    client = sync_client(FakeJMAP({"Calendar/get": bad}))
    with pytest.raises(JMAPError, match="'name' has the wrong type"):
        client.get_calendars()


def test_session_without_calendars_raises_capability_error():
    server = FakeJMAP(session=session_json({"urn:ietf:params:jmap:core": {}}))
    with pytest.raises(JMAPCapabilityError) as error:
        sync_client(server).get_calendars()
    assert error.value.capability == "urn:ietf:params:jmap:calendars"


def test_changed_session_state_fetches_the_session_again():
    server = FakeJMAP({"Calendar/get": calendars_handler})
    client = sync_client(server)
    client.get_calendars()
    server.session_state = "s2"  # the API now reports another session state
    server.session["state"] = "s2"
    client.get_calendars()  # this response carries s2: the session is stale from now on
    client.get_calendars()
    gets = [r.url for r in server.requests if r.method == "GET"]
    assert gets.count("https://jmap.example.com/jmap/session") == 2


def test_truncated_api_response_is_a_jmap_error():
    server = FakeJMAP()
    server.raw_api = lambda request: HTTPResponse.build(200, {}, b'{"methodResp', request.url)
    with pytest.raises(JMAPError, match="not valid JSON"):
        sync_client(server).get_calendars()


# -- tasks: Cyrus 3.10 does not implement JMAP Tasks, so these use canned responses ---------


def task_server():
    tasks = {}

    def task_lists(args):
        return {
            "state": "1",
            "notFound": [],
            "list": [{"id": "tl1", "name": "Inbox", "role": "inbox", "sortOrder": 0}],
        }

    def task_set(args):
        out = {"oldState": "1", "newState": "2"}
        if args.get("create"):
            out["created"] = {}
            for key, obj in args["create"].items():
                tasks["t1"] = {"id": "t1", **obj}
                out["created"][key] = {"id": "t1"}
        if args.get("update"):
            out["updated"] = {}
            out["notUpdated"] = {}
            for task_id, patch in args["update"].items():
                if task_id not in tasks:
                    out["notUpdated"][task_id] = {"type": "notFound"}
                    continue
                tasks[task_id].update(patch)
                out["updated"][task_id] = None
        if args.get("destroy"):
            out["destroyed"] = [t for t in args["destroy"] if tasks.pop(t, None)]
        return out

    def task_get(args):
        found = [tasks[i] for i in args["ids"] if i in tasks]
        return {"state": "2", "list": found, "notFound": [i for i in args["ids"] if i not in tasks]}

    server = FakeJMAP(
        {"TaskList/get": task_lists, "Task/set": task_set, "Task/get": task_get},
        session=session_json(TASK_CAPS),
    )
    return server, tasks


def test_tasks_round_trip_on_canned_server():
    server, tasks = task_server()
    client = sync_client(server)
    [task_list] = client.get_task_lists()
    assert isinstance(task_list, JMAPTaskList) and task_list.role == "inbox"
    task_id = client.create_task(
        "tl1", "Write report", due="2026-12-01T17:00:00", percent_complete=10, priority=3
    )
    sent = server.calls("Task/set")[0]["create"]["new"]
    assert sent["@type"] == "Task" and sent["taskListId"] == "tl1"
    assert sent["percentComplete"] == 10 and sent["due"] == "2026-12-01T17:00:00"
    assert sent["uid"]
    task = client.get_task(task_id)
    assert isinstance(task, JMAPTask)
    assert (task.title, task.due, task.percent_complete, task.priority) == (
        "Write report",
        "2026-12-01T17:00:00",
        10,
        3,
    )
    client.update_task(task_id, {"progress": "completed", "percent_complete": 100})
    assert server.calls("Task/set")[1]["update"] == {
        "t1": {"progress": "completed", "percentComplete": 100}
    }
    assert client.get_task(task_id).progress == "completed"
    client.delete_task(task_id)
    with pytest.raises(JMAPNotFoundError):
        client.get_task(task_id)
    with pytest.raises(JMAPMethodError) as error:
        client.update_task("t1", {"title": "x"})
    assert error.value.error_type == "notFound"


async def test_async_tasks_on_canned_server():
    server, _ = task_server()
    client = async_client(server)
    task_id = await client.create_task("tl1", "Call Bob", progress="in-process")
    assert (await client.get_task(task_id)).progress == "in-process"


def test_tasks_need_the_capability():
    server = FakeJMAP()  # calendars only, like Cyrus
    client = sync_client(server)
    with pytest.raises(JMAPCapabilityError) as error:
        client.get_task_lists()
    assert error.value.capability == TASK_CAPABILITY
    assert not [r for r in server.requests if r.method == "POST"]  # nothing was sent


def test_create_task_rejects_unknown_arguments():
    server, _ = task_server()
    with pytest.raises(TypeError, match="colour"):
        sync_client(server).create_task("tl1", "x", colour="red")


# -- paging, limits and whole deltas: Cyrus cannot be made to page or split changes at will --


def paging_server(count, max_get, server_limit):
    events = {f"e{n}": jscal_event(n) for n in range(count)}

    def query(args):
        ids = sorted(events)
        position = args.get("position", 0)
        limit = min(args.get("limit") or server_limit, server_limit)
        return {
            "ids": ids[position : position + limit],
            "position": position,
            "total": len(ids),
            "queryState": "q",
        }

    def get(args):
        if len(args["ids"]) > max_get:
            return ("error", {"type": "requestTooLarge"})
        return {"state": "1", "list": [events[i] for i in args["ids"]], "notFound": []}

    caps = {
        "urn:ietf:params:jmap:core": {"maxObjectsInGet": max_get},
        "urn:ietf:params:jmap:calendars": {},
    }
    return FakeJMAP(
        {"CalendarEvent/query": query, "CalendarEvent/get": get}, session=session_json(caps)
    )


def test_search_pages_through_every_result_within_max_objects_in_get():
    server = paging_server(count=23, max_get=5, server_limit=4)
    found = sync_client(server).search_events(text="Event")
    assert len(found) == 23
    assert all(f"UID:uid-{n}@example.com" in "".join(found) for n in range(23))
    queries = server.calls("CalendarEvent/query")
    assert [q["position"] for q in queries] == [0, 4, 8, 12, 16, 20]
    assert all(q["limit"] <= 5 for q in queries)
    # each page was one request: query and get together
    assert len([r for r in server.requests if r.method == "POST"]) == len(queries)


def changes_server(batches, fail_with=None):
    """``batches``: list of (created, updated, destroyed) ids, one per /changes round."""
    state = {"n": 0}

    def changes(args):
        if fail_with:
            return ("error", {"type": fail_with})
        n = int(args["sinceState"])
        created, updated, destroyed = batches[n]
        state["n"] = n + 1
        return {
            "oldState": str(n),
            "newState": str(n + 1),
            "hasMoreChanges": n + 1 < len(batches),
            "created": created,
            "updated": updated,
            "destroyed": destroyed,
        }

    def get(args):
        return {
            "state": str(state["n"]),
            "list": [jscal_event(int(i[1:])) for i in args["ids"]],
            "notFound": [],
        }

    return FakeJMAP({"CalendarEvent/changes": changes, "CalendarEvent/get": get})


def test_sync_token_delta_follows_has_more_changes_to_the_end():
    server = changes_server(
        [(["e1", "e2"], [], []), (["e3"], ["e1"], ["e7"]), ([], ["e4"], ["e2"])]
    )
    added, modified, deleted = sync_client(server).get_objects_by_sync_token("0")
    assert sorted(a.split("UID:")[1].split("\r\n")[0] for a in added) == [
        "uid-1@example.com",
        "uid-3@example.com",
    ]  # e2 was created and destroyed within the delta: neither added nor deleted
    assert ["UID:uid-4@example.com" in m for m in modified] == [True]
    assert deleted == ["e7"]
    assert len(server.calls("CalendarEvent/changes")) == 3
    # one round trip per batch: /changes and both /get calls in the same request
    assert len([r for r in server.requests if r.method == "POST"]) == 3


def test_sync_token_too_old_tells_the_caller_to_resync():
    server = changes_server([], fail_with="cannotCalculateChanges")
    with pytest.raises(JMAPMethodError, match="resynchronise") as error:
        sync_client(server).get_objects_by_sync_token("0")
    assert error.value.error_type == "cannotCalculateChanges"


def test_session_pointing_to_another_origin_is_refused_unless_allowed():
    data = session_json()
    data["apiUrl"] = "https://collector.example.net/jmap/api/"
    with pytest.raises(JMAPError, match="another origin"):
        sync_client(FakeJMAP(session=data)).get_calendars()
    server = FakeJMAP({"Calendar/get": calendars_handler}, session=data)
    client = sync_client(server, allow_other_origins=True)
    server.front = lambda request: server(
        request.__class__(
            request.method,
            request.url.replace("https://collector.example.net", "https://jmap.example.com"),
            request.headers,
            request.body,
        )
    )
    assert [c.id for c in client.get_calendars()] == ["cal1"]
    assert server.requests[-1].url == "https://jmap.example.com/jmap/api/"
