"""Calendar addresses (RFC 6638 / JSCalendar sendTo, calendarAddress): comparing them, and
the addresses participants and participant identities are known by.

mailto is case-insensitive (RFC 6068), so "MAILTO:Bob@Example.com" and "mailto:bob@example.com"
are one address; other schemes (urn:, https:) are compared as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.objects.principal import send_to_address

__all__ = [
    "identity_address",
    "identity_addresses",
    "normalise_address",
    "participant_addresses",
]


def normalise_address(address: str) -> str:
    """An address for comparison: "mailto:" added to a bare email, mailto case-folded."""
    address = address.strip()
    if ":" not in address and "@" in address:
        address = "mailto:" + address
    if address[:7].lower() == "mailto:":
        return "mailto:" + address[7:].lower()
    return address


def participant_addresses(participant: JSONObject) -> set[str]:
    """Every address a Participant (or ParticipantIdentity) is known by, normalised."""
    found = []
    if isinstance(participant.get("calendarAddress"), str):
        found.append(participant["calendarAddress"])
    send_to = participant.get("sendTo")
    if isinstance(send_to, dict):
        found += [v for v in send_to.values() if isinstance(v, str)]
    if isinstance(participant.get("email"), str):
        found.append(participant["email"])
    return {normalise_address(a) for a in found}


def identity_address(identity: JSONObject) -> str | None:
    """The address to act as for a ParticipantIdentity: the current draft's
    calendarAddress, else its sendTo address (older drafts, Cyrus 3.10)."""
    address = identity.get("calendarAddress")
    if isinstance(address, str):
        return address
    return send_to_address(identity.get("sendTo"))


def identity_addresses(identities: Iterable[JSONObject]) -> set[str]:
    """The normalised addresses of ParticipantIdentity objects."""
    found: set[str] = set()
    for identity in identities:
        found |= participant_addresses(identity)
    return found
