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

from typing import Any

from caldav.jmap.constants import CALENDAR_CAPABILITY, PRINCIPALS_CAPABILITY
from caldav.jmap.error import JMAPCapabilityError, JMAPError, JMAPMethodError, JMAPNotFoundError
from caldav.jmap.methods.event import local_datetime
from caldav.jmap.objects.principal import BusyPeriod, JMAPParticipantIdentity, JMAPPrincipal
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import get_by_ids, query_objects
from caldav.jmap.protocol.request import Call
from caldav.jmap.protocol.standard import DataType
from caldav.jmap.protocol.steps import Steps
from caldav.jmap.session import Account, Session

__all__ = [
    "IDENTITY",
    "PRINCIPAL",
    "PRINCIPALS_AVAILABILITY_CAPABILITY",
    "PRINCIPALS_OWNER_CAPABILITY",
    "availability_call",
    "get_accounts",
    "get_availability",
    "get_current_principal",
    "get_participant_identities",
    "get_principals",
    "principal_account",
    "resolve_principal",
    "search_principals",
    "utc_datetime",
]

#: Principal/getAvailability in the current draft (Cyrus 3.10 does not advertise it).
PRINCIPALS_AVAILABILITY_CAPABILITY = "urn:ietf:params:jmap:principals:availability"
#: The account capability naming the principal that owns an account (RFC 9670 §2.2).
PRINCIPALS_OWNER_CAPABILITY = "urn:ietf:params:jmap:principals:owner"

PRINCIPAL = DataType(
    "Principal",
    PRINCIPALS_CAPABILITY,
    filters=("accountIds", "email", "name", "text", "type", "timeZone"),
)
IDENTITY = DataType("ParticipantIdentity", CALENDAR_CAPABILITY)

AVAILABILITY_METHOD = "Principal/getAvailability"


def utc_datetime(value: Any, what: str) -> str:
    """``value`` as a UTCDateTime ("2026-03-02T09:00:00Z").

    Accepts an aware datetime (converted to UTC), a naive datetime (taken as UTC), a date
    (its midnight, UTC) or an ISO string (with "Z", an offset, or none: UTC).
    """
    return local_datetime(value, what) + "Z"


def principal_account(conn: Connection) -> Steps[str]:
    """The account holding the Principal objects: the session's principal account."""
    session = yield from conn.ensure_session()
    return session.account_id_for(PRINCIPALS_CAPABILITY)


def _principals(objects: list[dict[str, Any]], client: Any) -> list[JMAPPrincipal]:
    return [JMAPPrincipal.from_jmap(obj, client) for obj in objects]


def get_principals(conn: Connection, client: Any = None) -> Steps[list[JMAPPrincipal]]:
    """Every principal the user may see: Principal/query with /get by reference, one round
    trip per page (Cyrus refuses a /get of every principal, ``ids: null``)."""
    account_id = yield from principal_account(conn)
    found = yield from query_objects(conn, PRINCIPAL, account_id)
    return _principals(found, client)


def search_principals(
    conn: Connection,
    client: Any = None,
    *,
    text: str | None = None,
    email: str | None = None,
    name: str | None = None,
    type: str | None = None,
) -> Steps[list[JMAPPrincipal]]:
    """Principals matching every given condition (``email``, ``name``, ``text``: contains;
    ``type``: equals); none given finds all."""
    condition = {
        key: value
        for key, value in (("text", text), ("email", email), ("name", name), ("type", type))
        if value is not None
    }
    account_id = yield from principal_account(conn)
    found = yield from query_objects(conn, PRINCIPAL, account_id, filter=condition or None)
    return _principals(found, client)


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


def get_current_principal(conn: Connection, client: Any = None) -> Steps[JMAPPrincipal]:
    """The principal of the authenticated user (currentUserPrincipalId)."""
    account_id = yield from principal_account(conn)
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
    return JMAPPrincipal.from_jmap(result.objects[0], client)


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
    found = yield from search_principals(conn, email=address)
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
    arguments: dict[str, Any] = {} if account_id is None else {"accountId": account_id}
    arguments.update(id=principal_id, utcStart=start, utcEnd=end)
    if show_details:
        arguments["showDetails"] = True
    if event_properties is not None:
        arguments["eventProperties"] = list(event_properties)
    extra = (PRINCIPALS_AVAILABILITY_CAPABILITY,) if standard else ()
    return Call(AVAILABILITY_METHOD, arguments, PRINCIPALS_CAPABILITY, extra)


def _names_account_id(error: JMAPMethodError) -> bool:
    arguments = error.details.get("arguments") if isinstance(error.details, dict) else None
    return (
        error.error_type == "invalidArguments"
        and isinstance(arguments, list)
        and "accountId" in arguments
    )


def _busy_periods(args: dict[str, Any]) -> list[BusyPeriod]:
    items = args.get("list")
    if not isinstance(items, list):
        raise JMAPError(reason=f"the {AVAILABILITY_METHOD} response's 'list' is not a list")
    return [BusyPeriod.from_jmap(item) for item in items]


def get_availability(
    conn: Connection,
    principal: str,
    start: Any,
    end: Any,
    show_details: bool = False,
    event_properties: list[str] | None = None,
) -> Steps[list[BusyPeriod]]:
    """The busy periods of ``principal`` (an id or an email address) in ``start``..``end``."""
    utc_start, utc_end = utc_datetime(start, "start"), utc_datetime(end, "end")
    principal_id = yield from resolve_principal(conn, principal)
    account_id = yield from principal_account(conn)
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


def get_participant_identities(
    conn: Connection, client: Any = None
) -> Steps[list[JMAPParticipantIdentity]]:
    """Every ParticipantIdentity of the calendar account."""
    account_id = yield from conn.account_for()
    result = yield from get_by_ids(conn, IDENTITY, account_id, None)
    return [JMAPParticipantIdentity.from_jmap(obj, client) for obj in result.objects]


def get_accounts(conn: Connection, refresh: bool = True) -> Steps[list[Account]]:
    """The session's accounts with calendars: the user's own and those shared with them.

    With ``refresh`` the session is fetched again first: a server may list an account
    shared a moment ago without changing its ``sessionState`` (Cyrus 3.10 does), so the
    session a client holds would not show it.
    """
    if refresh:
        conn.refresh_session()
    session = yield from conn.ensure_session()
    return session.accounts_for(CALENDAR_CAPABILITY)
