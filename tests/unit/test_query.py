"""Filters, their JMAP form in both dialects, client-side evaluation and the query
operations, against the scripted peer (tests/unit/fake_jmap.py) for what Cyrus cannot show:
the current draft's inCalendar, unsupportedFilter, queryChanges, CalendarEvent/parse."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from caldav.jmap import JMAPCannotCalculateChangesError, JMAPMethodError
from caldav.jmap._protocol.http import HTTPRequest
from caldav.jmap._servers.profile import profile_of
from caldav.jmap.query import (
    AND,
    NOT,
    OR,
    Evaluation,
    Filter,
    Leaf,
    build_query,
    evaluate,
    make_sort,
    plan_query,
    render,
)

from .fake_jmap import BASE, FakeJMAP, async_client, session_json, sync_client

ME = "mailto:me@example.com"


def event(event_id: str, **props: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "@type": "Event",
        "uid": f"{event_id}@x",
        "title": event_id,
        "calendarIds": {"C1": True},
        "start": "2026-03-01T10:00:00",
        **props,
    }


EVENTS = [
    event("e1", keywords={"work": True}, participants={"p": {"email": "me@example.com"}}),
    event(
        "e2",
        keywords={"social": True},
        links={"l": {"href": "https://x/menu.pdf", "rel": "enclosure"}},
        participants={"p": {"sendTo": {"imip": ME}, "participationStatus": "declined"}},
    ),
    event("e3", keywords={"work": True, "later": True}, calendarIds={"C2": True}),
]


# -- rendering ------------------------------------------------------------------------------


def test_filter_renders_in_both_dialects():
    condition = Filter(calendar_id="C1", start="2026-01-01T10:00:00Z", text="lunch")
    assert render(condition, in_calendars=True) == {
        "inCalendars": ["C1"],
        "after": "2026-01-01T10:00:00",
        "text": "lunch",
    }
    assert render(condition, in_calendars=False) == {
        "inCalendar": "C1",
        "after": "2026-01-01T10:00:00",
        "text": "lunch",
    }
    # several calendars where the server takes one: an OR of them
    assert render(Filter(in_calendars=["C1", "C2"], uid="u"), in_calendars=False) == {
        "operator": "AND",
        "conditions": [
            {"uid": "u"},
            {"operator": "OR", "conditions": [{"inCalendar": "C1"}, {"inCalendar": "C2"}]},
        ],
    }
    tree = AND(Filter(title="a"), OR(Filter(has_keyword="k"), NOT(Filter(is_undecided=True))))
    assert render(tree) == {
        "operator": "AND",
        "conditions": [
            {"title": "a"},
            {
                "operator": "OR",
                "conditions": [
                    {"hasKeyword": "k"},
                    {"operator": "NOT", "conditions": [{"isUndecided": True}]},
                ],
            },
        ],
    }
    assert (Filter(title="a") | ~Filter(uid="b")) == OR(Filter(title="a"), NOT(Filter(uid="b")))
    assert render(Filter()) == {}
    assert Filter(title=None, uid="u").leaves == (Leaf("uid", "u"),)


def test_bad_filters_raise():
    with pytest.raises(TypeError, match="unknown filter 'colour'"):
        Filter(colour="red")
    with pytest.raises(TypeError, match="after is given twice"):
        Filter(start="2026-01-01", after="2026-02-01")
    with pytest.raises(TypeError, match="True or False"):
        Filter(is_undecided="yes")
    with pytest.raises(ValueError, match="not an ISO date-time"):
        Filter(before="next tuesday")
    with pytest.raises(TypeError, match="filter must be"):
        build_query(filter={"title": "x"})


def test_sort_forms():
    assert make_sort([("start", False), "uid", "-recurrence_id"]) == [
        {"property": "start", "isAscending": False},
        {"property": "uid", "isAscending": True},
        {"property": "recurrenceId", "isAscending": False},
    ]
    assert make_sort({"property": "start", "isAscending": True, "collation": "i;unicode"}) == [
        {"property": "start", "isAscending": True, "collation": "i;unicode"}
    ]
    assert make_sort(("start", True)) == [{"property": "start", "isAscending": True}]
    assert make_sort(None) is None


# -- planning and evaluation --------------------------------------------------------------


def test_plan_splits_server_and_client_parts():
    tree = AND(
        Filter(calendar_id="C1", after="2026-01-01T00:00:00"),
        OR(Filter(title="lunch"), Filter(has_keyword="work")),
        Filter(is_rejected=False),
    )
    plan = plan_query(tree, {"hasKeyword", "isRejected"})
    assert plan.server == {"inCalendars": ["C1"], "after": "2026-01-01T00:00:00"}
    assert plan.local == [tree.conditions[1], Filter(is_rejected=False)]
    # the title inside the OR is a probe: its condition AND the server part
    assert plan.probes == {
        Leaf("title", "lunch"): {
            "inCalendars": ["C1"],
            "after": "2026-01-01T00:00:00",
            "title": "lunch",
        }
    }
    assert plan.needs_identities()
    # nothing rejected: all on the server
    everything = plan_query(tree)
    assert everything.local == [] and everything.probes == {}
    assert everything.server == {
        "operator": "AND",
        "conditions": [
            {"inCalendars": ["C1"], "after": "2026-01-01T00:00:00", "isRejected": False},
            {"operator": "OR", "conditions": [{"title": "lunch"}, {"hasKeyword": "work"}]},
        ],
    }
    # Cyrus: OR/NOT over different kinds of properties is the client's
    mixed = OR(Filter(uid="u"), Filter(title="t"))
    same = OR(Filter(title="a"), Filter(text="b"))
    assert plan_query(mixed, homogeneous_operators=True).local == [mixed]
    assert plan_query(same, homogeneous_operators=True).local == []
    # expandRecurrences: the server filter must be one FilterCondition
    expand = plan_query(
        AND(Filter(after="2026-01-01T00:00:00", before="2026-01-08T00:00:00"), same),
        single_condition=True,
    )
    assert expand.server == {"after": "2026-01-01T00:00:00", "before": "2026-01-08T00:00:00"}
    assert expand.local == [same]
    assert set(expand.probes) == {Leaf("title", "a"), Leaf("text", "b")}


def test_evaluate_extension_filters():
    ctx = Evaluation(my_addresses={ME})
    e1, e2, e3 = EVENTS
    assert [evaluate(Filter(has_keyword="work"), e, ctx) for e in EVENTS] == [True, False, True]
    assert [evaluate(Filter(not_keyword="work"), e, ctx) for e in EVENTS] == [False, True, False]
    # no participationStatus means needs-action (JSCalendar's default)
    assert [evaluate(Filter(is_undecided=True), e, ctx) for e in EVENTS] == [True, False, False]
    assert [evaluate(Filter(is_rejected=True), e, ctx) for e in EVENTS] == [False, True, False]
    # an event without participants is neither undecided nor rejected
    assert evaluate(Filter(is_undecided=False), e3, ctx) is True
    assert [evaluate(Filter(has_attachment=True), e, ctx) for e in EVENTS] == [False, True, False]
    assert [evaluate(Filter(participant_is="ME@example.com"), e) for e in EVENTS] == [
        True,
        True,
        False,
    ]
    assert [evaluate(Filter(in_calendars=["C2"]), e) for e in EVENTS] == [False, False, True]
    # a recurring event matches when any instance does
    recurring = event(
        "r",
        participants={"p": {"email": "me@example.com", "participationStatus": "accepted"}},
        recurrenceOverrides={
            "2026-03-08T10:00:00": {"participants/p/participationStatus": "declined"},
            "2026-03-15T10:00:00": {"excluded": True, "keywords": {"gone": True}},
        },
    )
    assert evaluate(Filter(is_rejected=True), recurring, ctx) is True
    assert evaluate(Filter(is_undecided=True), recurring, ctx) is False
    assert evaluate(Filter(has_keyword="gone"), recurring, ctx) is False
    # probes decide the server's conditions; NOT is "none of"
    probed = Evaluation(ctx.my_addresses, {Leaf("title", "x"): {"e2"}})
    tree = NOT(Filter(title="x"), Filter(has_keyword="later"))
    assert [evaluate(tree, e, probed) for e in EVENTS] == [True, False, False]


# -- against the scripted peer ---------------------------------------------------------------


class Calendars:
    """A CalendarEvent store answering /query like a server that knows ``supported``."""

    def __init__(self, supported: set[str], error: str = "invalidArguments") -> None:
        self.events = {e["id"]: e for e in EVENTS}
        self.supported = supported
        self.error = error

    def matches(self, node: dict[str, Any], obj: dict[str, Any]) -> bool:
        if "operator" in node:
            results = [self.matches(c, obj) for c in node["conditions"]]
            return {"AND": all, "OR": any}.get(node["operator"], lambda r: not any(r))(results)
        for key, value in node.items():
            if key == "inCalendar" and not obj["calendarIds"].get(value):
                return False
            if key == "inCalendars" and not any(obj["calendarIds"].get(v) for v in value):
                return False
            if key == "title" and value not in obj["title"]:
                return False
            if key == "uid" and obj["uid"] != value:
                return False
        return True

    def names(self, node: dict[str, Any]) -> set[str]:
        if "operator" in node:
            return set().union(*(self.names(c) for c in node["conditions"]))
        return set(node)

    def query(self, args: dict[str, Any]) -> Any:
        node = args.get("filter") or {}
        refused = sorted(self.names(node) - self.supported)
        if refused:
            if self.error == "unsupportedFilter":
                return ("error", {"type": "unsupportedFilter"})
            return ("error", {"type": "invalidArguments", "arguments": [f"filter/{refused[0]}"]})
        ids = [i for i, obj in self.events.items() if self.matches(node, obj)]
        position = args.get("position", 0)
        limit = args.get("limit")
        window = ids[position : None if limit is None else position + limit]
        return {
            "ids": window,
            "position": position,
            "total": len(ids),
            "queryState": "q1",
            "canCalculateChanges": True,
        }

    def get(self, args: dict[str, Any]) -> Any:
        ids = args["ids"] if args.get("ids") is not None else list(self.events)
        return {"list": [self.events[i] for i in ids if i in self.events], "state": "s9"}

    def handlers(self) -> dict[str, Any]:
        return {
            "CalendarEvent/query": self.query,
            "CalendarEvent/get": self.get,
            "ParticipantIdentity/get": lambda a: {
                "list": [{"id": "i1", "calendarAddress": ME}],
                "state": "1",
            },
        }


DRAFT = {"inCalendar", "title", "uid", "after", "before", "text"}


def api_posts(server: FakeJMAP) -> int:
    return sum(r.method == "POST" for r in server.requests)


def test_rejected_filter_is_learned_and_evaluated_in_two_round_trips():
    store = Calendars(DRAFT)
    server = FakeJMAP(store.handlers())
    client = sync_client(server)
    found = client.search_event_objects(calendar_id="C1", has_keyword="work")
    assert [e.id for e in found] == ["e1"]
    assert api_posts(server) == 2
    assert profile_of(client._conn).rejected_filters == {"hasKeyword"}
    # the current draft's single-calendar filter; the server part only
    assert [c["filter"] for c in server.calls("CalendarEvent/query")] == [
        {"inCalendar": "C1", "hasKeyword": "work"},
        {"inCalendar": "C1"},
    ]
    # remembered: one round trip from now on
    assert [e.id for e in client.search_event_objects(has_keyword="work")] == ["e1", "e3"]
    assert api_posts(server) == 3


def test_server_naming_one_refusal_at_a_time_still_costs_two_round_trips():
    store = Calendars(DRAFT)
    server = FakeJMAP(store.handlers())
    client = sync_client(server)
    # the peer names only hasAttachment; isUndecided goes local on the retry too
    found = client.search_events(has_attachment=False, is_undecided=True)
    assert len(found) == 1 and "UID:e1@x" in found[0]
    assert api_posts(server) == 2
    # identities came in the same request as the query
    assert [n for n, _ in server.api_calls] == [
        "CalendarEvent/query",
        "CalendarEvent/query",
        "CalendarEvent/get",
        "ParticipantIdentity/get",
    ]
    assert profile_of(client._conn).rejected_filters == {"hasAttachment"}


def test_unsupported_filter_without_names_and_or_with_a_probe():
    store = Calendars(DRAFT, error="unsupportedFilter")
    server = FakeJMAP(store.handlers())
    client = sync_client(server)
    tree = OR(Filter(title="e3"), Filter(is_rejected=True))
    assert [e.id for e in client.search_event_objects(filter=tree)] == ["e2", "e3"]
    assert api_posts(server) == 2
    assert profile_of(client._conn).rejected_filters == {"isRejected"}
    # the second request: everything, its /get, identities and the title probe
    second = [n for n, _ in server.api_calls[1:]]
    assert second == [
        "CalendarEvent/query",
        "CalendarEvent/get",
        "ParticipantIdentity/get",
        "CalendarEvent/query",
    ]
    assert server.calls("CalendarEvent/query")[-1]["filter"] == {"title": "e3"}


def test_client_side_window_after_paging_every_server_page():
    store = Calendars(DRAFT)
    session = session_json()
    session["capabilities"]["urn:ietf:params:jmap:core"]["maxObjectsInGet"] = 1
    server = FakeJMAP(store.handlers(), session=session)
    client = sync_client(server)
    client.get_session()  # the dialect starts with the session
    profile_of(client._conn).rejected_filters.add("notKeyword")
    ids, query_state, total = client.query_event_ids(not_keyword="social", position=1, limit=1)
    assert (ids, query_state, total) == (["e3"], "", 2)
    # three pages of one (limit and position were not sent to the server)
    assert [(c["position"], c["limit"]) for c in server.calls("CalendarEvent/query")] == [
        (0, 1),
        (1, 1),
        (2, 1),
    ]
    with pytest.raises(JMAPMethodError) as error:
        client.query_event_ids(not_keyword="social", anchor="e2")
    assert error.value.error_type == "anchorNotFound"


def test_async_client_and_searcher():
    store = Calendars(DRAFT | {"hasKeyword"})
    server = FakeJMAP(store.handlers())
    client = async_client(server)
    searcher = client.searcher().has_keyword("work").sort_by("start").limit(1)
    assert searcher.arguments()["sort"] == [("start", True)]
    found = asyncio.run(searcher.fetch_objects())
    assert [e.id for e in found] == ["e1"]
    assert server.calls("CalendarEvent/query")[0]["filter"] == {"hasKeyword": "work"}
    assert server.calls("CalendarEvent/query")[0]["sort"] == [
        {"property": "start", "isAscending": True}
    ]


def test_query_changes_success_path():
    """CalendarEvent/queryChanges on the scripted peer: Cyrus 3.10 does not implement the
    method (unknownMethod; tests/integration/test_cyrus_queries.py checks the error)."""
    seen: list[dict[str, Any]] = []

    def query_changes(args: dict[str, Any]) -> Any:
        seen.append(args)
        return {
            "oldQueryState": "q1",
            "newQueryState": "q2",
            "removed": ["e2"],
            "added": [{"id": "e4", "index": 0}],
            "total": 2,
        }

    server = FakeJMAP({"CalendarEvent/queryChanges": query_changes})
    client = sync_client(server)
    removed, added, state = client.get_query_changes(
        "q1", calendar_id="C1", after="2026-03-02T00:00:00", sort=[("start", True)]
    )
    assert (removed, added, state) == (["e2"], [(0, "e4")], "q2")
    assert seen == [
        {
            "accountId": "A1",
            "sinceQueryState": "q1",
            "filter": {"inCalendar": "C1", "after": "2026-03-02T00:00:00"},
            "sort": [{"property": "start", "isAscending": True}],
        }
    ]
    # a filter evaluated by the client has no server-side changes
    profile_of(client._conn).rejected_filters.add("hasKeyword")
    with pytest.raises(JMAPCannotCalculateChangesError):
        client.get_query_changes("q1", has_keyword="work")
    server.handlers["CalendarEvent/queryChanges"] = lambda a: (
        "error",
        {"type": "cannotCalculateChanges"},
    )
    with pytest.raises(JMAPCannotCalculateChangesError):
        client.get_query_changes("q1")


def test_copy_to_another_account_and_move():
    copies: list[dict[str, Any]] = []

    def copy(args: dict[str, Any]) -> Any:
        copies.append(args)
        return {"fromAccountId": "A1", "accountId": "B2", "created": {"copy": {"id": "n1"}}}

    server = FakeJMAP({"CalendarEvent/copy": copy})
    client = sync_client(server)
    assert client.copy_event("e1", "CB", to_account_id="B2") == "n1"
    assert copies[0] == {
        "accountId": "B2",
        "fromAccountId": "A1",
        "create": {"copy": {"id": "e1", "calendarIds": {"CB": True}}},
    }
    # a move whose implicit /set did not destroy the original is an error, not silence
    with pytest.raises(Exception, match="CalendarEvent/set"):
        client.copy_event("e1", "CB", to_account_id="B2", move=True)
    assert copies[1]["onSuccessDestroyOriginal"] is True


def test_parse_ical_uploads_then_parses():
    parsed_event = {"@type": "Event", "uid": "p@x", "title": "Parsed", "id": None}
    server = FakeJMAP(
        {
            "CalendarEvent/parse": lambda a: {
                "accountId": "A1",
                "parsed": {a["blobIds"][0]: [parsed_event]},
            }
        },
        session=session_json(
            {
                "urn:ietf:params:jmap:core": {"maxObjectsInGet": 500},
                "urn:ietf:params:jmap:calendars": {},
                "urn:ietf:params:jmap:calendars:parse": {},
            }
        ),
    )
    uploads: list[HTTPRequest] = []

    def transport(request: HTTPRequest) -> Any:
        if request.url == BASE + "/jmap/upload/A1/":
            uploads.append(request)
            return server.respond(200, {"accountId": "A1", "blobId": "B-1", "size": 3})
        return server(request)

    client = sync_client(server)
    server.front = transport
    assert client.parse_ical("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") == [parsed_event]
    assert uploads[0].body == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert uploads[0].headers["Content-Type"] == "text/calendar"
    assert server.calls("CalendarEvent/parse") == [{"accountId": "A1", "blobIds": ["B-1"]}]
    payload = json.loads(server.requests[-1].body)
    assert "urn:ietf:params:jmap:calendars:parse" in payload["using"]


def test_ids_and_query_changes_are_named_results():
    def query(args: dict[str, Any]) -> Any:
        return {"ids": ["e1", "e3"], "position": 0, "total": 2, "queryState": "q1"}

    def query_changes(args: dict[str, Any]) -> Any:
        return {
            "oldQueryState": "q1",
            "newQueryState": "q2",
            "removed": ["e3"],
            "added": [{"id": "e2", "index": 1}],
        }

    server = FakeJMAP({"CalendarEvent/query": query, "CalendarEvent/queryChanges": query_changes})
    client = sync_client(server)
    found = client.query_event_ids(calendar_id="C1")
    assert (found.ids, found.query_state, found.total) == (["e1", "e3"], "q1", 2)
    assert client.searcher().query_ids().ids == ["e1", "e3"]
    changes = client.get_query_changes(found.query_state, calendar_id="C1")
    assert (changes.removed, changes.added, changes.new_query_state) == (
        ["e3"],
        [(1, "e2")],
        "q2",
    )


def test_copy_within_the_account_writes_the_event_as_the_server_takes_it():
    # the engine's copy_object reads the original; the new event goes through set_event
    original = {
        "id": "e1",
        "uid": "u@x",
        "title": "t",
        "calendarIds": {"CA": True},
        "method": "request",  # an iTIP method is no stored property: adapted away
    }
    created: list[dict[str, Any]] = []

    def set_events(args: dict[str, Any]) -> Any:
        created.append(args["create"]["new"])
        return {"accountId": "A1", "newState": "s2", "created": {"new": {"id": "n1"}}}

    server = FakeJMAP(
        {
            "CalendarEvent/get": lambda a: {"accountId": "A1", "state": "s1", "list": [original]},
            "CalendarEvent/set": set_events,
        }
    )
    client = sync_client(server)
    assert client.copy_event("e1", "CB") == "n1"
    (new,) = created
    assert new["calendarIds"] == {"CB": True} and new["title"] == "t"
    assert new["uid"] != "u@x" and "id" not in new and "method" not in new
