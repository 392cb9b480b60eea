"""``calendars``: list the account's calendars; create, rename and delete one."""

from __future__ import annotations

import click

from caldav.jmap import JMAPCalendar
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.cli.common import Context, emit, pass_context, read_only

__all__ = ["COMMANDS"]


def _alerts(alerts: JSONObject | None) -> list[str]:
    """The default alerts as their triggers' offsets (e.g. ``-PT15M``)."""
    found = []
    for alert in (alerts or {}).values():
        trigger = alert.get("trigger") or {}
        found.append(str(trigger.get("offset") or trigger.get("when") or "?"))
    return found


def describe(cal: JMAPCalendar) -> JSONObject:
    """A calendar as the JSON output shows it."""
    return {
        "id": cal.id,
        "name": cal.name,
        "color": cal.color,
        "is_default": bool(cal.is_default),
        "rights": sorted(k for k, v in (cal.my_rights or {}).items() if v),
        "default_alerts_with_time": _alerts(cal.default_alerts_with_time),
        "default_alerts_without_time": _alerts(cal.default_alerts_without_time),
        "time_zone": cal.time_zone,
    }


@click.group(invoke_without_command=True)
@pass_context
@click.pass_context
def calendars(click_ctx: click.Context, ctx: Context) -> None:
    """List the calendars (id, name, colour, rights, default alerts)."""
    if click_ctx.invoked_subcommand is not None:
        return
    rows = [describe(cal) for cal in ctx.client.get_calendars()]
    table = read_only("ID", "NAME", "COLOUR", "RIGHTS", "ALERTS (timed / all-day)")
    for row in rows:
        rights = "admin" if "mayAdmin" in row["rights"] else ",".join(row["rights"]) or "-"
        alerts = f"{' '.join(row['default_alerts_with_time']) or '-'} / " + (
            " ".join(row["default_alerts_without_time"]) or "-"
        )
        name = row["name"] + (" (default)" if row["is_default"] else "")
        table.add_row(row["id"], name, row["color"] or "-", rights, alerts)
    emit(ctx, rows, table)


def _alert(offset: str) -> JSONObject:
    return {"@type": "Alert", "trigger": {"@type": "OffsetTrigger", "offset": offset}}


@calendars.command("create")
@click.argument("name")
@click.option("--color", help="A CSS colour, e.g. #3a87ad.")
@click.option("--description")
@click.option("--alert", "alerts", multiple=True, help="Default alert offset, e.g. -PT15M.")
@pass_context
def create(
    ctx: Context, name: str, color: str | None, description: str | None, alerts: tuple[str, ...]
) -> None:
    """Create a calendar NAME; prints its id."""
    props: JSONObject = {}
    if color:
        props["color"] = color
    if description:
        props["description"] = description
    if alerts:
        props["default_alerts_with_time"] = {f"a{i}": _alert(o) for i, o in enumerate(alerts)}
    click.echo(ctx.client.create_calendar(name, **props))


@calendars.command("rename")
@click.argument("calendar")
@click.argument("new_name")
@pass_context
def rename(ctx: Context, calendar: str, new_name: str) -> None:
    """Rename CALENDAR (an id or a name) to NEW_NAME."""
    ctx.client.update_calendar(ctx.calendar(calendar).id, {"name": new_name})


@calendars.command("delete")
@click.argument("calendar")
@click.option("--force", is_flag=True, help="Also when the calendar holds events (deletes them).")
@pass_context
def delete(ctx: Context, calendar: str, force: bool) -> None:
    """Delete CALENDAR (an id or a name); one with events only with --force."""
    ctx.client.delete_calendar(ctx.calendar(calendar).id, remove_events=force)


COMMANDS = [calendars]
