"""Address books and contact cards (JMAP for Contacts, RFC 9610,
urn:ietf:params:jmap:contacts): what is specific to them (the ContactCard/query filter, a
new card's defaults, names for addresses), and the client's contact methods.

Every call names the contacts capability in ``using``; a session that does not advertise
it makes them raise :class:`~caldav.jmap.error.JMAPCapabilityError` before anything is
sent.  Cards are JSContact (RFC 9553) objects, read into
:class:`~caldav.jmap.objects.contact.JMAPContactCard`.  The rest is the generic engine's,
driven by :data:`~caldav.jmap._registry.CONTACT` and :data:`~caldav.jmap._registry.ADDRESS_BOOK`.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any, NamedTuple

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap._methods.principal import utc_datetime
from caldav.jmap._operation import ClientCore, operation
from caldav.jmap._protocol.objects import (
    Changes,
    copy_object,
    create_object,
    delete_object,
    get_all,
    object_changes,
    read_objects,
    read_one,
    search,
    update_object,
)
from caldav.jmap._protocol.operations import (
    QueryChanges,
    QueryIds,
    account_of,
    current_state,
    query_changes,
    query_ids,
    query_objects,
    set_one,
)
from caldav.jmap._protocol.request import Invocation, RequestBuilder
from caldav.jmap._protocol.response import Responses
from caldav.jmap._protocol.standard import parse_get
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._registry import ADDRESS_BOOK, CONTACT
from caldav.jmap.error import JMAPError
from caldav.jmap.objects.contact import (
    ADDRESS_BOOK_WRITABLE_FIELDS,
    JSCONTACT_VERSION,
    JMAPAddressBook,
    JMAPContactCard,
    card_emails,
    card_full_name,
)

__all__ = [
    "ADDRESS_BOOK_FIELDS",
    "CONTACT_FILTERS",
    "ContactMethods",
    "ContactNameCalls",
    "add_contact_name_calls",
    "contact_filter",
    "contact_names",
]

#: ContactCard/query FilterCondition (RFC 9610 §3.3.1): keyword argument -> property
#: (the names are the spec's).
CONTACT_FILTERS: dict[str, str] = CONTACT.keyword_filters

#: The filters whose values are UTCDates.
_DATE_FILTERS = frozenset({"createdBefore", "createdAfter", "updatedBefore", "updatedAfter"})

#: The properties create_address_book takes besides the name.
ADDRESS_BOOK_FIELDS = ADDRESS_BOOK_WRITABLE_FIELDS

#: How many cards find_contact_by_email reads to find the one with exactly that address.
EMAIL_LOOKUP_LIMIT = 50


def _filter_value(name: str, value: Any) -> Any:
    return utc_datetime(value, name) if name in _DATE_FILTERS else value


def contact_filter(what: str, **filters: Any) -> JSONObject:
    """The ContactCard/query FilterCondition for keyword ``filters`` (see
    :data:`CONTACT_FILTERS`; dates may be datetimes, dates or ISO strings)."""
    return CONTACT.filter_condition(filters, what, _filter_value)


def _new_card(card: Any) -> JSONObject:
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


def _duplicate(card: JSONObject) -> JSONObject:
    """A card copied within its account: the same content under a new uid."""
    return _new_card({k: v for k, v in card.items() if k != "uid"})


class ContactMethods(ClientCore):
    """The client's address book and contact card methods."""

    # -- address books -------------------------------------------------------------------

    @operation
    def get_address_books(self) -> Steps[list[JMAPAddressBook]]:
        """Every address book of the account."""
        return (yield from get_all(self._conn, ADDRESS_BOOK, self))

    @operation
    def create_address_book(self, /, name: str, **props: JSONValue) -> Steps[str]:
        """Create an address book; keyword arguments: description, sort_order,
        is_subscribed, share_with.  Returns its id."""
        return (yield from create_object(self._conn, ADDRESS_BOOK, props, {"name": name}))

    @operation
    def update_address_book(self, address_book_id: str, patch: JSONObject) -> Steps[None]:
        """Apply ``patch`` (JMAP or snake_case property names) to the address book."""
        return (yield from update_object(self._conn, ADDRESS_BOOK, address_book_id, patch))

    @operation
    def delete_address_book(
        self, address_book_id: str, *, remove_contents: bool = False
    ) -> Steps[None]:
        """Delete an address book; one with cards only with ``remove_contents=True``
        (onDestroyRemoveContents; otherwise ``addressBookHasContents`` is raised)."""
        return (
            yield from delete_object(self._conn, ADDRESS_BOOK, address_book_id, remove_contents)
        )

    @operation
    def get_address_book_sync_token(self) -> Steps[str]:
        """The address books' state, for :meth:`get_address_book_changes`."""
        return (yield from current_state(self._conn, ADDRESS_BOOK))

    @operation
    def get_address_book_changes(self, state: str) -> Steps[Changes[JMAPAddressBook]]:
        """``(created, updated, destroyed_ids, new_state)`` of address books since ``state``."""
        return (yield from object_changes(self._conn, ADDRESS_BOOK, state, self))

    # -- cards ---------------------------------------------------------------------------

    @operation
    def get_contacts(self, address_book_id: str | None = None) -> Steps[list[JMAPContactCard]]:
        """Every contact card (of one address book, or of all)."""
        condition = contact_filter("search_contacts", in_address_book=address_book_id)
        return (yield from search(self._conn, CONTACT, self, filter=condition or None))

    @operation
    def get_contact(self, contact_id: str) -> Steps[JMAPContactCard]:
        """The contact card ``contact_id``; a missing one raises JMAPNotFoundError."""
        return (yield from read_one(self._conn, CONTACT, contact_id, self))

    @operation
    def create_contact(
        self, address_book_id: str, card: JSONObject | JMAPContactCard
    ) -> Steps[str]:
        """Create a contact card (a JSContact Card dict, or a JMAPContactCard) in an
        address book; returns its id."""
        new = {**_new_card(card), **CONTACT.in_container(address_book_id)}
        account_id = yield from account_of(self._conn, CONTACT)
        return (yield from set_one(self._conn, CONTACT, account_id, create=new)).id

    @operation
    def update_contact(self, contact_id: str, patch: JSONObject) -> Steps[None]:
        """Apply ``patch`` (a JSContact PatchObject) to the contact card."""
        return (yield from update_object(self._conn, CONTACT, contact_id, patch))

    @operation
    def delete_contact(self, contact_id: str) -> Steps[None]:
        """Delete the contact card ``contact_id``."""
        return (yield from delete_object(self._conn, CONTACT, contact_id))

    @operation
    def search_contacts(self, /, **filters: Any) -> Steps[list[JMAPContactCard]]:
        """Contact cards matching ``filters`` (RFC 9610's FilterCondition in snake_case:
        in_address_book, uid, has_member, kind, created_before, created_after,
        updated_before, updated_after, text, name, name_given, name_surname,
        name_surname2, nickname, organization, email, phone, online_service, address,
        note); one round trip per page.  An unknown filter raises TypeError."""
        condition = contact_filter("search_contacts", **filters)
        return (yield from search(self._conn, CONTACT, self, filter=condition or None))

    @operation
    def query_contact_ids(self, /, **filters: Any) -> Steps[QueryIds]:
        """``(ids, query_state, total)`` of the cards matching ``filters``; the state is
        for :meth:`get_contact_query_changes`."""
        condition = contact_filter("query_contact_ids", **filters)
        account_id = yield from account_of(self._conn, CONTACT)
        return (yield from query_ids(self._conn, CONTACT, account_id, filter=condition or None))

    @operation
    def get_contact_query_changes(self, /, query_state: str, **filters: Any) -> Steps[QueryChanges]:
        """``(removed_ids, added, new_query_state)`` of the query with ``filters`` since
        ``query_state``; ``added`` holds (index, id) pairs."""
        condition = contact_filter("get_contact_query_changes", **filters)
        account_id = yield from account_of(self._conn, CONTACT)
        return (
            yield from query_changes(
                self._conn, CONTACT, account_id, query_state, condition or None
            )
        )

    @operation
    def get_contact_sync_token(self) -> Steps[str]:
        """The contact cards' state, for :meth:`get_contact_changes`."""
        return (yield from current_state(self._conn, CONTACT))

    @operation
    def get_contact_changes(self, state: str) -> Steps[Changes[JMAPContactCard]]:
        """``(created, updated, destroyed_ids, new_state)`` of contact cards since
        ``state``: the whole delta (or an error)."""
        return (yield from object_changes(self._conn, CONTACT, state, self))

    @operation
    def copy_contact(
        self,
        contact_id: str,
        to_address_book_id: str,
        *,
        to_account_id: str | None = None,
        move: bool = False,
    ) -> Steps[str]:
        """Copy (``move``: move) a card into an address book, of this account or of
        ``to_account_id`` (ContactCard/copy); returns the id of the card there."""
        return (
            yield from copy_object(
                self._conn, CONTACT, contact_id, to_address_book_id, to_account_id, move, _duplicate
            )
        )

    @operation
    def find_contact_by_email(self, email: str) -> Steps[JMAPContactCard | None]:
        """The contact card with exactly the address ``email`` (case-insensitive), or None;
        one round trip."""
        # the email filter may match by substring: of the cards it finds, the first with
        # exactly that address
        address = _bare(email)
        account_id = yield from account_of(self._conn, CONTACT)
        found = yield from query_objects(
            self._conn, CONTACT, account_id, filter={"email": address}, limit=EMAIL_LOOKUP_LIMIT
        )
        for obj in found:
            if any(_same_address(a, address) for a in card_emails(obj)):
                return read_objects(self._conn, CONTACT, [obj], self)[0]
        return None


def _same_address(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def _bare(email: str) -> str:
    email = email.strip()
    return email[7:] if email[:7].lower() == "mailto:" else email


# -- names for addresses, batched into someone else's request (scheduling) ------------------


class ContactNameCalls(NamedTuple):
    """The two calls :func:`add_contact_name_calls` adds: the query and its /get."""

    query: Invocation
    get: Invocation


def add_contact_name_calls(
    builder: RequestBuilder, account_id: str, emails: list[str], max_cards: int
) -> ContactNameCalls:
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
    return ContactNameCalls(query, get)


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
