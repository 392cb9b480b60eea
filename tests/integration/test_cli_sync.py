"""``caldav-jmap sync`` against the local Cyrus: both directions, each kind of conflict
under the policies, and a sync interrupted at each point it can stop, resumed."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from caldav.jmap.cli.status import Entry, Status
from caldav.jmap.cli.vdir import STATUS_NAME, content_hash
from tests.integration.cli_support import Cli, event, unique


@pytest.fixture
def cli(cyrus_url: str) -> Iterator[Cli]:
    runner = Cli(cyrus_url, "user3")
    runner.calendar = runner("calendars", "create", unique("sync-test")).strip()
    yield runner
    runner("calendars", "delete", runner.calendar, "--force")


@pytest.fixture
def synced(cli: Cli, tmp_path: Path) -> tuple[Path, list[str]]:
    """A vdir synced with a calendar of two events (a, b)."""
    uids = [unique("a"), unique("b")]
    for n, uid in enumerate(uids):
        cli.in_cal("add", "--file", "-", input=event(uid, f"Event {n}", day=5 + n))
    vdir = tmp_path / "vdir"
    result = cli.json("sync", str(vdir), "--calendar", cli.calendar)
    assert sorted(r["action"] for r in result["actions"]) == ["download", "download"]
    return vdir, uids


def sync(cli: Cli, vdir: Path, *args: str, code: int = 0) -> dict:
    return cli.json("sync", str(vdir), "--calendar", cli.calendar, *args, code=code)


def file_of(vdir: Path, uid: str) -> Path:
    return vdir / f"{uid}.ics"


def summary(cli: Cli, uid: str) -> str:
    return cli.json("show", uid)["title"]


def test_remote_changes_come_down(cli: Cli, synced: tuple[Path, list[str]]) -> None:
    vdir, (a, b) = synced
    assert "SUMMARY:Event 0" in file_of(vdir, a).read_text()
    new = unique("new")
    cli.in_cal("add", "--file", "-", input=event(new, "Added remotely"))
    cli("edit", a, "--set", "summary=Edited remotely")
    cli("delete", b)
    result = sync(cli, vdir)
    assert sorted((r["action"], r["uid"]) for r in result["actions"]) == sorted(
        [("download", new), ("download", a), ("delete-local", b)]
    )
    assert "SUMMARY:Edited remotely" in file_of(vdir, a).read_text()
    assert "SUMMARY:Added remotely" in file_of(vdir, new).read_text()
    assert not file_of(vdir, b).exists()
    assert sync(cli, vdir)["actions"] == []  # and nothing more to do


def test_local_changes_go_up(cli: Cli, synced: tuple[Path, list[str]]) -> None:
    vdir, (a, b) = synced
    new = unique("local")
    (vdir / "anything.ics").write_text(event(new, "Added locally"))
    path = file_of(vdir, a)
    path.write_text(path.read_text().replace("SUMMARY:Event 0", "SUMMARY:Edited locally"))
    file_of(vdir, b).unlink()
    dry = sync(cli, vdir, "--dry-run")
    plan = sorted((r["action"], r["uid"]) for r in dry["actions"])
    assert plan == sorted([("upload-new", new), ("upload", a), ("delete-remote", b)])
    assert cli.uids() == sorted([a, b])  # the dry run changed nothing
    result = sync(cli, vdir)
    assert sorted((r["action"], r["uid"]) for r in result["actions"]) == plan
    assert cli.uids() == sorted([a, new])
    assert summary(cli, a) == "Edited locally" and summary(cli, new) == "Added locally"
    # our own uploads are not reported back as remote changes
    assert sync(cli, vdir)["actions"] == []
    assert "SUMMARY:Edited locally" in path.read_text()


def _edit_local(vdir: Path, uid: str, title: str) -> None:
    path = file_of(vdir, uid)
    text = path.read_text()
    start = text.index("SUMMARY:")
    path.write_text(text[:start] + f"SUMMARY:{title}" + text[text.index("\n", start) :])


@pytest.mark.parametrize("policy", ["remote", "local", "keep-both"])
def test_modified_on_both_sides(cli: Cli, synced: tuple[Path, list[str]], policy: str) -> None:
    vdir, (a, _) = synced
    _edit_local(vdir, a, "Local title")
    cli("edit", a, "--set", "summary=Remote title")
    aborted = sync(cli, vdir, code=5)  # the default is to stop, changing nothing
    assert aborted["aborted"] and aborted["conflicts"] == [
        {"uid": a, "conflict": "modified on both sides"}
    ]
    assert summary(cli, a) == "Remote title" and "Local title" in file_of(vdir, a).read_text()
    result = sync(cli, vdir, "--conflict", policy)
    assert result["conflicts"] == aborted["conflicts"]
    if policy == "remote":
        assert "SUMMARY:Remote title" in file_of(vdir, a).read_text()
        assert summary(cli, a) == "Remote title"
    elif policy == "local":
        assert summary(cli, a) == "Local title"
        assert "SUMMARY:Local title" in file_of(vdir, a).read_text()
    else:
        assert "SUMMARY:Remote title" in file_of(vdir, a).read_text()
        copies = [u for u in cli.uids() if u.startswith(f"{a}-local-")]
        assert len(copies) == 1 and summary(cli, copies[0]) == "Local title"
        assert "SUMMARY:Local title" in file_of(vdir, copies[0]).read_text()
    assert sync(cli, vdir)["actions"] == []


@pytest.mark.parametrize("policy", ["remote", "local", "keep-both"])
def test_deleted_locally_modified_remotely(
    cli: Cli, synced: tuple[Path, list[str]], policy: str
) -> None:
    vdir, (a, b) = synced
    file_of(vdir, a).unlink()
    cli("edit", a, "--set", "summary=Remote title")
    assert sync(cli, vdir, code=5)["conflicts"][0]["conflict"] == (
        "deleted locally, modified remotely"
    )
    sync(cli, vdir, "--conflict", policy)
    if policy == "local":
        assert cli.uids() == [b] and not file_of(vdir, a).exists()
    else:  # remote and keep-both restore the modified version
        assert "SUMMARY:Remote title" in file_of(vdir, a).read_text()
        assert cli.uids() == sorted([a, b])
    assert sync(cli, vdir)["actions"] == []


@pytest.mark.parametrize("policy", ["remote", "local", "keep-both"])
def test_modified_locally_deleted_remotely(
    cli: Cli, synced: tuple[Path, list[str]], policy: str
) -> None:
    vdir, (a, b) = synced
    _edit_local(vdir, a, "Local title")
    cli("delete", a)
    assert sync(cli, vdir, code=5)["conflicts"][0]["conflict"] == (
        "modified locally, deleted remotely"
    )
    sync(cli, vdir, "--conflict", policy)
    if policy == "remote":
        assert cli.uids() == [b] and not file_of(vdir, a).exists()
    else:  # local and keep-both bring the local version back to the server
        assert summary(cli, a) == "Local title" and cli.uids() == sorted([a, b])
    assert sync(cli, vdir)["actions"] == []


@contextmanager
def _status(vdir: Path, write: bool = False) -> Iterator[Status]:
    """The vdir's status, committed afterwards when ``write``."""
    calendar_id = Status.calendar_of(vdir)
    assert calendar_id is not None
    status = Status.open(vdir, calendar_id, persist=write)
    try:
        yield status
        if write:
            status.commit()
    finally:
        status.close()


def _entry(vdir: Path, uid: str) -> Entry:
    with _status(vdir) as status:
        entry = status.get(uid)
    assert entry is not None
    return entry


def _pending_create(vdir: Path, uid: str, title: str) -> str:
    """A new file, and the status as a sync leaves it just before sending its create."""
    text = event(uid, title)
    (vdir / f"{uid}.ics").write_text(text)
    with _status(vdir, write=True) as status:
        status.put(Entry(uid, f"{uid}.ics", None, content_hash(text), "", pending="create"))
    return text


def test_interrupted_after_a_create_was_sent(cli: Cli, synced: tuple[Path, list[str]]) -> None:
    """The create reached the server, the answer did not reach the status: the status
    holds the pending entry written before sending.  Resuming adopts the event, once."""
    vdir, (a, b) = synced
    new = unique("pending")
    text = _pending_create(vdir, new, "Sent before the crash")
    cli.in_cal("add", "--file", "-", input=text)  # what the interrupted run had sent
    sync(cli, vdir, "--conflict", "abort")
    assert cli.uids() == sorted([a, b, new])  # no duplicate, no conflict
    assert _entry(vdir, new).pending is None
    assert sync(cli, vdir)["actions"] == []


def test_interrupted_before_a_create_was_sent(cli: Cli, synced: tuple[Path, list[str]]) -> None:
    vdir, (a, b) = synced
    new = unique("unsent")
    _pending_create(vdir, new, "Never sent")
    sync(cli, vdir, "--conflict", "abort")
    assert cli.uids() == sorted([a, b, new]) and summary(cli, new) == "Never sent"


def test_interrupted_after_an_update_was_sent(cli: Cli, synced: tuple[Path, list[str]]) -> None:
    vdir, (a, _) = synced
    _edit_local(vdir, a, "Updated before the crash")
    with _status(vdir, write=True) as status:
        entry = status.get(a)
        assert entry is not None
        entry.pending = "update"  # written before the update was sent
        status.put(entry)
    cli("import", str(file_of(vdir, a)), "--calendar", cli.calendar)  # what was sent
    result = sync(cli, vdir, "--conflict", "abort")  # no false conflict
    assert [(r["action"], r["uid"]) for r in result["actions"]] == [("upload", a)]
    assert summary(cli, a) == "Updated before the crash"
    assert sync(cli, vdir)["actions"] == []


def test_interrupted_after_downloads_before_the_status(
    cli: Cli, synced: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """Files written, status (and state) not: the next run finds them equal, no conflict."""
    vdir, (a, b) = synced
    before = tmp_path / "status-before"
    shutil.copy(vdir / STATUS_NAME, before)
    cli("edit", a, "--set", "summary=Remote edit")
    new = unique("remote-new")
    cli.in_cal("add", "--file", "-", input=event(new, "Remote new"))
    sync(cli, vdir)
    shutil.copy(before, vdir / STATUS_NAME)  # as if the run stopped before saving it
    result = sync(cli, vdir, "--conflict", "abort")
    assert result["conflicts"] == [] and result["actions"] == []
    with _status(vdir) as status:
        assert sorted(entry.uid for entry in status.entries()) == sorted([a, b, new])
    assert sync(cli, vdir)["actions"] == []
    assert sorted(p.name for p in vdir.glob("*.ics")) == sorted(f"{u}.ics" for u in (a, b, new))


def test_a_vdir_of_another_calendar_is_refused(cli: Cli, synced: tuple[Path, list[str]]) -> None:
    vdir, _ = synced
    other = cli("calendars", "create", unique("other")).strip()
    try:
        cli("sync", str(vdir), "--calendar", other, code=2)
        assert "is synced with calendar" in cli.stderr
    finally:
        cli("calendars", "delete", other, "--force")


def test_watch_prints_each_change_and_keeps_a_vdir_current(cli: Cli, tmp_path: Path) -> None:
    import subprocess
    import time

    vdir = tmp_path / "watched"
    watcher = subprocess.Popen(
        [
            *cli.base,
            "--json",
            "watch",
            "--calendar",
            cli.calendar,
            "--count",
            "1",
            "--sync",
            str(vdir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (vdir / STATUS_NAME).exists() and time.monotonic() < deadline:
            time.sleep(0.2)  # the first sync done: the watcher is about to listen
        uid = unique("watched")
        time.sleep(1)
        cli.in_cal("add", "--file", "-", input=event(uid, "Pushed"))
        out, err = watcher.communicate(timeout=60)
    finally:
        watcher.kill()
    assert watcher.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert {"type": "CalendarEvent", "change": "created", "uid": uid}.items() <= lines[0].items()
    assert "SUMMARY:Pushed" in file_of(vdir, uid).read_text()


def _pending_creates(vdir: Path) -> bool:
    with _status(vdir) as status:
        return bool(status.pending("create"))


def _kill_when(process: subprocess.Popen, ready) -> None:
    """SIGKILL ``process`` as soon as ``ready()`` holds (or when it ended by itself)."""
    deadline = time.monotonic() + 60
    while process.poll() is None and not ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    process.kill()
    process.wait(timeout=30)


def test_killed_mid_upload_resumes_without_loss_or_duplicates(cli: Cli, tmp_path: Path) -> None:
    """A real interruption: the sync is killed once it recorded its creates as pending
    (wherever it is then: before, during or after the request); the next run finishes."""
    vdir = tmp_path / "kill-up"
    vdir.mkdir()
    uids = [unique(f"k{n}") for n in range(150)]
    for n, uid in enumerate(uids):
        (vdir / f"{uid}.ics").write_text(event(uid, f"Local {n}", day=1 + n % 28))
    status = vdir / STATUS_NAME
    process = subprocess.Popen(
        [*cli.base, "sync", str(vdir), "--calendar", cli.calendar],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _kill_when(process, lambda: status.exists() and _pending_creates(vdir))
    sync(cli, vdir, "--conflict", "abort")
    assert cli.uids() == sorted(uids)  # each once: the agenda would list a duplicate twice
    rows = cli.json(
        "agenda", "--start", "2026-01-01", "--end", "2026-02-01", "--calendar", cli.calendar
    )
    assert len(rows) == len(uids)
    assert sync(cli, vdir)["actions"] == []


def test_killed_mid_download_resumes_without_loss(cli: Cli, tmp_path: Path) -> None:
    uids = [unique(f"d{n}") for n in range(250)]
    source = tmp_path / "many.ics"
    body = "".join(event(uid, f"Remote {n}", day=1 + n % 28) for n, uid in enumerate(uids))
    source.write_text(
        body.replace(
            "END:VCALENDAR\r\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//cli//EN\r\n", ""
        )
    )
    cli.in_cal("import", str(source))
    vdir = tmp_path / "kill-down"
    process = subprocess.Popen(
        [*cli.base, "sync", str(vdir), "--calendar", cli.calendar],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _kill_when(process, lambda: vdir.exists() and len(list(vdir.glob("*.ics"))) > 120)
    result = sync(cli, vdir, "--conflict", "abort")
    assert result["conflicts"] == []
    assert sorted(p.stem for p in vdir.glob("*.ics")) == sorted(uids)
    assert sync(cli, vdir)["actions"] == []
