"""AsyncJMAPClient: the asyncio JMAP calendar client, with the same methods as JMAPClient.

Example::

    from caldav.jmap import AsyncJMAPClient

    async with AsyncJMAPClient(URL, "alice", "secret") as client:
        calendars = await client.get_calendars()
        event_id = await calendars[0].add_event(ics)
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from caldav.jmap.api import JMAPClientAPI, client_kwargs
from caldav.jmap.transport import AsyncTransport, Operation

__all__ = ["AsyncJMAPClient", "get_async_jmap_client"]


class AsyncJMAPClient(JMAPClientAPI):
    """Async JMAP client on niquests' AsyncSession: every method of
    :class:`~caldav.jmap.api.JMAPClientAPI` returns an awaitable of the same result."""

    _transport_class = AsyncTransport

    def _run(self, operation: Operation[Any]) -> Awaitable[Any]:
        return self._transport.run(operation)

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._transport.close()

    async def __aenter__(self) -> AsyncJMAPClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def get_async_jmap_client(**kwargs: Any) -> AsyncJMAPClient | None:
    """An AsyncJMAPClient configured as :func:`caldav.jmap.client.get_jmap_client` is."""
    from caldav.config import get_connection_params  # reads pyyaml and the config library

    params = get_connection_params(**kwargs)
    return None if params is None else AsyncJMAPClient(**client_kwargs(params))
