"""The client's session and account methods: the JMAP Session, where it is fetched from,
the accounts shared with the user, and client views on one of them."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from caldav.jmap._events.connection import CalendarConnection
from caldav.jmap._operation import ClientCore, operation
from caldav.jmap._protocol.session import Account, Session
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._protocol.urls import server_url
from caldav.jmap.constants import CALENDAR_CAPABILITY

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["SessionMethods"]


class SessionMethods(ClientCore):
    """The client's session methods."""

    @operation
    def get_session(self) -> Steps[Session]:
        """The JMAP Session (fetched once per client, again only when the server changes it)."""
        return (yield from self._conn.ensure_session())

    @property
    def session_url(self) -> str | None:
        """The URL the session resource answered at (after the redirects of
        ``/.well-known/jmap``); None before the session is fetched.  A program that runs
        again may pass it to :meth:`use_session_url` and save the redirect."""
        session = self._conn.session
        return session.url if session is not None else self._conn.session_url

    def use_session_url(self, url: str) -> None:
        """Fetch the session from ``url`` (a :attr:`session_url` of an earlier run) instead
        of discovering it from the client's URL; it must be on that URL's origin (the
        credentials go nowhere else).  Should it fail there, the client's URL is used."""
        if not isinstance(url, str) or not server_url(url, self._conn.url, "session_url"):
            raise ValueError(f"url must be on the origin of {self._conn.url}, not {url!r}")
        self._conn.session_url = url

    @operation
    def get_accounts(self, *, refresh: bool = True) -> Steps[list[Account]]:
        """The accounts with calendars: the user's own and those shared with them (see
        :meth:`for_account`).  ``refresh`` fetches the session again first, since a server
        may list a newly shared account without announcing a new session state."""
        # Cyrus 3.10 lists an account shared a moment ago without changing its
        # sessionState, so the session a client holds would not show it
        if refresh:
            self._conn.refresh_session()
        session = yield from self._conn.ensure_session()
        return session.accounts_for(CALENDAR_CAPABILITY)

    def for_account(self, account_id: str) -> Self:
        """A client of the same class working on the account ``account_id`` (one shared
        with the user, from :meth:`get_accounts`): calendars, events, identities and
        notifications are those of that account.  Principals stay the session's.

        The view shares this client's HTTP connections, its session (as fetched so far; a
        view made before the first request fetches it once itself) and the server dialect
        learned; it needs no closing of its own (closing either closes both).
        """
        return self._view(replace(self._conn, account_id=account_id))

    def _view(self, conn: CalendarConnection) -> Self:
        """This client with another Connection: the same transport, no new HTTP session."""
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        view._conn = conn
        return view
