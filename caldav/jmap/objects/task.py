"""JMAPTaskList and JMAPTask: the objects of JMAP Tasks (urn:ietf:params:jmap:tasks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caldav.jmap.objects.base import JMAPObject

__all__ = ["JMAPTask", "JMAPTaskList"]


@dataclass
class JMAPTaskList(JMAPObject):
    """A task list (a named collection of tasks)."""

    id: str
    name: str = ""
    description: str | None = None
    color: str | None = None
    role: str | None = None
    sort_order: int | None = None
    is_subscribed: bool | None = None
    time_zone: str | None = None
    my_rights: dict[str, Any] | None = None
    share_with: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)


@dataclass
class JMAPTask(JMAPObject):
    """A task: a JSCalendar Task with its JMAP properties.

    ``due`` and ``start`` are LocalDateTime strings in ``time_zone``; ``estimated_duration``
    a JSCalendar Duration ("PT1H"); ``progress`` one of needs-action, in-process, completed,
    failed, cancelled.  Properties without a field here are kept in ``extra``.
    """

    id: str
    task_list_id: str | None = None
    uid: str | None = None
    title: str | None = None
    description: str | None = None
    due: str | None = None
    start: str | None = None
    time_zone: str | None = None
    estimated_duration: str | None = None
    percent_complete: int | None = None
    progress: str | None = None
    priority: int | None = None
    keywords: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)
