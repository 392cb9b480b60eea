"""Blobs: uploading bytes (RFC 8620 §6.1), the Blob methods of RFC 9404 and Blob/copy, and
CalendarEvent/parse of an uploaded iCalendar; the client's blob methods.

The upload is one more HTTP request the operation yields (a POST of the raw bytes to the
session's uploadUrl), so it stays sans-IO like every other operation.  A large upload
is given as a path or a binary file object: the request then carries the open file as its
body, and the transport's HTTP library reads it as it sends (never whole into memory).
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from typing import IO, Any, Union
from urllib.parse import quote

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._operation import ClientCore, operation
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.http import (
    HTTPRequest,
    HTTPResponse,
    decode_json,
    raise_for_status,
)
from caldav.jmap._protocol.retry import RetryPolicy, send_with_retries
from caldav.jmap._protocol.standard import parse_get
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._registry import BLOB, EVENT
from caldav.jmap.constants import CALENDAR_PARSE_CAPABILITY
from caldav.jmap.error import JMAPCapabilityError, JMAPError

__all__ = ["BlobMethods", "parse_ical", "upload_blob"]

PARSE_METHOD = "CalendarEvent/parse"


#: What :func:`upload_blob` takes: bytes, text (sent as UTF-8), a path (``os.PathLike``,
#: e.g. ``pathlib.Path``; a plain ``str`` is text), or a binary file object.
UploadData = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", IO[bytes]]


def _send_file(request: HTTPRequest, file: IO[bytes], policy: RetryPolicy) -> Steps[HTTPResponse]:
    """:func:`send_with_retries` for a request whose body is an open file: each repeat
    first rewinds the file to where it started; a file that cannot seek is sent once."""
    try:
        start = file.tell() if file.seekable() else None
    except OSError:
        start = None
    if start is None:
        return (yield from send_with_retries(request, policy, safe_to_repeat=False))
    return (
        yield from send_with_retries(
            request, policy, safe_to_repeat=True, rewind=lambda: file.seek(start)
        )
    )


def upload_blob(
    conn: Connection,
    data: UploadData,
    content_type: str = "application/octet-stream",
    account_id: str | None = None,
) -> Steps[str]:
    """Upload ``data`` to the account (the session's uploadUrl); returns the blobId.

    ``data`` is bytes, text (sent as UTF-8), a path (``os.PathLike``) or a binary file
    object read from its current position; a path or file is streamed, not read whole."""
    session = yield from conn.ensure_session()
    if account_id is None:
        account_id = yield from conn.account_for()
    if not session.upload_url:
        raise JMAPError(url=session.url, reason="the session has no uploadUrl")
    url = session.upload_url.replace("{accountId}", quote(account_id, safe=""))
    headers = {"Content-Type": content_type, "Accept": "application/json"}
    with ExitStack() as stack:
        if isinstance(data, os.PathLike):
            data = stack.enter_context(open(os.fspath(data), "rb"))
        if isinstance(data, (str, bytes, bytearray, memoryview)):
            body = data.encode("utf-8") if isinstance(data, str) else bytes(data)
            request = HTTPRequest("POST", url, headers, body)
            repeat = BLOB.kind("upload").repeat == "always"
            response = yield from send_with_retries(request, conn.retry, safe_to_repeat=repeat)
        elif callable(getattr(data, "read", None)):
            # The open file is the body: the transports pass it to the HTTP library as it
            # is, which sends it as it reads it (HTTPRequest.body is annotated bytes only)
            request = HTTPRequest("POST", url, headers, data)  # type: ignore[arg-type]
            response = yield from _send_file(request, data, conn.retry)
        else:
            raise TypeError(f"cannot upload {type(data).__name__}: give bytes, a path or a file")
    raise_for_status(response, "the blob upload")
    answer = decode_json(response, "the blob upload response")
    blob_id = answer.get("blobId") if isinstance(answer, dict) else None
    if not isinstance(blob_id, str) or not blob_id:
        raise JMAPError(url=url, reason="the blob upload response has no blobId")
    if answer.get("accountId") not in (None, account_id):
        raise JMAPError(
            url=url,
            reason=f"the blob was uploaded to account {answer.get('accountId')!r}, "
            f"not {account_id!r}",
        )
    return blob_id


def parse_ical(conn: Connection, ical_str: str | bytes) -> Steps[list[JSONObject]]:
    """The CalendarEvent objects the server makes of an iCalendar document: the document
    is uploaded as a blob, then CalendarEvent/parse reads it (capability
    urn:ietf:params:jmap:calendars:parse; a server without it raises JMAPCapabilityError
    before anything is uploaded)."""
    session = yield from conn.ensure_session()
    if not session.has_capability(CALENDAR_PARSE_CAPABILITY):
        raise JMAPCapabilityError(
            CALENDAR_PARSE_CAPABILITY,
            reason=f"the server does not offer {PARSE_METHOD} "
            f"(no {CALENDAR_PARSE_CAPABILITY} capability)",
            url=session.url,
        )
    account_id = yield from conn.account_for()
    blob_id = yield from upload_blob(conn, ical_str, "text/calendar", account_id)
    responses = yield from conn.call(EVENT.call("parse", account_id, blobIds=[blob_id]))
    args = responses.get("c0", PARSE_METHOD)
    if blob_id in (args.get("notParsable") or []):
        raise JMAPError(reason=f"{PARSE_METHOD}: the server could not parse the iCalendar")
    if blob_id in (args.get("notFound") or []):
        raise JMAPError(reason=f"{PARSE_METHOD}: the server did not find the uploaded blob")
    parsed = args.get("parsed")
    events = parsed.get(blob_id) if isinstance(parsed, dict) else None
    if isinstance(events, dict):  # one object rather than a list (older revisions)
        events = [events]
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise JMAPError(reason=f"the {PARSE_METHOD} response has no events for the blob")
    return events


def _blob_call(conn: Connection, method: str, **arguments: Any) -> Steps[JSONObject]:
    # the calendar account: servers need not name a primary account for the blob capability
    account_id = yield from conn.account_for()
    responses = yield from conn.call(BLOB.call(method, account_id, **arguments))
    return responses.get("c0", f"Blob/{method}")


class BlobMethods(ClientCore):
    """The client's blob methods (downloads: see _methods/attachment.py)."""

    @operation
    def upload_blob(self, data: bytes | str, content_type: str) -> Steps[str]:
        """Upload ``data`` to the account; returns its blobId."""
        return (yield from upload_blob(self._conn, data, content_type))

    @operation
    def get_blobs(
        self,
        ids: list[str],
        *,
        properties: list[str] | None = None,
        offset: int | None = None,
        length: int | None = None,
    ) -> Steps[list[JSONObject]]:
        """Blob/get (RFC 9404): ranges of data and digests of blobs."""
        answer = yield from _blob_call(
            self._conn, "get", ids=ids, properties=properties, offset=offset, length=length
        )
        # Blob/get has no state (RFC 9404 §4.2)
        return parse_get({"state": "", **answer}, "Blob/get").objects

    @operation
    def lookup_blobs(self, ids: list[str], type_names: list[str]) -> Steps[JSONObject]:
        """Blob/lookup (RFC 9404): which objects of ``type_names`` reference each blob."""
        answer = yield from _blob_call(self._conn, "lookup", ids=ids, typeNames=type_names)
        found: JSONObject = {}
        for entry in answer.get("list") or []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                matched = entry.get("matchedIds")
                found[entry["id"]] = matched if isinstance(matched, dict) else {}
        return found

    @operation
    def copy_blobs(self, blob_ids: list[str], from_account_id: str) -> Steps[dict[str, str]]:
        """Blob/copy from another account: {old blob id: new blob id}."""
        account_id = yield from self._conn.account_for()
        call = BLOB.call("copy", account_id, fromAccountId=from_account_id, blobIds=blob_ids)
        responses = yield from self._conn.call(call)
        answer = responses.get("c0", "Blob/copy")
        copied = answer.get("copied") or {}
        failed = answer.get("notCopied") or {}
        if failed:
            raise JMAPError(reason=f"Blob/copy did not copy {', '.join(map(str, failed))}")
        return {str(k): str(v) for k, v in copied.items()}
