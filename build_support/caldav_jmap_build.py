"""The build backend: setuptools, plus the two files that make ``caldav.jmap`` importable.

setuptools builds the wheel (and the editable wheel) from pyproject.toml and setup.py,
with the package ``caldav/jmap`` of the checkout installed as the private top-level
``_caldav_jmap``.  This backend then adds to both kinds of wheel, and to their RECORD:

- ``_caldav_jmap_finder.py``: the meta-path finder that serves ``caldav.jmap`` from it;
- ``caldav_jmap.pth``: one line that imports the finder when the interpreter starts.

and to the (non-editable) wheel a PEP 561 partial stub package ``caldav-stubs``: each
``_caldav_jmap/X.py`` as ``caldav-stubs/jmap/X.pyi``, unchanged.  Type checkers do not run
the finder; they resolve ``caldav.jmap`` on disk, where they would find python-caldav's
redirect.  The partial stubs give them our modules under ``caldav.jmap`` and leave the rest
of ``caldav`` to python-caldav (``py.typed`` says ``partial``).

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
HOME = "_caldav_jmap/"
STUBS = "caldav-stubs/"


def _extra_files() -> dict[str, bytes]:
    return {FINDER: (HERE / FINDER).read_bytes(), PTH: PTH_LINE}


def _stubs(wheel: zipfile.ZipFile) -> dict[str, bytes]:
    """The partial stub package for type checkers: our modules as ``caldav.jmap`` stubs."""
    stubs = {STUBS + "py.typed": b"partial\n"}
    names = wheel.namelist()
    for name in names:
        if not name.startswith(HOME) or not name.endswith((".py", ".pyi")):
            continue
        stub = STUBS + "jmap/" + name[len(HOME) :].removesuffix("i").removesuffix(".py") + ".pyi"
        # a module's own .pyi (the generated async API) wins over its source
        if name.endswith(".py") and name + "i" in names:
            continue
        stubs[stub] = wheel.read(name)
    return stubs


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _add_files(wheel: Path, stubs: bool) -> None:
    """Rewrite ``wheel`` with the finder and the .pth (and the stubs) added, and listed in
    its RECORD."""
    extra = _extra_files()
    rebuilt = wheel.with_suffix(".tmp")
    with zipfile.ZipFile(wheel) as old, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as new:
        if stubs:
            extra.update(_stubs(old))
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
    """PEP 517: setuptools' wheel, with the finder, the .pth and the stubs added."""
    name = _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    _add_files(Path(wheel_directory) / name, stubs=True)
    return name


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """PEP 660: setuptools' editable wheel, with the finder and the .pth added (no stubs:
    copies would go stale as the checkout is edited)."""
    name = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    _add_files(Path(wheel_directory) / name, stubs=False)
    return name
