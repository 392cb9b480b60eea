"""The built sdist and wheel, and the install matrix beside python-caldav, in fresh venvs.

The wheel is built once (``python -m build``: the sdist, then the wheel from it, so a file
missing from the sdist breaks the build) and every dependency is put in a local wheelhouse;
the venvs install from that wheelhouse only (``--no-index``), through this interpreter's
pip (``pip --python``), so each install takes seconds.

(a) caldav-jmap alone (pip brings python-caldav); (b) after ``caldav==3.6.0``; (c)
``pip install --force-reinstall --no-deps caldav==3.6.0`` over (a): in each,
``from caldav import DAVClient`` is python-caldav's and ``from caldav.jmap import
JMAPClient`` ours, without python-caldav's redirect warning.  Uninstalling caldav-jmap
leaves python-caldav's files as they were.
"""

from __future__ import annotations

import tarfile
import textwrap
import zipfile
from pathlib import Path

from .conftest import PYTHON_CALDAV, REPO, Built, run

PROBE = textwrap.dedent(
    """
    import sys, warnings
    warnings.simplefilter("error", DeprecationWarning)   # python-caldav's redirect warns
    from caldav import DAVClient
    from caldav.jmap import JMAPClient, JMAPError, __version__
    import caldav, caldav.jmap, caldav.lib.error
    assert DAVClient.__module__ == "caldav.davclient", DAVClient.__module__
    assert JMAPClient.__module__ == "caldav.jmap.client", JMAPClient.__module__
    assert issubclass(JMAPError, caldav.lib.error.DAVError)
    assert "_caldav_jmap" in caldav.jmap.__file__, caldav.jmap.__file__
    print("ok", __version__, caldav.__version__)
    """
)


def probe(python: Path) -> str:
    result = run(python, "-c", PROBE, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def site_packages(python: Path) -> Path:
    out = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    return Path(out.stdout.strip())


def test_wheel_shares_no_file_with_python_caldav(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    assert not [n for n in names if n.startswith("caldav/")]
    assert "caldav_jmap.pth" in names and "_caldav_jmap_finder.py" in names
    assert "_caldav_jmap/__init__.py" in names and "_caldav_jmap/py.typed" in names
    sources = {
        "_caldav_jmap/" + p.relative_to(REPO / "caldav/jmap").as_posix()
        for p in (REPO / "caldav/jmap").rglob("*.py")
    }
    assert sources <= set(names), sorted(sources - set(names))  # no subpackage left out
    # the partial stub package type checkers read: every module, unchanged, except that a
    # module's own .pyi (the generated async API) stands for it
    with zipfile.ZipFile(built.wheel) as wheel:
        assert wheel.read("caldav-stubs/py.typed") == b"partial\n"
        for source in sources:
            stub = "caldav-stubs/jmap/" + source.removeprefix("_caldav_jmap/") + "i"
            own = source + "i"
            expected = wheel.read(own) if own in names else wheel.read(source)
            assert wheel.read(stub) == expected, stub
        assert "_caldav_jmap/async_api.pyi" in names
    text = metadata.decode()
    assert "Name: caldav-jmap" in text
    assert "License-Expression: GPL-3.0-or-later OR Apache-2.0" in text
    assert "Requires-Dist: caldav<4,>=3.6" in text
    for dropped in ("pyyaml", "python-dateutil", "calendaring-config"):
        assert f"Requires-Dist: {dropped}" not in text
    assert [n for n in names if n.endswith(("licenses/COPYING.GPL", "licenses/COPYING.APACHE"))]


def test_sdist_carries_licenses_tests_docs_and_the_build(built: Built) -> None:
    with tarfile.open(built.sdist) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    for needed in (
        "COPYING.GPL",
        "COPYING.APACHE",
        "setup.py",
        "build_support/caldav_jmap_build.py",
        "build_support/_caldav_jmap_finder.py",
        "docs/migration.md",
        "tests/bootstrap.sh",
        "tests/packaging/test_install_matrix.py",
        "tests/unit/test_packaging.py",
    ):
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n]


def test_a_alone_then_c_python_caldav_reinstalled_over_it(built: Built) -> None:
    python = built.venv("alone")
    built.install(python, built.wheel)  # pip brings python-caldav as a dependency
    assert probe(python).startswith("ok")
    assert "No broken requirements" in built.pip(python, "check").stdout
    # (c): python-caldav's files written again, its caldav/jmap/__init__.py included
    built.install(python, "--force-reinstall", "--no-deps", PYTHON_CALDAV)
    assert (site_packages(python) / "caldav/jmap/__init__.py").exists()
    assert probe(python).startswith("ok")


def test_b_after_python_caldav_and_uninstalled_again(built: Built) -> None:
    python = built.venv("after")
    built.install(python, PYTHON_CALDAV)
    redirect = site_packages(python) / "caldav/jmap/__init__.py"
    before = redirect.read_bytes()
    built.install(python, built.wheel)
    assert probe(python).startswith("ok")
    assert redirect.read_bytes() == before  # python-caldav's file is untouched
    built.pip(python, "uninstall", "-y", "caldav-jmap")
    assert redirect.read_bytes() == before
    result = run(python, "-c", "from caldav import DAVClient; import caldav.jmap", check=False)
    # python-caldav alone again: its own caldav.jmap, asking for calendaring-jmap
    assert "calendaring-jmap" in result.stderr and "DAVClient" not in result.stderr
