"""When to send a request again, and how long to wait first: decisions, not sleeps.

The core asks the transport to wait by yielding a :class:`Pause`; the sync transport sleeps,
the async one awaits.  A request is repeated only when repeating it is provably harmless:

* a request that provably never left (connection refused, name not resolved, connect
  timed out: ``JMAPConnectionError.sent`` is False) may always go again;
* after a 429, a 503 or a broken connection, only a request whose every call is declared
  safe to repeat: the kind each :class:`~caldav.jmap._protocol.request.Call` carries from
  its data type's spec (:mod:`caldav.jmap._registry`) says so for the methods that read,
  and for a /set that only destroys.
  A /set that creates or updates, a /copy, a reply: the server may have applied it before
  its answer was lost or refused (JMAP cannot prove otherwise), so it is never sent twice.
  Bulk creates recover instead by looking their UIDs up first (_protocol/bulk.py).

Retry-After is honoured as the server says, as long as the total wait for one request
stays within :attr:`RetryPolicy.max_wait`; past that the last answer is returned, and
its caller raises :class:`~caldav.jmap.error.JMAPRateLimitError` with the server's value.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from caldav.jmap._protocol.http import HTTPRequest, HTTPResponse, parse_retry_after
from caldav.jmap._protocol.request import WRITES, Call
from caldav.jmap._protocol.steps import Pause, Steps
from caldav.jmap.error import JMAPConnectionError, JMAPError, JMAPTimeoutError

__all__ = [
    "DEFAULT_MAX_RETRY_WAIT",
    "RETRY_STATUSES",
    "RetryPolicy",
    "backoff_ceiling",
    "outcome_unknown",
    "safe_to_repeat",
    "send_with_retries",
]

#: Statuses after which a request that is safe to repeat is sent again.
RETRY_STATUSES = (429, 503)

#: Seconds the client waits at most, in total, for one request the server answers with
#: 429/503 (Retry-After included) before it gives up.
DEFAULT_MAX_RETRY_WAIT = 120.0


def backoff_ceiling(base_delay: float, max_delay: float, attempt: int) -> float:
    """The longest wait before repeat number ``attempt`` (0-based) of an exponential
    backoff: ``base_delay * 2**attempt``, capped at ``max_delay`` (the exponent is bounded,
    so a long run of failures cannot overflow)."""
    return min(max_delay, base_delay * 2.0 ** min(attempt, 32))


def safe_to_repeat(calls: Iterable[Call]) -> bool:
    """Whether a request of these calls may be sent twice: each call's declared kind
    (a call without one changes data and is never repeated)."""
    for call in calls:
        kind = call.kind or WRITES
        if kind.repeat == "always":
            continue
        only_destroys = (
            kind.repeat == "destroys-only"
            and not call.arguments.get("create")
            and not call.arguments.get("update")
        )
        if not only_destroys:
            return False
    return True


def outcome_unknown(error: JMAPError) -> bool:
    """Whether a failed request that changes data may or may not have been applied: its
    answer was lost (a broken connection after sending) or it was refused with 429/503,
    which JMAP does not promise means "not applied"."""
    if isinstance(error, JMAPConnectionError):
        return error.sent
    return error.status in RETRY_STATUSES


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter; Retry-After wins when the server says.

    ``retries`` is how many times one request may be repeated (0 disables retrying);
    ``max_delay`` caps one backoff pause (not a Retry-After the server asked for);
    ``max_wait`` caps the total of the pauses for one request.
    """

    retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_wait: float = DEFAULT_MAX_RETRY_WAIT
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before repeat number ``attempt`` (0-based): the server's
        Retry-After when given, else the backoff."""
        if retry_after is not None:
            return retry_after
        return self.rng.uniform(0, backoff_ceiling(self.base_delay, self.max_delay, attempt))

    def pause(self, attempt: int, waited: float, retry_after: float | None = None) -> float | None:
        """The wait before repeat ``attempt`` after ``waited`` seconds of waiting so far, or
        None to give up (no repeats left, or the wait would pass ``max_wait``)."""
        if attempt >= self.retries:
            return None
        seconds = self.delay(attempt, retry_after)
        return None if waited + seconds > self.max_wait else seconds


def send_with_retries(
    request: HTTPRequest,
    policy: RetryPolicy,
    *,
    safe_to_repeat: bool,
    rewind: Callable[[], object] | None = None,
) -> Steps[HTTPResponse]:
    """Send ``request``; when ``safe_to_repeat``, repeat it after 429/503 and a broken
    connection, waiting as ``policy`` says; a request that never left goes again in any
    case.  ``rewind`` runs before each sending (a file body goes back to its start).
    Returns the last response (the caller reads its status); the last connection error
    is raised."""
    attempt, waited = 0, 0.0
    while True:
        if rewind is not None:
            rewind()
        try:
            response = yield request
        except JMAPTimeoutError:
            raise  # the whole deadline went by: the caller's time is up, not the server's
        except JMAPConnectionError as error:
            if error.permanent:
                raise
            seconds = policy.pause(attempt, waited) if safe_to_repeat or not error.sent else None
            if seconds is None:
                raise
        else:
            assert response is not None
            if response.status not in RETRY_STATUSES or not safe_to_repeat:
                return response
            hint = parse_retry_after(response.headers.get("retry-after"))
            seconds = policy.pause(attempt, waited, hint)
            if seconds is None:
                return response
        yield Pause(seconds)
        waited += seconds
        attempt += 1
