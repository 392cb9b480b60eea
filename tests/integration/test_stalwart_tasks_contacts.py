"""JMAP Tasks and JMAP for Contacts (RFC 9610) against a real Stalwart server.

Cyrus 3.10 implements neither, so these run only against Stalwart, which needs Docker
(tests/docker-test-servers/stalwart/docker-compose.yml): start it, create a user, and set

    STALWART_JMAP_URL=http://127.0.0.1:18082/.well-known/jmap
    STALWART_USERNAME=...  STALWART_PASSWORD=...
    (STALWART_SSL_VERIFY=0 for a self-signed certificate)

Without those variables, or when the server cannot be reached, every test here is SKIPPED
with that reason (the only skips allowed); a reachable server that refuses the credentials
or lacks a capability fails them.  The same operations are covered with recorded
request/response pairs, written from the specifications, in
tests/unit/test_tasks_contacts_fake.py.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from caldav.jmap import AsyncJMAPClient, JMAPClient, JMAPConnectionError, JMAPTask
from caldav.jmap.objects.contact import JMAPContactCard

URL = os.environ.get("STALWART_JMAP_URL")
USERNAME = os.environ.get("STALWART_USERNAME")
PASSWORD = os.environ.get("STALWART_PASSWORD")
VERIFY = os.environ.get("STALWART_SSL_VERIFY", "1") not in ("0", "false", "no")

TASKS = "urn:ietf:params:jmap:tasks"
CONTACTS = "urn:ietf:params:jmap:contacts"


def make(kind: str) -> Any:
    cls = JMAPClient if kind == "sync" else AsyncJMAPClient
    return cls(URL, username=USERNAME, password=PASSWORD, ssl_verify_cert=VERIFY)


@pytest.fixture(scope="module")
def stalwart() -> None:
    """Skip (with the reason) unless a Stalwart is configured and answers."""
    if not (URL and USERNAME and PASSWORD):
        pytest.skip(
            "no Stalwart server configured: set STALWART_JMAP_URL, STALWART_USERNAME and "
            "STALWART_PASSWORD (see tests/docker-test-servers/stalwart/docker-compose.yml)"
        )
    client = make("sync")
    try:
        session = client.get_session()
    except JMAPConnectionError as error:
        pytest.skip(f"the Stalwart server at {URL} cannot be reached: {error}")
    finally:
        client.close()
    for capability in (TASKS, CONTACTS):
        assert session.has_capability(capability), f"Stalwart at {URL} lacks {capability}"


class Runner:
    """A client whose calls return values, for the sync and the async client alike."""

    def __init__(self, kind: str) -> None:
        self.client = make(kind)
        self.loop = asyncio.new_event_loop() if kind == "async" else None
        self.cleanups: list[Callable[[], Any]] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            if self.loop is not None and asyncio.iscoroutine(result):
                return self.loop.run_until_complete(result)
            return result

        return call

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception:  # noqa: BLE001 - cleaning up after a failed test
                pass
        result = self.client.close()
        if self.loop is not None:
            if asyncio.iscoroutine(result):
                self.loop.run_until_complete(result)
            self.loop.close()


@pytest.fixture(params=["sync", "async"])
def jmap(request: pytest.FixtureRequest, stalwart: None) -> Iterator[Runner]:
    runner = Runner(request.param)
    yield runner
    runner.close()


def eventually(probe: Callable[[], Any], timeout: float = 15.0) -> Any:
    """``probe()``'s first truthy value, retried while the server indexes."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


def vtodo(uid: str, summary: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//caldav-jmap tests//EN\r\nBEGIN:VTODO\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDUE;TZID=Europe/Berlin:20260105T100000\r\n"
        f"SUMMARY:{summary}\r\nSTATUS:IN-PROCESS\r\nPERCENT-COMPLETE:40\r\n"
        "END:VTODO\r\nEND:VCALENDAR\r\n"
    )


# -- tasks -----------------------------------------------------------------------------------


def new_task_list(jmap: Runner, name: str) -> str:
    list_id = jmap.create_task_list(f"{name} {uuid.uuid4().hex[:8]}")
    jmap.cleanups.append(lambda: jmap.delete_task_list(list_id, remove_tasks=True))
    return list_id


def test_task_lists_and_their_changes(jmap: Runner) -> None:
    token = jmap.get_task_list_sync_token()
    list_id = new_task_list(jmap, "Errands")
    assert list_id in [tl.id for tl in jmap.get_task_lists()]
    jmap.update_task_list(list_id, {"sort_order": 7})
    created, updated, destroyed, new_token = jmap.get_task_list_changes(token)
    assert list_id in [tl.id for tl in created + updated] and new_token != token
    jmap.create_task(list_id, "blocks the delete")
    jmap.delete_task_list(list_id, remove_tasks=True)
    assert list_id not in [tl.id for tl in jmap.get_task_lists()]


def test_task_changes_search_and_query_changes(jmap: Runner) -> None:
    list_id = new_task_list(jmap, "Work")
    token = jmap.get_task_sync_token()
    title = f"Report {uuid.uuid4().hex[:8]}"
    task_id = jmap.create_task(list_id, title, progress="in-process", keywords={"work": True})
    created, _, _, token2 = jmap.get_task_changes(token)
    assert task_id in [t.id for t in created] and isinstance(created[0], JMAPTask)
    found = eventually(lambda: jmap.search_tasks(list_id, title=title))
    assert [t.id for t in found] == [task_id] and found[0].title == title
    ids, query_state, total = jmap.query_task_ids(list_id)
    assert ids == [task_id] and total in (1, None)
    second = jmap.create_task(list_id, "Second")
    removed, added, _ = jmap.get_task_query_changes(query_state, list_id)
    assert second in [i for _, i in added] and task_id not in removed
    jmap.delete_task(task_id)
    _, _, destroyed, _ = jmap.get_task_changes(token2)
    assert task_id in destroyed


def test_tasks_as_icalendar_copy_and_move(jmap: Runner) -> None:
    list_id = new_task_list(jmap, "Home")
    other_id = new_task_list(jmap, "Other")
    uid = f"{uuid.uuid4()}@example.com"
    task_id = jmap.create_task_from_ical(list_id, vtodo(uid, "Submit taxes"))
    ical = jmap.get_task_ical(task_id)
    assert "BEGIN:VTODO" in ical and "SUMMARY:Submit taxes" in ical and f"UID:{uid}" in ical
    copy_id = jmap.copy_task(task_id, other_id)
    copy = jmap.get_task(copy_id)
    assert copy.task_list_id == other_id and copy.title == "Submit taxes" and copy.uid != uid
    assert jmap.copy_task(task_id, other_id, move=True) == task_id
    assert jmap.get_task(task_id).task_list_id == other_id


def test_task_notifications_are_listed(jmap: Runner) -> None:
    notes = jmap.get_task_notifications()
    assert isinstance(notes, list)
    jmap.dismiss_task_notifications([])  # nothing to dismiss: no request


# -- contacts --------------------------------------------------------------------------------


def new_address_book(jmap: Runner, name: str) -> str:
    book_id = jmap.create_address_book(f"{name} {uuid.uuid4().hex[:8]}")
    jmap.cleanups.append(lambda: jmap.delete_address_book(book_id, remove_contents=True))
    return book_id


def test_address_books_and_contacts(jmap: Runner) -> None:
    book_token = jmap.get_address_book_sync_token()
    book_id = new_address_book(jmap, "Friends")
    created, _, _, _ = jmap.get_address_book_changes(book_token)
    assert book_id in [b.id for b in created]
    token = jmap.get_contact_sync_token()
    email = f"joe.{uuid.uuid4().hex[:8]}@example.com"
    card = JMAPContactCard(
        name="Joe Bloggs", emails=[email], phones=["+1-555-0100"], organizations=["ABC"]
    )
    contact_id = jmap.create_contact(book_id, card)
    joe = jmap.get_contact(contact_id)
    assert (joe.name, joe.emails, joe.phones) == ("Joe Bloggs", [email], ["+1-555-0100"])
    assert joe.address_book_ids == [book_id] and joe.organizations == ["ABC"]
    assert [c.id for c in jmap.get_contacts(book_id)] == [contact_id]
    found = eventually(lambda: jmap.find_contact_by_email(email.upper()))
    assert found is not None and found.id == contact_id
    assert [c.id for c in eventually(lambda: jmap.search_contacts(email=email))] == [contact_id]
    ids, query_state, _ = jmap.query_contact_ids(in_address_book=book_id)
    assert ids == [contact_id]
    jmap.update_contact(contact_id, {"name": {"@type": "Name", "full": "Joseph Bloggs"}})
    assert jmap.get_contact(contact_id).name == "Joseph Bloggs"
    created, updated, _, _ = jmap.get_contact_changes(token)
    assert contact_id in [c.id for c in created + updated]
    other_book = new_address_book(jmap, "Other")
    duplicate = jmap.copy_contact(contact_id, other_book)
    assert duplicate != contact_id and jmap.get_contact(duplicate).address_book_ids == [other_book]
    second = jmap.create_contact(book_id, {"name": {"full": "Ann"}})
    removed, added, _ = jmap.get_contact_query_changes(query_state, in_address_book=book_id)
    assert second in [i for _, i in added]
    jmap.delete_contact(second)
    assert second not in [c.id for c in jmap.get_contacts(book_id)]


def test_invitations_take_attendee_names_from_contacts(jmap: Runner) -> None:
    book_id = new_address_book(jmap, "Colleagues")
    email = f"carol.{uuid.uuid4().hex[:8]}@example.com"
    jmap.create_contact(book_id, JMAPContactCard(name="Carol Contact", emails=[email]))
    calendar_id = jmap.create_calendar(f"Invites {uuid.uuid4().hex[:8]}")
    jmap.cleanups.append(lambda: jmap.delete_calendar(calendar_id, remove_events=True))
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\n"
        f"UID:{uuid.uuid4()}@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;TZID=Europe/Paris:20260601T100000\r\nDURATION:PT1H\r\n"
        "SUMMARY:Planning\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    eventually(lambda: jmap.find_contact_by_email(email))
    event_id = jmap.save_with_invites(calendar_id, ics, [email])
    event = jmap.get_event_object(event_id)
    people = [
        p
        for p in event.jscal["participants"].values()
        if email in str(p.get("sendTo", {})) or p.get("email") == email
    ]
    assert people and people[0].get("name") == "Carol Contact"
