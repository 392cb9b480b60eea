"""``caldav.error`` is :mod:`caldav.lib.error` under a shorter name: the same module object."""

import sys

from caldav.lib import error as _error

sys.modules[__name__] = _error
