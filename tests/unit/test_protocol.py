"""The sans-IO core on its own: request building, response and session parsing, HTTP errors.

Pure functions with canned data: no server is involved (the same paths run against Cyrus
in tests/integration/).
"""

from __future__ import annotations

import json

import pytest
from caldav.lib.error import AuthorizationError, DAVError, NotFoundError, RateLimitError

from caldav.jmap._protocol.http import (
    HTTPRequest,
    HTTPResponse,
    parse_retry_after,
    raise_for_status,
    same_origin,
)
from caldav.jmap._protocol.request import Call, RequestBuilder
from caldav.jmap._protocol.response import parse_response
from caldav.jmap._protocol.spec import TypeSpec
from caldav.jmap._protocol.standard import (
    parse_changes,
    parse_get,
    parse_query,
    parse_query_changes,
    parse_set,
    raise_set_errors,
)
from caldav.jmap.constants import CALENDAR_CAPABILITY, CORE_CAPABILITY, TASK_CAPABILITY
from caldav.jmap.error import (
    JMAPAuthError,
    JMAPCapabilityError,
    JMAPError,
    JMAPMethodError,
    JMAPNotFoundError,
    JMAPRateLimitError,
)
from caldav.jmap.session import Session, discover

from .fake_jmap import SESSION_URL, session_json

EVENT = TypeSpec("CalendarEvent", CALENDAR_CAPABILITY)


def test_request_builder_numbers_calls_and_encodes_result_references():
    req = RequestBuilder()
    query = req.add(EVENT.query("A1", filter={"uid": "x"}, calculate_total=True))
    req.add(EVENT.get("A1", ids=query.ref("/ids")))
    payload = req.to_json()
    assert payload["using"] == [CORE_CAPABILITY, CALENDAR_CAPABILITY]
    assert payload["methodCalls"][0] == [
        "CalendarEvent/query",
        {"accountId": "A1", "filter": {"uid": "x"}, "calculateTotal": True},
        "c0",
    ]
    assert payload["methodCalls"][1] == [
        "CalendarEvent/get",
        {
            "accountId": "A1",
            "#ids": {"resultOf": "c0", "name": "CalendarEvent/query", "path": "/ids"},
        },
        "c1",
    ]


def test_using_lists_each_capability_once():
    req = RequestBuilder()
    req.add(Call("Task/get", {}, TASK_CAPABILITY))
    req.add(Call("Task/get", {}, TASK_CAPABILITY))
    req.add(EVENT.get("A1", []))
    assert req.using == [CORE_CAPABILITY, TASK_CAPABILITY, CALENDAR_CAPABILITY]


def test_set_builder_carries_type_specific_arguments():
    call = EVENT.set("A1", destroy=["e1"], if_in_state="5", sendSchedulingMessages=True)
    assert call.name == "CalendarEvent/set"
    assert call.arguments["sendSchedulingMessages"] is True
    assert call.arguments["ifInState"] == "5"


def test_parse_response_rejects_malformed_invocations():
    with pytest.raises(JMAPError, match="methodResponses"):
        parse_response({"sessionState": "1"})
    with pytest.raises(JMAPError, match=r"methodResponses\[0\]"):
        parse_response({"methodResponses": [["CalendarEvent/get", [], "c0"]]})
    with pytest.raises(JMAPError, match="not a JSON object"):
        parse_response([1, 2])


def test_method_error_becomes_typed_exception():
    responses = parse_response(
        {
            "methodResponses": [
                ["error", {"type": "notFound", "description": "gone"}, "c0"],
                ["error", {"type": "cannotCalculateChanges"}, "c1"],
            ]
        }
    )
    with pytest.raises(JMAPNotFoundError) as found:
        responses.get("c0", "CalendarEvent/get")
    assert isinstance(found.value, NotFoundError)
    assert found.value.error_type == "notFound"
    assert found.value.description == "gone"
    with pytest.raises(JMAPMethodError, match="resynchronise") as changes:
        responses.get("c1", "CalendarEvent/changes")
    assert changes.value.error_type == "cannotCalculateChanges"


def test_missing_response_for_a_call_is_an_error():
    responses = parse_response({"methodResponses": []})
    with pytest.raises(JMAPError, match="did not answer"):
        responses.get("c0", "Calendar/get")


def test_parse_get_checks_types():
    ok = parse_get({"list": [{"id": "a"}], "notFound": ["b"], "state": "3"}, "X/get")
    assert (ok.objects, ok.not_found, ok.state) == ([{"id": "a"}], ["b"], "3")
    with pytest.raises(JMAPError, match="'list' is missing"):
        parse_get({"state": "3"}, "X/get")
    with pytest.raises(JMAPError, match="'state' is a int"):
        parse_get({"list": [], "state": 3}, "X/get")
    with pytest.raises(JMAPError, match=r"list\[0\] has no id"):
        parse_get({"list": [{"title": "x"}], "state": "1"}, "X/get")


def test_parse_set_and_raise_set_errors_keep_every_failure():
    result = parse_set(
        {
            "created": {"k1": {"id": "e1"}},
            "notCreated": {
                "k2": {"type": "invalidProperties", "properties": ["start"], "description": "bad"}
            },
            "notDestroyed": {"e9": {"type": "notFound"}},
            "newState": "9",
        },
        "CalendarEvent/set",
    )
    assert result.created["k1"]["id"] == "e1"
    assert result.failed
    with pytest.raises(JMAPMethodError) as error:
        raise_set_errors(result, "CalendarEvent/set")
    assert error.value.error_type == "invalidProperties"
    assert error.value.properties == ["start"]
    assert "start" in str(error.value)
    assert error.value.details["notDestroyed"] == {"e9": {"type": "notFound"}}


def test_parse_changes_query_and_query_changes():
    changes = parse_changes(
        {
            "oldState": "1",
            "newState": "2",
            "hasMoreChanges": True,
            "created": ["a"],
            "updated": [],
            "destroyed": ["b"],
        },
        "X/changes",
    )
    assert changes.has_more_changes and changes.created == ["a"] and changes.destroyed == ["b"]
    query = parse_query(
        {"ids": ["a", "b"], "position": 0, "queryState": "q", "total": 5}, "X/query"
    )
    assert query.total == 5 and query.ids == ["a", "b"]
    with pytest.raises(JMAPError, match="'ids' is missing"):
        parse_query({"position": 0}, "X/query")
    qc = parse_query_changes(
        {
            "oldQueryState": "q",
            "newQueryState": "r",
            "removed": ["a"],
            "added": [{"id": "c", "index": 0}],
        },
        "X/queryChanges",
    )
    assert qc.added == [(0, "c")] and qc.removed == ["a"]
    with pytest.raises(JMAPError, match="AddedItem"):
        parse_query_changes(
            {"oldQueryState": "q", "newQueryState": "r", "added": [{"id": 1}]}, "X/queryChanges"
        )


def test_session_resolves_relative_urls_and_picks_accounts():
    session = Session.from_jmap(session_json(), SESSION_URL)
    assert session.api_url == "https://jmap.example.com/jmap/api/"
    assert session.upload_url == "https://jmap.example.com/jmap/upload/{accountId}/"
    assert session.event_source_url.startswith("https://jmap.example.com/jmap/eventsource/")
    assert session.account_id_for(CALENDAR_CAPABILITY) == "A1"
    with pytest.raises(JMAPCapabilityError) as missing:
        session.account_id_for(TASK_CAPABILITY)
    assert missing.value.capability == TASK_CAPABILITY


def test_session_falls_back_to_scanning_accounts():
    data = session_json()
    data["primaryAccounts"] = {}
    session = Session.from_jmap(data, SESSION_URL)
    assert session.account_id_for(CALENDAR_CAPABILITY) == "A1"


def test_session_without_accounts_or_api_url_is_an_error():
    data = session_json()
    del data["apiUrl"]
    with pytest.raises(JMAPError, match="apiUrl"):
        Session.from_jmap(data, SESSION_URL)
    data = session_json()
    data["accounts"] = {}
    session = Session.from_jmap(data, SESSION_URL)
    with pytest.raises(JMAPCapabilityError, match="no account"):
        session.account_id_for(CALENDAR_CAPABILITY)


def _drive(operation, answers):
    """Run a discovery generator against a list of canned responses; return (result, urls)."""
    urls = []
    try:
        request = next(operation)
        while True:
            urls.append(request.url)
            request = operation.send(answers.pop(0))
    except StopIteration as stop:
        return stop.value, urls


def test_discover_follows_same_origin_redirect_only():
    body = json.dumps(session_json()).encode()
    session, urls = _drive(
        discover("https://jmap.example.com/.well-known/jmap"),
        [
            HTTPResponse.build(301, {"Location": "/jmap/session"}, b"", ""),
            HTTPResponse.build(200, {}, body, ""),
        ],
    )
    assert urls == ["https://jmap.example.com/.well-known/jmap", SESSION_URL]
    assert session.url == SESSION_URL
    with pytest.raises(JMAPError, match="another origin"):
        _drive(
            discover("https://jmap.example.com/.well-known/jmap"),
            [HTTPResponse.build(302, {"Location": "https://evil.example.net/s"}, b"", "")],
        )


def test_http_errors_are_typed():
    def response(status, body=b"", headers=None):
        return HTTPResponse.build(status, headers or {}, body, "https://x/jmap/")

    with pytest.raises(JMAPAuthError) as auth:
        raise_for_status(response(401), "the JMAP API")
    assert isinstance(auth.value, AuthorizationError) and isinstance(auth.value, DAVError)
    assert auth.value.status == 401
    with pytest.raises(JMAPRateLimitError) as limited:
        raise_for_status(response(429, headers={"Retry-After": "7"}), "the JMAP API")
    assert isinstance(limited.value, RateLimitError) and limited.value.retry_after_seconds == 7
    problem = json.dumps(
        {"type": "urn:ietf:params:jmap:error:unknownCapability", "detail": "no such"}
    ).encode()
    with pytest.raises(JMAPError, match="unknownCapability") as refused:
        raise_for_status(response(400, problem), "the JMAP API")
    assert refused.value.error_type == "urn:ietf:params:jmap:error:unknownCapability"
    raise_for_status(response(200), "the JMAP API")


def test_helpers():
    assert same_origin("https://a.example/x", "https://A.example:443/y")
    assert not same_origin("https://a.example/x", "http://a.example/x")
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("garbage") is None
    req = HTTPRequest.post_json("https://x/", {"a": 1})
    assert req.body == b'{"a":1}' and req.headers["Content-Type"] == "application/json"
