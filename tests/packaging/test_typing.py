"""The library's types as its users' checkers see them: against the installed wheel.

A program using the public API of both clients (typing/user_program.py) has no error under
``mypy --strict`` and ``pyright`` in strict mode, so ``await client.get_calendars()``,
``await cal.add_event(...)`` and the sync forms are all typed as what they return; a
missing or wrong ``await`` is an error.  The checkers run against a fresh venv with the
built wheel installed, as a user's would: an editable install gives them python-caldav's
``caldav/jmap`` instead of ours (they do not run the import finder; docs/migration.md).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import Built

HERE = Path(__file__).resolve().parent / "typing"


@pytest.fixture(scope="module")
def installed(built: Built) -> Path:
    """The python of a venv with the wheel (and python-caldav) installed."""
    python = built.venv("typed")
    built.install(python, built.wheel)
    return python


@pytest.fixture
def program_dir(tmp_path: Path) -> Path:
    # outside the checkout, so its caldav/ directory cannot shadow the installed one
    for name in ("user_program.py", "pyrightconfig.json"):
        shutil.copy(HERE / name, tmp_path / name)
    return tmp_path


def _mypy(python: Path, program: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy", reason="mypy is in the test extra")
    # --follow-imports=silent: the library's own errors are not the user's (an installed
    # package's are not reported either); wrong library types still fail the user's lines
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", f"--python-executable={python}",
         "--follow-imports=silent", f"--cache-dir={cache}", str(program)],
        cwd=program.parent, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_user_program_passes_mypy_strict(installed: Path, program_dir: Path) -> None:
    result = _mypy(installed, program_dir / "user_program.py", program_dir / "cache")
    assert result.returncode == 0, result.stdout + result.stderr


WRONG_PROGRAM = """
from caldav.jmap import AsyncJMAPClient, JMAPClient

async def wrong(client: AsyncJMAPClient, sync: JMAPClient) -> None:
    text: str = client.get_event("e1")  # not awaited
    cal = (await client.get_calendars())[0]
    event_id: str = cal.add_event("BEGIN:VCALENDAR")  # not awaited
    await sync.get_event("e1")  # the sync client's result is no awaitable
"""


def test_mypy_check_catches_a_missing_or_wrong_await(installed: Path, tmp_path: Path) -> None:
    program = tmp_path / "wrong_program.py"
    program.write_text(WRONG_PROGRAM)
    result = _mypy(installed, program, tmp_path / "cache")
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [int(line.split(":")[1]) for line in errors] == [5, 7, 8], result.stdout


def test_user_program_passes_pyright_strict(installed: Path, program_dir: Path) -> None:
    pytest.importorskip("pyright", reason="pyright is in the test extra")
    pyright = shutil.which("pyright", path=str(Path(sys.executable).parent)) or "pyright"
    result = subprocess.run(
        [pyright, "--pythonpath", str(installed), "-p", str(program_dir)],
        cwd=program_dir,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout
