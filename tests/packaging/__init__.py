"""Tests of the built distribution: sdist and wheel contents, installs beside python-caldav."""
