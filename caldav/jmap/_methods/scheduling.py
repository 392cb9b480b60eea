"""Scheduling: inviting people to an event and answering invitations.

The server sends the iTIP messages (``sendSchedulingMessages``); the client only says who
organises, who is invited, and what the user answers.  The user is found through their
ParticipantIdentity objects, never guessed from an email address.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from caldav.jmap._addresses import (
    identity_address,
    identity_addresses,
    normalise_address,
    participant_addresses,
)
from caldav.jmap._events.connection import dialect_of
from caldav.jmap._events.write import set_event
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._methods.contact import add_contact_name_calls, contact_names
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.request import Call, RequestBuilder
from caldav.jmap._protocol.standard import parse_get
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._registry import EVENT, IDENTITY
from caldav.jmap._servers.profile import profile_of
from caldav.jmap.constants import CALENDAR_CAPABILITY, CONTACTS_CAPABILITY
from caldav.jmap.convert import ical_to_jscal
from caldav.jmap.convert.ids import uuid5_id
from caldav.jmap.error import JMAPError, JMAPMethodError, JMAPNotFoundError

__all__ = ["REPLY_STATUSES", "invite_participants", "reply_to_event", "save_with_invites"]

#: The answers an attendee can give.
REPLY_STATUSES = ("accepted", "declined", "tentative", "needs-action")


class Attendee(NamedTuple):
    """An attendee to invite: ``(name, mailto address)``."""

    name: str | None
    address: str


def _attendee(entry: object) -> Attendee:
    """``"a@b"`` or ``("Name", "a@b")`` as (name, mailto address)."""
    if isinstance(entry, str):
        name, email = None, entry
    elif isinstance(entry, (tuple, list)) and len(entry) == 2:
        name, email = entry
    else:
        raise TypeError(f"an attendee is an email address or a (name, email) pair: {entry!r}")
    email = str(email).strip()
    if email.lower().startswith("mailto:"):
        email = email[7:]
    if "@" not in email:
        raise ValueError(f"not an email address: {email!r}")
    return Attendee(str(name) if name else None, "mailto:" + email)


def _default_identity(identities: list[JSONObject]) -> JSONObject:
    usable = [i for i in identities if identity_address(i)]
    if not usable:
        raise JMAPError(reason="the account has no participant identity to organise events as")
    return next((i for i in usable if i.get("isDefault")), usable[0])


def invite_participants(
    jscal: JSONObject, organizer: JSONObject, attendees: list[Any]
) -> JSONObject:
    """``jscal`` with the organizer (an identity) and the invited attendees added."""
    address = identity_address(organizer) or ""
    participants = dict(jscal.get("participants") or {})
    known = {a for p in participants.values() for a in participant_addresses(p)}
    if normalise_address(address) not in known:
        owner: JSONObject = {
            "@type": "Participant",
            "sendTo": {"imip": address},
            "roles": {"owner": True, "attendee": True},
            "participationStatus": "accepted",
        }
        if organizer.get("name"):
            owner["name"] = organizer["name"]
        participants[uuid5_id(address)] = owner
    for entry in attendees:
        name, mailto = _attendee(entry)
        if normalise_address(mailto) in known:
            continue
        attendee: JSONObject = {
            "@type": "Participant",
            "email": mailto[7:],
            "sendTo": {"imip": mailto},
            "roles": {"attendee": True},
            "participationStatus": "needs-action",
            "expectReply": True,
        }
        if name:
            attendee["name"] = name
        participants[uuid5_id(mailto)] = attendee
        known.add(normalise_address(mailto))
    return {**jscal, "participants": participants, "replyTo": {"imip": address}}


def save_with_invites(
    conn: Connection, calendar_id: str, ical_str: str, attendees: list[Any]
) -> Steps[str]:
    """Create the event with the user (their default participant identity) as organizer
    and ``attendees`` invited; the server sends the invitations.  Returns the event id.

    An attendee given without a name gets the full name of the user's contact card with
    exactly that address, when the session has urn:ietf:params:jmap:contacts (looked up
    with ContactCard/query + /get in the identities' request; a failed lookup only means
    no name)."""
    account_id = yield from conn.account_for()
    session = yield from conn.ensure_session()
    builder = RequestBuilder()
    got_identities = builder.add(IDENTITY.get(account_id))
    # Attendees given without a name get the one in the user's contacts, when the server
    # has contacts: looked up in the same round trip as the identities
    unnamed = [email for name, email in map(_attendee, attendees) if name is None]
    lookup = None
    contact_accounts = session.accounts_for(CONTACTS_CAPABILITY)
    if unnamed and session.has_capability(CONTACTS_CAPABILITY) and contact_accounts:
        primary = session.primary_accounts.get(CONTACTS_CAPABILITY)
        contacts_account = primary if primary in session.accounts else contact_accounts[0].id
        lookup = add_contact_name_calls(
            builder, contacts_account, unnamed, session.max_objects_in_get
        )
    responses = yield from conn.call(builder)
    identities = parse_get(
        responses.get(got_identities.call_id, "ParticipantIdentity/get"),
        "ParticipantIdentity/get",
    ).objects
    if lookup is not None:
        names = contact_names(responses, lookup, unnamed)
        attendees = [
            (names.get(email[7:].lower()) or name, email) if name is None else (name, email)
            for name, email in map(_attendee, attendees)
        ]
    jscal = invite_participants(
        ical_to_jscal(ical_str, calendar_id=calendar_id, dialect=dialect_of(conn)),
        _default_identity(identities),
        attendees,
    )
    outcome = yield from set_event(conn, account_id, create=jscal, sendSchedulingMessages=True)
    return outcome.id


def _my_participant(event: JSONObject, identities: list[JSONObject]) -> str:
    mine = identity_addresses(identities)
    for participant_id, participant in (event.get("participants") or {}).items():
        if isinstance(participant, dict) and mine & participant_addresses(participant):
            return str(participant_id)
    raise JMAPError(
        reason=f"none of the event's participants is one of your participant identities "
        f"({', '.join(sorted(mine)) or 'none'}); pass participant_id"
    )


def reply_to_event(
    conn: Connection,
    event_id: str,
    status: str,
    participant_id: str | None = None,
    comment: str | None = None,
) -> Steps[None]:
    """Answer an invitation: set the user's participationStatus and let the server tell the
    organizer.  CalendarEvent/participantReply is used where the server has it, else a
    patch with sendSchedulingMessages (remembered once the server said which)."""
    if status not in REPLY_STATUSES:
        raise ValueError(f"status must be one of {', '.join(REPLY_STATUSES)}, not {status!r}")
    account_id = yield from conn.account_for()
    if participant_id is None:
        # The event and the user's identities in one round trip
        builder = RequestBuilder()
        got_event = builder.add(EVENT.get(account_id, [event_id], ["participants"]))
        got_identities = builder.add(IDENTITY.get(account_id))
        responses = yield from conn.call(builder)
        events = parse_get(
            responses.get(got_event.call_id, "CalendarEvent/get"), "CalendarEvent/get"
        )
        if not events.objects:
            raise JMAPNotFoundError(f"no event {event_id}", "notFound", method="CalendarEvent/get")
        identities = parse_get(
            responses.get(got_identities.call_id, "ParticipantIdentity/get"),
            "ParticipantIdentity/get",
        ).objects
        participant_id = _my_participant(events.objects[0], identities)
    profile = profile_of(conn)
    if profile.participant_reply is not False:
        arguments: JSONObject = {
            "accountId": account_id,
            "eventId": event_id,
            "participantId": participant_id,
            "status": status,
        }
        if comment is not None:
            arguments["comment"] = comment
        responses = yield from conn.call(
            Call("CalendarEvent/participantReply", arguments, CALENDAR_CAPABILITY)
        )
        answer = responses.find("c0", "CalendarEvent/participantReply")
        if answer.error_type not in ("unknownMethod",):
            responses.get("c0", "CalendarEvent/participantReply")  # raises a real failure
            profile.participant_reply = True
            return None
        profile.participant_reply = False
    patch: JSONObject = {f"participants/{participant_id}/participationStatus": status}
    if comment is not None:
        patch[f"participants/{participant_id}/participationComment"] = comment
    try:
        yield from set_event(
            conn, account_id, update=(event_id, patch), sendSchedulingMessages=True
        )
    except JMAPMethodError as error:
        if error.error_type == "invalidPatch":
            raise JMAPError(
                reason=f"event {event_id} has no participant {participant_id}"
            ) from error
        raise
    return None
