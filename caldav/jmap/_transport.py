"""The two transports: they move the bytes the sans-IO core asks for, and nothing else.

An operation is a generator (see :mod:`caldav.jmap._protocol.steps`) that yields
:class:`~caldav.jmap._protocol.http.HTTPRequest` values and receives
:class:`~caldav.jmap._protocol.http.HTTPResponse` values, or yields a ``Pause`` to be waited
out; it returns the operation's result.  :meth:`SyncTransport.run` drives one with blocking
I/O (niquests, or requests where niquests is not installed), :meth:`AsyncTransport.run`
with niquests' AsyncSession.  A failure to reach the server is thrown into the operation as a
:class:`~caldav.jmap.error.JMAPConnectionError`, so the core decides what happens next.

The library's exchange is the only part an ``http_send`` hook (the clients' test hook,
:data:`~caldav.jmap._protocol.http.HTTPSend`) replaces: the hook gets the request as the
library prepared it (headers, and the credentials only for a trusted origin), and its
answer goes through the same deadline, size limit, decoding, logging and retries.
A WebSocket is not covered by it (the hook speaks HTTPRequest/HTTPResponse): the socket
is opened over the network, with the same URL gate for the credentials.
"""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import AsyncGenerator, Callable, Generator
from contextlib import aclosing, closing
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, TypeVar

from caldav.requests import HTTPBearerAuth

from caldav.jmap._deadline import END, Pump, end_of
from caldav.jmap._exchange import (
    CREDENTIAL_HEADERS,
    AnswerReader,
    WholeBody,
    async_hook_parts,
    hook_parts,
    log_exchange,
)
from caldav.jmap._failures import certificate_refused, never_sent
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._protocol.decoding import ACCEPT_ENCODING
from caldav.jmap._protocol.http import AsyncHTTPSend, HTTPRequest, HTTPResponse, HTTPSend
from caldav.jmap._protocol.steps import Finished, Pause, Steps, advance
from caldav.jmap._protocol.urls import may_carry_credentials
from caldav.jmap.error import (
    JMAPConnectionError,
    JMAPCredentialsError,
    JMAPError,
    JMAPTimeoutError,
)

__all__ = ["AsyncTransport", "DigestCredentials", "Operation", "SyncTransport", "build_auth"]

T = TypeVar("T")
#: A sans-IO operation with result T (the generator type of _protocol/steps.py).
Operation = Steps[T]

USER_AGENT = "python-caldav-jmap"

#: Responses larger than this are refused (a hostile or broken server must not exhaust
#: memory); JMAP servers split large results by their own limits long before.
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
#: Seconds one HTTP exchange (connect, send the request, receive the whole answer) may take
#: at most; ``timeout`` bounds each connect and each read within it.
DEFAULT_DEADLINE = 300.0


def _proxy_url(proxy: str) -> str:
    return proxy if "://" in proxy else f"http://{proxy}"


def _import(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@dataclass(frozen=True)
class DigestCredentials:
    """HTTP Digest credentials: each transport makes its library's digest auth of them
    (niquests has a sync and an async one)."""

    username: str
    password: str = field(repr=False)


def build_auth(
    username: str | None = None,
    password: str | None = None,
    auth: Any = None,
    auth_type: str | None = None,
) -> Any:
    """The requests-style auth for these credentials.

    ``auth`` wins when given; a username and password mean HTTP Basic, a password alone a
    Bearer token.  ``auth_type`` ("basic", "bearer" or "digest") forces the scheme.
    Credentials that cannot be used (none at all, a scheme without what it needs, an
    unknown scheme) raise :class:`~caldav.jmap.error.JMAPAuthError` before any request.
    """
    if auth is not None:
        return auth
    kind = (auth_type or "").lower() or ("basic" if username else "bearer" if password else "")
    if kind == "bearer":
        if not password:
            raise JMAPCredentialsError(reason="bearer authentication needs a token as password")
        return HTTPBearerAuth(password)
    if kind in ("basic", "digest"):
        if not username:
            raise JMAPCredentialsError(reason=f"{kind} authentication needs a username")
        if password is None:
            raise JMAPCredentialsError(reason=f"{kind} authentication needs a password")
        return (username, password) if kind == "basic" else DigestCredentials(username, password)
    if kind:
        raise JMAPCredentialsError(
            reason=f"unsupported auth_type {auth_type!r}: use 'basic', 'bearer' or 'digest'"
        )
    raise JMAPCredentialsError(
        reason="no credentials: give a username and password, a token as password, or auth="
    )


class _Transport:
    """What both transports share: settings, the URL gate, and reading an answer."""

    #: The HTTP library (niquests or requests), chosen by the subclass
    _library: ModuleType
    _session: Any
    #: The test hook that replaces the library's HTTP exchange (None: the network)
    http_send: object = None

    def __init__(
        self,
        auth: Any = None,
        timeout: float = 30,
        verify: bool | str = True,
        headers: dict[str, str] | None = None,
        proxy: str | None = None,
        cert: str | tuple[str, str] | None = None,
        *,
        origin: str | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> None:
        self.auth = auth
        self._request_auth = auth  # the library's auth object, made by _prepare
        # python-caldav's proxy is one URL for both schemes; a bare host:port means http
        self.proxies = {"http": _proxy_url(proxy), "https": _proxy_url(proxy)} if proxy else {}
        self.cert = cert
        self.max_response_bytes = MAX_RESPONSE_BYTES
        self.timeout = timeout
        self.deadline = deadline
        self.verify = verify
        self.headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING}
        self.headers.update(headers or {})
        #: The origins the credentials may go to; the clients replace :attr:`trusts` by
        #: their connection's rule (which also knows the session's URLs).
        self.trusted_origins = [origin] if origin else []
        self.trusts: Callable[[str], bool] = lambda url: may_carry_credentials(
            url, self.trusted_origins
        )

    def __repr__(self) -> str:
        # Never show the credentials
        return f"{type(self).__name__}(timeout={self.timeout!r})"

    def _prepare(self, session: Any, digest: Any) -> None:
        """Apply the settings to a new requests/niquests session."""
        # No session-wide auth: it would go to every host; _kwargs adds it per request, to
        # trusted origins only.  verify goes with each request too, since the libraries let
        # REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE replace the session's value per request
        # (merge_environment_settings)
        auth = self.auth
        if isinstance(auth, DigestCredentials):
            auth = digest(auth.username, auth.password)
        self._request_auth = auth
        session.auth = None
        session.verify = self.verify
        session.headers.update(self.headers)
        if self.proxies:
            session.proxies.update(self.proxies)
        if self.cert is not None:
            session.cert = self.cert

    def _kwargs(self, request: HTTPRequest, read_timeout: float | None = None) -> JSONObject:
        """The library's request arguments; every URL passes the gate here, and the
        credentials go along only to a trusted origin."""
        trusted = self.trusts(request.url)
        headers: dict[str, str | None] = dict(request.headers)
        if not trusted:
            # credentials the caller put into ``headers=`` stay home too (None removes a
            # session header from this request)
            headers.update(dict.fromkeys(CREDENTIAL_HEADERS))
        return {
            "method": request.method,
            "url": request.url,
            "headers": headers,
            "data": request.body,
            "timeout": (self.timeout, read_timeout if read_timeout is not None else self.timeout),
            "allow_redirects": False,
            "stream": True,
            # per request: a session's verify loses to REQUESTS_CA_BUNDLE in the environment
            "verify": self.verify,
            "auth": self._request_auth if trusted else None,
        }

    @staticmethod
    def _head(raw: Any, request: HTTPRequest) -> HTTPResponse:
        return HTTPResponse.build(raw.status_code, dict(raw.headers), b"", request.url)

    def _wire(self, request: HTTPRequest) -> HTTPRequest:
        """``request`` as the library would send it (what the hook gets): the session's
        headers merged in, and the credentials added or removed by the URL gate."""
        kwargs = self._kwargs(request)
        prepared = self._session.prepare_request(
            self._library.Request(
                kwargs["method"],
                kwargs["url"],
                headers=kwargs["headers"],
                data=kwargs["data"],
                auth=kwargs["auth"],
            )
        )
        body = prepared.body.encode("utf-8") if isinstance(prepared.body, str) else prepared.body
        return HTTPRequest(prepared.method, prepared.url, dict(prepared.headers), body)

    def _failure(self, request: HTTPRequest, error: Exception) -> JMAPConnectionError:
        # the libraries' messages name the URL (redacted by JMAPError), never the auth
        failure = JMAPConnectionError(
            url=request.url, reason=f"cannot reach the server: {type(error).__name__}: {error}"
        )
        failure.sent = not never_sent(error)
        failure.permanent = certificate_refused(error)
        return failure

    def _timed_out(self, request: HTTPRequest) -> JMAPTimeoutError:
        error = JMAPTimeoutError(
            url=request.url,
            reason=f"no complete answer within the deadline of {self.deadline} s "
            "(connect, send and receive together)",
        )
        error.sent = True
        return error

    # -- WebSocket (push) ------------------------------------------------------------

    def _websocket_library(self) -> Any:
        if self._library.__name__ != "niquests" or _import("wsproto") is None:
            raise JMAPError(
                reason="JMAP over WebSocket needs niquests with wsproto: "
                "pip install 'caldav-jmap[websocket]'"
            )
        return self._library

    def _websocket_kwargs(self, url: str, protocol: str) -> JSONObject:
        return {
            "headers": {"Sec-WebSocket-Protocol": protocol},
            "timeout": self.timeout,
            "verify": self.verify,
            "auth": self.auth if self.trusts(url) else None,
        }

    def _io_errors(self) -> tuple[type[Exception], ...]:
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

    http_send: HTTPSend | None

    def __init__(self, *args: Any, http_send: HTTPSend | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.http_send = http_send
        library = _import("niquests") or _import("requests")
        if library is None:
            raise JMAPError(reason="the sync JMAP client needs niquests or requests installed")
        self._library = library
        self._session = library.Session()
        self._prepare(self._session, library.auth.HTTPDigestAuth)

    def _network(
        self, pump: Pump, read_timeout: float | None, chunk: int | None
    ) -> Callable[[HTTPRequest], Generator[HTTPResponse | bytes, None, None]]:
        """The library's exchange: the head, then the body's pieces as they came."""

        def network(request: HTTPRequest) -> Generator[HTTPResponse | bytes, None, None]:
            raw = self._session.request(**self._kwargs(request, read_timeout))
            pump.on_stop(raw.close)
            try:
                yield self._head(raw, request)
                yield from raw.raw.stream(chunk, decode_content=False)
            finally:
                raw.close()

        return network

    def _produce(
        self, request: HTTPRequest, read_timeout: float | None, chunk: int | None
    ) -> Callable[[Pump], None]:
        def produce(pump: Pump) -> None:
            network = self._network(pump, read_timeout, chunk)
            if self.http_send is None:
                source = network(request)
            else:
                source = hook_parts(self.http_send, self._wire(request), network)
            reader = AnswerReader(request, self.max_response_bytes)
            with closing(source) as parts:
                for part in parts:
                    for piece in reader.read(part):
                        if not pump.put(piece):
                            return

        return produce

    def _parts(
        self,
        request: HTTPRequest,
        read_timeout: float | None,
        deadline: float | None,
        chunk: int | None,
    ) -> Generator[HTTPResponse | bytes, None, None]:
        end = end_of(deadline)
        pump = Pump(self._produce(request, read_timeout, chunk))
        try:
            while (part := pump.get(end)) is not END:
                yield part
        except TimeoutError:
            raise self._timed_out(request) from None
        except self._library.exceptions.RequestException as error:
            raise self._failure(request, error) from error
        except self._io_errors() as error:
            raise self._failure(request, error) from error
        finally:
            pump.stop()

    def send(self, request: HTTPRequest) -> HTTPResponse:
        """Send one request and read the whole response, within the deadline."""
        body = WholeBody(request, self.max_response_bytes)
        parts = self._parts(request, None, self.deadline, CHUNK_BYTES)
        with closing(parts):
            for part in parts:
                body.add(part)
        response = body.response()
        log_exchange(request, response)
        return response

    def run(self, operation: Operation[T]) -> T:
        """Drive ``operation`` to its end and return its result."""
        step = advance(operation)
        while not isinstance(step, Finished):
            if isinstance(step, Pause):
                time.sleep(step.seconds)
                step = advance(operation)
                continue
            try:
                response = self.send(step)
            except JMAPConnectionError as error:
                step = advance(operation, error=error)
            else:
                step = advance(operation, response)
        return step.result

    def stream(
        self,
        request: HTTPRequest,
        read_timeout: float | None = None,
        deadline: float | None = None,
    ) -> Generator[HTTPResponse | bytes, None, None]:
        """Send ``request`` and give its answer as it arrives: first the status and headers
        (an HTTPResponse with an empty body), then the body's chunks as the server sends
        them.  ``deadline`` bounds the whole exchange (None: only each read, for a stream
        that may stay open).  A broken or timed-out connection raises
        JMAPConnectionError; closing the iterator closes the connection."""
        yield from self._parts(request, read_timeout, deadline, None)

    def open_websocket(self, url: str, protocol: str) -> Any:
        """Open a WebSocket to ``url`` asking for the subprotocol ``protocol``; returns the
        socket for :meth:`websocket_send`, :meth:`websocket_receive` and
        :meth:`close_websocket`."""
        library = self._websocket_library()
        request = HTTPRequest("GET", url)
        try:
            raw = self._session.get(url, **self._websocket_kwargs(url, protocol))
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


async def _within(awaitable: Any, end: float | None) -> Any:
    if end is None:
        return await awaitable
    return await asyncio.wait_for(awaitable, max(0.0, end - time.monotonic()))


class AsyncTransport(_Transport):
    """Non-blocking HTTP over one niquests AsyncSession."""

    http_send: AsyncHTTPSend | None

    def __init__(self, *args: Any, http_send: AsyncHTTPSend | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.http_send = http_send
        library = _import("niquests")
        if library is None:
            raise JMAPError(reason="the async JMAP client needs niquests installed")
        self._library = library
        self._session = library.AsyncSession()
        self._prepare(self._session, library.auth.AsyncHTTPDigestAuth)

    def _network(
        self, read_timeout: float | None
    ) -> Callable[[HTTPRequest], AsyncGenerator[HTTPResponse | bytes, None]]:
        """The library's exchange: the head, then the body's pieces as they came."""

        async def network(request: HTTPRequest) -> AsyncGenerator[HTTPResponse | bytes, None]:
            raw = await self._session.request(**self._kwargs(request, read_timeout))
            try:
                yield self._head(raw, request)
                # the urllib3 response's stream(-1): each chunk as it arrives
                async for data in raw.raw.stream(-1, decode_content=False):
                    yield data
            finally:
                await raw.close()

        return network

    async def _parts(
        self, request: HTTPRequest, read_timeout: float | None, deadline: float | None
    ) -> AsyncGenerator[HTTPResponse | bytes, None]:
        end = end_of(deadline)
        network = self._network(read_timeout)
        if self.http_send is None:
            source = network(request)
        else:
            source = async_hook_parts(self.http_send, self._wire(request), network)
        reader = AnswerReader(request, self.max_response_bytes)
        try:
            async with aclosing(source) as parts:
                while True:
                    try:
                        part = await _within(parts.__anext__(), end)
                    except StopAsyncIteration:
                        break
                    for piece in reader.read(part):
                        yield piece
        except asyncio.TimeoutError:
            raise self._timed_out(request) from None
        except self._io_errors() as error:
            raise self._failure(request, error) from error

    async def send(self, request: HTTPRequest) -> HTTPResponse:
        """Send one request and read the whole response, within the deadline."""
        body = WholeBody(request, self.max_response_bytes)
        async with aclosing(self._parts(request, None, self.deadline)) as parts:
            async for part in parts:
                body.add(part)
        response = body.response()
        log_exchange(request, response)
        return response

    async def run(self, operation: Operation[T]) -> T:
        """Drive ``operation`` to its end and return its result."""
        step = advance(operation)
        while not isinstance(step, Finished):
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
                step = advance(operation)
                continue
            try:
                response = await self.send(step)
            except JMAPConnectionError as error:
                step = advance(operation, error=error)
            else:
                step = advance(operation, response)
        return step.result

    async def stream(
        self,
        request: HTTPRequest,
        read_timeout: float | None = None,
        deadline: float | None = None,
    ) -> AsyncGenerator[HTTPResponse | bytes, None]:
        """:meth:`SyncTransport.stream`, asynchronously."""
        async with aclosing(self._parts(request, read_timeout, deadline)) as parts:
            async for part in parts:
                yield part

    async def open_websocket(self, url: str, protocol: str) -> Any:
        """:meth:`SyncTransport.open_websocket`, asynchronously."""
        library = self._websocket_library()
        request = HTTPRequest("GET", url)
        try:
            raw = await self._session.get(url, **self._websocket_kwargs(url, protocol))
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
