"""The icalendar package's real-world calendars through Cyrus 3.10 (docs/fidelity.md).

Every VEVENT object of the corpus that the converter converts (both ways: the same set
the fidelity tool measures) is created with CalendarEvent/set in a fresh calendar, read
back, converted to iCalendar and its facts compared with the source's
(caldav.jmap.convert.fidelity.facts).  Cyrus must accept every object the client sends;
what the client itself refuses (JMAPConversionError) must be explained by REFUSED (the
property -> why, with a check on the source that the reason holds); what Cyrus changes is
listed in SERVER_CHANGES and left out of the percentage; of every other fact at least
96 % must come back (objects with values the converter cannot read convert now, and those
values count as lost), and every event must start at its source's instant.

VTODO objects are skipped (counted and printed): Cyrus's JMAP serves events only.
Objects are created file by file and deleted before the next file, as the corpus reuses
UIDs across files.  One sync test: the async client runs the same operation code (the
Steps generators of caldav.jmap._methods), tested against Cyrus with both clients
elsewhere; this test is about the data.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
import warnings
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import icalendar
import pytest

from caldav.jmap import JMAPClient
from caldav.jmap._servers.iana_zones import iana_equivalent
from caldav.jmap.convert.datetime import parse_ical_time
from caldav.jmap.convert.ical_to_jscal import ical_to_jscal
from caldav.jmap.convert.jscal_to_ical import jscal_to_ical
from caldav.jmap.convert.model import ICalComponent, parse_ical
from caldav.jmap.error import JMAPBulkError, JMAPConversionError
from tools.fidelity import Fact, facts, split_objects

PASSWORD = os.environ.get("CYRUS_PASSWORD", "password")
CORPUS = Path(os.path.dirname(icalendar.__file__)) / "tests"
CORPUS_DIRS = [
    CORPUS / name
    for name in (
        "calendars",
        "events",
        "alarms",
        "todos",
        "journals",
        "availabilities",
        "freebusy",
        "timezones",
    )
    if (CORPUS / name).is_dir()
]

VENDOR = "kept only in the vendor property python-caldav:iCalendar, which Cyrus refuses"

#: what Cyrus changes: (label, reason, does it apply to this fact (where, name, params, value))
SERVER_CHANGES: list[tuple[str, str, Callable[[Fact], bool]]] = [
    ("DTSTAMP", "Cyrus sets it itself when it stores the event", lambda f: f[1] == "DTSTAMP"),
    ("LAST-MODIFIED", "Cyrus sets it itself (`updated`)", lambda f: f[1] == "LAST-MODIFIED"),
    ("X-* properties", VENDOR, lambda f: f[1].startswith("X-")),
    (
        "COMMENT, RESOURCES, CONTACT",
        "no JSCalendar property; " + VENDOR,
        lambda f: f[1] in ("COMMENT", "RESOURCES", "CONTACT") and "/" not in f[0],
    ),
    (
        "VALARM DESCRIPTION",
        "no JSCalendar property; " + VENDOR,
        lambda f: "/VALARM" in f[0] and f[1] == "DESCRIPTION",
    ),
    (
        "VCALENDAR properties (CALSCALE, NAME, DESCRIPTION, REFRESH-INTERVAL, UID, X-WR-*)",
        "no place in a JSCalendar Event; " + VENDOR,
        lambda f: f[0] == "VCALENDAR",
    ),
    ("LINK (RFC 9253)", VENDOR, lambda f: f[1] == "LINK"),
    (
        "stated defaults SEQUENCE:0, TRANSP:OPAQUE, STATUS:CONFIRMED, CLASS:PUBLIC",
        "the JSCalendar default is not sent, the stated form is " + VENDOR,
        lambda f: (
            (f[1], f[3].upper())
            in {
                ("SEQUENCE", "0"),
                ("TRANSP", "OPAQUE"),
                ("STATUS", "CONFIRMED"),
                ("CLASS", "PUBLIC"),
            }
        ),
    ),
    ("X- parameters (DTSTART;X-SLACK=...)", VENDOR, lambda f: ";X-" in ";" + f[2]),
    (
        "DTSTART;VALUE=DATE-TIME with a date value (broken_ical.ics)",
        "a malformed value is repaired; its written form is " + VENDOR,
        lambda f: f[1] == "DTSTART" and "VALUE=DATE-TIME" in f[2],
    ),
    (
        "CATEGORIES with an escaped comma (issue_127: 'Meeting\\, John')",
        "Cyrus gives the keyword back split at the comma",
        lambda f: f[1] == "CATEGORIES" and "," in f[3],
    ),
    (
        "ATTENDEE and SUMMARY of an EMAIL alarm",
        "a JSCalendar Alert has neither: they travel in the vendor property only",
        lambda f: "/VALARM" in f[0] and f[1] in ("ATTENDEE", "SUMMARY"),
    ),
    (
        "participants of an event the account's user takes no part in (property_params.ics, "
        "METHOD:REQUEST from rembrand@daxlab.com to three other people)",
        "Cyrus, a scheduling server, stores such an event without its ORGANIZER and "
        "ATTENDEEs (observed; the user is neither)",
        lambda f: f[0].startswith("VEVENT[XRIMCAL-628059586") and f[1] in ("ATTENDEE", "ORGANIZER"),
    ),
    (
        "RRULE SKIP with the Gregorian calendar (rfc_7529.ics 4.3.4)",
        "Cyrus drops SKIP when RSCALE is GREGORIAN (RFC 7529 gives it effect only where "
        "the rule can hit a missing date; here the plain rule is kept)",
        lambda f: f[1] == "RRULE" and "SKIP=" in f[3] and "RSCALE" not in f[3],
    ),
    (
        "time zones Cyrus does not know (Windows names, prefixed or custom TZIDs, legacy links)",
        "the client sends the IANA zone with the same rules (or the same offsets at the "
        "event's times), or UTC for a single event no IANA zone matches: the same instants "
        "(starts checked below), another TZID",
        lambda f: (
            ("@" in f[3] and _unknown_zone(f[3].rsplit("@", 1)[1])) or _unknown_tzid_param(f[2])
        ),
    ),
    (
        "RECURRENCE-ID of an instance without its series that recurs itself (Lotus Notes, "
        "issue_156: RANGE=THISANDFUTURE with RDATE periods)",
        "RFC 8984 forbids recurrenceId beside recurrences and Cyrus refuses it: the client "
        "stores such an instance as a series of its own",
        lambda f: f[1] == "RECURRENCE-ID" and "RANGE=THISANDFUTURE" in f[2].upper(),
    ),
    (
        "SUMMARY with leading or trailing blanks (issue_526: 'SUMMARY: Some event')",
        'Cyrus trims the title (observed: `title: " x"` comes back as `"x"`)',
        lambda f: f[1] == "SUMMARY" and f[3] != f[3].strip(),
    ),
    (
        "a recurrence instance identical to its series (issue_1231_recurrence.ics)",
        "its override is an empty patch, which Cyrus drops: the instance comes back as an "
        "ordinary occurrence of the series",
        lambda f: f[0] == "VEVENT[test-uid][2025-04-28T16:05:00Z]",
    ),
]


def _unknown_zone(tzid: str) -> bool:
    return iana_equivalent(tzid) != tzid


def _unknown_tzid_param(params: str) -> bool:
    # facts keep the TZID of values they cannot read as instants (a non-IANA zone)
    found = re.search(r"(?:^|;)TZID=([^;]*)", params, re.IGNORECASE)
    return found is not None and _unknown_zone(found.group(1))


def _start_instant(text: str) -> datetime | None:
    """The first VEVENT's DTSTART as an aware instant (icalendar reads custom VTIMEZONEs)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # icalendar's notes on the odd TZIDs of the corpus
            event = next(iter(icalendar.Calendar.from_ical(text).walk("VEVENT")))
            start = event.DTSTART
    except (StopIteration, ValueError, KeyError, AttributeError, TypeError):
        return None
    if not isinstance(start, datetime) or start.tzinfo is None:
        return None
    return start


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def _orphan_series(root: ICalComponent) -> bool:
    """An instance without its series that recurs itself (RECURRENCE-ID and RDATE)."""
    event = _root_event(root)
    return event.first("RECURRENCE-ID") is not None and event.first("RDATE") is not None


def _as_instance(back: Counter[Fact], source: Counter[Fact]) -> Counter[Fact]:
    """The facts of an orphan instance stored as a series, under the instance's key, so
    that they compare with the source's (the client drops its recurrence id)."""
    keys = {f[0] for f in source if "][" in f[0]}
    if len(keys) != 1:
        return back
    (key,) = keys
    series = key[: key.index("][") + 1]
    renamed: Counter[Fact] = Counter()
    for fact, count in back.items():
        where = key + fact[0][len(series) :] if fact[0].startswith(series) else fact[0]
        renamed[(where, *fact[1:])] += count
    return renamed


def _server_change(fact: Fact) -> str | None:
    return next((label for label, _, applies in SERVER_CHANGES if applies(fact)), None)


def _root_event(root: ICalComponent) -> ICalComponent:
    return next(c for c in root.components if c.name == "VEVENT")


def _defined(root: ICalComponent) -> set[str]:
    return {
        c.first("TZID").value for c in root.components if c.name == "VTIMEZONE" and c.first("TZID")
    }


def _tzids(root: ICalComponent) -> set[str]:
    return {p.param("TZID") or "" for c in root.components for p in c.properties} - {""}


#: the invalid property Cyrus names (ids taken out) -> (why, check that it is so)
REFUSED: dict[str, tuple[str, Callable[[ICalComponent], bool]]] = {
    "start": (
        "no (readable) DTSTART: RFC 5545 allows none in iTIP messages only, a JSCalendar Event "
        "must have a start; the client refuses it before sending (JMAPConversionError, "
        "property start)",
        lambda root: not _readable_start(_root_event(root)),
    ),
}


def _readable_start(comp: ICalComponent) -> bool:
    start = comp.first("DTSTART")
    try:
        return start is not None and parse_ical_time(start.value) is not None
    except JMAPConversionError:
        return False


_NO = type("NoProp", (), {"value": ""})()

_ID = re.compile(r"/(\(null\)\[\d+\]|[0-9a-f-]{36}|[^/]*@[^/]*)(?=/|$)")


def _refusal_key(invalid: str) -> str:
    return _ID.sub("", invalid)


def _ics_files() -> list[Path]:
    return [path for folder in CORPUS_DIRS for path in sorted(folder.rglob("*.ics"))]


@pytest.mark.skipif(not CORPUS_DIRS, reason="icalendar's test calendars are not installed")
def test_corpus_through_cyrus(cyrus_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)  # the vendor property's "left out" warnings, per event
    client = JMAPClient(cyrus_url, "user2", PASSWORD)
    calendar_id = client.create_calendar(f"corpus-{uuid.uuid4().hex[:8]}")
    skipped_todos: list[str] = []
    not_converted: list[str] = []
    refused: dict[str, list[str]] = {}
    unexplained: list[str] = []
    moved: list[str] = []  # events whose start came back at another instant
    server_refused: list[str] = []  # events the client sent and Cyrus refused
    accepted = 0
    total: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    lost: list[tuple[str, Fact]] = []
    changed: Counter[str] = Counter()  # facts the server changed, per SERVER_CHANGES label
    # strict, as tools/fidelity.py counts: every fact of every VEVENT, refused ones lost
    strict = Counter(total=0, kept=0)
    try:
        for path in _ics_files():
            name = f"{path.parent.name}/{path.name}"
            try:
                objects = split_objects(path.read_text(encoding="utf-8", errors="replace"))
            except JMAPConversionError:
                continue  # not a calendar with events or tasks: the fidelity tool's "refused"
            events = []
            for index, (kind, text) in enumerate(objects):
                if kind != "VEVENT":
                    skipped_todos.append(f"{name}#{index}")
                    continue
                try:
                    jscal_to_ical(ical_to_jscal(text))
                except JMAPConversionError:
                    not_converted.append(f"{name}#{index}")
                    continue
                events.append(text)
            if not events:
                continue
            try:
                created = dict(enumerate(client.create_events(calendar_id, events)))
            except JMAPBulkError as error:
                created = {int(k): v for k, v in error.result.created.items()}
                for position, failure in error.result.failed.items():
                    source = parse_ical(events[int(position)])
                    strict["total"] += sum(facts(source).values())
                    found = re.search(r"properties: ((?:[^()]|\([^()]*\))*)\)", str(failure))
                    invalid = found.group(1).split(", ") if found else [str(failure)]
                    if isinstance(failure, JMAPConversionError) and failure.property:
                        invalid = [failure.property]  # refused by the client, never sent
                    else:
                        server_refused.append(f"{name}#{position}: {failure}")
                    for prop in invalid:
                        key = _refusal_key(prop)
                        if key in REFUSED and REFUSED[key][1](source):
                            refused.setdefault(key, []).append(f"{name}#{position}")
                        else:
                            unexplained.append(f"{name}#{position}: {failure}")
            accepted += len(created)
            for position, event_id in created.items():
                source = parse_ical(events[position])
                back_text = client.get_event(event_id)
                before, after = _start_instant(events[position]), _start_instant(back_text)
                # compared in UTC: an ambiguous wall time (a DST fold) never compares equal
                # to an instant of another zone (PEP 495), even when it is the same
                if before is not None and after is not None and _utc(before) != _utc(after):
                    moved.append(f"{name}#{position}: {before} -> {after}")
                uids = {p.value for c in [source, *source.components] for p in c.all("UID")}
                back = facts(parse_ical(back_text), uids)
                before_facts = facts(source)
                if _orphan_series(source):
                    back = _as_instance(back, before_facts)
                for fact, count in before_facts.items():
                    strict["total"] += count
                    strict["kept"] += min(count, back[fact])
                    key = fact[1]
                    label = _server_change(fact)
                    if label is not None:
                        changed[label] += count - min(count, back[fact])
                        continue
                    total[key] += count
                    kept[key] += min(count, back[fact])
                    if back[fact] < count:
                        lost.append((name, fact))
            if created:
                client.delete_events(list(created.values()))
    finally:
        client.delete_calendar(calendar_id, remove_events=True)
        client.close()

    facts_total, facts_kept = sum(total.values()), sum(kept.values())
    percentage = 100.0 * facts_kept / facts_total
    print(f"\nVEVENT objects accepted by Cyrus: {accepted}")
    print(f"refused (explained): {sum(map(len, refused.values()))}")
    for key, names in sorted(refused.items()):
        print(f"  {key}: {len(names)} - {REFUSED[key][0]}: {', '.join(names)}")
    print(f"VTODO objects skipped (Cyrus JMAP: events only): {len(skipped_todos)}")
    print(f"objects the converter refuses (fidelity tool's 'refused'): {not_converted}")
    print(f"comparable facts: {facts_total}, kept: {facts_kept} ({percentage:.2f}%)")
    strict_percentage = 100.0 * strict["kept"] / max(strict["total"], 1)
    print(
        f"strict (every fact of every VEVENT, refused ones and server changes counted): "
        f"{strict['total']}, kept: {strict['kept']} ({strict_percentage:.2f}%)"
    )
    print("changed by the server (not counted above):")
    for label, reason, _ in SERVER_CHANGES:
        print(f"  {label}: {changed[label]} - {reason}")
    for name, fact in lost:
        print(f"  LOST {name}: {fact}")
    assert not unexplained, unexplained
    assert not moved, moved
    # the bar: whatever the client sends, the server accepts
    assert not server_refused, server_refused
    assert accepted > 50
    assert percentage >= 96.0
