"""The public API of both JMAP clients, written once.

Every public method builds a sans-IO operation and hands it to ``self._run``: the sync
client runs it to its result, the async client returns an awaitable of that result.  So
:class:`~caldav.jmap.client.JMAPClient` and :class:`~caldav.jmap.async_client.AsyncJMAPClient`
have the same methods by construction; in the async client each returns an awaitable.

The methods of each area are ``@operation`` methods of a mixin in the module that holds
that area's operations (``CalendarMethods`` in _methods/calendar.py, ``TaskMethods`` in
_methods/task.py, ...); :class:`JMAPClientAPI` inherits them and adds the constructor and
the blob downloads (their drivers are the clients' own).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from typing import IO, Any

from caldav.jmap import _arguments as arguments
from caldav.jmap import config
from caldav.jmap._events.client import EventMethods
from caldav.jmap._events.connection import CalendarConnection
from caldav.jmap._idioms import CalDAVIdioms
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._methods import attachment as attachment_ops
from caldav.jmap._methods.blob import BlobMethods
from caldav.jmap._methods.calendar import CalendarMethods
from caldav.jmap._methods.contact import ContactMethods
from caldav.jmap._methods.notification import NotificationMethods
from caldav.jmap._methods.principal import PrincipalMethods
from caldav.jmap._methods.push import PushMethods
from caldav.jmap._methods.session import SessionMethods
from caldav.jmap._methods.task import TaskMethods
from caldav.jmap._operation import ClientCore
from caldav.jmap._protocol.http import HTTPSend
from caldav.jmap._protocol.paging import PagingLimits
from caldav.jmap._protocol.retry import DEFAULT_MAX_RETRY_WAIT, RetryPolicy
from caldav.jmap._redact import redact
from caldav.jmap._servers.profile import ServerProfile
from caldav.jmap._transport import DEFAULT_DEADLINE, build_auth
from caldav.jmap.convert.dialect import DIALECTS

__all__ = ["JMAPClientAPI", "client_kwargs", "client_parameters"]


def client_kwargs(params: JSONObject) -> JSONObject:
    """``get_connection_params()``'s answer as client constructor arguments; a key the
    client cannot use is a ConfigurationError (:func:`caldav.jmap.config.client_kwargs`)."""
    return config.client_kwargs(params, client_parameters())


#: Constructor arguments only code can give: a configuration file or the environment
#: must not replace the client's network exchange.
CODE_ONLY = frozenset({"http_send"})


def client_parameters() -> frozenset[str]:
    """The keyword arguments the client constructors take from a configuration (read off
    the signature, so the two cannot drift apart; :data:`CODE_ONLY` ones excepted)."""
    return frozenset(inspect.signature(JMAPClientAPI.__init__).parameters) - {"self", *CODE_ONLY}


class JMAPClientAPI(
    SessionMethods,
    CalendarMethods,
    PrincipalMethods,
    NotificationMethods,
    TaskMethods,
    ContactMethods,
    PushMethods,
    BlobMethods,
    EventMethods,
    CalDAVIdioms,
    ClientCore,
):
    """The operations of a JMAP calendar client; subclasses supply the transport.

    ``url`` is the session URL or the server's ``/.well-known/jmap``.  A ``username`` and
    ``password`` authenticate with HTTP Basic, a ``password`` alone is sent as a Bearer
    token, ``auth_type="digest"`` uses HTTP Digest, and ``auth`` takes any requests-style
    auth object; unusable credentials raise :class:`~caldav.jmap.error.JMAPAuthError`.
    ``proxy`` (one URL for http and https), ``ssl_cert`` (a client certificate file, or a
    ``(cert, key)`` pair), ``ssl_verify_cert`` and ``headers`` are python-caldav's.  The
    credentials go only to the origin of ``url``: a session whose URLs point elsewhere is
    refused unless ``allow_other_origins`` is true, and never to a URL from other server
    data (an attachment's href, a redirect) on another origin.

    ``timeout`` (seconds, default 30) bounds each connect and each read; ``deadline``
    (seconds, default 300; None for none) bounds one whole HTTP exchange: connect, send
    and receive the complete answer, so a server dripping bytes cannot hold a call.
    ``max_retry_wait`` (seconds, default 120) is the most the client waits in total for
    one request when the server answers 429/503 with Retry-After; a server asking for
    more gets a :class:`~caldav.jmap.error.JMAPRateLimitError` carrying its value.
    ``paging_limits`` bounds every server-driven paging loop.  See docs/reliability.md.

    Events are written in RFC 8984 JSCalendar, what JMAP servers such as Cyrus 3.10 speak;
    ``jscalendar_dialect=caldav.jmap.convert.JSCALENDAR_2`` writes the JSCalendar 2.0
    draft's form (``recurrenceRule``, the ``iCalendar`` property) for servers that follow
    it. Events are read in either.  ``paging_limits`` (a
    :class:`~caldav.jmap._protocol.paging.PagingLimits`) bounds how far one call follows a
    server's paging (pages per loop, ids collected).

    ``http_send`` is the test hook (docs/testing.md): a :data:`~caldav.jmap.HTTPSend` (the
    async client: an :data:`~caldav.jmap.AsyncHTTPSend`) called instead of the HTTP library
    for every HTTP exchange: the session, API calls, uploads, downloads and EventSource
    streams (not a WebSocket: that still opens over the network).  It gets the request
    as it would go on the wire (the credentials only where they may go) and the real
    exchange to hand it on to, if it wants; everything above the library still runs on
    its answer: deadline, size limits, decoding, logging, retries.  Only code can set it,
    no configuration file.
    """

    _transport_class: Any = None

    def __init__(
        self,
        url: str,
        username: str | None = None,
        password: str | None = None,
        auth: Any = None,
        auth_type: str | None = None,
        timeout: float = 30,
        ssl_verify_cert: bool | str = True,
        headers: dict[str, str] | None = None,
        proxy: str | None = None,
        ssl_cert: str | tuple[str, str] | None = None,
        *,
        allow_other_origins: bool = False,
        jscalendar_dialect: str | None = None,
        paging_limits: PagingLimits | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        http_send: HTTPSend | None = None,
    ) -> None:
        url, url_username, url_password = arguments.url_credentials(arguments.client_url(url))
        self.url = url
        self.username = arguments.text(username, "username", optional=True)
        arguments.text(password, "password", optional=True)
        if auth is None and username is None:
            username, password = url_username, url_password if password is None else password
            self.username = username
        arguments.seconds(timeout, "timeout")
        arguments.seconds(deadline, "deadline", optional=True)
        retry = RetryPolicy(max_wait=arguments.seconds(max_retry_wait, "max_retry_wait"))
        self._conn = CalendarConnection(
            url,
            allow_other_origins=allow_other_origins,
            retry=retry,
            timeout=timeout,
            profile_for=ServerProfile.for_session,
        )
        if paging_limits is not None:
            if not isinstance(paging_limits, PagingLimits):
                raise TypeError(
                    f"paging_limits must be a PagingLimits, not {type(paging_limits).__name__}"
                )
            self._conn.limits = paging_limits
        if http_send is not None and not callable(http_send):
            raise TypeError(f"http_send must be callable, not {type(http_send).__name__}")
        if jscalendar_dialect is not None:
            if jscalendar_dialect not in DIALECTS:
                raise ValueError(
                    f"jscalendar_dialect must be one of {sorted(DIALECTS)}, not "
                    f"{jscalendar_dialect!r}"
                )
            self._conn.jscalendar = jscalendar_dialect
        self._transport = self._transport_class(
            build_auth(username, password, auth, auth_type),
            timeout=timeout,
            verify=ssl_verify_cert,
            headers=headers,
            proxy=proxy,
            cert=ssl_cert,
            deadline=deadline,
            http_send=http_send,
        )
        # the credentials go only where the connection says (the client's origin)
        self._transport.trusts = self._conn.sends_credentials_to
        self._deadline = deadline  # downloads stream: the drivers pass it to each one

    def __repr__(self) -> str:
        # Never the password or the auth object, nor one written into the URL
        return f"{type(self).__name__}(url={redact(self.url)!r}, username={self.username!r})"

    # -- blob downloads (RFC 8620 §6; streamed by the clients' drivers) ---------------

    def download_blob(
        self, blob_id: str, *, name: str = "file", content_type: str | None = None
    ) -> bytes:
        """The bytes of a blob, through the session's downloadUrl."""
        return self._run(attachment_ops.download_blob(self._conn, blob_id, name, content_type))

    def download_blob_to(
        self,
        blob_id: str,
        target: str | os.PathLike[str] | IO[bytes],
        *,
        name: str = "file",
        content_type: str | None = None,
    ) -> int:
        """Stream a blob into ``target`` (a path, or a binary file object left open) chunk
        by chunk, never whole in memory; returns the number of bytes written.  On failure
        a JMAPError is raised, and a file this call created is removed again."""
        download = attachment_ops.BlobDownload(self._conn, blob_id, name, content_type)
        return self._download_to(download, attachment_ops.BlobSink(target))

    def iter_blob(
        self, blob_id: str, *, name: str = "file", content_type: str | None = None
    ) -> Iterator[bytes]:
        """The bytes of a blob as they arrive, in chunks (the async client: an async
        iterator).  Close the iterator to stop early; a failure raises a JMAPError."""
        return self._download(attachment_ops.BlobDownload(self._conn, blob_id, name, content_type))

    # each client drives a streamed download its own way (client.py, async_client.py)
    def _download(self, download: attachment_ops.BlobDownload) -> Iterator[bytes]:
        raise NotImplementedError

    def _download_to(
        self, download: attachment_ops.BlobDownload, sink: attachment_ops.BlobSink
    ) -> int:
        raise NotImplementedError
