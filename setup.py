"""The package list for setuptools; everything else is in pyproject.toml.

The checkout's ``caldav/jmap`` is installed as the private top-level package
``_caldav_jmap`` (python-caldav owns ``caldav``; build_support/_caldav_jmap_finder.py
serves ``caldav.jmap`` from it).  The subpackages are found, not listed, so a new one
cannot be left out of the wheel.
"""

from setuptools import find_namespace_packages, setup

HOME = "_caldav_jmap"
SOURCE = "caldav/jmap"

setup(
    package_dir={HOME: SOURCE},
    packages=[
        HOME,
        *(f"{HOME}.{name}" for name in find_namespace_packages(SOURCE, exclude=["*__pycache__*"])),
    ],
    package_data={HOME: ["py.typed", "*.pyi"]},
)
