"""Push against the local Cyrus (jmap_pushpoll: 1): watch() sees another client's change
within seconds, listen() hands over the created event, and a stream cut under the watcher
loses nothing.  Each test runs with the sync and the async client (the watcher); changes
are made by a second client of the same user.  Every wait is bounded.

Cyrus 3.10 offers no WebSocket and no PushSubscription: those are tested against the peers
of tests/unit/test_push.py, and against Stalwart when STALWART_JMAP_URL is set.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
import uuid
from contextlib import aclosing, closing
from typing import Any
from urllib.parse import urlsplit

import pytest

from caldav.jmap import AsyncJMAPClient, JMAPClient, JMAPNotFoundError
from caldav.jmap._push import ReconnectPolicy

from .support import ics

TIMEOUT = 20.0
QUICK = ReconnectPolicy(base_delay=0.2, max_delay=1.0)


def watch_until(
    watcher: Any, kind: str, action: Any, wanted: Any, *, ping: int = 1, **options: Any
) -> list[Any]:
    """Run ``watcher.watch()`` until a change satisfies ``wanted``; ``action`` (returning a
    value, or an awaitable for the async kind) runs once the stream is open.  Every change
    reported until then is returned; failing to see one within TIMEOUT fails the test."""
    seen: list[Any] = []
    if kind == "sync":
        stop = threading.Event()
        timer = threading.Timer(TIMEOUT, stop.set)
        timer.start()
        started = threading.Event()

        def act() -> None:
            started.wait(TIMEOUT)
            time.sleep(1.0)  # let the stream open
            action()

        thread = threading.Thread(target=act, daemon=True)
        try:
            with closing(watcher.watch(ping=ping, stop=stop, **options)) as changes:
                thread.start()
                started.set()
                for change in changes:
                    seen.append(change)
                    if wanted(change):
                        return seen
        finally:
            timer.cancel()
            thread.join(TIMEOUT)
        pytest.fail(f"no wanted change within {TIMEOUT}s; saw {seen}")

    async def run() -> list[Any]:
        async def act() -> None:
            await asyncio.sleep(1.0)
            await action()

        task = asyncio.get_running_loop().create_task(act())
        try:
            async with aclosing(watcher.watch(ping=ping, **options)) as changes:
                async for change in changes:
                    seen.append(change)
                    if wanted(change):
                        return seen
        finally:
            await task
        return seen

    return asyncio.run(asyncio.wait_for(run(), TIMEOUT))


def client_pair(kind: str, url: str) -> tuple[Any, Any]:
    cls = JMAPClient if kind == "sync" else AsyncJMAPClient
    return cls(url, "user1", "password"), cls(url, "user1", "password")


def finish(kind: str, *clients: Any) -> None:
    for client in clients:
        if kind == "sync":
            client.close()
        else:
            asyncio.run(client.close())


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def calendar_id(cyrus_url: str) -> Any:
    with JMAPClient(cyrus_url, "user1", "password") as helper:
        cal_id = helper.create_calendar(f"Push {uuid.uuid4().hex[:6]}")
        yield cal_id
        helper.delete_calendar(cal_id, remove_events=True)


def current_token(url: str) -> str:
    with JMAPClient(url, "user1", "password") as helper:
        return helper.get_sync_token()


def made_since(url: str, token: str, uid: str) -> bool:
    """Whether the event ``uid`` exists yet (other tests change user1's events at the same
    time: a change seen must come after ours).  Not /changes since ``token``: Cyrus answers
    cannotCalculateChanges for states from before a calendar was deleted, and other tests
    delete calendars."""
    with JMAPClient(url, "user1", "password") as helper:
        try:
            helper.get_object_by_uid(uid)
        except JMAPNotFoundError:
            return False
    return True


def test_watch_sees_another_clients_change_within_seconds(kind, cyrus_url, calendar_id):
    watcher, other = client_pair(kind, cyrus_url)
    uid = f"{uuid.uuid4()}@push"
    created: dict[str, float] = {}
    before = current_token(cyrus_url)

    def create() -> Any:
        created["at"] = time.monotonic()
        return other.create_event(calendar_id, ics(uid, "Pushed"))

    try:
        seen = watch_until(
            watcher,
            kind,
            create,
            lambda change: (
                change.state("CalendarEvent") is not None
                and "at" in created
                and made_since(cyrus_url, before, uid)
            ),
            types=("CalendarEvent", "Calendar"),
        )
    finally:
        finish(kind, watcher, other)
    latency = time.monotonic() - created["at"]
    assert latency < 5, f"the change took {latency:.1f}s to arrive"
    change = seen[-1]
    assert not change.synthetic
    assert list(change.changed) == ["user1"]


def test_listen_hands_over_the_created_event(kind, cyrus_url, calendar_id):
    listener, other = client_pair(kind, cyrus_url)
    uid = f"{uuid.uuid4()}@listen"
    reports: list[tuple] = []
    ours = threading.Event()  # has is_set(): serves as the stop event of both clients

    def on_change(name: str, added: list, modified: list, deleted: list) -> None:
        reports.append((name, added, modified, deleted))
        if any(getattr(obj, "uid", None) == uid for obj in added):
            ours.set()

    try:
        if kind == "sync":
            timer = threading.Timer(TIMEOUT, ours.set)
            timer.start()

            def create() -> None:
                time.sleep(1.5)
                other.create_event(calendar_id, ics(uid, "Listened"))

            thread = threading.Thread(target=create, daemon=True)
            thread.start()
            listener.listen(on_change, ping=1, stop=ours)
            timer.cancel()
            thread.join(TIMEOUT)
        else:

            async def run() -> None:
                async def create() -> None:
                    await asyncio.sleep(1.5)
                    await other.create_event(calendar_id, ics(uid, "Listened"))

                task = asyncio.get_running_loop().create_task(create())
                await listener.listen(on_change, ping=1, stop=ours)
                await task

            asyncio.run(asyncio.wait_for(run(), TIMEOUT))
    finally:
        finish(kind, listener, other)
    mine = [
        (name, event)
        for name, added, _, _ in reports
        for event in added
        if getattr(event, "uid", None) == uid
    ]
    assert mine, f"listen() did not hand over the event; reports: {reports}"
    ((name, event),) = mine
    assert name == "CalendarEvent" and "SUMMARY:Listened" in event.data


class CuttableProxy:
    """A TCP relay on 127.0.0.1 to Cyrus that the test can cut: ``cut()`` closes every
    relayed connection and refuses new ones until ``resume()``."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.blocked = False
        self.accepted = 0
        self.running = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.blocked:
                client.close()
                continue
            self.accepted += 1
            upstream = socket.create_connection(self.upstream, timeout=5)
            upstream.settimeout(None)
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(a, b), daemon=True).start()

    @staticmethod
    def pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for s in (source, target):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        self.blocked = True
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.sockets.clear()

    def resume(self) -> None:
        self.blocked = False

    def close(self) -> None:
        self.running = False
        self.cut()
        self.listener.close()


def test_a_cut_stream_loses_nothing(kind, cyrus_url, calendar_id):
    proxy = CuttableProxy(cyrus_url)
    base_path = urlsplit(cyrus_url).path
    cls = JMAPClient if kind == "sync" else AsyncJMAPClient
    watcher = cls(proxy.url + base_path, "user1", "password")
    direct = JMAPClient(cyrus_url, "user1", "password")
    uid = f"{uuid.uuid4()}@cut"
    before = direct.get_sync_token()

    def create_while_cut() -> None:
        proxy.cut()
        direct.create_event(calendar_id, ics(uid, "Made while disconnected"))
        time.sleep(1.5)  # Cyrus notices within a second; nobody is listening
        proxy.resume()

    async def create_while_cut_async() -> None:
        await asyncio.to_thread(create_while_cut)

    action = create_while_cut if kind == "sync" else create_while_cut_async
    try:
        seen = watch_until(
            watcher,
            kind,
            action,
            lambda change: (
                proxy.accepted >= 2
                and change.state("CalendarEvent") not in (None, before)
                and made_since(cyrus_url, before, uid)
            ),
            types=("CalendarEvent",),
            policy=QUICK,
        )
        after = direct.get_sync_token()
    finally:
        finish(kind, watcher)
        direct.close()
        proxy.close()
    assert proxy.accepted >= 2, "the watcher never reconnected"
    assert seen[-1].state("CalendarEvent") not in (None, before) and after != before


STALWART = os.environ.get("STALWART_JMAP_URL")


@pytest.mark.skipif(
    not STALWART,
    reason="STALWART_JMAP_URL is not set: Cyrus 3.10 here has no WebSocket (built "
    "without wslay), so JMAP over WebSocket runs only against the RFC 8887 peer of "
    "tests/unit/test_push.py unless a Stalwart server is given",
)
def test_websocket_against_stalwart():
    user = os.environ.get("STALWART_USER", "user1")
    password = os.environ.get("STALWART_PASSWORD", "password")
    with (
        JMAPClient(STALWART, user, password) as client,
        JMAPClient(STALWART, user, password) as other,
    ):
        client.use_websocket()
        cal_id = client.get_calendars()[0].id
        uid = f"{uuid.uuid4()}@stalwart-ws"
        seen = watch_until(
            client,
            "sync",
            lambda: other.create_event(cal_id, ics(uid, "Over a socket")),
            lambda change: change.state("CalendarEvent") is not None,
        )
        assert seen
        client.delete_event(client.get_event_by_uid(uid).id)
