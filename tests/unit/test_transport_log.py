"""The HTTP exchange log (``caldav.jmap.http``, what ``caldav-jmap --debug`` prints)."""

from __future__ import annotations

import logging

from caldav.jmap._exchange import log_exchange
from caldav.jmap._protocol.http import HTTPRequest, HTTPResponse


def test_exchange_logged_at_debug_with_credentials_redacted(caplog):
    request = HTTPRequest(
        "POST",
        "https://jmap.example.com/api",
        {"Authorization": "Basic dXNlcjpzZWNyZXQ=", "Cookie": "s=1", "Accept": "x/y"},
        b'{"methodCalls":[]}',
    )
    response = HTTPResponse.build(200, {}, b'{"methodResponses":[]}', request.url)
    with caplog.at_level(logging.DEBUG, logger="caldav.jmap.http"):
        log_exchange(request, response)
    (record,) = caplog.records
    text = record.getMessage()
    assert "POST https://jmap.example.com/api" in text and "-> 200" in text
    assert '{"methodCalls":[]}' in text and '{"methodResponses":[]}' in text
    assert "dXNlcjpzZWNyZXQ" not in text and "s=1" not in text and "<redacted>" in text


def test_nothing_is_formatted_unless_debug_is_on(caplog):
    request = HTTPRequest("GET", "https://jmap.example.com/")
    with caplog.at_level(logging.INFO, logger="caldav.jmap.http"):
        log_exchange(request, HTTPResponse.build(204, {}, b"", request.url))
    assert caplog.records == []
