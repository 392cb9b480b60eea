"""``watch``: follow the server's push and print each change; ``--sync DIR`` keeps a vdir
current."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Protocol

import click

from caldav.jmap import JMAPCannotCalculateChangesError
from caldav.jmap.cli.common import Context, pass_context
from caldav.jmap.cli.sync import run_sync

__all__ = ["COMMANDS"]


class _Changed(Protocol):
    """What a change report lists: a JMAP object of any data type (event, calendar, ...)."""

    @property
    def id(self) -> str: ...


@click.command()
@click.option("--calendar", "-c", help="Only changes of this calendar (id or name).")
@click.option("--sync", "directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--conflict", default="keep-both", show_default=True, help="For --sync.")
@click.option("--count", type=int, help="Stop after COUNT changes (default: never).")
@click.option("--websocket", is_flag=True, help="Push over WebSocket (RFC 8887).")
@pass_context
def watch(
    ctx: Context,
    calendar: str | None,
    directory: Path | None,
    conflict: str,
    count: int | None,
    websocket: bool,
) -> None:
    """Print each change as it happens (event created / updated / deleted, calendars)."""
    client = ctx.client
    wanted = ctx.calendar(calendar).id if calendar else None
    if websocket:
        client.use_websocket()
    seen = 0
    if directory is not None:
        run_sync(ctx, directory, calendar, conflict, False)

    def report(
        type_name: str, added: list[_Changed], modified: list[_Changed], deleted: list[str]
    ) -> None:
        nonlocal seen
        now = dt.datetime.now().strftime("%H:%M:%S")
        for what, objects in (("created", added), ("updated", modified)):
            for obj in objects:
                ids = getattr(obj, "calendar_ids", None)
                if wanted and ids is not None and wanted not in ids:
                    continue
                name = getattr(obj, "uid", None) or getattr(obj, "name", None) or obj.id
                title = (getattr(obj, "jscal", None) or {}).get("title", "")
                line = {
                    "time": now,
                    "type": type_name,
                    "change": what,
                    "id": obj.id,
                    "uid": name,
                    "title": title,
                }
                click.echo(
                    json.dumps(line)
                    if ctx.as_json
                    else f"{now} {type_name} {what}: {name} {title}".rstrip()
                )
        for object_id in deleted:
            line = {"time": now, "type": type_name, "change": "deleted", "id": object_id}
            click.echo(
                json.dumps(line) if ctx.as_json else f"{now} {type_name} deleted: {object_id}"
            )
        if directory is not None and type_name == "CalendarEvent":
            run_sync(ctx, directory, calendar, conflict, False)
        seen += 1

    while True:
        try:
            client.listen(
                report,
                types=("CalendarEvent", "Calendar"),
                max_events=None if count is None else count - seen,
            )
            return
        except JMAPCannotCalculateChangesError:
            # the server lost track (Cyrus: after a calendar was deleted): say so,
            # resynchronise the vdir (a full listing), listen again from now
            click.echo("the server cannot tell what changed; listening again", err=True)
            if directory is not None:
                run_sync(ctx, directory, calendar, conflict, False)


COMMANDS = [watch]
