"""What a HTTP library's exception says about a failed exchange.

requests, niquests and urllib3 wrap the socket's and the ssl module's errors in their own
classes, several layers deep; these functions look through the layers so that the retry
rules can tell "never left" and "asking again cannot help" from a lost answer.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

__all__ = ["certificate_refused", "never_sent"]


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and what it wraps (args, reason, cause, context), each once, at most 16."""
    seen: list[BaseException] = []
    todo: list[Any] = [error]
    while todo and len(seen) < 16:
        item = todo.pop()
        if not isinstance(item, BaseException) or any(item is s for s in seen):
            continue
        seen.append(item)
        yield item
        todo += [*item.args, getattr(item, "reason", None), item.__cause__, item.__context__]


def never_sent(error: BaseException) -> bool:
    """Whether a library error shows that the request never left: the connection was
    refused, the name did not resolve, or connecting timed out (then nothing was sent, and
    even a request that changes data may go again)."""
    return any(
        isinstance(item, ConnectionRefusedError) or type(item).__name__ in _UNSENT_ERRORS
        for item in _causes(error)
    )


def certificate_refused(error: BaseException) -> bool:
    """Whether the server's TLS certificate was refused: asking again gets the same
    certificate, so retrying only wastes the caller's time."""
    return any(
        isinstance(item, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(item)
        for item in _causes(error)
    )


# the urllib3 / requests / niquests classes for "could not connect" (all before any byte)
_UNSENT_ERRORS = frozenset(
    {"NewConnectionError", "NameResolutionError", "ConnectTimeoutError", "ConnectTimeout"}
)
