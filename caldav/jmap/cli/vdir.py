"""A vdir (the khal / vdirsyncer format: one .ics per item, named by its UID) and the sync
status file kept in it, both written atomically."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import icalendar

from caldav.jmap.cli.syncplan import Synced

__all__ = ["STATUS_NAME", "Entry", "LocalItem", "Status", "Vdir", "content_hash"]

STATUS_NAME = ".caldav-jmap-status.json"
_TMP_PREFIX = ".caldav-jmap-tmp-"
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=-]")
_DTSTAMP = re.compile(r"^DTSTAMP[:;].*?(?:\r?\n)", re.MULTILINE)


def content_hash(text: str) -> str:
    """The hash the sync compares: of the iCalendar text, line endings and DTSTAMP aside
    (a converter may stamp a fresh DTSTAMP where the source had none)."""
    normal = _DTSTAMP.sub("", text.replace("\r\n", "\n"))
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash leaves the old file or the new one."""
    # not named *.ics: a write cut short must not look like an item
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_TMP_PREFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@dataclass
class Entry:
    """A synced item: its file, event id, both hashes, and a step in flight."""

    file: str
    id: str | None
    local: str
    remote: str
    pending: str | None = None

    @property
    def synced(self) -> Synced:
        """The hashes, for the planner."""
        return Synced(self.local, self.remote)


@dataclass
class Status:
    """The status file: the calendar, the JMAP state after the last sync, the entries."""

    calendar_id: str
    token: str | None = None
    items: dict[str, Entry] = field(default_factory=dict)
    #: where the session resource answered last time (the next run saves the redirect)
    session_url: str | None = None

    @classmethod
    def load(cls, path: Path, calendar_id: str) -> Status:
        """The status in ``path``, or a new one; a status of another calendar is refused."""
        if not path.exists():
            return cls(calendar_id)
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("calendar_id") != calendar_id:
            raise ValueError(
                f"{path.parent} is synced with calendar {data.get('calendar_id')!r}, not "
                f"{calendar_id!r}; choose that one with --calendar or another directory"
            )
        items = {uid: Entry(**entry) for uid, entry in data.get("items", {}).items()}
        return cls(calendar_id, data.get("token"), items, data.get("session_url"))

    @staticmethod
    def calendar_of(path: Path) -> str | None:
        """The calendar id a status file is of (None: no status yet)."""
        if not path.exists():
            return None
        # the status file is this program's own: its calendar_id is the string it wrote
        calendar_id: str | None = json.loads(path.read_text(encoding="utf-8")).get("calendar_id")
        return calendar_id

    def save(self, path: Path) -> None:
        """Write the status atomically."""
        data: dict[str, Any] = {
            "version": 1,
            "calendar_id": self.calendar_id,
            "token": self.token,
            "session_url": self.session_url,
            "items": {uid: asdict(entry) for uid, entry in sorted(self.items.items())},
        }
        atomic_write(path, json.dumps(data, indent=1))


@dataclass
class LocalItem:
    """A file of the vdir: its name, hash and text."""

    file: str
    hash: str
    text: str


def uid_of(text: str) -> str | None:
    """The UID of the (first) VEVENT or VTODO in an iCalendar text."""
    cal = icalendar.Calendar.from_ical(text)
    for comp in cal.walk():
        if comp.name in ("VEVENT", "VTODO") and comp.get("UID"):
            return str(comp["UID"])
    return None


class Vdir:
    """The directory: reading the items, writing and removing them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.status_path = path / STATUS_NAME
        for stale in path.glob(f"{_TMP_PREFIX}*"):  # left by a run that was killed
            stale.unlink(missing_ok=True)

    @staticmethod
    def file_name(uid: str) -> str:
        """The file name for a UID (characters unsafe in a file name replaced)."""
        return _UNSAFE.sub("_", uid)[:200] + ".ics"

    def scan(self, status: Status) -> tuple[dict[str, LocalItem], list[str]]:
        """uid -> item of every .ics file, and the files that could not be read."""
        by_file = {entry.file: uid for uid, entry in status.items.items()}
        found: dict[str, LocalItem] = {}
        broken: list[str] = []
        for path in sorted(self.path.glob("*.ics")):
            if path.name.startswith("."):
                continue
            text = path.read_text(encoding="utf-8")
            digest = content_hash(text)
            uid = by_file.get(path.name)
            if uid is None or status.items[uid].local != digest:
                try:
                    uid = uid_of(text)
                except ValueError:
                    uid = None
            if uid is None or uid in found:
                broken.append(path.name)
                continue
            found[uid] = LocalItem(path.name, digest, text)
        return found, broken

    def write(self, name: str, text: str) -> None:
        """Write one item atomically."""
        atomic_write(self.path / name, text)

    def remove(self, name: str) -> None:
        """Remove one item (gone already is fine)."""
        (self.path / name).unlink(missing_ok=True)
