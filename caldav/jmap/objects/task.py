"""JMAPTaskList and JMAPTask: the objects of JMAP Tasks (urn:ietf:params:jmap:tasks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert import jscal_to_ical
from caldav.jmap.convert.properties import TASK_SERVER_PROPERTIES
from caldav.jmap.objects.base import JMAPObject

__all__ = [
    "TASK_LIST_WRITABLE_FIELDS",
    "JMAPTask",
    "JMAPTaskList",
    "task_to_ical",
]


def task_to_ical(task: JSONObject) -> str:
    """A Task object as an iCalendar VTODO (the JMAP-only properties left out)."""
    jscal = {k: v for k, v in task.items() if k not in TASK_SERVER_PROPERTIES}
    jscal.setdefault("@type", "Task")
    return jscal_to_ical(jscal)


#: The TaskList properties a client may set (snake_case names), per the JMAP Tasks draft.
TASK_LIST_WRITABLE_FIELDS = (
    "description",
    "color",
    "keyword_colors",
    "category_colors",
    "sort_order",
    "is_subscribed",
    "time_zone",
    "workflow_statuses",
    "share_with",
    "default_alerts_with_time",
    "default_alerts_without_time",
)


@dataclass
class JMAPTaskList(JMAPObject):
    """A task list (a named collection of tasks).

    ``role`` is "inbox" (the default list) or "trash"; ``workflow_statuses`` the values a
    task's ``workflowStatus`` may take in this list.
    """

    id: str
    name: str = ""
    description: str | None = None
    color: str | None = None
    keyword_colors: JSONObject | None = None
    category_colors: JSONObject | None = None
    role: str | None = None
    sort_order: int | None = None
    is_subscribed: bool | None = None
    time_zone: str | None = None
    workflow_statuses: list[Any] | None = None
    my_rights: JSONObject | None = None
    share_with: JSONObject | None = None
    default_alerts_with_time: JSONObject | None = None
    default_alerts_without_time: JSONObject | None = None
    extra: JSONObject = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)


@dataclass
class JMAPTask(JMAPObject):
    """A task: a JSCalendar Task with its JMAP properties.

    ``due`` and ``start`` are LocalDateTime strings in ``time_zone``; ``estimated_duration``
    a JSCalendar Duration ("PT1H"); ``progress`` one of needs-action, in-process, completed,
    failed, cancelled (or ``workflow_status`` one of the task list's workflowStatuses).
    Properties without a field here are kept in ``extra``.
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
    workflow_status: str | None = None
    priority: int | None = None
    keywords: JSONObject | None = None
    sort_order: int | None = None
    is_draft: bool | None = None
    estimated_work: int | None = None
    impact: str | None = None
    extra: JSONObject = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)

    @property
    def ical(self) -> str:
        """The task as an iCalendar VTODO (through the converter's VTODO mapping)."""
        return task_to_ical(self.to_jmap())
