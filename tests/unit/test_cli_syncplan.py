"""The sync planner (caldav/jmap/cli/syncplan.py): a pure function, every case."""

from __future__ import annotations

import pytest

from caldav.jmap.cli.syncplan import Action, Kind, Synced, plan_sync, remote_delta

S = {"a": Synced("la", "ra")}


def kinds(plan) -> list[tuple[str, str]]:
    return [(a.kind.value, a.uid) for a in plan.actions]


def test_nothing_changed_plans_nothing():
    assert plan_sync(S, {"a": "la"}, {}).actions == []
    # a remote "change" equal to the status is none
    assert plan_sync(S, {"a": "la"}, {"a": "ra"}).actions == []


@pytest.mark.parametrize(
    "local, remote, expected",
    [
        ({"a": "la", "b": "lb"}, {}, [("upload-new", "b")]),  # added locally
        ({"a": "l2"}, {}, [("upload", "a")]),  # edited locally
        ({}, {}, [("delete-remote", "a")]),  # deleted locally
        ({"a": "la"}, {"b": "rb"}, [("download", "b")]),  # added remotely
        ({"a": "la"}, {"a": "r2"}, [("download", "a")]),  # edited remotely
        ({"a": "la"}, {"a": None}, [("delete-local", "a")]),  # deleted remotely
        ({}, {"a": None}, [("forget", "a")]),  # deleted on both sides
    ],
)
def test_one_sided_changes(local, remote, expected):
    plan = plan_sync(S, local, remote)
    assert kinds(plan) == expected and plan.conflicts == []


CONFLICTS = {
    "modified on both sides": ({"a": "l2"}, {"a": "r2"}),
    "deleted locally, modified remotely": ({}, {"a": "r2"}),
    "modified locally, deleted remotely": ({"a": "l2"}, {"a": None}),
}
RESOLUTIONS = {
    ("modified on both sides", "remote"): Kind.DOWNLOAD,
    ("modified on both sides", "local"): Kind.UPLOAD,
    ("modified on both sides", "keep-both"): Kind.FORK,
    ("deleted locally, modified remotely", "remote"): Kind.DOWNLOAD,
    ("deleted locally, modified remotely", "local"): Kind.DELETE_REMOTE,
    ("deleted locally, modified remotely", "keep-both"): Kind.DOWNLOAD,
    ("modified locally, deleted remotely", "remote"): Kind.DELETE_LOCAL,
    ("modified locally, deleted remotely", "local"): Kind.UPLOAD_NEW,
    ("modified locally, deleted remotely", "keep-both"): Kind.UPLOAD_NEW,
}


@pytest.mark.parametrize("name, policy", sorted(RESOLUTIONS))
def test_each_conflict_under_each_policy(name, policy):
    local, remote = CONFLICTS[name]
    plan = plan_sync(S, local, remote, policy)
    assert plan.conflicts == [("a", name)]
    assert plan.actions == [Action(RESOLUTIONS[name, policy], "a", conflict=name)]


@pytest.mark.parametrize("name", sorted(CONFLICTS))
def test_abort_changes_nothing_at_all(name):
    local, remote = CONFLICTS[name]
    # an unrelated one-sided change is held back too: all or nothing
    plan = plan_sync({**S, "b": Synced("lb", "rb")}, {**local, "b": "l3"}, remote, "abort")
    assert plan.aborted and plan.actions == [] and plan.conflicts == [("a", name)]


def test_added_on_both_sides_is_a_conflict_unless_identical():
    plan = plan_sync({}, {"n": "x"}, {"n": "y"}, "local")
    assert plan.conflicts == [("n", "added on both sides")]
    assert plan.actions == [Action(Kind.UPLOAD, "n", conflict="added on both sides")]
    # the same content on both sides (an interrupted download): adopt, no conflict
    plan = plan_sync({}, {"n": "x"}, {"n": "x"})
    assert plan.conflicts == [] and kinds(plan) == [("adopt", "n")]


def test_interrupted_download_is_adopted():
    # the file was written, the status not: both "changed", to the same content
    plan = plan_sync(S, {"a": "new"}, {"a": "new"}, "abort")
    assert not plan.aborted and kinds(plan) == [("adopt", "a")]


def test_remote_delta_from_a_full_listing():
    status = {"a": Synced("la", "ra"), "b": Synced("lb", "rb")}
    assert remote_delta(status, {"a": "ra", "c": "rc"}) == {"c": "rc", "b": None}
    assert remote_delta(status, {"a": "r2", "b": "rb"}) == {"a": "r2"}


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="policy"):
        plan_sync({}, {}, {}, "newest")
