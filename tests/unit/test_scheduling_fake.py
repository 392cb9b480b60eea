"""Scheduling requests on a scripted peer: the exact calls, and the participantReply path
that Cyrus 3.10 lacks (it answers unknownMethod; tests/integration covers the patch path).
"""

from __future__ import annotations

import pytest

from caldav.jmap import JMAPError

from .fake_jmap import FakeJMAP, async_client, sync_client

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:m1@example.com\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:20260601T100000\r\n"
    "DURATION:PT1H\r\nSUMMARY:Planning\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)

IDENTITIES = [
    {"id": "i1", "name": "Alice", "sendTo": {"imip": "mailto:Alice@Example.com"}},
]


def identity_get(args):
    return {"state": "1", "list": IDENTITIES, "notFound": []}


def scheduling_server(reply_method: bool):
    event = {
        "id": "e1",
        "participants": {
            "p-org": {
                "@type": "Participant",
                "sendTo": {"imip": "mailto:bob@example.com"},
                "roles": {"owner": True},
            },
            "p-me": {
                "@type": "Participant",
                "sendTo": {"imip": "MAILTO:alice@example.com"},
                "roles": {"attendee": True},
                "participationStatus": "needs-action",
            },
        },
    }

    def event_set(args):
        if args.get("create"):
            return {"newState": "2", "created": {k: {"id": "new1"} for k in args["create"]}}
        for patch in (args.get("update") or {}).values():
            for path, value in patch.items():
                _, pid, prop = path.split("/")
                event["participants"][pid][prop] = value
        return {"newState": "3", "updated": {k: None for k in args.get("update") or {}}}

    handlers = {
        "ParticipantIdentity/get": identity_get,
        "CalendarEvent/set": event_set,
        "CalendarEvent/get": lambda args: {"state": "2", "list": [event], "notFound": []},
    }
    if reply_method:

        def reply(args):
            event["participants"][args["participantId"]]["participationStatus"] = args["status"]
            return {"accountId": args["accountId"]}

        handlers["CalendarEvent/participantReply"] = reply
    return FakeJMAP(handlers), event


def test_save_with_invites_adds_organizer_and_attendees():
    server, _ = scheduling_server(reply_method=False)
    event_id = sync_client(server).save_with_invites(
        "cal1", ICS, ["carol@example.com", ("Dave D", "mailto:dave@example.com")]
    )
    assert event_id == "new1"
    [call] = server.calls("CalendarEvent/set")
    assert call["sendSchedulingMessages"] is True
    created = call["create"]["new"]
    assert created["replyTo"] == {"imip": "mailto:Alice@Example.com"}
    people = {p["sendTo"]["imip"]: p for p in created["participants"].values()}
    assert people["mailto:Alice@Example.com"]["roles"] == {"owner": True, "attendee": True}
    assert people["mailto:Alice@Example.com"]["name"] == "Alice"
    carol = people["mailto:carol@example.com"]
    assert carol["participationStatus"] == "needs-action" and carol["expectReply"] is True
    assert people["mailto:dave@example.com"]["name"] == "Dave D"


def test_reply_uses_participant_reply_where_the_server_has_it():
    server, event = scheduling_server(reply_method=True)
    client = sync_client(server)
    client.reply_to_event("e1", "accepted", comment="see you")
    [call] = server.calls("CalendarEvent/participantReply")
    assert (call["participantId"], call["status"], call["comment"]) == (
        "p-me",
        "accepted",
        "see you",
    )
    assert event["participants"]["p-me"]["participationStatus"] == "accepted"
    assert server.calls("CalendarEvent/set") == []


def test_reply_falls_back_to_a_patch_and_remembers():
    server, event = scheduling_server(reply_method=False)
    client = sync_client(server)
    client.reply_to_event("e1", "tentative")
    client.reply_to_event("e1", "declined", participant_id="p-me")
    assert len(server.calls("CalendarEvent/participantReply")) == 1  # learned: unknownMethod
    patches = server.calls("CalendarEvent/set")
    assert patches[0]["update"] == {"e1": {"participants/p-me/participationStatus": "tentative"}}
    assert patches[0]["sendSchedulingMessages"] is True
    assert event["participants"]["p-me"]["participationStatus"] == "declined"


async def test_async_reply():
    server, event = scheduling_server(reply_method=True)
    await async_client(server).reply_to_event("e1", "declined")
    assert event["participants"]["p-me"]["participationStatus"] == "declined"


def test_reply_checks_status_and_identity():
    server, event = scheduling_server(reply_method=True)
    client = sync_client(server)
    with pytest.raises(ValueError, match="status must be one of"):
        client.reply_to_event("e1", "maybe")
    del event["participants"]["p-me"]
    with pytest.raises(JMAPError, match="none of the event's participants"):
        client.reply_to_event("e1", "accepted")
