"""The data-type registry and the generic engine's paging loop.

Table-driven over every declared spec: its methods are declared and build calls that
carry their kind, a /set that creates or updates is never repeated, a read always may, a
PushSubscription call has no accountId.  The paging loop is driven with scripted
/query answers (no server can be made to change its results between two pages on cue).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from caldav.jmap import JMAPClient
from caldav.jmap._events.connection import CalendarConnection
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.http import HTTPResponse
from caldav.jmap._protocol.objects import (
    Changes,
    create_object,
    delete_object,
    jmap_properties,
    object_changes,
    read_one,
)
from caldav.jmap._protocol.operations import (
    MAX_QUERY_RESTARTS,
    QueryIds,
    query_ids,
    query_objects,
    query_pages,
)
from caldav.jmap._protocol.request import READS, SETS, WRITES, Call, RequestBuilder
from caldav.jmap._protocol.retry import safe_to_repeat
from caldav.jmap._protocol.spec import STANDARD_METHODS, TypeSpec, read_with
from caldav.jmap._protocol.steps import Finished, Pause, advance
from caldav.jmap._registry import (
    ADDRESS_BOOK,
    BLOB,
    CALENDAR,
    CONTACT,
    EVENT,
    IDENTITY,
    PUSH_SUBSCRIPTION,
    SPECS,
    TASK,
    TASK_LIST,
    declared_call,
    spec_for,
)
from caldav.jmap.constants import CALENDAR_CAPABILITY, CORE_CAPABILITY
from caldav.jmap.error import JMAPError, JMAPNotFoundError
from caldav.jmap.objects.base import JMAPObject
from caldav.jmap.objects.task import JMAPTask
from caldav.jmap.session import Session

from .fake_jmap import SESSION_URL, session_json

ALL = sorted(SPECS.values(), key=lambda spec: spec.name)
IDS = [spec.name for spec in ALL]

#: The types the old per-name retry table declared with the standard methods.
STANDARD_TYPES = {
    "Calendar",
    "CalendarEvent",
    "CalendarEventNotification",
    "ParticipantIdentity",
    "Principal",
    "TaskList",
    "Task",
    "TaskNotification",
    "AddressBook",
    "ContactCard",
}


@pytest.mark.parametrize("spec", ALL, ids=IDS)
def test_every_declared_method_builds_a_call_carrying_its_kind(spec: TypeSpec[object]) -> None:
    assert spec.methods, f"{spec.name} declares no method"
    for method in spec.methods:
        call = spec.call(method.name, "A1")
        assert call.name == f"{spec.name}/{method.name}"
        assert call.kind is method.kind
        assert call.capability == (method.capability or spec.capability)
        assert ("accountId" in call.arguments) is spec.account_scoped
    with pytest.raises(ValueError, match="declares no method"):
        spec.call("frobnicate", "A1")


@pytest.mark.parametrize("spec", ALL, ids=IDS)
def test_reads_may_be_repeated_and_writes_never(spec: TypeSpec[object]) -> None:
    for method in spec.methods:
        call = spec.call(method.name, "A1")
        if method.kind is READS:
            assert safe_to_repeat([call])
        if method.kind is WRITES:
            assert not safe_to_repeat([call])
    if any(m.name == "get" for m in spec.methods):
        assert safe_to_repeat([spec.get("A1", ["x"])])
    if any(m.name == "set" for m in spec.methods):
        assert not safe_to_repeat([spec.set("A1", create={"n": {}})])
        assert not safe_to_repeat([spec.set("A1", update={"x": {"a": 1}})])
        assert safe_to_repeat([spec.set("A1", destroy=["x"])])
        # one call that changes data makes the whole request unrepeatable
        assert not safe_to_repeat([spec.get("A1", ["x"]), spec.set("A1", create={"n": {}})])


@pytest.mark.parametrize("spec", ALL, ids=IDS)
def test_specs_are_consistent(spec: TypeSpec[object]) -> None:
    assert spec_for(spec.name) is spec
    names = [m.name for m in spec.methods]
    assert len(names) == len(set(names)), f"{spec.name} declares a method twice"
    if spec.name in STANDARD_TYPES:
        assert set(STANDARD_METHODS) <= set(spec.methods)
    if spec.container is not None:
        placed = spec.in_container("C1")[spec.container]
        assert placed == ({"C1": True} if spec.container_many else "C1")
    if spec.on_destroy is not None:
        assert spec.on_destroy.startswith("onDestroyRemove")
    if spec.writable:
        assert all(name == name.lower() for name in spec.writable)  # snake_case keywords


def test_push_subscription_calls_have_no_account_id() -> None:
    for call in (
        PUSH_SUBSCRIPTION.get(None),
        PUSH_SUBSCRIPTION.set("A1", destroy=["p"]),
    ):
        assert "accountId" not in call.arguments
        assert call.capability == CORE_CAPABILITY
    with pytest.raises(ValueError):
        PUSH_SUBSCRIPTION.call("changes", None)


def test_the_extra_methods_are_declared_on_their_specs() -> None:
    assert EVENT.kind("parse") is READS
    assert EVENT.kind("participantReply") is WRITES
    assert spec_for("Principal").kind("getAvailability") is READS
    assert BLOB.kind("get") is READS and BLOB.kind("lookup") is READS
    assert BLOB.kind("copy") is WRITES
    assert BLOB.call("copy", "A1").capability == CORE_CAPABILITY
    assert BLOB.kind("upload").repeat == "always"  # the same bytes make the same blob


def test_the_collections_and_their_destroy_arguments() -> None:
    assert CALENDAR.on_destroy == "onDestroyRemoveEvents"
    assert TASK_LIST.on_destroy == "onDestroyRemoveTasks"
    assert ADDRESS_BOOK.on_destroy == "onDestroyRemoveContents"
    assert EVENT.container == "calendarIds" and EVENT.container_many
    assert TASK.container == "taskListId" and not TASK.container_many
    assert CONTACT.container == "addressBookIds" and CONTACT.container_many
    assert IDENTITY.capability == CALENDAR.capability


def test_a_call_without_a_declared_kind_is_never_repeated() -> None:
    assert not safe_to_repeat([Call("Calendar/get", {"accountId": "A1"})])
    assert not safe_to_repeat([declared_call("Nothing/get", {})])
    assert safe_to_repeat([declared_call("Calendar/get", {"ids": None})])
    assert not safe_to_repeat([declared_call("CalendarEvent/set", {"create": {"a": {}}})])
    assert safe_to_repeat([declared_call("Core/echo", {})])


def test_a_spec_of_name_and_capability_alone_builds_standard_calls() -> None:
    legacy = TypeSpec("CalendarEvent", CALENDAR.capability, filters=("uid",))
    assert legacy.filters == ("uid",)
    assert legacy.query("A1", filter={"uid": "x"}).kind is READS
    assert legacy.set("A1", destroy=["x"]).kind is SETS


def test_snake_case_names_become_jmap_names_once() -> None:
    assert jmap_properties({"sort_order": 1, "isVisible": True, "keywords/work": True}) == {
        "sortOrder": 1,
        "isVisible": True,
        "keywords/work": True,
    }
    assert jmap_properties({"a_b": 2}, lambda v: v * 10) == {"aB": 20}


# -- the engine, driven with scripted answers --------------------------------------------


def _connection() -> Connection:
    caps = {
        "urn:ietf:params:jmap:core": {"maxObjectsInGet": 2, "maxCallsInRequest": 16},
        "urn:ietf:params:jmap:calendars": {},
        "urn:ietf:params:jmap:tasks": {},
    }
    conn = Connection(SESSION_URL)
    conn.session = Session.from_jmap(session_json(caps), SESSION_URL)
    return conn


def _drive(operation: Any, answer: Any) -> tuple[Any, list[list[Any]]]:
    """Run ``operation``, answering each API request with ``answer(method_calls)`` (a
    list of method responses); returns the result and the method calls sent."""
    sent: list[list[Any]] = []
    step = advance(operation)
    for _ in range(100):
        if isinstance(step, Finished):
            return step.result, sent
        assert not isinstance(step, Pause)
        calls = json.loads(step.body)["methodCalls"]
        sent.append(calls)
        body = json.dumps({"methodResponses": answer(calls), "sessionState": "s1"}).encode()
        step = advance(operation, HTTPResponse.build(200, {}, body, step.url))
    raise AssertionError("the operation did not end")


def _pager(pages: list[tuple[str, list[str], int]]) -> Any:
    """Answers /query with the scripted (queryState, ids, total) pages in turn, and /get
    with a task per id asked."""
    script = iter(pages)

    def answer(calls: list[Any]) -> list[Any]:
        responses = []
        ids: list[str] = []
        for name, arguments, call_id in calls:
            if name.endswith("/query"):
                state, ids, total = next(script)
                position = arguments.get("position", 0)
                responses.append(
                    [
                        name,
                        {"queryState": state, "ids": ids, "position": position, "total": total},
                        call_id,
                    ]
                )
            else:
                found = [{"id": i, "title": i} for i in ids]
                responses.append([name, {"state": "t1", "list": found, "notFound": []}, call_id])
        return responses

    return answer


def test_the_paging_loop_starts_again_when_the_results_change() -> None:
    conn = _connection()
    pages = [
        ("q1", ["a", "b"], 4),
        ("q2", ["c", "d"], 4),
        ("q2", ["x", "a"], 4),
        ("q2", ["b", "c"], 4),
    ]
    result, sent = _drive(query_ids(conn, TASK, "A1"), _pager(pages))
    assert isinstance(result, QueryIds)
    ids, query_state, total = result
    assert (ids, query_state, total) == (["x", "a", "b", "c"], "q2", 4)
    # the second pass starts again from position 0
    assert [calls[0][1].get("position") for calls in sent] == [0, 2, 0, 2]


def test_query_and_get_restart_too_and_keep_the_query_order() -> None:
    conn = _connection()
    pages = [("q1", ["a", "b"], 3), ("q2", ["c"], 3), ("q2", ["c", "b"], 3), ("q2", ["a"], 3)]
    found, sent = _drive(query_objects(conn, TASK, "A1"), _pager(pages))
    assert [obj["id"] for obj in found] == ["c", "b", "a"]
    assert found.query_state == "q2" and found.state == "t1"
    # each page is one request: the /query and its /get by reference
    assert all([c[0] for c in calls] == ["Task/query", "Task/get"] for calls in sent)


def test_results_that_keep_changing_are_an_error_not_a_loop() -> None:
    conn = _connection()
    pages = [(f"q{n}", [f"i{n}"], 5) for n in range(2 * MAX_QUERY_RESTARTS)]
    with pytest.raises(JMAPError, match="kept changing"):
        _drive(query_ids(conn, TASK, "A1"), _pager(pages))


def test_get_one_raises_not_found_and_changes_read_the_specs_objects() -> None:
    conn = _connection()

    def nothing(calls: list[Any]) -> list[Any]:
        return [[n, {"state": "t1", "list": [], "notFound": a["ids"]}, c] for n, a, c in calls]

    with pytest.raises(JMAPNotFoundError, match="Task/get: no task t9"):
        _drive(read_one(conn, TASK, "t9"), nothing)

    def delta(calls: list[Any]) -> list[Any]:
        out = []
        for name, arguments, call_id in calls:
            if name == "Task/changes":
                changes = {"oldState": "t1", "newState": "t2", "hasMoreChanges": False}
                changes.update(created=["n1"], updated=[], destroyed=["d1"])
                out.append([name, changes, call_id])
            else:
                got = (
                    [{"id": "n1", "title": "new"}]
                    if arguments["#ids"]["path"] == "/created"
                    else []
                )
                out.append([name, {"state": "t2", "list": got, "notFound": []}, call_id])
        return out

    changes, _ = _drive(object_changes(conn, TASK, "t1"), delta)
    assert isinstance(changes, Changes)
    created, updated, destroyed, new_state = changes
    assert [type(t) for t in created] == [JMAPTask] and created[0].title == "new"
    assert (updated, destroyed, new_state) == ([], ["d1"], "t2")


@pytest.mark.parametrize(
    ("spec", "documented"),
    [(TASK, "search_tasks"), (CONTACT, "search_contacts")],
    ids=["Task", "ContactCard"],
)
def test_the_keyword_filters_are_the_specs_filters_and_documented(
    spec: TypeSpec[object], documented: str
) -> None:
    doc = " ".join((getattr(JMAPClient, documented).__doc__ or "").split())
    assert list(spec.keyword_filters.values()) == list(spec.filters)
    for keyword in spec.keyword_filters:
        assert keyword in doc, f"{documented}() does not document {keyword}"
    with pytest.raises(TypeError, match="unknown filters: bogus"):
        spec.filter_condition({"bogus": 1}, documented)
    first = spec.filters[0]
    assert spec.filter_condition({first: None}, documented) == {}


# -- the worked example of docs/architecture.md: a new data type is a spec and a dataclass


@dataclass
class JMAPNote(JMAPObject):
    """A made-up data type, as a dataclass of its JMAP properties."""

    id: str
    title: str | None = None
    folder_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    client: Any = field(default=None, repr=False, compare=False)


NOTES_CAPABILITY = "urn:example:notes"
NOTE = TypeSpec(
    "Note",
    NOTES_CAPABILITY,
    filters=("inFolder", "text"),
    read=read_with(JMAPNote.from_jmap),
    label="note",
    writable=("title",),
    container="folderId",
    on_destroy="onDestroyRemoveNotes",
)


class NoteStore:
    """Answers Note/get, Note/set and Note/changes from a dict (a scripted server)."""

    def __init__(self) -> None:
        self.notes: dict[str, dict[str, Any]] = {}
        self.state = 0
        self.destroyed: list[str] = []

    def __call__(self, calls: list[Any]) -> list[Any]:
        out = []
        for name, arguments, call_id in calls:
            assert arguments["accountId"] == "A1"
            if name == "Note/set":
                created = {}
                for key, note in (arguments.get("create") or {}).items():
                    new_id = f"n{len(self.notes) + 1}"
                    self.notes[new_id] = {"id": new_id, **note}
                    created[key] = {"id": new_id}
                for note_id in arguments.get("destroy") or []:
                    self.notes.pop(note_id)
                    self.destroyed.append(note_id)
                self.state += 1
                answer = {"created": created, "destroyed": arguments.get("destroy") or []}
                out.append([name, {**answer, "newState": str(self.state)}, call_id])
            elif name == "Note/changes":
                changes = {"oldState": "0", "newState": str(self.state), "hasMoreChanges": False}
                changes.update(created=list(self.notes), updated=[], destroyed=self.destroyed)
                out.append([name, changes, call_id])
            else:
                if "#ids" in arguments:  # the /get of a /changes' created or updated ids
                    ids = list(self.notes) if arguments["#ids"]["path"] == "/created" else []
                else:
                    ids = arguments.get("ids", list(self.notes))
                found = [self.notes[i] for i in ids]
                out.append([name, {"state": str(self.state), "list": found}, call_id])
        return out


def test_a_new_data_type_is_one_spec_and_one_dataclass() -> None:
    conn = _connection()
    conn.session = Session.from_jmap(
        session_json({"urn:ietf:params:jmap:core": {}, NOTES_CAPABILITY: {}}), SESSION_URL
    )
    store = NoteStore()
    note_id, sent = _drive(
        create_object(conn, NOTE, {"title": "milk"}, NOTE.in_container("f1")), store
    )
    assert note_id == "n1" and store.notes["n1"] == {"id": "n1", "title": "milk", "folderId": "f1"}
    assert sent[0][0][0] == "Note/set" and sent[0][0][1]["create"]
    with pytest.raises(TypeError, match="unknown note properties: colour"):
        _drive(create_object(conn, NOTE, {"colour": "red"}, {}), store)
    note, _ = _drive(read_one(conn, NOTE, "n1"), store)
    assert isinstance(note, JMAPNote) and (note.title, note.folder_id) == ("milk", "f1")
    assert NOTE.filter_condition({"in_folder": "f1"}, "search_notes") == {"inFolder": "f1"}
    _drive(create_object(conn, NOTE, {"title": "eggs"}, {}), store)
    _, sent = _drive(delete_object(conn, NOTE, "n2", remove_contents=True), store)
    assert sent[0][0][1] == {"accountId": "A1", "destroy": ["n2"], "onDestroyRemoveNotes": True}
    created, updated, destroyed, state = _drive(object_changes(conn, NOTE, "0"), store)[0]
    assert [n.id for n in created] == ["n1"] and destroyed == ["n2"] and state == "3"


def test_the_connection_defaults_to_no_capability() -> None:
    # the protocol layer knows no data type: without a capability it cannot pick an account
    conn = _connection()
    with pytest.raises(TypeError, match="capability"):
        _drive(conn.account_for(), lambda calls: [])
    assert _drive(conn.account_for(TASK.capability), lambda calls: [])[0] == "A1"
    calendar = CalendarConnection(SESSION_URL)
    calendar.session = conn.session
    assert calendar.required_capability == CALENDAR_CAPABILITY
    assert _drive(calendar.account_for(), lambda calls: [])[0] == "A1"


def test_query_pages_sends_an_anchor_window_and_first_calls_once() -> None:
    # the first request carries the anchor and the extra calls; the next page goes on
    # from the position the server reported for the anchor (not the one asked for)
    conn = _connection()
    read: list[str] = []

    def first_calls(builder: RequestBuilder) -> Any:
        extra = builder.add(TASK.get("A1", []))

        def reader(responses: Any) -> Any:
            responses.get(extra.call_id, "Task/get")  # answered, or it raises
            read.append(extra.call_id)
            return
            yield

        return reader

    answer = _pager([("q1", ["a", "b"], 6), ("q1", ["c", "d"], 6)])

    def at_anchor(calls: list[Any]) -> list[Any]:
        responses = answer(calls)
        if "anchor" in calls[0][1]:
            responses[0][1]["position"] = 2  # where the anchor is
        return responses

    pages, sent = _drive(
        query_pages(
            conn,
            TASK,
            "A1",
            {},
            anchor="a",
            anchor_offset=0,
            limit=4,
            page_size=2,
            first_calls=first_calls,
        ),
        at_anchor,
    )
    assert pages.ids == ["a", "b", "c", "d"] and read == ["c1"]
    assert [len(calls) for calls in sent] == [2, 1]
    assert sent[0][0][1]["anchor"] == "a" and "position" not in sent[0][0][1]
    assert sent[1][0][1]["position"] == 4 and "anchor" not in sent[1][0][1]
