"""A vdir (the khal / vdirsyncer format: one .ics per item, named by its UID): reading
what changed since the status, writing and removing items atomically.

A file is read only when its stamp (mtime_ns, size, inode) differs from the one the
status recorded; a changed file's text is dropped once hashed and read again only if it
is uploaded, so a sync's memory follows the changes, not the size of the vdir.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import icalendar

from caldav.jmap.cli.status import STATUS_NAME, TMP_PREFIX, Entry, Stamp, Status

__all__ = ["STATUS_NAME", "LocalFile", "LocalScan", "Vdir", "atomic_write", "content_hash"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=-]")
_DTSTAMP = re.compile(r"^DTSTAMP[:;].*?(?:\r?\n)", re.MULTILINE)


def content_hash(text: str) -> str:
    """The hash the sync compares: of the iCalendar text, line endings and DTSTAMP aside
    (a converter may stamp a fresh DTSTAMP where the source had none)."""
    normal = _DTSTAMP.sub("", text.replace("\r\n", "\n"))
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def atomic_write(path: Path, text: str) -> Stamp:
    """Write ``text`` to ``path`` so that a crash leaves the old file or the new one; the
    stamp of the new file (taken from the written file itself, before it is renamed into
    place: a later change of the file changes it)."""
    # not named *.ics: a write cut short must not look like an item
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
            stamp = Stamp.of(os.fstat(handle.fileno()))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return stamp


@dataclass(frozen=True)
class LocalFile:
    """A file of the vdir whose content differs from the status (or is new): its name,
    hash and stamp (its text is read again when it is uploaded)."""

    file: str
    hash: str
    stamp: Stamp


@dataclass
class LocalScan:
    """What the vdir changed since the status."""

    #: uid -> the file, for each file added or changed (content, not only stamp)
    changed: dict[str, LocalFile] = field(default_factory=dict)
    #: uid -> the entry, for each item whose file is gone
    deleted: dict[str, Entry] = field(default_factory=dict)
    #: files that could not be read (no UID, or a UID another file has)
    broken: list[str] = field(default_factory=list)
    #: entries whose file's stamp (or name) changed but not its content: record the new one
    restamped: list[Entry] = field(default_factory=list)
    #: how many files were read and hashed
    hashed: int = 0

    def hash_of(self, uid: str, entry: Entry | None) -> str | None:
        """The hash of ``uid``'s file now (None: no file), ``entry`` its status entry."""
        if uid in self.changed:
            return self.changed[uid].hash
        if uid in self.deleted or entry is None:
            return None
        return entry.local


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
        # left by a run that was killed (scandir, not glob: glob lists the directory whole)
        with os.scandir(path) as listing:
            for item in listing:
                if item.name.startswith(TMP_PREFIX):
                    Path(item.path).unlink(missing_ok=True)

    @staticmethod
    def file_name(uid: str) -> str:
        """The file name for a UID (characters unsafe in a file name replaced)."""
        return _UNSAFE.sub("_", uid)[:200] + ".ics"

    def _files(self) -> Iterator[tuple[str, Stamp]]:
        with os.scandir(self.path) as listing:
            for item in listing:
                if item.name.endswith(".ics") and not item.name.startswith("."):
                    if item.is_file():
                        yield item.name, Stamp.of(item.stat())

    def read(self, name: str) -> str:
        """The text of one item."""
        return (self.path / name).read_text(encoding="utf-8")

    def scan(self, status: Status) -> LocalScan:
        """What changed since ``status``: only the files whose stamp differs are read."""
        scan = LocalScan()
        restamped = list(status.restamped(self._files()))
        missing = {entry.file: entry for entry in status.missing()}
        claimed: dict[str, str] = {}  # uid -> the file that has it
        for name, stamp, entry in restamped:
            try:
                text = self.read(name)
            except (OSError, UnicodeDecodeError):
                scan.broken.append(name)
                continue
            scan.hashed += 1
            digest = content_hash(text)
            uid = entry.uid if entry is not None and entry.local == digest else None
            if uid is None:
                try:
                    uid = uid_of(text)
                except ValueError:
                    uid = None
            holder = status.get(uid) if uid is not None else None
            if (
                uid is None
                or uid in claimed
                or (holder is not None and holder.file != name and holder.file not in missing)
            ):
                scan.broken.append(name)
                continue
            claimed[uid] = name
            if holder is not None and holder.file != name:
                missing.pop(holder.file)  # renamed: the item is in this file now
            if holder is not None and holder.local == digest:
                holder.file, holder.stamp = name, stamp
                scan.restamped.append(holder)
            else:
                scan.changed[uid] = LocalFile(name, digest, stamp)
        scan.deleted = {entry.uid: entry for entry in missing.values()}
        return scan

    def write(self, name: str, text: str) -> Stamp:
        """Write one item atomically; its stamp."""
        return atomic_write(self.path / name, text)

    def remove(self, name: str) -> None:
        """Remove one item (gone already is fine)."""
        (self.path / name).unlink(missing_ok=True)
