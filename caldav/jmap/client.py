"""JMAPClient: the blocking JMAP calendar client.

Example::

    from caldav.jmap import JMAPClient

    with JMAPClient("https://jmap.example.com/.well-known/jmap", "alice", "secret") as client:
        for cal in client.get_calendars():
            print(cal.name, len(cal.search(start="2026-01-01", end="2026-02-01")))
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from contextlib import closing
from typing import Any, TypeVar

from caldav.jmap._api import JMAPClientAPI, client_kwargs
from caldav.jmap._methods.attachment import BlobDownload, BlobSink
from caldav.jmap._protocol.eventsource import StateChange
from caldav.jmap._push import Listener, Watcher
from caldav.jmap._transport import Operation, SyncTransport
from caldav.jmap._websocket import SyncWebSocketTransport
from caldav.jmap.config import get_connection_params

__all__ = ["JMAPClient", "get_jmap_client"]

T = TypeVar("T")


class JMAPClient(JMAPClientAPI):
    """Blocking JMAP client (niquests, or requests when niquests is not installed).

    See :class:`~caldav.jmap._api.JMAPClientAPI` for the methods.
    """

    _transport_class = SyncTransport

    def _run(self, operation: Operation[T]) -> T:
        result: T = self._transport.run(operation)
        return result

    # -- push: thin drivers over the sans-IO core of caldav/jmap/_push.py ---------------

    _websocket_transport_class = SyncWebSocketTransport

    def _watch(self, watcher: Watcher) -> Generator[StateChange, None, None]:
        while watcher.running:
            with (
                watcher.attempt(),
                closing(self._transport.stream(*self._run(watcher.open()))) as parts,
            ):
                for part in parts:
                    yield from self._run(watcher.receive(part))

    def _listen(self, listener: Listener, on_change: Callable[..., Any]) -> None:
        self._run(listener.start())
        with closing(self._watch(listener.watcher)) as changes:
            for change in changes:
                for report in self._run(listener.fetch(change)):
                    on_change(*report)
                if listener.done:
                    return

    # -- streamed blob downloads: thin drivers over _methods/attachment.py's BlobDownload --

    def _download(self, download: BlobDownload) -> Generator[bytes, None, None]:
        while download.running:
            request = self._run(download.open())
            stream = self._transport.stream(request, self._transport.timeout, self._deadline)
            with closing(stream) as parts:
                for part in parts:
                    if chunk := download.receive(part):
                        yield chunk
            download.finish()

    def _download_to(self, download: BlobDownload, sink: BlobSink) -> int:
        with sink, closing(self._download(download)) as chunks:
            for chunk in chunks:
                sink.write(chunk)
        return sink.size

    def close(self) -> None:
        """Close the HTTP connections."""
        self._transport.close()

    def __enter__(self) -> JMAPClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def get_jmap_client(**kwargs: Any) -> JMAPClient | None:
    """A JMAPClient from explicit arguments, the environment or the config file, resolved
    as python-caldav's ``get_davclient`` does; None when nothing is configured.

    Example::

        client = get_jmap_client()                      # CALDAV_URL, JMAP_URL, config file
        client = get_jmap_client(config_section="work")
        client = get_jmap_client(url=URL, auth=my_auth)
    """
    params = get_connection_params(**kwargs)
    return None if params is None else JMAPClient(**client_kwargs(params))
