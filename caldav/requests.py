"""Authentication helpers for requests and niquests sessions.

Example::

    import niquests  # or: import requests

    from caldav.requests import HTTPBearerAuth

    session = niquests.Session()
    session.auth = HTTPBearerAuth("my-api-token")
    session.get("https://jmap.example.com/.well-known/jmap")  # Authorization: Bearer my-api-token
"""

from __future__ import annotations

from typing import Any

__all__ = ["HTTPBearerAuth"]

try:
    from requests.auth import AuthBase as _AuthBase
except ImportError:  # pragma: no cover - requests is a dependency, niquests the fallback
    try:
        from niquests.auth import AuthBase as _AuthBase  # type: ignore[assignment]
    except ImportError:
        _AuthBase = object  # type: ignore[assignment,misc]


class HTTPBearerAuth(_AuthBase):  # type: ignore[misc,valid-type]
    """Sends ``Authorization: Bearer <password>`` with every request.

    A requests-style auth callable: assign it to ``session.auth`` of a requests or a
    niquests session, or pass it as ``auth=``.  Two instances are equal when their tokens
    are; the ``repr`` never shows the token.

    Example::

        session.auth = HTTPBearerAuth("my-api-token")
    """

    def __init__(self, password: str) -> None:
        self.password = password

    @property
    def token(self) -> str:
        """The Bearer token (the ``password`` given)."""
        return self.password

    def __call__(self, r: Any) -> Any:
        """Set the ``Authorization`` header on the prepared request ``r`` and return it."""
        r.headers["Authorization"] = f"Bearer {self.password}"
        return r

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HTTPBearerAuth):
            return NotImplemented
        return self.password == other.password

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash((HTTPBearerAuth, self.password))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(***)"
