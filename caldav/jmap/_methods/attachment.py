"""Downloading blobs (RFC 8620 §6.2) and event attachments.

An attachment is a Link with rel "enclosure" whose content is a blob: adding one uploads the
bytes and patches the event's links; reading them downloads each link's blob (or its href
on the server's own origin).
"""

from __future__ import annotations

import logging
import os
import uuid
from typing import IO
from urllib.parse import quote, urlsplit

from caldav.jmap import _arguments as arguments
from caldav.jmap._events.write import managed_link_release, set_event
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._methods.blob import upload_blob
from caldav.jmap._methods.event import get_event_object
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.http import (
    HTTPRequest,
    HTTPResponse,
    parse_retry_after,
    raise_for_status,
)
from caldav.jmap._protocol.retry import RETRY_STATUSES, send_with_retries
from caldav.jmap._protocol.steps import Pause, Steps
from caldav.jmap._protocol.urls import server_url
from caldav.jmap._servers.profile import profile_of
from caldav.jmap.constants import ERROR_BODY_BYTES
from caldav.jmap.error import JMAPConnectionError, JMAPError, JMAPURLError
from caldav.jmap.objects.results import Attachment

__all__ = [
    "BlobDownload",
    "BlobSink",
    "add_attachment",
    "download_blob",
    "get_attachments",
]

log = logging.getLogger("caldav.jmap")


def download_url(template: str, account_id: str, blob_id: str, name: str, type_: str) -> str:
    """The session's downloadUrl template (RFC 6570 level 1) filled in."""
    values = {"accountId": account_id, "blobId": blob_id, "name": name, "type": type_}
    url = template
    for key, value in values.items():
        url = url.replace("{" + key + "}", quote(value, safe=""))
    return url


def _get(conn: Connection, url: str, what: str) -> Steps[bytes]:
    request = HTTPRequest("GET", url, {"Accept": "*/*"})
    response = yield from send_with_retries(request, conn.retry, safe_to_repeat=True)
    raise_for_status(response, what)
    return response.body


def _blob_url(
    conn: Connection,
    blob_id: str,
    name: str,
    content_type: str | None,
    account_id: str | None,
) -> Steps[str]:
    arguments.text(blob_id, "blob_id")
    arguments.text(name, "name")
    arguments.text(content_type, "content_type", optional=True)
    session = yield from conn.ensure_session()
    if account_id is None:
        account_id = yield from conn.account_for()
    if not session.download_url:
        raise JMAPError(url=session.url, reason="the session has no downloadUrl")
    return download_url(
        session.download_url, account_id, blob_id, name, content_type or "application/octet-stream"
    )


def download_blob(
    conn: Connection,
    blob_id: str,
    name: str = "file",
    content_type: str | None = None,
    account_id: str | None = None,
) -> Steps[bytes]:
    """The bytes of ``blob_id``, through the session's downloadUrl."""
    url = yield from _blob_url(conn, blob_id, name, content_type, account_id)
    return (yield from _get(conn, url, f"the download of blob {blob_id}"))


class BlobDownload:
    """The state of one streamed blob download (sans-IO), driven as a watch is.

    A driver loops while :attr:`running`: it runs :meth:`open` for the request, streams it
    with the transport, hands each part (the head, then byte chunks) to :meth:`receive`
    and writes the bytes it returns, then calls :meth:`finish`.  A 429 or 503 head is
    answered by one more round (after the policy's pause, nothing written yet); any other
    error head raises the typed error of :func:`raise_for_status` in :meth:`finish`, and a
    body shorter than its Content-Length raises :class:`JMAPConnectionError`.
    """

    def __init__(
        self,
        conn: Connection,
        blob_id: str,
        name: str = "file",
        content_type: str | None = None,
        account_id: str | None = None,
    ) -> None:
        self.conn = conn
        self.blob_id = blob_id
        self.name = name
        self.content_type = content_type
        self.account_id = account_id
        self.running = True
        #: The bytes of the blob handed out so far.
        self.size = 0
        self._attempt = 0
        self._waited = 0.0
        self._pause: float | None = None
        self._head: HTTPResponse | None = None
        self._error_body = b""

    @property
    def what(self) -> str:
        return f"the download of blob {self.blob_id}"

    def open(self) -> Steps[HTTPRequest]:
        """The request to stream next (after a 429/503, waits first as the policy says)."""
        if self._pause is not None:
            yield Pause(self._pause)
            self._pause = None
        url = yield from _blob_url(
            self.conn, self.blob_id, self.name, self.content_type, self.account_id
        )
        self._head, self._error_body = None, b""
        return HTTPRequest("GET", url, {"Accept": "*/*"})

    def receive(self, part: HTTPResponse | bytes) -> bytes:
        """The bytes of the blob in ``part`` (b"" for the head and an error's body)."""
        if isinstance(part, HTTPResponse):
            self._head = part
            return b""
        if self._head is None:
            raise JMAPError(reason=f"{self.what}: body bytes arrived before the head")
        if not 200 <= self._head.status < 300:
            room = ERROR_BODY_BYTES - len(self._error_body)
            self._error_body += part[: max(room, 0)]
            return b""
        self.size += len(part)
        return part

    def finish(self) -> None:
        """The stream has ended: raise what went wrong, or end the download (unless the
        server asked for another try)."""
        head = self._head
        if head is None:
            raise JMAPConnectionError(reason=f"{self.what}: the server sent no answer")
        if head.status in RETRY_STATUSES:
            hint = parse_retry_after(head.headers.get("retry-after"))
            self._pause = self.conn.retry.pause(self._attempt, self._waited, hint)
            if self._pause is not None:
                self._attempt += 1
                self._waited += self._pause
                return
        self.running = False
        raise_for_status(
            HTTPResponse(head.status, head.headers, self._error_body, head.url), self.what
        )
        declared = head.headers.get("content-length", "")
        encoded = head.headers.get("content-encoding", "identity").lower() != "identity"
        if declared.isdigit() and not encoded and int(declared) != self.size:
            raise JMAPConnectionError(
                url=head.url,
                reason=f"{self.what} was cut short: {self.size} of {declared} bytes arrived",
            )


class BlobSink:
    """Where a streamed download goes: a path (opened here, removed again on failure if
    this created it) or a binary file object (written to, left open).  A context manager;
    :attr:`size` counts the bytes written."""

    def __init__(self, target: str | os.PathLike[str] | IO[bytes]) -> None:
        self.size = 0
        self._path: str | None = None
        self._created = False
        if isinstance(target, (str, os.PathLike)):
            self._path = os.fspath(target)
            self._file: IO[bytes] | None = None
        elif callable(getattr(target, "write", None)):
            self._file = target
        else:
            raise TypeError(f"a path or a binary file object is needed, not {target!r}")

    def __enter__(self) -> BlobSink:
        if self._path is not None:
            self._created = not os.path.exists(self._path)
            self._file = open(self._path, "wb")  # noqa: SIM115 - closed in __exit__
        return self

    def write(self, chunk: bytes) -> None:
        assert self._file is not None
        self._file.write(chunk)
        self.size += len(chunk)

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if self._path is None or self._file is None:
            return
        self._file.close()
        if error is not None and self._created:
            try:
                os.remove(self._path)
            except OSError:
                pass


def add_attachment(
    conn: Connection, event_id: str, data: bytes, filename: str, content_type: str
) -> Steps[str]:
    """Upload ``data`` and add it to the event as an enclosure link; returns the link id."""
    blob_id = yield from upload_blob(conn, data, content_type)
    account_id = yield from conn.account_for()
    current = yield from get_event_object(conn, event_id)
    link_id = uuid.uuid4().hex[:12]
    link = {
        "@type": "Link",
        "blobId": blob_id,
        "contentType": content_type,
        "title": filename,
        "size": len(data),
        "rel": "enclosure",
    }
    if current.jscal.get("links"):
        patch = {**managed_link_release(conn, current.jscal), f"links/{link_id}": link}
    else:
        patch = {"links": {link_id: link}}  # a path below a null property is no patch
    yield from set_event(conn, account_id, update=(event_id, patch))
    return link_id


def _blob_of(link: JSONObject) -> str | None:
    blob_id = link.get("blobId")
    return blob_id if isinstance(blob_id, str) else None


def _managed_attachment(conn: Connection, href: str, name: str, content_type: str) -> Steps[bytes]:
    try:
        return (yield from _get(conn, href, f"the attachment {name}"))
    except JMAPError as error:
        managed = profile_of(conn).managed_attachments
        if error.status != 404 or not managed or "/Attachments/" not in href:
            raise
    # Cyrus 3.10 names a managed attachment by its content, so after the event that first
    # had these bytes is deleted, a new event's attachment URL can be dangling; the same
    # bytes are still a blob named "G" + that name
    blob_id = "G" + href.rstrip("/").rsplit("/", 1)[-1]
    return (yield from download_blob(conn, blob_id, name, content_type))


def _on_server(href: str, api_url: str) -> bool:
    """Whether an attachment's href is on the server's own origin.  Any calendar user can
    put a link into an event (an invitation), so an ambiguous href is never fetched."""
    try:
        return server_url(href, api_url, "an attachment's href")
    except JMAPURLError as error:
        if urlsplit(href).scheme.lower() in ("http", "https"):
            log.warning("attachment not fetched: %s", error.reason)
        return False  # cid:, data:, ...: not the server's to give


def get_attachments(conn: Connection, event_id: str) -> Steps[list[Attachment]]:
    """(filename, content type, bytes) of each enclosure link of the event, as
    :class:`~caldav.jmap.objects.results.Attachment` tuples."""
    session = yield from conn.ensure_session()
    event = yield from get_event_object(conn, event_id)
    found: list[Attachment] = []
    for link in (event.jscal.get("links") or {}).values():
        if not isinstance(link, dict) or link.get("rel", "enclosure") != "enclosure":
            continue
        name = str(link.get("title") or "attachment")
        content_type = str(link.get("contentType") or "application/octet-stream")
        blob_id = _blob_of(link)
        href = link.get("href")
        if blob_id is not None:
            data = yield from download_blob(conn, blob_id, name, content_type)
        elif isinstance(href, str) and _on_server(href, session.api_url):
            # A managed attachment shown as its URL on the server: the credentials may go
            # there, since it is the server's own origin
            data = yield from _managed_attachment(conn, href, name, content_type)
        else:
            continue  # an external link: not the server's to give
        found.append(Attachment(name, content_type, data))
    return found
