"""The JSCalendar dialect the clients write (``jscalendar_dialect=``), against the scripted
peer: no server here speaks the JSCalendar 2.0 draft (Cyrus 3.10 speaks RFC 8984, which
the integration tests cover)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from caldav.jmap.convert import JSCALENDAR_2

from .fake_jmap import FakeJMAP, async_client, sync_client

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:d@example.com\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260105T100000\r\n"
    "DURATION:PT1H\r\nSUMMARY:{title}\r\nRRULE:FREQ=WEEKLY\r\nX-ORIGIN:kept\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


class Store:
    """CalendarEvent/set and /get over one stored event, recording what was sent."""

    def __init__(self) -> None:
        self.events: dict[str, dict[str, Any]] = {}
        self.sent: list[dict[str, Any]] = []

    def set(self, args: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(args)
        created = {}
        for key, obj in (args.get("create") or {}).items():
            self.events["e1"] = dict(obj, id="e1")
            created[key] = {"id": "e1"}
        for event_id, patch in (args.get("update") or {}).items():
            self.events[event_id].update(patch)
        return {
            "newState": "s2",
            "created": created,
            "updated": dict.fromkeys(args.get("update") or {}),
        }

    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"state": "s2", "list": [self.events[i] for i in args["ids"] if i in self.events]}


@pytest.mark.parametrize("make", [sync_client, async_client], ids=["sync", "async"])
def test_the_2_0_dialect_is_written_when_chosen(make: Any) -> None:
    store = Store()
    server = FakeJMAP({"CalendarEvent/set": store.set, "CalendarEvent/get": store.get})
    client = make(server, jscalendar_dialect=JSCALENDAR_2)

    def run(value: Any) -> Any:
        return asyncio.run(value) if asyncio.iscoroutine(value) else value

    assert run(client.create_event("C1", ICS.format(title="first"))) == "e1"
    [created] = store.sent[0]["create"].values()
    assert created["recurrenceRule"]["frequency"] == "weekly" and "recurrenceRules" not in created
    assert created["iCalendar"]["@type"] == "ICalComponent"  # X-ORIGIN, in the 2.0 form
    assert not any(":" in key for key in created)  # no RFC 8984 vendor property
    # an update sends only what changed, computed in the same dialect
    run(client.update_event("e1", ICS.format(title="second")))
    assert store.sent[1]["update"] == {"e1": {"title": "second"}}


def test_rfc_8984_by_default_and_a_bad_choice_refused() -> None:
    store = Store()
    client = sync_client(FakeJMAP({"CalendarEvent/set": store.set}))
    client.create_event("C1", ICS.format(title="x"))
    [created] = store.sent[0]["create"].values()
    assert created["recurrenceRules"][0]["frequency"] == "weekly"
    with pytest.raises(ValueError, match="jscalendar_dialect"):
        sync_client(FakeJMAP(), jscalendar_dialect="jscalendar-3")
