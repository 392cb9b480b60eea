"""Robustness: every real-world calendar converts or raises JMAPConversionError, and what
converts converts back."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pytest

from caldav.jmap.convert import ical_to_jscal, jscal_to_ical
from caldav.jmap.convert.model import ICalComponent, parse_ical, serialize
from caldav.jmap.error import JMAPConversionError

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
VECTORS = SHARED / "vectors"

if not VECTORS.is_dir():
    pytest.skip(f"conversion vectors not found at {VECTORS}", allow_module_level=True)

FILES = sorted((VECTORS / "calcard" / "ical").glob("*.ics")) + sorted(
    (VECTORS / "cassandane").glob("*.ics")
)


def _objects(text: str) -> list[str]:
    """One VCALENDAR per UID of the file (with the file's VTIMEZONEs); the whole file when
    it does not parse, so that the converter sees broken input too."""
    try:
        root = parse_ical(text)
    except JMAPConversionError:
        return [text]
    groups: OrderedDict[str | None, list[ICalComponent]] = OrderedDict()
    for comp in root.components:
        if comp.name in ("VEVENT", "VTODO"):
            uid = comp.first("UID")
            groups.setdefault(uid.value if uid else None, []).append(comp)
    zones = [c for c in root.components if c.name == "VTIMEZONE"]
    if not groups:
        return [text]
    return [
        serialize(ICalComponent("VCALENDAR", root.properties, zones + comps))
        for comps in groups.values()
    ]


def test_corpus_found() -> None:
    assert len(FILES) > 300


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_converts_or_raises_conversion_error(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    for ical in _objects(text):
        try:
            event = ical_to_jscal(ical)
        except JMAPConversionError:
            continue
        assert event["@type"] in ("Event", "Task")
        caplog.clear()
        back = jscal_to_ical(event)
        assert back.startswith("BEGIN:VCALENDAR\r\n")
        repaired = "made valid" in caplog.text  # a repeated once-only property, ...
        again = ical_to_jscal(back)
        if repaired:  # the source was not valid RFC 5545: the repaired form is stable
            assert ical_to_jscal(jscal_to_ical(again)) == again
            continue
        # only what the source lacked is generated (timestamp, uid, product id)
        for key in ("updated", "uid", "prodId"):
            if key not in event:
                again.pop(key, None)
        assert again == event
