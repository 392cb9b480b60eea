"""Fixtures for the tests against the local Cyrus 3.10 (see tests/conftest.py).

Every test that takes ``jmap`` runs twice: with the sync JMAPClient and with the
AsyncJMAPClient.  ``jmap(x)`` turns a call's result into its value either way, so one test
body covers both clients.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from caldav.jmap import AsyncJMAPClient, JMAPClient

PASSWORD = os.environ.get("CYRUS_PASSWORD", "password")


class Harness:
    """A client and the way to get a value out of its calls."""

    def __init__(self, client: Any, resolve: Callable[[Any], Any], kind: str) -> None:
        self.client = client
        self.kind = kind
        self._resolve = resolve
        self.posts = 0
        send = client._transport.send

        # Count API requests, to check what must take one round trip
        if kind == "sync":

            def counting(request: Any) -> Any:
                self.posts += request.method == "POST"
                return send(request)

        else:

            async def counting(request: Any) -> Any:
                self.posts += request.method == "POST"
                return await send(request)

        client._transport.send = counting

    def __call__(self, value: Any) -> Any:
        return self._resolve(value)


def make_client(kind: str, url: str, user: str = "user1", password: str = PASSWORD) -> Any:
    cls = JMAPClient if kind == "sync" else AsyncJMAPClient
    return cls(url, username=user, password=password)


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
        harness = Harness(make_client(kind, url or cyrus_url, user, password), resolve, kind)
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
