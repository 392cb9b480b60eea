"""python-caldav with a JMAP client: ``from caldav.jmap import JMAPClient``.

The JMAP client lives in :mod:`caldav.jmap`; the DAVError hierarchy it raises in
:mod:`caldav.lib.error` (also importable as ``caldav.error``); connection settings are read by
:func:`caldav.config.get_connection_params`.
"""

__version__ = "3.7.0.dev0"
