"""Principals, availability, participant identities and accounts (RFC 9670 and the
principals extension of draft-ietf-jmap-calendars).

Principals live in the session's principal account (``primaryAccounts`` for
urn:ietf:params:jmap:principals), the directory, whichever calendar account a client view
(``for_account``) works on.  Participant identities belong to a calendar account.

Two revisions are spoken for Principal/getAvailability: the current draft puts it under
urn:ietf:params:jmap:principals:availability and requires ``accountId``; Cyrus 3.10 has it
under urn:ietf:params:jmap:principals and rejects ``accountId`` (invalidArguments).  The
session says which (the availability capability is advertised or not); a server that
answers invalidArguments naming ``accountId`` anyway gets the other form once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from caldav.jmap._events.filters import local_datetime
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._operation import ClientCore, operation
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.objects import get_all, read_objects, search
from caldav.jmap._protocol.operations import account_of, get_by_ids
from caldav.jmap._protocol.request import Call
from caldav.jmap._protocol.session import Session
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._registry import IDENTITY, PRINCIPAL
from caldav.jmap.constants import (
    CALENDAR_CAPABILITY,
    PRINCIPALS_AVAILABILITY_CAPABILITY,
    PRINCIPALS_CAPABILITY,
    PRINCIPALS_OWNER_CAPABILITY,
)
from caldav.jmap.error import JMAPCapabilityError, JMAPError, JMAPMethodError, JMAPNotFoundError
from caldav.jmap.objects.principal import BusyPeriod, JMAPParticipantIdentity, JMAPPrincipal

__all__ = [
    "PRINCIPALS_AVAILABILITY_CAPABILITY",
    "PrincipalMethods",
    "availability_call",
    "get_current_principal",
    "utc_datetime",
]

AVAILABILITY_METHOD = "Principal/getAvailability"


def utc_datetime(value: Any, what: str) -> str:
    """``value`` as a UTCDateTime ("2026-03-02T09:00:00Z").

    Accepts an aware datetime (converted to UTC), a naive datetime (taken as UTC), a date
    (its midnight, UTC) or an ISO string (with "Z", an offset, or none: UTC).
    """
    return local_datetime(value, what) + "Z"


def _current_principal_id(session: Session, account_id: str) -> str | None:
    """currentUserPrincipalId of the principal account, else the owner of the user's
    calendar account (urn:ietf:params:jmap:principals:owner)."""
    account = session.accounts.get(account_id)
    principals = account.capabilities.get(PRINCIPALS_CAPABILITY) if account else None
    current = principals.get("currentUserPrincipalId") if isinstance(principals, dict) else None
    if isinstance(current, str):
        return current
    try:
        calendar_account = session.accounts.get(session.account_id_for(CALENDAR_CAPABILITY))
    except JMAPCapabilityError:
        return None
    if calendar_account is None:
        return None
    owner = calendar_account.capabilities.get(PRINCIPALS_OWNER_CAPABILITY)
    owner_id = owner.get("principalId") if isinstance(owner, dict) else None
    return owner_id if isinstance(owner_id, str) else None


def get_current_principal(conn: Connection, client: object = None) -> Steps[JMAPPrincipal]:
    """The principal of the authenticated user (currentUserPrincipalId)."""
    account_id = yield from account_of(conn, PRINCIPAL)
    session = yield from conn.ensure_session()
    principal_id = _current_principal_id(session, account_id)
    if principal_id is None:
        raise JMAPNotFoundError(
            "the session does not say which principal is the current user "
            "(no currentUserPrincipalId)",
            "notFound",
        )
    result = yield from get_by_ids(conn, PRINCIPAL, account_id, [principal_id])
    if not result.objects:
        raise JMAPNotFoundError(
            f"Principal/get does not find the current user's principal {principal_id!r}",
            "notFound",
            method="Principal/get",
        )
    return read_objects(conn, PRINCIPAL, result.objects[:1], client)[0]


def _is_address_of(principal: JMAPPrincipal, address: str) -> bool:
    wanted = address.lower().removeprefix("mailto:")
    candidates = [principal.email, principal.calendar_address]
    return any(
        isinstance(c, str) and c.lower().removeprefix("mailto:") == wanted for c in candidates
    )


def resolve_principal(conn: Connection, principal: str) -> Steps[str]:
    """The principal id for ``principal``: an id as it is, an email address (one with "@",
    "mailto:" allowed) looked up with Principal/query.  Nobody with that exact address
    raises :class:`~caldav.jmap.error.JMAPNotFoundError`."""
    if "@" not in principal:
        return principal
    address = principal.removeprefix("mailto:")
    found = yield from search(conn, PRINCIPAL, filter={"email": address})
    # The email filter is "contains": keep the principals with exactly this address
    exact = [p for p in found if _is_address_of(p, address)]
    if not exact:
        raise JMAPNotFoundError(
            f"no principal has the address {address!r}", "notFound", method="Principal/query"
        )
    return exact[0].id


def availability_call(
    account_id: str | None,
    principal_id: str,
    start: str,
    end: str,
    show_details: bool = False,
    event_properties: list[str] | None = None,
    standard: bool = True,
) -> Call:
    """Principal/getAvailability.  ``account_id`` None leaves ``accountId`` out, as Cyrus
    3.10 wants; ``standard`` adds urn:ietf:params:jmap:principals:availability to ``using``
    (only for servers that advertise it)."""
    call = PRINCIPAL.call(
        "getAvailability",
        account_id,
        id=principal_id,
        utcStart=start,
        utcEnd=end,
        showDetails=True if show_details else None,
        eventProperties=list(event_properties) if event_properties is not None else None,
    )
    extra = (PRINCIPALS_AVAILABILITY_CAPABILITY,) if standard else ()
    return replace(call, extra_capabilities=extra)


def _names_account_id(error: JMAPMethodError) -> bool:
    arguments = error.details.get("arguments") if isinstance(error.details, dict) else None
    return (
        error.error_type == "invalidArguments"
        and isinstance(arguments, list)
        and "accountId" in arguments
    )


def _busy_periods(args: JSONObject) -> list[BusyPeriod]:
    items = args.get("list")
    if not isinstance(items, list):
        raise JMAPError(reason=f"the {AVAILABILITY_METHOD} response's 'list' is not a list")
    return [BusyPeriod.from_jmap(item) for item in items]


def _availability(
    conn: Connection,
    principal: str,
    start: Any,
    end: Any,
    show_details: bool,
    event_properties: list[str] | None,
) -> Steps[list[BusyPeriod]]:
    utc_start, utc_end = utc_datetime(start, "start"), utc_datetime(end, "end")
    principal_id = yield from resolve_principal(conn, principal)
    account_id = yield from account_of(conn, PRINCIPAL)
    session = yield from conn.ensure_session()
    standard = session.has_capability(PRINCIPALS_AVAILABILITY_CAPABILITY)
    first, second = (account_id, None) if standard else (None, account_id)

    def ask(form: str | None) -> Steps[list[BusyPeriod]]:
        call = availability_call(
            form, principal_id, utc_start, utc_end, show_details, event_properties, standard
        )
        responses = yield from conn.call(call)
        return _busy_periods(responses.get("c0", AVAILABILITY_METHOD))

    try:
        return (yield from ask(first))
    except JMAPMethodError as error:
        # The server speaks the other revision: it wants, or refuses, accountId
        if not _names_account_id(error):
            raise
    return (yield from ask(second))


class PrincipalMethods(ClientCore):
    """The client's methods for principals, availability and participant identities."""

    @operation
    def get_principals(self) -> Steps[list[JMAPPrincipal]]:
        """Every principal the user may see (Cyrus 3.10: the user and those who share a
        calendar with them), fetched with Principal/query and /get in one round trip."""
        # Principal/query, not a /get of every principal: Cyrus refuses ``ids: null``
        return (yield from search(self._conn, PRINCIPAL, self))

    @operation
    def get_current_principal(self) -> Steps[JMAPPrincipal]:
        """The authenticated user's principal (the session's currentUserPrincipalId)."""
        return (yield from get_current_principal(self._conn, self))

    @operation
    def search_principals(
        self,
        text: str | None = None,
        email: str | None = None,
        *,
        name: str | None = None,
        type: str | None = None,
    ) -> Steps[list[JMAPPrincipal]]:
        """Principals whose name, email or description contains ``text``, whose email
        contains ``email`` (and ``name``; ``type`` equal); in one round trip."""
        condition = {
            key: value
            for key, value in (("text", text), ("email", email), ("name", name), ("type", type))
            if value is not None
        }
        return (yield from search(self._conn, PRINCIPAL, self, filter=condition or None))

    @operation
    def get_availability(
        self,
        principal_id: str,
        start: Any,
        end: Any,
        *,
        show_details: bool = False,
        event_properties: list[str] | None = None,
    ) -> Steps[list[BusyPeriod]]:
        """When ``principal_id`` (a principal id, or an email address) is busy between
        ``start`` and ``end`` (datetimes: aware ones converted, naive ones UTC; or ISO
        strings).  ``show_details`` asks for the events too, where the user may read them;
        ``event_properties`` limits their properties.  An address nobody has raises
        JMAPNotFoundError; so does, on Cyrus 3.10, a principal with no events in the range."""
        return (
            yield from _availability(
                self._conn, principal_id, start, end, show_details, event_properties
            )
        )

    @operation
    def get_participant_identities(self) -> Steps[list[JMAPParticipantIdentity]]:
        """The addresses that stand for the user in events (``.address``: mailto:...)."""
        return (yield from get_all(self._conn, IDENTITY, self))
