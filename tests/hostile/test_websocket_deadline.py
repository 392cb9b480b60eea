"""API requests over a WebSocket get the deadline too (item 12): a socket that sends only
pushes, never the answer, must not hold a call.  Canned: no server here speaks RFC 8887;
the socket peer is tests/unit/test_push.py's."""

from __future__ import annotations

import asyncio
import threading

import pytest

from caldav.jmap.error import JMAPTimeoutError
from tests.unit.fake_jmap import async_client, sync_client
from tests.unit.test_push import WebSocketPeer, ws_peer  # noqa: F401 - the fixture

PUSH = {"@type": "StateChange", "changed": {"A1": {"Calendar": "x"}}}


def _pushing(peer: WebSocketPeer, stop: threading.Event) -> threading.Thread:
    """Pushes a StateChange every 0.1 s and answers no request."""
    peer.answer = lambda text: '{"@type": "Ignored"}'  # type: ignore[method-assign]

    def run() -> None:
        for _ in range(200):  # at most 20 s
            if stop.wait(0.1):
                return
            peer.push(PUSH)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_websocket_that_never_answers_is_cut_at_the_deadline(ws_peer, kind):  # noqa: F811
    make = sync_client if kind == "sync" else async_client
    client = make(ws_peer.api, allow_other_origins=True, deadline=1.0, timeout=2)
    stop = threading.Event()
    try:
        if kind == "sync":
            client.use_websocket()
            _pushing(ws_peer, stop)
            with pytest.raises(JMAPTimeoutError):
                client.get_calendars()
        else:

            async def run() -> None:
                await client.use_websocket()
                _pushing(ws_peer, stop)
                with pytest.raises(JMAPTimeoutError):
                    await asyncio.wait_for(client.get_calendars(), 10)
                await client.close()

            asyncio.run(run())
    finally:
        stop.set()
        if kind == "sync":
            client.close()
