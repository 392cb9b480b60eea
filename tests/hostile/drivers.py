"""Both clients behind one calling convention, so each hostile case runs against both.

``Driver("sync" | "async", url, ...)`` makes a JMAPClient or an AsyncJMAPClient (on a loop
of its own) and calls its public methods: ``driver("get_calendars")`` returns the result
either way; ``driver.first("watch")`` takes the first item of an iterator method.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from caldav.jmap import AsyncJMAPClient, JMAPClient

KINDS = ("sync", "async")
USER, PASSWORD = "alice", "s3cret-pw"


class Driver:
    """One client of either kind, with the hostile tests' credentials."""

    def __init__(self, kind: str, url: str, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("username", USER)
        kwargs.setdefault("password", PASSWORD)
        if kind == "sync":
            self.loop = None
            self.client: Any = JMAPClient(url, **kwargs)
        else:
            self.loop = asyncio.new_event_loop()
            self.client = AsyncJMAPClient(url, **kwargs)
        #: Seconds the last call took.
        self.elapsed = 0.0

    def _wait(self, value: Any) -> Any:
        return value if self.loop is None else self.loop.run_until_complete(value)

    def __call__(self, name: str, *args: Any, **kwargs: Any) -> Any:
        start = time.monotonic()
        try:
            return self._wait(getattr(self.client, name)(*args, **kwargs))
        finally:
            self.elapsed = time.monotonic() - start

    def first(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """The first item of the iterator method ``name`` (which is closed after)."""
        start = time.monotonic()
        iterator = getattr(self.client, name)(*args, **kwargs)
        try:
            if self.loop is None:
                return next(iterator)
            return self.loop.run_until_complete(iterator.__anext__())
        finally:
            self.elapsed = time.monotonic() - start
            if self.loop is None:
                iterator.close()
            else:
                self.loop.run_until_complete(iterator.aclose())

    def close(self) -> None:
        self._wait(self.client.close())
        if self.loop is not None:
            self.loop.close()
