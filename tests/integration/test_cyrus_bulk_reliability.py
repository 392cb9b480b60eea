"""Bulk operations against Cyrus when answers are lost or an event is bad (both clients).

The fault proxy (fault_proxy.py) forwards a /set to Cyrus, which applies it, then drops
the connection: the client must find out what happened instead of reporting failure (or
sending it again).  One event with a NUL must not sink the others of a bulk create.
"""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import pytest

from caldav.jmap import JMAPBulkError, JMAPConversionError
from caldav.jmap._protocol.retry import RetryPolicy

from .fault_proxy import FaultProxy
from .support import ics

SET = b'"CalendarEvent/set"'
GET = b'"CalendarEvent/get"'


@pytest.fixture
def calendar(harness_factory):
    direct = harness_factory("user2")
    cal_id = direct(direct.client.create_calendar(f"Bulk {uuid.uuid4().hex[:6]}"))
    yield direct, cal_id
    direct(direct.client.delete_calendar(cal_id, remove_events=True))


@pytest.fixture
def proxied(harness_factory, cyrus_url):
    """A client of user2 through a fault proxy that passes everything not scripted."""
    base = cyrus_url.split("/.well-known")[0]
    with FaultProxy(base, {"ok": 1}) as proxy:
        faulty = harness_factory("user2", url=proxy.url + "/jmap/")
        faulty.client._conn.retry = RetryPolicy(retries=0)
        yield proxy, faulty


def summaries(direct, cal_id):
    texts = direct(direct.client.search_events(calendar_id=cal_id))
    return sorted(
        line[8:] for text in texts for line in text.splitlines() if line.startswith("SUMMARY:")
    )


def make(direct, cal_id, count, tag):
    texts = [ics(f"{uuid.uuid4()}@{tag}", f"{tag} {n:02}") for n in range(count)]
    return direct(direct.client.create_events(cal_id, texts)), texts


def test_a_destroy_whose_answer_was_lost_is_reported_done(calendar, proxied):
    direct, cal_id = calendar
    proxy, faulty = proxied
    ids, _ = make(direct, cal_id, 30, "destroy")
    proxy.script(SET, "drop_after")
    faulty(faulty.client.delete_events(ids))  # no JMAPBulkError: every one was destroyed
    assert proxy.seen["drop_after"] == 1
    assert summaries(direct, cal_id) == []


def test_an_update_whose_answer_was_lost_is_reported_done(calendar, proxied):
    direct, cal_id = calendar
    proxy, faulty = proxied
    ids, texts = make(direct, cal_id, 12, "update")
    renamed = {
        i: t.replace("SUMMARY:update", "SUMMARY:renamed") for i, t in zip(ids, texts, strict=True)
    }
    proxy.script(SET, "drop_after")
    faulty(faulty.client.update_events(renamed))
    assert proxy.seen["drop_after"] == 1
    assert summaries(direct, cal_id) == [f"renamed {n:02}" for n in range(12)]


def test_what_cannot_be_found_out_is_reported_in_doubt(calendar, proxied):
    direct, cal_id = calendar
    proxy, faulty = proxied
    ids, _ = make(direct, cal_id, 5, "doubt")
    # the answer is lost, and so is the /get that would tell what happened
    proxy.script(SET, "drop_after")
    proxy.script(GET, "drop_before")
    with pytest.raises(JMAPBulkError, match="in_doubt") as caught:
        faulty(faulty.client.delete_events(ids))
    result = caught.value.result
    assert sorted(result.in_doubt) == sorted(ids) and sorted(result.failed) == sorted(ids)
    assert summaries(direct, cal_id) == []  # in fact Cyrus did destroy them


def test_a_creation_whose_answer_was_lost_is_not_made_twice(calendar, proxied):
    direct, cal_id = calendar
    proxy, faulty = proxied
    texts = [ics(f"{uuid.uuid4()}@lost", f"lost {n:02}") for n in range(8)]
    proxy.script(SET, "drop_after")
    ids = faulty(faulty.client.create_events(cal_id, texts))
    assert len(set(ids)) == 8
    assert summaries(direct, cal_id) == [f"lost {n:02}" for n in range(8)]


def test_one_nul_does_not_sink_the_other_events(calendar):
    direct, cal_id = calendar
    texts = [
        ics(f"{uuid.uuid4()}@nul", "good 0"),
        ics(f"{uuid.uuid4()}@nul", "bad \x00 one"),
        ics(f"{uuid.uuid4()}@nul", "good 2"),
    ]
    with pytest.raises(JMAPBulkError) as caught:
        direct(direct.client.create_events(cal_id, texts))
    result = caught.value.result
    assert sorted(result.created) == ["0", "2"]
    assert isinstance(result.failed["1"], JMAPConversionError)
    assert result.failed["1"].property == "title"
    assert summaries(direct, cal_id) == ["good 0", "good 2"]
    # the same for an update
    ids = list(result.created.values())
    with pytest.raises(JMAPBulkError) as caught:
        direct(
            direct.client.update_events(
                {ids[0]: texts[0].replace("good 0", "bad\x07"), ids[1]: texts[2]}
            )
        )
    assert list(caught.value.result.failed) == [ids[0]]
    with pytest.raises(JMAPConversionError, match="control character"):
        direct(direct.client.create_event(cal_id, texts[1]))


def test_import_ics_takes_text_bytes_paths_and_files_never_a_str_as_path(calendar, tmp_path):
    direct, cal_id = calendar
    secret = tmp_path / "secret.txt"
    secret.write_text("password=hunter2\n")
    with pytest.raises(JMAPConversionError) as caught:
        direct(direct.client.import_ics(cal_id, str(secret)))
    assert "hunter2" not in str(caught.value) and "secret" not in str(caught.value)
    with pytest.raises(TypeError, match="ics"):
        direct(direct.client.import_ics(cal_id, 42))
    files = {}
    for kind in ("text", "bytes", "path", "file"):
        text = ics(f"{uuid.uuid4()}@import", f"import {kind}")
        path = tmp_path / f"{kind}.ics"
        path.write_text(text)
        files[kind] = {
            "text": text,
            "bytes": text.encode(),
            "path": Path(path),
            "file": io.BytesIO(text.encode()),
        }[kind]
    for source in files.values():
        assert len(direct(direct.client.import_ics(cal_id, source))) == 1
    assert summaries(direct, cal_id) == sorted(f"import {k}" for k in files)


def test_bulk_requests_are_sized_to_the_timeout(calendar, harness_factory, cyrus_url):
    """Sized for a 1.2 s timeout (the transport keeps its 30 s, so nothing times out), a
    request may take 0.4 s: at Cyrus's 2 ms or more per event, no request after the first
    200 grows past 200 (without a timeout, all 500 would go in one)."""
    direct, cal_id = calendar
    client = harness_factory("user2")
    client.client._conn.timeout = 1.2
    sizes = []

    def note(request):
        body = json.loads(request.body) if request.body else {}
        for name, args, _ in body.get("methodCalls", []):
            if name == "CalendarEvent/set":
                sizes.append(len(args.get("create") or {}))

    client.before.append(note)
    texts = [ics(f"{uuid.uuid4()}@sized", f"sized {n:03}") for n in range(500)]
    ids = client(client.client.create_events(cal_id, texts))
    assert len(set(ids)) == 500
    assert summaries(direct, cal_id) == [f"sized {n:03}" for n in range(500)]
    assert sizes[0] == 200 and max(sizes[1:]) <= 200 and len(sizes) >= 3, sizes
