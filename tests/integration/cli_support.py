"""Running the installed ``caldav-jmap`` entry point as a subprocess against Cyrus."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from caldav.jmap.cli import main

PASSWORD = "password"


def entry_point() -> list[str]:
    """The installed console script beside this Python, else ``python -m caldav.jmap``."""
    script = Path(sys.executable).parent / "caldav-jmap"
    return [str(script)] if script.exists() else [sys.executable, "-m", "caldav.jmap"]


class Cli:
    """The command line for one user, with a scratch calendar of its own."""

    def __init__(self, url: str, user: str) -> None:
        self.base = [*entry_point(), "--url", url, "-u", user, "-p", PASSWORD]
        self.calendar = ""

    def __call__(self, *args: str, input: str | None = None, code: int = 0) -> str:
        done = subprocess.run(
            [*self.base, *args], input=input, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
        self.stderr = done.stderr
        return done.stdout

    def json(self, *args: str, code: int = 0) -> Any:
        return json.loads(self("--json", *args, code=code))

    def in_cal(self, *args: str, input: str | None = None, code: int = 0) -> str:
        """A command with ``--calendar`` the scratch calendar."""
        return self(*args, "--calendar", self.calendar, input=input, code=code)

    def uids(self) -> list[str]:
        """The UIDs of the scratch calendar's occurrences in January 2026, sorted."""
        rows = self.json(
            "agenda", "--start", "2026-01-01", "--end", "2026-02-01", "--calendar", self.calendar
        )
        return sorted({row["uid"] for row in rows})


def sync_in_process(url: str, user: str, vdir: Path, calendar: str) -> None:
    """``caldav-jmap sync`` run inside this process (so a test can patch the client)."""
    try:
        main(
            ["--url", url, "--username", user, "--password", PASSWORD, "sync", str(vdir)]
            + ["--calendar", calendar],
            standalone_mode=False,
        )
    except SystemExit as done:
        assert not done.code


def event(uid: str, summary: str, day: int = 5, extra: str = "") -> str:
    """A VCALENDAR with one event on 2026-01-``day``."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//cli//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:202601{day:02d}T100000Z\r\n"
        f"DURATION:PT1H\r\nSUMMARY:{summary}\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def unique(prefix: str) -> str:
    """A UID no other test uses (an account holds one event per UID)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@contextmanager
def logging_http(handler: logging.Handler) -> Iterator[None]:
    """``handler`` on the caldav.jmap.http log (each HTTP exchange, at DEBUG) meanwhile."""
    log = logging.getLogger("caldav.jmap.http")
    old = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(old)
