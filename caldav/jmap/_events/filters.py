"""CalendarEvent/query filters: conditions, AND/OR/NOT, their JMAP form, and sorting.

A :class:`Filter` is one JMAP FilterCondition (every property must hold), made of
:class:`Leaf` objects: one JMAP property each.  Filters and operators combine with
:func:`AND`, :func:`OR`, :func:`NOT` (or ``&``, ``|``, ``~``).  :func:`render` writes
them in a server's form of the calendar filter; :func:`build_query` turns the search
methods' arguments into an :class:`EventQuery`.  Documented as :mod:`caldav.jmap.query`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone

from caldav.jmap import _arguments as arguments
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert.datetime import format_local

__all__ = [
    "AND",
    "EXTENSION_FILTERS",
    "NOT",
    "OR",
    "EventQuery",
    "Filter",
    "Leaf",
    "Node",
    "Operator",
    "build_query",
    "leaves_of",
    "local_datetime",
    "make_sort",
    "merge",
    "render",
]

#: The snake_case keyword of each FilterCondition property (draft-ietf-jmap-calendars-27
#: plus the extensions), and the JMAP name it is sent as.
CONDITION_NAMES: dict[str, str] = {
    "calendar_id": "inCalendars",
    "in_calendars": "inCalendars",
    "start": "after",
    "after": "after",
    "end": "before",
    "before": "before",
    "text": "text",
    "title": "title",
    "description": "description",
    "location": "location",
    "owner": "owner",
    "attendee": "attendee",
    "uid": "uid",
    "has_keyword": "hasKeyword",
    "not_keyword": "notKeyword",
    "participant_is": "participantIs",
    "is_undecided": "isUndecided",
    "is_rejected": "isRejected",
    "has_attachment": "hasAttachment",
}

#: Filters the current draft lacks: evaluated by the client where the server rejects them.
EXTENSION_FILTERS = frozenset(
    {"hasKeyword", "notKeyword", "participantIs", "isUndecided", "isRejected", "hasAttachment"}
)

#: What kind of index a server filter property uses.  Cyrus 3.10 answers an OR/NOT that
#: mixes kinds wrongly (or drops the connection), so there such an operator is evaluated by
#: the client (see :func:`plan_query`).
KINDS = {
    "text": "text",
    "title": "text",
    "description": "text",
    "location": "text",
    "owner": "text",
    "attendee": "text",
    "after": "time",
    "before": "time",
    "uid": "uid",
    "inCalendars": "calendar",
}

BOOLEAN_FILTERS = frozenset({"isUndecided", "isRejected", "hasAttachment"})


def local_datetime(value: object, what: str) -> str:
    """A search bound as the LocalDateTime in UTC that CalendarEvent/query filters take.

    Accepts an aware datetime (converted to UTC), a naive datetime (taken as UTC), a date
    (its midnight, UTC) or an ISO string ("2026-01-01T10:00:00", with or without "Z").
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return format_local(value)
    if isinstance(value, date):
        return format_local(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError:
            raise ValueError(f"{what} is not an ISO date-time: {value!r}") from None
        return local_datetime(parsed, what)
    raise TypeError(f"{what} must be a datetime, a date or an ISO string, not {type(value)!r}")


#: A leaf's normalised value: a string (a LocalDateTime for after/before), a flag, or the
#: calendar ids of inCalendars.
LeafValue = str | bool | tuple[str, ...]


def _calendar_ids(value: object) -> tuple[str, ...]:
    """One id or an iterable of ids as a tuple; () when that is not what ``value`` is."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable):
        return ()
    ids = tuple(value)
    return ids if all(isinstance(i, str) for i in ids) else ()


@dataclass(frozen=True)
class Leaf:
    """One FilterCondition property: its JMAP ``name`` and normalised ``value`` (a tuple
    of calendar ids for inCalendars, a LocalDateTime for after/before)."""

    name: str
    value: LeafValue

    @classmethod
    def make(cls, keyword: str, value: object) -> Leaf:
        """The leaf for a snake_case keyword argument (TypeError for an unknown one)."""
        name = CONDITION_NAMES.get(keyword)
        if name is None:
            raise TypeError(
                f"unknown filter {keyword!r}; known: {', '.join(sorted(CONDITION_NAMES))}"
            )
        if name == "inCalendars":
            ids = _calendar_ids(value)
            if not ids:
                raise TypeError(f"{keyword} takes calendar ids, not {value!r}")
            return cls(name, ids)
        if name in ("after", "before"):
            return cls(name, local_datetime(value, keyword))
        if name in BOOLEAN_FILTERS:
            if not isinstance(value, bool):
                raise TypeError(f"{keyword} takes True or False, not {value!r}")
            return cls(name, value)
        if not isinstance(value, str):
            raise TypeError(f"{keyword} takes a string, not {value!r}")
        return cls(name, value)

    @property
    def ids(self) -> tuple[str, ...]:
        """The calendar ids of an inCalendars leaf (none for another)."""
        return self.value if isinstance(self.value, tuple) else ()

    @property
    def kind(self) -> str:
        return KINDS.get(self.name, self.name)

    def to_jmap(self, in_calendars: bool = True) -> JSONObject:
        """The FilterCondition or FilterOperator (several calendars, one-calendar dialect)."""
        if self.name != "inCalendars":
            return {self.name: self.value}
        if in_calendars:
            return {"inCalendars": list(self.ids)}
        if len(self.ids) == 1:
            return {"inCalendar": self.ids[0]}
        return {"operator": "OR", "conditions": [{"inCalendar": i} for i in self.ids]}


class _Combinable:
    def __and__(self, other: Node) -> Operator:
        return AND(self, other)  # type: ignore[arg-type]

    def __or__(self, other: Node) -> Operator:
        return OR(self, other)  # type: ignore[arg-type]

    def __invert__(self) -> Operator:
        return NOT(self)  # type: ignore[arg-type]


@dataclass(frozen=True, init=False)
class Filter(_Combinable):
    """A FilterCondition: every given property must hold.

    Keywords: ``calendar_id`` / ``in_calendars`` (ids), ``start`` / ``after`` and ``end`` /
    ``before`` (datetimes, dates or ISO strings: the event ends after / starts before),
    ``text``, ``title``, ``description``, ``location``, ``owner``, ``attendee``, ``uid``
    (strings), ``has_keyword`` / ``not_keyword`` (a keyword, i.e. CATEGORIES value),
    ``participant_is`` (an email or calendar address), ``is_undecided`` / ``is_rejected``
    (the user's participant has needs-action / declined), ``has_attachment``.
    None values are left out.
    """

    leaves: tuple[Leaf, ...]

    def __init__(self, **conditions: object) -> None:
        leaves: list[Leaf] = []
        for keyword, value in conditions.items():
            if value is None:
                continue
            leaf = Leaf.make(keyword, value)
            if any(existing.name == leaf.name for existing in leaves):
                raise TypeError(f"{leaf.name} is given twice; combine two conditions with AND(...)")
            leaves.append(leaf)
        object.__setattr__(self, "leaves", tuple(leaves))

    @classmethod
    def of(cls, leaves: Iterable[Leaf]) -> Filter:
        """A Filter of these leaves."""
        made = cls()
        object.__setattr__(made, "leaves", tuple(leaves))
        return made

    def __repr__(self) -> str:
        return "Filter(" + ", ".join(f"{leaf.name}={leaf.value!r}" for leaf in self.leaves) + ")"


@dataclass(frozen=True)
class Operator(_Combinable):
    """A FilterOperator (RFC 8620 §5.5): AND, OR or NOT (none of) its conditions."""

    operator: str
    conditions: tuple[Node, ...]

    def __post_init__(self) -> None:
        if self.operator not in ("AND", "OR", "NOT"):
            raise ValueError(f"a FilterOperator is AND, OR or NOT, not {self.operator!r}")
        for condition in self.conditions:
            if not isinstance(condition, (Filter, Operator)):
                raise TypeError(f"not a Filter or an operator: {condition!r}")


Node = Filter | Operator


def AND(*conditions: Node) -> Operator:  # noqa: N802 - the operator's JMAP name
    """All of ``conditions``."""
    return Operator("AND", conditions)


def OR(*conditions: Node) -> Operator:  # noqa: N802
    """Any of ``conditions``."""
    return Operator("OR", conditions)


def NOT(*conditions: Node) -> Operator:  # noqa: N802
    """None of ``conditions``."""
    return Operator("NOT", conditions)


def leaves_of(node: Node) -> Iterator[Leaf]:
    """Every leaf under ``node``."""
    if isinstance(node, Filter):
        yield from node.leaves
    else:
        for child in node.conditions:
            yield from leaves_of(child)


def render(node: Node, in_calendars: bool = True) -> JSONObject:
    """``node`` as a JMAP FilterCondition / FilterOperator (``in_calendars``: the server
    filters by a list of calendars, else by one)."""
    if isinstance(node, Operator):
        return {
            "operator": node.operator,
            "conditions": [render(c, in_calendars) for c in node.conditions],
        }
    return merge([leaf.to_jmap(in_calendars) for leaf in node.leaves])


def merge(parts: list[JSONObject]) -> JSONObject:
    """One FilterCondition holding the parts that can merge (distinct properties), ANDed
    with the rest (operators, repeated properties)."""
    merged: JSONObject = {}
    rest: list[JSONObject] = []
    for part in parts:
        if "operator" in part or any(key in merged for key in part):
            rest.append(part)
        else:
            merged.update(part)
    if not rest:
        return merged
    return {"operator": "AND", "conditions": ([merged] if merged else []) + rest}


# -- sorting -----------------------------------------------------------------------------

SORT_NAMES = {"recurrence_id": "recurrenceId"}


def make_sort(sort: object) -> list[JSONObject] | None:
    """Comparators from ``sort``: a property name ("start"; "-start" descending), a
    (property, ascending) pair, a Comparator dict, or a list of these."""
    if sort is None:
        return None
    if isinstance(sort, (str, dict)) or (
        isinstance(sort, tuple) and len(sort) == 2 and isinstance(sort[1], bool)
    ):
        sort = [sort]
    if not isinstance(sort, Iterable):
        raise TypeError(f"sort takes a name, a (name, ascending) pair, a dict or a list: {sort!r}")
    comparators = []
    for item in sort:
        if isinstance(item, dict):
            if not isinstance(item.get("property"), str):
                raise TypeError(f"a Comparator needs a property: {item!r}")
            comparators.append(dict(item))
        elif isinstance(item, str):
            name, ascending = (item[1:], False) if item.startswith("-") else (item, True)
            comparators.append({"property": SORT_NAMES.get(name, name), "isAscending": ascending})
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            name, ascending = item
            comparators.append(
                {"property": SORT_NAMES.get(name, name), "isAscending": bool(ascending)}
            )
        else:
            raise TypeError(f"a sort key is a name, a (name, ascending) pair or a dict: {item!r}")
    return comparators


# -- a whole query -----------------------------------------------------------------------


@dataclass
class EventQuery:
    """What to ask CalendarEvent/query: the filter and the /query arguments."""

    filter: Node | None = None
    sort: list[JSONObject] | None = None
    position: int = 0
    anchor: str | None = None
    anchor_offset: int = 0
    limit: int | None = None
    expand_recurrences: bool = False
    time_zone: str | None = None

    def extra(self) -> JSONObject:
        """The CalendarEvent-specific /query arguments (JMAP arguments)."""
        extra: JSONObject = {}
        if self.expand_recurrences:
            extra["expandRecurrences"] = True
        if self.time_zone is not None:
            extra["timeZone"] = self.time_zone
        return extra


def build_query(
    filter: Node | None = None,
    sort: object = None,
    position: int | None = None,
    anchor: str | None = None,
    anchor_offset: int | None = None,
    limit: int | None = None,
    expand_recurrences: bool = False,
    time_zone: str | None = None,
    **conditions: object,
) -> EventQuery:
    """An :class:`EventQuery` from the search methods' arguments: the keyword conditions
    (see :class:`Filter`) ANDed with ``filter``."""
    node: Node | None = filter
    if node is not None and not isinstance(node, (Filter, Operator)):
        raise TypeError(f"filter must be a Filter or an AND/OR/NOT operator, not {node!r}")
    keyword = Filter(**conditions)
    if keyword.leaves:
        node = keyword if node is None else AND(keyword, node)
    arguments.whole_number(limit, "limit", optional=True)
    arguments.whole_number(position, "position", optional=True, minimum=-(2**53))
    arguments.whole_number(anchor_offset, "anchor_offset", optional=True, minimum=-(2**53))
    return EventQuery(
        filter=node,
        sort=make_sort(sort),
        position=position or 0,
        anchor=anchor,
        anchor_offset=anchor_offset or 0,
        limit=limit,
        expand_recurrences=expand_recurrences,
        time_zone=time_zone,
    )
