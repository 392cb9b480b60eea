"""CalendarEvent/query filters: conditions, AND/OR/NOT, their JMAP form in each server's
dialect, client-side evaluation of what a server cannot filter, and a fluent searcher.

Example::

    from caldav.jmap.query import AND, NOT, OR, Filter

    wanted = AND(
        Filter(after="2026-01-01T00:00:00", before="2026-02-01T00:00:00"),
        OR(Filter(title="standup"), Filter(has_keyword="work")),
        NOT(Filter(is_rejected=True)),
    )
    events = client.search_events(filter=wanted, sort=[("start", True)], limit=10)

    # the same, fluently
    events = cal.searcher().after("2026-01-01").before("2026-02-01").is_undecided().fetch()

A :class:`Filter` is one JMAP FilterCondition (every property must hold), made of
:class:`Leaf` objects: one JMAP property each.  Filters and operators combine with
:func:`AND`, :func:`OR`, :func:`NOT` (or ``&``, ``|``, ``~``).

The draft (-27) lacks filters python-caldav users asked for: ``has_keyword``,
``not_keyword``, ``participant_is``, ``is_undecided``, ``is_rejected`` and
``has_attachment``.  They are sent under camelCase names (hasKeyword, ...) to a server
that may know them; where the server rejects one (Cyrus 3.10: invalidArguments naming
``filter/hasKeyword``), the client remembers that and evaluates it itself, with the same
result (see :class:`QueryPlan`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from caldav.jmap import arguments
from caldav.jmap.addresses import (
    normalise_address,
    participant_addresses,
)
from caldav.jmap.convert.patch import apply_patch

if TYPE_CHECKING:
    # for annotations only (both import this module)
    from caldav.jmap.api import JMAPClientAPI
    from caldav.jmap.objects.event import JMAPEvent

__all__ = [
    "AND",
    "EXTENSION_FILTERS",
    "NOT",
    "OR",
    "EventQuery",
    "EventSearcher",
    "Filter",
    "Leaf",
    "Operator",
    "QueryPlan",
    "build_query",
    "evaluate",
    "make_sort",
    "plan_query",
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

#: Filters the client can evaluate exactly from a CalendarEvent object, without the server.
LOCALLY_EXACT = EXTENSION_FILTERS | {"inCalendars", "uid"}

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


def _datetime(value: Any, what: str) -> str:
    from caldav.jmap.methods.event import local_datetime

    return local_datetime(value, what)


@dataclass(frozen=True)
class Leaf:
    """One FilterCondition property: its JMAP ``name`` and normalised ``value`` (a tuple
    of calendar ids for inCalendars, a LocalDateTime for after/before)."""

    name: str
    value: Any

    @classmethod
    def make(cls, keyword: str, value: Any) -> Leaf:
        """The leaf for a snake_case keyword argument (TypeError for an unknown one)."""
        name = CONDITION_NAMES.get(keyword)
        if name is None:
            raise TypeError(
                f"unknown filter {keyword!r}; known: {', '.join(sorted(CONDITION_NAMES))}"
            )
        if name == "inCalendars":
            ids = (value,) if isinstance(value, str) else tuple(value)
            if not ids or not all(isinstance(i, str) for i in ids):
                raise TypeError(f"{keyword} takes calendar ids, not {value!r}")
            value = ids
        elif name in ("after", "before"):
            value = _datetime(value, keyword)
        elif name in BOOLEAN_FILTERS:
            if not isinstance(value, bool):
                raise TypeError(f"{keyword} takes True or False, not {value!r}")
        elif not isinstance(value, str):
            raise TypeError(f"{keyword} takes a string, not {value!r}")
        return cls(name, value)

    @property
    def kind(self) -> str:
        return KINDS.get(self.name, self.name)

    def to_jmap(self, in_calendars: bool = True) -> dict[str, Any]:
        """The FilterCondition or FilterOperator (several calendars, one-calendar dialect)."""
        if self.name != "inCalendars":
            return {self.name: self.value}
        if in_calendars:
            return {"inCalendars": list(self.value)}
        if len(self.value) == 1:
            return {"inCalendar": self.value[0]}
        return {"operator": "OR", "conditions": [{"inCalendar": i} for i in self.value]}


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

    def __init__(self, **conditions: Any) -> None:
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


def render(node: Node, in_calendars: bool = True) -> dict[str, Any]:
    """``node`` as a JMAP FilterCondition / FilterOperator (``in_calendars``: the server
    filters by a list of calendars, else by one)."""
    if isinstance(node, Operator):
        return {
            "operator": node.operator,
            "conditions": [render(c, in_calendars) for c in node.conditions],
        }
    return _merge([leaf.to_jmap(in_calendars) for leaf in node.leaves])


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One FilterCondition holding the parts that can merge (distinct properties), ANDed
    with the rest (operators, repeated properties)."""
    merged: dict[str, Any] = {}
    rest: list[dict[str, Any]] = []
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


def make_sort(sort: Any) -> list[dict[str, Any]] | None:
    """Comparators from ``sort``: a property name ("start"; "-start" descending), a
    (property, ascending) pair, a Comparator dict, or a list of these."""
    if sort is None:
        return None
    if isinstance(sort, (str, dict)) or (
        isinstance(sort, tuple) and len(sort) == 2 and isinstance(sort[1], bool)
    ):
        sort = [sort]
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
    sort: list[dict[str, Any]] | None = None
    position: int = 0
    anchor: str | None = None
    anchor_offset: int = 0
    limit: int | None = None
    expand_recurrences: bool = False
    time_zone: str | None = None

    def extra(self) -> dict[str, Any]:
        """The CalendarEvent-specific /query arguments."""
        extra: dict[str, Any] = {}
        if self.expand_recurrences:
            extra["expandRecurrences"] = True
        if self.time_zone is not None:
            extra["timeZone"] = self.time_zone
        return extra


def build_query(
    filter: Node | None = None,
    sort: Any = None,
    position: int | None = None,
    anchor: str | None = None,
    anchor_offset: int | None = None,
    limit: int | None = None,
    expand_recurrences: bool = False,
    time_zone: str | None = None,
    **conditions: Any,
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


@dataclass
class QueryPlan:
    """How a filter is split between the server and the client.

    ``server`` is what the server filters (a JMAP filter, or None for everything); the
    events it finds must also pass every node of ``local``, evaluated by the client.  A
    server-supported condition inside a local node (say the title in
    ``OR(title, has_keyword)``) is not guessed at: each of ``probes`` is a query the
    server answers in the same request (its condition AND the server part), and an event
    matches the leaf exactly when the probe found its id.
    """

    server: dict[str, Any] | None
    local: list[Node] = field(default_factory=list)
    probes: dict[Leaf, dict[str, Any]] = field(default_factory=dict)

    @property
    def client_side(self) -> bool:
        return bool(self.local)

    def needs_identities(self) -> bool:
        """Whether evaluation needs the user's participant identities."""
        return any(
            leaf.name in ("isUndecided", "isRejected") for n in self.local for leaf in leaves_of(n)
        )


def _conjuncts(node: Node) -> list[Node]:
    """``node`` as a list of nodes that must all hold, flattening ANDs and conditions."""
    if isinstance(node, Filter):
        return [Filter.of([leaf]) for leaf in node.leaves]
    if node.operator == "AND":
        return [c for child in node.conditions for c in _conjuncts(child)]
    return [node]


def plan_query(
    node: Node | None,
    local_names: Iterable[str] = (),
    *,
    in_calendars: bool = True,
    single_condition: bool = False,
    homogeneous_operators: bool = False,
) -> QueryPlan:
    """Split ``node`` between server and client.

    ``local_names``: filter properties the server does not take.  ``single_condition``:
    the server filter must be one FilterCondition (expandRecurrences).
    ``homogeneous_operators``: the server answers OR/NOT only when all their properties are
    of one kind (Cyrus 3.10).
    """
    if node is None:
        return QueryPlan(None)
    local_names = set(local_names)
    server: list[Leaf | Node] = []
    local: list[Node] = []
    used: set[str] = set()
    for conjunct in _conjuncts(node):
        leaves = list(leaves_of(conjunct))
        is_leaf = isinstance(conjunct, Filter) and len(leaves) == 1
        local_here = any(leaf.name in local_names for leaf in leaves)
        if not local_here and not is_leaf:
            kinds = {leaf.kind for leaf in leaves}
            local_here = single_condition or (homogeneous_operators and len(kinds) > 1)
        if not local_here and is_leaf and single_condition:
            leaf = leaves[0]
            local_here = leaf.name in used or (leaf.name == "inCalendars" and not in_calendars)
            used.add(leaf.name)
        (local if local_here else server).append(conjunct)
    server_jmap = _merge([render(c, in_calendars) for c in server]) if server else None  # type: ignore[arg-type]
    probes: dict[Leaf, dict[str, Any]] = {}
    for conjunct in local:
        for leaf in leaves_of(conjunct):
            if leaf.name in LOCALLY_EXACT or leaf in probes:
                continue
            parts = [render(c, in_calendars) for c in server]  # type: ignore[arg-type]
            probes[leaf] = _merge([*parts, leaf.to_jmap(in_calendars)])
    return QueryPlan(server_jmap, local, probes)


# -- client-side evaluation ---------------------------------------------------------------


def _instances(event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The event and each overridden instance (overrides applied; exclusions skipped)."""
    yield event
    overrides = event.get("recurrenceOverrides")
    if not isinstance(overrides, dict):
        return
    for patch in overrides.values():
        if not isinstance(patch, dict) or patch.get("excluded") is True:
            continue
        try:
            yield apply_patch(event, patch)
        except Exception:  # noqa: BLE001 - a malformed override is no instance
            continue


def _my_status(event: dict[str, Any], mine: set[str]) -> list[str]:
    participants = event.get("participants")
    if not isinstance(participants, dict):
        return []
    return [
        str(p.get("participationStatus") or "needs-action")
        for p in participants.values()
        if isinstance(p, dict) and participant_addresses(p) & mine
    ]


def _leaf_on_instance(leaf: Leaf, event: dict[str, Any], mine: set[str]) -> bool:
    name, value = leaf.name, leaf.value
    if name in ("hasKeyword", "notKeyword"):
        keywords = event.get("keywords")
        has = isinstance(keywords, dict) and bool(keywords.get(value))
        return has if name == "hasKeyword" else not has
    if name == "participantIs":
        wanted = normalise_address(value)
        participants = event.get("participants")
        return isinstance(participants, dict) and any(
            isinstance(p, dict) and wanted in participant_addresses(p)
            for p in participants.values()
        )
    if name == "isUndecided":
        return ("needs-action" in _my_status(event, mine)) is value
    if name == "isRejected":
        return ("declined" in _my_status(event, mine)) is value
    if name == "hasAttachment":
        links = event.get("links")
        has = isinstance(links, dict) and any(
            isinstance(link, dict) and link.get("rel") == "enclosure" for link in links.values()
        )
        return has is value
    if name == "inCalendars":
        ids = event.get("calendarIds")
        return isinstance(ids, dict) and any(ids.get(i) for i in value)
    if name == "uid":
        return bool(event.get("uid") == value)
    raise ValueError(f"the client cannot evaluate the filter {name!r} itself")


@dataclass
class Evaluation:
    """What client-side evaluation knows besides the event: the user's addresses and the
    ids each probe found."""

    my_addresses: set[str] = field(default_factory=set)
    probe_ids: dict[Leaf, set[str]] = field(default_factory=dict)


def evaluate(node: Node, event: dict[str, Any], context: Evaluation | None = None) -> bool:
    """Whether the CalendarEvent ``event`` matches ``node`` (RFC 8620 §5.5 semantics; a
    condition of a recurring event may hold on any of its instances)."""
    context = context or Evaluation()
    if isinstance(node, Operator):
        results = (evaluate(c, event, context) for c in node.conditions)
        if node.operator == "AND":
            return all(results)
        if node.operator == "OR":
            return any(results)
        return not any(results)
    for leaf in node.leaves:
        if leaf in context.probe_ids:
            ok = event.get("id") in context.probe_ids[leaf]
        else:
            ok = any(
                _leaf_on_instance(leaf, instance, context.my_addresses)
                for instance in _instances(event)
            )
        if not ok:
            return False
    return True


# -- the fluent searcher --------------------------------------------------------------------


class EventSearcher:
    """Build a search step by step, then :meth:`fetch` (iCalendar strings) or
    :meth:`fetch_objects` (JMAPEvent objects).  Every method returns the searcher.

    Example::

        found = cal.searcher().after("2026-01-01T00:00:00").has_keyword("work") \\
            .is_undecided().sort_by("start").limit(20).fetch()

    With the async client, ``fetch()`` returns an awaitable.
    """

    def __init__(self, client: JMAPClientAPI, calendar_id: str | None = None) -> None:
        self._client = client
        self._nodes: list[Node] = []
        if calendar_id is not None:
            self._nodes.append(Filter(calendar_id=calendar_id))
        self._sort: list[Any] = []
        self._options: dict[str, Any] = {}

    def _add(self, **condition: Any) -> EventSearcher:
        self._nodes.append(Filter(**condition))
        return self

    def filter(self, node: Node) -> EventSearcher:
        """AND any Filter or operator into the search."""
        self._nodes.append(node)
        return self

    def in_calendars(self, *calendar_ids: str) -> EventSearcher:
        return self._add(in_calendars=list(calendar_ids))

    def after(self, when: Any) -> EventSearcher:
        """Events that end after ``when``."""
        return self._add(after=when)

    def before(self, when: Any) -> EventSearcher:
        """Events that start before ``when``."""
        return self._add(before=when)

    def between(self, start: Any, end: Any) -> EventSearcher:
        return self._add(after=start, before=end)

    def text(self, value: str) -> EventSearcher:
        return self._add(text=value)

    def title(self, value: str) -> EventSearcher:
        return self._add(title=value)

    def description(self, value: str) -> EventSearcher:
        return self._add(description=value)

    def location(self, value: str) -> EventSearcher:
        return self._add(location=value)

    def owner(self, value: str) -> EventSearcher:
        return self._add(owner=value)

    def attendee(self, value: str) -> EventSearcher:
        return self._add(attendee=value)

    def uid(self, value: str) -> EventSearcher:
        return self._add(uid=value)

    def has_keyword(self, keyword: str) -> EventSearcher:
        return self._add(has_keyword=keyword)

    def not_keyword(self, keyword: str) -> EventSearcher:
        return self._add(not_keyword=keyword)

    def participant_is(self, address: str) -> EventSearcher:
        return self._add(participant_is=address)

    def is_undecided(self, value: bool = True) -> EventSearcher:
        return self._add(is_undecided=value)

    def is_rejected(self, value: bool = True) -> EventSearcher:
        return self._add(is_rejected=value)

    def has_attachment(self, value: bool = True) -> EventSearcher:
        return self._add(has_attachment=value)

    def sort_by(self, prop: str, ascending: bool = True) -> EventSearcher:
        """Sort by ``prop`` (start, uid, ...); call again for secondary keys."""
        self._sort.append((prop, ascending))
        return self

    def position(self, position: int) -> EventSearcher:
        self._options["position"] = position
        return self

    def anchor(self, event_id: str, offset: int = 0) -> EventSearcher:
        self._options["anchor"] = event_id
        self._options["anchor_offset"] = offset
        return self

    def limit(self, limit: int) -> EventSearcher:
        self._options["limit"] = limit
        return self

    def expand(self, time_zone: str | None = None) -> EventSearcher:
        """Recurrence instances as their own results (needs after and before)."""
        self._options["expand_recurrences"] = True
        if time_zone is not None:
            self._options["time_zone"] = time_zone
        return self

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of the client's search methods this searcher stands for."""
        args = dict(self._options)
        if self._nodes:
            args["filter"] = self._nodes[0] if len(self._nodes) == 1 else AND(*self._nodes)
        if self._sort:
            args["sort"] = list(self._sort)
        return args

    def fetch(self) -> list[str]:
        """The matching events as iCalendar strings."""
        return self._client.search_events(**self.arguments())

    def fetch_objects(self) -> list[JMAPEvent]:
        """The matching events as :class:`~caldav.jmap.objects.event.JMAPEvent` objects."""
        return self._client.search_event_objects(**self.arguments())

    def query_ids(self) -> tuple[list[str], str, int | None]:
        """``(ids, query_state, total)`` of the search, without the events."""
        return self._client.query_event_ids(**self.arguments())
