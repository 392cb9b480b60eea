"""Scheduling with two real users on Cyrus: user1 invites user2, user2 accepts, user1 sees
the answer and a notification records it."""

from __future__ import annotations

from .support import eventually, ics


def find_by_uid(harness, uid):
    found = harness(harness.client.search_event_objects(uid=uid))
    return found[0] if found else None


def test_invite_accept_and_notification(harness_factory, uid):
    user1 = harness_factory("user1")
    user2 = harness_factory("user2")
    event_id = user1(
        user1.client.save_with_invites(
            "Default", ics(uid, "Design review"), [("User Two", "user2@internal")]
        )
    )

    # the invitation reaches user2's calendar
    invitation = eventually(lambda: find_by_uid(user2, uid))
    assert invitation is not None, "the invitation did not reach user2"
    assert invitation.jscal["title"] == "Design review"
    mine = [
        p
        for p in invitation.jscal["participants"].values()
        if "user2@internal" in str(p.get("sendTo", {}).get("imip", "")).lower()
    ]
    assert mine and mine[0].get("participationStatus", "needs-action") == "needs-action"

    # user2 accepts; the server tells the organizer
    user2(user2.client.reply_to_event(invitation.id, "accepted"))

    def user2_status_at_organizer():
        event = user1(user1.client.get_event_object(event_id))
        for participant in event.jscal["participants"].values():
            if "user2@internal" in str(participant.get("sendTo", {}).get("imip", "")).lower():
                return participant.get("participationStatus") == "accepted"
        return False

    assert eventually(user2_status_at_organizer)
    notes = eventually(
        lambda: [n for n in user1(user1.client.get_event_notifications(event_ids=[event_id]))]
    )
    assert notes, "no notification recorded the reply"
    assert any(n.event_id == event_id for n in notes)
    user1(user1.client.dismiss_event_notifications([n.id for n in notes]))
    user1(user1.client.delete_event(event_id, send_scheduling_messages=True))
    user2(user2.client.delete_event(invitation.id))
