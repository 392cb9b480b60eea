"""python-caldav's DAVClient and our JMAP clients in one process, on one Cyrus, configured
from ONE python-caldav config file (a section for each), see the same events."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from caldav import Calendar, DAVClient, get_davclient
from caldav.jmap import get_async_jmap_client, get_jmap_client

from .conftest import PASSWORD
from .support import ics


@pytest.fixture
def config_file(cyrus_url: str, tmp_path: Path) -> Path:
    """python-caldav's format for both: caldav_* keys, the JMAP section only another URL."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(cyrus_url))
    path = tmp_path / "calendar.conf"
    path.write_text(
        "---\n"
        "dav:\n"
        f"  caldav_url: {origin}/dav/calendars/user/user1/\n"
        "  caldav_user: user1\n"
        f"  caldav_pass: {PASSWORD}\n"
        "jmap:\n"
        f"  caldav_url: {cyrus_url}\n"
        "  caldav_user: user1\n"
        f"  caldav_pass: {PASSWORD}\n"
    )
    path.chmod(0o600)
    return path


def dav_default_calendar(dav: DAVClient) -> Calendar:
    return next(c for c in dav.principal().get_calendars() if "/Default/" in str(c.url))


def dav_event_summary(config_file: Path, uid: str) -> str:
    with get_davclient(config_file=str(config_file), config_section="dav") as dav:
        found = dav_default_calendar(dav).get_object_by_uid(uid)
        return str(found.icalendar_component["SUMMARY"])


def dav_add_event(config_file: Path, text: str) -> None:
    with get_davclient(config_file=str(config_file), config_section="dav") as dav:
        dav_default_calendar(dav).add_event(text)


def dav_delete_event(config_file: Path, uid: str) -> None:
    with get_davclient(config_file=str(config_file), config_section="dav") as dav:
        dav_default_calendar(dav).get_object_by_uid(uid).delete()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_both_protocols_from_one_config_file_see_the_same_events(
    config_file: Path, kind: str
) -> None:
    from_jmap, from_dav = f"jmap-{uuid.uuid4()}", f"dav-{uuid.uuid4()}"

    async def jmap_side() -> tuple[str, str]:
        factory = get_jmap_client if kind == "sync" else get_async_jmap_client
        client = factory(config_file=str(config_file), config_section="jmap")

        async def value(x):  # one body for both clients
            return await x if asyncio.iscoroutine(x) else x

        try:
            calendars = await value(client.get_calendars())
            default = next(c for c in calendars if c.id == "Default")
            event_id = await value(default.add_event(ics(from_jmap, summary="made over JMAP")))
            dav_summary = await asyncio.to_thread(dav_event_summary, config_file, from_jmap)
            await asyncio.to_thread(dav_add_event, config_file, ics(from_dav, summary="via DAV"))
            seen = await value(default.get_object_by_uid(from_dav))
            await value(client.delete_event(event_id))
            await asyncio.to_thread(dav_delete_event, config_file, from_dav)
            return dav_summary, seen
        finally:
            await value(client.close())

    dav_summary, seen = asyncio.run(jmap_side())
    assert dav_summary == "made over JMAP"
    assert f"UID:{from_dav}" in seen and "SUMMARY:via DAV" in seen
