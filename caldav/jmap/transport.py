"""The two transports: they move the bytes the sans-IO core asks for, and nothing else.

An operation is a generator (see :mod:`caldav.jmap.protocol.steps`) that yields
:class:`~caldav.jmap.protocol.http.HTTPRequest` values and receives
:class:`~caldav.jmap.protocol.http.HTTPResponse` values, or yields a ``Pause`` to be waited
out; it returns the operation's result.  :meth:`SyncTransport.run` drives one with blocking
I/O (niquests, or requests where niquests is not installed), :meth:`AsyncTransport.run`
with niquests' AsyncSession.  A failure to reach the server is thrown into the operation as a
:class:`~caldav.jmap.error.JMAPConnectionError`, so the core decides what happens next.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any, TypeVar

from caldav.jmap.error import JMAPConnectionError, JMAPError
from caldav.jmap.protocol.http import HTTPRequest, HTTPResponse
from caldav.jmap.protocol.steps import Pause, Steps, advance

__all__ = ["AsyncTransport", "Operation", "SyncTransport", "build_auth"]

T = TypeVar("T")
Operation = Steps

USER_AGENT = "python-caldav-jmap"

#: Responses larger than this are refused (a hostile or broken server must not exhaust
#: memory); JMAP servers split large results by their own limits long before.
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
CHUNK_BYTES = 64 * 1024

#: Every HTTP exchange is logged here at DEBUG (``--debug`` of the command line): the
#: request line and body, the status and body of the answer.  The credentials travel in the
#: session's auth, never in the logged headers; an Authorization header is redacted anyway.
http_log = logging.getLogger("caldav.jmap.http")
_REDACTED = frozenset({"authorization", "cookie", "proxy-authorization"})


def log_exchange(request: HTTPRequest, response: HTTPResponse) -> None:
    """Log one exchange at DEBUG on ``caldav.jmap.http``, credentials redacted."""
    if not http_log.isEnabledFor(logging.DEBUG):
        return
    headers = {
        k: ("<redacted>" if k.lower() in _REDACTED else v) for k, v in request.headers.items()
    }
    http_log.debug(
        "%s %s %s\n%s\n-> %s\n%s",
        request.method,
        request.url,
        headers,
        (request.body or b"").decode("utf-8", "replace"),
        response.status,
        response.body.decode("utf-8", "replace"),
    )


class _Body:
    """A response body read chunk by chunk, refused once it passes the limit."""

    def __init__(self, request: HTTPRequest, limit: int) -> None:
        self.request = request
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise JMAPError(
                url=self.request.url,
                reason=f"the response is larger than {self.limit} bytes; refused",
            )
        self.parts.append(chunk)

    def response(self, raw: Any) -> HTTPResponse:
        return HTTPResponse.build(
            raw.status_code, dict(raw.headers), b"".join(self.parts), self.request.url
        )


def _import(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def build_auth(
    username: str | None = None,
    password: str | None = None,
    auth: Any = None,
    auth_type: str | None = None,
) -> Any:
    """The requests-style auth for these credentials.

    ``auth`` wins when given; a username and password mean HTTP Basic, a password alone a
    Bearer token.  ``auth_type`` ("basic" or "bearer") forces the scheme.
    """
    if auth is not None:
        return auth
    kind = (auth_type or "").lower() or ("basic" if username else "bearer" if password else "")
    if kind == "bearer":
        if not password:
            raise ValueError("bearer authentication needs a token as password")
        from caldav.requests import HTTPBearerAuth

        return HTTPBearerAuth(password)
    if kind == "basic":
        if username is None:
            raise ValueError("basic authentication needs a username")
        return (username, password or "")
    if kind:
        raise ValueError(f"unsupported auth_type {auth_type!r}: use 'basic' or 'bearer'")
    return None


class _Transport:
    """What both transports share: settings, and turning an HTTP answer into plain data."""

    def __init__(
        self,
        auth: Any = None,
        timeout: float = 30,
        verify: bool | str = True,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.auth = auth
        self.max_response_bytes = MAX_RESPONSE_BYTES
        self.timeout = timeout
        self.verify = verify
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}

    def __repr__(self) -> str:
        # Never show the credentials
        return f"{type(self).__name__}(timeout={self.timeout!r})"

    def _kwargs(self, request: HTTPRequest) -> dict[str, Any]:
        return {
            "method": request.method,
            "url": request.url,
            "headers": dict(request.headers),
            "data": request.body,
            "timeout": self.timeout,
            "allow_redirects": False,
            "stream": True,
        }

    def _body(self, raw: Any, request: HTTPRequest) -> _Body:
        declared = raw.headers.get("Content-Length")
        body = _Body(request, self.max_response_bytes)
        if declared and declared.isdigit() and int(declared) > self.max_response_bytes:
            raise JMAPError(
                url=request.url,
                reason=f"the response declares {declared} bytes, more than "
                f"{self.max_response_bytes}; refused",
            )
        return body

    @staticmethod
    def _failure(request: HTTPRequest, error: Exception) -> JMAPConnectionError:
        # str(error) of the HTTP libraries names the URL, never the credentials
        return JMAPConnectionError(
            url=request.url, reason=f"cannot reach the server: {type(error).__name__}: {error}"
        )

    # -- streaming and WebSocket (push) ------------------------------------------------

    def _stream_kwargs(self, request: HTTPRequest, read_timeout: float | None) -> dict[str, Any]:
        # connect within the usual timeout; then wait for the next bytes as long as the
        # caller says (None: forever, for a stream that may stay silent)
        return {**self._kwargs(request), "timeout": (self.timeout, read_timeout)}

    def _websocket_library(self) -> Any:
        if self._library.__name__ != "niquests" or _import("wsproto") is None:
            raise JMAPError(
                reason="JMAP over WebSocket needs niquests with wsproto: "
                "pip install 'caldav[websocket]'"
            )
        return self._library

    def _io_errors(self) -> tuple[type[BaseException], ...]:
        urllib3 = _import("urllib3")
        extra = (urllib3.exceptions.HTTPError,) if urllib3 is not None else ()
        return (self._library.exceptions.RequestException, OSError, *extra)

    def _websocket_opened(self, raw: Any, url: str) -> Any:
        socket = getattr(raw, "extension", None)
        if raw.status_code != 101 or socket is None:
            raise JMAPError(
                url=url,
                reason=f"the WebSocket was not opened (HTTP {raw.status_code})",
                status=raw.status_code,
            )
        return socket

    @staticmethod
    def _websocket_text(payload: str | bytes | None, url: str) -> str:
        if payload is None:
            raise JMAPConnectionError(url=url, reason="the server closed the WebSocket")
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload


class SyncTransport(_Transport):
    """Blocking HTTP over one pooled session (niquests, else requests)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        library = _import("niquests") or _import("requests")
        if library is None:
            raise JMAPError(reason="the sync JMAP client needs niquests or requests installed")
        self._library = library
        self._session = library.Session()
        self._session.auth = self.auth
        self._session.verify = self.verify
        self._session.headers.update(self.headers)

    def send(self, request: HTTPRequest) -> HTTPResponse:
        """Send one request and read the whole response."""
        try:
            raw = self._session.request(**self._kwargs(request))
            try:
                body = self._body(raw, request)
                for chunk in raw.iter_content(CHUNK_BYTES):
                    body.add(chunk)
            finally:
                raw.close()
        except self._library.exceptions.RequestException as error:
            raise self._failure(request, error) from error
        response = body.response(raw)
        log_exchange(request, response)
        return response

    def run(self, operation: Operation[T]) -> T:
        """Drive ``operation`` to its end and return its result."""
        done, step = advance(operation)
        while not done:
            if isinstance(step, Pause):
                time.sleep(step.seconds)
                done, step = advance(operation)
                continue
            try:
                response = self.send(step)
            except JMAPConnectionError as error:
                done, step = advance(operation, error=error)
            else:
                done, step = advance(operation, response)
        return step

    def stream(
        self, request: HTTPRequest, read_timeout: float | None = None
    ) -> Iterator[HTTPResponse | bytes]:
        """Send ``request`` and give its answer as it arrives: first the status and headers
        (an HTTPResponse with an empty body), then the body's chunks as the server sends
        them.  A broken or timed-out connection raises JMAPConnectionError; closing the
        iterator closes the connection."""
        try:
            raw = self._session.request(**self._stream_kwargs(request, read_timeout))
            try:
                yield HTTPResponse.build(raw.status_code, dict(raw.headers), b"", request.url)
                yield from raw.iter_content(None)
            finally:
                raw.close()
        except self._library.exceptions.RequestException as error:
            raise self._failure(request, error) from error

    def open_websocket(self, url: str, protocol: str) -> Any:
        """Open a WebSocket to ``url`` asking for the subprotocol ``protocol``; returns the
        socket for :meth:`websocket_send`, :meth:`websocket_receive` and
        :meth:`close_websocket`."""
        library = self._websocket_library()
        request = HTTPRequest("GET", url)
        try:
            raw = self._session.get(
                url, headers={"Sec-WebSocket-Protocol": protocol}, timeout=self.timeout
            )
        except library.exceptions.RequestException as error:
            raise self._failure(request, error) from error
        return self._websocket_opened(raw, url)

    def websocket_send(self, socket: Any, text: str, url: str = "") -> None:
        """Send one text message."""
        try:
            socket.send_payload(text)
        except self._io_errors() as error:
            raise self._failure(HTTPRequest("GET", url), error) from error

    def websocket_receive(self, socket: Any, url: str = "") -> str:
        """The next message received; a closed socket raises JMAPConnectionError."""
        try:
            payload = socket.next_payload()
        except self._io_errors() as error:
            raise self._failure(HTTPRequest("GET", url), error) from error
        return self._websocket_text(payload, url)

    def close_websocket(self, socket: Any) -> None:
        """Close the socket (a broken one quietly)."""
        try:
            socket.close()
        except self._io_errors():
            pass

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    def __enter__(self) -> SyncTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncTransport(_Transport):
    """Non-blocking HTTP over one niquests AsyncSession."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        library = _import("niquests")
        if library is None:
            raise JMAPError(reason="the async JMAP client needs niquests installed")
        self._library = library
        self._session = library.AsyncSession()
        self._session.auth = self.auth
        self._session.verify = self.verify
        self._session.headers.update(self.headers)

    async def send(self, request: HTTPRequest) -> HTTPResponse:
        """Send one request and read the whole response."""
        try:
            raw = await self._session.request(**self._kwargs(request))
            try:
                body = self._body(raw, request)
                async for chunk in await raw.iter_content(CHUNK_BYTES):
                    body.add(chunk)
            finally:
                await raw.close()
        except self._library.exceptions.RequestException as error:
            raise self._failure(request, error) from error
        response = body.response(raw)
        log_exchange(request, response)
        return response

    async def run(self, operation: Operation[T]) -> T:
        """Drive ``operation`` to its end and return its result."""
        done, step = advance(operation)
        while not done:
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
                done, step = advance(operation)
                continue
            try:
                response = await self.send(step)
            except JMAPConnectionError as error:
                done, step = advance(operation, error=error)
            else:
                done, step = advance(operation, response)
        return step

    async def stream(
        self, request: HTTPRequest, read_timeout: float | None = None
    ) -> AsyncIterator[HTTPResponse | bytes]:
        """:meth:`SyncTransport.stream`, asynchronously."""
        try:
            raw = await self._session.request(**self._stream_kwargs(request, read_timeout))
            try:
                yield HTTPResponse.build(raw.status_code, dict(raw.headers), b"", request.url)
                # the urllib3 response's stream(-1): each chunk as it arrives (niquests'
                # async iter_content(None) would wait for the end of the body)
                async for chunk in raw.raw.stream(-1, decode_content=True):
                    yield chunk
            finally:
                await raw.close()
        except self._io_errors() as error:
            raise self._failure(request, error) from error

    async def open_websocket(self, url: str, protocol: str) -> Any:
        """:meth:`SyncTransport.open_websocket`, asynchronously."""
        library = self._websocket_library()
        request = HTTPRequest("GET", url)
        try:
            raw = await self._session.get(
                url, headers={"Sec-WebSocket-Protocol": protocol}, timeout=self.timeout
            )
        except library.exceptions.RequestException as error:
            raise self._failure(request, error) from error
        return self._websocket_opened(raw, url)

    async def websocket_send(self, socket: Any, text: str, url: str = "") -> None:
        """Send one text message."""
        try:
            await socket.send_payload(text)
        except self._io_errors() as error:
            raise self._failure(HTTPRequest("GET", url), error) from error

    async def websocket_receive(self, socket: Any, url: str = "") -> str:
        """The next message received; a closed socket raises JMAPConnectionError."""
        try:
            payload = await socket.next_payload()
        except self._io_errors() as error:
            raise self._failure(HTTPRequest("GET", url), error) from error
        return self._websocket_text(payload, url)

    async def close_websocket(self, socket: Any) -> None:
        """Close the socket (a broken one quietly)."""
        try:
            await socket.close()
        except self._io_errors():
            pass

    async def close(self) -> None:
        """Close the pooled connections."""
        await self._session.close()

    async def __aenter__(self) -> AsyncTransport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
