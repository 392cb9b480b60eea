"""A hostile JMAP server for tests: see :mod:`tests.hostile.server`."""
