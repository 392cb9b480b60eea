"""The JMAP Session resource (RFC 8620 §2): what the server offers and where to send
requests, and fetching it over HTTP.

The model and the sans-IO discovery are :mod:`caldav.jmap._protocol.session`'s
(:class:`Session`, :class:`Account`, :func:`discover`, importable from here too);
:func:`fetch_session` and :func:`async_fetch_session` run the discovery over HTTP.

Example::

    from caldav.jmap.session import fetch_session

    session = fetch_session("https://jmap.example.com/.well-known/jmap", "alice", "secret")
    print(session.api_url, session.account_id_for())
"""

from __future__ import annotations

from typing import Any, NamedTuple

from caldav.jmap._protocol.session import Account, Session, discover
from caldav.jmap._transport import AsyncTransport, SyncTransport, build_auth

__all__ = ["Account", "Session", "async_fetch_session", "discover", "fetch_session"]


class _FetchArguments(NamedTuple):
    auth: Any
    timeout: float


def _fetch_arguments(
    username: Any, password: Any, auth: Any, timeout: float, auth_type: str | None
) -> _FetchArguments:
    """The auth and timeout of either call form of :func:`fetch_session`.

    python-caldav 3.2.1 and calendaring-jmap call ``fetch_session(url, auth, timeout=30)``:
    a second argument that is no string is that ``auth`` (a requests-style auth object or a
    ``(user, password)`` tuple), and a number after it the timeout.
    """
    if username is not None and not isinstance(username, str):
        if auth is not None:
            raise TypeError("fetch_session got auth twice (positionally and by keyword)")
        auth, username = username, None
        if isinstance(password, int | float) and not isinstance(password, bool):
            timeout, password = password, None
    return _FetchArguments(build_auth(username, password, auth, auth_type), timeout)


def fetch_session(
    url: str,
    username: Any = None,
    password: Any = None,
    auth: Any = None,
    timeout: float = 30,
    *,
    auth_type: str | None = None,
) -> Session:
    """Fetch the Session over HTTP, blocking.

    ``fetch_session(url, username, password)``, ``fetch_session(url, auth=...)`` and the
    peers' ``fetch_session(url, auth, timeout)`` all work.  The credentials go only to the
    origin of ``url``.
    """
    args = _fetch_arguments(username, password, auth, timeout, auth_type)
    with SyncTransport(args.auth, timeout=args.timeout, origin=url) as transport:
        return transport.run(discover(url))


async def async_fetch_session(
    url: str,
    username: Any = None,
    password: Any = None,
    auth: Any = None,
    timeout: float = 30,
    *,
    auth_type: str | None = None,
) -> Session:
    """Fetch the Session over HTTP with the async transport (call forms as
    :func:`fetch_session`)."""
    args = _fetch_arguments(username, password, auth, timeout, auth_type)
    async with AsyncTransport(args.auth, timeout=args.timeout, origin=url) as transport:
        return await transport.run(discover(url))
