"""Events: their search and their writing, each in its own module.

``filters`` (the filter model, rendering, sorting), ``plan`` (what the server filters and
what the client evaluates), ``search`` (the one search engine, filter learning,
queryChanges), ``storable`` (what is refused before it is sent), ``write`` (one event:
create, update, patch, copy), ``bulk`` (many events, .ics import), ``searcher`` (the
fluent searcher), ``results`` (named results) and ``client`` (the client's event
methods).  The public names are re-exported by :mod:`caldav.jmap` and
:mod:`caldav.jmap.query`.
"""
