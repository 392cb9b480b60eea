"""``import`` and ``export``: whole .ics files in and out, in bulk."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import click
import icalendar
from rich.progress import Progress

from caldav.jmap import (
    OR,
    Filter,
    JMAPBulkError,
    JMAPClient,
    JMAPConversionError,
    JMAPEvent,
    check_storable,
)
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.cli.common import EXIT_PARTIAL, CliError, Context, emit, pass_context, read_only
from caldav.jmap.convert import jscal_to_ical

__all__ = ["COMMANDS", "ImportItem", "split_objects"]

_PRODID = "-//python-caldav//caldav-jmap//EN"
_KINDS = ("VEVENT",)
#: UIDs looked up per query (an OR of uid conditions)
_LOOKUP_CHUNK = 200


@dataclass
class ImportItem:
    """One object of the files being imported, and what became of it."""

    source: str
    uid: str | None
    ical: str | None = None
    status: str = "pending"  # created, updated, failed (dry run: would create / update)
    reason: str = ""
    event_id: str | None = None

    def fail(self, reason: str) -> None:
        """Mark the object failed, with the reason the user sees."""
        self.status, self.reason = "failed", reason


def _tzids(components: list[Any]) -> set[str]:
    found = set()
    for comp in components:
        for sub in comp.walk():
            for value in sub.values():
                for one in value if isinstance(value, list) else [value]:
                    tzid = getattr(one, "params", {}).get("TZID")
                    if tzid:
                        found.add(str(tzid))
    return found


def split_objects(source: str, text: str) -> list[ImportItem]:
    """The objects of one .ics text, one per UID, each a VCALENDAR of its own with the
    VTIMEZONEs it uses; what cannot be read becomes a failed item saying why."""
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except ValueError as error:
        return [ImportItem(source, None, status="failed", reason=f"not iCalendar: {error}")]
    items: list[ImportItem] = []
    for cal in calendars:
        zones = {str(c["TZID"]): c for c in cal.subcomponents if c.name == "VTIMEZONE"}
        groups: dict[str, list[Any]] = {}
        for comp in cal.subcomponents:
            if comp.name not in _KINDS:
                continue
            if not comp.get("UID"):
                summary = comp.get("SUMMARY", "?")
                items.append(
                    ImportItem(source, None, status="failed", reason=f"no UID ({summary})")
                )
                continue
            groups.setdefault(str(comp["UID"]), []).append(comp)
        for uid, comps in groups.items():
            out = icalendar.Calendar()
            out.add("prodid", cal.get("PRODID", _PRODID))
            out.add("version", "2.0")
            for tzid in sorted(_tzids(comps)):
                if tzid in zones:
                    out.add_component(zones[tzid])
            for comp in comps:
                out.add_component(comp)
            items.append(ImportItem(source, uid, out.to_ical().decode("utf-8")))
    if not items:
        items.append(ImportItem(source, None, status="failed", reason="no VEVENT in the file"))
    return items


def existing_events(client: JMAPClient, uids: list[str]) -> dict[str, JMAPEvent]:
    """The events of ``uids`` the account already holds, by UID (few queries)."""
    found: dict[str, JMAPEvent] = {}
    for i in range(0, len(uids), _LOOKUP_CHUNK):
        chunk = uids[i : i + _LOOKUP_CHUNK]
        condition = OR(*(Filter(uid=u) for u in chunk)) if len(chunk) > 1 else Filter(uid=chunk[0])
        for event in client.search_event_objects(filter=condition):
            if event.uid:
                found[event.uid] = event
    return found


def existing_ids(client: JMAPClient, uids: list[str]) -> dict[str, str]:
    """Event id by UID of those of ``uids`` the account already holds."""
    return {uid: event.id for uid, event in existing_events(client, uids).items()}


@contextmanager
def _progress(ctx: Context, total: int, what: str) -> Iterator[Any]:
    """A progress bar on a terminal; nothing otherwise."""
    if not ctx.interactive:
        yield lambda n: None
        return
    with Progress(console=ctx.err, transient=True) as progress:
        task = progress.add_task(what, total=total)
        yield lambda n: progress.advance(task, n)


def _is_uid_clash(error: Any) -> bool:
    return getattr(error, "error_type", None) == "invalidProperties" and "uid" in getattr(
        error, "properties", []
    )


def _bulk(call: Any, *args: Any) -> tuple[Any, JSONObject]:
    """Run a bulk call; (its result or None, {key: error} of what failed)."""
    try:
        return call(*args), {}
    except JMAPBulkError as error:
        return None, dict(error.result.failed) | {"_created": error.result.created}


def import_items(ctx: Context, calendar_id: str, items: list[ImportItem]) -> None:
    """Create the new objects, update the ones whose UID exists; record each outcome."""
    client = ctx.client
    # one bulk call per server limit (the library packs its /set calls into requests);
    # the progress bar advances per call
    session = client.get_session()
    batch = session.max_objects_in_set * max(1, session.max_calls_in_request // 2)
    todo = [item for item in items if item.status == "pending"]
    clashes: list[ImportItem] = []
    with _progress(ctx, len(todo), "importing") as advance:
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            ids, failed = _bulk(client.create_events, calendar_id, [i.ical for i in chunk])
            created = failed.pop("_created", {})
            for index, item in enumerate(chunk):
                error = failed.get(str(index))
                if error is None:
                    item.status = "created"
                    item.event_id = ids[index] if ids else created.get(str(index))
                elif _is_uid_clash(error):
                    clashes.append(item)
                else:
                    item.fail(getattr(error, "reason", None) or str(error))
            advance(len(chunk))
        if clashes:
            known = existing_events(client, [i.uid for i in clashes if i.uid])
            updates = {}
            for item in clashes:
                found = known.get(item.uid or "")
                if found is None:
                    item.fail("the server refused its UID (held by an event it does not show)")
                elif calendar_id not in found.calendar_ids:
                    # an account holds one event per UID: never change another calendar's
                    item.fail(f"UID taken by an event of calendar {', '.join(found.calendar_ids)}")
                else:
                    updates[found.id] = item
            _, failed = _bulk(client.update_events, {k: i.ical for k, i in updates.items()})
            failed.pop("_created", None)
            for event_id, item in updates.items():
                if event_id in failed:
                    item.fail(getattr(failed[event_id], "reason", None) or str(failed[event_id]))
                else:
                    item.status, item.event_id = "updated", event_id


def dry_run(ctx: Context, calendar_id: str, items: list[ImportItem]) -> None:
    """What an import would do: the refusals the client would make before sending, and
    create or update per UID."""
    for item in items:
        if item.status != "pending":
            continue
        try:
            check_storable(item.ical or "")
        except JMAPConversionError as error:
            item.fail(str(error.reason))
    known = existing_events(ctx.client, [i.uid for i in items if i.uid and i.status == "pending"])
    for item in items:
        found = known.get(item.uid or "")
        if item.status != "pending":
            continue
        if found is not None and calendar_id not in found.calendar_ids:
            item.fail(f"UID taken by an event of calendar {', '.join(found.calendar_ids)}")
        else:
            item.status = "would create" if found is None else "would update"


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as handle:
        return handle.read()


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--calendar", "-c", help="Calendar id or name (default: the default one).")
@click.option("--dry-run", "dry", is_flag=True, help="Only say what would be created / updated.")
@pass_context
def import_command(ctx: Context, files: tuple[str, ...], calendar: str | None, dry: bool) -> None:
    """Import FILE.ics... (- for stdin) in bulk: new UIDs are created, existing ones
    updated; a summary names each object that failed and why (exit code 6)."""
    items = [item for path in files for item in split_objects(path, _read(path))]
    calendar_id = ctx.calendar(calendar).id
    if dry:
        dry_run(ctx, calendar_id, items)
    else:
        import_items(ctx, calendar_id, items)
    rows = [{"status": i.status, "uid": i.uid, "file": i.source, "reason": i.reason} for i in items]
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    if ctx.as_json:
        emit(ctx, {"summary": counts, "objects": rows})
    else:
        table = read_only("STATUS", "UID", "FILE", "REASON")
        for row in rows:
            if row["status"] != "created" or dry:
                table.add_row(row["status"], row["uid"] or "-", row["file"], row["reason"])
        if table.row_count:
            ctx.console.print(table)
        click.echo(summary)
    if counts.get("failed"):
        raise CliError(f"{counts['failed']} object(s) not imported", EXIT_PARTIAL)


@click.command()
@click.option("--calendar", "-c", help="Calendar id or name (default: the default one).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
@pass_context
def export(ctx: Context, calendar: str | None, output: Any) -> None:
    """Write the calendar as one VCALENDAR (with the VTIMEZONEs it needs) to stdout or
    --output FILE."""
    events = ctx.client.search_event_objects(calendar_id=ctx.calendar(calendar).id)
    if not events:
        empty = icalendar.Calendar()
        empty.add("prodid", _PRODID)
        empty.add("version", "2.0")
        output.write(empty.to_ical().decode("utf-8"))
        return
    output.write(jscal_to_ical([event.jscal for event in events]))


COMMANDS = [import_command, export]
