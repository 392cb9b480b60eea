"""Per-data-type operations (calendars, events, tasks), built on :mod:`caldav.jmap._protocol`."""
