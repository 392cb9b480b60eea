"""Conformance: the examples of draft-ietf-calext-jscalendar-icalendar-25 (IETF Trust,
Revised BSD License for code components) and the conversion cases of the calcard library
(Apache-2.0 OR MIT), both in the JSCalendar 2.0 draft dialect, converted iCalendar ->
JSCalendar with ``dialect=JSCALENDAR_2``.

Both sets are notation fragments; see /work/shared/vectors/README.md for how they expand.
Every example the mapping does not (yet) reproduce is listed in KNOWN_DIFFERENT with its
reason and runs as a strict xfail: no silent skips, and a fixed example must leave the list.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from caldav.jmap.convert import JSCALENDAR_2, ical_to_jscal_all, jscal_to_ical
from caldav.jmap.error import JMAPConversionError

VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "vectors"
IETF = VECTORS / "ietf-jscalendar-icalendar-25"
CALCARD = VECTORS / "calcard" / "jscalendar"

if not IETF.is_dir():
    pytest.skip(f"conversion vectors not found at {VECTORS}", allow_module_level=True)

# --- expanding the notation ----------------------------------------------------------

_TOP = ("VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE")
_MANDATORY = {
    "VCALENDAR": [("PRODID", "-//FOO//bar//EN"), ("VERSION", "2.0")],
    "VEVENT": [
        ("DTSTAMP", "20060102T030405Z"),
        ("UID", "CC0A494A-6E07-4827-8294-0752DD1ECFA4"),
        ("DTSTART", "20060102T030405Z"),
    ],
    "VTODO": [("DTSTAMP", "20060102T030405Z"), ("UID", "CC0A494A-6E07-4827-8294-0752DD1ECFA4")],
    "VALARM": [("TRIGGER", "PT0S")],
}


def _fill(lines: list[str], implicit: bool) -> list[str]:
    """Add the mandatory properties missing from every component (``...`` or implicit)."""
    out: list[str] = []
    stack: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.upper().startswith("BEGIN:"):
            stack.append((line[6:].strip().upper(), []))
            out.append(line)
        elif line.upper().startswith("END:"):
            name, seen = stack.pop()
            for prop, value in _MANDATORY.get(name, []):
                if prop not in seen and implicit:
                    if prop == "DTSTART" and "DUE" in seen:
                        continue
                    out.append(f"{prop}:{value}")
            if name in ("VEVENT", "VTODO") and "ATTENDEE" in seen and "ORGANIZER" not in seen:
                out.append("ORGANIZER:mailto:organizer@example.com")
            out.append(line)
        else:
            if stack and not line.startswith(" "):
                stack[-1][1].append(re.split("[;:]", line, maxsplit=1)[0].upper())
            out.append(line)
    return out


def _close(lines: list[str]) -> list[str]:
    """Close the components left open (a final ``...`` does; some fragments forget it)."""
    depth = []
    for line in lines:
        if line.upper().startswith("BEGIN:"):
            depth.append(line[6:].strip())
        elif line.upper().startswith("END:") and depth:
            depth.pop()
    return lines + [f"END:{name}" for name in reversed(depth)]


def expand_ical(text: str) -> str:
    """A complete VCALENDAR from an example fragment."""
    lines = [line.rstrip("\r") for line in text.splitlines() if line.strip()]
    closing = bool(lines) and lines[-1].strip() == "..."
    implicit = closing or any(line.strip() == "..." for line in lines)
    lines = _close([line for line in lines if line.strip() != "..."])
    first = lines[0].upper() if lines else ""
    if first != "BEGIN:VCALENDAR":
        implicit = True
        if not any(first == f"BEGIN:{name}" for name in _TOP):
            lines = ["BEGIN:VEVENT", *lines, "END:VEVENT"]
        lines = ["BEGIN:VCALENDAR", *lines, "END:VCALENDAR"]
    else:
        implicit = True  # the examples never spell out every mandatory property
        if not any(line.upper().startswith(f"BEGIN:{n}") for line in lines for n in _TOP):
            lines = [lines[0], "BEGIN:VEVENT", "END:VEVENT", *lines[1:]]
    return "\r\n".join(_fill(lines, implicit)) + "\r\n"


def expand_json(text: str) -> tuple[list[dict[str, Any]], bool]:
    """The expected entries, and whether they are implicit (other properties may exist)."""
    text = text.strip()
    data = json.loads(text if text.startswith("{") else "{" + text + "}")
    implicit = not text.startswith("{")
    if data.get("@type") == "Group":
        return list(data.get("entries", [])), implicit
    data.setdefault("@type", "Event")
    return [data], implicit


# --- comparing -----------------------------------------------------------------------

_DEFAULTS: dict[str, dict[str, Any]] = {
    "Event": {
        "status": "confirmed",
        "priority": 0,
        "sequence": 0,
        "freeBusyStatus": "busy",
        "privacy": "public",
        "showWithoutTime": False,
        "descriptionContentType": "text/plain",
    },
    "Task": {"priority": 0, "sequence": 0, "privacy": "public", "showWithoutTime": False},
    "Link": {"rel": "enclosure"},
    "Alert": {"action": "display"},
    "OffsetTrigger": {"relativeTo": "start"},
    "Participant": {
        "participationStatus": "needs-action",
        "expectReply": False,
        "roles": {"attendee": True},
    },
    "RecurrenceRule": {
        "interval": 1,
        "rscale": "gregorian",
        "skip": "omit",
        "firstDayOfWeek": "mo",
    },
}
# object types whose @type is optional, left out by some examples
_IMPLIED_TYPES = frozenset({"RecurrenceRule", "NDay", "Relation"})
_ID_MAPS = ("alerts", "links", "locations", "virtualLocations", "participants")


def normalize(value: Any) -> Any:
    """Defaults dropped at every level; jCal lists of properties in a stable order with the
    value type left out (the draft types values, the converter keeps them raw)."""
    if isinstance(value, list):
        items = [normalize(v) for v in value]
        if items and all(isinstance(i, list) and len(i) >= 4 for i in items):
            items = sorted(([i[0], i[1], *i[3:]] for i in items), key=json.dumps)
        return items
    if not isinstance(value, dict):
        return value
    kind = value.get("@type", "")
    defaults = dict(_DEFAULTS.get(kind, {}))
    if kind in _IMPLIED_TYPES:
        defaults["@type"] = kind
    return {
        k: normalize(v)
        for k, v in value.items()
        if v is not None and defaults.get(k, object()) != v  # null: not set
    }


def matches(expected: Any, actual: Any, partial: bool = False) -> bool:
    """Whether ``actual`` matches the example (a ``"..."`` key allows more properties)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        partial = partial or "..." in expected
        keys = [k for k in expected if k != "..."]
        if not partial and set(keys) != set(actual):
            return False
        for key in keys:
            if key not in actual:
                return False
            if key in _ID_MAPS and isinstance(expected[key], dict):
                if not _match_by_value(expected[key], actual[key]):
                    return False
            elif not matches(expected[key], actual[key]):
                return False
        return True
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            matches(e, a) for e, a in zip(expected, actual, strict=True)
        )
    return bool(expected == actual)


def _match_by_value(expected: dict[str, Any], actual: Any) -> bool:
    # id-keyed maps match by value: generated ids are not the point of most examples
    if not isinstance(actual, dict):
        return False
    if "..." not in expected and len(expected) != len(actual):
        return False
    left = list(actual.values())
    for key, value in expected.items():
        if key == "...":
            continue
        if key in actual and matches(value, actual[key]):
            left = [v for v in left if v is not actual[key]]
            continue
        found = next((a for a in left if matches(value, a)), None)
        if found is None:
            return False
        left = [v for v in left if v is not found]
    return True


def check(ical: str, expected_json: str) -> None:
    """Convert ``ical`` and compare it to the expected JSCalendar."""
    expected, implicit = expand_json(expected_json)
    actual = ical_to_jscal_all(ical, dialect=JSCALENDAR_2)
    assert len(actual) == len(expected), (actual, expected)
    for want, got in zip(expected, actual, strict=True):
        assert matches(normalize(want), normalize(got), partial=implicit), (want, got)
    # and whatever converted converts back
    jscal_to_ical(actual)


# --- the known differences, by reason -------------------------------------------------

_INST = (
    "recurrence instances without a main component: the draft makes one object per "
    "instance, the converter folds them into one object (recurrenceOverrides)"
)
_PARTICIPANT = (
    "calcard's notation for Participants from PARTICIPANT components: iCalendar without "
    "@type (ICalComponent, ICalProperty), a calendarAddress marker also when an ATTENDEE "
    "carries the address (the draft's example has none), an organizer without roles"
)
_VLOCATION = (
    "calcard's notation for Locations from VLOCATION components: iCalendar without @type, "
    "or left out (the draft's examples have {@type: ICalComponent, name: vlocation})"
)
_ALERTUID = (
    "a VALARM's UID becomes the Alert id and is not repeated in iCalendar/properties; the "
    "converter always states the trigger (PT0S when the source had none)"
)
_OWNER = (
    "organizer convention: the converter gives the ORGANIZER's Participant the roles "
    "{owner} (RFC 8984 style), the example another role set or ROLE=OWNER"
)
_CONCEPT = "CONCEPT -> categories (JSCalendar 2.0) is not mapped; CONCEPT is kept unconverted"
_MARKER = (
    "the draft's optional convertedProperties markers (DTEND, GEO, RDATE period, DATE "
    "origin, ATTACH href) are not written"
)
_LINK = (
    "IMAGE and LINK (RFC 7986 / RFC 9253) are not mapped to links; they are kept as "
    "unconverted properties"
)
_GROUP = (
    "a calendar-level property converts to the Group object, which the converter does not "
    "produce (it converts Events and Tasks)"
)
_XPARAMS = (
    "unknown parameters of CATEGORIES / RELATED-TO are kept as the property's raw copy "
    "rather than in convertedProperties"
)
_ATTACH = (
    "ATTACH with FMTTYPE: the converter puts the media type into the data: URI and the id "
    "comes from the raw value"
)
_TZ = "non-IANA TZIDs pass through unchanged (not mapped to IANA names)"
_MULTI = "several VCALENDARs in one stream: only the first is converted"
_SKIP = "SKIP without RSCALE: the converter drops skip (RFC 7529 allows SKIP only with RSCALE)"
_ICALCOMP = (
    "jCal details: the converter keeps values raw (type unknown), tags ICalProperty with "
    "@type and name, and records stated defaults (TRANSP:OPAQUE)"
)

# --- the IETF examples ---------------------------------------------------------------

IETF_KNOWN_DIFFERENT = {
    "test-ical-comp-vevent-recurrence-instances": _INST,
    "test-ical-comp-valarm": _ALERTUID,
    "test-ical-prop-attendee-role-owner": _OWNER,
    "test-ical-prop-concept": _CONCEPT,
    "test-ical-prop-dtend-same-tzid": _MARKER,
    "test-ical-prop-dtend-date-type": _MARKER,
    "test-ical-prop-geo": _MARKER,
    "test-ical-prop-geo-and-location": _MARKER,
    "test-ical-prop-image": _LINK,
    "test-ical-prop-last-modified": _GROUP,
    "test-ical-prop-link": _LINK,
    "test-ical-prop-name-vcalendar": _GROUP,
    "test-ical-prop-organizer-and-attendee": _OWNER,
    "test-ical-prop-organizer-cn-other-owner": _OWNER,
    "test-ical-prop-organizer-other-owner": _OWNER,
    "test-ical-prop-rdate-period": _MARKER,
    "test-ical-prop-related-to-valarm": _ALERTUID,
    "test-ical-prop-source": _GROUP,
}


def _ietf_cases() -> list[Any]:
    index = json.loads((IETF / "index.json").read_text())
    cases = []
    for entry in index:
        name = entry["name"]
        marks = []
        if name in IETF_KNOWN_DIFFERENT:
            marks = [pytest.mark.xfail(reason=IETF_KNOWN_DIFFERENT[name], strict=True)]
        cases.append(pytest.param(name, marks=marks, id=name))
    return cases


def test_ietf_vectors_found() -> None:
    assert len(json.loads((IETF / "index.json").read_text())) == 88


@pytest.mark.parametrize("name", _ietf_cases())
def test_ietf_example(name: str) -> None:
    ical = expand_ical((IETF / f"{name}.ics").read_text())
    check(ical, (IETF / f"{name}.json").read_text())


# --- the calcard cases ---------------------------------------------------------------


def _calcard_cases() -> list[Any]:
    cases = []
    for path in sorted(CALCARD.glob("*.txt")):
        blocks = re.split(r"^> test\b ?", path.read_text(), flags=re.M)[1:]
        for number, block in enumerate(blocks, 1):
            title, _, body = block.partition("\n")
            parts = re.split(r"^> convert\b.*$", body, flags=re.M)
            case_id = f"{path.stem}#{number}"
            reason = CALCARD_KNOWN_DIFFERENT.get(case_id)
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            cases.append(pytest.param(title.strip(), *parts[:2], marks=marks, id=case_id))
    return cases


CALCARD_KNOWN_DIFFERENT: dict[str, str] = {
    "001_simple#8": _GROUP,
    "001_simple#10": _GROUP,
    "001_simple#18": _GROUP,
    "002_related#2": _XPARAMS,
    "002_related#4": _XPARAMS,
    "002_related#5": _CONCEPT,
    "003_alert#1": _ALERTUID,
    "003_alert#2": _ALERTUID,
    "003_alert#3": _ALERTUID,
    "003_alert#5": _ALERTUID,
    "003_alert#7": _ALERTUID,
    "003_alert#6": _ALERTUID,
    "003_alert#8": _ALERTUID,
    "004_link#1": _MARKER,
    "004_link#2": _ATTACH,
    "004_link#3": _LINK,
    "004_link#4": _LINK,
    "004_link#5": _MARKER,
    "004_link#6": _LINK,
    "005_participant#1": _OWNER,
    "005_participant#2": _PARTICIPANT,
    "005_participant#3": _OWNER,
    "005_participant#4": _PARTICIPANT,
    "005_participant#5": _OWNER,
    "005_participant#6": _OWNER,
    "005_participant#7": _PARTICIPANT,
    "005_participant#8": _PARTICIPANT,
    "005_participant#9": _OWNER,
    "005_participant#10": _OWNER,
    "006_location#2": _VLOCATION,
    "006_location#3": _MARKER,
    "006_location#4": _MARKER,
    "006_location#5": _VLOCATION,
    "006_location#7": _VLOCATION,
    "006_location#8": _VLOCATION,
    "006_location#9": _VLOCATION,
    "006_location#10": _VLOCATION,
    "007_date#1": _MARKER,
    "007_date#2": _MARKER,
    "007_date#3": _MARKER,
    "007_date#8": _MARKER,
    "007_date#12": _MARKER,
    "007_date#13": _MARKER,
    "007_date#16": _TZ,
    "007_date#17": _TZ,
    "007_date#18": _MULTI,
    "007_date#19": _TZ,
    "008_recurrence#5": _INST,
    "008_recurrence#7": _SKIP,
    "009_icalcomponent#3": _ICALCOMP,
    "009_icalcomponent#4": _ICALCOMP,
    "010_complete#13": _TZ,
}


def test_calcard_vectors_found() -> None:
    assert len(_calcard_cases()) == 105


@pytest.mark.parametrize("title, source, expected", _calcard_cases())
def test_calcard_case(title: str, source: str, expected: str) -> None:
    source = source.strip("\n")
    if source.lstrip().startswith(("{", '"')):
        # JSCalendar input: converting it must not fail, and give iCalendar back
        entries, _ = expand_json(source)
        try:
            assert jscal_to_ical(entries).startswith("BEGIN:VCALENDAR")
        except JMAPConversionError as e:
            pytest.fail(f"{title}: {e}")
        return
    lines = _close(source.splitlines())
    if lines[0].strip().upper() != "BEGIN:VCALENDAR":
        if not lines[0].upper().startswith(("BEGIN:VEVENT", "BEGIN:VTODO")):
            lines = ["BEGIN:VEVENT", *lines, "END:VEVENT"]
        lines = ["BEGIN:VCALENDAR", *lines, "END:VCALENDAR"]
    elif not any(line.upper().startswith(("BEGIN:VEVENT", "BEGIN:VTODO")) for line in lines):
        lines = [lines[0], "BEGIN:VEVENT", "END:VEVENT", *lines[1:]]
    check("\r\n".join(lines) + "\r\n", expected)
