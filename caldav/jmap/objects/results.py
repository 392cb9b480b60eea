"""Named results of the iCalendar text APIs: events as text, with what could not be read.

A single event the converter cannot read must not hide every other one: the text APIs
return the others and name the broken ones in ``broken`` (event id -> the
:class:`~caldav.jmap.error.JMAPConversionError`), also logged as a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import NamedTuple

from caldav.jmap.error import JMAPConversionError
from caldav.jmap.objects.event import JMAPEvent

__all__ = ["Attachment", "EventTexts", "ObjectChanges", "SyncResult", "event_texts"]


class Attachment(NamedTuple):
    """One attachment of an event: ``(filename, content_type, data)``."""

    filename: str
    content_type: str
    data: bytes


class EventTexts(list[str]):
    """iCalendar texts of events, in the order found.

    ``broken`` maps the id of each event that could not be converted to iCalendar to its
    JMAPConversionError; ``missing`` lists ids the server found but would not return.
    Both are empty when every event is in the list.
    """

    def __init__(
        self,
        texts: Iterable[str] = (),
        broken: dict[str, JMAPConversionError] | None = None,
        missing: list[str] | None = None,
    ) -> None:
        super().__init__(texts)
        self.broken: dict[str, JMAPConversionError] = dict(broken or {})
        self.missing: list[str] = list(missing or [])


def event_texts(events: Iterable[JMAPEvent], log: logging.Logger) -> EventTexts:
    """The iCalendar of each :class:`~caldav.jmap.objects.event.JMAPEvent`; those the
    converter cannot read go into ``broken`` (and the log) instead of failing the rest."""
    texts = EventTexts()
    for event in events:
        try:
            texts.append(event.data)
        except JMAPConversionError as error:
            log.warning("event %s cannot be converted to iCalendar: %s", event.id, error)
            texts.broken[event.id] = error
    return texts


class SyncResult(tuple[EventTexts, EventTexts, list[str]]):
    """``(added, modified, deleted)`` of an event sync: unpacks as those three values
    (iCalendar texts, iCalendar texts, deleted ids), and carries ``sync_token``: the token
    to pass to the next sync, the state this delta was computed to.

    ``added.broken`` / ``modified.broken`` (also :attr:`broken`) name the events that could
    not be converted; :attr:`missing` the ids the server listed but would not return (then
    ``sync_token`` is still the old token, so that the next sync asks for them again).
    """

    sync_token: str
    missing: list[str]

    def __new__(
        cls,
        added: EventTexts,
        modified: EventTexts,
        deleted: list[str],
        sync_token: str,
        missing: list[str] | None = None,
    ) -> SyncResult:
        result = super().__new__(cls, (added, modified, deleted))
        result.sync_token = sync_token
        result.missing = list(missing or [])
        return result

    @property
    def added(self) -> EventTexts:
        """iCalendar texts of the events created since the token."""
        return self[0]

    @property
    def modified(self) -> EventTexts:
        """iCalendar texts of the events changed since the token."""
        return self[1]

    @property
    def deleted(self) -> list[str]:
        """Ids of the events deleted since the token."""
        return self[2]

    @property
    def broken(self) -> dict[str, JMAPConversionError]:
        """Event id -> conversion error, of added and modified events left out."""
        return {**self.added.broken, **self.modified.broken}

    def __repr__(self) -> str:
        return (
            f"SyncResult(added={len(self.added)}, modified={len(self.modified)}, "
            f"deleted={len(self.deleted)}, sync_token={self.sync_token!r}, "
            f"broken={sorted(self.broken)}, missing={self.missing})"
        )


class ObjectChanges(tuple[list[JMAPEvent], list[JMAPEvent], list[str], str]):
    """``(added, modified, deleted_ids, new_token)`` of an object sync; ``current`` holds
    the events asked for besides (``also_get``), as read at ``new_token`` in the same
    request (empty when the server read them at another state)."""

    current: dict[str, JMAPEvent]

    def __new__(
        cls,
        added: list[JMAPEvent],
        modified: list[JMAPEvent],
        deleted: list[str],
        new_token: str,
        current: dict[str, JMAPEvent] | None = None,
    ) -> ObjectChanges:
        result = super().__new__(cls, (added, modified, deleted, new_token))
        result.current = dict(current or {})
        return result
