"""Queries against the real Cyrus 3.10, with both clients: every filter Cyrus supports,
the client-side fallbacks for those it rejects (hasKeyword, isUndecided, ...), AND/OR/NOT,
sorting, windows, expanded recurrences, the searcher, copy/move, blobs and parse.

Facts about Cyrus 3.10 these tests rely on (checked with raw requests): it rejects
hasKeyword, notKeyword, participantIs, isUndecided, isRejected and hasAttachment with
invalidArguments naming every one ("filter/hasKeyword", ...); an OR/NOT mixing kinds of
properties (text and uid, time and uid) answers wrongly or drops the connection, so the
client evaluates those; it sorts by start and uid only; it has no CalendarEvent/queryChanges
(unknownMethod) and does not offer CalendarEvent/parse.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import icalendar
import pytest

from caldav.jmap import JMAPCannotCalculateChangesError, JMAPCapabilityError, JMAPMethodError
from caldav.jmap._servers.profile import profile_of
from caldav.jmap.query import AND, NOT, OR, Filter

from .support import eventually, ics

ME = "mailto:user1@internal"  # user1's participant identity on the test server


@contextmanager
def calendar(jmap, name: str = "Queries") -> Iterator[str]:
    cal_id = jmap(jmap.client.create_calendar(f"{name} {uuid.uuid4().hex[:6]}"))
    try:
        yield cal_id
    finally:
        jmap(jmap.client.delete_calendar(cal_id, remove_events=True))


def titles(events) -> list[str]:
    return [e.jscal["title"] for e in events]


def summaries(ical_strs) -> list[str]:
    out = []
    for text in ical_strs:
        cal = icalendar.Calendar.from_ical(text)
        out += [str(c["SUMMARY"]) for c in cal.walk("VEVENT")]
    return out


def add_three(jmap, cal_id: str, tag: str) -> dict[str, str]:
    """Three events with every property the filters look at; returns title -> id."""
    budget = ics(
        f"budget-{tag}",
        f"Budget review {tag}",
        start="20310110T100000",
        end="20310110T110000",
        extra=(
            "DESCRIPTION:spreadsheets and forecasts\n"
            "LOCATION:Room Fjord\n"
            "CATEGORIES:work\n"
            "ORGANIZER;CN=Bossy Boss:mailto:boss@example.com\n"
            "ATTENDEE;CN=Carol Singer;PARTSTAT=ACCEPTED:mailto:carol@example.com\n"
            f"ATTENDEE;CN=User One;PARTSTAT=NEEDS-ACTION:{ME}"
        ),
    )
    lunch = ics(
        f"lunch-{tag}",
        f"Team lunch {tag}",
        start="20310112T120000",
        end="20310112T130000",
        extra=(
            "DESCRIPTION:pizza\n"
            "LOCATION:Cantina\n"
            "CATEGORIES:social\n"
            "ATTACH:https://example.com/menu.pdf\n"
            "ORGANIZER;CN=Dave:mailto:dave@example.com\n"
            f"ATTENDEE;CN=User One;PARTSTAT=DECLINED:{ME}"
        ),
    )
    planning = ics(
        f"planning-{tag}",
        f"Planning {tag}",
        start="20310120T090000",
        end="20310120T100000",
        extra="CATEGORIES:work,longterm",
    )
    ids = jmap(jmap.client.create_events(cal_id, [budget, lunch, planning]))
    return dict(zip(("budget", "lunch", "planning"), ids, strict=True))


def search(jmap, **kwargs) -> list[str]:
    """Titles found, first word only, in the server's order."""
    return [t.split()[0] for t in titles(jmap(jmap.client.search_event_objects(**kwargs)))]


def text_search(jmap, expected: list[str], **kwargs) -> list[str]:
    """A search through Cyrus's text index, which catches up within a moment."""
    return eventually(lambda: sorted(search(jmap, **kwargs)) == expected and expected) or sorted(
        search(jmap, **kwargs)
    )


def test_every_filter_cyrus_supports(jmap):
    tag = uuid.uuid4().hex[:8]
    with calendar(jmap) as cal_id, calendar(jmap, "Other") as other_id:
        add_three(jmap, cal_id, tag)
        jmap(jmap.client.create_event(other_id, ics(f"other-{tag}", f"Other {tag}")))
        assert sorted(search(jmap, calendar_id=cal_id)) == ["Budget", "Planning", "Team"]
        assert sorted(search(jmap, in_calendars=[cal_id, other_id])) == [
            "Budget",
            "Other",
            "Planning",
            "Team",
        ]
        # after: the event ends after; before: it starts before (LocalDateTime, UTC)
        assert sorted(search(jmap, calendar_id=cal_id, after="2031-01-11T00:00:00")) == [
            "Planning",
            "Team",
        ]
        assert search(jmap, calendar_id=cal_id, before="2031-01-11T00:00:00") == ["Budget"]
        assert search(
            jmap, calendar_id=cal_id, start="2031-01-12T00:00:00", end="2031-01-13T00:00:00"
        ) == ["Team"]
        assert search(jmap, calendar_id=cal_id, uid=f"planning-{tag}") == ["Planning"]
        assert text_search(jmap, ["Budget"], calendar_id=cal_id, text="forecasts") == ["Budget"]
        assert text_search(jmap, ["Team"], calendar_id=cal_id, title="lunch") == ["Team"]
        assert text_search(jmap, ["Team"], calendar_id=cal_id, description="pizza") == ["Team"]
        assert text_search(jmap, ["Budget"], calendar_id=cal_id, location="fjord") == ["Budget"]
        assert text_search(jmap, ["Budget"], calendar_id=cal_id, owner="Bossy") == ["Budget"]
        assert text_search(jmap, ["Budget"], calendar_id=cal_id, attendee="carol") == ["Budget"]
        assert search(jmap, calendar_id=cal_id, title="nothing-like-this") == []
        # through the calendar object, with its old signature and new keywords
        cal = next(c for c in jmap(jmap.client.get_calendars()) if c.id == cal_id)
        assert summaries(jmap(cal.search(start="2031-01-19T00:00:00"))) == [f"Planning {tag}"]
        assert titles(jmap(cal.search_objects(uid=f"lunch-{tag}"))) == [f"Team lunch {tag}"]
        assert jmap(cal.search(event=False)) == []
        # the positional signature of search_events still works
        assert summaries(
            jmap(jmap.client.search_events(cal_id, "2031-01-19T00:00:00", None, None))
        ) == [f"Planning {tag}"]


def test_client_side_fallbacks_for_filters_cyrus_rejects(harness_factory):
    jmap = harness_factory()
    tag = uuid.uuid4().hex[:8]
    with calendar(jmap) as cal_id:
        add_three(jmap, cal_id, tag)
        assert profile_of(jmap.client._conn).rejected_filters == set()
        before = jmap.posts
        # Rejected (invalidArguments filter/hasKeyword), learned, evaluated locally: 2 trips
        assert sorted(search(jmap, calendar_id=cal_id, has_keyword="work")) == [
            "Budget",
            "Planning",
        ]
        assert jmap.posts - before == 2
        assert profile_of(jmap.client._conn).rejected_filters == {"hasKeyword"}
        before = jmap.posts
        assert sorted(search(jmap, calendar_id=cal_id, has_keyword="longterm")) == ["Planning"]
        assert jmap.posts - before == 1  # remembered: one round trip
        assert search(jmap, calendar_id=cal_id, not_keyword="work") == ["Team"]
        assert sorted(search(jmap, calendar_id=cal_id, participant_is="user1@internal")) == [
            "Budget",
            "Team",
        ]
        assert search(jmap, calendar_id=cal_id, participant_is="carol@example.com") == ["Budget"]
        before = jmap.posts
        # identities are read in the same request as the query
        assert search(jmap, calendar_id=cal_id, is_undecided=True) == ["Budget"]
        assert jmap.posts - before == 2  # isUndecided was not known to be rejected yet
        assert search(jmap, calendar_id=cal_id, is_rejected=True) == ["Team"]
        assert sorted(search(jmap, calendar_id=cal_id, is_rejected=False)) == [
            "Budget",
            "Planning",
        ]
        assert search(jmap, calendar_id=cal_id, has_attachment=True) == ["Team"]
        assert sorted(search(jmap, calendar_id=cal_id, has_attachment=False)) == [
            "Budget",
            "Planning",
        ]
        # a supported condition next to a rejected one still filters on the server
        assert search(
            jmap, calendar_id=cal_id, has_keyword="work", after="2031-01-15T00:00:00"
        ) == ["Planning"]
        assert profile_of(jmap.client._conn).rejected_filters == {
            "hasKeyword",
            "notKeyword",
            "participantIs",
            "isUndecided",
            "isRejected",
            "hasAttachment",
        }


def test_and_or_not(jmap):
    tag = uuid.uuid4().hex[:8]
    with calendar(jmap) as cal_id:
        ids = add_three(jmap, cal_id, tag)
        eventually(lambda: search(jmap, calendar_id=cal_id, title="planning"))
        # homogeneous operators: Cyrus filters them itself
        either = OR(Filter(title="budget"), Filter(title="lunch"))
        assert text_search(jmap, ["Budget", "Team"], calendar_id=cal_id, filter=either) == [
            "Budget",
            "Team",
        ]
        two_uids = OR(Filter(uid=f"budget-{tag}"), Filter(uid=f"planning-{tag}"))
        assert sorted(search(jmap, calendar_id=cal_id, filter=two_uids)) == [
            "Budget",
            "Planning",
        ]
        assert sorted(search(jmap, calendar_id=cal_id, filter=NOT(Filter(uid=f"lunch-{tag}")))) == [
            "Budget",
            "Planning",
        ]
        times = OR(Filter(before="2031-01-11T00:00:00"), Filter(after="2031-01-19T00:00:00"))
        assert sorted(search(jmap, calendar_id=cal_id, filter=times)) == ["Budget", "Planning"]
        # mixed kinds (Cyrus answers these wrongly): evaluated with probes, same answer
        mixed = OR(Filter(uid=f"budget-{tag}"), Filter(title="lunch"))
        assert sorted(search(jmap, calendar_id=cal_id, filter=mixed)) == ["Budget", "Team"]
        mixed_not = NOT(Filter(uid=f"budget-{tag}"), Filter(title="lunch"))
        assert search(jmap, calendar_id=cal_id, filter=mixed_not) == ["Planning"]
        time_or_uid = OR(Filter(before="2031-01-11T00:00:00"), Filter(uid=f"planning-{tag}"))
        assert sorted(search(jmap, calendar_id=cal_id, filter=time_or_uid)) == [
            "Budget",
            "Planning",
        ]
        # an unsupported condition inside OR / NOT: the whole operator is the client's
        social_or_planning = OR(Filter(has_keyword="social"), Filter(title="planning"))
        assert sorted(search(jmap, calendar_id=cal_id, filter=social_or_planning)) == [
            "Planning",
            "Team",
        ]
        assert search(jmap, calendar_id=cal_id, filter=NOT(Filter(has_keyword="work"))) == ["Team"]
        nested = AND(
            Filter(after="2031-01-01T00:00:00"),
            OR(Filter(is_undecided=True), Filter(has_attachment=True)),
            NOT(Filter(title="lunch")),
        )
        assert search(jmap, calendar_id=cal_id, filter=nested) == ["Budget"]
        # operators with & | ~, and keywords ANDed with filter=
        combined = (Filter(has_keyword="work") | Filter(is_rejected=True)) & ~Filter(
            uid=f"planning-{tag}"
        )
        assert sorted(search(jmap, calendar_id=cal_id, filter=combined)) == ["Budget", "Team"]
        assert search(
            jmap, calendar_id=cal_id, has_keyword="work", filter=NOT(Filter(title="budget"))
        ) == ["Planning"]
        assert sorted(ids) == ["budget", "lunch", "planning"]


def test_sort_position_anchor_limit(jmap):
    tag = uuid.uuid4().hex[:8]
    with calendar(jmap) as cal_id:
        ids = add_three(jmap, cal_id, tag)
        assert search(jmap, calendar_id=cal_id, sort=[("start", True)]) == [
            "Budget",
            "Team",
            "Planning",
        ]
        assert search(
            jmap, calendar_id=cal_id, sort=[{"property": "start", "isAscending": False}]
        ) == ["Planning", "Team", "Budget"]
        assert search(jmap, calendar_id=cal_id, sort="-uid") == ["Planning", "Team", "Budget"]
        assert search(jmap, calendar_id=cal_id, sort=[("start", False)], position=1, limit=1) == [
            "Team"
        ]
        assert search(jmap, calendar_id=cal_id, sort=[("start", True)], limit=2) == [
            "Budget",
            "Team",
        ]
        assert search(
            jmap, calendar_id=cal_id, sort=[("start", True)], anchor=ids["lunch"], limit=5
        ) == ["Team", "Planning"]
        got_ids, query_state, total = jmap(
            jmap.client.query_event_ids(calendar_id=cal_id, sort=[("start", True)], position=2)
        )
        assert got_ids == [ids["planning"]] and total == 3 and query_state
        # the same window, evaluated by the client after a rejected filter
        assert search(
            jmap, calendar_id=cal_id, has_keyword="work", sort=[("start", False)], limit=1
        ) == ["Planning"]
        assert search(
            jmap, calendar_id=cal_id, has_keyword="work", sort=[("start", False)], position=1
        ) == ["Budget"]
        assert search(
            jmap, calendar_id=cal_id, not_keyword="nope", sort="start", anchor=ids["lunch"]
        ) == ["Team", "Planning"]
        assert jmap(
            jmap.client.query_event_ids(calendar_id=cal_id, has_keyword="work", sort="start")
        ) == ([ids["budget"], ids["planning"]], "", 2)
        with pytest.raises(JMAPMethodError) as error:
            jmap(jmap.client.search_events(calendar_id=cal_id, sort=[("title", True)]))
        assert error.value.error_type == "unsupportedSort"


def test_expand_recurrences_over_a_week(jmap):
    tag = uuid.uuid4().hex[:8]
    daily = ics(
        f"daily-{tag}",
        f"Standup {tag}",
        start="20310203T090000",
        end="20310203T091500",
        extra="RRULE:FREQ=DAILY;COUNT=20\nCATEGORIES:work",
    )
    with calendar(jmap) as cal_id:
        jmap(jmap.client.create_event(cal_id, daily))
        week = {"after": "2031-02-02T00:00:00", "before": "2031-02-09T00:00:00"}
        assert search(jmap, calendar_id=cal_id, **week) == ["Standup"]
        instances = jmap(
            jmap.client.search_event_objects(
                calendar_id=cal_id, expand_recurrences=True, sort="start", **week
            )
        )
        # Feb 3..8: six instances (each ends after Feb 2 and starts before Feb 9)
        assert [e.jscal["recurrenceId"] for e in instances] == [
            f"2031-02-0{d}T09:00:00" for d in range(3, 9)
        ]
        assert len({e.id for e in instances}) == 6
        assert (
            jmap(
                jmap.client.query_event_ids(
                    calendar_id=cal_id, expand_recurrences=True, time_zone="Europe/Oslo", **week
                )
            )[2]
            == 6
        )
        # a condition Cyrus rejects is evaluated per instance
        assert (
            len(
                search(
                    jmap,
                    calendar_id=cal_id,
                    expand_recurrences=True,
                    has_keyword="work",
                    **week,
                )
            )
            == 6
        )
        assert (
            search(jmap, calendar_id=cal_id, expand_recurrences=True, not_keyword="work", **week)
            == []
        )
        with pytest.raises(JMAPMethodError) as error:
            jmap(jmap.client.search_events(calendar_id=cal_id, expand_recurrences=True))
        assert error.value.error_type == "invalidArguments"


def test_searcher(jmap):
    tag = uuid.uuid4().hex[:8]
    with calendar(jmap) as cal_id:
        ids = add_three(jmap, cal_id, tag)
        cal = next(c for c in jmap(jmap.client.get_calendars()) if c.id == cal_id)
        found = jmap(
            cal.searcher().after("2031-01-01T00:00:00").has_keyword("work").is_undecided().fetch()
        )
        assert summaries(found) == [f"Budget review {tag}"]
        objects = jmap(cal.searcher().has_keyword("work").sort_by("start", False).fetch_objects())
        assert [e.id for e in objects] == [ids["planning"], ids["budget"]]
        assert jmap(cal.searcher().is_rejected().limit(5).query_ids())[0] == [ids["lunch"]]
        # without a calendar: every calendar of the account
        everywhere = jmap(jmap.client.searcher().uid(f"lunch-{tag}").fetch_objects())
        assert [e.id for e in everywhere] == [ids["lunch"]]
        searcher = jmap.client.searcher()
        assert searcher.in_calendars(cal_id).before("2031-01-11T00:00:00") is searcher
        assert summaries(jmap(searcher.fetch())) == [f"Budget review {tag}"]


def test_query_state_and_query_changes(jmap):
    with calendar(jmap) as cal_id:
        found = jmap(jmap.client.search_event_objects(calendar_id=cal_id))
        assert found == [] and found.query_state and found.state
        with pytest.raises(JMAPCannotCalculateChangesError) as error:
            jmap(jmap.client.get_query_changes(found.query_state, calendar_id=cal_id))
        assert error.value.error_type == "cannotCalculateChanges"
        assert error.value.details == {"type": "unknownMethod"}


def test_copy_and_move_within_the_account(jmap, uid):
    with calendar(jmap, "From") as from_id, calendar(jmap, "To") as to_id:
        event_id = jmap(jmap.client.create_event(from_id, ics(uid, "Copy me")))
        copy_id = jmap(jmap.client.copy_event(event_id, to_id))
        copy = jmap(jmap.client.get_event_object(copy_id))
        original = jmap(jmap.client.get_event_object(event_id))
        assert copy_id != event_id
        assert copy.calendar_ids == [to_id] and original.calendar_ids == [from_id]
        assert copy.jscal["title"] == "Copy me" and copy.uid != uid and original.uid == uid
        moved_id = jmap(jmap.client.copy_event(event_id, to_id, move=True))
        assert moved_id == event_id
        assert jmap(jmap.client.get_event_object(event_id)).calendar_ids == [to_id]
        assert search(jmap, calendar_id=from_id) == []
        assert sorted(search(jmap, calendar_id=to_id)) == ["Copy", "Copy"]


def test_copy_and_move_to_a_shared_account(jmap, harness_factory, uid):
    user2 = harness_factory("user2")
    shared = user2(user2.client.create_calendar(f"Shared {uuid.uuid4().hex[:6]}"))
    try:
        user2(
            user2.client.share_calendar(
                shared, "user1", {"mayReadItems": True, "mayWriteAll": True, "mayDelete": True}
            )
        )
        assert "user2" in [a.id for a in jmap(jmap.client.get_accounts())]
        with calendar(jmap, "Mine") as mine:
            event_id = jmap(jmap.client.create_event(mine, ics(uid, "Travel")))
            copied = jmap(jmap.client.copy_event(event_id, shared, to_account_id="user2"))
            there = user2(user2.client.get_event_object(copied))
            assert there.uid == uid and there.calendar_ids == [shared]
            assert jmap(jmap.client.get_event_object(event_id)).calendar_ids == [mine]
            other = jmap(jmap.client.create_event(mine, ics("moved-" + uid, "Moving")))
            moved = jmap(jmap.client.copy_event(other, shared, to_account_id="user2", move=True))
            assert user2(user2.client.get_event_object(moved)).uid == "moved-" + uid
            assert search(jmap, calendar_id=mine) == ["Travel"]
    finally:
        user2(user2.client.delete_calendar(shared, remove_events=True))


def test_upload_blob_and_parse_ical(jmap):
    blob_id = jmap(jmap.client.upload_blob(ics("blob@x"), "text/calendar"))
    assert isinstance(blob_id, str) and blob_id.startswith("G")
    before = jmap.posts
    # Cyrus 3.10 does not offer CalendarEvent/parse (no urn:ietf:params:jmap:calendars:parse;
    # the method answers unknownMethod): refused before anything is uploaded
    with pytest.raises(JMAPCapabilityError) as error:
        jmap(jmap.client.parse_ical(ics("parse@x")))
    assert error.value.capability == "urn:ietf:params:jmap:calendars:parse"
    assert jmap.posts == before
