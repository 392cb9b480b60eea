"""What differs between servers, in one place.

``quirks`` lists every adaptation with its reason (:data:`~caldav.jmap._servers.quirks.QUIRKS`);
``profile`` holds one :class:`~caldav.jmap._servers.profile.ServerProfile` per connection
(traits detected from the session, refusals learned at run time); ``vendor``,
``description`` and ``iana_zones`` rewrite an event for a server that refuses vendor
properties, styled descriptions or non-IANA time zones.
"""
