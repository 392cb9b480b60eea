"""When to send a request again, and how long to wait first: decisions, not sleeps.

The core asks the transport to wait by yielding a :class:`Pause`; the sync transport sleeps,
the async one awaits.  A request is repeated only when repeating it is safe: always after
HTTP 429 or 503 (the server did not process it), and after a broken connection only when
it changes nothing (/get, /query, /changes, ...) — a /set whose answer was lost may have
been applied, so it is never blindly sent twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from caldav.jmap.error import JMAPConnectionError
from caldav.jmap.protocol.http import HTTPRequest, HTTPResponse, parse_retry_after
from caldav.jmap.protocol.steps import Pause, Steps

__all__ = ["RETRY_STATUSES", "RetryPolicy", "send_with_retries"]

#: Statuses after which the request was not processed and may be sent again.
RETRY_STATUSES = (429, 503)


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter, capped; Retry-After wins when the server says.

    ``retries`` is how many times one request may be repeated (0 disables retrying).
    """

    retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 30.0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before repeat number ``attempt`` (0-based)."""
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        return self.rng.uniform(0, ceiling)


def send_with_retries(
    request: HTTPRequest, policy: RetryPolicy, *, safe_to_repeat: bool
) -> Steps[HTTPResponse]:
    """Send ``request``; repeat it on 429/503 and, when ``safe_to_repeat``, on a broken
    connection, waiting as ``policy`` says.  Returns the last response (the caller reads
    its status); the last connection error is raised."""
    attempt = 0
    while True:
        last = attempt >= policy.retries
        try:
            response = yield request
        except JMAPConnectionError:
            if last or not safe_to_repeat:
                raise
            yield Pause(policy.delay(attempt))
            attempt += 1
            continue
        assert response is not None
        if response.status in RETRY_STATUSES and not last:
            yield Pause(
                policy.delay(attempt, parse_retry_after(response.headers.get("retry-after")))
            )
            attempt += 1
            continue
        return response
