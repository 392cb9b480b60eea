"""python-caldav idioms where Cyrus cannot show the behaviour, on both clients, against the
scripted peer (tests/unit/fake_jmap.py):

- ``search(todo=True)`` on a server WITH JMAP Tasks (Cyrus has none): the exchanges are
  written from the JMAP Tasks draft (/work/shared/specs/jmap-tasks-draft.md), not recorded;
- the conflict check of ``save()`` when /changes comes in several batches
  (hasMoreChanges) or cannot be calculated;
- add_event's input forms that need no server (caller mistakes are TypeError/ValueError).

The Cyrus tests of the same idioms: tests/integration/test_cyrus_caldav_idioms.py.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import icalendar
import pytest

from caldav.jmap import JMAPConversionError, JMAPEvent, JMAPStateMismatchError
from caldav.jmap._methods.ical_input import ical_text, main_uid
from caldav.jmap._methods.idioms import CalDAVSearch

from .fake_jmap import FakeJMAP, session_json
from .test_tasks_contacts_fake import CAPS, get_answer, payloads
from .test_tasks_contacts_fake import client_for as client_for  # the sync/async fixture

TASK_OPEN = {"@type": "Task", "id": "t1", "taskListId": "tl1", "uid": "u1", "title": "Open"}
TASK_DONE = {
    "@type": "Task",
    "id": "t2",
    "taskListId": "tl1",
    "uid": "u2",
    "title": "Done",
    "progress": "completed",
}


def task_server() -> FakeJMAP:
    tasks = {"t1": TASK_OPEN, "t2": TASK_DONE}

    def query(args: dict[str, Any]) -> dict[str, Any]:
        return {
            "accountId": args["accountId"],
            "queryState": "q1",
            "canCalculateChanges": False,
            "position": 0,
            "ids": list(tasks),
            "total": len(tasks),
        }

    return FakeJMAP(
        {"Task/query": query, "Task/get": get_answer(tasks, "9")}, session=session_json(CAPS)
    )


def test_search_todo_searches_the_tasks_and_leaves_completed_ones_out(client_for):
    server = task_server()
    runner = client_for(server)
    pending = runner._caldav_search("cal1", {"todo": True, "summary": "Open"})
    assert len(pending) == 1 and "SUMMARY:Open" in pending[0] and "BEGIN:VTODO" in pending[0]
    [payload] = payloads(server)
    assert payload["methodCalls"][0][1]["filter"] == {"title": "Open"}
    both = runner._caldav_search("cal1", {"todo": True, "include_completed": True})
    assert sorted(main_uid(t) for t in both) == ["u1", "u2"]
    by_class = runner._caldav_search("cal1", {"comp_class": icalendar.Todo})
    assert [main_uid(t) for t in by_class] == ["u1"]
    with pytest.raises(TypeError, match="location"):
        runner._caldav_search("cal1", {"todo": True, "location": "Oslo"})


EVENT = {
    "@type": "Event",
    "id": "e1",
    "uid": "ev-1",
    "calendarIds": {"cal1": True},
    "title": "Before",
    "start": "2026-06-01T10:00:00",
    "timeZone": "Europe/Oslo",
    "duration": "PT1H",
}


def conflict_server(changes: list[Any]) -> FakeJMAP:
    """The first /set is refused with stateMismatch, the next succeeds; /changes answers
    from ``changes`` in turn."""
    sets: list[dict[str, Any]] = []

    def event_set(args: dict[str, Any]) -> Any:
        sets.append(args)
        if len(sets) == 1:
            return ("error", {"type": "stateMismatch"})
        return {"accountId": "A1", "oldState": "s5", "newState": "s6", "updated": {"e1": None}}

    def event_changes(args: dict[str, Any]) -> Any:
        return changes.pop(0)

    server = FakeJMAP(
        {
            "CalendarEvent/get": get_answer({"e1": EVENT}, "s1"),
            "CalendarEvent/set": event_set,
            "CalendarEvent/changes": event_changes,
        }
    )
    server.sets = sets  # type: ignore[attr-defined]
    return server


def batch(old: str, new: str, updated: list[str], more: bool) -> dict[str, Any]:
    return {
        "accountId": "A1",
        "oldState": old,
        "newState": new,
        "hasMoreChanges": more,
        "created": [],
        "updated": updated,
        "destroyed": [],
    }


def test_save_follows_changes_in_batches_before_retrying(client_for):
    server = conflict_server(
        [batch("s1", "s3", ["e7"], True), batch("s3", "s5", ["e8", "e9"], False)]
    )
    runner = client_for(server)
    event = runner.get_event_object("e1")
    assert isinstance(event, JMAPEvent) and event.state == "s1"
    event.jscal["title"] = "After"
    runner._save_event(event)
    assert [s["ifInState"] for s in server.sets] == ["s1", "s5"]
    assert [c["sinceState"] for c in server.calls("CalendarEvent/changes")] == ["s1", "s3"]
    assert event.state == "s6"


@pytest.mark.parametrize(
    "answer",
    [
        [batch("s1", "s5", ["e1"], False)],  # this event changed: a real conflict
        [("error", {"type": "cannotCalculateChanges"})],  # nobody can tell: a conflict
    ],
)
def test_save_raises_when_this_event_changed_or_nobody_can_tell(client_for, answer):
    server = conflict_server(list(answer))
    runner = client_for(server)
    event = runner.get_event_object("e1")
    event.jscal["title"] = "After"
    with pytest.raises(JMAPStateMismatchError):
        runner._save_event(event)
    assert len(server.sets) == 1  # never written over


def test_ical_input_forms():
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert ical_text(text) == text
    assert ical_text(text.encode()) == text
    assert main_uid(ical_text(icalendar.Calendar.from_ical(text))) == "x"
    made = icalendar.Calendar.from_ical(
        ical_text(summary="Kw", dtstart=datetime(2026, 1, 1, tzinfo=timezone.utc))
    )
    [vevent] = made.walk("VEVENT")
    assert vevent["SUMMARY"] == "Kw" and vevent["UID"]  # a UID is made
    with pytest.raises(TypeError, match="one or the other"):
        ical_text(text, summary="both")
    with pytest.raises(TypeError, match="needs iCalendar"):
        ical_text()
    with pytest.raises(TypeError, match="int"):
        ical_text(12)  # type: ignore[arg-type]
    with pytest.raises(JMAPConversionError):
        ical_text(b"\xff\xfe")
    with pytest.raises(TypeError, match="alarm_trigger"):
        ical_text(summary="x", alarm_action="DISPLAY")


def test_search_keywords_are_read_into_jmap_filters():
    search = CalDAVSearch.parse(
        summary="S",
        category="work",
        expand=True,
        start="2026-01-01",
        end="2026-02-01",
        sort_keys="dtstart",
    )
    assert search.events and not search.todos
    assert search.event_filters == {
        "title": "S",
        "has_keyword": "work",
        "expand_recurrences": True,
        "start": "2026-01-01",
        "end": "2026-02-01",
    }
    assert search.sort_keys == ("dtstart",)
    assert not CalDAVSearch.parse(journal=True).events
    assert not CalDAVSearch.parse(event=False).events
    with pytest.raises(ValueError, match="start and end"):
        CalDAVSearch.parse(expand=True, start="2026-01-01")
    with pytest.raises(ValueError, match="comp_class"):
        CalDAVSearch.parse(comp_class=int)
