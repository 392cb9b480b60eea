"""Task and TaskList operations (JMAP Tasks, urn:ietf:params:jmap:tasks).

Every call names the tasks capability in ``using``; a session that does not advertise it
makes them raise :class:`~caldav.jmap.error.JMAPCapabilityError` before anything is sent.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from caldav.jmap.constants import TASK_CAPABILITY
from caldav.jmap.error import JMAPNotFoundError
from caldav.jmap.objects.base import camel_case
from caldav.jmap.objects.task import JMAPTask, JMAPTaskList
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import get_by_ids, set_one
from caldav.jmap.protocol.standard import DataType
from caldav.jmap.protocol.steps import Steps

__all__ = [
    "TASK",
    "TASK_LIST",
    "create_task",
    "delete_task",
    "get_task",
    "get_task_lists",
    "task_properties",
    "update_task",
]

TASK_LIST = DataType("TaskList", TASK_CAPABILITY)
TASK = DataType("Task", TASK_CAPABILITY)

#: The keyword arguments create_task takes besides the title.
TASK_FIELDS = (
    "description",
    "due",
    "start",
    "time_zone",
    "estimated_duration",
    "percent_complete",
    "progress",
    "priority",
    "keywords",
)


def _json_value(value: Any) -> Any:
    """datetimes and dates as the LocalDateTime strings JSCalendar uses; the rest as is."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%dT00:00:00")
    return value


def task_properties(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with snake_case names in camelCase and dates as LocalDateTime strings.

    JMAP names (``percentComplete``) and patch paths (``keywords/work``) pass unchanged.
    """
    return {
        (camel_case(key) if "/" not in key else key): _json_value(value)
        for key, value in values.items()
    }


def get_task_lists(conn: Connection, client: Any = None) -> Steps:
    """Every task list of the account."""
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    result = yield from get_by_ids(conn, TASK_LIST, account_id, None)
    return [JMAPTaskList.from_jmap(obj, client) for obj in result.objects]


def create_task(conn: Connection, task_list_id: str, title: str, **kwargs: Any) -> Steps:
    """Create a task; returns its id.  ``kwargs``: see :data:`TASK_FIELDS`."""
    unknown = set(kwargs) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"create_task() got unexpected arguments: {', '.join(sorted(unknown))}")
    task = {
        "@type": "Task",
        "uid": str(uuid.uuid4()),
        "taskListId": task_list_id,
        "title": title,
        **task_properties({k: v for k, v in kwargs.items() if v is not None}),
    }
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    return (yield from set_one(conn, TASK, account_id, create=task)).id


def get_task(conn: Connection, task_id: str, client: Any = None) -> Steps:
    """The task ``task_id``."""
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    result = yield from get_by_ids(conn, TASK, account_id, [task_id])
    for obj in result.objects:
        if obj["id"] == task_id:
            return JMAPTask.from_jmap(obj, client)
    raise JMAPNotFoundError(f"Task/get: no task {task_id}", "notFound", method="Task/get")


def update_task(conn: Connection, task_id: str, patch: dict[str, Any]) -> Steps:
    """Apply ``patch`` (JMAP or snake_case property names) to the task."""
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    yield from set_one(conn, TASK, account_id, update=(task_id, task_properties(patch)))
    return None


def delete_task(conn: Connection, task_id: str) -> Steps:
    """Delete the task."""
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    yield from set_one(conn, TASK, account_id, destroy=task_id)
    return None
