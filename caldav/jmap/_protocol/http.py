"""HTTP messages as plain data, and what an HTTP answer means for JMAP.

The protocol core never touches a socket: it produces :class:`HTTPRequest` values and reads
:class:`HTTPResponse` values, which a transport (sync or async) moves over the wire.
"""

from __future__ import annotations

import json
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from caldav.jmap._protocol.urls import same_origin
from caldav.jmap.constants import JSON_CONTENT_TYPE, REQUEST_ERROR_PREFIX
from caldav.jmap.error import JMAPAuthError, JMAPError, JMAPRateLimitError, JMAPResponseLimitError

__all__ = [
    "AsyncHTTPSend",
    "HTTPRequest",
    "HTTPResponse",
    "HTTPSend",
    "decode_json",
    "load_json",
    "parse_retry_after",
    "raise_for_status",
    "same_origin",
]


@dataclass(frozen=True)
class HTTPRequest:
    """One HTTP request to send: a transport adds authentication and sends it as it is."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None

    @classmethod
    def post_json(cls, url: str, payload: Any) -> HTTPRequest:
        """A POST of ``payload`` as JSON, as every JMAP API request is sent."""
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        return cls(
            "POST",
            url,
            {"Content-Type": JSON_CONTENT_TYPE, "Accept": JSON_CONTENT_TYPE},
            body,
        )


@dataclass(frozen=True)
class HTTPResponse:
    """One HTTP response as received; ``headers`` keys are lower-case."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str

    @classmethod
    def build(cls, status: int, headers: Mapping[str, str], body: bytes, url: str) -> HTTPResponse:
        """A response with its header names folded to lower case."""
        return cls(status, {k.lower(): v for k, v in headers.items()}, body or b"", url)


#: An answer as it arrives: the head (an HTTPResponse; its body, if not empty, is the first
#: piece of the body), then the body's pieces.  The body is as it came over the wire: a
#: Content-Encoding the head names is decoded by the transport after the ``http_send`` hook.
HTTPParts = Iterator[HTTPResponse | bytes]
AsyncHTTPParts = AsyncIterator[HTTPResponse | bytes]

#: The blocking client's ``http_send`` hook (see docs/testing.md): called with the request
#: as it would go on the wire and ``network``, the client's real exchange (a generator of
#: the answer's parts); it returns the whole answer, or its parts (any iterable: a list, or
#: a generator that yields them as they "arrive").
HTTPSend = Callable[
    [HTTPRequest, Callable[[HTTPRequest], HTTPParts]],
    HTTPResponse | Iterable[HTTPResponse | bytes],
]
#: The async client's ``http_send`` hook: an ``async def`` returning the whole answer, or
#: an async generator of its parts; ``network`` is an async generator of the real answer.
AsyncHTTPSend = Callable[
    [HTTPRequest, Callable[[HTTPRequest], AsyncHTTPParts]],
    Awaitable[HTTPResponse] | AsyncIterable[HTTPResponse | bytes],
]


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import datetime, timezone

    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


#: How deeply JSON from the server may nest: JMAP's deepest objects (a JSCalendar event
#: with recurrence overrides) stay far below; Python's parser and the code that walks
#: the data would otherwise fail with RecursionError on a hostile answer.
MAX_JSON_DEPTH = 64


def load_json(data: bytes | str, what: str, url: str | None = None) -> Any:
    """Parse JSON from the server: invalid or too deeply nested JSON is a JMAPError
    (JMAPResponseLimitError for the nesting)."""
    try:
        value = json.loads(data)
    except RecursionError:
        value = None
        depth = MAX_JSON_DEPTH + 1
    except (ValueError, UnicodeDecodeError) as e:
        raw = data if isinstance(data, bytes) else data.encode("utf-8", "replace")
        snippet = raw[:200].decode("utf-8", "replace")
        raise JMAPError(url=url, reason=f"{what} is not valid JSON ({e}): {snippet!r}") from None
    else:
        depth = _depth(value)
    if depth > MAX_JSON_DEPTH:
        raise JMAPResponseLimitError(
            url=url, reason=f"{what} nests deeper than {MAX_JSON_DEPTH} levels; refused"
        )
    return value


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (iteratively: no recursion to exhaust)."""
    deepest = 0
    todo = [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, level)
        if level <= MAX_JSON_DEPTH:
            todo.extend((child, level + 1) for child in item)
    return deepest


def decode_json(response: HTTPResponse, what: str) -> Any:
    """The response body as JSON; a body that is not JSON is a :class:`JMAPError`."""
    try:
        return load_json(response.body, what, response.url)
    except JMAPError as error:
        error.status = response.status
        raise


def _problem_details(response: HTTPResponse) -> tuple[str | None, str]:
    """The RFC 7807 problem type and detail of an error response, when it carries them."""
    try:
        data = load_json(response.body, "the error answer")
    except JMAPError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("type"), str):
        detail = data.get("detail") or data.get("title") or ""
        return data["type"], str(detail)
    return None, response.body[:200].decode("utf-8", "replace").strip()


def raise_for_status(response: HTTPResponse, what: str) -> None:
    """Raise the typed error an unsuccessful HTTP answer stands for; return on 2xx."""
    status = response.status
    if 200 <= status < 300:
        return
    error_type, detail = _problem_details(response)
    reason = f"{what} answered HTTP {status}" + (f": {detail}" if detail else "")
    if status in (401, 403):
        raise JMAPAuthError(url=response.url, reason=reason, error_type=error_type, status=status)
    if status == 429 or (status == 503 and "retry-after" in response.headers):
        header = response.headers.get("retry-after")
        raise JMAPRateLimitError(
            url=response.url,
            reason=reason,
            retry_after=header,
            retry_after_seconds=parse_retry_after(header),
            status=status,
        )
    if error_type and error_type.startswith(REQUEST_ERROR_PREFIX):
        short = error_type[len(REQUEST_ERROR_PREFIX) :]
        reason = f"{what} was refused ({short}): {detail}"
    raise JMAPError(url=response.url, reason=reason, error_type=error_type, status=status)
