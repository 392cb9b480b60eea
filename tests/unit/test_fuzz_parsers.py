"""Hostile server answers: whatever JSON arrives, the parsers raise JMAPError or succeed.

Hypothesis generates the answers a broken or hostile server could send (wrong types,
missing fields, nesting where a string belongs); no other exception may escape.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from caldav.jmap._protocol.http import HTTPResponse, decode_json, raise_for_status
from caldav.jmap._protocol.response import parse_response
from caldav.jmap._protocol.standard import (
    parse_changes,
    parse_get,
    parse_query,
    parse_query_changes,
    parse_set,
)
from caldav.jmap.error import JMAPError
from caldav.jmap.objects.calendar import JMAPCalendar
from caldav.jmap.objects.task import JMAPTask
from caldav.jmap.session import Session

from .fake_jmap import SESSION_URL, session_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)

# Objects with the right keys but any values: closer to what a buggy server sends
KEYS = [
    "list", "notFound", "state", "created", "updated", "destroyed", "notCreated",
    "notUpdated", "notDestroyed", "oldState", "newState", "hasMoreChanges", "ids",
    "position", "total", "queryState", "added", "removed", "oldQueryState", "newQueryState",
    "id", "name", "methodResponses", "sessionState", "apiUrl", "accounts", "capabilities",
    "primaryAccounts", "myRights", "sortOrder", "isVisible", "title", "due",
]  # fmt: skip
near_miss = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8)
answers = json_values | near_miss


def only_jmap_errors(function, *args):
    try:
        function(*args)
    except JMAPError:
        pass


@settings(max_examples=300, deadline=None)
@given(answers)
def test_standard_parsers_raise_only_jmap_errors(data):
    if not isinstance(data, dict):
        data = {"list": data}
    for parser in (parse_get, parse_set, parse_changes, parse_query, parse_query_changes):
        only_jmap_errors(parser, data, "X/method")


@settings(max_examples=300, deadline=None)
@given(answers)
def test_response_and_session_parsers_raise_only_jmap_errors(data):
    only_jmap_errors(parse_response, data)
    only_jmap_errors(Session.from_jmap, data, SESSION_URL)
    only_jmap_errors(JMAPCalendar.from_jmap, data)
    only_jmap_errors(JMAPTask.from_jmap, data)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(session_json())), json_values)
def test_session_with_one_field_broken(key, value):
    data = session_json()
    data[key] = value
    try:
        session = Session.from_jmap(data, SESSION_URL)
        session.account_id_for()
    except JMAPError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.integers(min_value=100, max_value=599))
def test_http_layer_raises_only_jmap_errors(body, status):
    response = HTTPResponse.build(status, {"content-type": "application/json"}, body, "u")
    only_jmap_errors(raise_for_status, response, "the JMAP API")
    only_jmap_errors(decode_json, response, "the JMAP API")


def test_truncated_json_names_the_problem():
    full = json.dumps({"methodResponses": [["Calendar/get", {"list": []}, "c0"]]}).encode()
    try:
        decode_json(HTTPResponse.build(200, {}, full[:20], "https://x/jmap/"), "the JMAP API")
    except JMAPError as error:
        assert "not valid JSON" in error.reason
    else:
        raise AssertionError("a truncated body must not parse")
