"""Downloading blobs (RFC 8620 §6.2), the Blob methods of RFC 9404, and event attachments.

An attachment is a Link with rel "enclosure" whose content is a blob: adding one uploads the
bytes and patches the event's links; reading them downloads each link's blob (or its href
on the server's own origin).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from caldav.jmap.constants import BLOB_CAPABILITY
from caldav.jmap.error import JMAPError
from caldav.jmap.methods.blob import upload_blob
from caldav.jmap.methods.event import _set_event, get_event_object, managed_link_release
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.http import HTTPRequest, raise_for_status, same_origin
from caldav.jmap.protocol.request import Call
from caldav.jmap.protocol.retry import send_with_retries
from caldav.jmap.protocol.standard import parse_get
from caldav.jmap.protocol.steps import Steps

__all__ = [
    "add_attachment",
    "blob_copy",
    "blob_get",
    "blob_lookup",
    "download_blob",
    "get_attachments",
]


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


def download_blob(
    conn: Connection,
    blob_id: str,
    name: str = "file",
    content_type: str | None = None,
    account_id: str | None = None,
) -> Steps[bytes]:
    """The bytes of ``blob_id``, through the session's downloadUrl."""
    session = yield from conn.ensure_session()
    if account_id is None:
        account_id = yield from conn.account_for()
    if not session.download_url:
        raise JMAPError(url=session.url, reason="the session has no downloadUrl")
    url = download_url(
        session.download_url, account_id, blob_id, name, content_type or "application/octet-stream"
    )
    return (yield from _get(conn, url, f"the download of blob {blob_id}"))


def _blob_call(conn: Connection, method: str, arguments: dict[str, Any]) -> Steps[dict[str, Any]]:
    account_id = yield from conn.account_for()
    responses = yield from conn.call(
        Call(method, {"accountId": account_id, **arguments}, BLOB_CAPABILITY)
    )
    return responses.get("c0", method)


def blob_get(
    conn: Connection,
    ids: list[str],
    properties: list[str] | None = None,
    offset: int | None = None,
    length: int | None = None,
) -> Steps[list[dict[str, Any]]]:
    """Blob/get (RFC 9404): data ranges ("data:asText", "data:asBase64") and digests
    ("digest:sha-256", ...) of blobs; needs urn:ietf:params:jmap:blob."""
    arguments: dict[str, Any] = {"ids": ids}
    for key, value in (("properties", properties), ("offset", offset), ("length", length)):
        if value is not None:
            arguments[key] = value
    answer = yield from _blob_call(conn, "Blob/get", arguments)
    return parse_get({"state": "", **answer}, "Blob/get").objects


def blob_lookup(
    conn: Connection, ids: list[str], type_names: list[str]
) -> Steps[dict[str, dict[str, list[str]]]]:
    """Blob/lookup (RFC 9404): for each blob, the ids of the objects of ``type_names``
    that reference it ({blob id: {type name: [object ids]}})."""
    answer = yield from _blob_call(conn, "Blob/lookup", {"ids": ids, "typeNames": type_names})
    found: dict[str, dict[str, list[str]]] = {}
    for entry in answer.get("list") or []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            matched = entry.get("matchedIds")
            found[entry["id"]] = matched if isinstance(matched, dict) else {}
    return found


def blob_copy(conn: Connection, blob_ids: list[str], from_account_id: str) -> Steps[dict[str, str]]:
    """Blob/copy (RFC 8620 §6.3) into the client's account: {old id: new id}."""
    account_id = yield from conn.account_for()
    method = "Blob/copy"
    responses = yield from conn.call(
        Call(
            method,
            {"fromAccountId": from_account_id, "accountId": account_id, "blobIds": blob_ids},
        )
    )
    answer = responses.get("c0", method)
    copied = answer.get("copied") or {}
    failed = answer.get("notCopied") or {}
    if failed:
        raise JMAPError(reason=f"{method} did not copy {', '.join(map(str, failed))}")
    return {str(k): str(v) for k, v in copied.items()}


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
    yield from _set_event(conn, account_id, update=(event_id, patch))
    return link_id


def _blob_of(link: dict[str, Any]) -> str | None:
    if isinstance(link.get("blobId"), str):
        return link["blobId"]
    return None


def _managed_attachment(conn: Connection, href: str, name: str, content_type: str) -> Steps[bytes]:
    try:
        return (yield from _get(conn, href, f"the attachment {name}"))
    except JMAPError as error:
        if error.status != 404 or not conn.dialect.in_calendars or "/Attachments/" not in href:
            raise
    # Cyrus 3.10 names a managed attachment by its content, so after the event that first
    # had these bytes is deleted, a new event's attachment URL can be dangling; the same
    # bytes are still a blob named "G" + that name
    blob_id = "G" + href.rstrip("/").rsplit("/", 1)[-1]
    return (yield from download_blob(conn, blob_id, name, content_type))


def get_attachments(conn: Connection, event_id: str) -> Steps[list[tuple[str, str, bytes]]]:
    """(filename, content type, bytes) of each enclosure link of the event."""
    session = yield from conn.ensure_session()
    event = yield from get_event_object(conn, event_id)
    found: list[tuple[str, str, bytes]] = []
    for link in (event.jscal.get("links") or {}).values():
        if not isinstance(link, dict) or link.get("rel", "enclosure") != "enclosure":
            continue
        name = str(link.get("title") or "attachment")
        content_type = str(link.get("contentType") or "application/octet-stream")
        blob_id = _blob_of(link)
        href = link.get("href")
        if blob_id is not None:
            data = yield from download_blob(conn, blob_id, name, content_type)
        elif isinstance(href, str) and same_origin(href, session.api_url):
            # A managed attachment shown as its URL on the server: the credentials may go
            # there, since it is the server's own origin
            data = yield from _managed_attachment(conn, href, name, content_type)
        else:
            continue  # an external link: not the server's to give
        found.append((name, content_type, data))
    return found
