"""PushSubscription (RFC 8620 §7.2): a registered Web Push endpoint, as the server reports it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from caldav.jmap.error import JMAPError

__all__ = ["PushSubscription"]

GET = "PushSubscription/get"


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
    def from_jmap(cls, data: Any, client: object = None) -> PushSubscription:
        """Read one PushSubscription object (``client`` is unused: a subscription has no
        methods); a malformed one raises JMAPError."""
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


def _parse_utc(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
