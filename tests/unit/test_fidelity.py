"""The fidelity tool (python -m tools.fidelity): it runs, counts facts, and the
icalendar package's real-world calendars keep at least 98% of their facts."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from tools.fidelity import Report, main, measure, measure_text

CORPUS = Path(os.path.dirname(icalendar.__file__)) / "tests"
CORPUS_DIRS = [
    CORPUS / name
    for name in ("calendars", "events", "alarms", "todos", "journals", "timezones")
    if (CORPUS / name).is_dir()
]

SIMPLE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nCALSCALE:GREGORIAN\r\nBEGIN:VEVENT\r\n"
    "UID:1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE-TIME:20260105T100000Z\r\n"
    "DTEND:20260105T110000Z\r\nSUMMARY:a\\, b\r\nORGANIZER:MAILTO:a@example.com\r\n"
    "RRULE:FREQ=DAILY;INTERVAL=1;COUNT=3\r\nX-FOO:bar\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_simple_calendar_keeps_every_fact() -> None:
    report = Report()
    measure_text(SIMPLE, "simple", report)
    assert report.files == 1 and not report.refused and not report.crashed
    assert sum(report.total.values()) == 10
    assert report.percentage == 100.0, report.lost


def test_refused_objects_lose_all_their_facts() -> None:
    report = Report()
    measure_text("not icalendar", "bad", report)
    assert report.skipped == ["bad"] and report.files == 0  # no VEVENT / VTODO: left out
    broken = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    measure_text(broken, "unreadable", report)
    assert report.refused == ["unreadable"] and report.percentage == 0.0
    assert sum(report.total.values()) == 1


def test_command_line_prints_figures(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a.ics").write_text(SIMPLE)
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "facts: 10, kept: 10 (100.00%)" in out and "files: 1" in out
    # it silenced the converter's warnings while it measured, not for the rest of the process
    assert logging.getLogger("caldav.jmap").isEnabledFor(logging.WARNING)


@pytest.mark.skipif(not CORPUS_DIRS, reason="icalendar's test calendars are not installed")
def test_icalendar_corpus_fidelity_at_least_85_percent() -> None:
    report = measure(map(str, CORPUS_DIRS))
    assert report.files > 100
    assert not report.crashed
    assert not report.invalid, report.invalid
    # strict: refused objects count as lost (docs/fidelity.md has today's figure)
    assert report.percentage >= 85.0, report.format()


def test_documented_command_runs(tmp_path: Path) -> None:
    # docs/fidelity.md: python -m tools.fidelity DIR, from a checkout
    (tmp_path / "a.ics").write_text(SIMPLE)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "tools.fidelity", str(tmp_path)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "facts: 10, kept: 10 (100.00%)" in done.stdout
