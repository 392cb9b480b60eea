"""Every JMAP data type the client speaks, declared once as a
:class:`~caldav.jmap._protocol.spec.TypeSpec`.

The generic engine (:mod:`caldav.jmap._protocol.operations`) works on any of them; the
modules of :mod:`caldav.jmap._methods` keep only what is really specific to a type.  A
method a spec does not declare cannot be called; whether a call may be repeated is the
kind declared here (:mod:`caldav.jmap._protocol.retry` reads it from the call).

Adding a data type: one spec here (name, capability, methods, reader, properties) and
the dataclass its ``read`` builds (see docs/architecture.md).
"""

from __future__ import annotations

from caldav.jmap._events.connection import dialect_of
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._protocol.request import READS, SETS, WRITES, Call, MethodKind
from caldav.jmap._protocol.spec import STANDARD_METHODS, Method, ReadContext, TypeSpec, read_with
from caldav.jmap.constants import (
    BLOB_CAPABILITY,
    CALENDAR_CAPABILITY,
    CALENDAR_PARSE_CAPABILITY,
    CONTACTS_CAPABILITY,
    CORE_CAPABILITY,
    PRINCIPALS_CAPABILITY,
    TASK_CAPABILITY,
)
from caldav.jmap.convert.properties import SERVER_PROPERTIES, TASK_SERVER_PROPERTIES
from caldav.jmap.objects.calendar import WRITABLE_FIELDS as CALENDAR_WRITABLE_FIELDS
from caldav.jmap.objects.calendar import JMAPCalendar
from caldav.jmap.objects.contact import (
    ADDRESS_BOOK_WRITABLE_FIELDS,
    JMAPAddressBook,
    JMAPContactCard,
)
from caldav.jmap.objects.event import JMAPEvent
from caldav.jmap.objects.notification import JMAPEventNotification, JMAPTaskNotification
from caldav.jmap.objects.principal import JMAPParticipantIdentity, JMAPPrincipal
from caldav.jmap.objects.push import PushSubscription
from caldav.jmap.objects.task import (
    TASK_LIST_WRITABLE_FIELDS,
    JMAPTask,
    JMAPTaskList,
)
from caldav.jmap.query import EXTENSION_FILTERS

__all__ = [
    "ADDRESS_BOOK",
    "BLOB",
    "CALENDAR",
    "CONTACT",
    "CORE",
    "EVENT",
    "EVENT_NOTIFICATION",
    "IDENTITY",
    "PRINCIPAL",
    "PUSH_SUBSCRIPTION",
    "SPECS",
    "TASK",
    "TASK_LIST",
    "TASK_NOTIFICATION",
    "declared_call",
    "spec_for",
]

#: Task/query FilterCondition properties.  The draft's Task/query section is still a TODO
#: ("mainly filtering should be different"): CalendarEvent/query's conditions with the
#: collection as ``inTaskLists``, and the task conditions of the draft's examples.
TASK_FILTER_NAMES = (
    "inTaskLists",
    "after",
    "before",
    "dueBefore",
    "dueAfter",
    "progress",
    "hasKeyword",
    "text",
    "title",
    "description",
    "uid",
)

#: ContactCard/query FilterCondition properties (RFC 9610 §3.3.1).
CONTACT_FILTER_NAMES = (
    "inAddressBook",
    "uid",
    "hasMember",
    "kind",
    "createdBefore",
    "createdAfter",
    "updatedBefore",
    "updatedAfter",
    "text",
    "name",
    "name/given",
    "name/surname",
    "name/surname2",
    "nickname",
    "organization",
    "email",
    "phone",
    "onlineService",
    "address",
    "note",
)

#: Uploading the same bytes again makes no second object (a blob is its content): an
#: upload may be repeated although it stores data.
IDEMPOTENT_WRITE = MethodKind(changes_data=True, repeat="always")


def _read_event(data: JSONObject, context: ReadContext) -> JMAPEvent:
    return JMAPEvent.from_jmap(
        data, context.state or None, context.client, dialect_of(context.connection)
    )


def _read_subscription(data: JSONObject, context: ReadContext) -> PushSubscription:
    return PushSubscription.from_jmap(data)


CALENDAR = TypeSpec(
    "Calendar",
    CALENDAR_CAPABILITY,
    read=read_with(JMAPCalendar.from_jmap),
    label="calendar",
    writable=CALENDAR_WRITABLE_FIELDS,
    on_destroy="onDestroyRemoveEvents",
)

EVENT = TypeSpec(
    "CalendarEvent",
    CALENDAR_CAPABILITY,
    filters=(
        "inCalendar",
        "inCalendars",
        "after",
        "before",
        "text",
        "title",
        "description",
        "location",
        "owner",
        "attendee",
        "uid",
        *sorted(EXTENSION_FILTERS),
    ),
    methods=(
        *STANDARD_METHODS,
        # parse reads an uploaded blob: it stores nothing
        Method("parse", READS, CALENDAR_PARSE_CAPABILITY, (CALENDAR_CAPABILITY,)),
        # the reply changes the event and sends iTIP mail: never twice
        Method("participantReply", WRITES),
    ),
    read=_read_event,
    label="event",
    server_managed=SERVER_PROPERTIES,
    container="calendarIds",
    container_many=True,
)

IDENTITY = TypeSpec(
    "ParticipantIdentity",
    CALENDAR_CAPABILITY,
    read=read_with(JMAPParticipantIdentity.from_jmap),
    label="participant identity",
)

EVENT_NOTIFICATION = TypeSpec(
    "CalendarEventNotification",
    CALENDAR_CAPABILITY,
    filters=("after", "before", "type", "calendarEventIds"),
    read=read_with(JMAPEventNotification.from_jmap),
    label="event notification",
)

PRINCIPAL = TypeSpec(
    "Principal",
    PRINCIPALS_CAPABILITY,
    filters=("accountIds", "email", "name", "text", "type", "timeZone"),
    methods=(
        *STANDARD_METHODS,
        # the current draft puts it under its own capability, added by the caller only for
        # servers that advertise it (Cyrus 3.10 does not): see _methods/principal.py
        Method("getAvailability", READS),
    ),
    read=read_with(JMAPPrincipal.from_jmap),
    label="principal",
    session_account=True,
)

TASK_LIST = TypeSpec(
    "TaskList",
    TASK_CAPABILITY,
    read=read_with(JMAPTaskList.from_jmap),
    label="task list",
    writable=TASK_LIST_WRITABLE_FIELDS,
    on_destroy="onDestroyRemoveTasks",
)

TASK = TypeSpec(
    "Task",
    TASK_CAPABILITY,
    filters=TASK_FILTER_NAMES,
    read=read_with(JMAPTask.from_jmap),
    label="task",
    server_managed=TASK_SERVER_PROPERTIES,
    container="taskListId",
)

TASK_NOTIFICATION = TypeSpec(
    "TaskNotification",
    TASK_CAPABILITY,
    filters=("after", "before", "type", "taskIds"),
    read=read_with(JMAPTaskNotification.from_jmap),
    label="task notification",
)

ADDRESS_BOOK = TypeSpec(
    "AddressBook",
    CONTACTS_CAPABILITY,
    read=read_with(JMAPAddressBook.from_jmap),
    label="address book",
    writable=ADDRESS_BOOK_WRITABLE_FIELDS,
    on_destroy="onDestroyRemoveContents",
)

CONTACT = TypeSpec(
    "ContactCard",
    CONTACTS_CAPABILITY,
    filters=CONTACT_FILTER_NAMES,
    read=read_with(JMAPContactCard.from_jmap),
    label="card",
    server_managed=frozenset({"id"}),
    container="addressBookIds",
    container_many=True,
)

#: Push subscriptions belong to the credentials, not to an account (RFC 8620 §7.2): no
#: accountId, and only /get and /set.
PUSH_SUBSCRIPTION = TypeSpec(
    "PushSubscription",
    CORE_CAPABILITY,
    methods=(Method("get", READS), Method("set", SETS)),
    account_scoped=False,
    read=_read_subscription,
    label="push subscription",
)

BLOB: TypeSpec[object] = TypeSpec(
    "Blob",
    BLOB_CAPABILITY,
    methods=(
        Method("get", READS),
        Method("lookup", READS),
        # Blob/copy is RFC 8620's (core); it makes new blobs in the target account
        Method("copy", WRITES, CORE_CAPABILITY),
        # not a method call but the upload to the session's uploadUrl (RFC 8620 §6.1)
        Method("upload", IDEMPOTENT_WRITE),
    ),
    label="blob",
)

#: Core/echo (RFC 8620 §4): a request that reads nothing and changes nothing.
CORE: TypeSpec[object] = TypeSpec(
    "Core", CORE_CAPABILITY, methods=(Method("echo", READS),), account_scoped=False
)

#: Every spec, by type name.
SPECS: dict[str, TypeSpec[object]] = {
    spec.name: spec
    for spec in (
        CALENDAR,
        EVENT,
        IDENTITY,
        EVENT_NOTIFICATION,
        PRINCIPAL,
        TASK_LIST,
        TASK,
        TASK_NOTIFICATION,
        ADDRESS_BOOK,
        CONTACT,
        PUSH_SUBSCRIPTION,
        BLOB,
        CORE,
    )
}


def spec_for(type_name: str) -> TypeSpec[object]:
    """The spec of the data type ``type_name``; an unknown one is a KeyError naming it."""
    try:
        return SPECS[type_name]
    except KeyError:
        raise KeyError(f"no data type {type_name!r} is declared") from None


def declared_call(method: str, arguments: JSONObject) -> Call:
    """The call ``method`` (``"Type/name"``) with ``arguments``, as its spec declares it:
    for reading a request that was sent (tests, logs), where only names are known.  A
    method no spec declares gets no kind (it counts as changing data)."""
    type_name, _, name = method.partition("/")
    spec = SPECS.get(type_name)
    try:
        kind = spec.kind(name) if spec is not None else None
    except ValueError:
        kind = None
    return Call(method, arguments, kind=kind)
