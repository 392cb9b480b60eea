"""Errors raised by :mod:`caldav.jmap`.

All of them are subclasses of python-caldav's own :class:`caldav.lib.error.DAVError`
(python-caldav is a dependency), so ``except DAVError`` catches JMAP failures as it catches
CalDAV ones, and :class:`JMAPAuthError`, :class:`JMAPNotFoundError` and
:class:`JMAPRateLimitError` are also python-caldav's ``AuthorizationError``,
``NotFoundError`` and ``RateLimitError``, and :class:`JMAPStateMismatchError` its
``ETagMismatchError``.

The constructors take DAVError's positional order ``(url, reason, ...)`` and keywords as
python-caldav 3.2.1's ``caldav.jmap`` and calendaring-jmap do, so code that raises or builds
these errors itself keeps working; each class has a default ``error_type``
(``JMAPError().error_type == "serverError"``).

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
    ETagMismatchError,
    NotFoundError,
    RateLimitError,
)

from caldav.jmap._redact import redact

__all__ = [
    "JMAPAuthError",
    "JMAPCredentialsError",
    "JMAPBulkError",
    "JMAPCapabilityError",
    "JMAPConnectionError",
    "JMAPConsistencyError",
    "JMAPConversionError",
    "JMAPError",
    "JMAPMethodError",
    "JMAPNotFoundError",
    "JMAPProtocolError",
    "JMAPRateLimitError",
    "JMAPCannotCalculateChangesError",
    "JMAPLimitError",
    "JMAPRequestTooLargeError",
    "JMAPServerUnavailableError",
    "JMAPStateMismatchError",
    "JMAPTooManyChangesError",
    "JMAPResponseLimitError",
    "JMAPTimeoutError",
    "JMAPURLError",
    "method_error_class",
]


def _is_url(value: object) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


class JMAPError(DAVError):
    """Base class of every JMAP error.

    ``error_type`` is the JMAP error type: the server's (a request-level
    ``urn:ietf:params:jmap:error:*`` URI, or a method-level type such as ``notFound``) when
    it gave one, else the class's default (``serverError`` here, as in python-caldav 3.2.1
    and calendaring-jmap).
    """

    error_type: str = "serverError"

    def __init__(
        self,
        url: str | None = None,
        reason: str | None = None,
        error_type: str | None = None,
        status: int | None = None,
        body: bytes | str | None = None,
        preconditions: list[str] | None = None,
    ) -> None:
        # DAVError's initialiser directly: with RateLimitError in the MRO, super() would
        # reach an initialiser with another signature.
        DAVError.__init__(
            self, url=url, reason=reason, preconditions=preconditions, body=body, status=status
        )
        # python-caldav's DAVError leaves args empty; pickling and logging want the reason
        self.args = (self.reason,)
        if error_type is not None:
            self.error_type = error_type
        _redact(self)

    def __str__(self) -> str:
        kind = f" [{self.error_type}]" if self.error_type else ""
        where = f" at '{self.url}'" if self.url else ""
        return f"{type(self).__name__}{kind}{where}: {self.reason}"


def _redact(error: DAVError) -> None:
    """No password of a URL (``user:pw@``) in what an error shows."""
    if error.url:
        error.url = redact(error.url)
    error.reason = redact(error.reason)
    error.args = tuple(redact(a) if isinstance(a, str) else a for a in error.args)


class JMAPAuthError(JMAPError, AuthorizationError):
    """The server refused the credentials (HTTP 401) or the access (HTTP 403), or the
    credentials given cannot be used (an ``auth_type`` without what it needs)."""

    error_type = "forbidden"
    reason = "Authentication failed"


class JMAPCredentialsError(JMAPAuthError, ValueError):
    """Credentials given to a client that cannot be used (none, a scheme without what it
    needs, an unknown ``auth_type``): the caller's mistake, so also a ``ValueError``, and
    caught by ``except DAVError`` / ``except AuthorizationError`` like a refused login."""


class JMAPConnectionError(JMAPError):
    """The server could not be reached, or the connection broke or timed out.

    ``sent`` is False only when the request provably never left (connection refused, name
    not resolved, connect timed out): then even a request that changes data may go again.
    ``permanent`` is True when asking again cannot help (the server's TLS certificate was
    refused): then nothing is retried.
    """

    error_type = "connectionFailed"
    sent: bool = True
    permanent: bool = False


class JMAPTimeoutError(JMAPConnectionError):
    """One HTTP exchange (connect, send, receive) ran past the client's ``deadline``."""


class JMAPURLError(JMAPError):
    """A URL the client refuses to send a request to: an ambiguous one (backslash, control
    characters, a bad port, userinfo in a URL the server gave) or, with credentials, one
    on another origin than the session's."""


class JMAPResponseLimitError(JMAPError):
    """An answer past one of the client's limits (size, decompressed size, JSON nesting,
    EventSource line or event size): refused before it could exhaust memory or CPU."""


class JMAPProtocolError(JMAPError):
    """The server's answers break the protocol's promises in a way the client cannot work
    around: paging that never ends, a state that comes back, an answer that leaves out
    what it must contain.  Nothing was changed by the client because of it."""


class JMAPCapabilityError(JMAPError):
    """The server does not advertise a capability the operation needs.

    ``capability`` names the missing capability URI.  Both call forms work:
    ``JMAPCapabilityError(capability, reason=None, url=None)`` (this package's) and the
    peers' ``JMAPCapabilityError(url=None, reason=None, error_type=None)``: a first
    argument that is an http(s) URL is the url, anything else (``urn:...``) the capability.
    """

    error_type = "capabilityNotSupported"
    reason = "Server does not support urn:ietf:params:jmap:calendars"

    def __init__(
        self,
        capability: str | None = None,
        reason: str | None = None,
        url: str | None = None,
        error_type: str | None = None,
    ) -> None:
        if _is_url(capability) and url is None:
            capability, url = None, capability
        if capability and not reason:
            reason = f"the server does not support {capability}"
        super().__init__(url=url, reason=reason, error_type=error_type)
        self.capability = capability


class JMAPMethodError(JMAPError):
    """A method call failed, or a /set did not apply to every object.

    ``error_type`` is the RFC 8620 error type (``notFound``, ``invalidArguments``,
    ``cannotCalculateChanges``, ``invalidProperties``, ...), ``method`` the method name,
    ``description`` the server's text, ``properties`` the properties a SetError names and
    ``details`` the whole error object(s) the server returned.

    Positional arguments are ``(reason, error_type)`` (this package's form) or, when there
    are three of them or the first is an http(s) URL, the peers' ``(url, reason,
    error_type)``; every argument may also be given by keyword.
    """

    def __init__(
        self,
        *args: str | None,
        url: str | None = None,
        reason: str | None = None,
        error_type: str | None = None,
        method: str | None = None,
        description: str | None = None,
        properties: list[str] | None = None,
        details: Any = None,
        status: int | None = None,
    ) -> None:
        if len(args) > 3:
            raise TypeError(f"{type(self).__name__} takes at most 3 positional arguments")
        if len(args) == 3 or (args and _is_url(args[0])):
            names: tuple[str, ...] = ("url", "reason", "error_type")
        else:
            names = ("reason", "error_type")
        given = dict(zip(names, args, strict=False))
        keywords = {"url": url, "reason": reason, "error_type": error_type}
        for name, value in given.items():
            if keywords[name] is not None:
                raise TypeError(f"{type(self).__name__} got {name} twice")
            keywords[name] = value
        super().__init__(
            url=keywords["url"],
            reason=keywords["reason"],
            error_type=keywords["error_type"],
            status=status,
        )
        self.method = method
        self.description = description
        self.properties = list(properties or [])
        self.details = details


class JMAPNotFoundError(JMAPMethodError, NotFoundError):
    """The object asked for does not exist (``notFound``); also a caldav NotFoundError."""


class JMAPStateMismatchError(JMAPMethodError, ETagMismatchError):
    """The object or collection changed since the state given as ``if_in_state``: read it
    again, reapply the change, and retry.  Also python-caldav's ``ETagMismatchError``, the
    error its CalDAV client raises for the same situation."""


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

    ``result`` (a :class:`~caldav.jmap._protocol.bulk.BulkResult`) says which were created
    (with their ids), updated and destroyed, and ``result.failed`` which failed and why:
    nothing that succeeded is lost.
    """

    error_type = "bulkFailure"

    def __init__(self, reason: str | None = None, result: Any = None) -> None:
        super().__init__(reason=reason, details=result)
        self.result = result


class JMAPConsistencyError(JMAPError, ConsistencyError):
    """What the server holds contradicts what the call demands: ``add_event(...,
    no_overwrite=True)`` for a UID that exists, ``no_create=True`` for one that does not
    (python-caldav raises its ConsistencyError there; this is one)."""


class JMAPRateLimitError(JMAPError, RateLimitError):
    """The server asked the client to slow down (HTTP 429, or 503 with Retry-After).

    ``retry_after_seconds`` is how long the server asked to wait, when it said.
    """

    error_type = "rateLimit"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        RateLimitError.__init__(self, *args, **kwargs)
        self.args = (self.reason,)
        _redact(self)


class JMAPConversionError(JMAPError, ValueError):
    """iCalendar or JSCalendar input that cannot be converted.

    ``property`` names the offending property when one is to blame.
    """

    error_type = "conversion"

    def __init__(self, reason: str | None = None, property: str | None = None) -> None:
        where = f" (property {property})" if property else ""
        super().__init__(reason=f"{reason or 'cannot convert'}{where}")
        self.property = property
