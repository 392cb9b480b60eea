"""The two-way sync planner: a pure function from what each side holds to the steps.

Inputs are content hashes of the .ics text as it is (or would be) in the vdir, so a
local and a remote hash compare equal when the file holds the server's version: the
status (what both sides held after the last sync), the local vdir now, and the remote
side's changes since the last sync.  Nothing here touches
a disk or a server, so every case is unit-tested (tests/unit/test_cli_syncplan.py).

Policies for a conflict (both sides changed the same UID since the last sync):

``remote``     the server's version wins (a remote deletion deletes the local file)
``local``      the local version wins (a local deletion deletes the event)
``keep-both``  nothing is lost: modified on both sides -> the server's version takes the
               file, the local one is uploaded as a new event with a new UID; deleted on
               one side, modified on the other -> the modified one is restored there
``abort``      nothing is done; the conflicts are reported (exit code 5)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "POLICIES",
    "Action",
    "Kind",
    "Plan",
    "Synced",
    "plan_sync",
    "remote_delta",
]

POLICIES = ("remote", "local", "keep-both", "abort")


class Kind(str, Enum):
    """What one step of a sync does."""

    UPLOAD_NEW = "upload-new"  # create the event from the local file
    UPLOAD = "upload"  # update the event from the local file
    DELETE_REMOTE = "delete-remote"
    DOWNLOAD = "download"  # write the server's version to the file
    DELETE_LOCAL = "delete-local"
    FORK = "fork"  # keep-both: the local file goes up under a new UID, the server's comes down
    FORGET = "forget"  # gone on both sides: drop it from the status
    ADOPT = "adopt"  # both sides hold the same content already: record it in the status


@dataclass(frozen=True)
class Synced:
    """A UID's entry in the status: the hashes both sides had after the last sync."""

    local_hash: str
    remote_hash: str


@dataclass(frozen=True)
class Action:
    """One step: ``kind`` for ``uid``; ``conflict`` names the conflict it resolves."""

    kind: Kind
    uid: str
    conflict: str | None = None


@dataclass
class Plan:
    """The steps of a sync, and the conflicts found (resolved, or not under abort)."""

    actions: list[Action] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (uid, description)
    aborted: bool = False


def remote_delta(status: Mapping[str, Synced], remote: Mapping[str, str]) -> dict[str, str | None]:
    """The remote changes from a full listing (uid -> hash): what differs from the status,
    and None for each UID the status has and the listing not (deleted)."""
    delta: dict[str, str | None] = {
        uid: digest
        for uid, digest in remote.items()
        if uid not in status or status[uid].remote_hash != digest
    }
    delta.update({uid: None for uid in status if uid not in remote})
    return delta


def _conflict_name(local: str | None, remote: str | None, known: bool) -> str:
    if not known:
        return "added on both sides"
    if local is None:
        return "deleted locally, modified remotely"
    if remote is None:
        return "modified locally, deleted remotely"
    return "modified on both sides"


def _resolve(uid: str, local: str | None, remote: str | None, policy: str, name: str) -> Action:
    if policy == "remote":
        kind = Kind.DELETE_LOCAL if remote is None else Kind.DOWNLOAD
    elif policy == "local":
        if local is None:
            kind = Kind.DELETE_REMOTE
        else:
            kind = Kind.UPLOAD_NEW if remote is None else Kind.UPLOAD
    elif local is None:  # keep-both
        kind = Kind.DOWNLOAD
    elif remote is None:
        kind = Kind.UPLOAD_NEW
    else:
        kind = Kind.FORK
    return Action(kind, uid, conflict=name)


def plan_sync(
    status: Mapping[str, Synced],
    local: Mapping[str, str],
    remote_changes: Mapping[str, str | None],
    policy: str = "abort",
) -> Plan:
    """The steps that bring both sides together.

    ``status``: uid -> :class:`Synced` after the last sync; ``local``: uid -> hash of
    each file now; ``remote_changes``: uid -> hash of each event changed on the server
    since the last sync (None: deleted).  A remote change equal to the status is none.
    Conflicts are resolved by ``policy`` (see the module); with ``abort`` the plan has
    no actions when there is any conflict.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, not {policy!r}")
    plan = Plan()
    for uid in sorted(set(status) | set(local) | set(remote_changes)):
        known = status.get(uid)
        here = local.get(uid)
        local_changed = here != (known.local_hash if known else None)
        remote_changed = uid in remote_changes and remote_changes[uid] != (
            known.remote_hash if known else None
        )
        there = remote_changes.get(uid) if remote_changed else None
        if not local_changed and not remote_changed:
            continue
        if remote_changed and here is not None and here == there:
            # the file already holds the server's version (an interrupted download, or
            # the same object added on both sides): nothing to move
            plan.actions.append(Action(Kind.ADOPT, uid))
            continue
        if local_changed and not remote_changed:
            if here is None:
                kind = Kind.DELETE_REMOTE
            else:
                kind = Kind.UPLOAD if known else Kind.UPLOAD_NEW
            plan.actions.append(Action(kind, uid))
            continue
        if remote_changed and not local_changed:
            if there is None:
                kind = Kind.DELETE_LOCAL if here is not None else Kind.FORGET
            else:
                kind = Kind.DOWNLOAD
            plan.actions.append(Action(kind, uid))
            continue
        if here is None and there is None:
            plan.actions.append(Action(Kind.FORGET, uid))
            continue
        name = _conflict_name(here, there, known is not None)
        plan.conflicts.append((uid, name))
        if policy != "abort":
            plan.actions.append(_resolve(uid, here, there, policy, name))
    if plan.conflicts and policy == "abort":
        plan.actions.clear()
        plan.aborted = True
    return plan
