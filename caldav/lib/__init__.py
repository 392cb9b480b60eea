"""Library internals shared by the CalDAV and JMAP clients."""
