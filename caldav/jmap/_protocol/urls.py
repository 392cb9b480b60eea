"""The one gate every URL passes before a request goes to it, and the origin rule.

:func:`origin_of` reads a URL's origin (scheme, host, port) the way the HTTP library will
connect, and refuses what two parsers could read differently: a backslash (urllib3 ends
the host there, :func:`urllib.parse.urlsplit` does not, so ``http://a:1\\@b:2/`` would
compare as ``b`` and connect to ``a``), control characters and spaces, a port out of range
or not a number (``:99999``, ``:abc``, template text), a host that is not a host name or
an IP literal, and userinfo in a URL the server gave.  Where urllib3 is installed (it is,
under both requests and niquests) its own parse must agree, or the URL is refused too.

:func:`may_carry_credentials` is the rule the transports apply to each request: the
credentials go only to the trusted origin (the one of the URL the caller gave the client).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from caldav.jmap._redact import redact
from caldav.jmap.error import JMAPURLError

_library_parse: Callable[[str], Url] | None
try:  # what requests and niquests connect by
    from urllib3.util import Url, parse_url

    _library_parse = parse_url
except ImportError:  # pragma: no cover - both HTTP libraries install it
    _library_parse = None

__all__ = [
    "Origin",
    "may_carry_credentials",
    "origin_of",
    "same_origin",
    "server_url",
    "unambiguous_text",
]

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
# a WebSocket's origin is that of its HTTP upgrade request
_HTTP_SCHEME = {"ws": "http", "wss": "https"}
_HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")
_IP6 = re.compile(r"\[[0-9a-f:.]+\]")


@dataclass(frozen=True)
class Origin:
    """RFC 6454's origin: ws/wss count as http/https, the port is always given."""

    scheme: str
    host: str
    port: int


def _refuse(url: str, what: str, why: str) -> JMAPURLError:
    return JMAPURLError(url=redact(url), reason=f"{what} is refused: {why}")


def unambiguous_text(url: Any, what: str = "the URL") -> str:
    """``url`` (absolute or relative) unless it holds what parsers read differently: a
    backslash, or a control character or space (which :func:`urllib.parse.urljoin` would
    silently drop, so check before resolving)."""
    if not isinstance(url, str):
        raise JMAPURLError(reason=f"{what} is not a string: {type(url).__name__}")
    if "\\" in url:
        raise _refuse(url, what, "it holds a backslash, which HTTP libraries parse differently")
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
        raise _refuse(url, what, "it holds a control character or a space")
    return url


def origin_of(url: Any, what: str = "the URL", *, server_given: bool = False) -> Origin:
    """The origin a request to ``url`` connects to; an ambiguous URL raises JMAPURLError.

    ``server_given``: the URL comes from the server's data, where userinfo is refused too
    (it would replace the client's credentials, or hide the host in plain sight).
    """
    unambiguous_text(url, what)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise _refuse(url, what, f"it is not an http(s) or ws(s) URL (scheme {scheme!r})")
    netloc = parts.netloc
    if "@" in netloc and server_given:
        raise _refuse(url, what, "a URL from the server must not carry userinfo")
    try:
        port = parts.port
    except ValueError:
        where = netloc.rpartition("@")[2]  # never the userinfo
        raise _refuse(url, what, f"its port is not a number in 1..65535 ({where!r})") from None
    if port == 0:
        raise _refuse(url, what, "its port is 0")
    host = (parts.hostname or "").lower()
    if not host:
        raise _refuse(url, what, "it names no host")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise _refuse(url, what, "its host is not a valid international name") from None
    bracketed = f"[{host}]" if ":" in host else host
    if not (_HOST_NAME.fullmatch(host) or _IP6.fullmatch(bracketed)):
        raise _refuse(url, what, f"its host {host!r} is not a host name or an IP address")
    origin = Origin(_HTTP_SCHEME.get(scheme, scheme), host, port or DEFAULT_PORTS[scheme])
    if not _library_agrees(url, origin):
        raise _refuse(url, what, "the HTTP library would connect elsewhere than it reads")
    return origin


def _library_agrees(url: str, origin: Origin) -> bool:
    if _library_parse is None:
        return True
    try:
        parsed = _library_parse(url)
    except ValueError:  # urllib3's LocationParseError is a ValueError
        return False
    scheme = (parsed.scheme or "").lower()
    host = (parsed.host or "").lower().strip("[]")
    port = parsed.port or DEFAULT_PORTS.get(scheme)
    return (_HTTP_SCHEME.get(scheme, scheme), host, port) == (
        origin.scheme,
        origin.host.strip("[]"),
        origin.port,
    )


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs share scheme, host and port; an ambiguous one raises JMAPURLError."""
    return origin_of(a) == origin_of(b)


def server_url(url: Any, trusted: str, what: str) -> bool:
    """Check a URL taken from the server's data (``what`` names it in the error): an
    ambiguous one or one with userinfo raises JMAPURLError.  Returns whether it is on the
    origin of ``trusted``."""
    return origin_of(url, what, server_given=True) == origin_of(trusted, "the client's URL")


def may_carry_credentials(url: str, trusted: Iterable[str]) -> bool:
    """Whether a request to ``url`` may carry the client's credentials: only when its
    origin is one of those of ``trusted``.  An ambiguous ``url`` raises JMAPURLError, so
    it is not sent at all."""
    origin = origin_of(url, "the request URL")
    return any(origin == origin_of(t, "the client's URL") for t in trusted)
