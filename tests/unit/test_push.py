"""Push: the EventSource parser, the reconnect policy, the watcher's decisions (resuming
without losing a change), listen(), PushSubscription, and JMAP over WebSocket (RFC 8887)
against a small peer served on 127.0.0.1 by this module.

The scripted peer of fake_jmap.py answers the API; the push streams are scripted here.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import threading
from collections.abc import Callable
from contextlib import aclosing, closing
from functools import partial
from itertools import islice
from typing import Any

import pytest

from caldav.jmap import JMAPAuthError, JMAPCapabilityError, JMAPError, JMAPNotFoundError
from caldav.jmap._protocol.eventsource import (
    EventSourceParser,
    ServerSentEvent,
    StateChange,
    event_source_url,
    state_change_from_event,
)
from caldav.jmap._protocol.http import HTTPRequest, HTTPResponse
from caldav.jmap._push import ReconnectPolicy
from caldav.jmap._websocket import WebSocketChannel
from caldav.jmap.constants import WEBSOCKET_CAPABILITY
from caldav.jmap.error import JMAPConnectionError

from .fake_jmap import FakeJMAP, async_client, session_json, sync_client

FAST = dict(base_delay=0.001, max_delay=0.01)


def feed_all(data: bytes, sizes: Callable[[int], int] = lambda i: 1) -> tuple[list, Any]:
    parser = EventSourceParser()
    events, i, n = [], 0, 0
    while i < len(data):
        step = max(1, sizes(n))
        events += parser.feed(data[i : i + step])
        i, n = i + step, n + 1
    return events, parser


# -- the parser -------------------------------------------------------------------------

STREAM = (
    b"\xef\xbb\xbf: a comment\r\n"
    b"retry: 2500\r\n"
    b"id: 41\r\n"
    b"event: state\r\n"
    b'data: {"@type":"StateChange",\r\n'
    b'data:"changed":{"u1":{"CalendarEvent":"\xc3\xa9t\xc3\xa9"}}}\r\n'
    b"\r\n"
    b": ping\n\n"
    b'event: ping\ndata: {"interval":30}\n\n'
    b"data: plain\rdata: second\r\r"
)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 10_000])
def test_parser_is_independent_of_chunk_boundaries(size):
    events, parser = feed_all(STREAM, lambda i: size)
    assert [e.event for e in events] == ["state", "ping", "message"]
    state, ping, plain = events
    assert state.id == "41" and ping.id == "41"
    assert state.data == ('{"@type":"StateChange",\n"changed":{"u1":{"CalendarEvent":"été"}}}')
    assert plain.data == "plain\nsecond"
    assert parser.retry == 2500 and parser.last_event_id == "41"
    change = state_change_from_event(state)
    assert change == StateChange({"u1": {"CalendarEvent": "été"}})
    assert state_change_from_event(ping) is None


def test_parser_random_chunks_and_crlf_split_between_cr_and_lf():
    rng = random.Random(3)
    for _ in range(50):
        events, _ = feed_all(STREAM, lambda i: rng.randint(1, 9))
        assert len(events) == 3
    # the CR of a CRLF at the end of one chunk, its LF at the start of the next: one line end
    parser = EventSourceParser()
    assert parser.feed(b"data: a\r") == []
    assert parser.feed(b"\n") == []  # not an empty line: the LF belongs to the CRLF
    assert parser.feed(b"\r\n") == [ServerSentEvent("message", "a")]


def test_parser_fields_as_the_standard_says():
    events, parser = feed_all(
        b"event: nodata\n\n"  # no data: nothing dispatched
        b"data\n\n"  # a field name alone: empty data, dispatched
        b"data:  two spaces\nid: x\0y\nretry: soon\nunknown: field\n\n"
        b"data: incomplete"  # no blank line yet: not dispatched
    )
    assert events == [ServerSentEvent("message", ""), ServerSentEvent("message", " two spaces")]
    assert parser.last_event_id is None and parser.retry is None


@pytest.mark.parametrize(
    "data, complaint",
    [
        ("not json", "not valid JSON"),
        ("[1]", "not a JSON object"),
        ('{"@type":"Other","changed":{}}', "@type 'Other'"),
        ('{"@type":"StateChange"}', "no 'changed' object"),
        ('{"@type":"StateChange","changed":{"u1":[]}}', "changed['u1'] is not an object"),
        ('{"@type":"StateChange","changed":{"u1":{"Calendar":3}}}', "'Calendar' in account"),
    ],
)
def test_malformed_state_change_names_the_problem(data, complaint):
    with pytest.raises(JMAPError, match=complaint.replace("[", r"\[").replace("(", r"\(")):
        state_change_from_event(ServerSentEvent("state", data))


def test_event_source_url_template():
    template = "/es/?types={types}&closeafter={closeafter}&ping={ping}"
    assert event_source_url(template, ["CalendarEvent", "Calendar"], "no", 30) == (
        "/es/?types=CalendarEvent,Calendar&closeafter=no&ping=30"
    )
    assert event_source_url(template, None, "state", 0) == "/es/?types=*&closeafter=state&ping=0"
    with pytest.raises(ValueError):
        event_source_url(template, None, "never", 0)


# -- the reconnect policy ---------------------------------------------------------------


def test_reconnect_policy_backs_off_with_jitter_and_honours_the_server():
    policy = ReconnectPolicy(base_delay=1, max_delay=20, max_attempts=5, rng=random.Random(1))
    for attempt, ceiling in enumerate([1, 2, 4, 8, 16, 20, 20]):
        delays = {policy.delay(attempt) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jitter
    assert policy.delay(0, server_hint=7.5) == 7.5  # the server's retry: / Retry-After
    assert policy.delay(0, server_hint=1000) == 20  # but never beyond max_delay
    assert not policy.gives_up(4) and policy.gives_up(5)
    assert not ReconnectPolicy().gives_up(10_000)


# -- the watcher against a scripted peer ------------------------------------------------


class Peer:
    """FakeJMAP plus scripted EventSource connections: each is a list of parts, the last
    of which may be an exception (the connection breaks) or a callable run at that point."""

    def __init__(self, connections: list[list[Any]], state: dict[str, str]):
        self.state = state
        self.server = FakeJMAP(
            {
                "CalendarEvent/get": lambda a: self.get("CalendarEvent", a),
                "Calendar/get": lambda a: self.get("Calendar", a),
            }
        )
        self.connections = list(connections)
        self.streams: list[HTTPRequest] = []
        self.answered = 0
        self.answering = threading.Condition()

    def get(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        assert args["ids"] == []
        return {"accountId": "A1", "state": self.state[name], "list": [], "notFound": []}

    def answer(self, request: HTTPRequest) -> HTTPResponse:
        """The server's answer to a request that is no stream, counted once given."""
        response = self.server(request)
        with self.answering:
            self.answered += 1
            self.answering.notify_all()
        return response

    def _past(self, count: int) -> bool:
        return self.answered > count

    def parts(self, request: HTTPRequest, lockstep: bool = False):
        """The next connection's parts.  ``lockstep`` (the blocking client, whose transport
        reads ahead on a worker thread): a callable after the head runs only once the
        client's state check on that head was answered, as on a real wire where the change
        happens later."""
        self.streams.append(request)
        at_head = None
        for part in self.connections.pop(0):
            if isinstance(part, BaseException):
                raise part
            if callable(part):
                if lockstep and at_head is not None:
                    with self.answering:
                        assert self.answering.wait_for(partial(self._past, at_head), 10)
                part()
                continue
            if isinstance(part, HTTPResponse):
                at_head = self.answered
            yield part


def head(status: int = 200, headers: dict[str, str] | None = None) -> HTTPResponse:
    return HTTPResponse.build(status, headers or {}, b"", "https://jmap.example.com/es")


def state_event(state: str, event_id: str) -> bytes:
    data = {"@type": "StateChange", "changed": {"A1": {"CalendarEvent": state}}}
    return f"id: {event_id}\nevent: state\ndata: {json.dumps(data)}\n\n".encode()


PING = b"event: ping\ndata: {}\n\n"
BROKEN = JMAPConnectionError(reason="connection reset")


def wire(kind: str, peer: Peer, **kwargs: Any) -> Any:
    """A client of ``kind`` on the peer, whose streams come from the peer's script."""

    def streamed(request: HTTPRequest) -> bool:
        return "/jmap/eventsource/" in request.url

    if kind == "sync":

        def send(request, network):
            return peer.parts(request, lockstep=True) if streamed(request) else peer.answer(request)

        return sync_client(peer.server, http_send=send, **kwargs)

    async def stream(request):
        for part in peer.parts(request):
            await asyncio.sleep(0)
            yield part

    def asend(request, network):
        return stream(request) if streamed(request) else peer.server.async_hook(request)

    return async_client(peer.server, http_send=asend, **kwargs)


def take(kind: str, client: Any, count: int, **watch_args: Any) -> list[StateChange]:
    """The first ``count`` changes the client's watch reports."""
    if kind == "sync":
        with closing(client.watch(**watch_args)) as changes:
            return list(islice(changes, count))

    async def run() -> list[StateChange]:
        found = []
        async with aclosing(client.watch(**watch_args)) as changes:
            async for change in changes:
                found.append(change)
                if len(found) == count:
                    break
        return found

    return asyncio.run(asyncio.wait_for(run(), 10))


KINDS = ["sync", "async"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_change_missed_while_disconnected_is_reported_after_reconnecting(kind):
    state = {"CalendarEvent": "s1", "Calendar": "c1"}

    def change_while_away():
        state["CalendarEvent"] = "s3"

    peer = Peer(
        [
            [head(), state_event("s2", "7"), PING, change_while_away, BROKEN],
            [head(), state_event("s3", "9"), PING, PING],  # replays what the check reported
        ],
        state,
    )
    client = wire(kind, peer)
    first, second = take(kind, client, 2, policy=ReconnectPolicy(**FAST), ping=5)
    assert first.changed == {"A1": {"CalendarEvent": "s2"}} and not first.synthetic
    # the server does not replay here before the check: the watcher's own check finds s3
    assert second.synthetic and second.changed == {"A1": {"CalendarEvent": "s3"}}
    # the reconnection resumed from the last event id; the replay of s3 was not repeated
    assert "last-event-id" not in {k.lower() for k in peer.streams[0].headers}
    assert peer.streams[1].headers["Last-Event-ID"] == "7"
    assert "closeafter=no" in peer.streams[0].url and "ping=5" in peer.streams[0].url
    assert "types=CalendarEvent,Calendar" in peer.streams[0].url


@pytest.mark.parametrize("kind", KINDS)
def test_a_change_between_baseline_and_stream_is_not_lost(kind):
    state = {"CalendarEvent": "s1", "Calendar": "c1"}

    def change_before_the_stream_opened():
        state["CalendarEvent"] = "s2"

    peer = Peer([[change_before_the_stream_opened, head(), PING, PING]], state)
    client = wire(kind, peer)
    (change,) = take(kind, client, 1, policy=ReconnectPolicy(**FAST))
    assert change.synthetic and change.changed == {"A1": {"CalendarEvent": "s2"}}


@pytest.mark.parametrize("kind", KINDS)
def test_server_retry_and_503_retry_after_are_waited_out(kind, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("caldav.jmap._transport.time.sleep", waits.append)

    async def fake_sleep(seconds):
        waits.append(seconds)

    monkeypatch.setattr("caldav.jmap._transport.asyncio.sleep", fake_sleep)
    state = {"CalendarEvent": "s1", "Calendar": "c1"}
    peer = Peer(
        [
            [head(), b"retry: 3000\n\n", BROKEN],
            [head(503, {"Retry-After": "4"}), b"busy"],
            [head(), state_event("s9", "1")],
        ],
        state,
    )
    client = wire(kind, peer)
    take(kind, client, 1, policy=ReconnectPolicy(base_delay=0.01, max_delay=60))
    pauses = [w for w in waits if w]
    assert pauses[:2] == [3.0, 4.0]


@pytest.mark.parametrize("kind", KINDS)
def test_refused_credentials_end_the_watch(kind):
    peer = Peer([[head(401), b'{"type":"about:blank","detail":"who are you"}']], {})
    peer.state = {"CalendarEvent": "s1", "Calendar": "c1"}
    client = wire(kind, peer)
    with pytest.raises(JMAPAuthError, match="who are you"):
        take(kind, client, 1, policy=ReconnectPolicy(**FAST))


@pytest.mark.parametrize("kind", KINDS)
def test_the_policy_gives_up_after_max_attempts(kind):
    peer = Peer([[BROKEN], [BROKEN], [BROKEN]], {"CalendarEvent": "s1", "Calendar": "c1"})
    client = wire(kind, peer)
    with pytest.raises(JMAPConnectionError, match="connection reset"):
        take(kind, client, 1, policy=ReconnectPolicy(**FAST, max_attempts=3))
    assert len(peer.streams) == 3


@pytest.mark.parametrize("kind", KINDS)
def test_a_set_stop_event_ends_the_watch(kind):
    stop = threading.Event()
    peer = Peer([[head(), PING, stop.set, PING, PING]], {"CalendarEvent": "s", "Calendar": "c"})
    client = wire(kind, peer)
    assert take(kind, client, 5, stop=stop, policy=ReconnectPolicy(**FAST)) == []


# -- listen -----------------------------------------------------------------------------

EVENT = {
    "id": "e1",
    "uid": "uid-1@example.com",
    "calendarIds": {"cal1": True},
    "@type": "Event",
    "title": "Lunch",
    "start": "2026-06-01T12:00:00",
    "duration": "PT1H",
    "timeZone": "Europe/Oslo",
}


@pytest.mark.parametrize("kind", KINDS)
def test_listen_hands_over_the_changed_objects(kind):
    state = {"CalendarEvent": "s1", "Calendar": "c1"}
    peer = Peer([[head(), state_event("s2", "1"), PING]], state)

    def changes(args):
        assert args["sinceState"] == "s1"
        return {
            "accountId": "A1",
            "oldState": "s1",
            "newState": "s2",
            "hasMoreChanges": False,
            "created": ["e1"],
            "updated": [],
            "destroyed": ["e0"],
        }

    def get(args):
        if args["ids"] == []:
            return peer.get("CalendarEvent", args)
        return {"accountId": "A1", "state": "s2", "list": [EVENT], "notFound": []}

    peer.server.handlers["CalendarEvent/changes"] = changes
    peer.server.handlers["CalendarEvent/get"] = get
    client = wire(kind, peer)
    seen: list[tuple] = []

    if kind == "sync":
        client.listen(lambda *report: seen.append(report), max_events=1)
    else:

        async def on_change(*report):
            seen.append(report)

        asyncio.run(asyncio.wait_for(client.listen(on_change, max_events=1), 10))
    ((name, added, modified, deleted),) = seen
    assert name == "CalendarEvent" and modified == [] and deleted == ["e0"]
    assert [event.uid for event in added] == ["uid-1@example.com"]
    # Task was asked for, but the session has no tasks: never watched nor fetched
    assert "Task" not in peer.streams[0].url
    assert not peer.server.calls("Task/changes")


@pytest.mark.parametrize("kind", KINDS)
def test_listen_follows_any_registered_type_through_the_engine(kind):
    # TaskList had no /changes operation of its own for listen(): it follows it now from
    # the registry (its spec's /changes and object class)
    lists = {"TaskList": "l1"}

    def the_list_changes():
        lists["TaskList"] = "l2"  # the list changes, then the server pushes its state

    data = {"@type": "StateChange", "changed": {"A1": {"TaskList": "l2"}}}
    pushed = f"id: 1\nevent: state\ndata: {json.dumps(data)}\n\n".encode()
    peer = Peer([[head(), the_list_changes, pushed, PING]], {"CalendarEvent": "s1"})
    caps = {
        "urn:ietf:params:jmap:core": {"maxObjectsInGet": 500},
        "urn:ietf:params:jmap:calendars": {},
        "urn:ietf:params:jmap:tasks": {},
    }
    peer.server.session = session_json(caps)

    def get(args):
        if args["ids"] == []:
            return {"accountId": "A1", "state": lists["TaskList"], "list": [], "notFound": []}
        return {"accountId": "A1", "state": "l2", "list": [{"id": "t1", "name": "Home"}]}

    def changes(args):
        assert args["sinceState"] == "l1"
        delta = {"created": ["t1"], "updated": [], "destroyed": []}
        return {"accountId": "A1", "oldState": "l1", "newState": "l2", **delta}

    peer.server.handlers["TaskList/get"] = get
    peer.server.handlers["TaskList/changes"] = changes
    client = wire(kind, peer)
    seen: list[tuple] = []
    if kind == "sync":
        client.listen(lambda *report: seen.append(report), types=("TaskList",), max_events=1)
    else:

        async def on_change(*report):
            seen.append(report)

        listening = client.listen(on_change, types=("TaskList",), max_events=1)
        asyncio.run(asyncio.wait_for(listening, 10))
    ((name, added, modified, deleted),) = seen
    assert name == "TaskList" and modified == [] and deleted == []
    assert [type(t).__name__ for t in added] == ["JMAPTaskList"] and added[0].name == "Home"


# -- PushSubscription -------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_push_subscriptions_on_the_fake_peer(kind):
    stored: dict[str, dict[str, Any]] = {}

    def push_set(args):
        answer: dict[str, Any] = {"created": {}, "updated": {}, "destroyed": [], "notDestroyed": {}}
        for key, value in (args.get("create") or {}).items():
            stored["ps1"] = {"id": "ps1", "verificationCode": None, **value}
            answer["created"][key] = {"id": "ps1"}
        for sub_id, patch in (args.get("update") or {}).items():
            stored[sub_id].update(patch)
            answer["updated"][sub_id] = None
        for sub_id in args.get("destroy") or []:
            if stored.pop(sub_id, None) is None:
                answer["notDestroyed"][sub_id] = {"type": "notFound"}
            else:
                answer["destroyed"].append(sub_id)
        return answer

    server = FakeJMAP(
        {
            "PushSubscription/set": push_set,
            "PushSubscription/get": lambda args: {"list": list(stored.values()), "notFound": []},
        }
    )
    client = sync_client(server) if kind == "sync" else async_client(server)

    def run(value):
        return asyncio.run(value) if kind == "async" else value

    sub_id = run(
        client.create_push_subscription(
            "device-1",
            "https://push.example.net/p/123",
            types=["CalendarEvent"],
            keys={"p256dh": "key", "auth": "secret"},
            expires="2026-12-01T00:00:00Z",
        )
    )
    assert sub_id == "ps1"
    run(client.verify_push_subscription("ps1", "code-42"))
    (sub,) = run(client.get_push_subscriptions())
    assert (sub.device_client_id, sub.url, sub.types) == (
        "device-1",
        "https://push.example.net/p/123",
        ["CalendarEvent"],
    )
    assert sub.verification_code == "code-42" and sub.expires.year == 2026
    run(client.delete_push_subscription("ps1"))
    with pytest.raises(JMAPNotFoundError):
        run(client.delete_push_subscription("ps1"))
    # RFC 8620 §7.2: the calls name no account
    for name, args in server.api_calls:
        assert "accountId" not in args, name
    created = server.calls("PushSubscription/set")[0]["create"]["push"]
    assert created["keys"] == {"p256dh": "key", "auth": "secret"}
    with pytest.raises(ValueError, match="https"):
        run(client.create_push_subscription("d", "http://insecure.example.net/"))


# -- JMAP over WebSocket: an RFC 8887 peer on 127.0.0.1 ---------------------------------


class WebSocketPeer:
    """A minimal RFC 8887 server: answers Request messages through a FakeJMAP, records
    WebSocketPushEnable, and pushes StateChange messages on demand.  One thread per
    connection; everything ends with the test (daemon threads, socket timeouts)."""

    def __init__(self, api: FakeJMAP) -> None:
        self.ws = pytest.importorskip("wsproto")
        from wsproto import events

        self.events = events
        self.api = api
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.url = f"ws://127.0.0.1:{self.listener.getsockname()[1]}/jmap/ws"
        self.received: list[dict[str, Any]] = []
        self.subprotocols: list[list[str]] = []
        self.auth: list[str] = []
        self.enabled = threading.Event()
        self.outbox: list[str] = []
        self.lock = threading.Lock()
        self.running = True
        self.connections: list[socket.socket] = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def push(self, change: dict[str, Any]) -> None:
        with self.lock:
            self.outbox.append(json.dumps(change))

    def handle(self, conn: socket.socket) -> None:
        from wsproto import ConnectionType, WSConnection

        ev = self.events
        ws = WSConnection(ConnectionType.SERVER)
        conn.settimeout(0.05)
        try:
            while self.running:
                with self.lock:
                    outgoing, self.outbox[:] = list(self.outbox), []
                for text in outgoing:
                    conn.sendall(ws.send(ev.Message(data=text)))
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                if not data:
                    return
                ws.receive_data(data)
                for event in ws.events():
                    if isinstance(event, ev.Request):
                        self.subprotocols.append(list(event.subprotocols))
                        headers = dict((k.lower(), v) for k, v in event.extra_headers)
                        self.auth.append(headers.get(b"authorization", b"").decode())
                        conn.sendall(ws.send(ev.AcceptConnection(subprotocol="jmap")))
                    elif isinstance(event, ev.TextMessage):
                        conn.sendall(ws.send(ev.Message(data=self.answer(event.data))))
                    elif isinstance(event, ev.CloseConnection):
                        conn.sendall(ws.send(event.response()))
                        return
                    elif isinstance(event, ev.Ping):
                        conn.sendall(ws.send(event.response()))
        except OSError:
            return
        finally:
            conn.close()

    def answer(self, text: str) -> str:
        message = json.loads(text)
        self.received.append(message)
        kind = message.get("@type")
        if kind == "Request":
            if message["methodCalls"] and message["methodCalls"][0][0] == "Broken/call":
                return json.dumps(
                    {
                        "@type": "RequestError",
                        "requestId": message["id"],
                        "type": "urn:ietf:params:jmap:error:notRequest",
                        "status": 400,
                        "detail": "not a request",
                    }
                )
            response = self.api.api(message)
            return json.dumps({"@type": "Response", "requestId": message["id"], **response})
        if kind == "WebSocketPushEnable":
            self.enabled.set()
        return json.dumps({"@type": "Ignored"})  # clients ignore what they do not know

    def close(self) -> None:
        self.running = False
        self.listener.close()
        for conn in self.connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@pytest.fixture
def ws_peer():
    api = FakeJMAP(
        {
            "Calendar/get": lambda a: {
                "accountId": "A1",
                "state": "c7",
                "list": [] if a.get("ids") == [] else [{"id": "cal1", "name": "Home"}],
                "notFound": [],
            },
            "CalendarEvent/get": lambda a: {
                "accountId": "A1",
                "state": "e7",
                "list": [],
                "notFound": [],
            },
        }
    )
    peer = WebSocketPeer(api)
    caps = {
        "urn:ietf:params:jmap:core": {"maxObjectsInGet": 500},
        "urn:ietf:params:jmap:calendars": {},
        WEBSOCKET_CAPABILITY: {"url": peer.url, "supportsPush": True},
    }
    api.session = session_json(caps)
    yield peer
    peer.close()


def ws_client(kind: str, peer: WebSocketPeer) -> Any:
    make = sync_client if kind == "sync" else async_client
    # the peer listens on 127.0.0.1, the fake session on jmap.example.com: another origin
    return make(peer.api, allow_other_origins=True)


@pytest.mark.parametrize("kind", KINDS)
def test_api_calls_and_push_over_a_websocket(kind, ws_peer):
    client = ws_client(kind, ws_peer)
    pushed = {
        "@type": "StateChange",
        "changed": {"A1": {"CalendarEvent": "e8"}},
        "pushState": "p-1",
    }

    def push_when_enabled():
        assert ws_peer.enabled.wait(10)
        ws_peer.push(pushed)

    threading.Thread(target=push_when_enabled, daemon=True).start()

    if kind == "sync":
        client.use_websocket()
        calendars = client.get_calendars()
        with closing(client.watch()) as changes:
            change = next(iter(changes))
        client.close()
    else:

        async def run():
            await client.use_websocket()
            calendars = await client.get_calendars()
            async with aclosing(client.watch()) as changes:
                change = await anext(aiter(changes))
            await client.close()
            return calendars, change

        calendars, change = asyncio.run(asyncio.wait_for(run(), 15))
    assert [c.name for c in calendars] == ["Home"]
    assert change.changed == {"A1": {"CalendarEvent": "e8"}} and change.push_state == "p-1"
    kinds = [m["@type"] for m in ws_peer.received]
    assert kinds[0] == "Request" and "WebSocketPushEnable" in kinds
    request = ws_peer.received[0]
    assert request["using"][0] == "urn:ietf:params:jmap:core" and request["id"]
    enable = next(m for m in ws_peer.received if m["@type"] == "WebSocketPushEnable")
    assert enable["dataTypes"] == ["CalendarEvent", "Calendar"]
    assert ws_peer.subprotocols[0] == ["jmap"]
    assert ws_peer.auth[0].startswith("Basic ")
    # the API went over the socket, not over HTTP: only the session was fetched over HTTP
    assert not [r for r in ws_peer.api.requests if r.method == "POST"]


def test_websocket_request_error_and_reconnection(ws_peer):
    client = ws_client("sync", ws_peer)
    client.use_websocket()
    assert client.get_calendars()
    transport = client._transport
    from caldav.jmap._protocol.request import Call

    # a RequestError message becomes the HTTP-style error it stands for
    with pytest.raises(JMAPError, match="notRequest"):
        client._run(client._conn.call(Call("Broken/call", {})))
    # the socket breaks: the next (read-only) request opens a new one
    for conn in list(ws_peer.connections):
        conn.shutdown(socket.SHUT_RDWR)
    assert client.get_calendars()
    assert len(ws_peer.subprotocols) == 2
    transport.close()


def test_websocket_needs_the_capability_and_the_same_origin(ws_peer):
    server = FakeJMAP()
    with pytest.raises(JMAPCapabilityError):
        sync_client(server).use_websocket()
    with pytest.raises(JMAPError, match="another origin"):
        sync_client(ws_peer.api).use_websocket()


def test_websocket_channel_files_answers_and_pushes():
    channel = WebSocketChannel("wss://h/ws", "https://h/api/", supports_push=True)
    post = HTTPRequest.post_json("https://h/api/", {"using": [], "methodCalls": []})
    assert channel.carries(post) and not channel.carries(HTTPRequest("GET", "https://h/api/"))
    request_id, text = channel.request(post)
    assert json.loads(text) == {
        "@type": "Request",
        "id": request_id,
        "using": [],
        "methodCalls": [],
    }
    channel.receive(json.dumps({"@type": "StateChange", "changed": {"a": {"T": "1"}}}))
    assert channel.answer(request_id) is None
    channel.receive(
        json.dumps({"@type": "Response", "requestId": request_id, "methodResponses": []})
    )
    answer = channel.answer(request_id)
    assert answer.status == 200 and json.loads(answer.body) == {"methodResponses": []}
    assert channel.pushes.popleft().changed == {"a": {"T": "1"}}
    with pytest.raises(JMAPError, match="requestId"):
        channel.receive(json.dumps({"@type": "Response", "methodResponses": []}))
    with pytest.raises(JMAPError, match="not valid JSON"):
        channel.receive("{")
    with pytest.raises(JMAPError, match="pushState"):
        channel.receive(json.dumps({"@type": "StateChange", "changed": {}, "pushState": 3}))
    assert json.loads(channel.push_enable(("Calendar",), "p9").text) == {
        "@type": "WebSocketPushEnable",
        "dataTypes": ["Calendar"],
        "pushState": "p9",
    }
