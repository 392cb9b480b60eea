"""Hostile answers through the public API of both clients: repeats of changes (item 5),
Retry-After (19), the whole-exchange deadline (12), EventSource limits (14),
decompression bombs (15), deep JSON and other untyped failures (17), redaction (3)."""

from __future__ import annotations

import io
import logging
import tracemalloc

import pytest
from caldav.lib.error import DAVError

from caldav.jmap import JMAPClient, JMAPError, JMAPRateLimitError
from caldav.jmap.error import JMAPResponseLimitError, JMAPTimeoutError
from tests.hostile.drivers import PASSWORD
from tests.hostile.server import Reply, event_stream, gzip_bomb, gzip_json, nested_json
from tests.hostile.store import EventStore
from tests.integration.support import ics


def applied_then(hostile, peer, reply: Reply, times: int = 1) -> None:
    """The API applies each request, then answers ``reply`` instead (``times`` times)."""
    left = [times]

    def answer(received):
        result = peer.api(received.json())
        if left[0] > 0:
            left[0] -= 1
            return reply
        return Reply.json(result)

    hostile.route("/jmap/api/", answer)


# -- item 5: a change is never sent twice -------------------------------------------------


@pytest.mark.parametrize("status", [429, 503])
def test_a_set_applied_then_answered_busy_is_not_sent_again(hostile, drive, status):
    store = EventStore()
    peer = hostile.serve_jmap(store.handlers())
    driver = drive(hostile.well_known)
    driver("get_session")
    applied_then(hostile, peer, Reply(status, {"Retry-After": "0"}, b"busy"), times=10)
    with pytest.raises(JMAPError) as failed:
        driver("create_event", "c1", ics("one"))
    assert failed.value.status == status
    assert hostile.calls_of("CalendarEvent/set") == 1 and len(store.events) == 1


def test_a_bulk_create_answered_429_after_applying_looks_up_instead_of_resending(hostile, drive):
    store = EventStore()
    peer = hostile.serve_jmap(store.handlers())
    driver = drive(hostile.well_known)
    driver("get_session")
    applied_then(hostile, peer, Reply(429, {"Retry-After": "0"}, b"busy"), times=1)
    ids = driver("create_events", "c1", [ics(f"u{i}") for i in range(3)])
    assert len(ids) == 3 and len(store.events) == 3  # no duplicates
    assert hostile.calls_of("CalendarEvent/set") == 1  # found by UID, not sent again
    assert sorted(ids) == sorted(store.events)


def test_a_destroy_only_set_is_repeated_after_503(hostile, drive):
    store = EventStore()
    store.events["e9"] = {"id": "e9", "uid": "x"}
    peer = hostile.serve_jmap(store.handlers())
    driver = drive(hostile.well_known)
    driver("get_session")
    busy_once = [True]

    def answer(received):
        if busy_once.pop() if busy_once else False:
            return Reply(503, {"Retry-After": "0"}, b"busy")  # not applied
        return Reply.json(peer.api(received.json()))

    hostile.route("/jmap/api/", answer)
    driver("delete_event", "e9")
    assert hostile.calls_of("CalendarEvent/set") == 2 and store.events == {}


# -- item 19: Retry-After ------------------------------------------------------------------


def test_retry_after_beyond_the_maximum_wait_gives_up_at_once_with_the_servers_value(
    hostile, drive
):
    hostile.serve_jmap()
    hostile.route("/jmap/session", Reply(429, {"Retry-After": "120"}, b"slow down"))
    driver = drive(hostile.well_known, max_retry_wait=60)
    with pytest.raises(JMAPRateLimitError) as limited:
        driver("get_session")
    assert limited.value.retry_after_seconds == 120 and limited.value.retry_after == "120"
    assert driver.elapsed < 5 and len(hostile.requests_to("/jmap/session")) == 1


def test_retry_after_is_honoured_as_the_server_says_within_the_maximum(hostile, drive):
    peer = hostile.serve_jmap()
    busy = [Reply(429, {"Retry-After": "1"}, b"wait")]
    hostile.route("/jmap/session", lambda r: busy.pop() if busy else Reply.json(peer.session))
    driver = drive(hostile.well_known, max_retry_wait=5)
    driver("get_session")
    assert 1.0 <= driver.elapsed < 4 and len(hostile.requests_to("/jmap/session")) == 2


# -- item 12: the whole-exchange deadline ----------------------------------------------


@pytest.mark.parametrize("drip_head", [False, True])
def test_a_dripping_session_answer_is_cut_at_the_deadline(hostile, drive, drip_head):
    hostile.serve_jmap()
    hostile.route(
        "/jmap/session", Reply(200, {"Content-Type": "application/json"}, b" " * 1000,
                               drip=0.1, drip_head=drip_head)
    )  # fmt: skip
    driver = drive(hostile.well_known, deadline=1.5, timeout=5)
    with pytest.raises(JMAPTimeoutError, match="deadline"):
        driver("get_session")
    assert driver.elapsed < 4  # the deadline, not 100 s of dripping (nor 4 tries of it)


def test_a_dripping_api_answer_and_download_are_cut_at_the_deadline(hostile, drive):
    hostile.serve_jmap()
    drip = Reply(200, {"Content-Type": "application/json"}, b" " * 1000, drip=0.1)
    hostile.route("/jmap/api/", drip)
    hostile.route("/jmap/download/A1/B1/file", drip)
    driver = drive(hostile.well_known, deadline=1.0, timeout=5)
    for call in (("get_calendars",), ("download_blob", "B1")):
        with pytest.raises(JMAPTimeoutError):
            driver(*call)
        assert driver.elapsed < 3
    with pytest.raises(JMAPTimeoutError):  # streamed: the deadline covers the whole body
        driver("download_blob_to", "B1", io.BytesIO())
    assert driver.elapsed < 3


# -- item 14: EventSource --------------------------------------------------------------


def test_an_eventsource_line_without_end_is_refused_quickly(hostile, drive):
    hostile.serve_jmap()
    hostile.route("/jmap/eventsource/", event_stream([b"data: " + b"x" * 65536], repeat=40))
    driver = drive(hostile.well_known)
    with pytest.raises(JMAPResponseLimitError, match="line"):
        driver.first("watch", ping=0)
    assert driver.elapsed < 10


def test_eventsource_data_lines_without_a_blank_line_are_refused(hostile, drive):
    hostile.serve_jmap()
    hostile.route(
        "/jmap/eventsource/", event_stream([b"data: " + b"y" * 1000 + b"\n"], repeat=5000)
    )
    with pytest.raises(JMAPResponseLimitError, match="event"):
        drive(hostile.well_known).first("watch", ping=0)


# -- item 15: decompression ------------------------------------------------------------


def test_a_gzip_bomb_is_refused_without_memory_growing(hostile, drive):
    hostile.serve_jmap()
    hostile.route("/jmap/api/", gzip_bomb(200 * 1024 * 1024))
    driver = drive(hostile.well_known)
    driver.client._transport.max_response_bytes = 8 * 1024 * 1024
    driver("get_session")
    tracemalloc.start()
    try:
        with pytest.raises(JMAPResponseLimitError, match="larger than"):
            driver("get_calendars")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, peak  # the cap and a few pieces, not the bomb


class _Enough(Exception):
    pass


class _CountingSink:
    """A binary "file" that keeps nothing and stops the download after ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.size, self.largest, self.limit = 0, 0, limit

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.largest = max(self.largest, len(chunk))
        if self.size >= self.limit:
            raise _Enough


def test_a_streamed_gzip_bomb_comes_in_bounded_pieces(hostile, drive):
    hostile.serve_jmap()
    hostile.route("/jmap/download/A1/B1/file", gzip_bomb(64 * 1024 * 1024))
    driver = drive(hostile.well_known)
    driver("get_session")
    sink = _CountingSink(16 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(_Enough):
            driver("download_blob_to", "B1", sink)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sink.largest <= 64 * 1024 and peak < 16 * 1024 * 1024, (sink.largest, peak)


def test_a_correctly_compressed_answer_is_read(hostile, drive):
    peer = hostile.serve_jmap()
    hostile.route("/jmap/session", lambda r: gzip_json(peer.session))
    assert drive(hostile.well_known)("get_session").username == "alice"


# -- item 17: untyped failures -----------------------------------------------------------


@pytest.mark.parametrize("where", ["/jmap/session", "/jmap/api/"])
def test_deeply_nested_json_is_a_typed_error(hostile, drive, where):
    hostile.serve_jmap()
    hostile.route(where, Reply.json(nested_json(100_000)))
    with pytest.raises(JMAPResponseLimitError, match="nests deeper"):
        drive(hostile.well_known)("get_calendars")


def test_listen_raises_a_typed_error_when_its_state_check_fails(hostile, drive):
    hostile.serve_jmap(
        {
            "CalendarEvent/get": lambda a: ("error", {"type": "serverFail"}),
            "Calendar/get": lambda a: ("error", {"type": "serverFail"}),
        }
    )
    with pytest.raises(JMAPError, match="current state"):
        drive(hostile.well_known)("listen", lambda *a: None, max_events=1)


def test_caller_mistakes_name_the_argument(hostile, drive):
    hostile.serve_jmap()
    with pytest.raises(TypeError, match="url"):
        JMAPClient(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="port"):
        JMAPClient("http://127.0.0.1:99999/")
    with pytest.raises(ValueError, match="auth_type"):
        JMAPClient(hostile.well_known, "u", "p", auth_type="ntlm")
    driver = drive(hostile.well_known)
    with pytest.raises(TypeError, match="blob_id"):
        driver("download_blob", None)
    with pytest.raises(TypeError, match="limit"):
        driver("search_events", limit="x")


# -- item 3: no password shown -----------------------------------------------------------


def test_passwords_in_urls_are_never_shown(hostile, caplog):
    url = f"http://alice:{PASSWORD}@127.0.0.1:1/.well-known/jmap"  # nothing listens on 1
    client = JMAPClient(url)
    assert PASSWORD not in repr(client)
    with pytest.raises(DAVError) as failed:
        client.get_session()
    assert PASSWORD not in str(failed.value) and PASSWORD not in failed.value.url
    with caplog.at_level(logging.WARNING, logger="caldav.jmap"):
        logging.getLogger("caldav.jmap").warning("cannot reach %s", url)
    assert PASSWORD not in caplog.text and "***@127.0.0.1" in caplog.text
