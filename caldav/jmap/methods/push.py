"""PushSubscription operations (RFC 8620 §7.2): registering a Web Push endpoint.

A push subscription belongs to the user's credentials, not to an account: its calls carry
no ``accountId``.  The server first POSTs a PushVerification (with a verification code) to
the URL; the subscription delivers StateChanges only once the code is set on it with
:func:`verify_push_subscription`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from caldav.jmap.constants import CORE_CAPABILITY
from caldav.jmap.error import JMAPError
from caldav.jmap.protocol.connection import Connection
from caldav.jmap.protocol.request import Call
from caldav.jmap.protocol.standard import parse_set, raise_set_errors
from caldav.jmap.protocol.steps import Steps

__all__ = [
    "PushSubscription",
    "create_push_subscription",
    "delete_push_subscription",
    "get_push_subscriptions",
    "verify_push_subscription",
]

GET = "PushSubscription/get"
SET = "PushSubscription/set"


@dataclass(frozen=True)
class PushSubscription:
    """A registered push endpoint: ``url`` receives the StateChanges of ``types`` (None:
    every type) once ``verification_code`` is set; ``expires`` is when the server drops
    it (UTC), None when it set no limit."""

    id: str
    device_client_id: str
    url: str
    types: list[str] | None = None
    expires: datetime | None = None
    verification_code: str | None = None
    keys: dict[str, str] | None = field(default=None, repr=False)

    @classmethod
    def from_jmap(cls, data: Any) -> PushSubscription:
        """Read one PushSubscription object; a malformed one raises JMAPError."""
        if not isinstance(data, dict):
            raise JMAPError(reason=f"a {GET} object is not a JSON object")
        for key in ("id", "deviceClientId", "url"):
            if not isinstance(data.get(key), str):
                raise JMAPError(reason=f"a {GET} object has no {key!r} string")
        types = data.get("types")
        if types is not None and not (
            isinstance(types, list) and all(isinstance(t, str) for t in types)
        ):
            raise JMAPError(reason=f"the {GET} object {data['id']!r} has a malformed 'types'")
        expires = data.get("expires")
        return cls(
            id=data["id"],
            device_client_id=data["deviceClientId"],
            url=data["url"],
            types=types,
            expires=_parse_utc(expires) if isinstance(expires, str) else None,
            verification_code=data.get("verificationCode"),
            keys=data.get("keys"),
        )


def _utc_date(value: datetime | str) -> str:
    """A UTCDate (RFC 8620 §1.4): naive datetimes are taken as UTC."""
    if isinstance(value, str):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _parse_utc(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _set(conn: Connection, **arguments: Any) -> Steps[Any]:
    responses = yield from conn.call(Call(SET, arguments, CORE_CAPABILITY))
    result = parse_set(responses.get("c0", SET), SET)
    raise_set_errors(result, SET)
    return result


def create_push_subscription(
    conn: Connection,
    device_client_id: str,
    url: str,
    types: list[str] | tuple[str, ...] | None = None,
    keys: dict[str, str] | None = None,
    expires: datetime | str | None = None,
) -> Steps[str]:
    """Register ``url`` for the StateChanges of ``types`` (None: every type); ``keys`` are
    the Web Push encryption keys (``p256dh``, ``auth``).  Returns the subscription id."""
    if not url.lower().startswith("https://"):
        raise ValueError(f"a push subscription URL must be https (RFC 8620 §7.2), not {url!r}")
    subscription: dict[str, Any] = {"deviceClientId": device_client_id, "url": url}
    if types is not None:
        subscription["types"] = list(types)
    if keys is not None:
        subscription["keys"] = dict(keys)
    if expires is not None:
        subscription["expires"] = _utc_date(expires)
    result = yield from _set(conn, create={"push": subscription})
    return str(result.created["push"]["id"])


def verify_push_subscription(
    conn: Connection, subscription_id: str, verification_code: str
) -> Steps[None]:
    """Set the code the server sent to the URL in its PushVerification: from then on the
    subscription delivers changes."""
    yield from _set(conn, update={subscription_id: {"verificationCode": verification_code}})


def get_push_subscriptions(conn: Connection) -> Steps[list[PushSubscription]]:
    """Every push subscription of the user's credentials."""
    responses = yield from conn.call(Call(GET, {"ids": None}, CORE_CAPABILITY))
    # no parse_get: this /get has no state (RFC 8620 §7.2.1)
    objects = responses.get("c0", GET).get("list")
    if not isinstance(objects, list):
        raise JMAPError(reason=f"the {GET} response has no 'list' array")
    return [PushSubscription.from_jmap(obj) for obj in objects]


def delete_push_subscription(conn: Connection, subscription_id: str) -> Steps[None]:
    """Remove the subscription (an unknown id raises JMAPNotFoundError)."""
    yield from _set(conn, destroy=[subscription_id])
