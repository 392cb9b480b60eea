"""One event at a time, and the agenda: ``agenda``, ``add``, ``edit``, ``delete``, ``show``."""

from __future__ import annotations

import datetime as dt
import json
import sys
import uuid
from typing import Any

import click
import icalendar

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.cli.common import EXIT_USAGE, CliError, Context, emit, pass_context, read_only
from caldav.jmap.cli.timefmt import duration_of, occurrence_times, parse_when, zone_option

__all__ = ["COMMANDS", "new_event"]

_PRODID = "-//python-caldav//caldav-jmap//EN"


@click.command()
@click.option("--start", help="From (date or date-time; default: today 00:00).")
@click.option("--end", help="Until (default: 7 days after the start).")
@click.option("--calendar", "-c", help="Calendar id or name (default: all).")
@click.option("--search", "text", help="Only events whose text contains TEXT.")
@click.option("--tz", help="Show times in this IANA zone (default: the local zone).")
@pass_context
def agenda(
    ctx: Context,
    start: str | None,
    end: str | None,
    calendar: str | None,
    text: str | None,
    tz: str | None,
) -> None:
    """The occurrences between --start and --end, recurrences expanded, in time order."""
    zone = zone_option(tz)
    first = _instant(parse_when(start, zone, "--start") if start else dt.date.today(), zone)
    last = _instant(parse_when(end, zone, "--end"), zone) if end else first + dt.timedelta(days=7)
    if last <= first:
        raise click.BadParameter("must be after --start", param_hint="--end")
    filters: JSONObject = {"after": first, "before": last, "expand_recurrences": True}
    names = {cal.id: cal.name for cal in ctx.client.get_calendars()}
    if calendar:
        filters["calendar_id"] = ctx.calendar(calendar).id
    if text:
        filters["text"] = text
    rows = []
    for event in ctx.client.search_event_objects(**filters):
        shown_start, shown_end = occurrence_times(event.jscal, zone)
        rows.append(
            {
                "start": shown_start,
                "end": shown_end,
                "title": event.jscal.get("title") or "",
                "location": _location(event.jscal),
                "calendar": ", ".join(names.get(c, c) for c in event.calendar_ids),
                "uid": event.uid,
                "recurrence_id": event.jscal.get("recurrenceId"),
            }
        )
    rows.sort(key=lambda r: (r["start"], r["title"]))
    table = read_only("START", "END", "TITLE", "LOCATION", "CALENDAR", "UID")
    for r in rows:
        table.add_row(r["start"], r["end"], r["title"], r["location"], r["calendar"], r["uid"])
    emit(ctx, rows, table if rows else "no events\n")


def _instant(value: dt.datetime | dt.date, zone: dt.tzinfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), tzinfo=zone)


def _location(jscal: JSONObject) -> str:
    names = [loc.get("name") for loc in (jscal.get("locations") or {}).values() if loc]
    return ", ".join(n for n in names if n)


def new_event(
    summary: str,
    start: dt.datetime | dt.date,
    end: dt.datetime | dt.date | None,
    duration: dt.timedelta | None,
    location: str | None = None,
    rrule: str | None = None,
    description: str | None = None,
) -> str:
    """A VCALENDAR with one new VEVENT (a fresh UID) from the flags of ``add``."""
    event = icalendar.Event()
    event.add("uid", f"{uuid.uuid4()}")
    event.add("dtstamp", dt.datetime.now(dt.timezone.utc))
    event.add("summary", summary)
    event.add("dtstart", start)
    if end is not None:
        if type(end) is not type(start) or end <= start:
            raise click.BadParameter(
                "must be after --start, and of the same kind", param_hint="--end"
            )
        event.add("dtend", end)
    elif duration is not None:
        event.add("duration", duration)
    elif not isinstance(start, dt.datetime):
        event.add("duration", dt.timedelta(days=1))
    else:
        event.add("duration", dt.timedelta(hours=1))
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    if rrule:
        try:
            event.add("rrule", icalendar.vRecur.from_ical(rrule))
        except ValueError as error:
            raise click.BadParameter(f"not an RRULE: {rrule!r}", param_hint="--rrule") from error
    cal = icalendar.Calendar()
    cal.add("prodid", _PRODID)
    cal.add("version", "2.0")
    cal.add_component(event)
    if isinstance(start, dt.datetime) and hasattr(start.tzinfo, "key"):
        cal.add_missing_timezones()
    text: str = cal.to_ical().decode("utf-8")
    return text


@click.command()
@click.option("--summary", "-s", help="Title of the new event.")
@click.option("--start", help="Date or date-time (in --tz, default the local zone).")
@click.option("--end", help="End (exclusive); or --duration.")
@click.option("--duration", help="ISO 8601 duration, e.g. PT30M (default PT1H, all-day P1D).")
@click.option("--location")
@click.option("--description")
@click.option("--rrule", help="Recurrence rule, e.g. FREQ=WEEKLY;COUNT=10.")
@click.option("--tz", help="Zone of --start/--end without an offset.")
@click.option("--calendar", "-c", help="Calendar id or name (default: the default one).")
@click.option("--file", "source", type=click.File("r", encoding="utf-8"), help="An .ics (- stdin).")
@pass_context
def add(ctx: Context, /, source: Any, calendar: str | None, **flags: Any) -> None:
    """Add an event from flags, or from an iCalendar file (--file FILE, --file - for stdin);
    prints the UID."""
    if source is not None:
        if flags["summary"] or flags["start"]:
            raise CliError("give either --file or --summary/--start, not both", EXIT_USAGE)
        ics = source.read()
    else:
        if not flags["summary"] or not flags["start"]:
            raise CliError("--summary and --start are needed (or --file)", EXIT_USAGE)
        zone = zone_option(flags["tz"])
        ics = new_event(
            flags["summary"],
            parse_when(flags["start"], zone, "--start"),
            parse_when(flags["end"], zone, "--end") if flags["end"] else None,
            duration_of(flags["duration"]) if flags["duration"] else None,
            flags["location"],
            flags["rrule"],
            flags["description"],
        )
    cal = ctx.calendar(calendar)
    event_id = cal.add_event(ics)
    click.echo(ctx.client.get_event_object(event_id).uid)


_DATES = {"DTSTART", "DTEND", "DUE", "RECURRENCE-ID"}


@click.command()
@click.argument("uid")
@click.option(
    "--set", "settings", multiple=True, required=True, help="PROPERTY=VALUE, e.g. summary=Lunch."
)
@click.option("--tz", help="Zone of date-times without an offset.")
@pass_context
def edit(ctx: Context, uid: str, settings: tuple[str, ...], tz: str | None) -> None:
    """Change properties of the event UID (the main event of a series): --set KEY=VALUE
    with an iCalendar property name (summary, location, description, dtstart, dtend,
    duration, rrule, status, ...); an empty VALUE removes the property."""
    zone = zone_option(tz)
    event = ctx.client.get_event_by_uid(uid)
    ical = event.icalendar_instance
    main = next(c for c in ical.walk("VEVENT") if "RECURRENCE-ID" not in c)
    for setting in settings:
        key, sep, value = setting.partition("=")
        name = key.strip().upper()
        if not sep or not name:
            raise click.BadParameter(f"not KEY=VALUE: {setting!r}", param_hint="--set")
        if name == "UID":
            raise click.BadParameter("the UID cannot change", param_hint="--set")
        old = main.pop(name, None)
        if value == "":
            continue
        if name in _DATES:
            when = parse_when(value, zone, "--set")
            if name == "DTSTART" and old is not None and "DTEND" in main:
                # moving the start keeps the length
                length = main.pop("DTEND").dt - old.dt
                main.add("DTEND", when + length)
            main.add(name, when)
        elif name == "DURATION":
            main.pop("DTEND", None)
            main.add(name, duration_of(value))
        elif name == "RRULE":
            main.add(name, icalendar.vRecur.from_ical(value))
        else:
            main.add(name, value)
    ical.add_missing_timezones()
    event.data = ical.to_ical().decode("utf-8")
    event.save()


@click.command()
@click.argument("uid")
@pass_context
def delete(ctx: Context, uid: str) -> None:
    """Delete the event UID (with all its occurrences)."""
    ctx.client.get_event_by_uid(uid).delete()


@click.command()
@click.argument("uid")
@click.option("--jscal", is_flag=True, help="As the server's JSCalendar object (JSON).")
@pass_context
def show(ctx: Context, uid: str, jscal: bool) -> None:
    """Print the event UID as iCalendar (or --jscal / --json: JSCalendar)."""
    event = ctx.client.get_event_by_uid(uid)
    if jscal or ctx.as_json:
        click.echo(json.dumps(event.jscal, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(event.data)


COMMANDS = [agenda, add, edit, delete, show]
