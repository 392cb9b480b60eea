"""Principals, availability, identities, notifications and account views against a scripted
peer (tests/unit/fake_jmap.py).

Cyrus 3.10 covers the normal paths in tests/integration/test_cyrus_principals.py.  These
cover what it cannot show: the current draft's forms (Principal capabilities, the
urn:ietf:params:jmap:principals:availability capability with ``accountId``,
``calendarAddress`` identities, ``principalId`` in changedBy), a server that wants the other
getAvailability form, an address that matches nobody or only by substring, a session
without currentUserPrincipalId, dismissals beyond maxObjectsInSet or silently skipped, and
the exact requests a view (``for_account``) sends.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from caldav.jmap import JMAPError, JMAPMethodError, JMAPNotFoundError
from caldav.jmap._methods.principal import PRINCIPALS_AVAILABILITY_CAPABILITY
from caldav.jmap.objects.principal import BusyPeriod, JMAPParticipantIdentity, JMAPPrincipal

from .fake_jmap import FakeJMAP, async_client, session_json, sync_client

CORE = "urn:ietf:params:jmap:core"
CALENDARS = "urn:ietf:params:jmap:calendars"
PRINCIPALS = "urn:ietf:params:jmap:principals"
OWNER = "urn:ietf:params:jmap:principals:owner"

ALICE = {
    "id": "P-alice",
    "type": "individual",
    "name": "Alice",
    "description": None,
    "email": "alice@example.com",
    "timeZone": "Europe/Oslo",
    "capabilities": {
        CALENDARS: {
            "accountId": "A1",
            "mayGetAvailability": True,
            "mayShareWith": True,
            "calendarAddress": "mailto:alice@example.com",
        }
    },
    "accounts": {"A1": {"name": "alice"}},
}
BOB = {
    "id": "P-bob",
    "type": "individual",
    "name": "Bob",
    "email": "bob@example.com",
    "capabilities": {CALENDARS: {"accountId": "B1", "mayGetAvailability": False}},
}
# An address containing bob@example.com, so a "contains" email filter finds it too
BOBBY = {"id": "P-bobby", "type": "individual", "name": "Bobby", "email": "xbob@example.com.au"}

BUSY = {
    "utcStart": "2026-03-02T09:00:00Z",
    "utcEnd": "2026-03-02T10:00:00Z",
    "busyStatus": "confirmed",
    "event": None,
    "accountId": None,
}


def draft_session(
    availability: bool = True, current: str | None = "P-alice", shared: bool = True
) -> dict:
    """A current-draft session: principals in their own account "D1", calendars in "A1"
    (alice's) and "B1" (shared by bob)."""
    caps = {CORE: {"maxObjectsInGet": 500, "maxObjectsInSet": 500}, CALENDARS: {}, PRINCIPALS: {}}
    if availability:
        caps[PRINCIPALS_AVAILABILITY_CAPABILITY] = {}
    session = session_json(caps)
    session["accounts"] = {
        "A1": {
            "name": "alice",
            "isPersonal": True,
            "isReadOnly": False,
            "accountCapabilities": {CORE: {}, CALENDARS: {}, OWNER: {"principalId": "P-alice"}},
        },
        "D1": {
            "name": "directory",
            "isPersonal": False,
            "isReadOnly": True,
            "accountCapabilities": {
                PRINCIPALS: {"currentUserPrincipalId": current},
                **({PRINCIPALS_AVAILABILITY_CAPABILITY: {}} if availability else {}),
            },
        },
    }
    if shared:
        session["accounts"]["B1"] = {
            "name": "bob",
            "isPersonal": False,
            "isReadOnly": False,
            "accountCapabilities": {CORE: {}, CALENDARS: {}},
        }
    session["primaryAccounts"] = {CALENDARS: "A1", PRINCIPALS: "D1"}
    return session


def principal_handlers(principals: list[dict], availability=None) -> dict:
    def query(args):
        wanted = (args.get("filter") or {}).get("email")
        ids = [
            p["id"]
            for p in principals
            if wanted is None or wanted.lower() in p.get("email", "").lower()
        ]
        return {"queryState": "q", "ids": ids, "position": 0, "total": len(ids)}

    def get(args):
        by_id = {p["id"]: p for p in principals}
        ids = args["ids"]
        return {
            "state": "s",
            "list": [by_id[i] for i in ids if i in by_id],
            "notFound": [i for i in ids if i not in by_id],
        }

    handlers = {"Principal/query": query, "Principal/get": get}
    if availability is not None:
        handlers["Principal/getAvailability"] = availability
    return handlers


def using_of(server: FakeJMAP, method: str) -> list[list[str]]:
    """The ``using`` of every API request that called ``method``."""
    found = []
    for request in server.requests:
        if request.method == "POST":
            payload = json.loads(request.body)
            if any(call[0] == method for call in payload["methodCalls"]):
                found.append(payload["using"])
    return found


@pytest.fixture(params=["sync", "async"])
def run(request):
    """Calls a client method with either client: ``run(server, "method", *args)``."""
    import asyncio

    def call(server, method, *args, **kwargs):
        if request.param == "sync":
            return getattr(sync_client(server), method)(*args, **kwargs)
        return asyncio.run(getattr(async_client(server), method)(*args, **kwargs))

    return call


# -- principals --------------------------------------------------------------------------


def test_draft_principals_read_from_their_capabilities(run):
    server = FakeJMAP(principal_handlers([ALICE, BOB]), session=draft_session())
    alice, bob = run(server, "get_principals")
    assert isinstance(alice, JMAPPrincipal)
    assert (alice.id, alice.name, alice.email, alice.time_zone) == (
        "P-alice",
        "Alice",
        "alice@example.com",
        "Europe/Oslo",
    )
    assert (alice.account_id, alice.may_get_availability) == ("A1", True)
    assert alice.calendar_address == "mailto:alice@example.com"
    assert alice.accounts == {"A1": {"name": "alice"}}
    assert (bob.account_id, bob.may_get_availability, bob.calendar_address) == ("B1", False, None)
    # query and get went to the principal account, in one request
    [query] = server.calls("Principal/query")
    [get] = server.calls("Principal/get")
    assert query["accountId"] == get["accountId"] == "D1"
    assert get["ids"] == ["P-alice", "P-bob"]
    assert len([r for r in server.requests if r.method == "POST"]) == 1


def test_current_principal_from_current_user_principal_id(run):
    server = FakeJMAP(principal_handlers([ALICE, BOB]), session=draft_session())
    me = run(server, "get_current_principal")
    assert me.id == "P-alice" and me.email == "alice@example.com"
    assert server.calls("Principal/get") == [{"accountId": "D1", "ids": ["P-alice"]}]


def test_current_principal_falls_back_to_the_calendar_accounts_owner(run):
    server = FakeJMAP(principal_handlers([ALICE]), session=draft_session(current=None))
    assert run(server, "get_current_principal").id == "P-alice"


def test_current_principal_unknown_raises_not_found(run):
    session = draft_session(current=None)
    del session["accounts"]["A1"]["accountCapabilities"][OWNER]
    server = FakeJMAP(principal_handlers([ALICE]), session=session)
    with pytest.raises(JMAPNotFoundError, match="currentUserPrincipalId"):
        run(server, "get_current_principal")
    assert server.calls("Principal/get") == []


def test_current_principal_missing_from_the_directory_raises_not_found(run):
    server = FakeJMAP(principal_handlers([BOB]), session=draft_session())
    with pytest.raises(JMAPNotFoundError) as error:
        run(server, "get_current_principal")
    assert error.value.error_type == "notFound" and "P-alice" in str(error.value)


def test_search_principals_sends_only_the_given_conditions(run):
    server = FakeJMAP(principal_handlers([ALICE, BOB]), session=draft_session())
    found = run(server, "search_principals", text="ali", type="individual")
    assert [p.id for p in found] == ["P-alice", "P-bob"]  # the fake ignores text
    assert server.calls("Principal/query")[0]["filter"] == {"text": "ali", "type": "individual"}


# -- availability ------------------------------------------------------------------------


def test_availability_in_the_current_drafts_form(run):
    server = FakeJMAP(
        principal_handlers([ALICE, BOB], lambda args: {"list": [BUSY]}), session=draft_session()
    )
    busy = run(
        server,
        "get_availability",
        "P-bob",
        datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=1))),
        "2026-03-03T00:00:00+01:00",
        show_details=True,
        event_properties=["title"],
    )
    assert busy == [
        BusyPeriod("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "confirmed", None, None)
    ]
    [call] = server.calls("Principal/getAvailability")
    assert call == {
        "accountId": "D1",
        "id": "P-bob",
        "utcStart": "2026-03-02T09:00:00Z",
        "utcEnd": "2026-03-02T23:00:00Z",
        "showDetails": True,
        "eventProperties": ["title"],
    }
    assert PRINCIPALS_AVAILABILITY_CAPABILITY in using_of(server, "Principal/getAvailability")[0]


def test_availability_in_cyrus_form_without_the_capability(run):
    server = FakeJMAP(
        principal_handlers([ALICE], lambda args: {"list": []}),
        session=draft_session(availability=False),
    )
    assert run(server, "get_availability", "P-alice", date(2026, 3, 2), datetime(2026, 3, 3)) == []
    [call] = server.calls("Principal/getAvailability")
    assert call == {
        "id": "P-alice",
        "utcStart": "2026-03-02T00:00:00Z",
        "utcEnd": "2026-03-03T00:00:00Z",
    }
    assert using_of(server, "Principal/getAvailability") == [[CORE, PRINCIPALS]]


@pytest.mark.parametrize("advertised", [True, False])
def test_availability_switches_form_when_accountId_is_named(run, advertised):
    def availability(args):
        # a server that wants the opposite of what its session suggests
        if ("accountId" in args) == advertised:
            return ("error", {"type": "invalidArguments", "arguments": ["accountId"]})
        return {"list": [BUSY]}

    server = FakeJMAP(
        principal_handlers([ALICE], availability), session=draft_session(availability=advertised)
    )
    busy = run(server, "get_availability", "P-alice", "2026-03-02", "2026-03-03")
    assert [b.busy_status for b in busy] == ["confirmed"]
    calls = server.calls("Principal/getAvailability")
    assert ["accountId" in c for c in calls] == [advertised, not advertised]


def test_availability_other_errors_are_not_retried(run):
    def availability(args):
        return ("error", {"type": "invalidArguments", "arguments": ["utcStart"]})

    server = FakeJMAP(principal_handlers([ALICE], availability), session=draft_session())
    with pytest.raises(JMAPMethodError) as error:
        run(server, "get_availability", "P-alice", "2026-03-02", "2026-03-03")
    assert error.value.error_type == "invalidArguments"
    assert len(server.calls("Principal/getAvailability")) == 1


def test_availability_by_address_picks_the_exact_match(run):
    server = FakeJMAP(
        principal_handlers([BOBBY, BOB], lambda args: {"list": [BUSY]}), session=draft_session()
    )
    run(server, "get_availability", "mailto:BOB@example.com", "2026-03-02", "2026-03-03")
    assert server.calls("Principal/query")[0]["filter"] == {"email": "BOB@example.com"}
    assert server.calls("Principal/getAvailability")[0]["id"] == "P-bob"


def test_availability_by_an_address_nobody_has_raises_not_found(run):
    server = FakeJMAP(
        principal_handlers([ALICE], lambda args: {"list": []}), session=draft_session()
    )
    with pytest.raises(JMAPNotFoundError) as error:
        run(server, "get_availability", "carol@example.com", "2026-03-02", "2026-03-03")
    assert error.value.error_type == "notFound" and "carol@example.com" in str(error.value)
    assert server.calls("Principal/getAvailability") == []


def test_availability_by_an_address_matching_only_a_longer_one_raises_not_found(run):
    # "bob@example.com" is contained in BOBBY's address, but is not it
    server = FakeJMAP(principal_handlers([BOBBY]), session=draft_session())
    with pytest.raises(JMAPNotFoundError):
        run(server, "get_availability", "bob@example.com", "2026-03-02", "2026-03-03")


def test_availability_bad_bounds_raise_before_any_request():
    server = FakeJMAP(principal_handlers([ALICE]), session=draft_session())
    client = sync_client(server)
    with pytest.raises(ValueError, match="start"):
        client.get_availability("P-alice", "next tuesday", "2026-03-03")
    with pytest.raises(TypeError, match="end"):
        client.get_availability("P-alice", "2026-03-02", 1234)
    assert server.requests == []


def test_broken_busy_period_is_a_jmap_error():
    server = FakeJMAP(
        principal_handlers([ALICE], lambda args: {"list": [{"utcStart": 5}]}),
        session=draft_session(),
    )
    with pytest.raises(JMAPError, match="utcStart"):
        sync_client(server).get_availability("P-alice", "2026-03-02", "2026-03-03")


# -- participant identities --------------------------------------------------------------


def test_identities_with_calendar_address(run):
    def identities(args):
        return {
            "state": "1",
            "notFound": [],
            "list": [
                {"id": "i1", "name": "Alice", "calendarAddress": "mailto:a@x", "isDefault": True},
                {"id": "i2", "name": "", "sendTo": {"web": "https://x/rsvp"}},
            ],
        }

    server = FakeJMAP({"ParticipantIdentity/get": identities}, session=draft_session())
    first, second = run(server, "get_participant_identities")
    assert isinstance(first, JMAPParticipantIdentity)
    assert (first.address, first.calendar_address, first.is_default) == ("mailto:a@x",) * 2 + (
        True,
    )
    assert first.send_to is None
    assert second.address == "https://x/rsvp"  # no iMIP: the one address there is
    assert server.calls("ParticipantIdentity/get") == [{"accountId": "A1"}]


# -- notifications -----------------------------------------------------------------------


def notification_server(notes: list[dict], **session_args) -> FakeJMAP:
    store = {n["id"]: n for n in notes}

    def query(args):
        return {"queryState": "q", "ids": list(store), "position": 0, "total": len(store)}

    def get(args):
        return {"state": "n", "list": [store[i] for i in args["ids"] if i in store]}

    def set_(args):
        destroyed = [i for i in args["destroy"] if store.pop(i, None)]
        missing = {i: {"type": "notFound"} for i in args["destroy"] if i not in destroyed}
        return {"oldState": "n", "newState": "n2", "destroyed": destroyed, "notDestroyed": missing}

    return FakeJMAP(
        {
            "CalendarEventNotification/query": query,
            "CalendarEventNotification/get": get,
            "CalendarEventNotification/set": set_,
        },
        session=draft_session(**session_args),
    )


UPDATED = {
    "id": "n1",
    "created": "2026-03-02T09:00:00Z",
    "changedBy": {"name": "Bob", "email": "bob@example.com", "principalId": "P-bob"},
    "comment": "moved",
    "type": "updated",
    "calendarEventId": "e1",
    "isDraft": False,
    "event": {"title": "Lunch"},
    "eventPatch": {"start": "2026-03-03T12:00:00"},
}


def test_notifications_in_the_current_drafts_form(run):
    server = notification_server([UPDATED])
    [note] = run(
        server,
        "get_event_notifications",
        event_ids=["e1"],
        type="updated",
        after=datetime(2026, 3, 1, 1, tzinfo=timezone(timedelta(hours=1))),
        before="2026-03-05",
    )
    assert (note.id, note.type, note.event_id, note.comment) == ("n1", "updated", "e1", "moved")
    assert note.changed_by_principal_id == "P-bob"
    assert note.event_patch == {"start": "2026-03-03T12:00:00"}
    [query] = server.calls("CalendarEventNotification/query")
    assert query["accountId"] == "A1"
    assert query["filter"] == {
        "calendarEventIds": ["e1"],
        "type": "updated",
        "after": "2026-03-01T00:00:00Z",
        "before": "2026-03-05T00:00:00Z",
    }
    assert query["sort"] == [{"property": "created", "isAscending": False}]


def test_dismiss_splits_by_max_objects_in_set_in_one_request():
    notes = [dict(UPDATED, id=f"n{i}") for i in range(5)]
    server = notification_server(notes)
    server.session["capabilities"][CORE]["maxObjectsInSet"] = 2
    client = sync_client(server)
    client.dismiss_event_notifications([n["id"] for n in notes] + ["n0"])  # n0 twice: once
    destroys = [c["destroy"] for c in server.calls("CalendarEventNotification/set")]
    assert destroys == [["n0", "n1"], ["n2", "n3"], ["n4"]]
    assert len([r for r in server.requests if r.method == "POST"]) == 1


def test_dismiss_unknown_id_raises_with_every_failure(run):
    server = notification_server([UPDATED])
    with pytest.raises(JMAPNotFoundError) as error:
        run(server, "dismiss_event_notifications", ["n1", "gone"])
    assert error.value.details["notDestroyed"] == {"gone": {"type": "notFound"}}
    assert server.calls("CalendarEventNotification/set")[0]["destroy"] == ["n1", "gone"]


def test_dismiss_silently_skipped_is_a_jmap_error():
    server = notification_server([UPDATED])
    server.handlers["CalendarEventNotification/set"] = lambda args: {"newState": "x"}
    with pytest.raises(JMAPError, match="did not report destroying n1"):
        sync_client(server).dismiss_event_notifications(["n1"])


def test_notification_bound_dismiss():
    server = notification_server([UPDATED])
    client = sync_client(server)
    [note] = client.get_event_notifications()
    note.dismiss()
    assert client.get_event_notifications() == []


# -- accounts and views ------------------------------------------------------------------


def test_get_accounts_lists_the_calendar_accounts_only(run):
    server = FakeJMAP(session=draft_session())
    accounts = run(server, "get_accounts")
    # the directory account D1 has no calendars
    assert [(a.id, a.name, a.is_personal) for a in accounts] == [
        ("A1", "alice", True),
        ("B1", "bob", False),
    ]


def test_get_accounts_sees_a_share_the_session_state_did_not_announce():
    server = FakeJMAP(session=draft_session(shared=False))
    client = sync_client(server)
    assert [a.id for a in client.get_accounts()] == ["A1"]
    server.session = draft_session(shared=True)  # same state "s1"
    assert [a.id for a in client.get_accounts(refresh=False)] == ["A1"]
    accounts = client.get_accounts()
    assert [(a.id, a.is_personal, a.is_read_only) for a in accounts] == [
        ("A1", True, False),
        ("B1", False, False),
    ]
    gets = [r for r in server.requests if r.url.endswith("/jmap/session")]
    assert len(gets) == 2  # the first fetch, and the refresh of the last call


def identity_and_principal_server() -> FakeJMAP:
    def identities(args):
        return {"state": "1", "list": [{"id": f"i-{args['accountId']}", "name": ""}]}

    return FakeJMAP(
        {**principal_handlers([ALICE, BOB]), "ParticipantIdentity/get": identities},
        session=draft_session(),
    )


def test_for_account_view_sends_the_shared_account():
    server = identity_and_principal_server()
    client = sync_client(server)
    client.get_session()
    view = client.for_account("B1")
    assert type(view) is type(client) and view._transport is client._transport
    assert [i.id for i in view.get_participant_identities()] == ["i-B1"]
    assert [i.id for i in client.get_participant_identities()] == ["i-A1"]
    # principals stay in the directory account
    view.get_principals()
    assert server.calls("Principal/query")[0]["accountId"] == "D1"
    # the view fetched no session of its own: it shares the one the client had
    assert len([r for r in server.requests if r.url.endswith("/jmap/session")]) == 1


async def test_async_for_account_view():
    server = identity_and_principal_server()
    client = async_client(server)
    view = client.for_account("B1")
    assert [i.id for i in await view.get_participant_identities()] == ["i-B1"]
    assert [p.id for p in await view.get_principals()] == ["P-alice", "P-bob"]
    assert (await view.get_current_principal()).id == "P-alice"


def test_bound_principal_availability():
    server = FakeJMAP(
        principal_handlers([ALICE, BOB], lambda args: {"list": [BUSY]}), session=draft_session()
    )
    client = sync_client(server)
    bob = client.search_principals(email="bob@example.com")[0]
    assert bob.client is client
    assert bob.get_availability("2026-03-02", "2026-03-03")[0].utc_end == "2026-03-02T10:00:00Z"
    assert server.calls("Principal/getAvailability")[0]["id"] == "P-bob"
