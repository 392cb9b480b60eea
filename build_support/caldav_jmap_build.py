"""The build backend: setuptools, plus the two files that make ``caldav.jmap`` importable.

setuptools builds the wheel (and the editable wheel) from pyproject.toml and setup.py,
with the package ``caldav/jmap`` of the checkout installed as the private top-level
``_caldav_jmap``.  This backend then adds to both kinds of wheel, and to their RECORD:

- ``_caldav_jmap_finder.py``: the meta-path finder that serves ``caldav.jmap`` from it;
- ``caldav_jmap.pth``: one line that imports the finder when the interpreter starts.

setuptools' editable wheels carry only its own finder, so the addition is done here, once,
for both (see ``_caldav_jmap_finder``'s docstring for why no file is shared with
python-caldav).
"""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import (  # noqa: F401  (re-exported PEP 517/660 hooks)
    build_sdist,
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

HERE = Path(__file__).resolve().parent
FINDER = "_caldav_jmap_finder.py"
PTH = "caldav_jmap.pth"
PTH_LINE = b"import _caldav_jmap_finder\n"


def _extra_files() -> dict[str, bytes]:
    return {FINDER: (HERE / FINDER).read_bytes(), PTH: PTH_LINE}


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _add_files(wheel: Path) -> None:
    """Rewrite ``wheel`` with the finder and the .pth added, and listed in its RECORD."""
    extra = _extra_files()
    rebuilt = wheel.with_suffix(".tmp")
    with zipfile.ZipFile(wheel) as old, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as new:
        record_name = next(n for n in old.namelist() if n.endswith(".dist-info/RECORD"))
        for item in old.infolist():
            if item.filename in extra:
                continue
            if item.filename == record_name:
                continue
            new.writestr(item, old.read(item.filename))
        for name, data in extra.items():
            new.writestr(name, data)
        record = [
            line
            for line in old.read(record_name).decode().splitlines()
            if line and line.split(",", 1)[0] not in extra
        ]
        record.extend(_record_line(name, data) for name, data in extra.items())
        new.writestr(record_name, "\n".join(record) + "\n")
    os.replace(rebuilt, wheel)


def build_wheel(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """PEP 517: setuptools' wheel, with the finder and the .pth added."""
    name = _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    _add_files(Path(wheel_directory) / name)
    return name


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """PEP 660: setuptools' editable wheel, with the finder and the .pth added."""
    name = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    _add_files(Path(wheel_directory) / name)
    return name
