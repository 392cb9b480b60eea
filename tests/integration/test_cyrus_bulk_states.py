"""The bulk methods' /set states against Cyrus, for JMAPClient and AsyncJMAPClient: the
result starts at the state taken before and its new_state is the next one (nothing else
changed), which is what lets a sync skip the /changes of its own echo."""

from __future__ import annotations

import asyncio
import logging

from caldav.jmap import AsyncJMAPClient, JMAPClient
from tests.integration.cli_support import event, logging_http, unique


def test_bulk_results_carry_chained_states(cyrus_url: str) -> None:
    with JMAPClient(cyrus_url, "user1", "password") as client:
        cal = client.create_calendar(unique("states"))
        try:
            before = client.get_sync_token()
            uid = unique("e")
            ids = client.create_events(cal, [event(uid, "One")])
            created = ids.result
            assert (created.old_state, created.contiguous) == (before, True)
            updated = client.update_events({ids[0]: event(uid, "Two")})
            assert (updated.old_state, updated.contiguous) == (created.new_state, True)
            deleted = client.delete_events(ids)
            assert (deleted.old_state, deleted.contiguous) == (updated.new_state, True)
            changes = client.get_object_changes(deleted.new_state or "")
            assert changes[:3] == ([], [], [])  # new_state is past all three
        finally:
            client.delete_calendar(cal, remove_events=True)


def test_an_update_from_events_read_with_the_changes_sends_only_the_set(cyrus_url: str) -> None:
    with JMAPClient(cyrus_url, "user1", "password") as client:
        cal = client.create_calendar(unique("states"))
        try:
            uid = unique("e")
            ids = client.create_events(cal, [event(uid, "One", extra="LOCATION:Here\r\n")])
            token = client.get_sync_token()
            changes = client.get_object_changes(token, also_get=ids)
            assert list(changes.current) == ids and changes[:3] == ([], [], [])
            sent: list[str] = []
            handler = logging.Handler()
            handler.emit = lambda record: sent.append(str(record.args[3]))  # type: ignore[method-assign,index]
            with logging_http(handler):
                result = client.update_events(
                    {ids[0]: event(uid, "Two", extra="LOCATION:Here\r\n")},
                    current=changes.current,
                )
            assert len(sent) == 1 and "CalendarEvent/get" not in sent[0]
            assert result.old_state == token and result.contiguous
            text = client.get_object_by_uid(uid)
            assert "SUMMARY:Two" in text and "LOCATION:Here" in text
        finally:
            client.delete_calendar(cal, remove_events=True)


def test_the_async_client_too(cyrus_url: str) -> None:
    async def run() -> None:
        async with AsyncJMAPClient(cyrus_url, "user1", "password") as client:
            cal = await client.create_calendar(unique("states"))
            try:
                before = await client.get_sync_token()
                uid = unique("e")
                ids = await client.create_events(cal, [event(uid, "One")])
                assert ids.result.old_state == before and ids.result.contiguous
                changes = await client.get_object_changes(ids.result.new_state, also_get=ids)
                updated = await client.update_events(
                    {ids[0]: event(uid, "Two")}, current=changes.current
                )
                assert updated.old_state == ids.result.new_state and updated.contiguous
                assert "SUMMARY:Two" in await client.get_object_by_uid(uid)
            finally:
                await client.delete_calendar(cal, remove_events=True)

    asyncio.run(run())
