"""The built distribution, shared by the tests of this directory: built once per run.

``built`` holds the sdist and wheel (``python -m build``: the sdist, then the wheel from it)
and a local wheelhouse with every dependency; ``built.venv(name)`` makes a fresh venv
without pip and ``built.install(python, ...)`` installs into it from the wheelhouse only
(``--no-index``), through this interpreter's pip (``pip --python``).  A type check of a
user program belongs in such a venv: an editable install has no stubs for type checkers
(docs/migration.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON_CALDAV = "caldav==3.6.0"


def run(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONWARNINGS": "ignore"}
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, timeout=600
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed:\n{result.stdout}\n{result.stderr}")
    return result


class Built:
    def __init__(self, root: Path) -> None:
        self.root = root
        dist = root / "dist"
        run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", dist, REPO)
        self.wheel = next(dist.glob("caldav_jmap-*.whl"))
        self.sdist = next(dist.glob("caldav_jmap-*.tar.gz"))
        self.wheelhouse = root / "wheelhouse"
        run(sys.executable, "-m", "pip", "wheel", "-q", "-w", self.wheelhouse, self.wheel,
            PYTHON_CALDAV)  # fmt: skip

    def venv(self, name: str) -> Path:
        path = self.root / name
        run(sys.executable, "-m", "venv", "--without-pip", path)
        return path / "bin" / "python"

    def pip(self, python: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return run(sys.executable, "-m", "pip", "--python", python, *args)

    def install(self, python: Path, *args: str | Path) -> None:
        self.pip(python, "install", "-q", "--no-index", "--find-links", self.wheelhouse, *args)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(tmp_path_factory.mktemp("packaging"))
