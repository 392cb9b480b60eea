"""Credentials never shown: userinfo (``user:password@``) is cut out of every URL in a text.

One helper for everything that shows a URL: ``repr(client)``, the messages of the errors in
:mod:`caldav.jmap.error`, and the log records of the ``caldav.jmap`` logger (through
:class:`RedactingFilter`, installed on that logger when this module is imported).

Example::

    >>> redact("cannot reach https://alice:secret@jmap.example.com/api")
    'cannot reach https://***@jmap.example.com/api'
"""

from __future__ import annotations

import logging
import re

__all__ = ["RedactingFilter", "redact"]

# scheme://, then everything up to the last "@" before the path, query, fragment or a space:
# a password may hold an unencoded "@" or ":", never a "/" the URL parser would accept
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#]*@")


def redact(text: str) -> str:
    """``text`` with the userinfo of every URL in it replaced by ``***``."""
    return _USERINFO.sub(r"\1***@", text) if "@" in text else text


class RedactingFilter(logging.Filter):
    """Redacts the formatted message of each record (arguments included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


logging.getLogger("caldav.jmap").addFilter(RedactingFilter())
