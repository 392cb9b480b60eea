"""Tasks and task lists (JMAP Tasks, urn:ietf:params:jmap:tasks): what is specific to them
(the keyword arguments of a new task, the Task/query filter, tasks as iCalendar), and the
client's task methods.

Every call names the tasks capability in ``using``; a session that does not advertise it
makes them raise :class:`~caldav.jmap.error.JMAPCapabilityError` before anything is sent.

The draft (draft-ietf-jmap-tasks, the -06 era sources in /work/shared/specs) defines
TaskList/get|changes|set (with ``onDestroyRemoveTasks``), Task/get|changes|set|copy|query|
queryChanges and TaskNotification; where it says "as CalendarEvent/..." the calendar draft's
rules apply.  Its Task/query section is still a TODO ("mainly filtering should be
different"), so the FilterCondition here is CalendarEvent/query's (``after``, ``before``,
``text``, ``title``, ``description``, ``uid``) with the calendar filter as ``inTaskLists``
and the task conditions ``dueBefore``, ``dueAfter``, ``progress`` and ``hasKeyword``: see
:data:`TASK_FILTERS`.  The rest is the generic engine's, driven by
:data:`~caldav.jmap._registry.TASK` and :data:`~caldav.jmap._registry.TASK_LIST`.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date, datetime
from typing import Any

from caldav.jmap._events.filters import local_datetime
from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap._operation import ClientCore, operation
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.objects import (
    Changes,
    copy_object,
    create_object,
    delete_object,
    get_all,
    jmap_properties,
    object_changes,
    read_one,
    search,
    update_object,
)
from caldav.jmap._protocol.operations import (
    QueryChanges,
    QueryIds,
    account_of,
    current_state,
    get_one,
    query_changes,
    query_ids,
    set_one,
)
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._registry import TASK, TASK_LIST
from caldav.jmap.convert import ical_to_jscal
from caldav.jmap.convert.datetime import format_local
from caldav.jmap.error import JMAPConversionError
from caldav.jmap.objects.task import TASK_LIST_WRITABLE_FIELDS, JMAPTask, JMAPTaskList, task_to_ical

__all__ = [
    "TASK",
    "TASK_FIELDS",
    "TASK_FILTERS",
    "TASK_LIST",
    "TASK_LIST_FIELDS",
    "TaskMethods",
    "search_tasks",
    "task_filter",
    "task_properties",
]

#: Task/query FilterCondition: keyword argument -> JMAP property (see the module
#: docstring; the names are the spec's).
TASK_FILTERS: dict[str, str] = TASK.keyword_filters

#: The filters whose values are LocalDateTimes (in the query's timeZone, default Etc/UTC).
_DATE_FILTERS = frozenset({"after", "before", "dueBefore", "dueAfter"})

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

#: The properties create_task_list takes besides the name.
TASK_LIST_FIELDS = TASK_LIST_WRITABLE_FIELDS


def _json_value(value: Any) -> Any:
    """datetimes and dates as the LocalDateTime strings JSCalendar uses; the rest as is."""
    if isinstance(value, datetime):
        return format_local(value.replace(tzinfo=None))
    if isinstance(value, date):
        return format_local(value)
    return value


def task_properties(values: JSONObject) -> JSONObject:
    """``values`` with snake_case names in camelCase and dates as LocalDateTime strings.

    JMAP names (``percentComplete``) and patch paths (``keywords/work``) pass unchanged.
    """
    return jmap_properties(values, _json_value)


def _task_filter_value(name: str, value: Any) -> Any:
    if name in _DATE_FILTERS:
        return local_datetime(value, name)
    if name == "inTaskLists":
        if isinstance(value, str):
            return [value]
        return list(value)
    return value


def task_filter(what: str, task_list_id: str | None = None, **filters: Any) -> JSONObject:
    """The Task/query FilterCondition for keyword ``filters`` (see :data:`TASK_FILTERS`;
    dates may be datetimes, dates or ISO strings); ``task_list_id`` is one of inTaskLists."""
    condition = TASK.filter_condition(filters, what, _task_filter_value)
    if task_list_id is not None:
        lists = condition.get("inTaskLists", [])
        condition["inTaskLists"] = [task_list_id, *(i for i in lists if i != task_list_id)]
    return condition


def search_tasks(
    conn: Connection, client: object = None, task_list_id: str | None = None, **filters: Any
) -> Steps[list[JMAPTask]]:
    """The tasks matching ``filters`` (Task/query and Task/get by reference: one round trip
    per page)."""
    condition = task_filter("search_tasks", task_list_id, **filters)
    return (yield from search(conn, TASK, client, filter=condition or None))


def _duplicate(task: JSONObject) -> JSONObject:
    """A task copied within its account: the same content under a new uid."""
    return {"@type": "Task", **task, "uid": str(uuid.uuid4())}


class TaskMethods(ClientCore):
    """The client's task and task list methods."""

    # -- tasks ---------------------------------------------------------------------------

    @operation
    def get_task_lists(self) -> Steps[list[JMAPTaskList]]:
        """Every task list of the account (needs urn:ietf:params:jmap:tasks)."""
        return (yield from get_all(self._conn, TASK_LIST, self))

    @operation
    def create_task(self, /, task_list_id: str, title: str, **kwargs: Any) -> Steps[str]:
        """Create a task; ``kwargs``: description, due, start, time_zone, estimated_duration,
        percent_complete, progress, priority, keywords.  Returns the task id."""
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
        account_id = yield from account_of(self._conn, TASK)
        return (yield from set_one(self._conn, TASK, account_id, create=task)).id

    @operation
    def get_task(self, task_id: str) -> Steps[JMAPTask]:
        """The task ``task_id``."""
        return (yield from read_one(self._conn, TASK, task_id, self))

    @operation
    def update_task(self, task_id: str, patch: JSONObject) -> Steps[None]:
        """Apply ``patch`` (JMAP or snake_case property names) to the task."""
        return (yield from update_object(self._conn, TASK, task_id, patch, _json_value))

    @operation
    def delete_task(self, task_id: str) -> Steps[None]:
        """Delete the task ``task_id``."""
        return (yield from delete_object(self._conn, TASK, task_id))

    @operation
    def get_task_sync_token(self) -> Steps[str]:
        """The tasks' state, for :meth:`get_task_changes` (no task data is transferred)."""
        return (yield from current_state(self._conn, TASK))

    @operation
    def get_task_changes(self, state: str) -> Steps[Changes[JMAPTask]]:
        """``(created, updated, destroyed_ids, new_state)`` of tasks since ``state``: the
        whole delta, however many batches the server sends it in (or an error)."""
        return (yield from object_changes(self._conn, TASK, state, self))

    @operation
    def search_tasks(
        self, /, task_list_id: str | None = None, **filters: Any
    ) -> Steps[list[JMAPTask]]:
        """Tasks (of one task list, or all) matching ``filters``: in_task_lists, after,
        before, due_before, due_after (datetimes, dates or ISO strings), progress,
        has_keyword, text, title, description, uid.  Task/query and Task/get in one round
        trip per page; an unknown filter raises TypeError."""
        return (yield from search_tasks(self._conn, self, task_list_id, **filters))

    @operation
    def query_task_ids(self, /, task_list_id: str | None = None, **filters: Any) -> Steps[QueryIds]:
        """``(ids, query_state, total)`` of the tasks matching ``filters`` (as
        :meth:`search_tasks`); the state is for :meth:`get_task_query_changes`."""
        condition = task_filter("query_task_ids", task_list_id, **filters)
        account_id = yield from account_of(self._conn, TASK)
        return (yield from query_ids(self._conn, TASK, account_id, filter=condition or None))

    @operation
    def get_task_query_changes(
        self, /, query_state: str, task_list_id: str | None = None, **filters: Any
    ) -> Steps[QueryChanges]:
        """``(removed_ids, added, new_query_state)`` of the query with ``filters`` since
        ``query_state``; ``added`` holds (index, id) pairs."""
        condition = task_filter("get_task_query_changes", task_list_id, **filters)
        account_id = yield from account_of(self._conn, TASK)
        return (
            yield from query_changes(self._conn, TASK, account_id, query_state, condition or None)
        )

    @operation
    def copy_task(
        self,
        task_id: str,
        to_task_list_id: str,
        *,
        to_account_id: str | None = None,
        move: bool = False,
    ) -> Steps[str]:
        """Copy (``move``: move) a task into a task list, of this account or of
        ``to_account_id`` (Task/copy); returns the id of the task there.  Within the
        account a move keeps the id, a copy is a new task with a new uid."""
        return (
            yield from copy_object(
                self._conn, TASK, task_id, to_task_list_id, to_account_id, move, _duplicate
            )
        )

    # -- task lists ----------------------------------------------------------------------

    @operation
    def create_task_list(self, /, name: str, **props: JSONValue) -> Steps[str]:
        """Create a task list; keyword arguments: description, color, keyword_colors,
        category_colors, sort_order, is_subscribed, time_zone, workflow_statuses,
        share_with, default_alerts_with_time, default_alerts_without_time.  Returns its id."""
        return (yield from create_object(self._conn, TASK_LIST, props, {"name": name}, _json_value))

    @operation
    def update_task_list(self, task_list_id: str, patch: JSONObject) -> Steps[None]:
        """Apply ``patch`` (JMAP or snake_case property names) to the task list."""
        return (yield from update_object(self._conn, TASK_LIST, task_list_id, patch, _json_value))

    @operation
    def delete_task_list(self, task_list_id: str, *, remove_tasks: bool = False) -> Steps[None]:
        """Delete a task list; one with tasks only with ``remove_tasks=True``
        (onDestroyRemoveTasks; otherwise the server's ``taskListHasTask`` is raised)."""
        return (yield from delete_object(self._conn, TASK_LIST, task_list_id, remove_tasks))

    @operation
    def get_task_list_sync_token(self) -> Steps[str]:
        """The task lists' state, for :meth:`get_task_list_changes`."""
        return (yield from current_state(self._conn, TASK_LIST))

    @operation
    def get_task_list_changes(self, state: str) -> Steps[Changes[JMAPTaskList]]:
        """``(created, updated, destroyed_ids, new_state)`` of task lists since ``state``."""
        return (yield from object_changes(self._conn, TASK_LIST, state, self))

    # -- tasks as iCalendar --------------------------------------------------------------

    @operation
    def create_task_from_ical(self, task_list_id: str, ical_str: str) -> Steps[str]:
        """Create a task from an iCalendar VTODO; returns the task id."""
        task = ical_to_jscal(ical_str)
        if task.get("@type") != "Task":
            raise JMAPConversionError("the iCalendar data holds a VEVENT, not a VTODO", "@type")
        task = copy.deepcopy(task)
        task["taskListId"] = task_list_id
        account_id = yield from account_of(self._conn, TASK)
        return (yield from set_one(self._conn, TASK, account_id, create=task)).id

    @operation
    def get_task_ical(self, task_id: str) -> Steps[str]:
        """The task ``task_id`` as iCalendar (a VCALENDAR with one VTODO)."""
        account_id = yield from account_of(self._conn, TASK)
        return task_to_ical((yield from get_one(self._conn, TASK, account_id, task_id)))
