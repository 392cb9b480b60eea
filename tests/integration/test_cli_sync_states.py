"""The sync's own echo from its /set answers' states (RFC 8620 §5.3), against Cyrus: no
/changes after the upload when nothing else changed, and a remote edit that lands between
the sync's /changes and its /set is downloaded, not taken as the sync's echo.  In-process
(the edit is made from inside the upload), counting the methods on the HTTP log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from caldav.jmap import JMAPClient
from tests.integration.cli_support import event, logging_http, sync_in_process, unique

USER, PASSWORD = "user3", "password"


class Methods(logging.Handler):
    """The JMAP methods of each API request logged on caldav.jmap.http."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.requests: list[list[str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        body = str(record.args[3]) if record.args else ""  # type: ignore[index]
        calls = json.loads(body)["methodCalls"] if body.startswith("{") else []
        self.requests.append([call[0] for call in calls])


@pytest.fixture
def methods() -> Iterator[Methods]:
    handler = Methods()
    with logging_http(handler):
        yield handler


@pytest.fixture
def calendar(cyrus_url: str) -> Iterator[tuple[JMAPClient, str]]:
    client = JMAPClient(cyrus_url, USER, PASSWORD)
    cal = client.create_calendar(unique("states"))
    yield client, cal
    client.delete_calendar(cal, remove_events=True)
    client.close()


def sync(url: str, vdir: Path, cal: str) -> None:
    sync_in_process(url, USER, vdir, cal)


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


def test_no_changes_call_after_an_upload_alone(
    cyrus_url: str, calendar: tuple[JMAPClient, str], methods: Methods, tmp_path: Path
) -> None:
    client, cal = calendar
    uid = unique("a")
    client.create_events(cal, [event(uid, "Before")])
    vdir = tmp_path / "vdir"
    sync(cyrus_url, vdir, cal)
    edit(vdir / f"{uid}.ics", "SUMMARY:Before", "SUMMARY:Edited locally")
    methods.requests.clear()
    sync(cyrus_url, vdir, cal)
    flat = [m for request in methods.requests for m in request]
    assert flat.count("CalendarEvent/changes") == 1  # the sync's own; no echo check
    assert flat.count("CalendarEvent/set") == 1
    # one session GET (where the last run was redirected), the changes with the edited
    # event read in the same request, and the /set: 3 requests
    assert len(methods.requests) == 3
    assert methods.requests[1][0] == "CalendarEvent/changes"
    assert methods.requests[2] == ["CalendarEvent/set"]
    assert "Edited locally" in client.get_object_by_uid(uid)
    methods.requests.clear()
    sync(cyrus_url, vdir, cal)  # the token is past the echo: nothing comes back down
    assert "Edited locally" in (vdir / f"{uid}.ics").read_text()
    api = [r for r in methods.requests if r]  # (the session GETs carry no methods)
    assert len(api) == 1 and api[0][0] == "CalendarEvent/changes"


def test_a_remote_edit_during_the_upload_is_downloaded(
    cyrus_url: str,
    calendar: tuple[JMAPClient, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, cal = calendar
    mine, theirs = unique("mine"), unique("theirs")
    ids = client.create_events(cal, [event(mine, "Mine"), event(theirs, "Theirs")])
    vdir = tmp_path / "vdir"
    sync(cyrus_url, vdir, cal)
    edit(vdir / f"{mine}.ics", "SUMMARY:Mine", "SUMMARY:Mine edited locally")
    upload = JMAPClient.update_events

    def edited_meanwhile(self: JMAPClient, updates: dict[str, str], **kw: object) -> object:
        monkeypatch.setattr(JMAPClient, "update_events", upload)
        # another client edits both events after the sync's /changes, before its /set
        text = client.get_object_by_uid(theirs)
        client.update_event(ids[1], text.replace("SUMMARY:Theirs", "SUMMARY:Theirs remote"))
        return upload(self, updates, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(JMAPClient, "update_events", edited_meanwhile)
    sync(cyrus_url, vdir, cal)
    # the same run syncs again from the state before its upload: the edit comes down
    assert "SUMMARY:Theirs remote" in (vdir / f"{theirs}.ics").read_text()
    assert "Mine edited locally" in (vdir / f"{mine}.ics").read_text()
    assert "Mine edited locally" in client.get_object_by_uid(mine)
