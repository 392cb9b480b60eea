"""The JMAP Session resource (RFC 8620 §2), sans-IO: what the server offers and where to
send requests.

:func:`discover` is the discovery: a generator that yields the GET requests to make
(following same-origin redirects, e.g. from ``/.well-known/jmap``) and returns a
:class:`Session`.  Running it over HTTP (``fetch_session``) is :mod:`caldav.jmap.session`'s,
so that the protocol core needs no HTTP library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._protocol.http import HTTPRequest, decode_json, raise_for_status
from caldav.jmap._protocol.retry import RetryPolicy, send_with_retries
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._protocol.urls import server_url, unambiguous_text
from caldav.jmap.constants import CALENDAR_CAPABILITY, CORE_CAPABILITY, WEBSOCKET_CAPABILITY
from caldav.jmap.error import JMAPCapabilityError, JMAPError

__all__ = ["Account", "Session", "discover"]

MAX_REDIRECTS = 5
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Account:
    """An account of the session (RFC 8620 §2): what the user may reach with it."""

    id: str
    name: str
    is_personal: bool
    is_read_only: bool
    capabilities: JSONObject = field(default_factory=dict, repr=False)

    @classmethod
    def from_jmap(cls, account_id: str, data: Any) -> Account:
        """Read one entry of the session's ``accounts``."""
        if not isinstance(data, dict):
            raise JMAPError(reason=f"the session's account {account_id!r} is not an object")
        capabilities = data.get("accountCapabilities")
        return cls(
            id=account_id,
            name=str(data.get("name", account_id)),
            is_personal=bool(data.get("isPersonal", False)),
            is_read_only=bool(data.get("isReadOnly", False)),
            capabilities=capabilities if isinstance(capabilities, dict) else {},
        )


@dataclass(frozen=True)
class Session:
    """A fetched JMAP Session, its URLs resolved against the URL it was fetched from."""

    url: str
    api_url: str
    download_url: str
    upload_url: str
    event_source_url: str
    username: str
    state: str
    capabilities: JSONObject = field(repr=False)
    accounts: dict[str, Account] = field(repr=False)
    primary_accounts: dict[str, str] = field(repr=False)
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_jmap(cls, data: Any, url: str) -> Session:
        """Check and read a decoded Session object fetched from ``url``."""
        if not isinstance(data, dict):
            raise JMAPError(url=url, reason="the session resource is not a JSON object")

        def text(key: str, required: bool = True) -> str:
            value = data.get(key)
            if isinstance(value, str):
                return value
            if required:
                raise JMAPError(url=url, reason=f"the session resource has no {key!r} string")
            return ""

        capabilities = data.get("capabilities")
        if not isinstance(capabilities, dict):
            raise JMAPError(url=url, reason="the session resource has no capabilities object")
        accounts_data = data.get("accounts")
        if not isinstance(accounts_data, dict):
            raise JMAPError(url=url, reason="the session resource has no accounts object")
        primary = data.get("primaryAccounts")
        primary = primary if isinstance(primary, dict) else {}

        def resolve(key: str, required: bool = True) -> str:
            # Cyrus gives relative URLs; RFC 8620 allows them relative to the session URL
            value = text(key, required)
            return urljoin(url, unambiguous_text(value, f"the session's {key}")) if value else ""

        return cls(
            url=url,
            api_url=resolve("apiUrl"),
            download_url=resolve("downloadUrl", required=False),
            upload_url=resolve("uploadUrl", required=False),
            event_source_url=resolve("eventSourceUrl", required=False),
            username=text("username", required=False),
            state=text("state", required=False),
            capabilities={k: v if isinstance(v, dict) else {} for k, v in capabilities.items()},
            accounts={k: Account.from_jmap(k, v) for k, v in accounts_data.items()},
            primary_accounts={k: v for k, v in primary.items() if isinstance(v, str)},
            raw=data,
        )

    def service_urls(self) -> dict[str, str]:
        """The URLs requests go to, by their name in the session resource (the WebSocket's
        too, when the server offers one)."""
        urls = {
            "apiUrl": self.api_url,
            "downloadUrl": self.download_url,
            "uploadUrl": self.upload_url,
            "eventSourceUrl": self.event_source_url,
        }
        websocket = self.capabilities.get(WEBSOCKET_CAPABILITY, {}).get("url")
        if isinstance(websocket, str) and websocket:
            urls["websocket url"] = urljoin(self.url, websocket)
        return urls

    def to_jmap(self) -> JSONObject:
        """The Session object as the server sent it."""
        return self.raw

    def has_capability(self, capability: str) -> bool:
        """Whether the server advertises ``capability``."""
        return capability in self.capabilities

    def require(self, capability: str) -> None:
        """Raise :class:`JMAPCapabilityError` unless the server advertises ``capability``."""
        if not self.has_capability(capability):
            raise JMAPCapabilityError(capability, url=self.url)

    def account_id_for(self, capability: str = CALENDAR_CAPABILITY) -> str:
        """The account to use for ``capability``: the primary one, else the first that has it."""
        self.require(capability)
        primary = self.primary_accounts.get(capability)
        if primary in self.accounts:
            return primary
        for account in self.accounts.values():
            if capability in account.capabilities:
                return account.id
        raise JMAPCapabilityError(
            capability, reason=f"no account of this session supports {capability}", url=self.url
        )

    @property
    def account_id(self) -> str:
        """The calendar account's id (python-caldav 3.2.1's and calendaring-jmap's name for
        ``account_id_for()``); :class:`JMAPCapabilityError` when no account has calendars."""
        return self.account_id_for(CALENDAR_CAPABILITY)

    @property
    def account_capabilities(self) -> JSONObject:
        """The ``accountCapabilities`` of the calendar account (:attr:`account_id`)."""
        return self.accounts[self.account_id].capabilities

    @property
    def server_capabilities(self) -> JSONObject:
        """The server-level ``capabilities`` (the peers' name for :attr:`capabilities`)."""
        return self.capabilities

    def accounts_for(self, capability: str = CALENDAR_CAPABILITY) -> list[Account]:
        """Every account that supports ``capability``."""
        return [a for a in self.accounts.values() if capability in a.capabilities]

    def _core_limit(self, name: str, default: int) -> int:
        value = self.capabilities.get(CORE_CAPABILITY, {}).get(name)
        return (
            value
            if isinstance(value, int) and not isinstance(value, bool) and value > 0
            else default
        )

    @property
    def max_objects_in_get(self) -> int:
        """How many ids one /get may name (RFC 8620 §2, maxObjectsInGet)."""
        return self._core_limit("maxObjectsInGet", 500)

    @property
    def max_objects_in_set(self) -> int:
        """How many objects one /set may create, update and destroy together."""
        return self._core_limit("maxObjectsInSet", 500)

    @property
    def max_calls_in_request(self) -> int:
        """How many method calls one request may hold."""
        return self._core_limit("maxCallsInRequest", 16)

    @property
    def max_size_request(self) -> int:
        """How many bytes one request may have."""
        return self._core_limit("maxSizeRequest", 10_000_000)


def discover(url: str, retry: RetryPolicy | None = None) -> Steps[Session]:
    """Fetch the session from ``url`` (the session URL or ``/.well-known/jmap``).

    Redirects are followed only to the same origin: the credentials go with every request,
    and must not reach another host.  A GET is safe to repeat, so 429/503 and broken
    connections are retried as ``retry`` says.
    """
    current = url
    policy = retry or RetryPolicy()
    for _ in range(MAX_REDIRECTS + 1):
        request = HTTPRequest("GET", current, {"Accept": "application/json"})
        response = yield from send_with_retries(request, policy, safe_to_repeat=True)
        if response.status in REDIRECT_STATUSES:
            location = response.headers.get("location")
            if not location:
                raise JMAPError(url=current, reason="a redirect without a Location header")
            target = urljoin(current, unambiguous_text(location, "the session redirect's Location"))
            if not server_url(target, url, "the session redirect's Location"):
                raise JMAPError(
                    url=current,
                    reason=f"the session resource redirects to another origin ({target}); "
                    "refused so that the credentials stay with the server they are for",
                )
            current = target
            continue
        raise_for_status(response, "the JMAP session resource")
        return Session.from_jmap(decode_json(response, "the JMAP session resource"), current)
    raise JMAPError(url=url, reason=f"more than {MAX_REDIRECTS} redirects")
