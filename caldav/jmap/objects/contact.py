"""JMAPAddressBook and JMAPContactCard: the objects of JMAP for Contacts (RFC 9610).

A ContactCard is a JSContact Card (RFC 9553) with ``id`` and ``addressBookIds``.  The
Card is a rich object (names in components, maps of emails, phones, addresses keyed by
ids); :class:`JMAPContactCard` keeps it whole in ``card`` and offers the common fields as
plain Python values: the full name, lists of email addresses, phone numbers, addresses and
organization names.  ``to_jmap()`` writes changes of those fields back into the Card,
keeping every entry (with its contexts, labels, preferences) that still has its value.

Example::

    card = JMAPContactCard(name="Joe Bloggs", emails=["joe@example.com"])
    contact_id = client.create_contact(book_id, card.to_jmap())
    joe = client.get_contact(contact_id)
    joe.phones.append("+1-555-0100")
    client.update_contact(joe.id, {"phones": joe.to_jmap()["phones"]})
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.error import JMAPError
from caldav.jmap.objects.base import JMAPObject

__all__ = [
    "ADDRESS_BOOK_WRITABLE_FIELDS",
    "JMAPAddressBook",
    "JMAPContactCard",
    "card_addresses",
    "card_emails",
    "card_full_name",
]

#: The AddressBook properties a client may set (snake_case names), RFC 9610 §2.
ADDRESS_BOOK_WRITABLE_FIELDS = ("description", "sort_order", "is_subscribed", "share_with")

#: The JSContact version this client writes new cards in (RFC 9553 §2.1.9).
JSCONTACT_VERSION = "1.0"


@dataclass
class JMAPAddressBook(JMAPObject):
    """An AddressBook: a named collection of ContactCards (RFC 9610 §2)."""

    id: str
    name: str = ""
    description: str | None = None
    sort_order: int | None = None
    is_default: bool | None = None
    is_subscribed: bool | None = None
    share_with: JSONObject | None = None
    my_rights: JSONObject | None = None
    extra: JSONObject = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)


def _entries(card: JSONObject, key: str) -> list[tuple[str, JSONObject]]:
    """The (id, object) entries of a JSContact map, most preferred first (``pref`` 1 is
    the highest; entries without one come after, in the map's order)."""
    items = card.get(key)
    if not isinstance(items, dict):
        return []
    entries = [(k, v) for k, v in items.items() if isinstance(v, dict)]
    return sorted(
        entries,
        key=lambda kv: kv[1]["pref"] if isinstance(kv[1].get("pref"), int) else 101,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _joined(components: Any, default_separator: str) -> str | None:
    """The value of a Name or Address from its components: in their order, with the
    ``separator`` components where given, else ``default_separator`` between values."""
    if not isinstance(components, list):
        return None
    parts = [c for c in components if isinstance(c, dict) and isinstance(c.get("value"), str)]
    if not parts:
        return None
    if any(c.get("kind") == "separator" for c in parts):
        return "".join(c["value"] for c in parts).strip() or None
    return default_separator.join(c["value"] for c in parts if c["value"]) or None


def card_full_name(card: JSONObject) -> str | None:
    """The card's full name: ``name/full``, else its components in order."""
    name = card.get("name")
    if not isinstance(name, dict):
        return None
    return _text(name.get("full")) or _joined(name.get("components"), " ")


def card_emails(card: JSONObject) -> list[str]:
    """The card's email addresses, most preferred first."""
    return [v["address"] for _, v in _entries(card, "emails") if _text(v.get("address"))]


def _address_text(address: JSONObject) -> str | None:
    return _text(address.get("full")) or _joined(address.get("components"), ", ")


def card_addresses(card: JSONObject) -> list[str]:
    """The card's postal addresses as text (``full``, else the components joined)."""
    found = (_address_text(v) for _, v in _entries(card, "addresses"))
    return [text for text in found if text]


_LISTS: dict[str, tuple[str, Any]] = {
    # field -> (Card property, how an entry's value is read)
    "emails": ("emails", lambda v: _text(v.get("address"))),
    "phones": ("phones", lambda v: _text(v.get("number"))),
    "addresses": ("addresses", _address_text),
    "organizations": ("organizations", lambda v: _text(v.get("name"))),
}

_NEW_ENTRY: JSONObject = {
    "emails": lambda value: {"@type": "EmailAddress", "address": value},
    "phones": lambda value: {"@type": "Phone", "number": value},
    "addresses": lambda value: {"@type": "Address", "full": value},
    "organizations": lambda value: {"@type": "Organization", "name": value},
}


def _merged_map(
    old: JSONObject, values: list[str], read: Any, new_entry: Any, prefix: str
) -> JSONObject:
    """The JSContact map holding ``values``: an old entry is kept (whole) for each value it
    still has, new values get new entries; ids stay, new ids do not collide."""
    unused = {k: v for k, v in old.items() if isinstance(v, dict)}
    result: JSONObject = {}
    fresh = 0
    for value in values:
        match = next((k for k, v in unused.items() if read(v) == value), None)
        if match is not None:
            result[match] = unused.pop(match)
            continue
        while f"{prefix}{fresh}" in old or f"{prefix}{fresh}" in result:
            fresh += 1
        result[f"{prefix}{fresh}"] = new_entry(value)
    return result


@dataclass
class JMAPContactCard:
    """A ContactCard: the JSContact Card in ``card``, the common fields as Python values.

    ``name`` is the full name; ``emails``, ``phones``, ``addresses`` and ``organizations``
    are lists of strings (address, number, address text, organization name), most
    preferred first.  Change them and ``to_jmap()`` returns the Card with the changes.
    """

    id: str | None = None
    address_book_ids: list[str] = field(default_factory=list)
    name: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    card: JSONObject = field(default_factory=dict, repr=False)
    client: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_jmap(cls, data: Any, client: Any = None) -> JMAPContactCard:
        """Read a ContactCard as the server sent it."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise JMAPError(reason="a ContactCard from the server has no id")
        books = data.get("addressBookIds") or {}
        if not isinstance(books, dict):
            raise JMAPError(reason="ContactCard property 'addressBookIds' is not an object")
        card = copy.deepcopy(data)
        return cls(
            id=data["id"],
            address_book_ids=[k for k, v in books.items() if v],
            name=card_full_name(card),
            card=card,
            client=client,
            **{
                name: [t for t in (read(v) for _, v in _entries(card, key)) if t]
                for name, (key, read) in _LISTS.items()
            },
        )

    @property
    def uid(self) -> str | None:
        """The card's uid (RFC 9553 §2.1.9)."""
        return _text(self.card.get("uid"))

    @property
    def kind(self) -> str | None:
        """``individual``, ``group``, ``org``, ... (RFC 9553 §2.1.4), if given."""
        return _text(self.card.get("kind"))

    def to_jmap(self) -> JSONObject:
        """The ContactCard: ``card`` with the fields' changes written into it.

        A new card (no ``card``) gets ``@type`` Card and ``version`` 1.0.  The full name,
        when changed, replaces the Name object (its components would contradict it).
        """
        card = copy.deepcopy(self.card)
        card.setdefault("@type", "Card")
        card.setdefault("version", JSCONTACT_VERSION)
        if self.id is not None:
            card["id"] = self.id
        if self.address_book_ids or "addressBookIds" in card:
            card["addressBookIds"] = {book: True for book in self.address_book_ids}
        if self.name != card_full_name(card):
            if self.name:
                card["name"] = {"@type": "Name", "full": self.name}
            else:
                card.pop("name", None)
        for name, (key, read) in _LISTS.items():
            values = list(getattr(self, name))
            current = [t for t in (read(v) for _, v in _entries(card, key)) if t]
            if values == current:
                continue
            given = card.get(key)
            old: JSONObject = given if isinstance(given, dict) else {}
            merged = _merged_map(old, values, read, _NEW_ENTRY[name], key[0])
            if merged:
                # the list's order is the preference order
                for rank, entry in enumerate(merged.values(), start=1):
                    if len(merged) > 1:
                        entry["pref"] = min(rank, 100)  # RFC 9553: 1..100
                card[key] = merged
            else:
                card.pop(key, None)
        return card
