"""``python -m caldav.jmap`` is the same command line as the ``caldav-jmap`` script; the
offline commands need no server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample-calendar.ics"


def run(
    *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "caldav.jmap", *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def unconfigured(home: Path) -> dict[str, str]:
    """An environment without any server configured (no config file, no variables)."""
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home), "PATH": "/usr/bin:/bin"}


def test_module_runs_the_command_line():
    done = run("--help")
    assert done.returncode == 0 and "sync" in done.stdout and "check" in done.stdout


def test_convert_from_stdin_to_stdout_and_back():
    jscal = run("convert", input=SAMPLE.read_text())
    assert jscal.returncode == 0 and '"uid": "standup@sample.caldav-jmap"' in jscal.stdout
    ical = run("convert", "--to", "ical", input=jscal.stdout)
    assert ical.returncode == 0 and ical.stdout.count("BEGIN:VEVENT") == 5


def test_bad_input_is_one_line_and_a_usage_error():
    done = run("convert", input="neither iCalendar nor JSON")
    assert done.returncode == 2
    assert done.stderr.startswith("caldav-jmap: error: ") and done.stderr.count("\n") == 1


def test_nothing_configured_is_a_usage_error(tmp_path: Path):
    done = run("calendars", env=unconfigured(tmp_path))
    assert done.returncode == 2 and "no server configured" in done.stderr


def test_an_end_before_the_start_is_a_usage_error_naming_end(tmp_path: Path):
    # found by mypy --strict: "--end" went to BadParameter as its ctx, and click crashed
    # with an AttributeError while reporting it
    when = ("--start", "2026-01-02", "--end", "2026-01-01")
    done = run("add", "--summary", "x", *when, env=unconfigured(tmp_path))
    assert done.returncode == 2, done.stderr
    assert "Invalid value for --end: must be after --start" in done.stderr
    assert "Traceback" not in done.stderr
