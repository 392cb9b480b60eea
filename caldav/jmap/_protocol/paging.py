"""The bounds of every server-driven loop, and the rules of paging, in one place.

A server decides how many pages a /query has and whether /changes has more changes, so a
broken or hostile one could keep a client paging forever: fresh ids on every page, a new
state on every /changes, the same id again and again.  Every loop that pages goes through
a :class:`Pager` (a /query) or a :class:`ChangesPager` (a /changes): each counts pages
and objects against :class:`PagingLimits`, stops on a repeated state or a page without a
new id, and raises :class:`~caldav.jmap.error.JMAPProtocolError` past a bound.

:func:`merge_changes` merges /changes pages as RFC 8620 §5.2 describes an unpaged answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caldav.jmap._protocol.standard import ChangesResult, QueryResult
from caldav.jmap.error import JMAPProtocolError

__all__ = ["ChangeSet", "ChangesPager", "Pager", "PagingLimits", "merge_changes"]


@dataclass(frozen=True)
class PagingLimits:
    """How far one operation follows the server: at most ``max_pages`` requests of one
    paging loop (query pages, /changes batches) and ``max_objects`` ids collected."""

    max_pages: int = 1_000
    max_objects: int = 1_000_000

    def __post_init__(self) -> None:
        for name in ("max_pages", "max_objects"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, not {value!r}")


class _Bounded:
    """Counts the pages of one loop against the limits."""

    def __init__(self, method: str, limits: PagingLimits) -> None:
        self.method = method
        self.limits = limits
        self.pages = 0

    def _count_page(self, objects: int, done: bool) -> None:
        """Count a page received; past a bound (another page needed after max_pages, or
        more than max_objects ids), raise."""
        self.pages += 1
        if not done and self.pages >= self.limits.max_pages:
            raise JMAPProtocolError(
                reason=f"{self.method}: more than {self.limits.max_pages} pages; the server "
                "keeps asking for more (PagingLimits.max_pages)"
            )
        if objects > self.limits.max_objects:
            raise JMAPProtocolError(
                reason=f"{self.method}: more than {self.limits.max_objects} ids "
                "(PagingLimits.max_objects)"
            )


class Pager(_Bounded):
    """Position, de-duplication and end of one paged /query.

    ``take(page, size)`` returns the page's ids not seen on an earlier page (servers that
    repeat an id across pages must not make an object appear twice), moves the position
    on and says through :attr:`done` whether the results are complete.  A page that says
    more results remain but brings no new id is no progress: JMAPProtocolError.
    """

    def __init__(
        self, method: str, limits: PagingLimits, position: int = 0, limit: int | None = None
    ) -> None:
        super().__init__(method, limits)
        self.position = position
        self.limit = limit
        self.ids: list[str] = []
        self._seen: set[str] = set()
        self.done = limit is not None and limit <= 0

    def size(self, page_size: int) -> int:
        """How many ids to ask for next."""
        return page_size if self.limit is None else min(page_size, self.limit - len(self.ids))

    def take(self, page: QueryResult, size: int | None, trust_position: bool = False) -> list[str]:
        """The new ids of ``page`` (asked for with ``limit=size``; None: the server's
        page size), in the server's order.

        ``trust_position``: take the position the server reports (after an anchor) rather
        than the one asked for (Cyrus 3.10 reports 0 whatever position was asked).
        """
        new = [i for i in dict.fromkeys(page.ids) if i not in self._seen]
        self._seen.update(new)
        self.ids.extend(new)
        self.position = (page.position if trust_position else self.position) + len(page.ids)
        self.done = (
            not page.ids
            or (self.limit is not None and len(self.ids) >= self.limit)
            or (page.total is not None and self.position >= page.total)
            # without a total or a page size asked for, only an empty page ends it
            or (page.total is None and size is not None and len(page.ids) < size)
        )
        self._count_page(len(self.ids), self.done)
        if not new and not self.done:
            raise JMAPProtocolError(
                reason=f"{self.method}: a page of ids already seen while the server says "
                "more results remain; no progress"
            )
        return new


@dataclass
class ChangeSet:
    """The merged ids of /changes pages (insertion-ordered)."""

    created: dict[str, None] = field(default_factory=dict)
    updated: dict[str, None] = field(default_factory=dict)
    destroyed: dict[str, None] = field(default_factory=dict)


def merge_changes(into: ChangeSet, batch: ChangesResult) -> None:
    """Add a later /changes page to the earlier ones, as RFC 8620 §5.2 has a server answer
    for the whole span: created then updated is created; created then destroyed is
    nothing (the caller never saw it); updated then destroyed is destroyed."""
    for object_id in batch.created:
        into.destroyed.pop(object_id, None)
        into.created[object_id] = None
    for object_id in batch.updated:
        if object_id not in into.created:
            into.updated[object_id] = None
    for object_id in batch.destroyed:
        if into.created.pop(object_id, 0) is None:
            continue  # created within the span: it never existed for the caller
        into.updated.pop(object_id, None)
        into.destroyed[object_id] = None


class ChangesPager(_Bounded):
    """The batches of one /changes loop: merged, bounded, and refused when a state comes
    back (the server is going round in circles)."""

    def __init__(self, method: str, limits: PagingLimits, since_state: str) -> None:
        super().__init__(method, limits)
        self.state = since_state
        self.changes = ChangeSet()
        self._states = {since_state}
        self.done = False

    def take(self, batch: ChangesResult) -> None:
        """Merge ``batch``; :attr:`state` becomes its newState, :attr:`done` its end."""
        merge_changes(self.changes, batch)
        counted = len(self.changes.created) + len(self.changes.updated)
        self._count_page(counted + len(self.changes.destroyed), not batch.has_more_changes)
        if batch.has_more_changes and batch.new_state in self._states:
            raise JMAPProtocolError(
                reason=f"{self.method} reports more changes but its newState "
                f"{batch.new_state!r} came before; no progress"
            )
        self._states.add(batch.new_state)
        self.state = batch.new_state
        self.done = not batch.has_more_changes
