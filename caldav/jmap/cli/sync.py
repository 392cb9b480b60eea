"""``sync DIR``: two-way sync between a calendar and a vdir.

The server side comes from the JMAP state: :meth:`JMAPClient.get_object_changes` answers
the delta *and* the new state in one call, so nothing that changes meanwhile is skipped
(a first sync, or a state the server can no longer calculate changes from, lists the
calendar after taking the state).  The local side is hashed file by file against the
status file.  :func:`~caldav.jmap.cli.syncplan.plan_sync` decides; this module applies the
steps in bulk and writes the status atomically after each one, so an interrupted sync
resumes where it stopped: a create is recorded as pending before it is sent and looked up
by UID on the next run, so it is never sent twice; an update recorded as pending is sent
again (the server's report of it counts as its echo, not as a conflict).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import icalendar

from caldav.jmap import BulkResult, JMAPBulkError, JMAPCannotCalculateChangesError, JMAPEvent
from caldav.jmap.cli.common import (
    EXIT_CONFLICT,
    EXIT_PARTIAL,
    CliError,
    Context,
    emit,
    pass_context,
    read_only,
)
from caldav.jmap.cli.syncplan import POLICIES, Action, Kind, Plan, plan_sync, remote_delta
from caldav.jmap.cli.transfer import existing_ids
from caldav.jmap.cli.vdir import Entry, LocalItem, Status, Vdir, content_hash

__all__ = ["COMMANDS", "SyncRun", "run_sync"]

#: The remote hash of an item this client has just written: the server's next report of
#: it is its own echo (downloaded, never a conflict unless the file changed again).
ECHO = ""
#: Downloads between two writes of the status file.
_SAVE_EVERY = 100


@dataclass
class SyncRun:
    """One sync: what it found, planned and did."""

    plan: Plan
    done: list[Action] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (uid, reason)
    unreadable: list[str] = field(default_factory=list)


def _remote(
    ctx: Context, calendar_id: str, status: Status, edited: list[str]
) -> tuple[dict[str, str | None], dict[str, JMAPEvent], str, dict[str, JMAPEvent]]:
    """The server's changes since the status's state: uid -> hash (None: gone), the
    events by UID, the state they bring the status to, and the events read by id (those
    of ``edited``, the ids whose files changed: the bulk update's base, read in the same
    request as the changes)."""
    client = ctx.client
    if status.token is not None:
        try:
            delta = client.get_object_changes(status.token, also_get=edited)
        except JMAPCannotCalculateChangesError:
            pass
        else:
            added, modified, deleted, token = delta
            by_id = {entry.id: uid for uid, entry in status.items.items() if entry.id}
            changes: dict[str, str | None] = {i: None for i in map(by_id.get, deleted) if i}
            events: dict[str, JMAPEvent] = {}
            for event in [*added, *modified]:
                uid = event.uid or event.id
                if calendar_id in event.calendar_ids:
                    events[uid] = event
                    changes[uid] = content_hash(event.data)
                elif uid in status.items:  # moved to another calendar: gone from this one
                    changes[uid] = None
            return changes, events, token, delta.current
    # the state first, then the listing: what changes in between is seen again next time
    token = client.get_sync_token()
    listing = client.search_event_objects(calendar_id=calendar_id)
    events = {(e.uid or e.id): e for e in listing}
    remote = {uid: content_hash(event.data) for uid, event in events.items()}
    changed = remote_delta({u: e.synced for u, e in status.items.items()}, remote)
    return changed, events, token, {e.id: e for e in listing}


def _resolve_pending(ctx: Context, status: Status, save: Any) -> None:
    """Creates a previous run sent without learning their outcome: adopt the event when
    the server has it, forget the entry (so it is created again) when not."""
    pending = [uid for uid, entry in status.items.items() if entry.pending == "create"]
    if not pending:
        return
    known = existing_ids(ctx.client, pending)
    for uid in pending:
        if uid in known:
            entry = status.items[uid]
            entry.id, entry.remote, entry.pending = known[uid], ECHO, None
        else:
            del status.items[uid]
    save()


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
    """Applies a plan's steps, saving the status after each."""

    def __init__(self, ctx: Context, vdir: Vdir, status: Status, calendar_id: str) -> None:
        self.ctx, self.vdir, self.status, self.calendar_id = ctx, vdir, status, calendar_id
        self.run: SyncRun | None = None
        #: what each bulk /set of this run did, in order (their states chain the token)
        self.results: list[BulkResult] = []
        #: events as read this run, by id: what the bulk update computes its patches from
        self.read: dict[str, JMAPEvent] = {}

    def save(self) -> None:
        self.status.save(self.vdir.status_path)

    def _fail(self, uid: str, error: Any) -> None:
        assert self.run is not None
        self.run.failed.append((uid, getattr(error, "reason", None) or str(error)))

    def apply(
        self,
        run: SyncRun,
        local: dict[str, LocalItem],
        events: dict[str, JMAPEvent],
    ) -> list[str]:
        """Apply ``run.plan``; returns the UIDs uploaded (the /set states are in ``results``)."""
        self.run = run
        items = self.status.items
        creates: dict[str, LocalItem] = {}
        updates: dict[str, tuple[str, LocalItem]] = {}
        deletes: dict[str, str] = {}
        count = 0
        for action in run.plan.actions:
            uid, kind = action.uid, action.kind
            if kind in (Kind.DOWNLOAD, Kind.FORK, Kind.ADOPT):
                if kind is Kind.FORK:
                    copy_uid = (
                        f"{uid}-local-{hashlib.sha256(local[uid].hash.encode()).hexdigest()[:8]}"
                    )
                    text = _with_uid(local[uid].text, copy_uid)
                    copy = LocalItem(Vdir.file_name(copy_uid), content_hash(text), text)
                    self.vdir.write(copy.file, text)
                    creates[copy_uid] = copy
                event = events[uid]
                name = items[uid].file if uid in items else Vdir.file_name(uid)
                text = event.data
                if kind is not Kind.ADOPT:
                    self.vdir.write(name, text)
                digest = content_hash(text)
                items[uid] = Entry(name, event.id, digest, digest)
            elif kind is Kind.DELETE_LOCAL:
                self.vdir.remove(items[uid].file)
                del items[uid]
            elif kind is Kind.FORGET:
                items.pop(uid, None)
            elif kind is Kind.UPLOAD_NEW:
                creates[uid] = local[uid]
            elif kind is Kind.UPLOAD:
                event_id = items[uid].id if uid in items else events[uid].id
                if event_id is None:
                    creates[uid] = local[uid]
                else:
                    updates[event_id] = (uid, local[uid])
            elif kind is Kind.DELETE_REMOTE:
                remote_id = items[uid].id
                if remote_id:
                    deletes[remote_id] = uid
                else:
                    del items[uid]
            run.done.append(action)
            count += 1
            if count % _SAVE_EVERY == 0:
                self.save()
        self.save()
        uploaded = self._creates(creates) + self._updates(updates)
        self._deletes(deletes)
        return uploaded

    def _creates(self, creates: dict[str, LocalItem]) -> list[str]:
        if not creates:
            return []
        for uid, item in creates.items():
            self.status.items[uid] = Entry(item.file, None, item.hash, ECHO, pending="create")
        self.save()  # recorded before sent: a crash now is resolved by UID next time
        uids = list(creates)
        try:
            created = self.ctx.client.create_events(
                self.calendar_id, [i.text for i in creates.values()]
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
                del self.status.items[uid]
                continue
            entry = self.status.items[uid]
            entry.id, entry.pending = event_id, None
            done.append(uid)
        self.save()
        return done

    def _updates(self, updates: dict[str, tuple[str, LocalItem]]) -> list[str]:
        if not updates:
            return []
        for uid, _ in updates.values():
            self.status.items[uid].pending = "update"
        self.save()  # a crash now: the next run sends the update again (see run_sync)
        failed: dict[str, Any] = {}
        try:
            self.results.append(
                self.ctx.client.update_events(
                    {k: item.text for k, (_, item) in updates.items()}, current=self.read
                )
            )
        except JMAPBulkError as error:
            self.results.append(error.result)
            failed = error.result.failed
        done = []
        for event_id, (uid, item) in updates.items():
            if event_id in failed:
                self.status.items[uid].pending = None
                self._fail(uid, failed[event_id])
                continue
            self.status.items[uid] = Entry(item.file, event_id, item.hash, ECHO)
            done.append(uid)
        self.save()
        return done

    def _deletes(self, deletes: dict[str, str]) -> None:
        if not deletes:
            return
        failed: dict[str, Any] = {}
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
                del self.status.items[uid]
        self.save()


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


def _sync_pass(
    ctx: Context, vdir: Vdir, status: Status, calendar_id: str, policy: str, dry: bool
) -> tuple[SyncRun, bool]:
    """One pass of a sync; whether something else changed while it uploaded (then the
    status keeps the state before the uploads, and their remote hash is unknown)."""
    applier = _Applier(ctx, vdir, status, calendar_id)
    if not dry:
        _resolve_pending(ctx, status, applier.save)
    local, broken = vdir.scan(status)
    edited = [
        entry.id
        for uid, item in local.items()
        if (entry := status.items.get(uid)) is not None and entry.id and entry.local != item.hash
    ]
    changes, events, token, applier.read = _remote(ctx, calendar_id, status, edited)
    applier.read.update({event.id: event for event in events.values()})
    for uid, entry in status.items.items():
        if entry.pending == "update" and not dry:
            # an update a previous run sent without learning its outcome: the server's
            # report of it is that update's echo; the file (still changed) goes up again
            changes.pop(uid, None)
            entry.pending = None
    plan = plan_sync(
        {uid: entry.synced for uid, entry in status.items.items()},
        {uid: item.hash for uid, item in local.items()},
        changes,
        policy,
    )
    run = SyncRun(plan, unreadable=broken)
    if dry or plan.aborted:
        return run, False
    applier.apply(run, local, events)
    next_token = _next_token(token, applier.results)
    # interleaved with another change, the uploads keep their ECHO hash: the changes
    # since ``token`` report the server's version of them, downloaded as a remote edit
    status.token = token if next_token is None else next_token
    status.session_url = ctx.client.session_url
    applier.save()
    return run, next_token is None


def run_sync(
    ctx: Context, directory: Path, calendar: str | None, policy: str, dry: bool
) -> SyncRun:
    """One two-way sync of ``directory`` with the calendar (see the module)."""
    vdir = Vdir(directory)
    known = Status.calendar_of(vdir.status_path)
    # a vdir synced before names its calendar: no lookup (one request less)
    calendar_id = known if known and calendar in (None, known) else ctx.calendar(calendar).id
    status = Status.load(vdir.status_path, calendar_id)
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
