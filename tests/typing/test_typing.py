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


HOOKS = """
from collections.abc import AsyncIterator, Callable, Iterator

from caldav.jmap import AsyncJMAPClient, HTTPRequest, HTTPResponse, JMAPClient

Network = Callable[[HTTPRequest], Iterator[HTTPResponse | bytes]]
AsyncNetwork = Callable[[HTTPRequest], AsyncIterator[HTTPResponse | bytes]]
Parts = Iterator[HTTPResponse | bytes]

def answer(request: HTTPRequest, network: Network) -> HTTPResponse:
    return HTTPResponse.build(200, {}, b"{}", request.url)

def relay(request: HTTPRequest, network: Network) -> Parts:
    yield from network(request)

async def async_answer(request: HTTPRequest, network: object) -> HTTPResponse:
    return HTTPResponse.build(200, {}, b"{}", request.url)

async def async_relay(
    request: HTTPRequest, network: AsyncNetwork
) -> AsyncIterator[HTTPResponse | bytes]:
    async for part in network(request):
        yield part

JMAPClient("https://h/", "u", "p", http_send=answer)
JMAPClient("https://h/", "u", "p", http_send=relay)
AsyncJMAPClient("https://h/", "u", "p", http_send=async_answer)
AsyncJMAPClient("https://h/", "u", "p", http_send=async_relay)
AsyncJMAPClient("https://h/", "u", "p", http_send=answer)  # wrong: a blocking hook
JMAPClient("https://h/", "u", "p", http_send=async_answer)  # wrong: a coroutine function
"""


def test_http_send_hooks_are_typed_for_each_client(tmp_path: Path) -> None:
    program = tmp_path / "hooks.py"
    program.write_text(HOOKS)
    # with the library's sources named, the program imports them, not an installed caldav
    result = _mypy(str(program), "caldav/jmap", cache=tmp_path / "cache")
    errors = [
        line for line in result.stdout.splitlines() if "hooks.py" in line and ": error:" in line
    ]
    wrong = [n for n, line in enumerate(HOOKS.splitlines(), 1) if "# wrong" in line]
    assert sorted({int(line.split(":")[1]) for line in errors}) == wrong, result.stdout
