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

This module is the documented home of these names; they live in :mod:`caldav.jmap._events`
(``filters``: the model, rendering and sorting; ``plan``: planning and client-side
evaluation; ``searcher``: the fluent searcher).
"""

from __future__ import annotations

from caldav.jmap._events.filters import (
    AND,
    CONDITION_NAMES,
    EXTENSION_FILTERS,
    NOT,
    OR,
    EventQuery,
    Filter,
    Leaf,
    Node,
    Operator,
    build_query,
    leaves_of,
    make_sort,
    render,
)
from caldav.jmap._events.plan import Evaluation, QueryPlan, evaluate, plan_query
from caldav.jmap._events.searcher import EventSearcher

__all__ = [
    "AND",
    "CONDITION_NAMES",
    "EXTENSION_FILTERS",
    "NOT",
    "OR",
    "Evaluation",
    "EventQuery",
    "EventSearcher",
    "Filter",
    "Leaf",
    "Node",
    "Operator",
    "QueryPlan",
    "build_query",
    "evaluate",
    "leaves_of",
    "make_sort",
    "plan_query",
    "render",
]
