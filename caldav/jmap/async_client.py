"""AsyncJMAPClient: the asyncio JMAP calendar client, with the same methods as JMAPClient.

Example::

    from caldav.jmap import AsyncJMAPClient

    async with AsyncJMAPClient(URL, "alice", "secret") as client:
        calendars = await client.get_calendars()
        event_id = await calendars[0].add_event(ics)
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, Callable, Coroutine
from contextlib import aclosing
from typing import Any, TypeVar

from caldav.jmap._api import client_kwargs
from caldav.jmap._methods.attachment import BlobDownload, BlobSink
from caldav.jmap._protocol.eventsource import StateChange
from caldav.jmap._push import Listener, Watcher
from caldav.jmap._transport import AsyncTransport, Operation
from caldav.jmap._websocket import AsyncWebSocketTransport
from caldav.jmap.async_api import AsyncJMAPClientAPI
from caldav.jmap.config import get_connection_params

__all__ = ["AsyncJMAPClient", "get_async_jmap_client"]

T = TypeVar("T")


class AsyncJMAPClient(AsyncJMAPClientAPI):
    """Async JMAP client on niquests' AsyncSession: every method of
    :class:`~caldav.jmap._api.JMAPClientAPI` returns a coroutine of the same result (the
    types: caldav/jmap/async_api.pyi)."""

    _transport_class = AsyncTransport

    def _run(self, operation: Operation[T]) -> Coroutine[Any, Any, T]:
        coroutine: Coroutine[Any, Any, T] = self._transport.run(operation)
        return coroutine

    # -- push: thin drivers over the sans-IO core of caldav/jmap/_push.py ---------------

    _websocket_transport_class = AsyncWebSocketTransport

    async def _watch(self, watcher: Watcher) -> AsyncGenerator[StateChange, None]:
        while watcher.running:
            with watcher.attempt():
                request, read_timeout = await self._run(watcher.open())
                async with aclosing(self._transport.stream(request, read_timeout)) as parts:
                    async for part in parts:
                        for change in await self._run(watcher.receive(part)):
                            yield change

    async def _listen(self, listener: Listener, on_change: Callable[..., Any]) -> None:
        await self._run(listener.start())
        async with aclosing(self._watch(listener.watcher)) as changes:
            async for change in changes:
                for report in await self._run(listener.fetch(change)):
                    if inspect.isawaitable(result := on_change(*report)):
                        await result
                if listener.done:
                    return

    # -- streamed blob downloads: thin drivers over _methods/attachment.py's BlobDownload --

    async def _download(self, download: BlobDownload) -> AsyncGenerator[bytes, None]:
        while download.running:
            request = await self._run(download.open())
            stream = self._transport.stream(request, self._transport.timeout, self._deadline)
            async with aclosing(stream) as parts:
                async for part in parts:
                    if chunk := download.receive(part):
                        yield chunk
            download.finish()

    async def _download_to(self, download: BlobDownload, sink: BlobSink) -> int:
        # the chunks go to a local file synchronously: brief writes, no thread needed
        with sink:
            async with aclosing(self._download(download)) as chunks:
                async for chunk in chunks:
                    sink.write(chunk)
        return sink.size

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._transport.close()

    async def aclose(self) -> None:
        """Close the HTTP connections (python-caldav 3.2.1's and calendaring-jmap's name)."""
        await self.close()

    async def __aenter__(self) -> AsyncJMAPClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def get_async_jmap_client(**kwargs: Any) -> AsyncJMAPClient | None:
    """An AsyncJMAPClient configured as :func:`caldav.jmap.client.get_jmap_client` is."""
    params = get_connection_params(**kwargs)
    return None if params is None else AsyncJMAPClient(**client_kwargs(params))
