"""Retry decisions: what is repeated, after how long, and what is never sent twice.

A scripted peer (tests/unit/fake_jmap.py) plays the failures: Cyrus cannot be made to
answer 503 or drop a connection on demand.
"""

from __future__ import annotations

import random
import ssl

import pytest

from caldav.jmap import JMAPConnectionError, JMAPRateLimitError
from caldav.jmap._protocol.http import HTTPResponse
from caldav.jmap._protocol.retry import RetryPolicy, send_with_retries
from caldav.jmap._protocol.steps import Pause

from .fake_jmap import BASE, FakeJMAP, async_client, sync_client


def calendars(args):
    return {"state": "1", "notFound": [], "list": [{"id": "c1", "name": "Home"}]}


def flaky(server: FakeJMAP, failures: list):
    """Make the API answer with ``failures`` (statuses, or exceptions to raise) first."""
    real = server.__call__

    def send(request):
        if request.url == BASE + "/jmap/api/" and failures:
            failure = failures.pop(0)
            if isinstance(failure, Exception):
                server.requests.append(request)
                raise failure
            server.requests.append(request)
            return HTTPResponse.build(failure[0], failure[1], b"busy", request.url)
        return real(request)

    return send


@pytest.fixture
def slept(monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("caldav.jmap._transport.time.sleep", waits.append)

    async def fake_sleep(seconds):
        waits.append(seconds)

    monkeypatch.setattr("caldav.jmap._transport.asyncio.sleep", fake_sleep)
    return waits


def test_503_with_retry_after_is_waited_out_and_repeated(slept):
    server = FakeJMAP({"Calendar/get": calendars})
    client = sync_client(server)
    server.front = flaky(server, [(503, {"Retry-After": "2"}), (429, {})])
    assert [c.id for c in client.get_calendars()] == ["c1"]
    assert slept[0] == 2.0  # the server's Retry-After
    assert 0 <= slept[1] <= 1.0  # backoff with jitter: attempt 1 waits at most 2 * 0.5 s
    assert len([r for r in server.requests if r.method == "POST"]) == 3


async def test_async_client_retries_too(slept):
    server = FakeJMAP({"Calendar/get": calendars})
    client = async_client(server)
    send = flaky(server, [(503, {"Retry-After": "1"})])

    async def asend(request):
        return send(request)

    server.front = asend
    assert [c.id for c in await client.get_calendars()] == ["c1"]
    assert slept == [1.0]


def test_rate_limit_that_does_not_end_raises_typed_error(slept):
    server = FakeJMAP({"Calendar/get": calendars})
    client = sync_client(server)
    server.front = flaky(server, [(429, {"Retry-After": "1"})] * 10)
    with pytest.raises(JMAPRateLimitError) as error:
        client.get_calendars()
    assert error.value.retry_after_seconds == 1.0
    assert len(slept) == 3  # RetryPolicy().retries


def test_broken_connection_repeats_reads_and_destroys_but_never_an_update(slept):
    server = FakeJMAP(
        {
            "Calendar/get": calendars,
            "Calendar/set": lambda args: {"newState": "2", "updated": {"c1": None}},
            "CalendarEvent/set": lambda args: {"newState": "2", "destroyed": ["e1"]},
        }
    )
    client = sync_client(server)
    client.get_calendars()  # session fetched
    server.front = flaky(server, [JMAPConnectionError(reason="reset")])
    assert [c.id for c in client.get_calendars()] == ["c1"]  # a read: repeated
    server.front = flaky(server, [JMAPConnectionError(reason="reset")])
    client.delete_event("e1")  # a /set that only destroys: declared safe to repeat
    assert len(server.calls("CalendarEvent/set")) == 1
    server.front = flaky(server, [JMAPConnectionError(reason="reset")])
    with pytest.raises(JMAPConnectionError):
        client.update_calendar("c1", {"name": "x"})  # may have been applied: never again
    assert server.calls("Calendar/set") == []


def test_a_request_that_never_left_goes_again_even_when_it_changes_data(slept):
    server = FakeJMAP({"Calendar/set": lambda args: {"newState": "2", "updated": {"c1": None}}})
    client = sync_client(server)
    client.get_session()
    refused = JMAPConnectionError(reason="refused")
    refused.sent = False
    server.front = flaky(server, [refused])
    client.update_calendar("c1", {"name": "x"})
    assert len(server.calls("Calendar/set")) == 1


def test_a_refused_tls_certificate_is_not_asked_again(slept):
    # the same server shows the same certificate: retrying a read only wastes time
    server = FakeJMAP({"Calendar/get": calendars})
    client = sync_client(server)
    client.get_session()
    # the hook raises what the TLS layer raises: the transport's own mapping judges it
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] unknown issuer")
    before = len(server.requests)
    server.front = flaky(server, [cause, cause, cause])
    with pytest.raises(JMAPConnectionError) as raised:
        client.get_calendars()
    assert raised.value.permanent and raised.value.__cause__ is cause
    assert len(server.requests) == before + 1 and slept == []


def test_other_connection_failures_are_not_permanent(slept):
    server = FakeJMAP({"Calendar/get": calendars})
    client = sync_client(server)
    client.get_session()
    before = len(server.requests)
    server.front = flaky(server, [ConnectionResetError("reset")] * 10)
    with pytest.raises(JMAPConnectionError) as raised:
        client.get_calendars()
    # not permanent: the read was asked again, as often as the policy allows
    assert not raised.value.permanent and raised.value.sent
    assert len(server.requests) == before + 1 + RetryPolicy().retries


def test_a_set_answered_429_after_it_was_applied_is_not_sent_again(slept):
    # the server applied the update, then answered 429: repeating could apply it twice
    server = FakeJMAP({"Calendar/set": lambda args: {"newState": "2", "updated": {"c1": None}}})
    client = sync_client(server)
    client.get_session()

    def applied_then_busy(request):
        server(request)
        return HTTPResponse.build(429, {"Retry-After": "1"}, b"busy", request.url)

    server.front = applied_then_busy
    with pytest.raises(JMAPRateLimitError):
        client.update_calendar("c1", {"name": "x"})
    assert len(server.calls("Calendar/set")) == 1 and slept == []


def test_backoff_grows_and_is_capped():
    policy = RetryPolicy(retries=10, base_delay=1, max_delay=5, rng=random.Random(1))
    assert all(0 <= policy.delay(0) <= 1 for _ in range(20))
    assert all(0 <= policy.delay(8) <= 5 for _ in range(20))
    assert policy.delay(0, retry_after=120) == 120  # the server's value, as it says
    assert policy.pause(0, 0.0, retry_after=120) == 120  # within max_wait (120 s)
    assert policy.pause(0, 0.0, retry_after=121) is None  # past it: give up
    assert policy.pause(0, 100.0, retry_after=20) == 20
    assert policy.pause(0, 101.0, retry_after=20) is None


def test_send_with_retries_yields_pauses():
    ok = HTTPResponse.build(200, {}, b"{}", "u")
    busy = HTTPResponse.build(503, {"Retry-After": "3"}, b"", "u")
    steps = send_with_retries(object(), RetryPolicy(), safe_to_repeat=True)  # type: ignore[arg-type]
    next(steps)
    assert steps.send(busy) == Pause(3.0)
    next(steps)  # the request again
    with pytest.raises(StopIteration) as done:
        steps.send(ok)
    assert done.value.value is ok
