"""How a CalendarEvent/query is split between server and client, and the client's part.

:func:`plan_query` gives the server what it filters and keeps the rest (filters it
rejected, operators it answers wrongly) as nodes the client evaluates with
:func:`evaluate` over the events the server found; :func:`window` then applies position,
anchor and limit as a server would (RFC 8620 §5.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from caldav.jmap._addresses import normalise_address, participant_addresses
from caldav.jmap._events.filters import (
    EXTENSION_FILTERS,
    EventQuery,
    Filter,
    Leaf,
    Node,
    Operator,
    leaves_of,
    merge,
    render,
)
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert.patch import apply_patch
from caldav.jmap.error import JMAPMethodError

__all__ = ["Evaluation", "QueryPlan", "evaluate", "plan_query", "window"]

#: Filters the client can evaluate exactly from a CalendarEvent object, without the server.
LOCALLY_EXACT = EXTENSION_FILTERS | {"inCalendars", "uid"}


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

    server: JSONObject | None
    local: list[Node] = field(default_factory=list)
    probes: dict[Leaf, JSONObject] = field(default_factory=dict)

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
    server_jmap = merge([render(c, in_calendars) for c in server]) if server else None  # type: ignore[arg-type]
    probes: dict[Leaf, JSONObject] = {}
    for conjunct in local:
        for leaf in leaves_of(conjunct):
            if leaf.name in LOCALLY_EXACT or leaf in probes:
                continue
            parts = [render(c, in_calendars) for c in server]  # type: ignore[arg-type]
            probes[leaf] = merge([*parts, leaf.to_jmap(in_calendars)])
    return QueryPlan(server_jmap, local, probes)


# -- client-side evaluation ---------------------------------------------------------------


def _instances(event: JSONObject) -> Iterator[JSONObject]:
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


def _my_status(event: JSONObject, mine: set[str]) -> list[str]:
    participants = event.get("participants")
    if not isinstance(participants, dict):
        return []
    return [
        str(p.get("participationStatus") or "needs-action")
        for p in participants.values()
        if isinstance(p, dict) and participant_addresses(p) & mine
    ]


def _leaf_on_instance(leaf: Leaf, event: JSONObject, mine: set[str]) -> bool:
    name, value = leaf.name, leaf.value
    if name in ("hasKeyword", "notKeyword"):
        keywords = event.get("keywords")
        has = isinstance(keywords, dict) and bool(keywords.get(value))
        return has if name == "hasKeyword" else not has
    if name == "participantIs":
        wanted = normalise_address(str(value))
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
        return isinstance(ids, dict) and any(ids.get(i) for i in leaf.ids)
    if name == "uid":
        return bool(event.get("uid") == value)
    raise ValueError(f"the client cannot evaluate the filter {name!r} itself")


@dataclass
class Evaluation:
    """What client-side evaluation knows besides the event: the user's addresses and the
    ids each probe found."""

    my_addresses: set[str] = field(default_factory=set)
    probe_ids: dict[Leaf, set[str]] = field(default_factory=dict)


def evaluate(node: Node, event: JSONObject, context: Evaluation | None = None) -> bool:
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


def window(query: EventQuery, objects: list[JSONObject]) -> list[JSONObject]:
    """position / anchor / limit applied by the client, as RFC 8620 §5.5 says a server
    applies them."""
    if query.anchor is not None:
        index = next((i for i, o in enumerate(objects) if o.get("id") == query.anchor), None)
        if index is None:
            raise JMAPMethodError(
                f"CalendarEvent/query: the anchor {query.anchor} is not in the results",
                "anchorNotFound",
                method="CalendarEvent/query",
            )
        start = max(0, index + query.anchor_offset)
    elif query.position < 0:
        start = max(0, len(objects) + query.position)
    else:
        start = query.position
    end = None if query.limit is None else start + query.limit
    return objects[start:end]
