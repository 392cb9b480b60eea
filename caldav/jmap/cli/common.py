"""What every command shares: the connection options, the client, output, exit codes.

Exit codes (documented in docs/cli.md):

===  ==============================================================================
0    success
1    any other error
2    usage error: a wrong option or argument, nothing configured, a bad input file
3    authentication refused
4    the server or the network failed (unreachable, a method error, a missing capability)
5    conflict: the server's data changed meanwhile, or ``sync --conflict abort`` found one
6    partial failure: some objects of an import or a sync did not go through (each named)
===  ==============================================================================
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import click
from caldav.lib.error import DAVError
from rich.console import Console
from rich.table import Table

from caldav.jmap import (
    JMAPAuthError,
    JMAPCalendar,
    JMAPClient,
    JMAPConversionError,
    JMAPError,
    JMAPStateMismatchError,
    get_jmap_client,
)
from caldav.jmap._jsontypes import JSONObject

__all__ = [
    "EXIT_AUTH",
    "EXIT_CONFLICT",
    "EXIT_PARTIAL",
    "EXIT_SERVER",
    "EXIT_USAGE",
    "CliError",
    "Context",
    "emit",
    "pass_context",
    "read_only",
    "guarded",
]

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_SERVER = 4
EXIT_CONFLICT = 5
EXIT_PARTIAL = 6


class CliError(click.ClickException):
    """An error the command line reports in one line, with its exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self._exit_code = exit_code

    # click declares exit_code one per exception class; ours is one per error
    @property
    def exit_code(self) -> int:
        """The process's exit code for this error."""
        return self._exit_code

    @exit_code.setter
    def exit_code(self, code: int) -> None:
        self._exit_code = code

    def show(self, file: Any = None) -> None:
        click.echo(f"caldav-jmap: error: {self.format_message()}", err=True)


def exit_code_of(error: BaseException) -> int:
    """The exit code for an exception raised by the library."""
    if isinstance(error, JMAPAuthError):
        return EXIT_AUTH
    if isinstance(error, JMAPStateMismatchError):
        return EXIT_CONFLICT
    if isinstance(error, JMAPConversionError | ValueError | TypeError | OSError):
        return EXIT_USAGE
    if isinstance(error, JMAPError | DAVError):
        return EXIT_SERVER
    return EXIT_ERROR


def _console() -> Console:
    # a pipe or file gets whole lines (rich would wrap at 80 columns)
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=240)
    return console


@dataclass
class Context:
    """The global options, and the client made from them on first use."""

    url: str | None = None
    username: str | None = None
    password: str | None = None
    config_section: str | None = None
    config_file: str | None = None
    as_json: bool = False
    debug: bool = False
    console: Console = field(default_factory=lambda: _console())
    err: Console = field(default_factory=lambda: Console(stderr=True, highlight=False))
    _client: JMAPClient | None = None

    @property
    def client(self) -> JMAPClient:
        """The client for the configured server (config file, environment, flags)."""
        if self._client is None:
            params: JSONObject = {
                "url": self.url,
                "username": self.username,
                "password": self.password,
                "config_section": self.config_section,
            }
            if self.config_file:
                params["config_file"] = self.config_file
            client = get_jmap_client(**params)
            if client is None:
                raise CliError(
                    "no server configured: pass --url (and --username/--password), set "
                    "JMAP_URL / CALDAV_URL, or write a caldav config file",
                    EXIT_USAGE,
                )
            self._client = client
        return self._client

    @property
    def interactive(self) -> bool:
        """Whether progress may be shown (stderr is a terminal, and not --json)."""
        return self.err.is_terminal and not self.as_json

    def calendar(self, name_or_id: str | None) -> JMAPCalendar:
        """The calendar with this id or name; without one, the default calendar."""
        calendars = self.client.get_calendars()
        if not calendars:
            raise CliError("the account has no calendar", EXIT_SERVER)
        if name_or_id is None:
            return next((c for c in calendars if c.is_default), calendars[0])
        for cal in calendars:
            if name_or_id in (cal.id, cal.name):
                return cal
        names = ", ".join(f"{c.name} ({c.id})" for c in calendars)
        raise CliError(f"no calendar {name_or_id!r}; there are: {names}", EXIT_USAGE)

    def close(self) -> None:
        """Close the client's connections."""
        if self._client is not None:
            self._client.close()


pass_context = click.make_pass_decorator(Context)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.timedelta):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def emit(ctx: Context, data: Any, table: Table | str | None = None) -> None:
    """Print ``data`` as JSON with --json, else ``table`` (a rich Table or text)."""
    if ctx.as_json:
        click.echo(json.dumps(data, indent=2, default=_jsonable, ensure_ascii=False))
    elif isinstance(table, str):
        click.echo(table, nl=not table.endswith("\n"))
    elif table is not None:
        ctx.console.print(table)


def read_only(*columns: str, title: str | None = None) -> Table:
    """A table with these column headers, in the CLI's style."""
    table = Table(title=title, box=None, header_style="bold", pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


@contextmanager
def debug_logging(enabled: bool) -> Iterator[None]:
    """The library's warnings on stderr as ``warning: ...`` lines; with --debug also every
    HTTP exchange (credentials redacted by the library)."""
    handlers = []
    for name, level, prefix in (
        ("caldav.jmap", logging.WARNING, "warning"),
        ("caldav.jmap.http", logging.DEBUG, "debug"),
    ):
        if level == logging.DEBUG and not enabled:
            continue
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(f"{prefix}: %(message)s"))
        handler.setLevel(level)
        log = logging.getLogger(name)
        # restored afterwards: a program that runs main() in-process keeps its logging
        handlers.append((log, handler, log.level, log.propagate))
        log.addHandler(handler)
        log.setLevel(min(log.level or level, level))
        log.propagate = name == "caldav.jmap"
    try:
        yield
    finally:
        for log, handler, old_level, old_propagate in handlers:
            log.removeHandler(handler)
            log.setLevel(old_level)
            log.propagate = old_propagate


@contextmanager
def guarded(ctx: Context) -> Iterator[None]:
    """Around a command: a library error becomes one line and its exit code (with --debug
    also the traceback and the HTTP exchanges); the connections are closed afterwards."""
    try:
        with debug_logging(ctx.debug):
            yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except (DAVError, ValueError, TypeError, OSError) as error:
        if ctx.debug:
            traceback.print_exc()
        message = str(error) or type(error).__name__
        line = message.splitlines()[0]
        raise CliError(
            line if len(line) <= 300 else line[:297] + "...", exit_code_of(error)
        ) from error
    finally:
        ctx.close()
