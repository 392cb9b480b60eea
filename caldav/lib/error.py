"""The DAVError hierarchy, with python-caldav's names.

Every error this package raises on a failed request is a :class:`DAVError`, so code written
for the CalDAV client (``except DAVError``, ``except NotFoundError``) keeps working when it
talks JMAP.  ``caldav.error`` is this same module.

Example::

    from caldav.lib.error import AuthorizationError, DAVError

    try:
        client.get_calendars()
    except AuthorizationError:
        ...  # wrong password
    except DAVError as e:
        print(e.reason)
"""

from __future__ import annotations

__all__ = [
    "AuthorizationError",
    "ConsistencyError",
    "DAVError",
    "DeleteError",
    "ETagMismatchError",
    "MkcalendarError",
    "MkcolError",
    "NotFoundError",
    "PropfindError",
    "ProppatchError",
    "PropsetError",
    "PutError",
    "RateLimitError",
    "ReportError",
    "ResponseError",
    "ScheduleTagMismatchError",
    "UidConflictError",
]


class DAVError(Exception):
    """Base class of the errors raised on a failed request.

    ``url`` is where the request went, ``reason`` a human-readable explanation, ``status``
    the HTTP status code when there was one, ``body`` the raw response body (or None), and
    ``preconditions`` any protocol-level condition names the server gave.
    """

    url: str | None = None
    reason: str = "no reason"

    def __init__(
        self,
        url: str | None = None,
        reason: str | None = None,
        preconditions: list[str] | None = None,
        body: bytes | str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(reason or self.reason)
        if url:
            self.url = url
        if reason:
            self.reason = reason
        self.preconditions = list(preconditions) if preconditions else []
        self.body = body
        self.status = status

    def __str__(self) -> str:
        return f"{type(self).__name__} at '{self.url}', reason {self.reason}"


class AuthorizationError(DAVError):
    """The server refused the credentials (HTTP 401) or the access (HTTP 403)."""


class PropsetError(DAVError):
    """Setting a property failed."""


class ProppatchError(DAVError):
    """A PROPPATCH failed."""


class PropfindError(DAVError):
    """A PROPFIND failed."""


class ReportError(DAVError):
    """A REPORT failed."""


class MkcolError(DAVError):
    """Creating a collection failed."""


class MkcalendarError(DAVError):
    """Creating a calendar failed."""


class PutError(DAVError):
    """Storing an object failed."""


class UidConflictError(PutError):
    """An object with the same UID already exists."""


class DeleteError(DAVError):
    """Deleting an object failed."""


class NotFoundError(DAVError):
    """The object or collection does not exist."""


class ConsistencyError(DAVError):
    """The server's answer contradicts itself or the request."""


class ResponseError(DAVError):
    """The server's answer could not be understood."""


class ScheduleTagMismatchError(DAVError):
    """The object changed on the server since it was read (scheduling tag)."""


class ETagMismatchError(DAVError):
    """The object changed on the server since it was read."""


class RateLimitError(DAVError):
    """The server asked the client to slow down (HTTP 429, or 503 with Retry-After).

    ``retry_after`` is the raw header, ``retry_after_seconds`` its value in seconds when it
    could be read.
    """

    def __init__(
        self,
        url: str | None = None,
        reason: str | None = None,
        retry_after: str | None = None,
        retry_after_seconds: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(url=url, reason=reason, status=status)
        self.retry_after = retry_after
        self.retry_after_seconds = retry_after_seconds
