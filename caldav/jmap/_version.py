"""The version of the caldav-jmap distribution (read by the build, and by ``caldav.jmap``)."""

__version__ = "0.1.0.dev0"
