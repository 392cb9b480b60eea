"""The installed ``caldav-jmap`` command against the local Cyrus (subprocesses): calendars,
events, import/export, errors and exit codes.  The sync is in test_cli_sync.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest

from tests.integration.cli_support import Cli, entry_point, event, unique

ROOT = Path(__file__).resolve().parents[2]
JANUARY = ("--start", "2026-01-01", "--end", "2026-02-15", "--tz", "UTC")


@pytest.fixture
def cli(cyrus_url: str) -> Iterator[Cli]:
    runner = Cli(cyrus_url, "user2")
    runner.calendar = runner(
        "calendars", "create", unique("cli-test"), "--color", "#123456"
    ).strip()
    yield runner
    runner("calendars", "delete", runner.calendar, "--force")


def test_calendars_list_create_rename_delete(cli: Cli) -> None:
    rows = {row["id"]: row for row in cli.json("calendars")}
    mine = rows[cli.calendar]
    assert mine["color"] == "#123456" and "mayWriteAll" in mine["rights"]
    cli("calendars", "rename", cli.calendar, "Renamed by the CLI")
    assert {r["id"]: r["name"] for r in cli.json("calendars")}[cli.calendar] == (
        "Renamed by the CLI"
    )
    assert "Renamed by the CLI" in cli("calendars")  # the table


def test_add_show_edit_agenda_delete(cli: Cli) -> None:
    uid = cli.in_cal(
        "add",
        "--summary",
        "Dentist",
        "--start",
        "2026-01-06 15:00",
        "--duration",
        "PT45M",
        "--location",
        "Main St",
        "--tz",
        "Europe/Berlin",
        "--rrule",
        "FREQ=DAILY;COUNT=2",
    ).strip()
    shown = icalendar.Calendar.from_ical(cli("show", uid))
    main = next(iter(shown.walk("VEVENT")))
    assert str(main["SUMMARY"]) == "Dentist" and str(main["LOCATION"]) == "Main St"
    assert cli.json("show", uid)["timeZone"] == "Europe/Berlin"
    cli(
        "edit",
        uid,
        "--set",
        "summary=Dentist (moved)",
        "--set",
        "dtstart=2026-01-06T16:00",
        "--tz",
        "Europe/Berlin",
    )
    rows = cli.json(
        "agenda",
        "--start",
        "2026-01-06",
        "--end",
        "2026-01-08",
        "--tz",
        "Europe/Berlin",
        "--calendar",
        cli.calendar,
    )
    assert [(r["start"], r["end"], r["title"]) for r in rows] == [
        ("2026-01-06 16:00", "16:45", "Dentist (moved)"),
        ("2026-01-07 16:00", "16:45", "Dentist (moved)"),
    ]
    # the same occurrences in another zone, and --search
    rows = cli.json(
        "agenda",
        "--start",
        "2026-01-06",
        "--end",
        "2026-01-07",
        "--tz",
        "UTC",
        "--search",
        "moved",
        "--calendar",
        cli.calendar,
    )
    assert [r["start"] for r in rows] == ["2026-01-06 15:00"]
    cli("delete", uid)
    assert "notFound" in cli("show", uid, code=4) + cli.stderr


def test_add_from_stdin(cli: Cli) -> None:
    uid = unique("stdin")
    assert cli.in_cal("add", "--file", "-", input=event(uid, "From stdin")).strip() == uid
    assert cli.uids() == [uid]


def test_import_with_bad_objects_reports_each_and_exits_6(cli: Cli, tmp_path: Path) -> None:
    good, existing = unique("good"), unique("existing")
    cli.in_cal("add", "--file", "-", input=event(existing, "Old title"))
    # an unreadable RRULE alone no longer sinks an event (kept verbatim); an event without
    # a start has nothing to anchor it and is refused
    bad = unique("no-start")
    bad_rrule = re.sub(r"DTSTART[^\r]*\r\n", "", event(bad, "Bad"))
    assert "DTSTART" not in bad_rrule
    no_uid = event("x", "No UID").replace("UID:x\r\n", "")
    mixed = tmp_path / "mixed.ics"
    body = [event(good, "Good"), event(existing, "New title"), bad_rrule, no_uid]
    mixed.write_text("".join(body))
    broken = tmp_path / "broken.ics"
    broken.write_text("this is not iCalendar\n")
    dry = cli.json(
        "import", str(mixed), str(broken), "--dry-run", "--calendar", cli.calendar, code=6
    )
    assert {r["uid"]: r["status"] for r in dry["objects"] if r["uid"]} == {
        good: "would create",
        existing: "would update",
        bad: "failed",
    }
    assert cli.uids() == [existing]  # the dry run changed nothing
    result = cli.json("import", str(mixed), str(broken), "--calendar", cli.calendar, code=6)
    status = {(r["uid"], r["status"]) for r in result["objects"]}
    assert (good, "created") in status and (existing, "updated") in status
    failed = [r for r in result["objects"] if r["status"] == "failed"]
    assert len(failed) == 3 and all(r["reason"] for r in failed)
    assert {r["file"] for r in failed} == {str(mixed), str(broken)}
    assert result["summary"] == {"created": 1, "updated": 1, "failed": 3}
    assert cli.uids() == sorted([good, existing])
    assert "New title" in cli("show", existing)


def test_export_reimported_equal(cli: Cli, cyrus_url: str, tmp_path: Path) -> None:
    sample = (ROOT / "examples" / "sample-calendar.ics").read_text()
    tag = unique("x")
    sample = sample.replace("@sample.caldav-jmap", f"@{tag}")  # UIDs of this test only
    source = tmp_path / "sample.ics"
    source.write_text(sample)
    cli.in_cal("import", str(source))
    exported = cli.in_cal("export")
    cal = icalendar.Calendar.from_ical(exported)
    zones = {str(z["TZID"]) for z in cal.walk("VTIMEZONE")}
    assert zones == {"Europe/Berlin", "America/New_York"}
    before = cli.json("agenda", *JANUARY, "--calendar", cli.calendar)
    # into a second calendar of another user: the same occurrences
    other = Cli(cyrus_url, "user3")
    other.calendar = other("calendars", "create", unique("reimport")).strip()
    try:
        (tmp_path / "export.ics").write_text(exported)
        assert "4 created" in other.in_cal("import", str(tmp_path / "export.ics"))
        after = other.json("agenda", *JANUARY, "--calendar", other.calendar)
        strip = [{k: v for k, v in r.items() if k != "calendar"} for r in before]
        assert [{k: v for k, v in r.items() if k != "calendar"} for r in after] == strip
        assert len(before) == 18  # 11 standups, a call, a conference, 5 lunches
        assert icalendar.Calendar.from_ical(other.in_cal("export")).walk("VALARM")
    finally:
        other("calendars", "delete", other.calendar, "--force")


def test_convert_offline_both_ways_and_dialects(tmp_path: Path) -> None:
    import subprocess

    sample = str(ROOT / "examples" / "sample-calendar.ics")
    run = [*entry_point(), "convert"]
    jscal = subprocess.run([*run, sample], capture_output=True, text=True, check=True).stdout
    assert '"recurrenceRules"' in jscal
    draft = subprocess.run(
        [*run, "--dialect", "jscalendar2", sample], capture_output=True, text=True, check=True
    ).stdout
    assert '"recurrenceRule"' in draft and '"recurrenceRules"' not in draft
    back = subprocess.run(run, input=draft, capture_output=True, text=True, check=True).stdout
    assert len(icalendar.Calendar.from_ical(back).walk("VEVENT")) == 5


def test_errors_are_one_line_with_distinct_exit_codes(cyrus_url: str) -> None:
    wrong = Cli(cyrus_url, "user2")
    wrong.base[-1] = "wrong-password"
    wrong("calendars", code=3)
    assert wrong.stderr.startswith("caldav-jmap: error: ") and wrong.stderr.count("\n") == 1
    unreachable = Cli("http://127.0.0.1:9/.well-known/jmap", "user2")
    unreachable("calendars", code=4)
    assert "cannot reach the server" in unreachable.stderr
    Cli(cyrus_url, "user2")("agenda", "--tz", "Mars/Olympus", code=2)
    Cli(cyrus_url, "user2")("no-such-command", code=2)


def test_debug_shows_the_exchange_without_credentials(cyrus_url: str) -> None:
    cli = Cli(cyrus_url, "user2")
    cli("--debug", "calendars")
    assert '"Calendar/get"' in cli.stderr and "-> 200" in cli.stderr
    assert "password" not in cli.stderr and "cGFzc3dvcmQ" not in cli.stderr  # nor base64
    wrong = Cli(cyrus_url, "user2")
    wrong.base[-1] = "wrong-password"
    wrong("--debug", "calendars", code=3)
    assert "Traceback" in wrong.stderr and "wrong-password" not in wrong.stderr


def test_import_never_changes_an_event_of_another_calendar(cli: Cli, tmp_path: Path) -> None:
    uid = unique("elsewhere")
    other = cli("calendars", "create", unique("other")).strip()
    try:
        cli("add", "--file", "-", "--calendar", other, input=event(uid, "In the other one"))
        source = tmp_path / "one.ics"
        source.write_text(event(uid, "Imported"))
        for dry in ([], ["--dry-run"]):
            result = cli.json("import", str(source), "--calendar", cli.calendar, *dry, code=6)
            (row,) = result["objects"]
            assert row["status"] == "failed" and other in row["reason"]
        assert cli.json("show", uid)["title"] == "In the other one"
    finally:
        cli("calendars", "delete", other, "--force")


def test_check_reports_and_removes_its_scratch_calendar(cyrus_url: str) -> None:
    cli = Cli(cyrus_url, "user2")
    before = {row["id"] for row in cli.json("calendars")}
    rows = {(r["area"], r["probe"]): r for r in cli.json("check")}
    assert rows["events", "dialect read back"]["detail"] == "RFC 8984"
    assert rows["round trip", "alerts"]["ok"] and rows["round trip", "participants"]["ok"]
    assert rows["filters", "expand recurrences"]["detail"] == "4 found"
    # Cyrus 3.10 refuses a custom zone (timeZones): reported, not hidden
    assert rows["round trip", "custom time zone stored"]["ok"] is False
    assert rows["methods", "CalendarEvent/copy"]["ok"]
    assert rows["methods", "Principal/getAvailability"]["detail"].endswith("busy")
    assert rows["methods", "CalendarEvent/parse"]["ok"] is False  # not offered by Cyrus 3.10
    assert rows["calendars", "Calendar/set destroy"]["ok"]
    assert {row["id"] for row in cli.json("calendars")} == before
    assert "text index" in cli("check")  # the table
