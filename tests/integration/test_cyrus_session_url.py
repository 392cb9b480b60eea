"""A session URL remembered from an earlier run, against Cyrus (whose /.well-known/jmap
redirects to the session resource): one GET instead of two, for JMAPClient and
AsyncJMAPClient; a remembered URL that no longer answers falls back to discovery; one on
another origin is refused; and a second ``caldav-jmap sync`` of a vdir fetches the session
once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from caldav.jmap import AsyncJMAPClient, JMAPClient
from caldav.jmap.cli import main
from tests.integration.cli_support import event, logging_http, unique

PASSWORD = "password"


class Gets(logging.Handler):
    """The URLs of the GET requests logged on caldav.jmap.http."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.urls: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        method, url = record.args[:2]  # type: ignore[index]
        if method == "GET":
            self.urls.append(str(url))


@pytest.fixture
def gets() -> Iterator[Gets]:
    handler = Gets()
    with logging_http(handler):
        yield handler


def test_a_remembered_session_url_saves_the_redirect(cyrus_url: str, gets: Gets) -> None:
    with JMAPClient(cyrus_url, "user1", PASSWORD) as first:
        assert first.session_url is None
        first.get_calendars()
        remembered = first.session_url
    assert remembered is not None and remembered != cyrus_url
    assert len(gets.urls) == 2  # /.well-known/jmap, then where it redirects
    gets.urls.clear()
    with JMAPClient(cyrus_url, "user1", PASSWORD) as again:
        again.use_session_url(remembered)
        assert again.get_calendars()
    assert gets.urls == [remembered]


def test_the_async_client_too(cyrus_url: str, gets: Gets) -> None:
    async def run() -> str | None:
        async with AsyncJMAPClient(cyrus_url, "user1", PASSWORD) as client:
            await client.get_calendars()
            remembered = client.session_url
        assert remembered is not None
        gets.urls.clear()
        async with AsyncJMAPClient(cyrus_url, "user1", PASSWORD) as client:
            client.use_session_url(remembered)
            await client.get_calendars()
        return remembered

    remembered = asyncio.run(run())
    assert gets.urls == [remembered]


def test_a_stale_session_url_falls_back_to_discovery(cyrus_url: str, gets: Gets) -> None:
    stale = cyrus_url.replace("/.well-known/jmap", "/no-such-session")
    with JMAPClient(cyrus_url, "user1", PASSWORD) as client:
        client.use_session_url(stale)
        assert client.get_calendars()
        assert client.session_url != stale
    assert gets.urls[0] == stale and gets.urls[1] == cyrus_url


def test_a_session_url_on_another_origin_is_refused(cyrus_url: str) -> None:
    with JMAPClient(cyrus_url, "user1", PASSWORD) as client:
        with pytest.raises(ValueError, match="origin"):
            client.use_session_url("http://127.0.0.2:1/jmap")


def test_a_second_sync_fetches_the_session_once(cyrus_url: str, gets: Gets, tmp_path: Path) -> None:
    with JMAPClient(cyrus_url, "user2", PASSWORD) as client:
        cal = client.create_calendar(unique("session-url"))
        try:
            client.create_events(cal, [event(unique("s"), "One")])
            args = ["--url", cyrus_url, "--username", "user2", "--password", PASSWORD]
            for _ in range(2):
                gets.urls.clear()
                try:
                    main([*args, "sync", str(tmp_path), "--calendar", cal], standalone_mode=False)
                except SystemExit as done:
                    assert not done.code
            assert len(gets.urls) == 1
        finally:
            client.delete_calendar(cal, remove_events=True)
