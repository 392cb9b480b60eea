"""Checks of the arguments the public entry points take: caller mistakes are programming
errors, raised at once as TypeError / ValueError naming the argument (never a confusing
failure deep inside, and never a DAVError, which means the server or the network).

Example::

    >>> whole_number(10, "limit")
    10
    >>> whole_number("x", "limit")
    Traceback (most recent call last):
    TypeError: limit must be a whole number, not 'x'
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple, overload
from urllib.parse import unquote, urlsplit, urlunsplit

from caldav.jmap._protocol.urls import origin_of
from caldav.jmap.error import JMAPURLError

__all__ = [
    "UrlCredentials",
    "client_url",
    "seconds",
    "text",
    "url_credentials",
    "whole_number",
]


@overload
def text(value: Any, name: str, *, optional: Literal[False] = False) -> str: ...
@overload
def text(value: Any, name: str, *, optional: bool) -> str | None: ...
def text(value: Any, name: str, *, optional: bool = False) -> str | None:
    """``value`` when it is a string (or None, when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {value!r}")
    return value


def client_url(value: Any, name: str = "url") -> str:
    """A URL the caller gives a client: a string, http(s), with a valid host and port."""
    url = text(value, name)
    try:
        origin_of(url, name)
    except JMAPURLError as error:
        raise ValueError(error.reason) from None
    return url


class UrlCredentials(NamedTuple):
    """A client URL without its userinfo, and the user name and password it held."""

    url: str
    username: str | None
    password: str | None


def url_credentials(url: str) -> UrlCredentials:
    """Split ``https://user:pw@host/...`` as python-caldav does: the credentials go to the
    auth (never into a request line or a log), the URL keeps the rest."""
    parts = urlsplit(url)
    if parts.username is None:
        return UrlCredentials(url, None, None)
    netloc = parts.netloc.rpartition("@")[2]
    password = unquote(parts.password) if parts.password is not None else None
    return UrlCredentials(
        urlunsplit(parts._replace(netloc=netloc)), unquote(parts.username), password
    )


def whole_number(value: Any, name: str, *, optional: bool = False, minimum: int = 0) -> int | None:
    """``value`` when it is an int (not a bool) of at least ``minimum``."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value!r}")
    return value


@overload
def seconds(value: Any, name: str, *, optional: Literal[False] = False) -> float: ...
@overload
def seconds(value: Any, name: str, *, optional: bool) -> float | None: ...
def seconds(value: Any, name: str, *, optional: bool = False) -> float | None:
    """``value`` when it is a positive number of seconds (or None, when ``optional``)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {value!r}")
    if not value > 0:
        raise ValueError(f"{name} must be more than 0 seconds, not {value!r}")
    return float(value)
