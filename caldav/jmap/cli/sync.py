"""``sync DIR``: two-way sync between a calendar and a vdir.

The server side comes from :mod:`~caldav.jmap.cli.remote` (the JMAP delta since the
status's state, or a listing page by page), the local side from the files whose stamp
changed (:meth:`Vdir.scan`); :func:`~caldav.jmap.cli.syncplan.plan_sync` decides on the
UIDs that changed on either side only, and this module applies the steps in bulk,
committing the status (:mod:`~caldav.jmap.cli.status`) after each one, so an interrupted
sync resumes where it stopped: a create is recorded as pending before it is sent and
looked up by UID on the next run, so it is never sent twice; an update recorded as
pending is sent again (the server's report of it counts as its echo, not as a conflict).
Nothing here holds the whole calendar or the whole status: memory follows the changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import icalendar

from caldav.jmap import BulkResult, JMAPBulkError
from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.cli.common import (
    EXIT_CONFLICT,
    EXIT_PARTIAL,
    CliError,
    Context,
    emit,
    pass_context,
    read_only,
)
from caldav.jmap.cli.remote import RemoteChanges, remote_changes
from caldav.jmap.cli.status import Entry, Status
from caldav.jmap.cli.syncplan import POLICIES, Action, Kind, Plan, Synced, plan_sync
from caldav.jmap.cli.transfer import existing_ids
from caldav.jmap.cli.vdir import LocalFile, LocalScan, Vdir, content_hash

__all__ = ["COMMANDS", "SyncRun", "run_sync"]

#: The remote hash of an item this client has just written: the server's next report of
#: it is its own echo (downloaded, never a conflict unless the file changed again).
ECHO = ""
#: Downloads between two commits of the status.
_SAVE_EVERY = 100


@dataclass
class SyncRun:
    """One sync: what it found, planned and did."""

    plan: Plan
    done: list[Action] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (uid, reason)
    unreadable: list[str] = field(default_factory=list)
    #: files read and hashed (those whose stamp differed from the status)
    hashed: int = 0


def _resolve_pending(ctx: Context, status: Status) -> None:
    """Creates a previous run sent without learning their outcome: adopt the event when
    the server has it, forget the entry (so it is created again) when not."""
    pending = status.pending("create")
    if not pending:
        return
    known = existing_ids(ctx.client, [entry.uid for entry in pending])
    for entry in pending:
        if entry.uid in known:
            entry.id, entry.remote, entry.pending = known[entry.uid], ECHO, None
            status.put(entry)
        else:
            status.remove(entry.uid)
    status.commit()


def _with_uid(text: str, uid: str) -> str:
    """The item with another UID (keep-both's copy of the local version)."""
    cal = icalendar.Calendar.from_ical(text)
    for comp in cal.walk():
        if comp.name in ("VEVENT", "VTODO"):
            comp.pop("UID", None)
            comp.add("UID", uid)
    copy: str = cal.to_ical().decode("utf-8")
    return copy


class _Applier:
    """Applies a plan's steps, committing the status after each."""

    def __init__(
        self, ctx: Context, vdir: Vdir, status: Status, calendar_id: str, run: SyncRun
    ) -> None:
        self.ctx, self.vdir, self.status, self.calendar_id = ctx, vdir, status, calendar_id
        self.run = run
        #: what each bulk /set of this run did, in order (their states chain the token)
        self.results: list[BulkResult] = []

    def _fail(self, uid: str, error: Any) -> None:
        self.run.failed.append((uid, getattr(error, "reason", None) or str(error)))

    def _texts(self, files: list[LocalFile]) -> Iterator[str]:
        """The files' texts, read one at a time as the upload takes them."""
        return (self.vdir.read(item.file) for item in files)

    def apply(self, local: LocalScan, remote: RemoteChanges) -> list[str]:
        """Apply ``run.plan``; returns the UIDs uploaded (the /set states are in ``results``)."""
        status = self.status
        creates: dict[str, LocalFile] = {}
        updates: dict[str, tuple[str, LocalFile]] = {}
        deletes: dict[str, str] = {}
        for count, action in enumerate(self.run.plan.actions, 1):
            uid, kind = action.uid, action.kind
            entry = status.get(uid)
            if kind in (Kind.DOWNLOAD, Kind.FORK, Kind.ADOPT):
                if kind is Kind.FORK:
                    mine = local.changed[uid]
                    copy_uid = f"{uid}-local-{hashlib.sha256(mine.hash.encode()).hexdigest()[:8]}"
                    text = _with_uid(self.vdir.read(mine.file), copy_uid)
                    name = Vdir.file_name(copy_uid)
                    creates[copy_uid] = LocalFile(
                        name, content_hash(text), self.vdir.write(name, text)
                    )
                event_id, text = remote.event(uid)
                name = entry.file if entry is not None else Vdir.file_name(uid)
                if kind is Kind.ADOPT:  # the file holds this text already
                    here = local.changed.get(uid)
                    stamp = here.stamp if here else entry.stamp if entry else None
                else:
                    stamp = self.vdir.write(name, text)
                digest = content_hash(text)
                status.put(Entry(uid, name, event_id, digest, digest, stamp=stamp))
            elif kind is Kind.DELETE_LOCAL:
                assert entry is not None
                self.vdir.remove(entry.file)
                status.remove(uid)
            elif kind is Kind.FORGET:
                status.remove(uid)
            elif kind is Kind.UPLOAD_NEW:
                creates[uid] = local.changed[uid]
            elif kind is Kind.UPLOAD:
                target = entry.id if entry is not None else remote.event(uid)[0]
                if target is None:
                    creates[uid] = local.changed[uid]
                else:
                    updates[target] = (uid, local.changed[uid])
            elif kind is Kind.DELETE_REMOTE:
                assert entry is not None
                if entry.id:
                    deletes[entry.id] = uid
                else:
                    status.remove(uid)
            self.run.done.append(action)
            if count % _SAVE_EVERY == 0:
                status.commit()
        status.commit()
        uploaded = self._creates(creates) + self._updates(updates, remote)
        self._deletes(deletes)
        return uploaded

    def _creates(self, creates: dict[str, LocalFile]) -> list[str]:
        if not creates:
            return []
        for uid, item in creates.items():
            self.status.put(Entry(uid, item.file, None, item.hash, ECHO, "create", item.stamp))
        self.status.commit()  # recorded before sent: a crash now is resolved by UID next time
        uids = list(creates)
        try:
            created = self.ctx.client.create_events(
                self.calendar_id, self._texts(list(creates.values()))
            )
            self.results.append(created.result)
            ids: list[str | None] = list(created)
        except JMAPBulkError as error:
            self.results.append(error.result)
            ids = [error.result.created.get(str(n)) for n in range(len(uids))]
            for n, uid in enumerate(uids):
                if str(n) in error.result.failed:
                    self._fail(uid, error.result.failed[str(n)])
        done = []
        for uid, event_id in zip(uids, ids, strict=True):
            if event_id is None:
                self.status.remove(uid)
                continue
            item = creates[uid]
            self.status.put(Entry(uid, item.file, event_id, item.hash, ECHO, stamp=item.stamp))
            done.append(uid)
        self.status.commit()
        return done

    def _updates(
        self, updates: dict[str, tuple[str, LocalFile]], remote: RemoteChanges
    ) -> list[str]:
        if not updates:
            return []
        before: dict[str, Entry] = {}
        for uid, _ in updates.values():
            entry = self.status.get(uid)
            assert entry is not None
            before[uid] = entry
            entry.pending = "update"
            self.status.put(entry)
        self.status.commit()  # a crash now: the next run sends the update again (see run_sync)
        failed: JSONObject = {}
        files = [item for _, item in updates.values()]
        try:
            self.results.append(
                self.ctx.client.update_events(
                    dict(zip(updates, self._texts(files), strict=True)), current=remote.current
                )
            )
        except JMAPBulkError as error:
            self.results.append(error.result)
            failed = error.result.failed
        done = []
        for event_id, (uid, item) in updates.items():
            if event_id in failed:
                before[uid].pending = None
                self.status.put(before[uid])
                self._fail(uid, failed[event_id])
                continue
            self.status.put(Entry(uid, item.file, event_id, item.hash, ECHO, stamp=item.stamp))
            done.append(uid)
        self.status.commit()
        return done

    def _deletes(self, deletes: dict[str, str]) -> None:
        if not deletes:
            return
        failed: JSONObject = {}
        try:
            self.results.append(self.ctx.client.delete_events(list(deletes)))
        except JMAPBulkError as error:
            self.results.append(error.result)
            failed = error.result.failed
        for event_id, uid in deletes.items():
            problem = failed.get(event_id)
            if problem is not None and getattr(problem, "error_type", None) != "notFound":
                self._fail(uid, problem)
            else:
                self.status.remove(uid)
        self.status.commit()


def _next_token(token: str, results: list[BulkResult]) -> str | None:
    """The state past this run's own uploads, from their /set answers alone (RFC 8620
    §5.3 oldState/newState): when each answer started where the one before ended, the
    first at ``token`` (the state the run's changes reached), nothing else changed
    meanwhile.  None when something else did: the changes since ``token`` must be
    asked for, so that a remote edit is not mistaken for the run's own echo."""
    for result in results:
        if result.old_state is None and result.new_state is None:
            continue  # nothing was sent
        if not result.contiguous or result.old_state != token or result.new_state is None:
            return None
        token = result.new_state
    return token


def _plan(status: Status, local: LocalScan, remote: RemoteChanges, policy: str) -> Plan:
    """The plan over the UIDs that changed on either side (the others need no step)."""
    synced: dict[str, Synced] = {}
    hashes: dict[str, str] = {}
    for uid in {*local.changed, *local.deleted, *remote.hashes}:
        entry = status.get(uid)
        if entry is not None:
            synced[uid] = entry.synced
        digest = local.hash_of(uid, entry)
        if digest is not None:
            hashes[uid] = digest
    return plan_sync(synced, hashes, remote.hashes, policy)


def _sync_pass(
    ctx: Context, vdir: Vdir, status: Status, calendar_id: str, policy: str, dry: bool
) -> tuple[SyncRun, bool]:
    """One pass of a sync; whether something else changed while it uploaded (then the
    status keeps the state before the uploads, and their remote hash is unknown)."""
    if not dry:
        _resolve_pending(ctx, status)
    local = vdir.scan(status)
    for same in local.restamped:  # same content: no need to read the file next time
        status.put(same)
    edited = [
        entry.id for uid in local.changed if (entry := status.get(uid)) is not None and entry.id
    ]
    remote = remote_changes(
        ctx.client, calendar_id, status, edited, {*local.changed, *local.deleted}
    )
    if not dry:
        for entry in status.pending("update"):
            # an update a previous run sent without learning its outcome: the server's
            # report of it is that update's echo; the file (still changed) goes up again
            remote.hashes.pop(entry.uid, None)
            entry.pending = None
            status.put(entry)
    run = SyncRun(_plan(status, local, remote, policy), unreadable=local.broken)
    run.hashed = local.hashed
    if dry or run.plan.aborted:
        # nothing committed: an update still pending is found pending again next time
        return run, False
    applier = _Applier(ctx, vdir, status, calendar_id, run)
    applier.apply(local, remote)
    next_token = _next_token(remote.token, applier.results)
    # interleaved with another change, the uploads keep their ECHO hash: the changes
    # since ``token`` report the server's version of them, downloaded as a remote edit
    status.token = remote.token if next_token is None else next_token
    status.session_url = ctx.client.session_url
    status.commit()
    return run, next_token is None


def run_sync(
    ctx: Context, directory: Path, calendar: str | None, policy: str, dry: bool
) -> SyncRun:
    """One two-way sync of ``directory`` with the calendar (see the module)."""
    vdir = Vdir(directory)
    known = Status.calendar_of(directory)
    # a vdir synced before names its calendar: no lookup (one request less)
    calendar_id = known if known and calendar in (None, known) else ctx.calendar(calendar).id
    status = Status.open(directory, calendar_id, persist=not dry)
    try:
        if status.session_url is not None:
            try:
                ctx.client.use_session_url(status.session_url)
            except ValueError:
                pass  # the vdir is now synced through another server URL: discover it there
        run, interleaved = _sync_pass(ctx, vdir, status, calendar_id, policy, dry)
        if interleaved:
            # something changed on the server while this run uploaded: one more pass (its
            # /changes) brings it down now, the server's version of the uploads with it
            again, _ = _sync_pass(ctx, vdir, status, calendar_id, policy, dry)
            run.plan.actions.extend(again.plan.actions)
            run.plan.conflicts.extend(again.plan.conflicts)
            run.plan.aborted = again.plan.aborted
            run.done.extend(again.done)
            run.failed.extend(again.failed)
            run.unreadable = again.unreadable
            run.hashed += again.hashed
    finally:
        status.close()
    return run


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--calendar", "-c", help="Calendar id or name (default: the default one).")
@click.option(
    "--conflict",
    type=click.Choice(POLICIES),
    default="abort",
    show_default=True,
    help="What wins when both sides changed the same item.",
)
@click.option("--dry-run", "dry", is_flag=True, help="Only show the plan.")
@pass_context
def sync(ctx: Context, directory: Path, calendar: str | None, conflict: str, dry: bool) -> None:
    """Two-way sync of the calendar with the vdir DIRECTORY (one .ics per item)."""
    run = run_sync(ctx, directory, calendar, conflict, dry)
    conflicts = dict(run.plan.conflicts)
    rows = [
        {"action": a.kind.value, "uid": a.uid, "conflict": a.conflict}
        for a in run.plan.actions
        if a.kind is not Kind.ADOPT
    ]
    failed = [{"uid": uid, "reason": reason} for uid, reason in run.failed]
    data = {
        "dry_run": dry,
        "aborted": run.plan.aborted,
        "actions": rows,
        "conflicts": [{"uid": u, "conflict": c} for u, c in conflicts.items()],
        "failed": failed,
        "unreadable": run.unreadable,
    }
    table = read_only("ACTION", "UID", "CONFLICT")
    for row in rows:
        table.add_row(row["action"], row["uid"], row["conflict"] or "")
    if run.plan.aborted:
        for uid, name in conflicts.items():
            table.add_row("conflict", uid, name)
    if ctx.as_json:
        emit(ctx, data)
    else:
        if table.row_count:
            ctx.console.print(table)
        for name in run.unreadable:
            click.echo(f"skipped {name}: no readable UID (or a UID another file has)", err=True)
        verb = "would apply" if dry else "applied"
        click.echo(f"{verb} {len(rows)} change(s), {len(conflicts)} conflict(s)")
    if run.plan.aborted:
        raise CliError(
            f"{len(conflicts)} conflict(s), nothing changed; choose --conflict "
            "remote|local|keep-both",
            EXIT_CONFLICT,
        )
    if failed:
        raise CliError(f"{len(failed)} item(s) not synced: {failed[0]['reason']}", EXIT_PARTIAL)


COMMANDS = [sync]
