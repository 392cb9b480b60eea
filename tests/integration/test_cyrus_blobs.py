"""Blobs and attachments against Cyrus 3.10 (with webdav_attachments_baseurl set, which
managed attachments need there), with both clients."""

from __future__ import annotations

import icalendar

from .support import ics

BINARY = bytes(range(256)) * 4 + b"\r\n\x00end"


def test_upload_and_download_the_same_bytes(jmap):
    blob_id = jmap(jmap.client.upload_blob(BINARY, "application/octet-stream"))
    assert isinstance(blob_id, str) and blob_id
    assert jmap(jmap.client.download_blob(blob_id, name="x.bin")) == BINARY
    text_id = jmap(jmap.client.upload_blob("héllo\n".encode(), "text/plain"))
    assert jmap(jmap.client.download_blob(text_id, content_type="text/plain")) == "héllo\n".encode()


def test_attach_to_event_and_read_it_back(jmap, uid):
    event_id = jmap(jmap.client.create_event("Default", ics(uid, "With attachment")))
    link_id = jmap(
        jmap.client.add_attachment(event_id, BINARY, "data.bin", "application/octet-stream")
    )
    assert link_id
    jmap(jmap.client.add_attachment(event_id, b"notes\n", "notes.txt", "text/plain"))
    attachments = sorted(jmap(jmap.client.get_attachments(event_id)))
    assert [(name, data) for name, _, data in attachments] == [
        ("data.bin", BINARY),
        ("notes.txt", b"notes\n"),
    ]
    # named, as the docs say: (filename, content_type, data)
    assert attachments[1].filename == "notes.txt"
    assert (attachments[1].content_type, attachments[1].data) == ("text/plain", b"notes\n")
    # the iCalendar has the ATTACH lines, with the file names
    cal = icalendar.Calendar.from_ical(jmap(jmap.client.get_event(event_id)))
    event = next(iter(cal.walk("VEVENT")))
    attach = event.get("ATTACH")
    attach = attach if isinstance(attach, list) else [attach]
    assert sorted(a.params.get("FILENAME") for a in attach) == ["data.bin", "notes.txt"]
    # the event can still be changed afterwards (Cyrus needs help there)
    jmap(
        jmap.client.update_event(
            event_id,
            ics(
                uid,
                "With attachment (renamed)",
                extra="\n".join(f"ATTACH;FILENAME={a.params['FILENAME']}:{a}" for a in attach),
            ),
        )
    )
    assert "With attachment (renamed)" in jmap(jmap.client.get_event(event_id))
    assert len(jmap(jmap.client.get_attachments(event_id))) == 2
    jmap(jmap.client.delete_event(event_id))


def test_event_with_attachment_can_be_saved_as_object(jmap, uid):
    event_id = jmap(jmap.client.create_event("Default", ics(uid, "Object with attachment")))
    jmap(jmap.client.add_attachment(event_id, uid.encode(), "id.txt", "text/plain"))
    event = jmap(jmap.client.get_event_object(event_id))
    event.jscal["title"] = "Object with attachment (edited)"
    jmap(event.save())  # a title-only patch, which Cyrus refuses unless helped
    assert jmap(jmap.client.get_event_object(event_id)).jscal["title"].endswith("(edited)")
    assert jmap(jmap.client.get_attachments(event_id)) == [("id.txt", "text/plain", uid.encode())]
    jmap(jmap.client.delete_event(event_id))
