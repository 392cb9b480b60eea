"""JMAP Tasks and JMAP for Contacts (RFC 9610) on both clients, against a scripted peer.

No server these tests can reach implements either: Cyrus 3.10 has neither JMAP Tasks nor
RFC 9610 contacts, and Stalwart (which has both) needs Docker.  So every exchange here is
a RECORDED REQUEST/RESPONSE PAIR WRITTEN FROM THE SPECIFICATIONS, not from a server:
/work/shared/specs/jmap-tasks-draft.md (TaskList, Task, TaskNotification; where it defers
to JMAP for Calendars, calendars-27.txt), rfc9610.txt (AddressBook, ContactCard) with RFC
9553 JSContact cards, and RFC 8620 for the standard methods (/changes with hasMoreChanges,
/query, /queryChanges, /copy with its implicit /set).  The tests check the requests the
clients send (``using``, method names, arguments, result references) and what they make of
the answers.  tests/integration/test_stalwart_tasks_contacts.py runs the same operations
against a real Stalwart when one is reachable.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from caldav.jmap import (
    JMAPCapabilityError,
    JMAPConversionError,
    JMAPError,
    JMAPMethodError,
    JMAPNotFoundError,
    JMAPTask,
    JMAPTaskList,
)
from caldav.jmap.objects.contact import JMAPAddressBook, JMAPContactCard
from caldav.jmap.objects.notification import JMAPTaskNotification

from .fake_jmap import FakeJMAP, async_client, session_json, sync_client

CORE = "urn:ietf:params:jmap:core"
CALENDARS = "urn:ietf:params:jmap:calendars"
TASKS = "urn:ietf:params:jmap:tasks"
CONTACTS = "urn:ietf:params:jmap:contacts"

CAPS = {CORE: {"maxObjectsInGet": 500}, CALENDARS: {}, TASKS: {}, CONTACTS: {}}


def session(caps: dict[str, Any] | None = None, second_account: bool = False) -> dict:
    """A session with the user's account A1 and, optionally, a shared account B1."""
    data = session_json(caps or CAPS)
    if second_account:
        data["accounts"]["B1"] = {
            "name": "team",
            "isPersonal": False,
            "isReadOnly": False,
            "accountCapabilities": {k: {} for k in (caps or CAPS)},
        }
    return data


def payloads(server: FakeJMAP) -> list[dict[str, Any]]:
    """The JMAP Request objects the client POSTed, as sent (result references unresolved)."""
    return [json.loads(r.body) for r in server.requests if r.method == "POST"]


def names(payload: dict[str, Any]) -> list[str]:
    return [call[0] for call in payload["methodCalls"]]


@pytest.fixture(params=["sync", "async"])
def client_for(request):
    """``client_for(server)``: a client whose methods return values, sync or async alike."""
    loop = asyncio.new_event_loop() if request.param == "async" else None

    class Runner:
        def __init__(self, client: Any) -> None:
            self.client = client

        def __getattr__(self, name: str) -> Any:
            method = getattr(self.client, name)

            def call(*args: Any, **kwargs: Any) -> Any:
                result = method(*args, **kwargs)
                if loop is not None and asyncio.iscoroutine(result):
                    return loop.run_until_complete(result)
                return result

            return call

    def make(server: FakeJMAP) -> Runner:
        return Runner(sync_client(server) if loop is None else async_client(server))

    yield make
    if loop is not None:
        loop.close()


# -- canned objects (shapes from the drafts' property lists and examples) --------------------

TASK_1 = {
    "@type": "Task",
    "id": "t1",
    "taskListId": "tl1",
    "uid": "0c4c2a86-5f6c-4f0e-9d1d-1b0e4c9f3f01",
    "updated": "2026-03-01T09:00:00Z",
    "title": "Write report",
    "due": "2026-03-10T17:00:00",
    "timeZone": "Europe/Berlin",
    "progress": "in-process",
    "percentComplete": 40,
    "priority": 3,
    "keywords": {"work": True},
    "sortOrder": 2,
    "estimatedWork": 5,
}
TASK_2 = {
    "@type": "Task",
    "id": "t2",
    "taskListId": "tl1",
    "uid": "5a0b7f1e-2f44-4b6f-a1a4-6f3f2b9c1d02",
    "updated": "2026-03-02T09:00:00Z",
    "title": "Call Bob",
    "progress": "needs-action",
}
TASK_3 = dict(TASK_2, id="t3", uid="third", title="Pay invoice", progress="completed")

CARD_JOE = {
    "@type": "Card",
    "version": "1.0",
    "id": "c1",
    "uid": "urn:uuid:9b1a6c3e-7a4e-4f55-b1c9-0c1f2bd1e8a1",
    "addressBookIds": {"ab1": True},
    "name": {
        "components": [
            {"kind": "given", "value": "Joe"},
            {"kind": "surname", "value": "Bloggs"},
        ],
        "isOrdered": True,
    },
    "emails": {
        "e1": {"contexts": {"work": True}, "address": "joe@work.example.com", "pref": 2},
        "e2": {"contexts": {"private": True}, "address": "joe.bloggs@example.com", "pref": 1},
    },
    "phones": {"p1": {"number": "+1-555-0100", "features": {"voice": True}}},
    "addresses": {
        "a1": {
            "components": [
                {"kind": "number", "value": "54321"},
                {"kind": "separator", "value": " "},
                {"kind": "name", "value": "Oak St"},
                {"kind": "separator", "value": ", "},
                {"kind": "locality", "value": "Reston"},
            ],
            "isOrdered": True,
        },
        "a2": {"full": "1 Main St, Springfield"},
    },
    "organizations": {"o1": {"name": "ABC, Inc.", "units": [{"name": "Sales"}]}},
}
CARD_ANN = {
    "@type": "Card",
    "version": "1.0",
    "id": "c2",
    "uid": "urn:uuid:1f7c3d0b-7f3e-4a59-8f39-f1c7f1d5e0a2",
    "addressBookIds": {"ab1": True},
    "name": {"full": "Ann Example"},
    "emails": {"e1": {"address": "Ann@Example.com"}},
}


def get_answer(objects: dict[str, dict], state: str):
    """A /get handler over ``objects`` (RFC 8620 §5.1)."""

    def handler(args):
        ids = args.get("ids")
        if ids is None:
            ids = list(objects)
        found = [objects[i] for i in ids if i in objects]
        return {
            "accountId": args["accountId"],
            "state": state,
            "list": found,
            "notFound": [i for i in ids if i not in objects],
        }

    return handler


def set_answer(created_id: str = "new1", old: str = "s1", new: str = "s2"):
    """A /set handler that applies everything asked (RFC 8620 §5.3)."""

    def handler(args):
        out: dict[str, Any] = {"accountId": args["accountId"], "oldState": old, "newState": new}
        if args.get("create"):
            out["created"] = {key: {"id": created_id} for key in args["create"]}
        if args.get("update"):
            out["updated"] = {key: None for key in args["update"]}
        if args.get("destroy"):
            out["destroyed"] = list(args["destroy"])
        return out

    return handler


# -- Task/changes: the whole delta, through hasMoreChanges --------------------------------------


def task_changes_server() -> FakeJMAP:
    batches = {
        "100": {
            "oldState": "100",
            "newState": "101",
            "hasMoreChanges": True,
            "created": ["t1", "t3"],
            "updated": [],
            "destroyed": [],
        },
        "101": {
            "oldState": "101",
            "newState": "102",
            "hasMoreChanges": False,
            "created": [],
            "updated": ["t2"],
            "destroyed": ["t3", "t9"],
        },
    }
    tasks = {"t1": TASK_1, "t2": TASK_2, "t3": TASK_3}

    def changes(args):
        return {"accountId": args["accountId"], **batches[args["sinceState"]]}

    return FakeJMAP(
        {"Task/changes": changes, "Task/get": get_answer(tasks, "102")}, session=session()
    )


def test_get_task_changes_follows_has_more_changes(client_for):
    server = task_changes_server()
    created, updated, destroyed, state = client_for(server).get_task_changes("100")
    # t3 was created and destroyed within the delta: it is neither created nor destroyed
    assert [t.id for t in created] == ["t1"]
    assert isinstance(created[0], JMAPTask) and created[0].title == "Write report"
    assert (created[0].percent_complete, created[0].sort_order, created[0].estimated_work) == (
        40,
        2,
        5,
    )
    assert [t.id for t in updated] == ["t2"] and updated[0].progress == "needs-action"
    assert destroyed == ["t9"] and state == "102"
    sent = payloads(server)
    assert len(sent) == 2  # one round trip per batch
    for payload, since in zip(sent, ["100", "101"], strict=True):
        assert payload["using"] == [CORE, TASKS]
        assert names(payload) == ["Task/changes", "Task/get", "Task/get"]
        changes, created_get, updated_get = payload["methodCalls"]
        assert changes[1] == {"accountId": "A1", "sinceState": since, "maxChanges": 500}
        assert created_get[1]["#ids"] == {
            "resultOf": changes[2],
            "name": "Task/changes",
            "path": "/created",
        }
        assert updated_get[1]["#ids"]["path"] == "/updated"


def test_get_task_sync_token_reads_the_state_only(client_for):
    server = FakeJMAP({"Task/get": get_answer({}, "77")}, session=session())
    assert client_for(server).get_task_sync_token() == "77"
    assert server.calls("Task/get") == [{"accountId": "A1", "ids": []}]


# -- Task/query: search, ids with the query state, queryChanges ---------------------------------


def task_query_server(page_size: int = 50) -> FakeJMAP:
    tasks = {"t2": TASK_2, "t1": TASK_1, "t3": TASK_3}
    order = ["t2", "t1", "t3"]

    def query(args):
        position = args.get("position", 0)
        ids = order[position : position + page_size]
        return {
            "accountId": args["accountId"],
            "queryState": "qs1",
            "canCalculateChanges": True,
            "position": position,
            "ids": ids,
            "total": len(order),
        }

    def query_changes(args):
        if args["sinceQueryState"] != "qs1":
            return ("error", {"type": "cannotCalculateChanges"})
        return {
            "accountId": args["accountId"],
            "oldQueryState": "qs1",
            "newQueryState": "qs2",
            "removed": ["t3"],
            "added": [{"id": "t4", "index": 0}],
        }

    return FakeJMAP(
        {
            "Task/query": query,
            "Task/get": get_answer(tasks, "9"),
            "Task/queryChanges": query_changes,
        },
        session=session(),
    )


def test_search_tasks_sends_the_filter_condition_and_keeps_query_order(client_for):
    server = task_query_server()
    found = client_for(server).search_tasks(
        "tl1",
        due_before=datetime(2026, 3, 31, 12, tzinfo=timezone(timedelta(hours=2))),
        due_after=date(2026, 3, 1),
        after="2026-02-01T00:00:00Z",
        before="2026-05-01T00:00:00",
        progress="in-process",
        has_keyword="work",
        text="report",
        title="Write",
        uid=TASK_1["uid"],
    )
    assert [t.id for t in found] == ["t2", "t1", "t3"]  # the query's order, not /get's
    assert all(isinstance(t, JMAPTask) for t in found)
    [payload] = payloads(server)  # query and get in one round trip
    assert payload["using"] == [CORE, TASKS]
    assert names(payload) == ["Task/query", "Task/get"]
    query = payload["methodCalls"][0][1]
    assert query["filter"] == {
        "inTaskLists": ["tl1"],
        "dueBefore": "2026-03-31T10:00:00",
        "dueAfter": "2026-03-01T00:00:00",
        "after": "2026-02-01T00:00:00",
        "before": "2026-05-01T00:00:00",
        "progress": "in-process",
        "hasKeyword": "work",
        "text": "report",
        "title": "Write",
        "uid": TASK_1["uid"],
    }
    assert query["calculateTotal"] is True and query["position"] == 0
    assert payload["methodCalls"][1][1]["#ids"]["path"] == "/ids"


def test_search_tasks_in_several_lists_and_unknown_filters(client_for):
    server = task_query_server()
    client = client_for(server)
    client.search_tasks(in_task_lists=["tl1", "tl2"])
    assert server.calls("Task/query")[0]["filter"] == {"inTaskLists": ["tl1", "tl2"]}
    client.search_tasks()
    assert "filter" not in server.calls("Task/query")[1]
    with pytest.raises(TypeError, match="colour"):
        client.search_tasks(colour="red")
    assert len(payloads(server)) == 2  # nothing sent for the bad call


def test_query_task_ids_pages_and_query_changes(client_for):
    server = task_query_server(page_size=2)
    client = client_for(server)
    ids, query_state, total = client.query_task_ids(progress="needs-action")
    assert (ids, query_state, total) == (["t2", "t1", "t3"], "qs1", 3)
    queries = server.calls("Task/query")
    assert [q["position"] for q in queries] == [0, 2]
    assert all(q["filter"] == {"progress": "needs-action"} for q in queries)
    assert server.calls("Task/get") == []  # ids only
    removed, added, new_state = client.get_task_query_changes(query_state, progress="needs-action")
    assert (removed, added, new_state) == (["t3"], [(0, "t4")], "qs2")
    [call] = server.calls("Task/queryChanges")
    assert call == {
        "accountId": "A1",
        "sinceQueryState": "qs1",
        "filter": {"progress": "needs-action"},
    }
    with pytest.raises(JMAPMethodError) as error:
        client.get_task_query_changes("stale")
    assert error.value.error_type == "cannotCalculateChanges"


def test_query_task_ids_starts_again_when_the_results_change(client_for):
    answers = iter(
        [
            {"queryState": "a", "ids": ["t1"], "position": 0, "total": 2},
            {"queryState": "b", "ids": ["t3"], "position": 1, "total": 2},  # changed: again
            {"queryState": "b", "ids": ["t3", "t1"], "position": 0, "total": 2},
        ]
    )
    server = FakeJMAP({"Task/query": lambda args: next(answers)}, session=session())
    assert client_for(server).query_task_ids() == (["t3", "t1"], "b", 2)
    assert [q["position"] for q in server.calls("Task/query")] == [0, 1, 0]


# -- Task/copy and moves -----------------------------------------------------------------------


def copy_server(move_fails: bool = False) -> FakeJMAP:
    def copy(args):
        return {
            "fromAccountId": args["fromAccountId"],
            "accountId": args["accountId"],
            "oldState": "b1",
            "newState": "b2",
            "created": {key: {"id": "tB"} for key in args["create"]},
        }

    server = FakeJMAP(
        {
            "Task/copy": copy,
            "Task/get": get_answer({"t1": TASK_1}, "5"),
            "Task/set": set_answer("t-dup"),
        },
        session=session(second_account=True),
    )
    original_api = server.api

    def api(payload):
        # RFC 8620 §5.4: with onSuccessDestroyOriginal the server answers the /copy and then
        # an implicit /set on the original account, under the same call id
        answer = original_api(payload)
        for name, args, call_id in payload["methodCalls"]:
            if name == "Task/copy" and args.get("onSuccessDestroyOriginal"):
                implicit = {"accountId": args["fromAccountId"], "oldState": "5", "newState": "6"}
                if move_fails:
                    implicit["notDestroyed"] = {"t1": {"type": "forbidden"}}
                else:
                    implicit["destroyed"] = [args["create"]["copy"]["id"]]
                answer["methodResponses"].append(["Task/set", implicit, call_id])
        return answer

    server.api = api
    return server


def test_copy_task_to_another_account_uses_task_copy(client_for):
    server = copy_server()
    client = client_for(server)
    assert client.copy_task("t1", "tlB", to_account_id="B1") == "tB"
    assert client.copy_task("t1", "tlB", to_account_id="B1", move=True) == "tB"
    first, second = payloads(server)
    assert first["using"] == [CORE, TASKS] and names(first) == ["Task/copy"]
    assert first["methodCalls"][0][1] == {
        "accountId": "B1",
        "fromAccountId": "A1",
        "create": {"copy": {"id": "t1", "taskListId": "tlB"}},
    }
    assert second["methodCalls"][0][1]["onSuccessDestroyOriginal"] is True


def test_move_to_another_account_whose_original_stays_raises(client_for):
    server = copy_server(move_fails=True)
    with pytest.raises(JMAPMethodError) as error:
        client_for(server).copy_task("t1", "tlB", to_account_id="B1", move=True)
    assert error.value.error_type == "forbidden" and error.value.method == "Task/set"


def test_copy_and_move_within_the_account(client_for):
    server = copy_server()
    client = client_for(server)
    assert client.copy_task("t1", "tl2", move=True) == "t1"
    assert server.calls("Task/set")[0]["update"] == {"t1": {"taskListId": "tl2"}}
    assert client.copy_task("t1", "tl2") == "t-dup"
    created = server.calls("Task/set")[1]["create"]["new"]
    assert created["taskListId"] == "tl2" and created["title"] == "Write report"
    assert "id" not in created and created["uid"] != TASK_1["uid"]  # a new task
    assert created["keywords"] == {"work": True} and created["@type"] == "Task"
    assert server.calls("Task/copy") == []  # /copy is only between accounts (RFC 8620)


# -- task lists --------------------------------------------------------------------------------


def test_task_list_create_update_delete(client_for):
    def refuse_full_list(args):
        if args.get("destroy") and not args.get("onDestroyRemoveTasks"):
            return {
                "accountId": args["accountId"],
                "newState": "3",
                "notDestroyed": {args["destroy"][0]: {"type": "taskListHasTask"}},
            }
        return set_answer("tl9")(args)

    server = FakeJMAP({"TaskList/set": refuse_full_list}, session=session())
    client = client_for(server)
    assert client.create_task_list("Errands", color="#00ff00", sort_order=3) == "tl9"
    client.update_task_list("tl9", {"name": "Shopping", "is_subscribed": False})
    with pytest.raises(JMAPMethodError) as error:
        client.delete_task_list("tl9")
    assert error.value.error_type == "taskListHasTask"
    client.delete_task_list("tl9", remove_tasks=True)
    create, update, refused, removed = server.calls("TaskList/set")
    assert create["create"] == {"new": {"name": "Errands", "color": "#00ff00", "sortOrder": 3}}
    assert update["update"] == {"tl9": {"name": "Shopping", "isSubscribed": False}}
    assert refused == {"accountId": "A1", "destroy": ["tl9"]}
    assert removed == {"accountId": "A1", "destroy": ["tl9"], "onDestroyRemoveTasks": True}
    assert all(p["using"] == [CORE, TASKS] for p in payloads(server))
    with pytest.raises(TypeError, match="colour"):
        client.create_task_list("x", colour="red")


def test_get_task_list_changes(client_for):
    lists = {
        "tl1": {"id": "tl1", "name": "Inbox", "role": "inbox", "workflowStatuses": ["pending"]},
        "tl2": {"id": "tl2", "name": "Work", "sortOrder": 1},
    }

    def changes(args):
        return {
            "accountId": "A1",
            "oldState": args["sinceState"],
            "newState": "L2",
            "hasMoreChanges": False,
            "created": ["tl2"],
            "updated": ["tl1"],
            "destroyed": ["tl0"],
        }

    server = FakeJMAP(
        {"TaskList/changes": changes, "TaskList/get": get_answer(lists, "L2")},
        session=session(),
    )
    client = client_for(server)
    created, updated, destroyed, state = client.get_task_list_changes("L1")
    assert [c.name for c in created] == ["Work"] and isinstance(created[0], JMAPTaskList)
    assert updated[0].role == "inbox" and updated[0].workflow_statuses == ["pending"]
    assert (destroyed, state) == (["tl0"], "L2")
    assert names(payloads(server)[0]) == ["TaskList/changes", "TaskList/get", "TaskList/get"]
    assert client.get_task_list_sync_token() == "L2"


# -- tasks as iCalendar ------------------------------------------------------------------------

VTODO = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VTODO\r\n"
    "UID:todo-1@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
    "DUE;TZID=Europe/Berlin:20260105T100000\r\nSUMMARY:Submit taxes\r\n"
    "STATUS:IN-PROCESS\r\nPERCENT-COMPLETE:40\r\nPRIORITY:3\r\nCATEGORIES:home\r\n"
    "END:VTODO\r\nEND:VCALENDAR\r\n"
)
VEVENT = VTODO.replace("VTODO", "VEVENT").replace("DUE;", "DTSTART;")


def test_create_task_from_ical_and_back(client_for):
    stored: dict[str, dict] = {}

    def task_set(args):
        stored["tX"] = {"id": "tX", **args["create"]["new"]}
        return {"accountId": "A1", "newState": "2", "created": {"new": {"id": "tX"}}}

    server = FakeJMAP(
        {"Task/set": task_set, "Task/get": get_answer(stored, "2")}, session=session()
    )
    client = client_for(server)
    assert client.create_task_from_ical("tl1", VTODO) == "tX"
    sent = server.calls("Task/set")[0]["create"]["new"]
    assert sent["@type"] == "Task" and sent["taskListId"] == "tl1"
    assert (sent["uid"], sent["title"], sent["due"], sent["timeZone"]) == (
        "todo-1@example.com",
        "Submit taxes",
        "2026-01-05T10:00:00",
        "Europe/Berlin",
    )
    assert (sent["progress"], sent["percentComplete"], sent["keywords"]) == (
        "in-process",
        40,
        {"home": True},
    )
    ical = client.get_task_ical("tX")
    assert "BEGIN:VTODO" in ical and "SUMMARY:Submit taxes" in ical
    assert "DUE;TZID=Europe/Berlin:20260105T100000" in ical and "UID:todo-1@example.com" in ical
    assert "taskListId" not in ical  # JMAP bookkeeping is not iCalendar data
    assert client.get_task("tX").ical.count("BEGIN:VTODO") == 1
    with pytest.raises(JMAPConversionError):
        client.create_task_from_ical("tl1", VEVENT)
    with pytest.raises(JMAPNotFoundError):
        client.get_task_ical("missing")


# -- TaskNotification --------------------------------------------------------------------------

TASK_NOTE = {
    "id": "tn1",
    "created": "2026-03-02T09:00:00Z",
    "changedBy": {"@type": "Person", "name": "Bob", "principalId": "P-bob"},
    "comment": "done",
    "type": "updated",
    "taskId": "t1",
    "isDraft": False,
    "task": {"@type": "Task", "title": "Write report"},
    "taskPatch": {"progress": "completed"},
}


def test_task_notifications_query_get_and_dismiss(client_for):
    notes = {"tn1": TASK_NOTE, "tn2": dict(TASK_NOTE, id="tn2", taskId=None, TaskId="t2")}

    def query(args):
        return {"accountId": "A1", "queryState": "q", "ids": list(notes), "position": 0, "total": 2}

    def set_(args):
        destroyed = [i for i in args["destroy"] if notes.pop(i, None)]
        return {"accountId": "A1", "oldState": "n", "newState": "n2", "destroyed": destroyed}

    server = FakeJMAP(
        {
            "TaskNotification/query": query,
            "TaskNotification/get": get_answer(notes, "n"),
            "TaskNotification/set": set_,
        },
        session=session(),
    )
    client = client_for(server)
    first, second = client.get_task_notifications(
        task_ids=["t1", "t2"], type="updated", after=date(2026, 3, 1)
    )
    assert isinstance(first, JMAPTaskNotification)
    assert (first.id, first.task_id, first.type, first.comment) == ("tn1", "t1", "updated", "done")
    assert first.task_patch == {"progress": "completed"} and first.task["title"] == "Write report"
    assert first.changed_by_principal_id == "P-bob"
    assert second.task_id == "t2"  # the draft's property list spells it "TaskId"
    [payload] = payloads(server)
    assert payload["using"] == [CORE, TASKS]
    assert names(payload) == ["TaskNotification/query", "TaskNotification/get"]
    assert payload["methodCalls"][0][1]["filter"] == {
        "taskIds": ["t1", "t2"],
        "type": "updated",
        "after": "2026-03-01T00:00:00Z",
    }
    assert payload["methodCalls"][0][1]["sort"] == [{"property": "created", "isAscending": False}]
    client.dismiss_task_notifications(["tn1"])
    assert server.calls("TaskNotification/set") == [{"accountId": "A1", "destroy": ["tn1"]}]


def test_task_notification_bound_dismiss():
    notes = {"tn1": TASK_NOTE}

    def set_(args):
        return {"accountId": "A1", "newState": "n2", "destroyed": list(args["destroy"])}

    server = FakeJMAP(
        {
            "TaskNotification/query": lambda args: {"queryState": "q", "ids": ["tn1"], "total": 1},
            "TaskNotification/get": get_answer(notes, "n"),
            "TaskNotification/set": set_,
        },
        session=session(),
    )
    [note] = sync_client(server).get_task_notifications()
    note.dismiss()
    assert server.calls("TaskNotification/set") == [{"accountId": "A1", "destroy": ["tn1"]}]
    with pytest.raises(JMAPError, match="not bound"):
        JMAPTaskNotification.from_jmap(TASK_NOTE).dismiss()


# -- capabilities ------------------------------------------------------------------------------

TASK_CALLS = [
    ("get_task_changes", ("1",)),
    ("get_task_sync_token", ()),
    ("search_tasks", ()),
    ("query_task_ids", ()),
    ("get_task_query_changes", ("q",)),
    ("copy_task", ("t1", "tl2")),
    ("create_task_list", ("x",)),
    ("update_task_list", ("tl1", {"name": "y"})),
    ("delete_task_list", ("tl1",)),
    ("get_task_list_changes", ("1",)),
    ("create_task_from_ical", ("tl1", VTODO)),
    ("get_task_ical", ("t1",)),
    ("get_task_notifications", ()),
    ("dismiss_task_notifications", (["n1"],)),
]
CONTACT_CALLS = [
    ("get_address_books", ()),
    ("create_address_book", ("x",)),
    ("update_address_book", ("ab1", {"name": "y"})),
    ("delete_address_book", ("ab1",)),
    ("get_address_book_changes", ("1",)),
    ("get_contacts", ()),
    ("get_contact", ("c1",)),
    ("create_contact", ("ab1", {"name": {"full": "x"}})),
    ("update_contact", ("c1", {"name/full": "y"})),
    ("delete_contact", ("c1",)),
    ("search_contacts", ()),
    ("query_contact_ids", ()),
    ("get_contact_changes", ("1",)),
    ("get_contact_query_changes", ("q",)),
    ("copy_contact", ("c1", "ab2")),
    ("find_contact_by_email", ("joe@example.com",)),
]


@pytest.mark.parametrize(("method", "args"), TASK_CALLS)
def test_task_methods_need_the_tasks_capability(client_for, method, args):
    server = FakeJMAP(session=session({CORE: {}, CALENDARS: {}, CONTACTS: {}}))
    with pytest.raises(JMAPCapabilityError) as error:
        getattr(client_for(server), method)(*args)
    assert error.value.capability == TASKS
    assert payloads(server) == []  # refused before anything was sent


@pytest.mark.parametrize(("method", "args"), CONTACT_CALLS)
def test_contact_methods_need_the_contacts_capability(client_for, method, args):
    server = FakeJMAP(session=session({CORE: {}, CALENDARS: {}, TASKS: {}}))
    with pytest.raises(JMAPCapabilityError) as error:
        getattr(client_for(server), method)(*args)
    assert error.value.capability == CONTACTS
    assert payloads(server) == []


def test_a_shared_account_view_without_the_capability_sends_nothing():
    caps = {CORE: {}, CALENDARS: {}}
    server = FakeJMAP(session=session(caps))
    view = sync_client(server).for_account("B1")
    with pytest.raises(JMAPCapabilityError):
        view.get_address_books()
    with pytest.raises(JMAPCapabilityError):
        view.search_tasks()
    assert payloads(server) == []


# -- address books -----------------------------------------------------------------------------

BOOKS = {
    "ab1": {
        "id": "ab1",
        "name": "Personal",
        "description": None,
        "sortOrder": 0,
        "isDefault": True,
        "isSubscribed": True,
        "shareWith": None,
        "myRights": {"mayRead": True, "mayWrite": True, "mayShare": True, "mayDelete": False},
    },
    "ab2": {
        "id": "ab2",
        "name": "Autosaved",
        "sortOrder": 1,
        "isDefault": False,
        "isSubscribed": True,
        "myRights": {"mayRead": True, "mayWrite": True, "mayShare": True, "mayDelete": True},
    },
}


def test_address_books_get_create_update_delete(client_for):
    def book_set(args):
        if args.get("destroy") and not args.get("onDestroyRemoveContents"):
            return {
                "accountId": "A1",
                "newState": "x",
                "notDestroyed": {"ab2": {"type": "addressBookHasContents"}},
            }
        return set_answer("ab3")(args)

    server = FakeJMAP(
        {"AddressBook/get": get_answer(BOOKS, "~4144"), "AddressBook/set": book_set},
        session=session(),
    )
    client = client_for(server)
    books = client.get_address_books()
    assert [b.name for b in books] == ["Personal", "Autosaved"]
    assert isinstance(books[0], JMAPAddressBook) and books[0].is_default is True
    assert books[0].my_rights["mayShare"] is True
    assert server.calls("AddressBook/get") == [{"accountId": "A1"}]  # ids null: all
    assert client.create_address_book("Work", description="colleagues", sort_order=2) == "ab3"
    client.update_address_book("ab3", {"is_subscribed": False})
    with pytest.raises(JMAPMethodError) as error:
        client.delete_address_book("ab2")
    assert error.value.error_type == "addressBookHasContents"
    client.delete_address_book("ab2", remove_contents=True)
    create, update, refused, removed = server.calls("AddressBook/set")
    assert create["create"] == {
        "new": {"name": "Work", "description": "colleagues", "sortOrder": 2}
    }
    assert update["update"] == {"ab3": {"isSubscribed": False}}
    assert "onDestroyRemoveContents" not in refused
    assert removed["onDestroyRemoveContents"] is True and removed["destroy"] == ["ab2"]
    assert all(p["using"] == [CORE, CONTACTS] for p in payloads(server))
    with pytest.raises(TypeError, match="colour"):
        client.create_address_book("x", colour="red")


def test_address_book_changes(client_for):
    def changes(args):
        return {
            "accountId": "A1",
            "oldState": args["sinceState"],
            "newState": "~4148",
            "created": [],
            "updated": ["ab1", "ab2"],
            "destroyed": [],
        }

    server = FakeJMAP(
        {"AddressBook/changes": changes, "AddressBook/get": get_answer(BOOKS, "~4148")},
        session=session(),
    )
    client = client_for(server)
    created, updated, destroyed, state = client.get_address_book_changes("~4144")
    assert (created, destroyed, state) == ([], [], "~4148")
    assert [b.id for b in updated] == ["ab1", "ab2"]
    assert client.get_address_book_sync_token() == "~4148"


# -- contact cards -----------------------------------------------------------------------------


def test_contact_card_fields_from_jscontact():
    card = JMAPContactCard.from_jmap(CARD_JOE)
    assert card.id == "c1" and card.address_book_ids == ["ab1"]
    assert card.name == "Joe Bloggs"
    assert card.emails == ["joe.bloggs@example.com", "joe@work.example.com"]  # by pref
    assert card.phones == ["+1-555-0100"]
    assert card.addresses == ["54321 Oak St, Reston", "1 Main St, Springfield"]
    assert card.organizations == ["ABC, Inc."]
    assert card.uid == CARD_JOE["uid"] and card.kind is None
    assert card.to_jmap() == CARD_JOE  # unchanged fields leave the Card as it was


def test_contact_card_changes_go_back_into_the_card():
    card = JMAPContactCard.from_jmap(CARD_JOE)
    card.name = "Joseph Bloggs"
    card.emails = ["joe.bloggs@example.com", "jb@example.org"]
    card.phones = []
    out = card.to_jmap()
    assert out["name"] == {"@type": "Name", "full": "Joseph Bloggs"}
    # the kept address keeps its id and contexts; the new one gets a fresh id
    assert out["emails"] == {
        "e2": {"contexts": {"private": True}, "address": "joe.bloggs@example.com", "pref": 1},
        "e0": {"@type": "EmailAddress", "address": "jb@example.org", "pref": 2},
    }
    assert "phones" not in out
    assert out["addresses"] == CARD_JOE["addresses"]
    new = JMAPContactCard(name="Ann", emails=["ann@example.com"], phones=["+1"]).to_jmap()
    assert new == {
        "@type": "Card",
        "version": "1.0",
        "name": {"@type": "Name", "full": "Ann"},
        "emails": {"e0": {"@type": "EmailAddress", "address": "ann@example.com"}},
        "phones": {"p0": {"@type": "Phone", "number": "+1"}},
    }
    with pytest.raises(JMAPError, match="no id"):
        JMAPContactCard.from_jmap({"name": {"full": "x"}})


def contact_server() -> tuple[FakeJMAP, dict[str, dict]]:
    cards = {"c1": CARD_JOE, "c2": CARD_ANN}

    def query(args):
        condition = args.get("filter") or {}
        ids = [
            i
            for i, card in cards.items()
            if condition.get("inAddressBook") in (None, *card["addressBookIds"])
            and (
                "email" not in condition
                or any(
                    condition["email"].lower() in e["address"].lower()
                    for e in card.get("emails", {}).values()
                )
            )
        ]
        return {
            "accountId": "A1",
            "queryState": "cq1",
            "ids": ids,
            "position": 0,
            "total": len(ids),
        }

    def card_set(args):
        out = set_answer("c9")(args)
        for card in (args.get("create") or {}).values():
            cards["c9"] = {"id": "c9", **card}
        return out

    server = FakeJMAP(
        {
            "ContactCard/query": query,
            "ContactCard/get": get_answer(cards, "cs1"),
            "ContactCard/set": card_set,
        },
        session=session(second_account=True),
    )
    return server, cards


def test_contact_create_get_update_delete(client_for):
    server, cards = contact_server()
    client = client_for(server)
    new_id = client.create_contact("ab1", {"name": {"full": "Carol"}, "id": "ignored"})
    assert new_id == "c9"
    sent = server.calls("ContactCard/set")[0]["create"]["new"]
    assert sent["addressBookIds"] == {"ab1": True} and sent["name"] == {"full": "Carol"}
    assert (sent["@type"], sent["version"]) == ("Card", "1.0")
    assert sent["uid"].startswith("urn:uuid:") and "id" not in sent
    client.create_contact("ab2", JMAPContactCard(name="Dan", emails=["dan@example.com"]))
    dan = server.calls("ContactCard/set")[1]["create"]["new"]
    assert dan["addressBookIds"] == {"ab2": True}
    assert dan["emails"] == {"e0": {"@type": "EmailAddress", "address": "dan@example.com"}}
    joe = client.get_contact("c1")
    assert isinstance(joe, JMAPContactCard) and joe.name == "Joe Bloggs"
    assert joe.client is client.client
    client.update_contact("c1", {"emails/e1/address": "joe@new.example.com"})
    assert server.calls("ContactCard/set")[2]["update"] == {
        "c1": {"emails/e1/address": "joe@new.example.com"}
    }
    client.delete_contact("c1")
    assert server.calls("ContactCard/set")[3]["destroy"] == ["c1"]
    assert all(p["using"] == [CORE, CONTACTS] for p in payloads(server))
    with pytest.raises(JMAPNotFoundError):
        client.get_contact("nope")


def test_get_contacts_and_search_in_one_round_trip(client_for):
    server, _ = contact_server()
    client = client_for(server)
    cards = client.get_contacts("ab1")
    assert [c.name for c in cards] == ["Joe Bloggs", "Ann Example"]
    [payload] = payloads(server)
    assert names(payload) == ["ContactCard/query", "ContactCard/get"]
    assert payload["methodCalls"][0][1]["filter"] == {"inAddressBook": "ab1"}
    assert payload["methodCalls"][1][1]["#ids"]["name"] == "ContactCard/query"
    client.get_contacts()
    assert "filter" not in server.calls("ContactCard/query")[1]
    client.search_contacts(
        name_given="Joe",
        name_surname="Bloggs",
        organization="ABC",
        created_after=datetime(2026, 1, 1, tzinfo=timezone.utc),
        updated_before="2026-06-01",
        kind="individual",
        text="reston",
    )
    assert server.calls("ContactCard/query")[2]["filter"] == {
        "name/given": "Joe",
        "name/surname": "Bloggs",
        "organization": "ABC",
        "createdAfter": "2026-01-01T00:00:00Z",
        "updatedBefore": "2026-06-01T00:00:00Z",
        "kind": "individual",
        "text": "reston",
    }
    with pytest.raises(TypeError, match="surname"):
        client.search_contacts(surname="x")


def test_find_contact_by_email_wants_the_exact_address(client_for):
    server, cards = contact_server()
    cards["c3"] = dict(CARD_ANN, id="c3", emails={"x": {"address": "xann@example.com.au"}})
    client = client_for(server)
    found = client.find_contact_by_email("mailto:ann@example.com")
    assert found is not None and found.id == "c2" and found.name == "Ann Example"
    [payload] = payloads(server)
    assert names(payload) == ["ContactCard/query", "ContactCard/get"]
    assert payload["methodCalls"][0][1]["filter"] == {"email": "ann@example.com"}
    del cards["c2"]
    assert client.find_contact_by_email("ann@example.com") is None  # only a substring match


def test_contact_changes_follow_has_more_changes(client_for):
    batches = {
        "k1": {"newState": "k2", "hasMoreChanges": True, "created": ["c1"], "updated": []},
        "k2": {"newState": "k3", "hasMoreChanges": False, "created": [], "updated": ["c2"]},
    }

    def changes(args):
        destroyed = ["c0"] if args["sinceState"] == "k2" else []
        batch = batches[args["sinceState"]]
        return {"accountId": "A1", "oldState": args["sinceState"], "destroyed": destroyed, **batch}

    server = FakeJMAP(
        {
            "ContactCard/changes": changes,
            "ContactCard/get": get_answer({"c1": CARD_JOE, "c2": CARD_ANN}, "k3"),
        },
        session=session(),
    )
    client = client_for(server)
    created, updated, destroyed, state = client.get_contact_changes("k1")
    assert [c.name for c in created] == ["Joe Bloggs"]
    assert [c.emails for c in updated] == [["Ann@Example.com"]]
    assert (destroyed, state) == (["c0"], "k3")
    assert [c["sinceState"] for c in server.calls("ContactCard/changes")] == ["k1", "k2"]
    assert client.get_contact_sync_token() == "k3"


def test_contact_query_ids_and_query_changes(client_for):
    server, _ = contact_server()

    def query_changes(args):
        return {
            "accountId": "A1",
            "oldQueryState": args["sinceQueryState"],
            "newQueryState": "cq2",
            "removed": ["c2"],
            "added": [{"id": "c9", "index": 1}],
            "total": 2,
        }

    server.handlers["ContactCard/queryChanges"] = query_changes
    client = client_for(server)
    ids, state, total = client.query_contact_ids(in_address_book="ab1")
    assert (ids, state, total) == (["c1", "c2"], "cq1", 2)
    removed, added, new_state = client.get_contact_query_changes(state, in_address_book="ab1")
    assert (removed, added, new_state) == (["c2"], [(1, "c9")], "cq2")
    assert server.calls("ContactCard/queryChanges") == [
        {"accountId": "A1", "sinceQueryState": "cq1", "filter": {"inAddressBook": "ab1"}}
    ]


def test_copy_contact(client_for):
    server, _ = contact_server()

    def copy(args):
        return {
            "fromAccountId": args["fromAccountId"],
            "accountId": args["accountId"],
            "newState": "b2",
            "created": {"copy": {"id": "cB"}},
        }

    server.handlers["ContactCard/copy"] = copy
    client = client_for(server)
    assert client.copy_contact("c1", "abB", to_account_id="B1") == "cB"
    assert server.calls("ContactCard/copy") == [
        {
            "accountId": "B1",
            "fromAccountId": "A1",
            "create": {"copy": {"id": "c1", "addressBookIds": {"abB": True}}},
        }
    ]
    assert client.copy_contact("c1", "ab2", move=True) == "c1"
    assert server.calls("ContactCard/set")[0]["update"] == {"c1": {"addressBookIds": {"ab2": True}}}
    assert client.copy_contact("c1", "ab2") == "c9"
    duplicate = server.calls("ContactCard/set")[1]["create"]["new"]
    assert duplicate["addressBookIds"] == {"ab2": True} and "id" not in duplicate
    assert duplicate["uid"] != CARD_JOE["uid"] and duplicate["name"] == CARD_JOE["name"]


# -- save_with_invites: attendee names from the contacts, in the identities' round trip --------

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:m1@example.com\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:20260601T100000\r\n"
    "DURATION:PT1H\r\nSUMMARY:Planning\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
IDENTITY = {"id": "i1", "name": "Alice", "sendTo": {"imip": "mailto:alice@example.com"}}


def invite_server(caps: dict[str, Any], contacts_fail: bool = False) -> FakeJMAP:
    server, _ = contact_server()
    server.session = session(caps)
    server.handlers["ParticipantIdentity/get"] = get_answer({"i1": IDENTITY}, "1")
    server.handlers["CalendarEvent/set"] = set_answer("ev1")
    if contacts_fail:
        server.handlers["ContactCard/query"] = lambda args: ("error", {"type": "serverFail"})
    return server


def test_save_with_invites_names_attendees_from_contacts(client_for):
    server = invite_server(CAPS)
    event_id = client_for(server).save_with_invites(
        "cal1",
        ICS,
        ["joe.bloggs@example.com", ("Annie", "ann@example.com"), "nobody@example.com"],
    )
    assert event_id == "ev1"
    first, second = payloads(server)
    # the identities and the contact lookup in one request
    assert first["using"] == [CORE, CALENDARS, CONTACTS]
    assert names(first) == ["ParticipantIdentity/get", "ContactCard/query", "ContactCard/get"]
    query, get = first["methodCalls"][1][1], first["methodCalls"][2][1]
    # only the attendees given without a name are looked up
    assert query["filter"] == {
        "operator": "OR",
        "conditions": [{"email": "joe.bloggs@example.com"}, {"email": "nobody@example.com"}],
    }
    assert get["#ids"] == {"resultOf": "c1", "name": "ContactCard/query", "path": "/ids"}
    assert get["properties"] == ["name", "emails"]
    assert names(second) == ["CalendarEvent/set"]
    created = server.calls("CalendarEvent/set")[0]["create"]["new"]
    people = {p["sendTo"]["imip"]: p for p in created["participants"].values()}
    assert people["mailto:joe.bloggs@example.com"]["name"] == "Joe Bloggs"  # from the card
    assert people["mailto:ann@example.com"]["name"] == "Annie"  # given names win
    assert "name" not in people["mailto:nobody@example.com"]


def test_save_with_invites_without_contacts(client_for):
    server = invite_server({CORE: {}, CALENDARS: {}})
    client_for(server).save_with_invites("cal1", ICS, ["joe.bloggs@example.com"])
    assert names(payloads(server)[0]) == ["ParticipantIdentity/get"]
    people = server.calls("CalendarEvent/set")[0]["create"]["new"]["participants"].values()
    [joe] = [p for p in people if p["sendTo"]["imip"] == "mailto:joe.bloggs@example.com"]
    assert "name" not in joe


def test_save_with_invites_when_the_lookup_fails(client_for):
    server = invite_server(CAPS, contacts_fail=True)
    assert client_for(server).save_with_invites("cal1", ICS, ["joe.bloggs@example.com"]) == "ev1"
    people = server.calls("CalendarEvent/set")[0]["create"]["new"]["participants"]
    joe = [p for p in people.values() if p["sendTo"]["imip"] == "mailto:joe.bloggs@example.com"]
    assert "name" not in joe[0]
