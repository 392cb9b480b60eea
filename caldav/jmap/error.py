"""Errors raised by :mod:`caldav.jmap`.

All of them are :class:`caldav.lib.error.DAVError` subclasses, so ``except DAVError`` catches
JMAP failures as it catches CalDAV ones.

Example::

    from caldav.jmap.error import JMAPMethodError

    try:
        client.get_event("no-such-id")
    except JMAPMethodError as e:
        print(e.error_type)  # "notFound"
"""

from __future__ import annotations

from typing import Any

from caldav.lib.error import (
    AuthorizationError,
    ConsistencyError,
    DAVError,
    NotFoundError,
    RateLimitError,
)

__all__ = [
    "JMAPAuthError",
    "JMAPBulkError",
    "JMAPCapabilityError",
    "JMAPConnectionError",
    "JMAPConsistencyError",
    "JMAPConversionError",
    "JMAPError",
    "JMAPMethodError",
    "JMAPNotFoundError",
    "JMAPRateLimitError",
    "JMAPCannotCalculateChangesError",
    "JMAPLimitError",
    "JMAPRequestTooLargeError",
    "JMAPServerUnavailableError",
    "JMAPStateMismatchError",
    "JMAPTooManyChangesError",
    "method_error_class",
]


class JMAPError(DAVError):
    """Base class of every JMAP error.

    ``error_type`` is the JMAP error type when the server gave one (a request-level
    ``urn:ietf:params:jmap:error:*`` URI, or a method-level type such as ``notFound``).
    """

    def __init__(
        self,
        url: str | None = None,
        reason: str | None = None,
        error_type: str | None = None,
        status: int | None = None,
        body: bytes | str | None = None,
    ) -> None:
        # DAVError's initialiser directly: with RateLimitError in the MRO, super() would
        # reach an initialiser with another signature.
        DAVError.__init__(self, url=url, reason=reason, status=status, body=body)
        self.error_type = error_type

    def __str__(self) -> str:
        kind = f" [{self.error_type}]" if self.error_type else ""
        where = f" at '{self.url}'" if self.url else ""
        return f"{type(self).__name__}{kind}{where}: {self.reason}"


class JMAPAuthError(JMAPError, AuthorizationError):
    """The server refused the credentials (HTTP 401) or the access (HTTP 403)."""


class JMAPConnectionError(JMAPError):
    """The server could not be reached, or the connection broke or timed out."""


class JMAPCapabilityError(JMAPError):
    """The server does not advertise a capability the operation needs.

    ``capability`` names the missing capability URI.
    """

    def __init__(self, capability: str, reason: str | None = None, url: str | None = None):
        super().__init__(
            url=url,
            reason=reason or f"the server does not support {capability}",
            error_type="capabilityMissing",
        )
        self.capability = capability


class JMAPMethodError(JMAPError):
    """A method call failed, or a /set did not apply to every object.

    ``error_type`` is the RFC 8620 error type (``notFound``, ``invalidArguments``,
    ``cannotCalculateChanges``, ``invalidProperties``, ...), ``method`` the method name,
    ``description`` the server's text, ``properties`` the properties a SetError names and
    ``details`` the whole error object(s) the server returned.
    """

    def __init__(
        self,
        reason: str,
        error_type: str,
        *,
        method: str | None = None,
        description: str | None = None,
        properties: list[str] | None = None,
        details: Any = None,
        url: str | None = None,
    ) -> None:
        super().__init__(url=url, reason=reason, error_type=error_type)
        self.method = method
        self.description = description
        self.properties = list(properties or [])
        self.details = details


class JMAPNotFoundError(JMAPMethodError, NotFoundError):
    """The object asked for does not exist (``notFound``); also a caldav NotFoundError."""


class JMAPStateMismatchError(JMAPMethodError):
    """The object or collection changed since the state given as ``if_in_state``: read it
    again, reapply the change, and retry."""


class JMAPCannotCalculateChangesError(JMAPMethodError):
    """The server cannot tell what changed since that state: resynchronise from scratch."""


class JMAPTooManyChangesError(JMAPMethodError):
    """More changes than ``maxChanges`` allows: ask again with a larger limit or resync."""


class JMAPRequestTooLargeError(JMAPMethodError):
    """The request exceeded a server limit: split it into smaller requests."""


class JMAPLimitError(JMAPMethodError):
    """A server limit (quota, objects per calendar, ...) was reached: remove something first."""


class JMAPServerUnavailableError(JMAPMethodError):
    """The server cannot answer this call now: try again later."""


#: The exception class for each method-level error type that has its own.
METHOD_ERROR_CLASSES: dict[str, type[JMAPMethodError]] = {
    "notFound": JMAPNotFoundError,
    "stateMismatch": JMAPStateMismatchError,
    "cannotCalculateChanges": JMAPCannotCalculateChangesError,
    "tooManyChanges": JMAPTooManyChangesError,
    "requestTooLarge": JMAPRequestTooLargeError,
    "limit": JMAPLimitError,
    "overQuota": JMAPLimitError,
    "serverUnavailable": JMAPServerUnavailableError,
}

#: What the caller should do about an error type, appended to the message.
METHOD_ERROR_ADVICE: dict[str, str] = {
    "stateMismatch": "the data changed since it was read: read it again and retry",
    "cannotCalculateChanges": "the state is too old: resynchronise from scratch "
    "(get a new sync token)",
    "tooManyChanges": "more changes than the limit: resynchronise from scratch",
    "requestTooLarge": "the request is too large for the server: send fewer objects at once",
    "limit": "a server limit was reached",
    "overQuota": "the account is over quota",
    "serverUnavailable": "the server is busy: try again later",
}


def method_error_class(error_type: str) -> type[JMAPMethodError]:
    """The exception class for a method-level error type."""
    return METHOD_ERROR_CLASSES.get(error_type, JMAPMethodError)


class JMAPBulkError(JMAPMethodError):
    """Some objects of a bulk operation did not go through.

    ``result`` (a :class:`~caldav.jmap.protocol.bulk.BulkResult`) says which were created
    (with their ids), updated and destroyed, and ``result.failed`` which failed and why:
    nothing that succeeded is lost.
    """

    def __init__(self, reason: str, result: Any) -> None:
        super().__init__(reason, "bulkFailure", details=result)
        self.result = result


class JMAPConsistencyError(JMAPError, ConsistencyError):
    """What the server holds contradicts what the call demands: ``add_event(...,
    no_overwrite=True)`` for a UID that exists, ``no_create=True`` for one that does not
    (python-caldav raises its ConsistencyError there; this is one)."""


class JMAPRateLimitError(JMAPError, RateLimitError):
    """The server asked the client to slow down (HTTP 429, or 503 with Retry-After).

    ``retry_after_seconds`` is how long the server asked to wait, when it said.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        RateLimitError.__init__(self, *args, **kwargs)
        self.error_type = "rateLimit"


class JMAPConversionError(JMAPError, ValueError):
    """iCalendar or JSCalendar input that cannot be converted.

    ``property`` names the offending property when one is to blame.
    """

    def __init__(self, reason: str, property: str | None = None) -> None:
        where = f" (property {property})" if property else ""
        super().__init__(reason=f"{reason}{where}", error_type="conversion")
        self.property = property
