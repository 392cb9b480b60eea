"""The named results of event searches (tuples that unpack as the methods document)."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["EventIds", "QueryChanges"]


class EventIds(NamedTuple):
    """``(ids, query_state, total)`` of a search (see :func:`query_event_ids`)."""

    ids: list[str]
    query_state: str
    total: int | None


class QueryChanges(NamedTuple):
    """``(removed, added, new_query_state)`` of CalendarEvent/queryChanges: ``added`` as
    (index, id) pairs."""

    removed: list[str]
    added: list[tuple[int, str]]
    new_query_state: str
