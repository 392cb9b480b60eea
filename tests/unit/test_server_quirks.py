"""The server quirks table: every adaptation has a reason and something that turns it on
(a trait of the session, or a refusal learned at run time), and is off for a server
without the trait; the profile the client keeps is made from that table."""

from __future__ import annotations

import itertools

import pytest

from caldav.jmap import JMAPError, JMAPMethodError
from caldav.jmap._events.write import managed_link_release
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._servers.profile import ServerProfile, profile_of, traits_of
from caldav.jmap._servers.quirks import CYRUS, QUIRKS, Quirk, refused_properties
from caldav.jmap.constants import CALENDAR_CAPABILITY, CYRUS_CALENDAR_CAPABILITY
from caldav.jmap.session import Session

from .fake_jmap import BASE, FakeJMAP, connect, jscal_event, session_json

__all__ = ["connect"]  # the both-clients fixture

CORE = {"urn:ietf:params:jmap:core": {"maxObjectsInGet": 2}, CALENDAR_CAPABILITY: {}}


def session(cyrus: bool) -> Session:
    caps = dict(CORE)
    if cyrus:
        caps[CYRUS_CALENDAR_CAPABILITY] = {}
    return Session.from_jmap(session_json(caps), BASE + "/jmap/session")


def refusal(prop: str) -> JMAPMethodError:
    return JMAPMethodError("refused", "invalidProperties", properties=[prop])


@pytest.mark.parametrize("quirk", QUIRKS, ids=lambda q: q.setting)
def test_each_quirk_has_a_reason_and_a_cause(quirk: Quirk) -> None:
    assert len(quirk.reason) > 40
    assert quirk.trait is not None or quirk.refused is not None or quirk.learned_from
    assert hasattr(ServerProfile(), quirk.setting)
    if quirk.refused is not None:
        assert quirk.example and quirk.refused(quirk.example)


@pytest.mark.parametrize("quirk", QUIRKS, ids=lambda q: q.setting)
def test_a_quirk_is_on_exactly_for_servers_with_its_trait(quirk: Quirk) -> None:
    plain = ServerProfile.for_session(session(cyrus=False))
    cyrus = ServerProfile.for_session(session(cyrus=True))
    assert traits_of(session(cyrus=True)) == {CYRUS}
    assert not plain.adapted(quirk.setting)
    assert cyrus.adapted(quirk.setting) is (quirk.trait == CYRUS)


@pytest.mark.parametrize("quirk", [q for q in QUIRKS if q.refused], ids=lambda q: q.setting)
def test_a_refusal_turns_its_quirk_on_once(quirk: Quirk) -> None:
    profile = ServerProfile.for_session(session(cyrus=False))
    error = refusal(quirk.example)
    assert refused_properties(error) == [quirk.example]
    assert profile.learn_refusal(error) is True
    assert profile.adapted(quirk.setting)
    # learned: the same refusal teaches nothing new, so the caller does not retry forever
    assert profile.learn_refusal(error) is False
    others = [q.setting for q in QUIRKS if q.refused and q is not quirk]
    assert not any(profile.adapted(setting) for setting in others)


def test_a_refusal_the_client_cannot_adapt_to_teaches_nothing() -> None:
    profile = ServerProfile()
    mixed = JMAPMethodError(
        "refused", "invalidProperties", properties=["example.com:color", "title"]
    )
    assert refused_properties(mixed) is None
    assert profile.learn_refusal(mixed) is False
    assert profile.learn_refusal(JMAPMethodError("no", "forbidden")) is False
    assert profile == ServerProfile()


def test_the_calendar_filter_form_switches_once() -> None:
    profile = ServerProfile.for_session(session(cyrus=True))
    assert profile.in_calendars is True
    assert profile.switch_calendar_filter() is True
    assert profile.in_calendars is False
    assert profile.switch_calendar_filter() is False
    assert profile.in_calendars is False


def test_the_connection_holds_the_profile_opaquely() -> None:
    conn = Connection(BASE + "/.well-known/jmap")
    assert conn.profile is None
    # before a session there is nothing to detect: a default, not kept
    assert profile_of(conn) == ServerProfile()
    assert conn.profile is None
    conn.session = session(cyrus=True)
    made = profile_of(conn)
    assert made.managed_attachments and conn.profile is made


def test_the_client_detects_the_profile_from_its_session(connect) -> None:
    caps = {**CORE, CYRUS_CALENDAR_CAPABILITY: {}}
    server = FakeJMAP(
        {"CalendarEvent/get": lambda args: {"state": "1", "list": [], "notFound": []}},
        session=session_json(caps),
    )
    client, run = connect(server)
    run(client.get_sync_token())
    profile = client._conn.profile
    assert isinstance(profile, ServerProfile)
    assert profile.traits == {CYRUS} and profile.vendor_properties is False


def test_an_event_search_starts_again_when_the_results_change_while_it_pages(connect) -> None:
    events = {f"e{n}": jscal_event(n) for n in range(4)}
    states = itertools.chain(["q1", "q2"], itertools.repeat("q3"))
    asked: list[int] = []

    def query(args):
        position = args.get("position") or 0
        asked.append(position)
        # the second page comes from another queryState: the first is stale
        state = next(states)
        ids = sorted(events)[position : position + 2]
        return {"ids": ids, "position": position, "total": 4, "queryState": state}

    def get(args):
        return {"state": "1", "list": [events[i] for i in args["ids"]], "notFound": []}

    server = FakeJMAP(
        {"CalendarEvent/query": query, "CalendarEvent/get": get}, session=session_json(CORE)
    )
    client, run = connect(server)
    found = run(client.search_event_objects())
    assert [event.id for event in found] == ["e0", "e1", "e2", "e3"]
    assert found.query_state == "q3"
    assert asked == [0, 2, 0, 2]


def test_an_event_search_whose_results_never_settle_is_refused(connect) -> None:
    fresh = itertools.count()

    def query(args):
        position = args.get("position") or 0
        return {
            "ids": [f"e{position}"],
            "position": position,
            "total": 9,
            "queryState": f"q{next(fresh)}",
        }

    def get(args):
        return {"state": "1", "list": [jscal_event(i[1:]) for i in args["ids"]], "notFound": []}

    server = FakeJMAP(
        {"CalendarEvent/query": query, "CalendarEvent/get": get}, session=session_json(CORE)
    )
    client, run = connect(server)
    with pytest.raises(JMAPError, match="kept changing"):
        run(client.search_events())
    assert len(server.calls("CalendarEvent/query")) == 6


def test_managed_attachments_follow_the_cyrus_trait_not_the_filter_form() -> None:
    managed = {"links": {"l1": {"href": "/dav/calendars/user/u/Attachments/X", "blobId": "b"}}}
    conn = Connection(BASE + "/.well-known/jmap")
    conn.session = session(cyrus=True)
    assert managed_link_release(conn, managed) == {"links/l1/href": None}
    # a server that took the other calendar filter form is not Cyrus for that
    other = Connection(BASE + "/.well-known/jmap")
    other.session = session(cyrus=False)
    profile_of(other).in_calendars = True
    assert managed_link_release(other, managed) == {}
    # links the patch itself replaces are left to it
    assert managed_link_release(conn, managed, {"links/l1": {}}) == {}
