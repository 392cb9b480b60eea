"""Shared test set-up: tests under tests/integration/ need the local Cyrus server.

They run against the server tests/cyrus/cyrus.sh starts (tests/bootstrap.sh starts it and
exports CYRUS_JMAP_URL).  They are skipped only when the developer asks for a unit-only run
with JMAP_TESTS_UNIT_ONLY=1; a server that cannot be reached otherwise fails them.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNIT_ONLY = os.environ.get("JMAP_TESTS_UNIT_ONLY") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration/" in item.nodeid or item.nodeid.startswith("integration/"):
            item.add_marker(pytest.mark.integration)
            if UNIT_ONLY:
                item.add_marker(pytest.mark.skip(reason="unit-only run (JMAP_TESTS_UNIT_ONLY=1)"))


@pytest.fixture(scope="session")
def cyrus_url() -> str:
    """The local Cyrus's /.well-known/jmap URL, starting the server when needed."""
    url = os.environ.get("CYRUS_JMAP_URL")
    if url:
        return url
    script = ROOT / "tests" / "cyrus" / "cyrus.sh"
    started = subprocess.run(["bash", str(script), "start"], capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail(
            "the local Cyrus JMAP server could not be started (set JMAP_TESTS_UNIT_ONLY=1 for "
            f"a unit-only run):\n{started.stderr[-2000:]}"
        )
    env = subprocess.run(["bash", str(script), "env"], capture_output=True, text=True, check=True)
    values = dict(line.split("=", 1) for line in env.stdout.splitlines() if "=" in line)
    return values["CYRUS_JMAP_URL"]
