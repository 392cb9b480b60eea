"""Quick start: the everyday calendar operations over JMAP, with both clients.

Lists calendars, creates an event, finds it by time range and by UID, syncs, updates and
deletes it; then the same through the async client.  Run it against any JMAP server:

    python examples/quickstart.py --url https://jmap.example.com/.well-known/jmap \\
        --username alice --password secret

(``bash tests/bootstrap.sh quickstart`` runs it against the project's local Cyrus.)
"""

from __future__ import annotations

import argparse
import asyncio
import uuid

from caldav.jmap import AsyncJMAPClient, JMAPClient


def make_ics(uid: str, summary: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//quickstart//EN\r\n"
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;TZID=Europe/Paris:20270315T090000\r\n"
        "DTEND;TZID=Europe/Paris:20270315T100000\r\n"
        f"SUMMARY:{summary}\r\nLOCATION:Room 42\r\n"
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT10M\r\nDESCRIPTION:Soon\r\nEND:VALARM\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def summary_of(ical: str) -> str:
    return next(line[8:] for line in ical.splitlines() if line.startswith("SUMMARY:"))


def run_sync(url: str, username: str, password: str) -> None:
    print("== JMAPClient (sync)")
    with JMAPClient(url, username=username, password=password) as client:
        calendars = client.get_calendars()
        print("calendars:", [(c.id, c.name) for c in calendars])
        cal = calendars[0]

        uid = f"{uuid.uuid4()}@quickstart"
        event_id = cal.add_event(make_ics(uid, "Quick start meeting"))
        print("created:", event_id)

        token = client.get_sync_token()
        found = cal.search(start="2027-03-15T00:00:00", end="2027-03-16T00:00:00")
        print("search found:", [summary_of(f) for f in found])
        print("by uid:", summary_of(cal.get_object_by_uid(uid)))

        client.update_event(event_id, make_ics(uid, "Quick start meeting (moved to 10:00)"))
        changes = client.get_objects_by_sync_token(token)
        added, modified, deleted = changes
        token = changes.sync_token  # the next sync continues where this delta ended
        print(
            "sync since token:",
            len(added),
            "added,",
            [summary_of(m) for m in modified],
            "modified,",
            deleted,
            "deleted",
        )

        client.delete_event(event_id)
        changes = client.get_objects_by_sync_token(token)
        token = changes.sync_token
        print("deleted:", event_id, "- in the sync delta:", event_id in changes.deleted)


async def run_async(url: str, username: str, password: str) -> None:
    print("== AsyncJMAPClient")
    async with AsyncJMAPClient(url, username=username, password=password) as client:
        cal = (await client.get_calendars())[0]
        uid = f"{uuid.uuid4()}@quickstart"
        event_id = await cal.add_event(make_ics(uid, "Async meeting"))
        print("created:", event_id)
        found = await client.search_events(
            calendar_id=cal.id, start="2027-03-15T00:00:00", end="2027-03-16T00:00:00"
        )
        print("search found:", [summary_of(f) for f in found])
        await client.update_event(event_id, make_ics(uid, "Async meeting (renamed)"))
        print("now:", summary_of(await client.get_event(event_id)))
        await client.delete_event(event_id)
        print("deleted:", event_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    run_sync(args.url, args.username, args.password)
    asyncio.run(run_async(args.url, args.username, args.password))
    print("quick start finished")


if __name__ == "__main__":
    main()
