"""Makes ``import caldav.jmap`` load the caldav-jmap distribution, beside python-caldav.

python-caldav owns the ``caldav`` package, including a ``caldav/jmap/__init__.py`` of its
own (3.6: a deprecated redirect to another JMAP package).  caldav-jmap shares no file with
it: its modules are installed under the private directory ``_caldav_jmap`` and this
meta-path finder, installed at interpreter start by ``caldav_jmap.pth``, answers the one
name ``caldav.jmap`` with that directory.  Every ``caldav.jmap.*`` submodule is then found
by the ordinary path finder inside it.  So the order in which the two distributions are
installed, or a later reinstall or upgrade of python-caldav, does not matter, and
uninstalling either removes only its own files.

The directory is located through the import system (``importlib.util.find_spec``, which
does not execute it), so the same finder serves a wheel install (``site-packages/
_caldav_jmap``) and an editable install (the checkout's ``caldav/jmap``, mapped by
setuptools' editable finder).

Where ``.pth`` files are not processed (``python -S``, ``pip install --target`` into a
directory that is no site directory), ``import _caldav_jmap_finder`` before the first
``import caldav.jmap`` does the same.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

__all__ = ["CaldavJmapFinder", "install"]

#: The import name served, and the private directory that holds its files.
NAME = "caldav.jmap"
HOME = "_caldav_jmap"


class CaldavJmapFinder:
    """A meta-path finder for exactly ``caldav.jmap`` (not its submodules)."""

    @classmethod
    def find_spec(
        cls,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        """The spec of our package under the name ``caldav.jmap``; None for other names."""
        if fullname != NAME:
            return None
        home = importlib.util.find_spec(HOME)
        if home is None or home.origin is None or not home.submodule_search_locations:
            return None  # caldav-jmap is not (or no longer) installed: let others answer
        return importlib.util.spec_from_file_location(
            NAME, home.origin, submodule_search_locations=list(home.submodule_search_locations)
        )

    @classmethod
    def invalidate_caches(cls) -> None:
        """Nothing cached here (the path finder caches the directory listings)."""


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if CaldavJmapFinder not in sys.meta_path:
        sys.meta_path.insert(0, CaldavJmapFinder)  # type: ignore[arg-type]


install()
