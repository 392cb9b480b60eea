"""Task and TaskList operations (JMAP Tasks, urn:ietf:params:jmap:tasks).

Every call names the tasks capability in ``using``; a session that does not advertise it
makes them raise :class:`~caldav.jmap.error.JMAPCapabilityError` before anything is sent.

The draft (draft-ietf-jmap-tasks, the -06 era sources in /work/shared/specs) defines
TaskList/get|changes|set (with ``onDestroyRemoveTasks``), Task/get|changes|set|copy|query|
queryChanges and TaskNotification; where it says "as CalendarEvent/..." the calendar draft's
rules apply.  Its Task/query section is still a TODO ("mainly filtering should be
different"), so the FilterCondition here is CalendarEvent/query's (``after``, ``before``,
``text``, ``title``, ``description``, ``uid``) with the calendar filter as ``inTaskLists``
and the task conditions ``dueBefore``, ``dueAfter``, ``progress`` and ``hasKeyword``: see
:data:`TASK_FILTERS`.

The module also holds the small standard-method helpers that tasks and contacts share
(:func:`query_changes`, :func:`copy_to_account`; :func:`query_ids` is re-exported from
:mod:`caldav.jmap.protocol.operations`); they work on any
:class:`~caldav.jmap.protocol.standard.DataType`.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date, datetime
from typing import Any

from caldav.jmap.constants import TASK_CAPABILITY
from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.datetime import format_local
from caldav.jmap.error import JMAPConversionError, JMAPError, JMAPNotFoundError
from caldav.jmap.methods.event import local_datetime
from caldav.jmap.objects.base import camel_case
from caldav.jmap.objects.task import TASK_LIST_WRITABLE_FIELDS, JMAPTask, JMAPTaskList
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.operations import (
    changes_as,
    current_state,
    get_by_ids,
    query_ids,
    query_objects,
    set_one,
)
from caldav.jmap.protocol.standard import (
    DataType,
    parse_query_changes,
    parse_set,
    raise_set_errors,
    set_error,
)
from caldav.jmap.protocol.steps import Steps

__all__ = [
    "TASK",
    "TASK_FILTERS",
    "TASK_LIST",
    "TASK_LIST_FIELDS",
    "copy_task",
    "copy_to_account",
    "create_task",
    "create_task_from_ical",
    "create_task_list",
    "delete_task",
    "delete_task_list",
    "get_task",
    "get_task_changes",
    "get_task_ical",
    "get_task_list_changes",
    "get_task_list_sync_token",
    "get_task_lists",
    "get_task_query_changes",
    "get_task_sync_token",
    "query_changes",
    "query_filter",
    "query_ids",
    "query_task_ids",
    "search_tasks",
    "task_filter",
    "task_properties",
    "task_to_ical",
    "update_task",
    "update_task_list",
]

#: Task/query FilterCondition: keyword argument -> JMAP property (see the module docstring).
TASK_FILTERS: dict[str, str] = {
    "in_task_lists": "inTaskLists",
    "after": "after",
    "before": "before",
    "due_before": "dueBefore",
    "due_after": "dueAfter",
    "progress": "progress",
    "has_keyword": "hasKeyword",
    "text": "text",
    "title": "title",
    "description": "description",
    "uid": "uid",
}

#: The filters whose values are LocalDateTimes (in the query's timeZone, default Etc/UTC).
_DATE_FILTERS = frozenset({"after", "before", "dueBefore", "dueAfter"})

TASK_LIST = DataType("TaskList", TASK_CAPABILITY)
TASK = DataType("Task", TASK_CAPABILITY, filters=tuple(TASK_FILTERS.values()))

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

#: Properties of a Task that the server sets or that belong to the stored object, not to
#: the task: left out of a copy, and of the iCalendar (with the converter's own list).
TASK_SERVER_PROPERTIES = frozenset(
    {"id", "taskListId", "utcStart", "utcDue", "baseTaskId", "isOrigin", "blobId"}
)

# -- shared helpers: ids of a query, its changes, /copy between accounts ----------------------


def query_filter(
    known: dict[str, str], filters: dict[str, Any], what: str, convert: Any = None
) -> dict[str, Any]:
    """The FilterCondition for keyword ``filters``: names from ``known`` (snake_case keys,
    or the JMAP names themselves), None values left out; ``convert(jmap_name, value)``
    turns a value into its JSON form.  An unknown name is a TypeError."""
    jmap_names = set(known.values())
    unknown = [k for k in filters if k not in known and k not in jmap_names]
    if unknown:
        raise TypeError(
            f"{what}() got unknown filters: {', '.join(sorted(unknown))} "
            f"(known: {', '.join(known)})"
        )
    condition: dict[str, Any] = {}
    for key, value in filters.items():
        if value is None:
            continue
        name = known.get(key, key)
        condition[name] = convert(name, value) if convert else value
    return condition


def query_changes(
    conn: Connection,
    datatype: DataType,
    account_id: str,
    query_state: str,
    filter: dict[str, Any] | None = None,
    sort: list[dict[str, Any]] | None = None,
) -> Steps[tuple[list[str], list[tuple[int, str]], str]]:
    """``(removed, added, new_query_state)`` of the query since ``query_state``; ``added``
    holds (index, id) pairs.  The filter and sort must be the query's own.  A server that
    cannot tell raises JMAPCannotCalculateChangesError (a JMAPMethodError)."""
    method = f"{datatype.name}/queryChanges"
    responses = yield from conn.call(
        datatype.query_changes(account_id, query_state, filter=filter, sort=sort)
    )
    result = parse_query_changes(responses.get("c0", method), method)
    return result.removed, result.added, result.new_query_state


def copy_to_account(
    conn: Connection,
    datatype: DataType,
    from_account_id: str,
    to_account_id: str,
    object_id: str,
    overrides: dict[str, Any],
    move: bool = False,
) -> Steps[str]:
    """``/copy`` one object into another account (RFC 8620 §5.4), with ``overrides`` (the
    target collection); ``move`` destroys the original once copied (the implicit /set,
    whose failure is raised too).  Returns the new id."""
    method = f"{datatype.name}/copy"
    if from_account_id == to_account_id:
        raise ValueError(f"{method} copies between accounts; this is one account")
    call = datatype.copy(
        from_account_id,
        to_account_id,
        {"copy": {"id": object_id, **overrides}},
        on_success_destroy_original=True if move else None,
    )
    responses = yield from conn.call(call)
    result = parse_set(responses.get("c0", method), method)
    raise_set_errors(result, method)
    if "copy" not in result.created:
        raise JMAPError(reason=f"{method} neither copied {object_id} nor said why not")
    new_id = str(result.created["copy"]["id"])
    if move:
        set_method = f"{datatype.name}/set"
        answers = [r for r in responses.all_for("c0") if r.name == set_method]
        if not answers:
            raise JMAPError(
                reason=f"{method} copied {object_id} to {new_id} but did not report "
                "destroying the original"
            )
        destroyed = parse_set(answers[0].arguments, set_method)
        if object_id in destroyed.not_destroyed:
            raise set_error(set_method, object_id, "destroy", destroyed.not_destroyed[object_id])
        if object_id not in destroyed.destroyed:
            raise JMAPError(reason=f"{set_method} did not report destroying {object_id}")
    return new_id


# -- task lists ------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    """datetimes and dates as the LocalDateTime strings JSCalendar uses; the rest as is."""
    if isinstance(value, datetime):
        return format_local(value.replace(tzinfo=None))
    if isinstance(value, date):
        return format_local(value)
    return value


def task_properties(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with snake_case names in camelCase and dates as LocalDateTime strings.

    JMAP names (``percentComplete``) and patch paths (``keywords/work``) pass unchanged.
    """
    return {
        (camel_case(key) if "/" not in key else key): _json_value(value)
        for key, value in values.items()
    }


def get_task_lists(conn: Connection, client: Any = None) -> Steps[list[JMAPTaskList]]:
    """Every task list of the account."""
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    result = yield from get_by_ids(conn, TASK_LIST, account_id, None)
    return [JMAPTaskList.from_jmap(obj, client) for obj in result.objects]


def create_task_list(conn: Connection, name: str, **props: Any) -> Steps[str]:
    """Create a task list; ``props`` are :data:`TASK_LIST_FIELDS`.  Returns its id."""
    unknown = set(props) - set(TASK_LIST_FIELDS)
    if unknown:
        raise TypeError(f"unknown task list properties: {', '.join(sorted(unknown))}")
    task_list = task_properties({k: v for k, v in props.items() if v is not None})
    task_list["name"] = name
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    return (yield from set_one(conn, TASK_LIST, account_id, create=task_list)).id


def update_task_list(conn: Connection, task_list_id: str, patch: dict[str, Any]) -> Steps[None]:
    """Apply ``patch`` (JMAP or snake_case names, or patch paths) to the task list."""
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    yield from set_one(conn, TASK_LIST, account_id, update=(task_list_id, task_properties(patch)))
    return None


def delete_task_list(
    conn: Connection, task_list_id: str, remove_tasks: bool = False
) -> Steps[None]:
    """Delete the task list; one with tasks only with ``remove_tasks`` (the draft's
    ``onDestroyRemoveTasks``; else the server's ``taskListHasTask`` SetError is raised as a
    JMAPMethodError)."""
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    yield from set_one(
        conn,
        TASK_LIST,
        account_id,
        destroy=task_list_id,
        onDestroyRemoveTasks=True if remove_tasks else None,
    )
    return None


def get_task_list_sync_token(conn: Connection) -> Steps[str]:
    """The current TaskList state, for :func:`get_task_list_changes` (no data moves)."""
    return (yield from current_state(conn, TASK_LIST))


def get_task_list_changes(
    conn: Connection, state: str, client: Any = None
) -> Steps[tuple[list[JMAPTaskList], list[JMAPTaskList], list[str], str]]:
    """(created, updated, destroyed ids, new state) of task lists since ``state``."""
    return (
        yield from changes_as(conn, TASK_LIST, state, lambda o: JMAPTaskList.from_jmap(o, client))
    )


def create_task(conn: Connection, task_list_id: str, title: str, **kwargs: Any) -> Steps[str]:
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


def _get_raw_task(conn: Connection, account_id: str, task_id: str) -> Steps[dict[str, Any]]:
    result = yield from get_by_ids(conn, TASK, account_id, [task_id])
    for obj in result.objects:
        if obj["id"] == task_id:
            return obj
    raise JMAPNotFoundError(f"Task/get: no task {task_id}", "notFound", method="Task/get")


def get_task(conn: Connection, task_id: str, client: Any = None) -> Steps[JMAPTask]:
    """The task ``task_id``."""
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    return JMAPTask.from_jmap((yield from _get_raw_task(conn, account_id, task_id)), client)


def update_task(conn: Connection, task_id: str, patch: dict[str, Any]) -> Steps[None]:
    """Apply ``patch`` (JMAP or snake_case property names) to the task."""
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    yield from set_one(conn, TASK, account_id, update=(task_id, task_properties(patch)))
    return None


def delete_task(conn: Connection, task_id: str) -> Steps[None]:
    """Delete the task."""
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    yield from set_one(conn, TASK, account_id, destroy=task_id)
    return None


def get_task_sync_token(conn: Connection) -> Steps[str]:
    """The current Task state, for :func:`get_task_changes`: a /get of no ids."""
    return (yield from current_state(conn, TASK))


def get_task_changes(
    conn: Connection, state: str, client: Any = None
) -> Steps[tuple[list[JMAPTask], list[JMAPTask], list[str], str]]:
    """(created, updated, destroyed ids, new state) of tasks since ``state``: the whole
    delta (Task/changes with Task/get by reference, following hasMoreChanges)."""
    return (yield from changes_as(conn, TASK, state, lambda o: JMAPTask.from_jmap(o, client)))


def _task_filter_value(name: str, value: Any) -> Any:
    if name in _DATE_FILTERS:
        return local_datetime(value, name)
    if name == "inTaskLists":
        if isinstance(value, str):
            return [value]
        return list(value)
    return value


def task_filter(what: str, task_list_id: str | None = None, **filters: Any) -> dict[str, Any]:
    """The Task/query FilterCondition for keyword ``filters`` (see :data:`TASK_FILTERS`;
    dates may be datetimes, dates or ISO strings); ``task_list_id`` is one of inTaskLists."""
    condition = query_filter(TASK_FILTERS, filters, what, _task_filter_value)
    if task_list_id is not None:
        lists = condition.get("inTaskLists", [])
        condition["inTaskLists"] = [task_list_id, *(i for i in lists if i != task_list_id)]
    return condition


def search_tasks(
    conn: Connection, client: Any = None, task_list_id: str | None = None, **filters: Any
) -> Steps[list[JMAPTask]]:
    """The tasks matching ``filters`` (Task/query and Task/get by reference: one round trip
    per page)."""
    condition = task_filter("search_tasks", task_list_id, **filters)
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    found = yield from query_objects(conn, TASK, account_id, filter=condition or None)
    return [JMAPTask.from_jmap(obj, client) for obj in found]


def query_task_ids(
    conn: Connection, task_list_id: str | None = None, **filters: Any
) -> Steps[tuple[list[str], str, int | None]]:
    """``(ids, query_state, total)`` of the tasks matching ``filters``: the state to give
    :func:`get_task_query_changes` with the same filters."""
    condition = task_filter("query_task_ids", task_list_id, **filters)
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    return (yield from query_ids(conn, TASK, account_id, filter=condition or None))


def get_task_query_changes(
    conn: Connection, query_state: str, task_list_id: str | None = None, **filters: Any
) -> Steps[tuple[list[str], list[tuple[int, str]], str]]:
    """``(removed, added, new_query_state)`` of the Task query with ``filters`` since
    ``query_state``; ``added`` holds (index, id) pairs."""
    condition = task_filter("get_task_query_changes", task_list_id, **filters)
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    return (yield from query_changes(conn, TASK, account_id, query_state, condition or None))


def copy_task(
    conn: Connection,
    task_id: str,
    to_task_list_id: str,
    to_account_id: str | None = None,
    move: bool = False,
) -> Steps[str]:
    """Copy (or move) a task into ``to_task_list_id``; returns the id of the task there.

    Into another account: Task/copy (with onSuccessDestroyOriginal when moving).  Within
    the account (RFC 8620 /copy is only between accounts): a move updates ``taskListId``
    (the id stays), a copy creates a new task with the same content and a new uid.
    """
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    if to_account_id is not None and to_account_id != account_id:
        return (
            yield from copy_to_account(
                conn,
                TASK,
                account_id,
                to_account_id,
                task_id,
                {"taskListId": to_task_list_id},
                move,
            )
        )
    if move:
        update = (task_id, {"taskListId": to_task_list_id})
        return (yield from set_one(conn, TASK, account_id, update=update)).id
    original = yield from _get_raw_task(conn, account_id, task_id)
    duplicate = {k: v for k, v in original.items() if k not in TASK_SERVER_PROPERTIES}
    duplicate.update({"uid": str(uuid.uuid4()), "taskListId": to_task_list_id})
    duplicate.setdefault("@type", "Task")
    return (yield from set_one(conn, TASK, account_id, create=duplicate)).id


# -- tasks as iCalendar ----------------------------------------------------------------------


def task_to_ical(task: dict[str, Any]) -> str:
    """A Task object as an iCalendar VTODO (the JMAP-only properties left out)."""
    jscal = {k: v for k, v in task.items() if k not in TASK_SERVER_PROPERTIES}
    jscal.setdefault("@type", "Task")
    return jscal_to_ical(jscal)


def create_task_from_ical(conn: Connection, task_list_id: str, ical_str: str) -> Steps[str]:
    """Create a task from an iCalendar VTODO in ``task_list_id``; returns its id."""
    task = ical_to_jscal(ical_str)
    if task.get("@type") != "Task":
        raise JMAPConversionError("the iCalendar data holds a VEVENT, not a VTODO", "@type")
    task = copy.deepcopy(task)
    task["taskListId"] = task_list_id
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    return (yield from set_one(conn, TASK, account_id, create=task)).id


def get_task_ical(conn: Connection, task_id: str) -> Steps[str]:
    """The task ``task_id`` as iCalendar (a VCALENDAR with one VTODO)."""
    account_id = yield from conn.account_for(TASK_CAPABILITY)
    return task_to_ical((yield from _get_raw_task(conn, account_id, task_id)))
