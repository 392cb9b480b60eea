"""The code examples of docs/migration.md run: the YAML block is the config file the
Python blocks read (as CONFIG)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "migration.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.S)


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_python_example_runs(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CALDAV_URL", "JMAP_URL", "CALDAV_CONFIG_FILE", "CALDAV_CONFIG_SECTION"):
        monkeypatch.delenv(name, raising=False)
    (config,) = blocks("yaml")
    path = tmp_path / "calendar.conf"
    path.write_text(config)
    path.chmod(0o600)
    exec(compile(blocks("python")[index], f"{DOC}:python[{index}]", "exec"), {"CONFIG": str(path)})
