"""What the converter knows about each property of an Event or Task: one descriptor per
property, in one table.

A :class:`Property` names the iCalendar property and the JSCalendar property it converts
between, the two mappers, and the facts the rest of the package needs about it: whether
it may occur more than once, its JSCalendar default, whether a stated default survives,
whether a recurrence override may patch it, whether the server manages it. Everything
else is derived from :data:`TABLE`: the drivers' mapper tables and the sets below (the
write path in ``_methods/`` uses :data:`SERVER_PROPERTIES`, :data:`REMOVED_VALUE` and
:data:`TASK_SERVER_PROPERTIES`).

Adding a property mapping is one descriptor here (the mappers live in the module of
their kind: ``simple``, ``times``, ...) and tests: the table-driven test in
``tests/unit/test_convert_table.py`` needs a sample value for every iCalendar property.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert import (
    alerts,
    links,
    locations,
    participants,
    preserve,
    recurrence,
    simple,
    times,
)
from caldav.jmap.convert.context import (
    INT32,
    JsMapper,
    PropMapper,
    written_elsewhere,
)
from caldav.jmap.convert.dispatch import ComponentMapper

__all__ = [
    "BOTH",
    "COMPONENTS",
    "EVENT",
    "IF_ABSENT",
    "JMAP_ONLY",
    "JS_DEFAULTS",
    "MAIN_ONLY",
    "NOT_PATCHABLE",
    "ONCE",
    "ONCE_IN",
    "REMOVED_VALUE",
    "SERVER_PROPERTIES",
    "TABLE",
    "TASK",
    "TASK_SERVER_PROPERTIES",
    "TO_ICAL",
    "TO_JSCAL",
    "Property",
    "once",
    "to_ical_table",
    "to_jscal_table",
    "to_write",
]

M = TypeVar("M", PropMapper, JsMapper)

#: The object kinds (JSCalendar ``@type``) a property belongs to.
EVENT = frozenset({"Event"})
TASK = frozenset({"Task"})
BOTH = EVENT | TASK

#: A JSCalendar default: the JSON scalars RFC 8984 gives as defaults.
Default = str | int | bool | None

#: The iCalendar component of each object kind.
_COMPONENT = {"Event": "VEVENT", "Task": "VTODO"}


@dataclass(frozen=True)
class Property:
    """One property mapping of an Event or Task.

    ``ical`` / ``jscal`` are None where the property has no home on that side (a JMAP
    server's ``id``; DTEND, which the ``duration`` row writes). ``to_jscal`` /
    ``to_ical`` are the mappers (None: another row's mapper covers it).
    """

    ical: str | None
    jscal: str | None
    to_jscal: PropMapper | None = None
    to_ical: JsMapper | None = None
    #: RFC 5545 (RFC 7986, RFC 9073, the drafts) allows it more than once per component
    repeatable: bool = False
    #: a once-only property whose mapper reads a second occurrence itself (a SUMMARY in
    #: another language is a translation, a second LOCATION another Location); any other
    #: repeated once-only property is kept verbatim instead of overwriting the first
    reads_repeats: bool = False
    #: the JSCalendar default (RFC 8984), which the writer leaves out where iCalendar has
    #: no default of its own
    default: Default = None
    #: a source that states the default (SEQUENCE:0, TRANSP:OPAQUE) gets it back
    explicit_default_survives: bool = False
    #: a recurrence override may change it (RFC 8984 section 4.3.5)
    patchable: bool = True
    #: an update cannot change it (the server refuses a new ``uid`` or ``@type``)
    immutable: bool = False
    #: the server sets it (ids, computed times): never calendar data
    server_managed: bool = False
    #: only the main object has it; a recurrence instance does not inherit it
    main_only: bool = False
    #: the object kinds it belongs to
    kinds: frozenset[str] = BOTH


def _integer(
    ical: str,
    jscal: str,
    bounds: tuple[int, int],
    default: int | None = None,
    *,
    shown: bool = True,
    kinds: frozenset[str] = BOTH,
) -> Property:
    """An INTEGER property (:func:`simple.integer`): a stated default survives; ``shown``
    says whether JSCalendar shows it."""
    mappers = simple.integer(ical, jscal, bounds, default, keep_default=shown)
    survives = default is not None
    return Property(
        ical, jscal, *mappers, default=default, explicit_default_survives=survives, kinds=kinds
    )


def _enum(
    ical: str,
    jscal: str,
    values: dict[str, str],
    default: str,
    *,
    patchable: bool = True,
    kinds: frozenset[str] = BOTH,
) -> Property:
    """An enumerated property (:func:`simple.enum`): a stated default survives."""
    mappers = simple.enum(ical, jscal, values, default)
    return Property(
        ical,
        jscal,
        *mappers,
        default=default,
        explicit_default_survives=True,
        patchable=patchable,
        kinds=kinds,
    )


TABLE: tuple[Property, ...] = (
    # -- identity and timestamps
    Property("UID", "uid", *simple.raw("UID", "uid"), patchable=False, immutable=True),
    Property("DTSTAMP", "updated", simple.utc("DTSTAMP", "updated")[0], simple.TO_ICAL["updated"]),
    Property("LAST-MODIFIED", None, simple.TO_JSCAL["LAST-MODIFIED"]),
    Property("CREATED", "created", *simple.utc("CREATED", "created")),
    _integer("SEQUENCE", "sequence", INT32, default=0),
    # -- what the object says
    Property(
        "SUMMARY",
        "title",
        simple.TO_JSCAL["SUMMARY"],
        simple.TO_ICAL["title"],
        reads_repeats=True,
        default="",
    ),
    Property(None, "locale", to_ical=simple.TO_ICAL["locale"]),
    Property(None, "localizations", to_ical=simple.TO_ICAL["localizations"]),
    Property(
        "DESCRIPTION",
        "description",
        simple.TO_JSCAL["DESCRIPTION"],
        simple.TO_ICAL["description"],
        reads_repeats=True,
        default="",
    ),
    # RFC 9073 allows several (alternative representations); the first text one is the
    # description, the others are kept
    Property("STYLED-DESCRIPTION", None, simple.TO_JSCAL["STYLED-DESCRIPTION"], repeatable=True),
    # written as STYLED-DESCRIPTION's FMTTYPE, a parameter: no iCalendar property of its own
    Property(
        None,
        "descriptionContentType",
        to_ical=simple.TO_ICAL["descriptionContentType"],
        default="text/plain",
    ),
    Property(
        "CATEGORIES",
        "keywords",
        simple.TO_JSCAL["CATEGORIES"],
        simple.TO_ICAL["keywords"],
        repeatable=True,
    ),
    Property("COLOR", "color", *simple.raw("COLOR", "color")),
    # -- scheduling and display
    # RFC 8984's default is "confirmed", but a stated status is written, that one included
    # (what the source said); the default is what a removed STATUS becomes on the server
    Property(
        "STATUS",
        "status",
        simple.TO_JSCAL["STATUS"],
        simple.TO_ICAL["status"],
        default="confirmed",
        explicit_default_survives=True,
        kinds=EVENT,
    ),
    # a VTODO's STATUS (read by the row above, which knows the object's kind)
    Property("STATUS", "progress", to_ical=simple.TO_ICAL["progress"], kinds=TASK),
    # PRIORITY:0 means "undefined", which JSCalendar says by leaving priority out
    _integer("PRIORITY", "priority", (0, 9), default=0, shown=False),
    _enum(
        "CLASS",
        "privacy",
        {"PUBLIC": "public", "PRIVATE": "private", "CONFIDENTIAL": "secret"},
        default="public",
        patchable=False,
    ),
    _enum(
        "TRANSP",
        "freeBusyStatus",
        {"OPAQUE": "busy", "TRANSPARENT": "free"},
        default="busy",
        kinds=EVENT,
    ),
    _integer("PERCENT-COMPLETE", "percentComplete", (0, 100), kinds=TASK),
    Property(
        "COMPLETED", "progressUpdated", *simple.utc("COMPLETED", "progressUpdated"), kinds=TASK
    ),
    # -- time
    Property("DTSTART", "start", times.TO_JSCAL["DTSTART"], times.TO_ICAL["start"]),
    Property(None, "timeZone", to_ical=written_elsewhere),  # DTSTART's TZID
    Property("DTEND", None, times.TO_JSCAL["DTEND"], kinds=EVENT),
    Property("DURATION", "duration", times.TO_JSCAL["DURATION"], written_elsewhere),
    Property(None, times.END_TIME_ZONE, to_ical=times.TO_ICAL[times.END_TIME_ZONE]),
    Property(
        "SHOW-WITHOUT-TIME",
        "showWithoutTime",
        times.TO_JSCAL["SHOW-WITHOUT-TIME"],
        written_elsewhere,  # with DTSTART (a DATE, or SHOW-WITHOUT-TIME)
        default=False,
    ),
    Property("DUE", "due", times.TO_JSCAL["DUE"], times.TO_ICAL["due"], kinds=TASK),
    Property(
        "ESTIMATED-DURATION",
        "estimatedDuration",
        times.TO_JSCAL["ESTIMATED-DURATION"],
        times.TO_ICAL["estimatedDuration"],
        kinds=TASK,
    ),
    # -- recurrence
    Property(
        "RECURRENCE-ID",
        "recurrenceId",
        times.TO_JSCAL["RECURRENCE-ID"],
        times.TO_ICAL["recurrenceId"],
        patchable=False,
    ),
    Property(None, "recurrenceIdTimeZone", to_ical=written_elsewhere, patchable=False),
    Property(
        "RRULE",
        "recurrenceRules",
        recurrence.TO_JSCAL["RRULE"],
        recurrence.TO_ICAL["recurrenceRules"],
        repeatable=True,
        patchable=False,
        main_only=True,
    ),
    # the JSCalendar 2.0 draft's name (one rule); read, never produced in RFC 8984 form
    Property(
        None,
        "recurrenceRule",
        to_ical=recurrence.TO_ICAL["recurrenceRule"],
        patchable=False,
        main_only=True,
    ),
    Property(
        "EXRULE",
        "excludedRecurrenceRules",
        recurrence.TO_JSCAL["EXRULE"],
        recurrence.TO_ICAL["excludedRecurrenceRules"],
        repeatable=True,
        patchable=False,
        main_only=True,
    ),
    Property(
        "RDATE",
        "recurrenceOverrides",
        recurrence.TO_JSCAL["RDATE"],
        recurrence.TO_ICAL["recurrenceOverrides"],
        repeatable=True,
        patchable=False,
        main_only=True,
    ),
    Property("EXDATE", None, recurrence.TO_JSCAL["EXDATE"], repeatable=True),
    # the instances' own flag (an EXDATE): never written as data
    Property(None, "excluded", default=False),
    # -- participants
    Property(
        "ATTENDEE",
        "participants",
        participants.TO_JSCAL["ATTENDEE"],
        participants.TO_ICAL["participants"],  # writes ORGANIZER too
        repeatable=True,
    ),
    Property(
        "ORGANIZER",
        "replyTo",
        participants.TO_JSCAL["ORGANIZER"],
        participants.TO_ICAL["replyTo"],
        reads_repeats=True,
        patchable=False,
    ),
    Property(None, "sentBy", patchable=False),
    Property(None, "useDefaultAlerts", default=False),
    Property(None, "mayInviteSelf", default=False),
    Property(None, "mayInviteOthers", default=False),
    Property(None, "hideAttendees", default=False),
    # -- places and links
    Property(
        "LOCATION",
        "locations",
        locations.TO_JSCAL["LOCATION"],
        locations.TO_ICAL["locations"],
        reads_repeats=True,
    ),
    Property("GEO", None, locations.TO_JSCAL["GEO"], reads_repeats=True),
    Property(None, "mainLocationId", to_ical=locations.TO_ICAL["mainLocationId"]),
    Property(
        "CONFERENCE",
        "virtualLocations",
        locations.TO_JSCAL["CONFERENCE"],
        locations.TO_ICAL["virtualLocations"],
        repeatable=True,
    ),
    Property("ATTACH", "links", links.TO_JSCAL["ATTACH"], links.TO_ICAL["links"], repeatable=True),
    Property("URL", None, links.TO_JSCAL["URL"], reads_repeats=True),
    Property(
        "RELATED-TO",
        "relatedTo",
        links.TO_JSCAL["RELATED-TO"],
        links.TO_ICAL["relatedTo"],
        repeatable=True,
        patchable=False,
    ),
    Property(None, "alerts", to_ical=alerts.TO_ICAL["alerts"]),
    # -- the calendar around the object, written by the driver at VCALENDAR level
    Property(None, "method", to_ical=written_elsewhere, patchable=False),
    Property(None, "prodId", to_ical=written_elsewhere, patchable=False),
    Property(None, "timeZones", to_ical=written_elsewhere, patchable=False, main_only=True),
    Property(None, "@type", patchable=False, immutable=True),
    # -- JMAP server state (RFC 8984 knows none of them)
    Property(None, "id", server_managed=True),
    Property(None, "calendarIds", server_managed=True, kinds=EVENT),
    Property(None, "taskListId", server_managed=True, kinds=TASK),
    Property(None, "isDraft", server_managed=True, kinds=EVENT),
    Property(None, "isOrigin", server_managed=True),
    Property(None, "blobId", server_managed=True),
    Property(None, "baseEventId", server_managed=True, kinds=EVENT),
    Property(None, "baseTaskId", server_managed=True, kinds=TASK),
    Property(None, "utcStart", server_managed=True),
    Property(None, "utcEnd", server_managed=True, kinds=EVENT),
    Property(None, "utcDue", server_managed=True, kinds=TASK),
    # Cyrus: the CalDAV URL of the object, under three names over its versions
    Property(None, "x-href", server_managed=True, kinds=EVENT),
    Property(None, "cyrusimap.org:href", server_managed=True, kinds=EVENT),
    Property(None, "debugBlobId", server_managed=True, kinds=EVENT),
)


def _unique(pairs: Iterable[tuple[str, M]], what: str) -> dict[str, M]:
    """A name -> mapper table; a name claimed twice is a mistake in :data:`TABLE`."""
    table: dict[str, M] = {}
    for name, mapper in pairs:
        if name in table:
            raise RuntimeError(f"two descriptors give the {what} mapper of {name}")
        table[name] = mapper
    return table


def to_jscal_table(rows: Iterable[Property]) -> dict[str, PropMapper]:
    """iCalendar property name -> mapper, of the descriptors ``rows``."""
    return _unique(((p.ical, p.to_jscal) for p in rows if p.ical and p.to_jscal), "iCalendar")


def to_ical_table(rows: Iterable[Property]) -> dict[str, JsMapper]:
    """JSCalendar property name -> mapper, of the descriptors ``rows``, and the vendor
    property's writer (it restores stated defaults only where no mapper wrote them)."""
    rows = tuple(rows)
    table: dict[str, JsMapper] = _unique(
        ((p.jscal, p.to_ical) for p in rows if p.jscal and p.to_ical), "JSCalendar"
    )
    table[preserve.VENDOR_KEY] = preserve.vendor_to_ical(_if_absent(rows))
    return table


def _if_absent(rows: Iterable[Property]) -> frozenset[str]:
    return frozenset(p.ical for p in rows if p.ical and p.explicit_default_survives)


def once(rows: Iterable[Property]) -> frozenset[str]:
    """The once-only properties of ``rows`` a second occurrence of which is kept verbatim
    rather than converted (it would overwrite the first)."""
    return frozenset(p.ical for p in rows if p.ical and not p.repeatable and not p.reads_repeats)


def _names(rows: Iterable[Property], **facts: bool) -> frozenset[str]:
    """The JSCalendar names of the descriptors with all of ``facts``."""
    return frozenset(
        p.jscal
        for p in rows
        if p.jscal and all(getattr(p, fact) == value for fact, value in facts.items())
    )


#: Properties RFC 5545 allows at most once, by component (VEVENT, VTODO).
ONCE_IN: dict[str, frozenset[str]] = {
    component: frozenset(p.ical for p in TABLE if p.ical and not p.repeatable and kind in p.kinds)
    for kind, component in _COMPONENT.items()
}

#: Once-only properties a second occurrence of which is kept verbatim, not converted.
ONCE = once(TABLE)

#: Properties kept because the source stated the JSCalendar default: written back only
#: when no mapper wrote the property (a changed value wins over the stale copy).
IF_ABSENT = _if_absent(TABLE)

#: Top-level properties a recurrence override must not patch (RFC 8984 section 4.3.5).
NOT_PATCHABLE = _names(TABLE, patchable=False)

#: What a recurrence instance does not inherit from its main object.
MAIN_ONLY = _names(TABLE, main_only=True)

#: Server state: never written to iCalendar.
JMAP_ONLY = _names(TABLE, server_managed=True)

#: Properties without an iCalendar home whose default means "not set": servers echo them
#: on every object, so at their default they are left out rather than written as JSPROP.
JS_DEFAULTS: dict[str, Default] = {
    p.jscal: p.default for p in TABLE if p.jscal and p.ical is None and p.default is not None
}

#: Event properties the server sets or that an update cannot change: never part of an
#: update patch.
SERVER_PROPERTIES = frozenset(
    p.jscal for p in TABLE if p.jscal and "Event" in p.kinds and (p.server_managed or p.immutable)
)

#: Task properties the server sets: left out of a copy, and of the iCalendar.
TASK_SERVER_PROPERTIES = frozenset(
    p.jscal for p in TABLE if p.jscal and "Task" in p.kinds and p.server_managed
)

#: What an Event property removed from the iCalendar becomes on the server: its
#: JSCalendar default (servers refuse null for properties that are not nullable).
REMOVED_VALUE: dict[str, Default] = {
    p.jscal: p.default
    for p in TABLE
    if p.jscal and p.ical and p.default is not None and "Event" in p.kinds
}

#: iCalendar property name -> mapper, for VEVENT and VTODO.
TO_JSCAL: dict[str, PropMapper] = to_jscal_table(TABLE)

#: JSCalendar property name -> mapper, for Event and Task.
TO_ICAL: dict[str, JsMapper] = to_ical_table(TABLE)

#: Subcomponent name -> mapper (VALARM, VLOCATION, PARTICIPANT).
COMPONENTS: dict[str, ComponentMapper] = {
    **alerts.COMPONENTS,
    **locations.COMPONENTS,
    **participants.COMPONENTS,
}


def _is_default(key: str, value: object) -> bool:
    # type-exact: 0 is not False
    default = JS_DEFAULTS.get(key)
    return default is not None and type(value) is type(default) and value == default


def to_write(obj: Mapping[str, Any]) -> JSONObject:
    """``obj`` without what never goes into iCalendar: server state, and properties
    without an iCalendar home at their default."""
    return {k: v for k, v in obj.items() if k not in JMAP_ONLY and not _is_default(k, v)}
