"""Fixtures: a hostile server, and a second one on another loopback port (another origin)
that records whether credentials reached it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.hostile.drivers import KINDS, Driver
from tests.hostile.server import HostileServer, Reply


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    """A started HostileServer with no scripts yet (see ``serve_jmap``)."""
    with HostileServer() as server:
        yield server


@pytest.fixture
def other_origin() -> Iterator[HostileServer]:
    """A second server: its port makes it another origin.  Any path answers 200."""
    with HostileServer() as server:
        server.default = Reply.json({"methodResponses": []})
        yield server


@pytest.fixture(params=KINDS)
def drive(request: pytest.FixtureRequest) -> Iterator[Callable[..., Driver]]:
    """A factory of Drivers of one kind (the test runs once with each client):
    ``driver = drive(url, **client_kwargs)``; they are closed after the test."""
    made: list[Driver] = []

    def make(url: str, **kwargs: Any) -> Driver:
        made.append(Driver(request.param, url, **kwargs))
        return made[-1]

    yield make
    for driver in made:
        driver.close()
