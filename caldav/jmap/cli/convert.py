"""``convert``: iCalendar <-> JSCalendar offline, stdin to stdout (no server needed)."""

from __future__ import annotations

import json
from typing import IO

import click

from caldav.jmap.cli.common import EXIT_USAGE, CliError
from caldav.jmap.convert import JSCALENDAR_2, RFC8984, ical_to_jscal_all, jscal_to_ical

__all__ = ["COMMANDS"]


@click.command()
@click.option(
    "--to",
    "target",
    type=click.Choice(["jscal", "ical"]),
    help="Output format (default: the other one than the input's).",
)
@click.option(
    "--dialect",
    type=click.Choice(["rfc8984", "jscalendar2"]),
    default="rfc8984",
    show_default=True,
    help="JSCalendar dialect written.",
)
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def convert(target: str | None, dialect: str, source: IO[str]) -> None:
    """Convert SOURCE (a file, or - for stdin) between iCalendar and JSCalendar.

    iCalendar becomes a JSON list of JSCalendar objects (one per UID); JSCalendar (an
    object or a list, either dialect) becomes one VCALENDAR with its VTIMEZONEs.
    """
    text = source.read()
    is_ical = text.lstrip().upper().startswith("BEGIN:")
    target = target or ("jscal" if is_ical else "ical")
    if target == "jscal":
        if not is_ical:
            raise CliError("the input is not iCalendar (BEGIN:VCALENDAR)", EXIT_USAGE)
        chosen = JSCALENDAR_2 if dialect == "jscalendar2" else RFC8984
        objects = ical_to_jscal_all(text, dialect=chosen)
        click.echo(json.dumps(objects if len(objects) > 1 else objects[0], indent=2))
        return
    if is_ical:
        click.echo(text, nl=False)
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CliError(f"the input is neither iCalendar nor JSON: {error}", EXIT_USAGE) from error
    click.echo(jscal_to_ical(data), nl=False)


COMMANDS = [convert]
