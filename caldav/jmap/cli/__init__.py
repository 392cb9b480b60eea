"""The ``caldav-jmap`` command line: a calendar on a JMAP server from the shell.

Commands: ``calendars``, ``agenda``, ``add``, ``edit``, ``delete``, ``show``, ``import``,
``export``, ``sync``, ``watch``, ``check``, ``convert``; see ``caldav-jmap --help`` and
docs/cli.md.  Needs the ``cli`` extra (click, rich).  Built on the public API of
:mod:`caldav.jmap` only.
"""

from __future__ import annotations

from typing import Any

import click

from caldav.jmap.cli import calendars, check, convert, events, sync, transfer, watch
from caldav.jmap.cli.common import Context, guarded

__all__ = ["main"]


_ANYWHERE = ("--json", "--debug")


class _Main(click.Group):
    """The command group; runs each command inside :func:`guarded`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # --json and --debug are accepted after the command too (caldav-jmap agenda --json)
        if "--" in args:
            head, tail = args[: args.index("--")], args[args.index("--") :]
        else:
            head, tail = args, []
        flags = [a for a in head if a in _ANYWHERE]
        rest = [a for a in head if a not in _ANYWHERE]
        return super().parse_args(ctx, [*dict.fromkeys(flags), *rest, *tail])

    def invoke(self, ctx: click.Context) -> Any:
        # the options are parsed by now; the commands find them in ctx.obj
        ctx.obj = Context(**ctx.params)
        with guarded(ctx.obj):
            return super().invoke(ctx)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--url", envvar=None, help="JMAP session URL or the server's /.well-known/jmap.")
@click.option("--username", "-u", help="User name (HTTP Basic).")
@click.option("--password", "-p", help="Password (or a Bearer token without --username).")
@click.option("--config-section", help="Section of the caldav config file to use.")
@click.option("--config-file", type=click.Path(dir_okay=False), help="The caldav config file.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (read commands).")
@click.option("--debug", is_flag=True, help="Tracebacks and every HTTP exchange on stderr.")
@click.version_option(package_name="caldav-jmap", prog_name="caldav-jmap")
@click.pass_context
def main(ctx: click.Context, /, **options: Any) -> None:
    """Calendars on a JMAP server: agenda, import/export, two-way vdir sync, push, checks.

    The connection is read as python-caldav reads it: the flags, then JMAP_* / CALDAV_*
    environment variables, then the caldav config file (section --config-section).
    """
    # the options become ctx.obj in _Main.invoke, around every command


for module in (calendars, events, transfer, sync, watch, check, convert):
    for command in module.COMMANDS:
        main.add_command(command)
