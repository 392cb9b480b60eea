"""Fixtures for the tests against the local Cyrus 3.10 (see tests/conftest.py).

Every test that takes ``jmap`` runs twice: with the sync JMAPClient and with the
AsyncJMAPClient.  ``jmap(x)`` turns a call's result into its value either way, so one test
body covers both clients.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from contextlib import aclosing
from typing import Any

import pytest

from caldav.jmap import AsyncJMAPClient, HTTPRequest, JMAPClient

PASSWORD = os.environ.get("CYRUS_PASSWORD", "password")


class Harness:
    """A client and the way to get a value out of its calls.

    The client's ``http_send`` hook hands every exchange on to the network unchanged, and
    counts the API requests (to check what must take one round trip); a test adds
    ``before`` (called with each request as it goes out) and ``after`` (once its whole
    answer is in, before the client reads it).
    """

    def __init__(
        self, kind: str, url: str, user: str, password: str, resolve: Callable[[Any], Any]
    ) -> None:
        self.kind = kind
        self._resolve = resolve
        self.posts = 0
        self.before: list[Callable[[HTTPRequest], None]] = []
        self.after: list[Callable[[HTTPRequest], None]] = []
        send = self._send if kind == "sync" else self._async_send
        self.client = make_client(kind, url, user, password, http_send=send)

    def _going(self, request: HTTPRequest) -> None:
        self.posts += request.method == "POST"
        for observe in self.before:
            observe(request)

    def _answered(self, request: HTTPRequest) -> None:
        for observe in self.after:
            observe(request)

    def _send(
        self, request: HTTPRequest, network: Callable[[HTTPRequest], Iterator[Any]]
    ) -> Iterator[Any]:
        self._going(request)
        yield from network(request)
        self._answered(request)

    async def _async_send(
        self, request: HTTPRequest, network: Callable[[HTTPRequest], AsyncGenerator[Any, None]]
    ) -> AsyncIterator[Any]:
        self._going(request)
        async with aclosing(network(request)) as parts:
            async for part in parts:
                yield part
        self._answered(request)

    def __call__(self, value: Any) -> Any:
        return self._resolve(value)


def make_client(
    kind: str, url: str, user: str = "user1", password: str = PASSWORD, **kwargs: Any
) -> Any:
    cls = JMAPClient if kind == "sync" else AsyncJMAPClient
    return cls(url, username=user, password=password, **kwargs)


@pytest.fixture(params=["sync", "async"])
def harness_factory(
    request: pytest.FixtureRequest, cyrus_url: str
) -> Iterator[Callable[..., Harness]]:
    """Makes harnesses of the parametrised kind, for any user; closes them afterwards."""
    kind = request.param
    loop = asyncio.new_event_loop() if kind == "async" else None
    made: list[Harness] = []

    def resolve(value: Any) -> Any:
        if loop is not None and asyncio.iscoroutine(value):
            return loop.run_until_complete(value)
        return value

    def factory(user: str = "user1", password: str = PASSWORD, url: str | None = None) -> Harness:
        harness = Harness(kind, url or cyrus_url, user, password, resolve)
        made.append(harness)
        return harness

    yield factory
    for harness in made:
        resolve(harness.client.close())
    if loop is not None:
        loop.close()


@pytest.fixture
def jmap(harness_factory: Callable[..., Harness]) -> Harness:
    """user1's client, sync or async."""
    return harness_factory()


@pytest.fixture
def uid() -> str:
    """A fresh UID, so tests sharing the server's calendar never see each other's events."""
    return f"{uuid.uuid4()}@caldav-jmap-tests"
