"""The sans-IO state of one client: its session, and how to send method calls.

A :class:`Connection` knows the session URL, the fetched :class:`~caldav.jmap.session.Session`
(fetched once, and again only when a response reports a new ``sessionState``), the account
to use, and (opaque to this layer) the profile of the server that the calendar layer keeps
(:mod:`caldav.jmap._servers`).  :meth:`Connection.call` is a generator: it yields the
HTTP requests to make and returns the checked method responses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from caldav.jmap._protocol.http import HTTPRequest, decode_json, raise_for_status
from caldav.jmap._protocol.paging import PagingLimits
from caldav.jmap._protocol.request import Call, RequestBuilder
from caldav.jmap._protocol.response import Responses, parse_response
from caldav.jmap._protocol.retry import RetryPolicy, safe_to_repeat, send_with_retries
from caldav.jmap._protocol.session import Session, discover
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._protocol.urls import may_carry_credentials, server_url
from caldav.jmap.error import JMAPAuthError, JMAPCapabilityError, JMAPError

__all__ = ["Connection", "changes_nothing"]

#: The session URLs that must be on the client's origin unless allow_other_origins.
WATCHED_URLS = ("apiUrl", "downloadUrl", "uploadUrl", "eventSourceUrl")


def changes_nothing(builder: RequestBuilder) -> bool:
    """Whether the request may be sent twice (the kinds its calls carry; see retry.py)."""
    return safe_to_repeat(inv.call for inv in builder.invocations)


@dataclass
class Connection:
    """Session state and request building for one client (no I/O)."""

    url: str
    account_id: str | None = None
    #: The capability every session must offer, and whose account :meth:`account_for`
    #: gives by default: what the client layer works on (None: none required).
    required_capability: str | None = None
    session: Session | None = None
    #: What the layers above know of the server (a
    #: :class:`~caldav.jmap._servers.profile.ServerProfile`), opaque here: made by
    #: ``profile_for`` from the first session, shared by the views of other accounts.
    profile: object = None
    profile_for: Callable[[Session], object] | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    allow_other_origins: bool = False
    #: The transport's timeout in seconds (None: none): what bulk requests are sized by.
    timeout: float | None = None
    #: The bounds of every paging loop (see :mod:`caldav.jmap._protocol.paging`).
    limits: PagingLimits = field(default_factory=PagingLimits)
    #: Where the session resource answered before (after the redirects of
    #: ``/.well-known/jmap``), on the origin of ``url``: fetched first, saving the redirect.
    session_url: str | None = None
    _stale: bool = False

    def _check_origins(self, session: Session) -> None:
        """Refuse ambiguous session URLs, and (unless allowed) those on another origin:
        the credentials go with every request to them."""
        for name, value in session.service_urls().items():
            if value and not server_url(value, self.url, f"the session's {name}"):
                # the WebSocket's own origin is checked when it is opened (_websocket.py)
                if not self.allow_other_origins and name in WATCHED_URLS:
                    raise JMAPError(
                        url=session.url,
                        reason=f"the session's {name} ({value}) is on another origin than "
                        f"{self.url}; refused so that the credentials stay with their server "
                        "(allow_other_origins=True allows it)",
                    )

    def sends_credentials_to(self, url: str) -> bool:
        """Whether a request to ``url`` may carry the credentials: on the origin of the
        client's URL, or (with ``allow_other_origins``) on that of one of the session's own
        URLs.  Never to a URL from other server data (an attachment's href, a redirect)
        on another origin.  An ambiguous URL raises JMAPURLError."""
        trusted = [self.url]
        if self.allow_other_origins and self.session is not None:
            trusted += [u for u in self.session.service_urls().values() if u]
        return may_carry_credentials(url, trusted)

    def ensure_session(self) -> Steps[Session]:
        """The session, fetched when there is none yet or the server reported a new state."""
        if self.session is None or self._stale:
            session = yield from self._discover()
            self._check_origins(session)
            if self.required_capability is not None:
                session.require(self.required_capability)
            if self.session is None and self.profile_for is not None:
                self.profile = self.profile_for(session)
            self.session = session
            self._stale = False
        return self.session

    def refresh_session(self) -> None:
        """Fetch the session again before the next request (its accounts or capabilities
        changed)."""
        self._stale = True

    def _discover(self) -> Steps[Session]:
        known = self.session.url if self.session is not None else self.session_url
        if known is not None and known != self.url:
            try:
                return (yield from discover(known, self.retry))
            except JMAPAuthError:
                raise
            except JMAPError:
                pass  # moved since (or gone): discover it from the client's URL again
        return (yield from discover(self.url, self.retry))

    def account_for(self, capability: str | None = None) -> Steps[str]:
        """The account id to use for ``capability`` (None: :attr:`required_capability`):
        the chosen one, else the session's primary account for it."""
        wanted = capability if capability is not None else self.required_capability
        if wanted is None:
            raise TypeError("account_for needs a capability: the connection requires none")
        session = yield from self.ensure_session()
        if self.account_id is not None:
            return self.account_id
        return session.account_id_for(wanted)

    def call(self, *calls: Call | RequestBuilder) -> Steps[Responses]:
        """Send the calls in one request; returns the responses (method errors unraised)."""
        session = yield from self.ensure_session()
        if len(calls) == 1 and isinstance(calls[0], RequestBuilder):
            builder = calls[0]
        else:
            builder = RequestBuilder()
            for call in calls:
                assert isinstance(call, Call)
                builder.add(call)
        for capability in builder.using:
            if not session.has_capability(capability):
                raise JMAPCapabilityError(capability, url=session.url)
        request = HTTPRequest.post_json(session.api_url, builder.to_json())
        response = yield from send_with_retries(
            request, self.retry, safe_to_repeat=changes_nothing(builder)
        )
        raise_for_status(response, "the JMAP API")
        responses = parse_response(decode_json(response, "the JMAP API response"), session.api_url)
        if responses.session_state is not None and responses.session_state != session.state:
            # RFC 8620 §3.4: the session changed (new accounts, capabilities); fetch it again
            # before the next request
            self.refresh_session()
        return responses
