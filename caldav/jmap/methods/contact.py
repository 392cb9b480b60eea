"""AddressBook and ContactCard operations (JMAP for Contacts, RFC 9610,
urn:ietf:params:jmap:contacts).

Every call names the contacts capability in ``using``; a session that does not advertise
it makes them raise :class:`~caldav.jmap.error.JMAPCapabilityError` before anything is
sent.  Cards are JSContact (RFC 9553) objects, read into
:class:`~caldav.jmap.objects.contact.JMAPContactCard`.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from caldav.jmap.constants import CONTACTS_CAPABILITY
from caldav.jmap.error import JMAPError, JMAPNotFoundError
from caldav.jmap.methods.principal import utc_datetime
from caldav.jmap.methods.task import copy_to_account, query_changes, query_filter, query_ids
from caldav.jmap.objects.base import camel_case
from caldav.jmap.objects.contact import (
    ADDRESS_BOOK_WRITABLE_FIELDS,
    JSCONTACT_VERSION,
    JMAPAddressBook,
    JMAPContactCard,
    card_emails,
    card_full_name,
)
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import (
    changes_as,
    current_state,
    get_by_ids,
    query_objects,
    set_one,
)
from caldav.jmap.protocol.request import Invocation, RequestBuilder
from caldav.jmap.protocol.response import Responses
from caldav.jmap.protocol.standard import DataType, parse_get
from caldav.jmap.protocol.steps import Steps

__all__ = [
    "ADDRESS_BOOK",
    "ADDRESS_BOOK_FIELDS",
    "CONTACT",
    "CONTACT_FILTERS",
    "add_contact_name_calls",
    "contact_filter",
    "contact_names",
    "copy_contact",
    "create_address_book",
    "create_contact",
    "delete_address_book",
    "delete_contact",
    "find_contact_by_email",
    "get_address_book_changes",
    "get_address_book_sync_token",
    "get_address_books",
    "get_contact",
    "get_contact_changes",
    "get_contact_query_changes",
    "get_contact_sync_token",
    "get_contacts",
    "query_contact_ids",
    "search_contacts",
    "update_address_book",
    "update_contact",
]

#: ContactCard/query FilterCondition (RFC 9610 §3.3.1): keyword argument -> property.
CONTACT_FILTERS: dict[str, str] = {
    "in_address_book": "inAddressBook",
    "uid": "uid",
    "has_member": "hasMember",
    "kind": "kind",
    "created_before": "createdBefore",
    "created_after": "createdAfter",
    "updated_before": "updatedBefore",
    "updated_after": "updatedAfter",
    "text": "text",
    "name": "name",
    "name_given": "name/given",
    "name_surname": "name/surname",
    "name_surname2": "name/surname2",
    "nickname": "nickname",
    "organization": "organization",
    "email": "email",
    "phone": "phone",
    "online_service": "onlineService",
    "address": "address",
    "note": "note",
}

#: The filters whose values are UTCDates.
_DATE_FILTERS = frozenset({"createdBefore", "createdAfter", "updatedBefore", "updatedAfter"})

ADDRESS_BOOK = DataType("AddressBook", CONTACTS_CAPABILITY)
CONTACT = DataType("ContactCard", CONTACTS_CAPABILITY, filters=tuple(CONTACT_FILTERS.values()))

#: The properties create_address_book takes besides the name.
ADDRESS_BOOK_FIELDS = ADDRESS_BOOK_WRITABLE_FIELDS

#: How many cards find_contact_by_email reads to find the one with exactly that address.
EMAIL_LOOKUP_LIMIT = 50


def _properties(values: dict[str, Any]) -> dict[str, Any]:
    """Snake_case or JMAP property names (or patch paths) as JMAP names."""
    return {(key if "/" in key else camel_case(key)): value for key, value in values.items()}


# -- address books ---------------------------------------------------------------------------


def get_address_books(conn: Connection, client: Any = None) -> Steps[list[JMAPAddressBook]]:
    """Every address book of the account."""
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    result = yield from get_by_ids(conn, ADDRESS_BOOK, account_id, None)
    return [JMAPAddressBook.from_jmap(obj, client) for obj in result.objects]


def create_address_book(conn: Connection, name: str, **props: Any) -> Steps[str]:
    """Create an address book; ``props`` are :data:`ADDRESS_BOOK_FIELDS`.  Returns its id."""
    unknown = set(props) - set(ADDRESS_BOOK_FIELDS)
    if unknown:
        raise TypeError(f"unknown address book properties: {', '.join(sorted(unknown))}")
    book = _properties({k: v for k, v in props.items() if v is not None})
    book["name"] = name
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    return (yield from set_one(conn, ADDRESS_BOOK, account_id, create=book)).id


def update_address_book(conn: Connection, book_id: str, patch: dict[str, Any]) -> Steps[None]:
    """Apply ``patch`` (JMAP or snake_case names, or patch paths) to the address book."""
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    yield from set_one(conn, ADDRESS_BOOK, account_id, update=(book_id, _properties(patch)))
    return None


def delete_address_book(
    conn: Connection, book_id: str, remove_contents: bool = False
) -> Steps[None]:
    """Delete the address book; one with cards only with ``remove_contents``
    (``onDestroyRemoveContents``; else the server's ``addressBookHasContents`` SetError is
    raised as a JMAPMethodError)."""
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    yield from set_one(
        conn,
        ADDRESS_BOOK,
        account_id,
        destroy=book_id,
        onDestroyRemoveContents=True if remove_contents else None,
    )
    return None


def get_address_book_sync_token(conn: Connection) -> Steps[str]:
    """The current AddressBook state, for :func:`get_address_book_changes`."""
    return (yield from current_state(conn, ADDRESS_BOOK))


def get_address_book_changes(
    conn: Connection, state: str, client: Any = None
) -> Steps[tuple[list[JMAPAddressBook], list[JMAPAddressBook], list[str], str]]:
    """(created, updated, destroyed ids, new state) of address books since ``state``."""
    return (
        yield from changes_as(
            conn, ADDRESS_BOOK, state, lambda o: JMAPAddressBook.from_jmap(o, client)
        )
    )


def _filter_value(name: str, value: Any) -> Any:
    return utc_datetime(value, name) if name in _DATE_FILTERS else value


def contact_filter(what: str, **filters: Any) -> dict[str, Any]:
    """The ContactCard/query FilterCondition for keyword ``filters`` (see
    :data:`CONTACT_FILTERS`; dates may be datetimes, dates or ISO strings)."""
    return query_filter(CONTACT_FILTERS, filters, what, _filter_value)


def _cards(objects: list[dict[str, Any]], client: Any) -> list[JMAPContactCard]:
    return [JMAPContactCard.from_jmap(obj, client) for obj in objects]


def get_contacts(
    conn: Connection, address_book_id: str | None = None, client: Any = None
) -> Steps[list[JMAPContactCard]]:
    """Every card (of one address book, or of all): ContactCard/query + /get, one round
    trip per page."""
    return (yield from search_contacts(conn, client, in_address_book=address_book_id))


def _get_raw_contact(conn: Connection, account_id: str, contact_id: str) -> Steps[dict[str, Any]]:
    result = yield from get_by_ids(conn, CONTACT, account_id, [contact_id])
    for obj in result.objects:
        if obj["id"] == contact_id:
            return obj
    raise JMAPNotFoundError(
        f"ContactCard/get: no card {contact_id}", "notFound", method="ContactCard/get"
    )


def get_contact(conn: Connection, contact_id: str, client: Any = None) -> Steps[JMAPContactCard]:
    """The card ``contact_id``; a missing one raises JMAPNotFoundError."""
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    return JMAPContactCard.from_jmap(
        (yield from _get_raw_contact(conn, account_id, contact_id)), client
    )


def _new_card(card: Any) -> dict[str, Any]:
    if isinstance(card, JMAPContactCard):
        card = card.to_jmap()
    if not isinstance(card, dict):
        raise TypeError(f"a card is a JSContact dict or a JMAPContactCard, not {type(card)!r}")
    new = copy.deepcopy(card)
    new.pop("id", None)
    new.setdefault("@type", "Card")
    new.setdefault("version", JSCONTACT_VERSION)
    new.setdefault("uid", f"urn:uuid:{uuid.uuid4()}")
    return new


def create_contact(conn: Connection, address_book_id: str, card: Any) -> Steps[str]:
    """Create a card (a JSContact Card dict, or a JMAPContactCard) in ``address_book_id``;
    ``@type``, ``version`` and a ``uid`` are added when missing.  Returns its id."""
    new = _new_card(card)
    new["addressBookIds"] = {address_book_id: True}
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    return (yield from set_one(conn, CONTACT, account_id, create=new)).id


def update_contact(conn: Connection, contact_id: str, patch: dict[str, Any]) -> Steps[None]:
    """Apply ``patch`` (a PatchObject: JSContact property names or paths such as
    ``emails/e1/address``; ``address_book_ids`` is read as addressBookIds) to the card."""
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    yield from set_one(conn, CONTACT, account_id, update=(contact_id, _properties(patch)))
    return None


def delete_contact(conn: Connection, contact_id: str) -> Steps[None]:
    """Delete the card."""
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    yield from set_one(conn, CONTACT, account_id, destroy=contact_id)
    return None


def search_contacts(
    conn: Connection, client: Any = None, **filters: Any
) -> Steps[list[JMAPContactCard]]:
    """The cards matching ``filters`` (ContactCard/query + /get by reference, one round
    trip per page)."""
    condition = contact_filter("search_contacts", **filters)
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    found = yield from query_objects(conn, CONTACT, account_id, filter=condition or None)
    return _cards(found, client)


def query_contact_ids(conn: Connection, **filters: Any) -> Steps[tuple[list[str], str, int | None]]:
    """``(ids, query_state, total)`` of the cards matching ``filters``: the state to give
    :func:`get_contact_query_changes` with the same filters."""
    condition = contact_filter("query_contact_ids", **filters)
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    return (yield from query_ids(conn, CONTACT, account_id, filter=condition or None))


def get_contact_query_changes(
    conn: Connection, query_state: str, **filters: Any
) -> Steps[tuple[list[str], list[tuple[int, str]], str]]:
    """``(removed, added, new_query_state)`` of the ContactCard query with ``filters``
    since ``query_state``; ``added`` holds (index, id) pairs."""
    condition = contact_filter("get_contact_query_changes", **filters)
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    return (yield from query_changes(conn, CONTACT, account_id, query_state, condition or None))


def get_contact_sync_token(conn: Connection) -> Steps[str]:
    """The current ContactCard state, for :func:`get_contact_changes`."""
    return (yield from current_state(conn, CONTACT))


def get_contact_changes(
    conn: Connection, state: str, client: Any = None
) -> Steps[tuple[list[JMAPContactCard], list[JMAPContactCard], list[str], str]]:
    """(created, updated, destroyed ids, new state) of cards since ``state``: the whole
    delta (ContactCard/changes with /get by reference, following hasMoreChanges)."""
    return (
        yield from changes_as(conn, CONTACT, state, lambda o: JMAPContactCard.from_jmap(o, client))
    )


def copy_contact(
    conn: Connection,
    contact_id: str,
    to_address_book_id: str,
    to_account_id: str | None = None,
    move: bool = False,
) -> Steps[str]:
    """Copy (or move) a card into ``to_address_book_id``; returns the id of the card there.

    Into another account: ContactCard/copy (onSuccessDestroyOriginal when moving).  Within
    the account: a move sets ``addressBookIds`` to the target alone (the id stays); a copy
    creates a new card with the same content and a new uid.  (To have one card in two
    address books, update ``addressBookIds/<id>`` instead.)
    """
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    books = {to_address_book_id: True}
    if to_account_id is not None and to_account_id != account_id:
        return (
            yield from copy_to_account(
                conn,
                CONTACT,
                account_id,
                to_account_id,
                contact_id,
                {"addressBookIds": books},
                move,
            )
        )
    if move:
        update = (contact_id, {"addressBookIds": books})
        return (yield from set_one(conn, CONTACT, account_id, update=update)).id
    original = yield from _get_raw_contact(conn, account_id, contact_id)
    duplicate = _new_card({k: v for k, v in original.items() if k != "uid"})
    duplicate["addressBookIds"] = books
    return (yield from set_one(conn, CONTACT, account_id, create=duplicate)).id


def _same_address(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def find_contact_by_email(
    conn: Connection, email: str, client: Any = None
) -> Steps[JMAPContactCard | None]:
    """The card with the email address ``email`` (case-insensitive, a ``mailto:`` prefix
    ignored), or None: ContactCard/query by ``email`` and /get in one round trip; of the
    cards the server matches (possibly by substring), the first with exactly that address."""
    address = _bare(email)
    account_id = yield from conn.account_for(CONTACTS_CAPABILITY)
    found = yield from query_objects(
        conn, CONTACT, account_id, filter={"email": address}, limit=EMAIL_LOOKUP_LIMIT
    )
    for obj in found:
        if any(_same_address(a, address) for a in card_emails(obj)):
            return JMAPContactCard.from_jmap(obj, client)
    return None


def _bare(email: str) -> str:
    email = email.strip()
    return email[7:] if email[:7].lower() == "mailto:" else email


# -- names for addresses, batched into someone else's request (scheduling) ------------------


def add_contact_name_calls(
    builder: RequestBuilder, account_id: str, emails: list[str], max_cards: int
) -> tuple[Invocation, Invocation]:
    """Add ContactCard/query (any of ``emails``, at most ``max_cards`` results: the
    session's maxObjectsInGet) and /get (name and emails of what it found) to ``builder``;
    :func:`contact_names` reads the answer."""
    conditions = [{"email": _bare(e)} for e in emails]
    condition = (
        conditions[0] if len(conditions) == 1 else {"operator": "OR", "conditions": conditions}
    )
    limit = min(EMAIL_LOOKUP_LIMIT * len(conditions), max_cards)
    query = builder.add(CONTACT.query(account_id, filter=condition, limit=limit))
    get = builder.add(CONTACT.get(account_id, query.ref("/ids"), ["name", "emails"]))
    return query, get


def contact_names(
    responses: Responses, calls: tuple[Invocation, Invocation], emails: list[str]
) -> dict[str, str]:
    """Lower-cased address -> the full name of the card with exactly that address, for the
    ``emails`` that have one.  Failed contact calls give no names (never an error): the
    names are a convenience."""
    try:
        answer = responses.get(calls[1].call_id, "ContactCard/get")
        cards = parse_get(answer, "ContactCard/get").objects
    except JMAPError:
        return {}  # a failed or broken answer only means no names
    wanted = {_bare(e).lower() for e in emails}
    names: dict[str, str] = {}
    for card in cards:
        name = card_full_name(card)
        if not name:
            continue
        for address in card_emails(card):
            key = address.strip().lower()
            if key in wanted:
                names.setdefault(key, name)
    return names
