"""A program as a python-caldav user writes it against both JMAP clients: type-checked
(mypy --strict, pyright) by test_typing.py, never run.  Each ``expect`` line states the
type the library must give; a wrong type is a checker error here."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import icalendar

from caldav.jmap import (
    AsyncEventSearcher,
    AsyncJMAPCalendar,
    AsyncJMAPClient,
    AsyncJMAPEvent,
    AsyncJMAPPrincipal,
    EventSearcher,
    JMAPCalendar,
    JMAPCalendarObject,
    JMAPClient,
    JMAPEvent,
    JMAPPrincipal,
    JMAPStateMismatchError,
    StateChange,
    get_async_jmap_client,
    get_jmap_client,
)
from caldav.jmap.session import Session  # noqa: E402

URL = "https://jmap.example.com/.well-known/jmap"
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def sync_program() -> None:
    with JMAPClient(URL, username="alice", password="secret") as client:
        session: Session = client.get_session()
        calendars: list[JMAPCalendar] = client.get_calendars()
        cal: JMAPCalendar = client.calendar(name="Work")
        principal: JMAPPrincipal = client.principal()
        also: list[JMAPCalendar] = principal.calendars()
        named: JMAPCalendar = principal.calendar(name="Work")
        event_id: str = cal.add_event(dtstart=START, summary="Planning")
        same_id: str = cal.add_event(icalendar.Calendar(), no_create=True)
        saved: JMAPEvent = cal.save_event(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        texts: list[str] = cal.search(summary="Planning", start=START, expand=True)
        ical: str = cal.get_object_by_uid("uid-1", comp_class=icalendar.Event)
        for ev in cal.search_objects(title="Planning"):
            ev.data = ev.data.replace("Planning", "Review")
            ev.icalendar_component["LOCATION"] = "Room 1"
            with ev.edit_icalendar_instance() as instance:
                instance["X-EDITED"] = "yes"
            try:
                ev.save()
            except JMAPStateMismatchError:
                ev.load().save()
        events: list[JMAPEvent] = cal.events()
        one: JMAPCalendarObject = cal.event_by_uid("uid-1")
        parent: JMAPCalendar | None = one.parent
        data: str = one.get_data()
        searcher: EventSearcher = cal.searcher().after(START).limit(5)
        fetched: list[str] = searcher.fetch()
        objects: list[JMAPEvent] = searcher.fetch_objects()
        text: str = client.get_event(event_id)
        client.update_event(event_id, text)
        token: str = client.get_sync_token()
        added, modified, deleted = client.get_objects_by_sync_token(token)
        first_change: StateChange = next(iter(client.watch(ping=10)))
        chunks: list[bytes] = list(client.iter_blob("blob-1"))
        print(session, calendars, also, named, same_id, saved, texts, ical, events, parent)
        print(data, fetched, objects, added, modified, deleted, first_change, chunks)
    configured = get_jmap_client()
    if configured is not None:
        configured.close()


async def async_program() -> None:
    async with AsyncJMAPClient(URL, username="alice", password="secret") as client:
        session: Session = await client.get_session()
        calendars: list[AsyncJMAPCalendar] = await client.get_calendars()
        cal: AsyncJMAPCalendar = await client.calendar(name="Work")
        principal: AsyncJMAPPrincipal = await client.principal()
        also: list[AsyncJMAPCalendar] = await principal.calendars()
        named: AsyncJMAPCalendar = await principal.calendar(cal_id="cal-1")
        event_id: str = await cal.add_event(dtstart=START, summary="Planning")
        saved: AsyncJMAPEvent = await cal.save_event("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        texts: list[str] = await cal.search(category="work", sort_keys=["dtstart"])
        ical: str = await cal.get_object_by_uid("uid-1")
        for ev in await cal.search_objects(title="Planning"):
            ev.icalendar_component["SUMMARY"] = "Review"
            try:
                await ev.save()
            except JMAPStateMismatchError:
                await (await ev.load()).save()
            await ev.delete()
        events: list[AsyncJMAPEvent] = await cal.events()
        one: AsyncJMAPEvent = await cal.event_by_uid("uid-1")
        parent: AsyncJMAPCalendar | None = one.parent
        searcher: AsyncEventSearcher = cal.searcher().after(START).limit(5)
        fetched: list[str] = await searcher.fetch()
        objects: list[AsyncJMAPEvent] = await searcher.fetch_objects()
        text: str = await client.get_event(event_id)
        await client.update_event(event_id, text)
        added, modified, deleted = await client.get_objects_by_sync_token(
            await client.get_sync_token()
        )
        async for change in client.watch(ping=10):
            print(change.changed)
            break
        chunks = [chunk async for chunk in client.iter_blob("blob-1")]
        written: int = await client.download_blob_to("blob-1", "/tmp/blob")
        view: AsyncJMAPClient = client.for_account("shared-account")
        await view.listen(print, max_events=1)
        print(session, calendars, also, named, saved, texts, ical, events, parent, fetched)
        print(objects, added, modified, deleted, chunks, written)
        tasks = await asyncio.gather(client.get_calendars(), client.get_sync_token())
        print(tasks)
    configured = get_async_jmap_client()
    if configured is not None:
        await configured.close()
