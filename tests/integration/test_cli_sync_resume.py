"""``caldav-jmap sync`` and its status store against the local Cyrus: the migration from
the JSON status, a file touched without a change, the listing page by page, and syncs
killed at whatever point they reached, resumed without loss or duplicates."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from caldav.jmap import JMAPClient
from caldav.jmap.cli import remote
from caldav.jmap.cli.status import LEGACY_STATUS_NAME, STATUS_NAME, Status
from tests.integration.cli_support import PASSWORD, Cli, event, sync_in_process, unique

USER = "user3"


@pytest.fixture
def cli(cyrus_url: str) -> Iterator[Cli]:
    runner = Cli(cyrus_url, USER)
    runner.calendar = runner("calendars", "create", unique("resume-test")).strip()
    yield runner
    runner("calendars", "delete", runner.calendar, "--force")


def sync(cli: Cli, vdir: Path, *args: str, code: int = 0) -> dict:
    return cli.json("sync", str(vdir), "--calendar", cli.calendar, *args, code=code)


def actions(result: dict) -> list[tuple[str, str]]:
    return sorted((row["action"], row["uid"]) for row in result["actions"])


def entries(vdir: Path) -> dict[str, object]:
    calendar_id = Status.calendar_of(vdir)
    assert calendar_id is not None
    status = Status.open(vdir, calendar_id, persist=False)
    try:
        return {entry.uid: entry for entry in status.entries()}
    finally:
        status.close()


def add_events(cli: Cli, tmp_path: Path, uids: list[str], title: str) -> None:
    source = tmp_path / f"{unique('add')}.ics"
    body = "".join(event(uid, f"{title} {n}", day=1 + n % 28) for n, uid in enumerate(uids))
    source.write_text(
        body.replace(
            "END:VCALENDAR\r\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//cli//EN\r\n", ""
        )
    )
    cli.in_cal("import", str(source))


def test_a_json_status_is_migrated(cli: Cli, tmp_path: Path) -> None:
    """A vdir synced by the version that kept a JSON status syncs on from its state."""
    a, b = unique("a"), unique("b")
    add_events(cli, tmp_path, [a, b], "Before")
    vdir = tmp_path / "vdir"
    sync(cli, vdir)
    status = Status.open(vdir, cli.calendar, persist=False)
    legacy = {
        "version": 1,
        "calendar_id": cli.calendar,
        "token": status.token,
        "session_url": status.session_url,
        "items": {
            e.uid: {"file": e.file, "id": e.id, "local": e.local, "remote": e.remote}
            for e in status.entries()
        },
    }
    status.close()
    (vdir / STATUS_NAME).unlink()
    (vdir / LEGACY_STATUS_NAME).write_text(json.dumps(legacy))
    cli("edit", a, "--set", "summary=Remote edit")
    path = vdir / f"{b}.ics"
    path.write_text(path.read_text().replace("SUMMARY:Before 1", "SUMMARY:Local edit"))
    result = sync(cli, vdir, "--conflict", "abort")
    assert actions(result) == sorted([("download", a), ("upload", b)])
    assert not (vdir / LEGACY_STATUS_NAME).exists() and (vdir / STATUS_NAME).exists()
    assert "SUMMARY:Remote edit" in (vdir / f"{a}.ics").read_text()
    assert cli.json("show", b)["title"] == "Local edit"
    assert sync(cli, vdir)["actions"] == []


def test_a_touched_file_is_hashed_once_and_not_uploaded(cli: Cli, tmp_path: Path) -> None:
    a = unique("a")
    add_events(cli, tmp_path, [a], "Touched")
    vdir = tmp_path / "vdir"
    sync(cli, vdir)
    path = vdir / f"{a}.ics"
    before = entries(vdir)[a]
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    path.write_text(path.read_text())  # rewritten as it was: another stamp, same content
    assert sync(cli, vdir, "--conflict", "abort")["actions"] == []
    after = entries(vdir)[a]
    assert after.stamp != before.stamp and after.stamp is not None  # type: ignore[attr-defined]
    assert after.stamp.mtime_ns == path.stat().st_mtime_ns  # type: ignore[attr-defined]
    assert after.local == before.local  # type: ignore[attr-defined]


def test_a_listing_page_by_page(
    cli: Cli, cyrus_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first sync lists the calendar in pages; one changed between two pages is
    listed again, so no event is skipped."""
    uids = [unique(f"p{n}") for n in range(11)]
    add_events(cli, tmp_path, uids, "Paged")
    monkeypatch.setattr(remote, "LISTING_PAGE", 4)
    search = JMAPClient.search_event_objects
    calls: list[int] = []
    late = unique("late")

    def edited_between_pages(self: JMAPClient, **filters: object) -> object:
        calls.append(int(filters.get("position") or 0))  # type: ignore[call-overload]
        if len(calls) == 2:  # another client adds an event after the first page
            other = JMAPClient(cyrus_url, USER, PASSWORD)
            other.create_events(cli.calendar, [event(late, "Late")])
            other.close()
        return search(self, **filters)

    monkeypatch.setattr(JMAPClient, "search_event_objects", edited_between_pages)
    vdir = tmp_path / "vdir"
    sync_in_process(cyrus_url, USER, vdir, cli.calendar)
    assert calls[:3] == [0, 4, 0]  # the second page saw another query state: again
    assert sorted(p.stem for p in vdir.glob("*.ics")) == sorted([*uids, late])
    monkeypatch.setattr(JMAPClient, "search_event_objects", search)
    assert sync(cli, vdir)["actions"] == []


def test_interrupted_after_deletes_before_the_status(cli: Cli, tmp_path: Path) -> None:
    a, b = unique("a"), unique("b")
    add_events(cli, tmp_path, [a, b], "Deleted")
    vdir = tmp_path / "vdir"
    sync(cli, vdir)
    kept = (vdir / STATUS_NAME).read_bytes()
    (vdir / f"{a}.ics").unlink()
    assert actions(sync(cli, vdir)) == [("delete-remote", a)]
    (vdir / STATUS_NAME).write_bytes(kept)  # as if killed before the status was committed
    result = sync(cli, vdir, "--conflict", "abort")
    assert result["conflicts"] == [] and cli.uids() == [b]
    assert sorted(entries(vdir)) == [b]
    assert sync(cli, vdir)["actions"] == []


def test_killed_at_any_point_resumes_without_loss_or_duplicates(cli: Cli, tmp_path: Path) -> None:
    """Remote edits, local edits, additions and deletions, synced by runs SIGKILLed after
    a growing delay (wherever each one is then: scanning, listing, writing files,
    uploading, committing) until one finishes; the result is the one of a single sync."""
    remote_uids = [unique(f"r{n}") for n in range(40)]
    add_events(cli, tmp_path, remote_uids, "Remote")
    vdir = tmp_path / "vdir"
    sync(cli, vdir)
    edited_remotely, edited_locally = remote_uids[:10], remote_uids[10:20]
    deleted_locally = remote_uids[20:25]
    for uid in edited_remotely:
        cli("edit", uid, "--set", f"summary=Remote edit {uid}")
    for uid in edited_locally:
        path = vdir / f"{uid}.ics"
        text = path.read_text()
        start = text.index("SUMMARY:")
        path.write_text(
            text[:start] + f"SUMMARY:Local edit {uid}" + text[text.index("\n", start) :]
        )
    for uid in deleted_locally:
        (vdir / f"{uid}.ics").unlink()
    new_uids = [unique(f"n{n}") for n in range(60)]
    for n, uid in enumerate(new_uids):
        (vdir / f"{uid}.ics").write_text(event(uid, f"New {n}", day=1 + n % 28))
    delay, finished, kills = 0.3, False, 0
    while not finished and delay < 60:
        process = subprocess.Popen(
            [*cli.base, "sync", str(vdir), "--calendar", cli.calendar],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            process.wait(timeout=delay)
            finished = process.returncode == 0
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
            kills += 1
        delay *= 1.5
    assert finished and kills > 0
    assert sync(cli, vdir, "--conflict", "abort")["actions"] == []
    expected = sorted(set(remote_uids) - set(deleted_locally) | set(new_uids))
    assert cli.uids() == expected  # each once: the agenda would list a duplicate twice
    rows = cli.json(
        "agenda", "--start", "2026-01-01", "--end", "2026-02-01", "--calendar", cli.calendar
    )
    assert len(rows) == len(expected)
    assert sorted(p.stem for p in vdir.glob("*.ics")) == expected
    for uid in edited_remotely:
        assert f"SUMMARY:Remote edit {uid}" in (vdir / f"{uid}.ics").read_text()
    titles = {row["uid"]: row["title"] for row in rows}
    for uid in edited_locally:
        assert titles[uid] == f"Local edit {uid}"
    assert sorted(entries(vdir)) == expected


def test_an_update_pending_through_an_aborted_sync(cli: Cli, tmp_path: Path) -> None:
    """An update sent by a killed run, then a sync that stops at another conflict: the
    update is still pending for the sync after, which takes the server's report of it
    for its echo (no false conflict)."""
    a, b = unique("a"), unique("b")
    add_events(cli, tmp_path, [a, b], "Event")
    vdir = tmp_path / "vdir"
    sync(cli, vdir)
    for uid, title in ((a, "Updated before the crash"), (b, "Local b")):
        path = vdir / f"{uid}.ics"
        text = path.read_text()
        start = text.index("SUMMARY:")
        path.write_text(text[:start] + f"SUMMARY:{title}" + text[text.index("\n", start) :])
    calendar_id = Status.calendar_of(vdir)
    assert calendar_id is not None
    status = Status.open(vdir, calendar_id)
    entry = status.get(a)
    assert entry is not None
    entry.pending = "update"  # written before the update was sent
    status.put(entry)
    status.commit()
    status.close()
    cli("import", str(vdir / f"{a}.ics"), "--calendar", cli.calendar)  # what was sent
    cli("edit", b, "--set", "summary=Remote b")
    aborted = sync(cli, vdir, "--conflict", "abort", code=5)
    assert [c["uid"] for c in aborted["conflicts"]] == [b]
    result = sync(cli, vdir, "--conflict", "remote")
    assert [c["uid"] for c in result["conflicts"]] == [b]
    assert actions(result) == sorted([("download", b), ("upload", a)])
    assert cli.json("show", a)["title"] == "Updated before the crash"
    assert sync(cli, vdir)["actions"] == []
