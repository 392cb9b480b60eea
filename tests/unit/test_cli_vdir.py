"""The sync's status store and the vdir's change detection, on a scratch directory (no
server: the sync against Cyrus is tests/integration/test_cli_sync*.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from caldav.jmap.cli.status import LEGACY_STATUS_NAME, STATUS_NAME, Entry, Status
from caldav.jmap.cli.vdir import Vdir, content_hash

CAL = "cal-1"


def ics(uid: str, summary: str = "Event") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@pytest.fixture
def synced(tmp_path: Path) -> tuple[Vdir, Status]:
    """A vdir of three items (a, b, c), each recorded with the stamp of its write."""
    vdir = Vdir(tmp_path / "vdir")
    status = Status.open(vdir.path, CAL)
    for uid in "abc":
        text = ics(uid)
        stamp = vdir.write(f"{uid}.ics", text)
        digest = content_hash(text)
        status.put(Entry(uid, f"{uid}.ics", f"id-{uid}", digest, digest, stamp=stamp))
    status.commit()
    return vdir, status


def test_an_unchanged_vdir_is_not_read(synced: tuple[Vdir, Status]) -> None:
    vdir, status = synced
    scan = vdir.scan(status)
    assert scan.hashed == 0
    assert (scan.changed, scan.deleted, scan.broken, scan.restamped) == ({}, {}, [], [])


def test_a_stamp_changed_without_the_content_is_restamped(synced: tuple[Vdir, Status]) -> None:
    vdir, status = synced
    path = vdir.path / "a.ics"
    os.utime(path, ns=(10**18, 10**18))  # touched: same content
    scan = vdir.scan(status)
    assert scan.hashed == 1 and scan.changed == {} and scan.deleted == {}
    assert [(e.uid, e.stamp and e.stamp.mtime_ns) for e in scan.restamped] == [("a", 10**18)]
    for entry in scan.restamped:
        status.put(entry)
    assert vdir.scan(status).hashed == 0  # the new stamp is the status's now
    path.write_text(path.read_text())  # rewritten, same content: another stamp
    assert vdir.scan(status).changed == {}


def test_edits_additions_deletions_and_a_rename(synced: tuple[Vdir, Status]) -> None:
    vdir, status = synced
    (vdir.path / "a.ics").write_text(ics("a", "Edited"))
    (vdir.path / "b.ics").unlink()
    (vdir.path / "c.ics").rename(vdir.path / "renamed.ics")
    (vdir.path / "new.ics").write_text(ics("n"))
    (vdir.path / "twin.ics").write_text(ics("n", "Same UID"))  # a UID another file has
    (vdir.path / "junk.ics").write_text("not iCalendar")
    scan = vdir.scan(status)
    assert sorted(scan.changed) == ["a", "n"]
    assert scan.changed["a"].hash == content_hash(ics("a", "Edited"))
    assert scan.changed["n"].file == "new.ics"
    assert sorted(scan.deleted) == ["b"]
    assert [(e.uid, e.file) for e in scan.restamped] == [("c", "renamed.ics")]
    assert sorted(scan.broken) == ["junk.ics", "twin.ics"]
    assert scan.hashed == 5


def test_a_file_that_cannot_be_read_any_more_is_not_a_deletion(
    synced: tuple[Vdir, Status],
) -> None:
    vdir, status = synced
    (vdir.path / "a.ics").write_text("broken now")
    scan = vdir.scan(status)
    assert scan.broken == ["a.ics"] and scan.deleted == {} and scan.changed == {}


def test_a_new_status_appears_at_its_first_commit(tmp_path: Path) -> None:
    status = Status.open(tmp_path, CAL)
    status.put(Entry("a", "a.ics", None, "l", "r"))
    assert not (tmp_path / STATUS_NAME).exists()
    status.commit()
    assert (tmp_path / STATUS_NAME).exists()
    status.put(Entry("b", "b.ics", None, "l", "r"))
    status.close()  # b not committed
    again = Status.open(tmp_path, CAL)
    assert [e.uid for e in again.entries()] == ["a"]
    again.close()


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    status = Status.open(tmp_path, CAL, persist=False)
    status.put(Entry("a", "a.ics", None, "l", "r"))
    status.token = "s1"
    status.commit()
    status.close()
    assert os.listdir(tmp_path) == []


def test_killed_before_a_commit_keeps_the_last_one(tmp_path: Path) -> None:
    """SIGKILL in the middle of a transaction (rows written, not committed): the status
    is the one of the last commit (SQLite's rollback journal)."""
    code = f"""
import os, signal
from pathlib import Path
from caldav.jmap.cli.status import Entry, Status
status = Status.open(Path({str(tmp_path)!r}), {CAL!r})
status.put(Entry("kept", "kept.ics", "id", "l", "r"))
status.token = "committed"
status.commit()
for n in range(5000):  # more than the page cache holds: pages reach the file
    status.put(Entry(f"lost-{{n}}", f"lost-{{n}}.ics", "id", "l" * 200, "r" * 200))
status.token = "not committed"
os.kill(os.getpid(), signal.SIGKILL)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == -9, done.stderr
    status = Status.open(tmp_path, CAL)
    assert [e.uid for e in status.entries()] == ["kept"] and status.token == "committed"
    status.close()


def test_migration_from_the_json_status(tmp_path: Path) -> None:
    legacy = {
        "version": 1,
        "calendar_id": CAL,
        "token": "s7",
        "session_url": "http://127.0.0.1:1/jmap",
        "items": {
            "a": {"file": "a.ics", "id": "e1", "local": "la", "remote": "ra", "pending": None},
            "b": {"file": "b.ics", "id": None, "local": "lb", "remote": "", "pending": "create"},
        },
    }
    (tmp_path / LEGACY_STATUS_NAME).write_text(json.dumps(legacy))
    assert Status.calendar_of(tmp_path) == CAL
    with pytest.raises(ValueError, match="is synced with calendar 'cal-1'"):
        Status.open(tmp_path, "another")
    status = Status.open(tmp_path, CAL)
    assert (status.token, status.session_url) == ("s7", "http://127.0.0.1:1/jmap")
    assert status.get("a") == Entry("a", "a.ics", "e1", "la", "ra")
    assert [e.uid for e in status.pending("create")] == ["b"]
    assert (tmp_path / LEGACY_STATUS_NAME).exists()  # until the migration is committed
    status.commit()
    status.close()
    assert not (tmp_path / LEGACY_STATUS_NAME).exists()
    again = Status.open(tmp_path, CAL)
    assert len(again) == 2 and again.token == "s7"
    again.close()


def test_an_unreadable_status_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / STATUS_NAME).write_text("not a database, " * 100)
    with pytest.raises(ValueError, match="not a readable sync status"):
        Status.open(tmp_path, CAL)
    (tmp_path / STATUS_NAME).unlink()
    (tmp_path / LEGACY_STATUS_NAME).write_text("{")
    with pytest.raises(ValueError, match="not a readable sync status"):
        Status.calendar_of(tmp_path)
    (tmp_path / LEGACY_STATUS_NAME).write_text(json.dumps({"calendar_id": CAL, "items": {"a": {}}}))
    with pytest.raises(ValueError, match="not a readable sync status"):
        Status.open(tmp_path, CAL)
    assert sorted(os.listdir(tmp_path)) == [LEGACY_STATUS_NAME]  # nothing built, kept as is
