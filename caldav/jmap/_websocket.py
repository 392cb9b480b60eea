"""JMAP over WebSocket (RFC 8887): API requests and push on one socket.

:class:`WebSocketChannel` is the sans-IO part: it turns the API request an operation yields
(a POST to the session's apiUrl) into a ``Request`` message with an id, files the
``Response`` / ``RequestError`` messages that come back as the HTTP answers the operation
waits for, and queues the pushed ``StateChange`` messages.  :class:`SyncWebSocketTransport`
and :class:`AsyncWebSocketTransport` put it on a socket: they send API requests over it and
everything else (the session, up- and downloads, an EventSource) over the client's HTTP
transport, and open the socket when first needed and again after it broke.

The socket is opened through niquests, which needs ``wsproto`` for it: install the extra
``caldav-jmap[websocket]``.

Example::

    client.use_websocket()            # the API calls from now on go over the socket
    for change in client.watch():     # WebSocketPushEnable when the server supports push
        ...
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable, Generator
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urljoin, urlsplit

from caldav.jmap._deadline import end_of
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.eventsource import StateChange
from caldav.jmap._protocol.http import HTTPRequest, HTTPResponse, load_json
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._protocol.urls import server_url
from caldav.jmap._transport import AsyncTransport, SyncTransport
from caldav.jmap.constants import JSON_CONTENT_TYPE, WEBSOCKET_CAPABILITY
from caldav.jmap.error import JMAPCapabilityError, JMAPConnectionError, JMAPError

__all__ = [
    "AsyncWebSocketTransport",
    "PushEnable",
    "SyncWebSocketTransport",
    "WebSocketChannel",
    "websocket_channel",
]

#: The WebSocket subprotocol of JMAP (RFC 8887 §3).
SUBPROTOCOL = "jmap"

PUSH_DISABLE = json.dumps({"@type": "WebSocketPushDisable"})


@dataclass(frozen=True)
class PushEnable:
    """The WebSocketPushEnable message (RFC 8887 §4.3.5): push ``data_types`` (None: every
    type), resuming after ``push_state`` when given."""

    data_types: tuple[str, ...] | None = None
    push_state: str | None = None

    @property
    def text(self) -> str:
        """The message as sent."""
        message: JSONObject = {
            "@type": "WebSocketPushEnable",
            "dataTypes": list(self.data_types) if self.data_types else None,
        }
        if self.push_state is not None:
            message["pushState"] = self.push_state
        return json.dumps(message)


class WebSocketChannel:
    """The messages of one client's socket, as data (see the module documentation)."""

    def __init__(self, url: str, api_url: str, supports_push: bool = False) -> None:
        self.url = url
        self.api_url = api_url
        self.supports_push = supports_push
        self.pushes: deque[StateChange] = deque()
        self._answers: dict[str, HTTPResponse] = {}
        self._count = 0

    def carries(self, request: HTTPRequest) -> bool:
        """Whether ``request`` goes over the socket: API requests do, nothing else."""
        return request.method == "POST" and request.url == self.api_url

    def request(self, request: HTTPRequest) -> tuple[str, str]:
        """The id and text of the Request message for the API request ``request``."""
        self._count += 1
        request_id = f"req{self._count}"
        payload = json.loads(request.body or b"{}")
        return request_id, json.dumps({"@type": "Request", "id": request_id, **payload})

    def answer(self, request_id: str) -> HTTPResponse | None:
        """The answer to ``request_id`` once it arrived (handed out once)."""
        return self._answers.pop(request_id, None)

    def has_answer(self, request_id: str) -> bool:
        """Whether the answer to ``request_id`` has arrived."""
        return request_id in self._answers

    def push_enable(self, types: tuple[str, ...] | None, push_state: str | None) -> PushEnable:
        """The message asking for pushes (the watcher sends it as its "stream")."""
        return PushEnable(types, push_state)

    def lost(self) -> None:
        """The socket broke: answers still outstanding will never come."""
        self._answers.clear()

    def receive(self, text: str) -> None:
        """File one message from the server; a malformed one raises JMAPError."""
        data = load_json(text, "a WebSocket message", self.url)
        if not isinstance(data, dict):
            raise JMAPError(url=self.url, reason="a WebSocket message is not a JSON object")
        kind = data.get("@type")
        if kind == "StateChange":
            self.pushes.append(StateChange.from_jmap(data, "the WebSocket StateChange"))
            return
        if kind not in ("Response", "RequestError"):
            return  # RFC 8887 may grow: other messages are not for this client
        request_id = data.pop("requestId", None)
        if not isinstance(request_id, str):
            raise JMAPError(url=self.url, reason=f"a WebSocket {kind} has no requestId")
        del data["@type"]
        status = 200
        if kind == "RequestError":
            given = data.get("status")
            status = given if isinstance(given, int) else 400
        body = json.dumps(data).encode()
        headers = {"content-type": JSON_CONTENT_TYPE}
        self._answers[request_id] = HTTPResponse.build(status, headers, body, self.url)

    def opened(self) -> HTTPResponse:
        """What a push "stream" gives first once the PushEnable went out: an HTTP-like
        success, so the watcher runs its state check as after any connection."""
        return HTTPResponse.build(200, {}, b"", self.url)


def websocket_channel(conn: Connection) -> Steps[WebSocketChannel]:
    """The channel for the session's WebSocket (urn:ietf:params:jmap:websocket); a server
    without it raises JMAPCapabilityError, one on another origin JMAPError (the socket is
    opened with the client's credentials)."""
    session = yield from conn.ensure_session()
    capability = session.capabilities.get(WEBSOCKET_CAPABILITY)
    if capability is None:
        raise JMAPCapabilityError(WEBSOCKET_CAPABILITY, url=session.url)
    url = capability.get("url")
    if not isinstance(url, str) or not url:
        raise JMAPError(url=session.url, reason=f"the {WEBSOCKET_CAPABILITY} capability has no url")
    url = urljoin(session.url, url)
    if urlsplit(url).scheme.lower() not in ("ws", "wss"):
        raise JMAPError(url=session.url, reason=f"the WebSocket url is not ws(s): {url}")
    if not server_url(url, conn.url, "the WebSocket url") and not conn.allow_other_origins:
        raise JMAPError(
            url=session.url,
            reason=f"the WebSocket url ({url}) is on another origin than {conn.url}; refused "
            "so that the credentials stay with their server (allow_other_origins=True allows it)",
        )
    return WebSocketChannel(url, session.api_url, capability.get("supportsPush") is True)


#: The HTTP transport a socket transport sends the rest over (and opens the socket with)
H = TypeVar("H", SyncTransport, AsyncTransport)


class _WebSocketTransport(Generic[H]):
    """What both socket transports share: the channel, the HTTP transport, the socket."""

    def __init__(self, http: H, channel: WebSocketChannel) -> None:
        self.http: H = http
        self.channel = channel
        self._socket: Any = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.channel.url!r})"

    def _broken(self, error: JMAPConnectionError) -> JMAPConnectionError:
        self._socket = None
        self.channel.lost()
        return error


class SyncWebSocketTransport(_WebSocketTransport[SyncTransport]):
    """API requests over the socket, the rest over the blocking HTTP transport.  One
    thread at a time, like the HTTP client."""

    run = SyncTransport.run

    def _io(self, action: Callable[..., Any], *args: Any) -> Any:
        try:
            if self._socket is None:
                self._socket = self.http.open_websocket(self.channel.url, SUBPROTOCOL)
            return action(self._socket, *args, self.channel.url)
        except JMAPConnectionError as error:
            raise self._broken(error) from error

    def _read(self) -> None:
        self.channel.receive(self._io(self.http.websocket_receive))

    def send(self, request: HTTPRequest) -> HTTPResponse:
        """An API request over the socket; anything else over HTTP."""
        if not self.channel.carries(request):
            return self.http.send(request)
        request_id, text = self.channel.request(request)
        end = end_of(self.http.deadline)
        self._io(self.http.websocket_send, text)
        while (answer := self.channel.answer(request_id)) is None:
            # each read ends with a message or the read timeout; pushes alone must not
            # keep the request waiting past the deadline
            if end is not None and time.monotonic() > end:
                raise self._broken(self.http._timed_out(request))
            self._read()
        return answer

    def stream(
        self,
        request: HTTPRequest | PushEnable,
        read_timeout: float | None = None,
        deadline: float | None = None,
    ) -> Generator[HTTPResponse | bytes | StateChange, None, None]:
        """An EventSource or a download over HTTP, or the pushes a PushEnable asks for."""
        if isinstance(request, HTTPRequest):
            yield from self.http.stream(request, read_timeout, deadline)
            return
        self._io(self.http.websocket_send, request.text)
        try:
            yield self.channel.opened()
            while True:
                while self.channel.pushes:
                    yield self.channel.pushes.popleft()
                self._read()
        finally:
            if self._socket is not None:
                try:
                    self._io(self.http.websocket_send, PUSH_DISABLE)
                except JMAPConnectionError:
                    pass

    def close(self) -> None:
        """Close the socket and the HTTP connections."""
        if self._socket is not None:
            self.http.close_websocket(self._socket)
            self._socket = None
        self.http.close()


class AsyncWebSocketTransport(_WebSocketTransport[AsyncTransport]):
    """:class:`SyncWebSocketTransport` for asyncio: one reader at a time files every
    message, so concurrent requests and a push stream share the socket."""

    run = AsyncTransport.run

    def __init__(self, http: AsyncTransport, channel: WebSocketChannel) -> None:
        super().__init__(http, channel)
        self._reading = asyncio.Lock()

    async def _io(self, action: Callable[..., Any], *args: Any) -> Any:
        try:
            if self._socket is None:
                self._socket = await self.http.open_websocket(self.channel.url, SUBPROTOCOL)
            return await action(self._socket, *args, self.channel.url)
        except JMAPConnectionError as error:
            raise self._broken(error) from error

    async def _read(self, waiting: Callable[[], bool]) -> None:
        async with self._reading:
            if waiting():  # another reader may have filed it meanwhile
                self.channel.receive(await self._io(self.http.websocket_receive))

    async def send(self, request: HTTPRequest) -> HTTPResponse:
        """An API request over the socket; anything else over HTTP."""
        if not self.channel.carries(request):
            return await self.http.send(request)
        request_id, text = self.channel.request(request)
        await self._io(self.http.websocket_send, text)

        async def answered() -> HTTPResponse:
            while (answer := self.channel.answer(request_id)) is None:
                await self._read(lambda: not self.channel.has_answer(request_id))
            return answer

        try:
            return await asyncio.wait_for(answered(), self.http.deadline)
        except asyncio.TimeoutError:
            raise self._broken(self.http._timed_out(request)) from None

    async def stream(
        self,
        request: HTTPRequest | PushEnable,
        read_timeout: float | None = None,
        deadline: float | None = None,
    ) -> AsyncGenerator[HTTPResponse | bytes | StateChange, None]:
        """An EventSource or a download over HTTP, or the pushes a PushEnable asks for."""
        if isinstance(request, HTTPRequest):
            async with aclosing(self.http.stream(request, read_timeout, deadline)) as parts:
                async for part in parts:
                    yield part
            return
        await self._io(self.http.websocket_send, request.text)
        try:
            yield self.channel.opened()
            while True:
                while self.channel.pushes:
                    yield self.channel.pushes.popleft()
                await self._read(lambda: not self.channel.pushes)
        finally:
            if self._socket is not None:
                try:
                    await self._io(self.http.websocket_send, PUSH_DISABLE)
                except JMAPConnectionError:
                    pass

    async def close(self) -> None:
        """Close the socket and the HTTP connections."""
        if self._socket is not None:
            await self.http.close_websocket(self._socket)
            self._socket = None
        await self.http.close()
