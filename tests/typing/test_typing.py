"""The library's types, checked as its users' checkers see them.

- caldav/jmap/async_api.pyi (the async client's types) is what tools/gen_async_api.py
  generates from the current source;
- (tests/packaging/test_typing.py: a user program, checked against the installed wheel);
- ``mypy --strict caldav/jmap`` finds no more errors than the recorded count (a ratchet:
  lower it as errors are fixed; the goal is 0).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

#: ``mypy --strict caldav/jmap`` errors left in the library (see the module docstring).
LIBRARY_ERRORS_AT_MOST = 0


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_async_api", ROOT / "tools/gen_async_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _mypy(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy", reason="mypy is in the test extra")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", f"--cache-dir={cache}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_generated_async_types_are_current() -> None:
    gen = _generator()
    current = (ROOT / "caldav/jmap/async_api.pyi").read_text()
    assert gen.formatted(gen.render()) == current, (
        "caldav/jmap/async_api.pyi is out of date: run python tools/gen_async_api.py"
    )


def test_async_types_make_every_server_method_a_coroutine() -> None:
    stub = (ROOT / "caldav/jmap/async_api.pyi").read_text()
    client = stub.split("class AsyncJMAPClientAPI", 1)[1].split("\nclass ", 1)[0]
    for name in ("get_calendars", "create_event", "principal", "calendar", "get_session"):
        assert re.search(rf"async def {name}\(", client), name
    for name, kind in (("watch", "AsyncIterator"), ("iter_blob", "AsyncIterator")):
        assert re.search(rf"\n    def {name}\([^)]*\)[^:]*-> {kind}\[", client, re.S), name
    assert "async def save(self) -> None" in stub.split("class AsyncJMAPEvent", 1)[1]


def test_library_mypy_strict_errors_do_not_grow(tmp_path: Path) -> None:
    result = _mypy("caldav/jmap", cache=tmp_path)
    # counted only from a run that checked the sources: an error that stops mypy before
    # (a module found twice, a bad configuration) is "Found 1 error" too, and hides the rest
    checked = re.search(
        r"^(?:Found (\d+) errors? in \d+ files? \(checked|Success: no issues found in) \d+ ",
        result.stdout,
        re.M,
    )
    assert checked, result.stdout + result.stderr
    count = int(checked.group(1) or 0)
    assert count <= LIBRARY_ERRORS_AT_MOST, result.stdout
