"""How much iCalendar survives ical -> JSCalendar -> ical.

``python -m tools.fidelity DIR_OR_FILE...`` (from a checkout) converts every object of
every ``.ics`` file (one VEVENT / VTODO with its recurrence instances, as
:func:`ical_to_jscal_all` groups them) to JSCalendar and back, and prints per iCalendar
property how many *facts*
survived and the overall percentage. Strict: an object the converter refuses or crashes
on loses all its facts, a file that does not parse loses the facts of its VEVENTs and
VTODOs; outputs that icalendar cannot read or that repeat a once-only property are
counted as invalid. Files without VEVENT / VTODO are left out.

A fact is one property of a VEVENT / VTODO (or of their subcomponents, or of the
VCALENDAR) with its value and parameters, normalised so that only meaning counts:
content lines unfolded, parameter order and name case ignored, parameter values compared
case-insensitively, TEXT compared unescaped, multi-valued properties (CATEGORIES, EXDATE,
RDATE) split into one fact per value, date-times compared as instants when they are UTC or
in a zone that names an IANA zone (an IANA name, a Windows name, a globally unique id
ending in an IANA name, as the converter reads them; ``DTSTART`` with or without
``VALUE=DATE-TIME``), calendar addresses with
the ``mailto:`` scheme in any case, durations by length (``P1W`` = ``P7D``), DTEND and
DURATION as the event's length, recurrence rules part by part with RFC 5545 / RFC 7529
defaults dropped, parameters at their RFC 5545 default dropped (``VALUE`` of the
property's default type, ``RELATED=START``). VTIMEZONEs are regenerated and not counted;
VERSION neither. In a calendar with an X-WR-TIMEZONE naming an IANA zone, floating and UTC
times of its objects are read in that zone, as the converter reads them (the convention
of the exports that write it).
"""

from __future__ import annotations

import argparse
import copy
import logging
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import icalendar

from caldav.jmap.convert.datetime import (
    format_utc,
    iana_name,
    parse_duration,
    parse_ical_time,
    to_zone,
)
from caldav.jmap.convert.ical_to_jscal import group_objects, ical_to_jscal_all
from caldav.jmap.convert.jscal_to_ical import jscal_to_ical
from caldav.jmap.convert.model import (
    ICalComponent,
    ICalProperty,
    parse_ical,
    parse_line,
    serialize,
    split_text_list,
    unescape_text,
)
from caldav.jmap.convert.valid import ONCE
from caldav.jmap.convert.xwrtimezone import calendar_zone, move_into_calendar_zone
from caldav.jmap.error import JMAPConversionError

__all__ = ["Report", "facts", "measure", "main", "repeated_once_only", "split_objects"]

_TIMES = frozenset(
    {
        "DTSTART",
        "DUE",
        "RECURRENCE-ID",
        "EXDATE",
        "RDATE",
        "DTSTAMP",
        "CREATED",
        "LAST-MODIFIED",
        "COMPLETED",
        "ACKNOWLEDGED",
    }
)
_TEXT = frozenset({"SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "CONTACT", "RESOURCES"})
_ADDRESSES = frozenset({"ORGANIZER", "ATTENDEE"})
_ADDRESS_PARAMS = frozenset({"DELEGATED-TO", "DELEGATED-FROM", "SENT-BY", "MEMBER"})
_RULE_DEFAULTS = {"INTERVAL": "1", "WKST": "MO", "RSCALE": "GREGORIAN", "SKIP": "OMIT"}
#: (property, parameter, value) at the RFC 5545 default, same as absent
_DEFAULT_PARAMS = {
    ("*", "VALUE", "DATE-TIME"),
    ("TRIGGER", "VALUE", "DURATION"),
    ("TRIGGER", "RELATED", "START"),
    ("ATTACH", "VALUE", "URI"),
    ("*", "VALUE", "TEXT"),
    ("*", "VALUE", "INTEGER"),
    ("*", "VALUE", "CAL-ADDRESS"),
}
_SKIPPED = frozenset({"VERSION"})
_ENUMERATED = frozenset({"METHOD", "STATUS", "CLASS", "TRANSP", "ACTION", "CALSCALE"})
_COUNTED = frozenset({"VEVENT", "VTODO"})

Fact = tuple[str, str, str, str]  # where, property name, parameters, value


def _address(value: str) -> str:
    value = value.strip()
    return "mailto:" + value[7:].lower() if value[:7].lower() == "mailto:" else value


def _params(prop: ICalProperty, drop: frozenset[str] = frozenset()) -> str:
    items = []
    for name, values in prop.params.items():
        if name in drop or name == "JSID":  # JSID: the draft's id marker, added as needed
            continue
        joined = ",".join(
            _address(v) if name in _ADDRESS_PARAMS else v.upper() for v in values
        ).upper()
        if (prop.name, name, joined) in _DEFAULT_PARAMS or ("*", name, joined) in _DEFAULT_PARAMS:
            continue
        items.append(f"{name}={joined}")
    return ";".join(sorted(items))


#: properties RFC 5545 requires in UTC: a floating value (broken producers) means UTC
_UTC_ONLY = frozenset({"DTSTAMP", "CREATED", "LAST-MODIFIED", "COMPLETED", "ACKNOWLEDGED"})


def _instant(value: str, tzid: str | None, utc: bool = False) -> str:
    time = parse_ical_time(value, tzid)
    if time.is_date:
        return f"{time.local:%Y%m%d}"
    if time.utc or utc or iana_name(tzid) is not None:
        return format_utc(time)
    return f"{time.local:%Y%m%dT%H%M%S}" + (f"@{tzid}" if tzid else "")


def _rule(value: str, start: ICalProperty | None) -> str:
    parts = {}
    for part in value.upper().split(";"):
        name, _, text = part.partition("=")
        if name == "BYDAY":
            text = ",".join(d.strip().lstrip("+") for d in text.split(","))  # "+3WE" = "3WE"
        if name and _RULE_DEFAULTS.get(name) != text:
            parts[name] = text
    if "UNTIL" in parts and start is not None:
        tzid = start.param("TZID")
        until = parse_ical_time(parts["UNTIL"], tzid)
        if until.is_date or parse_ical_time(start.value, tzid).is_date:
            parts["UNTIL"] = f"{until.local:%Y%m%d}"
        elif until.utc or iana_name(tzid) is not None:
            parts["UNTIL"] = format_utc(until)
    return ";".join(f"{k}={v}" for k, v in sorted(parts.items()))


def _length(comp: ICalComponent) -> str | None:
    """An event's length, whether stated as DTEND or as DURATION."""
    start, end, duration = comp.first("DTSTART"), comp.first("DTEND"), comp.first("DURATION")
    if duration is not None:
        return str(parse_duration(duration.value).timedelta())
    if start is None or end is None:
        return None
    first = parse_ical_time(start.value, start.param("TZID"))
    last = parse_ical_time(end.value, end.param("TZID"))
    return str(to_zone(last, first.zone) - first.local)


def _is_date(prop: ICalProperty | None) -> bool:
    try:
        return prop is not None and parse_ical_time(prop.value).is_date
    except (JMAPConversionError, ValueError, OverflowError):
        return False


def _period_length(start: str, end: str, prop: ICalProperty) -> str | None:
    if end.lstrip("+-").startswith("P"):
        return str(parse_duration(end).timedelta())
    first, last = (
        parse_ical_time(start, prop.param("TZID")),
        parse_ical_time(end, prop.param("TZID")),
    )
    return str(to_zone(last, first.zone) - first.local)


def _prop_facts(prop: ICalProperty, comp: ICalComponent, where: str) -> Iterator[Fact]:
    name = prop.name
    if name in ("DTEND", "DURATION") and comp.name == "VEVENT":
        length = _length(comp)
        if length is not None:
            yield where, "DTEND/DURATION", "", length
            return
    # the value's form says DATE or DATE-TIME; TZID is folded into the value
    params = _params(prop, frozenset({"TZID", "VALUE"}) if name in _TIMES else frozenset())
    if name in _TIMES:
        for part in prop.value.split(","):
            start, _, end = part.partition("/")
            value = _instant(start, prop.param("TZID"), name in _UTC_ONLY)
            if name == "RECURRENCE-ID" and _is_date(comp.first("DTSTART")):
                value = value[:10].replace("-", "")  # all-day: the instance is its date
            if end and name == "RDATE" and _period_length(start, end, prop) == _length(comp):
                end = ""  # a period as long as the event says no more than its start
            if end:  # a period: its start and length, however the end is written
                value += "/" + str(_period_length(start, end, prop))
            yield where, name, params, value
    elif name in _ENUMERATED:  # RFC 5545 section 2.1: enumerated values ignore case
        yield where, name, params, prop.value.strip().upper()
    elif name == "CATEGORIES":
        for word in split_text_list(prop.value):
            yield where, name, params, word
    elif name in _TEXT:
        yield where, name, params, unescape_text(prop.value)
    elif name in _ADDRESSES:
        yield where, name, params, _address(prop.value)
    elif name in ("RRULE", "EXRULE"):
        yield where, name, params, _rule(prop.value, comp.first("DTSTART"))
    elif name in ("TRIGGER", "ESTIMATED-DURATION") and prop.value.strip()[:1] in "+-P":
        yield where, name, params, str(parse_duration(prop.value).timedelta())
    elif name == "GEO":
        try:
            yield where, name, params, ";".join(str(float(v)) for v in prop.value.split(";"))
        except ValueError:
            yield where, name, params, prop.value
    else:
        yield where, name, params, prop.value.strip()


def facts(root: ICalComponent, uids: set[str] | None = None) -> Counter[Fact]:
    """The facts of a VCALENDAR (see the module docstring). Components are told apart by
    UID and RECURRENCE-ID; a UID not in ``uids`` (one the converter generated for a source
    component without UID) counts as no UID."""
    found: Counter[Fact] = Counter()
    if root.name in _COUNTED:  # a bare VEVENT / VTODO converts into a VCALENDAR
        root = ICalComponent("VCALENDAR", [], [root])
    if calendar_zone(root) is not None:  # its floating times are in that zone: compare so
        root = copy.deepcopy(root)
        move_into_calendar_zone(root)
    for prop in root.properties:
        if prop.name not in _SKIPPED:
            found.update(_safe_facts(prop, root, "VCALENDAR"))
    for comp in root.components:
        if comp.name not in _COUNTED:
            continue
        uid = comp.first("UID")
        rid = comp.first("RECURRENCE-ID")
        uid_value = uid.value if uid is not None else ""
        if uids is not None and uid_value not in uids:
            uid_value = ""
        where = f"{comp.name}[{uid_value}]"
        if rid is not None:
            where += f"[{_safe_facts(rid, comp, '')[0][3]}]"
        found.update(_component_facts(comp, where))
    return found


def _safe_facts(prop: ICalProperty, comp: ICalComponent, where: str) -> list[Fact]:
    try:
        return list(_prop_facts(prop, comp, where))
    except (JMAPConversionError, ValueError, OverflowError):  # malformed: compared as written
        return [(where, prop.name, _params(prop), prop.value)]


def _component_facts(comp: ICalComponent, where: str) -> Iterator[Fact]:
    for prop in comp.properties:
        yield from _safe_facts(prop, comp, where)
    for index, sub in enumerate(comp.components):
        yield from _component_facts(sub, f"{where}/{sub.name}#{index}")


@dataclass
class Report:
    """Facts per property: seen in the sources, and surviving the round trip. An object the
    converter refuses or crashes on loses all its facts; files without VEVENT / VTODO are
    not counted."""

    total: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    files: int = 0
    objects: int = 0
    #: files without VEVENT / VTODO (VJOURNAL, VFREEBUSY, VTIMEZONE only, empty): not counted
    skipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    crashed: list[str] = field(default_factory=list)
    #: outputs icalendar cannot read, or that repeat a once-only property
    invalid: list[str] = field(default_factory=list)
    #: the facts lost, for finding out why
    lost: list[tuple[str, Fact]] = field(default_factory=list)

    @property
    def percentage(self) -> float:
        """Facts kept, in percent of all facts of the counted objects."""
        total = sum(self.total.values())
        return 100.0 * sum(self.kept.values()) / total if total else 100.0

    def format(self) -> str:
        """The report as a table."""
        lines = [f"{'property':<24}{'facts':>8}{'kept':>8}{'%':>8}"]
        for name, total in sorted(self.total.items(), key=lambda kv: (-kv[1], kv[0])):
            kept = self.kept[name]
            lines.append(f"{name:<24}{total:>8}{kept:>8}{100.0 * kept / total:>8.1f}")
        lines.append(
            f"files: {self.files} (without VEVENT/VTODO, not counted: {len(self.skipped)}), "
            f"objects: {self.objects}, refused: {len(self.refused)}, "
            f"crashed: {len(self.crashed)}, invalid outputs: {len(self.invalid)}"
        )
        lines.append(
            f"facts: {sum(self.total.values())}, kept: {sum(self.kept.values())} "
            f"({self.percentage:.2f}%)"
        )
        return "\n".join(lines)

    def count(self, name: str, before: Counter[Fact], after: Counter[Fact]) -> None:
        """Add one object's facts: ``before`` from the source, ``after`` from the output."""
        for fact, number in before.items():
            kept = min(number, after[fact])
            self.total[fact[1]] += number
            self.kept[fact[1]] += kept
            if kept < number:
                self.lost.append((name, fact))


def _tolerant_tree(text: str) -> ICalComponent:
    """The components of a text :func:`parse_ical` refuses, for counting its facts: lines
    that do not parse are skipped, END lines need not match."""
    root = ICalComponent("VCALENDAR")
    stack = [root]
    for raw in text.replace("\r\n ", "").replace("\n ", "").splitlines():
        try:
            prop = parse_line(raw)
        except JMAPConversionError:
            continue
        if prop.name == "BEGIN":
            comp = ICalComponent(prop.value.strip().upper())
            stack[-1].components.append(comp)
            stack.append(comp)
        elif prop.name == "END":
            if len(stack) > 1:
                stack.pop()
        else:
            stack[-1].properties.append(prop)
    if len(root.components) == 1 and root.components[0].name == "VCALENDAR":
        return root.components[0]
    return root


def repeated_once_only(comp: ICalComponent) -> list[str]:
    """The once-only properties (RFC 5545) repeated in ``comp`` or below, as COMP/NAME."""
    once = ONCE.get(comp.name, frozenset())
    names = [p.name for p in comp.properties]
    found = [f"{comp.name}/{n}" for n in sorted(set(names)) if n in once and names.count(n) > 1]
    for sub in comp.components:
        found += repeated_once_only(sub)
    return found


def _is_valid(text: str) -> bool:
    """Whether icalendar reads ``text`` without errors and no once-only property repeats."""
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception:  # noqa: BLE001 - any failure to read is the answer
        return False
    if any(comp.errors for comp in calendar.walk()):
        return False
    return not repeated_once_only(parse_ical(text))


def _object_texts(text: str) -> list[tuple[str, str]] | None:
    """The file's objects (kind, VCALENDAR text); None when the file does not parse."""
    try:
        return split_objects(text)
    except JMAPConversionError:
        return None


def measure_text(text: str, name: str, report: Report) -> None:
    """Round-trip each object of one iCalendar text and add its figures to ``report``."""
    objects = _object_texts(text)
    if objects is None:  # unparseable: every fact of its VEVENTs / VTODOs is lost
        tree = _tolerant_tree(text)
        source = facts(tree) if any(c.name in _COUNTED for c in tree.components) else None
        if not source:
            report.skipped.append(name)
            return
        report.files += 1
        report.objects += 1
        report.refused.append(name)
        report.count(name, source, Counter())
        return
    if not objects:
        report.skipped.append(name)
        return
    report.files += 1
    for index, (_, obj_text) in enumerate(objects):
        label = f"{name}#{index}" if len(objects) > 1 else name
        report.objects += 1
        source_tree = parse_ical(obj_text)
        source = facts(source_tree)
        try:
            out = jscal_to_ical(ical_to_jscal_all(obj_text))
        except JMAPConversionError:
            report.refused.append(label)
            report.count(label, source, Counter())
            continue
        except Exception:  # noqa: BLE001 - counted: the converter must never do this
            report.crashed.append(label)
            report.count(label, source, Counter())
            continue
        if not _is_valid(out):
            report.invalid.append(label)
        uids = {p.value for c in [source_tree, *source_tree.components] for p in c.all("UID")}
        report.count(label, source, facts(parse_ical(out), uids))


def split_objects(text: str) -> list[tuple[str, str]]:
    """The objects of an iCalendar text, each as ``(kind, VCALENDAR text)``: one per UID
    (and kind, "VEVENT" or "VTODO"), grouped as :func:`ical_to_jscal_all` groups them,
    each with the calendar's properties and VTIMEZONEs, so that
    ``ical_to_jscal(text)`` of one of them is the converter's object for that group; none
    for a calendar without VEVENT / VTODO. Raises JMAPConversionError for a text that
    does not parse."""
    root = parse_ical(text)
    if root.name != "VCALENDAR":
        if root.name not in _COUNTED:
            return []
        return [(root.name, serialize(ICalComponent("VCALENDAR", [], [root])))]
    if not any(c.name in _COUNTED for c in root.components):
        return []
    zones = [c for c in root.components if c.name == "VTIMEZONE"]
    return [
        (group[0].name, serialize(ICalComponent("VCALENDAR", list(root.properties), zones + group)))
        for group in group_objects(root)
    ]


def _ics_files(paths: Iterable[str]) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(path.rglob("*.ics"))
        else:
            yield path


def measure(paths: Iterable[str]) -> Report:
    """Round-trip every .ics file under ``paths``."""
    report = Report()
    for path in _ics_files(paths):
        text = path.read_text(encoding="utf-8", errors="replace")
        measure_text(text, str(path), report)
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help=".ics files or directories")
    parser.add_argument("--lost", action="store_true", help="list every lost fact")
    args = parser.parse_args(argv)
    # the converter's repair warnings are counted here, not printed; main() is also called
    # in-process (tests), so the global switch is put back
    logging.disable(logging.WARNING)
    try:
        report = measure(args.paths)
    finally:
        logging.disable(logging.NOTSET)
    print(report.format())
    if args.lost:
        for name, fact in report.lost:
            print(f"LOST {name}: {fact}")
        for name in report.refused:
            print(f"REFUSED {name}")
    for name in report.crashed:
        print(f"CRASHED {name}")
    for name in report.invalid:
        print(f"INVALID {name}")
    return 1 if report.crashed or report.invalid else 0


if __name__ == "__main__":
    sys.exit(main())
