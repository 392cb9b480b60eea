"""Fuzzing both clients against the hostile server (hypothesis).

Each example builds a hostile server (session URLs, answers: statuses, Retry-After values,
dripping, bombs, deep or random JSON, dropped connections) and a second server on another
origin, runs one public call, and asserts the four promises: only DAVError subclasses
escape, the call returns within its bound, no credentials reach the other origin, and no
request that changes data is sent twice.  Deterministic under CI=true (derandomize);
examples are few and every server loop is bounded in bytes and time.
"""

from __future__ import annotations

import io
import json
import os
from collections import Counter

import pytest
from caldav.lib.error import DAVError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caldav.jmap._protocol.retry import safe_to_repeat
from caldav.jmap._registry import declared_call
from tests.hostile.drivers import KINDS, Driver
from tests.hostile.server import HostileServer, Reply, gzip_bomb, jmap_session, nested_json
from tests.hostile.store import EventStore
from tests.integration.support import ics

DEADLINE = 0.6  # seconds per HTTP exchange, for the client under test
MAX_RETRY_WAIT = 1.0
# a call makes at most a few exchanges (session, redirect, API, lookups, 3 repeats) and
# waits at most MAX_RETRY_WAIT per request: far below this unless something hangs
CALL_BOUND = 15.0

FUZZ = settings(
    max_examples=int(os.environ.get("HOSTILE_FUZZ_EXAMPLES", "12")),
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow],
)

ICS = ics("fuzz-1")

CALLS = {
    "get_session": (),
    "get_calendars": (),
    "create_event": ("c1", ICS),
    "create_events": ("c1", [ICS]),
    "update_calendar": ("c1", {"name": "n"}),
    "delete_event": ("e1",),
    "search_events": (),
    "download_blob": ("B1",),
    "download_blob_to": ("B1", io.BytesIO()),
    "upload_blob": (b"data", "text/plain"),
    "get_sync_token": (),
}

url_kinds = st.sampled_from(
    ["relative", "backslash", "userinfo", "control", "bad port", "template", "other", "number"]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)


@st.composite
def answers(draw):
    """One hostile answer script for the API or a download."""
    kind = draw(
        st.sampled_from(
            ["ok", "busy", "drip", "bomb", "nested", "garbage", "json", "drop", "hang", "redirect"]
        )
    )
    if kind == "busy":
        after = draw(
            st.sampled_from(["0", "1", "5", "120", "-3", "soon", "Wed, 21 Oct 2015 07:28:00 GMT"])
        )
        return kind, Reply(draw(st.sampled_from([429, 503])), {"Retry-After": after}, b"busy")
    if kind == "drip":
        return kind, Reply(200, {"Content-Type": "application/json"}, b" " * 200, drip=0.05,
                           drip_head=draw(st.booleans()))  # fmt: skip
    if kind == "bomb":
        return kind, gzip_bomb(32 * 1024 * 1024)
    if kind == "nested":
        return kind, Reply.json(nested_json(draw(st.integers(60, 5000))))
    if kind == "garbage":
        return kind, Reply(200, {"Content-Type": "application/json"}, draw(st.binary(max_size=64)))
    if kind == "json":
        return kind, Reply.json(json.dumps(draw(json_values)))
    if kind == "drop":
        return kind, Reply(drop=True)
    if kind == "hang":
        return kind, Reply(hang=2 * DEADLINE)
    if kind == "redirect":
        return kind, Reply(307, {"Location": "http://127.0.0.1:1/elsewhere"})
    return kind, None


def hostile_url(kind: str, good: HostileServer, other: HostileServer, path: str):
    return {
        "relative": path,
        "backslash": f"http://localhost:{other.port}\\@127.0.0.1:{good.port}{path}",
        "userinfo": f"http://u:p@127.0.0.1:{good.port}{path}",
        "control": f"http://127.0.0.1:{good.port}\r\n{path}",
        "bad port": f"http://127.0.0.1:99999{path}",
        "template": "http://{host}" + path,
        "other": other.url + path,
        "number": 12345,
    }[kind]


def changes_repeated(server: HostileServer) -> list[bytes]:
    """Bodies of API requests that change data and arrived twice with no lookup between
    (a bulk create may send again what a lookup by UID showed the server lacks)."""
    since_lookup: Counter[bytes] = Counter()
    repeated = []
    for received in server.requests_to("/jmap/api/"):
        calls = json.loads(received.body).get("methodCalls", [])
        if any(c[0] == "CalendarEvent/query" for c in calls):
            since_lookup.clear()
        elif not safe_to_repeat(declared_call(c[0], c[1]) for c in calls):
            since_lookup[received.body] += 1
            if since_lookup[received.body] == 2:
                repeated.append(received.body)
    return repeated


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(
    call=st.sampled_from(sorted(CALLS)),
    api_url=url_kinds,
    download_url=url_kinds,
    api=answers(),
    download=answers(),
    times=st.integers(1, 4),
)
def test_fuzzed_hostile_server(kind, call, api_url, download_url, api, download, times):
    with HostileServer() as good, HostileServer() as other:
        other.default = Reply.json({"methodResponses": []})
        store = EventStore()
        session = jmap_session(
            apiUrl=hostile_url(api_url, good, other, "/jmap/api/"),
            downloadUrl=hostile_url(download_url, good, other, "/jmap/download/{blobId}"),
        )
        peer = good.serve_jmap(store.handlers(), session)
        left = [times]

        def api_answer(received):
            if api[1] is not None and left[0] > 0:
                left[0] -= 1
                if api[0] == "busy":
                    peer.api(received.json())  # applied, then answered busy
                return api[1]
            return Reply.json(peer.api(received.json()))

        good.route("/jmap/api/", api_answer)
        good.route("/jmap/download/B1", download[1] or Reply(200, {}, b"blob"))
        good.route(
            "/jmap/upload/A1/", Reply.json({"blobId": "B2", "type": "text/plain", "size": 4})
        )
        driver = Driver(kind, good.well_known, deadline=DEADLINE, max_retry_wait=MAX_RETRY_WAIT)
        try:
            try:
                driver(call, *CALLS[call])
            except DAVError:
                pass  # typed: fine; anything else fails the test
            assert driver.elapsed < CALL_BOUND, (call, api, driver.elapsed)
        finally:
            driver.close()
        assert other.authorizations == []
        assert changes_repeated(good) == []
        uids = [e.get("uid") for e in store.events.values()]
        assert len(uids) == len(set(uids))  # no event created twice
