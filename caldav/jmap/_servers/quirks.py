"""Every way the client adapts to a server, in one table, with the reason for each.

A :class:`Quirk` names the :class:`~caldav.jmap._servers.profile.ServerProfile` setting it
governs, the value that setting takes when the client adapts, and what turns it on: a
``trait`` detected from the session (``"cyrus"``: the session announces Cyrus's calendar
capability), and/or a refusal learned at run time (``refused``: a predicate over the
properties an invalidProperties error names; ``learned_from``: the other run-time
evidence, for settings other modules learn).  A server without the trait starts with
every setting off (None, False or empty: "not known to need it").

Not quirks, because every server gets them (each found on Cyrus, each right by the RFCs):
an iTIP ``method`` is dropped from a stored event and an orphan instance that recurs is
stored as a series (:func:`caldav.jmap._events.write.adapt_for_server`); an event without
a start or with a control character in its text is refused before it is sent
(:mod:`caldav.jmap._events.storable`); a page's reported position is trusted only after an
anchor (:mod:`caldav.jmap._events.search`; Cyrus 3.10 reports 0 whatever was asked).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from caldav.jmap._servers.description import is_description_type
from caldav.jmap._servers.iana_zones import is_zone_property
from caldav.jmap._servers.vendor import is_vendor_property
from caldav.jmap.error import JMAPError, JMAPMethodError

__all__ = ["CYRUS", "QUIRKS", "Quirk", "refused_properties"]

#: The trait of a session that announces Cyrus's calendar capability.
CYRUS = "cyrus"

#: A setting's value when it is adapted: a flag or a name (None: a set of learned names,
#: adapted when not empty).
Setting = bool | str | None


@dataclass(frozen=True)
class Quirk:
    """One adaptation: ``setting`` (a ServerProfile attribute) becomes ``on`` for a server
    with ``trait``, or once the server refused what ``refused`` recognises (a property or
    patch path of an invalidProperties error), or what ``learned_from`` describes."""

    setting: str
    on: Setting
    reason: str
    trait: str | None = None
    refused: Callable[[str], bool] | None = None
    learned_from: str = ""
    #: A property a refusal of which turns the quirk on (for the table's own test).
    example: str = ""


QUIRKS: tuple[Quirk, ...] = (
    Quirk(
        "vendor_properties",
        False,
        'Cyrus 3.10 refuses vendor-specific properties ("example.com:name") with '
        "invalidProperties; they are left out of what is sent and the loss is logged",
        trait=CYRUS,
        refused=is_vendor_property,
        example="example.com:color",
    ),
    Quirk(
        "plain_descriptions",
        True,
        "Cyrus 3.10 refuses any descriptionContentType but text/plain; a styled "
        "description goes as its plain text",
        trait=CYRUS,
        refused=is_description_type,
        example="descriptionContentType",
    ),
    Quirk(
        "iana_zones_only",
        True,
        "Cyrus 3.10 refuses custom timeZones, Windows zone names and legacy links; such a "
        "zone goes as the IANA zone with the same rules",
        trait=CYRUS,
        refused=is_zone_property,
        example="timeZones",
    ),
    Quirk(
        "in_calendars",
        True,
        "Cyrus 3.10 filters CalendarEvent/query by a list of calendars (inCalendars, an "
        "older draft) where the current draft has inCalendar; a server refusing the form "
        "sent switches the client to the other one, once",
        trait=CYRUS,
        learned_from="an invalidArguments/unsupportedFilter naming inCalendar(s)",
    ),
    Quirk(
        "homogeneous_operators",
        True,
        "Cyrus 3.10 answers an OR/NOT over filter properties of different kinds (text and "
        "uid, time and uid) wrongly or drops the connection: the client evaluates such an "
        "operator itself (no refusal to learn it from)",
        trait=CYRUS,
    ),
    Quirk(
        "managed_attachments",
        True,
        "Cyrus 3.10 stores a managed attachment with both href and blobId and then refuses "
        "any patch of the event (drop the href on update), and names it by its content, so "
        "its URL can dangle after the first event with those bytes is gone (read the blob)",
        trait=CYRUS,
    ),
    Quirk(
        "rights_name",
        "mayAdmin",
        "Cyrus 3.10 (drafts before -18) calls the sharing right mayAdmin, later drafts "
        "mayShare: rights are sent under the name the server's calendars show",
        learned_from="the myRights of a Calendar/get",
    ),
    Quirk(
        "participant_reply",
        False,
        "Cyrus 3.10 lacks CalendarEvent/participantReply (unknownMethod): a reply is a "
        "patch of the participant's status, with scheduling messages",
        learned_from="an unknownMethod answer to CalendarEvent/participantReply",
    ),
    Quirk(
        "rejected_filters",
        None,
        "Cyrus 3.10 rejects the filter extensions (hasKeyword, isUndecided, ...) with "
        "invalidArguments: the client evaluates the ones rejected itself, same result",
        learned_from="an invalidArguments/unsupportedFilter naming the filters",
    ),
)

#: The quirks an invalidProperties refusal can turn on.
REFUSABLE = tuple(quirk for quirk in QUIRKS if quirk.refused is not None)


def refused_properties(error: JMAPError) -> list[str] | None:
    """The properties of an invalidProperties refusal, when the client can adapt to every
    one of them (a quirk with ``refused`` recognises it)."""
    if not (isinstance(error, JMAPMethodError) and error.error_type == "invalidProperties"):
        return None
    names = [str(p) for p in error.properties]
    adaptable = all(any(q.refused is not None and q.refused(p) for q in REFUSABLE) for p in names)
    return names if names and adaptable else None
