"""Capability URIs and protocol constants of JMAP (RFC 8620 and the JMAP extensions)."""

CORE_CAPABILITY = "urn:ietf:params:jmap:core"
CALENDAR_CAPABILITY = "urn:ietf:params:jmap:calendars"
CALENDAR_PARSE_CAPABILITY = "urn:ietf:params:jmap:calendars:parse"
CALENDAR_PREFERENCES_CAPABILITY = "urn:ietf:params:jmap:calendars:preferences"
TASK_CAPABILITY = "urn:ietf:params:jmap:tasks"
PRINCIPALS_CAPABILITY = "urn:ietf:params:jmap:principals"
PRINCIPALS_OWNER_CAPABILITY = "urn:ietf:params:jmap:principals:owner"
#: Principal/getAvailability in the current draft (Cyrus 3.10 does not advertise it).
PRINCIPALS_AVAILABILITY_CAPABILITY = "urn:ietf:params:jmap:principals:availability"
CONTACTS_CAPABILITY = "urn:ietf:params:jmap:contacts"
BLOB_CAPABILITY = "urn:ietf:params:jmap:blob"
WEBSOCKET_CAPABILITY = "urn:ietf:params:jmap:websocket"

#: Cyrus advertises its pre-standard calendar API under this vendor capability; its presence
#: tells the client it talks to Cyrus and which draft revision's dialect to speak.
CYRUS_CALENDAR_CAPABILITY = "https://cyrusimap.org/ns/jmap/calendars"

#: The prefix of request-level error types (RFC 8620 section 3.6.1).
REQUEST_ERROR_PREFIX = "urn:ietf:params:jmap:error:"

#: The media type of a JMAP API request and response.
JSON_CONTENT_TYPE = "application/json"

#: The most of an error answer's body kept to explain it (a push stream's, a download's).
ERROR_BODY_BYTES = 64 * 1024
