"""A scripted JMAP peer for unit tests of what a real server cannot be made to do on demand.

Cyrus covers the normal paths in tests/integration/.  This peer answers with canned data
for the rest: JMAP Tasks (Cyrus has none), hasMoreChanges, paging limits, session changes,
and broken or hostile answers.  It speaks HTTPRequest/HTTPResponse, the transports' only
currency, so the real clients and drivers run against it unchanged: the clients get it as
their documented ``http_send`` hook, and everything above the HTTP library runs for real.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from copy import deepcopy
from typing import Any

import pytest

from caldav.jmap._protocol.http import HTTPRequest, HTTPResponse

BASE = "https://jmap.example.com"
WELL_KNOWN = BASE + "/.well-known/jmap"
SESSION_URL = BASE + "/jmap/session"

Handler = Callable[[dict[str, Any]], Any]


def session_json(capabilities: dict[str, Any] | None = None, state: str = "s1") -> dict[str, Any]:
    """A Session object like Cyrus's: relative URLs, one personal account."""
    caps = capabilities or {
        "urn:ietf:params:jmap:core": {"maxObjectsInGet": 500, "maxCallsInRequest": 16},
        "urn:ietf:params:jmap:calendars": {},
    }
    return {
        "username": "alice",
        "apiUrl": "/jmap/api/",
        "downloadUrl": "/jmap/download/{accountId}/{blobId}/{name}?accept={type}",
        "uploadUrl": "/jmap/upload/{accountId}/",
        "eventSourceUrl": "/jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}",
        "state": state,
        "capabilities": caps,
        "accounts": {
            "A1": {
                "name": "alice",
                "isPersonal": True,
                "isReadOnly": False,
                "accountCapabilities": {k: {} for k in caps},
            }
        },
        "primaryAccounts": {k: "A1" for k in caps if k != "urn:ietf:params:jmap:core"},
    }


def _pointer(value: Any, path: str) -> Any:
    """Resolve a result-reference path: a JSON pointer where ``*`` maps over a list."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return value
    head, rest = parts[0], "/".join(parts[1:])
    if head == "*":
        out: list[Any] = []
        for element in value:
            found = _pointer(element, rest)
            out.extend(found if isinstance(found, list) else [found])
        return out
    return _pointer(value[head], rest)


class FakeJMAP:
    """Answers the session GET and API POSTs; method calls go to ``handlers[name]``.

    A handler returns the response arguments, or ``("error", {...})`` for a method error.
    ``requests`` records every request; ``api_calls`` every method call, refs resolved.
    """

    def __init__(self, handlers: dict[str, Handler] | None = None, session: dict | None = None):
        self.handlers = dict(handlers or {})
        self.session = session or session_json()
        self.session_state = self.session["state"]
        self.requests: list[HTTPRequest] = []
        self.api_calls: list[tuple[str, dict[str, Any]]] = []
        self.raw_api: Callable[[HTTPRequest], HTTPResponse] | None = None
        #: A test's stand-in in front of the peer (a failure script, a recorder): the
        #: clients' hook hands each request to it instead of the peer when it is set.
        self.front: Callable[[HTTPRequest], Any] | None = None

    def hook(self, request: HTTPRequest, network: Any = None) -> Any:
        """The blocking clients' ``http_send``: the front, or the peer itself."""
        return (self.front or self)(request)

    async def async_hook(self, request: HTTPRequest, network: Any = None) -> Any:
        """The async clients' ``http_send``; an async front is awaited."""
        answer = self.hook(request)
        return await answer if asyncio.iscoroutine(answer) else answer

    def respond(
        self, status: int, body: Any, headers: dict[str, str] | None = None, url: str = ""
    ) -> HTTPResponse:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return HTTPResponse.build(
            status, {"content-type": "application/json", **(headers or {})}, data, url
        )

    def __call__(self, request: HTTPRequest) -> HTTPResponse:
        self.requests.append(request)
        if request.method == "GET" and request.url == WELL_KNOWN:
            return self.respond(301, b"", {"location": "/jmap/session"}, request.url)
        if request.method == "GET" and request.url == SESSION_URL:
            return self.respond(200, self.session, url=request.url)
        if request.method == "POST" and request.url == BASE + "/jmap/api/":
            if self.raw_api is not None:
                return self.raw_api(request)
            return self.respond(200, self.api(json.loads(request.body or b"{}")), url=request.url)
        return self.respond(404, {"type": "about:blank", "detail": "not here"}, url=request.url)

    def api(self, payload: dict[str, Any]) -> dict[str, Any]:
        results: list[list[Any]] = []
        for name, args, call_id in payload["methodCalls"]:
            resolved = {}
            broken = False
            for key, value in args.items():
                if key.startswith("#"):
                    source = [
                        r for r in results if r[2] == value["resultOf"] and r[0] == value["name"]
                    ]
                    if not source:
                        broken = True  # RFC 8620 §3.7: a reference to a failed call
                        continue
                    resolved[key[1:]] = _pointer(source[0][1], value["path"])
                else:
                    resolved[key] = deepcopy(value)
            if broken:
                results.append(["error", {"type": "invalidResultReference"}, call_id])
                continue
            self.api_calls.append((name, resolved))
            handler = self.handlers.get(name)
            if handler is None:
                results.append(["error", {"type": "unknownMethod"}, call_id])
                continue
            answer = handler(resolved)
            if isinstance(answer, tuple) and answer[0] == "error":
                results.append(["error", answer[1], call_id])
            else:
                results.append([name, answer, call_id])
        return {"methodResponses": results, "sessionState": self.session_state}

    def calls(self, name: str) -> list[dict[str, Any]]:
        """The arguments of every call of method ``name`` so far."""
        return [args for n, args in self.api_calls if n == name]


def sync_client(server: FakeJMAP, **kwargs: Any) -> Any:
    """A real JMAPClient whose HTTP exchanges go to ``server`` (its ``http_send`` hook)."""
    from caldav.jmap import JMAPClient

    kwargs.setdefault("http_send", server.hook)
    return JMAPClient(
        WELL_KNOWN, kwargs.pop("username", "alice"), kwargs.pop("password", "pw"), **kwargs
    )


def async_client(server: FakeJMAP, **kwargs: Any) -> Any:
    """A real AsyncJMAPClient whose HTTP exchanges go to ``server``."""
    from caldav.jmap import AsyncJMAPClient

    kwargs.setdefault("http_send", server.async_hook)
    return AsyncJMAPClient(
        WELL_KNOWN, kwargs.pop("username", "alice"), kwargs.pop("password", "pw"), **kwargs
    )


def jscal_event(n: int | str, **props: Any) -> dict[str, Any]:
    """A CalendarEvent ``e<n>`` the converter reads."""
    return {
        "@type": "Event",
        "id": f"e{n}",
        "uid": f"uid-{n}@example.com",
        "title": f"Event {n}",
        "start": "2026-03-01T10:00:00",
        "timeZone": "Etc/UTC",
        "duration": "PT1H",
        "calendarIds": {"cal1": True},
        **props,
    }


class EventStore:
    """CalendarEvent data with a change log, answering /changes, /get and /query as a
    server does: /changes in pages of ``maxChanges`` log entries, each page compressed as
    RFC 8620 §5.2 allows (created then destroyed within the page: left out), /get of
    destroyed ids as notFound.  ``hidden`` ids /get pretends not to find."""

    def __init__(self) -> None:
        self.events: dict[str, dict[str, Any]] = {}
        self.log: list[tuple[str, str]] = []
        self.hidden: set[str] = set()

    @property
    def state(self) -> str:
        return str(len(self.log))

    def create(self, n: int | str, **props: Any) -> str:
        event = jscal_event(n, **props)
        self.events[event["id"]] = event
        self.log.append(("created", event["id"]))
        return event["id"]

    def update(self, event_id: str, **props: Any) -> None:
        self.events[event_id].update(props)
        self.log.append(("updated", event_id))

    def destroy(self, event_id: str) -> None:
        del self.events[event_id]
        self.log.append(("destroyed", event_id))

    def changes(self, args: dict[str, Any]) -> dict[str, Any]:
        since = int(args["sinceState"])
        entries = self.log[since : since + (args.get("maxChanges") or len(self.log))]
        first: dict[str, str] = {}
        last: dict[str, str] = {}
        for kind, event_id in entries:
            first.setdefault(event_id, kind)
            last[event_id] = kind
        out: dict[str, list[str]] = {"created": [], "updated": [], "destroyed": []}
        for event_id in first:
            if first[event_id] == "created" and last[event_id] == "destroyed":
                continue
            kind = "created" if first[event_id] == "created" else last[event_id]
            out[kind].append(event_id)
        new_state = since + len(entries)
        return {
            "oldState": str(since),
            "newState": str(new_state),
            "hasMoreChanges": new_state < len(self.log),
            **out,
        }

    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        ids = args.get("ids")
        ids = list(self.events) if ids is None else ids
        found = [i for i in ids if i in self.events and i not in self.hidden]
        return {
            "state": self.state,
            "list": [deepcopy(self.events[i]) for i in found],
            "notFound": [i for i in ids if i not in found],
        }

    def query(self, args: dict[str, Any]) -> dict[str, Any]:
        ids = sorted(self.events)
        position = args.get("position") or 0
        limit = args.get("limit") or len(ids)
        return {
            "ids": ids[position : position + limit],
            "position": position,
            "total": len(ids),
            "queryState": self.state,
        }

    def handlers(self) -> dict[str, Handler]:
        return {
            "CalendarEvent/changes": self.changes,
            "CalendarEvent/get": self.get,
            "CalendarEvent/query": self.query,
        }


class Bounded:
    """Wraps a handler so that a client looping without end fails the test instead of
    hanging it: past ``calls`` calls it raises."""

    def __init__(self, handler: Handler, calls: int = 300) -> None:
        self.handler = handler
        self.left = calls

    def __call__(self, args: dict[str, Any]) -> Any:
        self.left -= 1
        if self.left < 0:
            raise RuntimeError("the client kept calling: an unbounded loop")
        return self.handler(args)


@pytest.fixture(params=["sync", "async"])
def connect(request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Import into a test module for tests of both clients: ``connect(server, **kwargs)``
    gives ``(client, run)``, where ``run(call)`` is the call's value either way."""
    loop = asyncio.new_event_loop() if request.param == "async" else None

    def factory(server: FakeJMAP, **kwargs: Any) -> tuple[Any, Callable[[Any], Any]]:
        client = (sync_client if loop is None else async_client)(server, **kwargs)

        def run(value: Any) -> Any:
            return loop.run_until_complete(value) if loop and asyncio.iscoroutine(value) else value

        return client, run

    yield factory
    if loop is not None:
        loop.close()
