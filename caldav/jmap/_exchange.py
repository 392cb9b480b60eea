"""One HTTP answer as the transports read it, from the network or from the ``http_send`` hook.

Both sources give the answer as parts: the head (an HTTPResponse), then the body's pieces
as they arrive.  :class:`AnswerReader` is the one place that reads them: it refuses a head
declaring too large a body, and decodes the body's Content-Encoding, so a hook's answer
goes through the same checks as the server's.  :func:`hook_parts` and
:func:`async_hook_parts` turn what a hook returned (a whole answer, or its parts) into
parts; :class:`WholeBody` collects a body up to the size limit, and :func:`log_exchange`
logs the exchange.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    Callable,
    Generator,
    Iterable,
    Iterator,
)

from caldav.jmap._protocol.decoding import BodyDecoder
from caldav.jmap._protocol.http import (
    AsyncHTTPParts,
    AsyncHTTPSend,
    HTTPParts,
    HTTPRequest,
    HTTPResponse,
    HTTPSend,
)
from caldav.jmap.error import JMAPError, JMAPResponseLimitError

__all__ = [
    "CREDENTIAL_HEADERS",
    "AnswerReader",
    "WholeBody",
    "async_hook_parts",
    "hook_parts",
    "http_log",
    "log_exchange",
]

#: Headers that carry credentials: never sent to an origin the credentials may not reach.
CREDENTIAL_HEADERS = ("Authorization", "Cookie")

#: Every HTTP exchange is logged here at DEBUG (``--debug`` of the command line): the
#: request line and body, the status and body of the answer.  The credentials travel as the
#: request's auth, never in the logged headers; an Authorization header is redacted anyway.
http_log = logging.getLogger("caldav.jmap.http")
_REDACTED = frozenset({h.lower() for h in CREDENTIAL_HEADERS} | {"proxy-authorization"})


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


def _not_an_answer(what: object) -> JMAPError:
    return JMAPError(
        reason=f"the http_send hook gave {type(what).__name__}: it must give an HTTPResponse, "
        "or the parts of one (the head as an HTTPResponse, then the body as bytes)"
    )


class AnswerReader:
    """Reads the parts of the answer to ``request``: the checked head first (its URL the
    request's, its body empty), then the decoded body's pieces."""

    def __init__(self, request: HTTPRequest, limit: int) -> None:
        self.request = request
        self.limit = limit
        self._decoder: BodyDecoder | None = None

    def read(self, part: object) -> Iterator[HTTPResponse | bytes]:
        """What ``part`` (the head, or a piece of the body as it came) gives the caller,
        piece by piece: a small compressed piece may decode to a great many bytes."""
        url = self.request.url
        if isinstance(part, HTTPResponse) and self._decoder is None:
            head = HTTPResponse.build(part.status, part.headers, b"", url)
            declared = head.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.limit:
                raise JMAPResponseLimitError(
                    url=url,
                    reason=f"the response declares {declared} bytes, more than {self.limit}; "
                    "refused",
                )
            self._decoder = BodyDecoder(head.headers.get("content-encoding"), url)
            yield head
            yield from self._decoder.feed(part.body)
            return
        if not isinstance(part, bytes) or self._decoder is None:
            raise _not_an_answer(part)
        yield from self._decoder.feed(part)


class WholeBody:
    """A response body collected piece by piece, refused once it passes the limit."""

    def __init__(self, request: HTTPRequest, limit: int) -> None:
        self.request = request
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        self.head: HTTPResponse | None = None

    def add(self, part: HTTPResponse | bytes) -> None:
        """Take the head, or one piece of the decoded body."""
        if isinstance(part, HTTPResponse):
            self.head = part
            return
        self.size += len(part)
        if self.size > self.limit:
            raise JMAPResponseLimitError(
                url=self.request.url,
                reason=f"the response is larger than {self.limit} bytes (decoded); refused",
            )
        self.parts.append(part)

    def response(self) -> HTTPResponse:
        """The whole response."""
        assert self.head is not None
        head = self.head
        return HTTPResponse(head.status, head.headers, b"".join(self.parts), head.url)


def hook_parts(
    send: HTTPSend, wire: HTTPRequest, network: Callable[[HTTPRequest], HTTPParts]
) -> Generator[HTTPResponse | bytes, None, None]:
    """The parts of the answer the blocking hook ``send`` gives to ``wire``."""
    answer = send(wire, network)
    if isinstance(answer, HTTPResponse):
        yield answer
    elif isinstance(answer, Iterable) and not isinstance(answer, bytes | str):
        # yield from closes a generator the caller stops reading
        yield from answer
    else:
        raise _not_an_answer(answer)


async def async_hook_parts(
    send: AsyncHTTPSend, wire: HTTPRequest, network: Callable[[HTTPRequest], AsyncHTTPParts]
) -> AsyncGenerator[HTTPResponse | bytes, None]:
    """The parts of the answer the async hook ``send`` gives to ``wire``."""
    answer = send(wire, network)
    if inspect.isawaitable(answer):
        yield await answer
        return
    if not isinstance(answer, AsyncIterable):
        raise _not_an_answer(answer)
    parts = aiter(answer)
    try:
        async for part in parts:
            yield part
    finally:
        # async for has no "yield from": a hook's generator the caller stops reading is
        # closed here, so that its cleanup runs now rather than at garbage collection
        close = getattr(parts, "aclose", None)
        if close is not None:
            await close()
