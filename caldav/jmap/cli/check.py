"""``check``: a compatibility report for a JMAP calendar server (the JMAP counterpart of
caldav-server-tester).  Every probe that writes works in a scratch calendar the check
creates and removes again."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import click
import icalendar

from caldav.jmap import Filter, JMAPClient, JMAPError
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.cli.common import Context, emit, pass_context, read_only
from caldav.jmap.convert import ical_to_jscal

__all__ = ["COMMANDS", "Probe"]

#: The probe event's weeks (January and February 2026)
_WINDOW = ("2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z")


@dataclass
class Probe:
    """One line of the report."""

    area: str
    name: str
    ok: bool | None  # None: not applicable / not offered
    detail: str = ""


_CUSTOM_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Custom/Check\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
    "TZOFFSETFROM:+0130\r\nTZOFFSETTO:+0130\r\nTZNAME:CHK\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)


def _rich_event(uid: str, zone: str = "Europe/Berlin") -> str:
    """An event with what round trips lose first: an alarm, attendees, a recurrence, a
    vendor property (and with ``zone="Custom/Check"`` a zone of its own)."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//python-caldav//check//EN\r\n"
        + (_CUSTOM_ZONE if zone == "Custom/Check" else "")
        + f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;TZID={zone}:20260105T100000\r\nDURATION:PT1H\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:compatibility check zebra\r\n"
        "LOCATION:Room 1\r\nDESCRIPTION:probe\r\nX-CHECK-VENDOR:kept\r\n"
        "ORGANIZER;CN=Org:mailto:org@example.com\r\n"
        "ATTENDEE;CN=Att;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:att@example.com\r\n"
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:soon\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _attendee(jscal: JSONObject) -> str:
    """The participant id of the probe event's attendee."""
    participants: JSONObject = jscal.get("participants") or {}
    for key, participant in participants.items():
        if "att@example.com" in str(participant.get("sendTo") or participant.get("email")):
            return key
    raise KeyError("the server did not keep the attendee")


def _attempt(probes: list[Probe], area: str, name: str, call: Callable[[], Any]) -> Any:
    """Run one probe: ok with its detail, or failed with the error's message."""
    try:
        detail = call()
    except (JMAPError, ValueError, KeyError) as error:
        probes.append(Probe(area, name, False, str(error).splitlines()[0][:120]))
        return None
    probes.append(Probe(area, name, True, "" if detail is None else str(detail)))
    return detail


def _session(client: JMAPClient, probes: list[Probe]) -> None:
    session = client.get_session()
    probes.append(Probe("session", "url", True, session.api_url))
    for cap in sorted(session.capabilities):
        if cap.startswith("urn:ietf:params:jmap:") or "calendar" in cap:
            probes.append(Probe("capability", cap, True))
    for cap in (
        "urn:ietf:params:jmap:calendars:parse",
        "urn:ietf:params:jmap:principals:availability",
        "urn:ietf:params:jmap:websocket",
        "urn:ietf:params:jmap:blob",
    ):
        if cap not in session.capabilities:
            probes.append(Probe("capability", cap, None, "not advertised"))
    probes.append(
        Probe("push", "EventSource", bool(session.event_source_url), session.event_source_url or "")
    )
    limits = session.capabilities.get("urn:ietf:params:jmap:core", {})
    probes.append(
        Probe(
            "session",
            "limits",
            True,
            f"maxObjectsInSet {limits.get('maxObjectsInSet')}, "
            f"maxCallsInRequest {limits.get('maxCallsInRequest')}",
        )
    )


def _scratch(client: JMAPClient, cal_id: str, probes: list[Probe]) -> None:
    uid = f"check-{uuid.uuid4()}"
    ics = _rich_event(uid)
    event_id = _attempt(
        probes, "events", "CalendarEvent/set create", lambda: client.create_event(cal_id, ics)
    )
    if event_id is None:
        return
    sent = ical_to_jscal(ics)
    stored = client.get_event_object(event_id).jscal
    dialect = "JSCalendar 2.0" if "recurrenceRule" in stored else "RFC 8984"
    probes.append(Probe("events", "dialect read back", True, dialect))
    for key in ("recurrenceRules", "alerts", "participants", "locations", "timeZone"):
        kept = key in stored and bool(stored[key])
        probes.append(Probe("round trip", key, kept, "" if kept else f"sent {key}, not stored"))
    back = icalendar.Calendar.from_ical(client.get_event(event_id))
    main = next(iter(back.walk("VEVENT")))
    probes.append(
        Probe("round trip", "vendor property X-CHECK-VENDOR", main.get("X-CHECK-VENDOR") == "kept")
    )
    custom = f"{uid}-zone"
    custom_id = _attempt(
        probes,
        "round trip",
        "custom time zone stored",
        lambda: client.create_event(cal_id, _rich_event(custom, "Custom/Check")),
    )
    if custom_id is not None:
        client.delete_event(custom_id)
    probes.append(Probe("round trip", "title", stored.get("title") == sent.get("title")))
    token = client.get_sync_token()
    _attempt(
        probes, "methods", "CalendarEvent/changes", lambda: len(client.get_object_changes(token)[0])
    )
    _attempt(
        probes,
        "methods",
        "CalendarEvent/queryChanges",
        lambda: (
            client.get_query_changes(
                client.query_event_ids(calendar_id=cal_id)[1], calendar_id=cal_id
            )
            and None
        ),
    )
    _attempt(probes, "methods", "CalendarEvent/parse", lambda: len(client.parse_ical(ics)))
    _attempt(
        probes, "methods", "Blob upload", lambda: bool(client.upload_blob(b"probe", "text/plain"))
    )
    _attempt(probes, "methods", "Principal/get", lambda: len(client.get_principals()))
    me = client.get_current_principal().id
    _attempt(
        probes,
        "methods",
        "Principal/getAvailability",
        lambda: f"{len(client.get_availability(me, *_WINDOW))} busy",
    )
    copied = _attempt(
        probes, "methods", "CalendarEvent/copy", lambda: client.copy_event(event_id, cal_id)
    )
    if copied is not None:
        client.delete_event(copied)
    _attempt(
        probes,
        "methods",
        "participantReply (RSVP)",
        lambda: client.reply_to_event(event_id, "accepted", participant_id=_attendee(stored)),
    )
    # the text index first: the filters on text properties need it (Cyrus indexes
    # asynchronously), so their probes then say what the server accepts, not how fast
    began = time.monotonic()
    found = 0
    while time.monotonic() - began < 30 and not found:
        found = len(client.search_event_objects(calendar_id=cal_id, filter=Filter(text="zebra")))
        if not found:
            time.sleep(0.2)
    probes.append(
        Probe(
            "text index",
            "latency",
            bool(found),
            f"{time.monotonic() - began:.2f} s" if found else "not found within 30 s",
        )
    )
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

    def count(filters: JSONObject) -> str:
        return f"{len(client.search_event_objects(calendar_id=cal_id, **filters))} found"

    searches: tuple[tuple[str, JSONObject], ...] = (
        ("after/before", {"after": start, "before": start + dt.timedelta(days=60)}),
        ("title", {"title": "zebra"}),
        ("uid", {"uid": uid}),
        ("location", {"location": "Room"}),
        ("attendee", {"attendee": "att@example.com"}),
        (
            "expand recurrences",
            {"after": start, "before": start + dt.timedelta(days=60), "expand_recurrences": True},
        ),
    )
    for name, filters in searches:
        _attempt(probes, "filters", name, partial(count, filters))
    _attempt(probes, "events", "CalendarEvent/set destroy", lambda: client.delete_event(event_id))


@click.command()
@pass_context
def check(ctx: Context) -> None:
    """Report what the server supports: session, capabilities, dialect, methods, filters,
    what a rich event keeps, text-index latency (probes in a scratch calendar)."""
    client = ctx.client
    probes: list[Probe] = []
    _session(client, probes)
    cal_id = _attempt(
        probes,
        "calendars",
        "Calendar/set create",
        lambda: client.create_calendar(f"caldav-jmap check {uuid.uuid4().hex[:8]}"),
    )
    if cal_id is not None:
        try:
            _scratch(client, cal_id, probes)
        finally:
            _attempt(
                probes,
                "calendars",
                "Calendar/set destroy",
                lambda: client.delete_calendar(cal_id, remove_events=True),
            )
    rows = [{"area": p.area, "probe": p.name, "ok": p.ok, "detail": p.detail} for p in probes]
    table = read_only("AREA", "PROBE", "RESULT", "DETAIL")
    for p in probes:
        table.add_row(p.area, p.name, {True: "yes", False: "NO", None: "-"}[p.ok], p.detail)
    emit(ctx, rows, table)


COMMANDS = [check]
