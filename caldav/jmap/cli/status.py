"""The sync status of a vdir: a SQLite database in the vdir (the standard library's
sqlite3), one row per item, so that a sync reads the rows it needs instead of loading
the whole status, and a commit is atomic (SQLite's rollback journal: a sync killed at
any point leaves the status of its last commit).

A new status (or one migrated from the JSON file of earlier versions) is built under a
temporary name and renamed into place at its first commit, so that the status file
exists only once a sync has committed something (``watch --sync`` and its tests wait
for it).
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.cli.syncplan import Synced

__all__ = ["LEGACY_STATUS_NAME", "STATUS_NAME", "TMP_PREFIX", "Entry", "Stamp", "Status"]

STATUS_NAME = ".caldav-jmap-status.sqlite"
#: The status file of caldav-jmap before 0.x: one JSON document, read once and migrated.
LEGACY_STATUS_NAME = ".caldav-jmap-status.json"
#: Files of a write cut short (never named *.ics: they must not look like an item).
TMP_PREFIX = ".caldav-jmap-tmp-"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS items (
    uid TEXT PRIMARY KEY, file TEXT NOT NULL, id TEXT, local TEXT NOT NULL,
    remote TEXT NOT NULL, pending TEXT, mtime_ns INTEGER, size INTEGER, ino INTEGER
);
CREATE INDEX IF NOT EXISTS items_file ON items (file);
CREATE INDEX IF NOT EXISTS items_id ON items (id);
CREATE INDEX IF NOT EXISTS items_pending ON items (pending) WHERE pending IS NOT NULL;
"""
#: Scratch tables of one run (SQLite's temporary database: never part of the status).
_SCRATCH = """
CREATE TEMP TABLE IF NOT EXISTS disk (name TEXT PRIMARY KEY, mtime_ns INTEGER,
    size INTEGER, ino INTEGER);
CREATE TEMP TABLE IF NOT EXISTS seen (uid TEXT PRIMARY KEY);
"""
_COLUMNS = "uid, file, id, local, remote, pending, mtime_ns, size, ino"
_ITEM_COLUMNS = ", ".join(f"i.{column}" for column in _COLUMNS.split(", "))
_VERSION = "2"
#: A row of ``items``, as SQLite returns it (the columns' types are the schema's).
_Row = tuple[str, str, str | None, str, str, str | None, int | None, int | None, int | None]


class Stamp(NamedTuple):
    """What a stat of a file tells about its content: a file whose stamp is the one the
    status recorded is not read (nor hashed) again."""

    mtime_ns: int
    size: int
    ino: int

    @classmethod
    def of(cls, stat: os.stat_result) -> Stamp:
        """The stamp of a stat result."""
        return cls(stat.st_mtime_ns, stat.st_size, stat.st_ino)


@dataclass
class Entry:
    """A synced item: its UID, file, event id, both hashes, a step in flight, and the
    stamp of the file when its hash was taken (None: hash the file next time)."""

    uid: str
    file: str
    id: str | None
    local: str
    remote: str
    pending: str | None = None
    stamp: Stamp | None = None

    @property
    def synced(self) -> Synced:
        """The hashes, for the planner."""
        return Synced(self.local, self.remote)

    def _row(self) -> tuple[str | int | None, ...]:
        stamp = self.stamp or (None, None, None)
        return (self.uid, self.file, self.id, self.local, self.remote, self.pending, *stamp)

    @classmethod
    def _of(cls, row: _Row) -> Entry:
        uid, file, id_, local, remote, pending, mtime_ns, size, ino = row
        stamp = None if mtime_ns is None else Stamp(mtime_ns, size or 0, ino or 0)
        return cls(uid, file, id_, local, remote, pending, stamp)


class DiskFile(NamedTuple):
    """A file of the vdir whose stamp differs from the status (or that it does not know),
    with the entry the status has for that file name."""

    name: str
    stamp: Stamp
    entry: Entry | None


class Status:
    """The status of one vdir (see the module): the calendar, the JMAP state after the
    last sync, the session URL, and the entries; :meth:`commit` makes changes durable."""

    def __init__(self, conn: sqlite3.Connection, path: Path, building: Path | None) -> None:
        self._conn = conn
        self.path = path
        #: the temporary file a new status is built in, renamed at the first commit
        self._building = building
        conn.executescript(_SCRATCH)
        # the spool outlives the connection's reopening at the first commit: a private
        # temporary database of its own (SQLite deletes it when it is closed)
        self._spool = sqlite3.connect("")
        self._spool.execute("CREATE TABLE spool (uid TEXT PRIMARY KEY, id TEXT, data TEXT)")

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path, calendar_id: str, *, persist: bool = True) -> Status:
        """The status of ``directory`` (migrated from the JSON status, or new); a status of
        another calendar is refused (ValueError).  ``persist=False`` (a dry run): changes
        are never written, and a new or migrated status lives in memory only."""
        path = directory / STATUS_NAME
        legacy = directory / LEGACY_STATUS_NAME
        if path.exists():
            status = cls(_connect(path), path, None)
        else:
            building = None
            if persist:
                building = directory / f"{TMP_PREFIX}status-{uuid.uuid4().hex}"
            conn = _connect(building or Path(":memory:"))
            conn.executescript(_SCHEMA)
            status = cls(conn, path, building)
        try:
            if status._building is None and status.path.exists():
                status._check(calendar_id)
                if persist:
                    legacy.unlink(missing_ok=True)  # a migration stopped after its rename
            elif legacy.exists():
                status._migrate(legacy, calendar_id)
            else:
                status._set("version", _VERSION)
                status._set("calendar_id", calendar_id)
        except BaseException:
            status.close()
            raise
        return status

    @staticmethod
    def calendar_of(directory: Path) -> str | None:
        """The calendar id the status of ``directory`` is of (None: no status yet)."""
        path = directory / STATUS_NAME
        if path.exists():
            conn = _connect(path)
            try:
                return _meta(conn, "calendar_id")
            finally:
                conn.close()
        legacy = directory / LEGACY_STATUS_NAME
        if legacy.exists():
            # the status file is this program's own: its calendar_id is the string it wrote
            calendar_id: str | None = _legacy(legacy).get("calendar_id")
            return calendar_id
        return None

    def _check(self, calendar_id: str) -> None:
        _same_calendar(self.path.parent, self.calendar_id, calendar_id)

    def _migrate(self, legacy: Path, calendar_id: str) -> None:
        data = _legacy(legacy)
        _same_calendar(legacy.parent, data.get("calendar_id"), calendar_id)
        self._set("version", _VERSION)
        self._set("calendar_id", calendar_id)
        self._set("token", data.get("token"))
        self._set("session_url", data.get("session_url"))
        # the JSON status has no stamps: each file is hashed once more, then stamped
        try:
            self._conn.executemany(
                f"INSERT INTO items ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL)",
                (
                    (uid, e["file"], e.get("id"), e["local"], e["remote"], e.get("pending"))
                    for uid, e in data.get("items", {}).items()
                ),
            )
        except (KeyError, TypeError, AttributeError, sqlite3.Error) as error:
            raise ValueError(f"{legacy} is not a readable sync status: {error!r}") from error

    # -- the calendar, state and session ------------------------------------------------

    @property
    def calendar_id(self) -> str | None:
        """The calendar this vdir is synced with."""
        return _meta(self._conn, "calendar_id")

    @property
    def token(self) -> str | None:
        """The JMAP state the last sync reached (None: no sync yet)."""
        return _meta(self._conn, "token")

    @token.setter
    def token(self, value: str | None) -> None:
        self._set("token", value)

    @property
    def session_url(self) -> str | None:
        """Where the session resource answered last time (the next run saves the redirect)."""
        return _meta(self._conn, "session_url")

    @session_url.setter
    def session_url(self, value: str | None) -> None:
        self._set("session_url", value)

    def _set(self, key: str, value: str | None) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- entries ------------------------------------------------------------------------

    def get(self, uid: str) -> Entry | None:
        """The entry of ``uid``, if any."""
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM items WHERE uid = ?", (uid,)).fetchone()
        return None if row is None else Entry._of(row)

    def put(self, entry: Entry) -> None:
        """Add or replace the entry of ``entry.uid``."""
        self._conn.execute(
            f"INSERT OR REPLACE INTO items ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entry._row(),
        )

    def uid_of_event(self, event_id: str) -> str | None:
        """The UID of the entry of event ``event_id``, if any."""
        row = self._conn.execute("SELECT uid FROM items WHERE id = ?", (event_id,)).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def remove(self, uid: str) -> None:
        """Forget ``uid`` (not there is fine)."""
        self._conn.execute("DELETE FROM items WHERE uid = ?", (uid,))

    def entries(self) -> Iterator[Entry]:
        """Every entry, read as iterated (not to be changed meanwhile)."""
        for row in self._conn.execute(f"SELECT {_COLUMNS} FROM items ORDER BY uid"):
            yield Entry._of(row)

    def pending(self, kind: str) -> list[Entry]:
        """The entries with a step ``kind`` ("create", "update") in flight."""
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM items WHERE pending = ?", (kind,))
        return [Entry._of(row) for row in rows]

    def __len__(self) -> int:
        count: int = self._conn.execute("SELECT count(*) FROM items").fetchone()[0]
        return count

    # -- what the vdir's files changed (see Vdir.scan) ----------------------------------

    def restamped(self, files: Iterable[tuple[str, Stamp]]) -> Iterator[DiskFile]:
        """Of ``files`` (every file of the vdir with its stamp), those whose stamp is not
        the one their entry recorded, or that no entry names, in name order."""
        self._conn.execute("DELETE FROM temp.disk")
        self._conn.executemany(
            "INSERT OR REPLACE INTO temp.disk VALUES (?, ?, ?, ?)",
            ((name, *stamp) for name, stamp in files),
        )
        rows = self._conn.execute(
            f"SELECT d.name, d.mtime_ns, d.size, d.ino, {_ITEM_COLUMNS} "
            "FROM temp.disk d LEFT JOIN items i ON i.file = d.name "
            "WHERE i.uid IS NULL OR i.mtime_ns IS NOT d.mtime_ns OR i.size IS NOT d.size "
            "OR i.ino IS NOT d.ino ORDER BY d.name"
        ).fetchall()  # fetched whole: the caller writes entries meanwhile
        for name, mtime_ns, size, ino, *entry in rows:
            yield DiskFile(
                name, Stamp(mtime_ns, size, ino), None if entry[0] is None else Entry._of(entry)
            )

    def missing(self) -> list[Entry]:
        """The entries whose file was not among the last :meth:`restamped` files."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM items WHERE file NOT IN (SELECT name FROM temp.disk)"
        )
        return [Entry._of(row) for row in rows]

    # -- the remote side of a full listing ----------------------------------------------

    def clear_listing(self) -> None:
        """Start a listing afresh (forget the UIDs seen and the events spooled)."""
        self._conn.execute("DELETE FROM temp.seen")
        self._spool.execute("DELETE FROM spool")

    def mark_seen(self, uids: Iterable[str]) -> None:
        """Record ``uids`` as listed by the server."""
        self._conn.executemany("INSERT OR IGNORE INTO temp.seen VALUES (?)", ((u,) for u in uids))

    def unseen(self) -> list[str]:
        """The UIDs of entries the listing did not report (deleted on the server)."""
        rows = self._conn.execute(
            "SELECT uid FROM items WHERE uid NOT IN (SELECT uid FROM temp.seen)"
        )
        return [uid for (uid,) in rows]

    def spool(self, uid: str, event_id: str, data: str) -> None:
        """Keep an event's text on disk until it is written to the vdir."""
        self._spool.execute("INSERT OR REPLACE INTO spool VALUES (?, ?, ?)", (uid, event_id, data))

    def spooled(self, uid: str) -> tuple[str, str] | None:
        """``(event id, text)`` of a spooled event."""
        row = self._spool.execute("SELECT id, data FROM spool WHERE uid = ?", (uid,)).fetchone()
        return None if row is None else (row[0], row[1])

    # -- durability ---------------------------------------------------------------------

    def commit(self) -> None:
        """Make every change so far durable at once (a new status appears now)."""
        self._conn.commit()
        if self._building is not None:
            self._conn.close()
            os.replace(self._building, self.path)
            self._building = None
            self._conn = _connect(self.path)
            self._conn.executescript(_SCRATCH)
            (self.path.parent / LEGACY_STATUS_NAME).unlink(missing_ok=True)

    def close(self) -> None:
        """Drop what was not committed, and the scratch tables."""
        self._conn.rollback()
        self._conn.close()
        self._spool.close()
        if self._building is not None:
            self._building.unlink(missing_ok=True)
            Path(f"{self._building}-journal").unlink(missing_ok=True)


def _same_calendar(directory: Path, synced: str | None, wanted: str) -> None:
    if synced != wanted:
        raise ValueError(
            f"{directory} is synced with calendar {synced!r}, not {wanted!r}; choose "
            "that one with --calendar or another directory"
        )


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path)
        # the scratch tables in a temporary file, not in memory (they list the vdir's files)
        conn.execute("PRAGMA temp_store = FILE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise ValueError(f"{path} is not a readable sync status: {error}") from error
    return conn


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.DatabaseError as error:
        raise ValueError(f"not a readable sync status: {error}") from error
    return None if row is None or row[0] is None else str(row[0])


def _legacy(path: Path) -> JSONObject:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not a readable sync status: {error}") from error
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a readable sync status")
    return data
