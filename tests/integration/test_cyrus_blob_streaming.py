"""Streamed blob upload and download against Cyrus 3.10, with both clients: a ~5 MB file
goes up from a path and comes back down into another path, never whole in memory."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from caldav.jmap.error import JMAPError

SIZE = 5 * 1024 * 1024 + 123


def test_upload_from_a_path_and_download_to_a_path(jmap, tmp_path: Path):
    source = tmp_path / "source.bin"
    data = os.urandom(SIZE)
    source.write_bytes(data)
    blob_id = jmap(jmap.client.upload_blob(source, "application/octet-stream"))
    assert isinstance(blob_id, str) and blob_id

    target = tmp_path / "target.bin"
    written = jmap(jmap.client.download_blob_to(blob_id, target, name="target.bin"))
    assert written == SIZE
    assert target.read_bytes() == data

    # a file object both ways
    with source.open("rb") as file:
        again = jmap(jmap.client.upload_blob(file, "application/octet-stream"))
    sink = io.BytesIO()
    assert jmap(jmap.client.download_blob_to(again, sink)) == SIZE
    assert sink.getvalue() == data


def test_unknown_blob_raises_and_leaves_no_file(jmap, tmp_path: Path):
    target = tmp_path / "nothing.bin"
    with pytest.raises(JMAPError) as caught:
        jmap(jmap.client.download_blob_to("Gdoesnotexist0000000000000000000000000000", target))
    assert caught.value.status == 404
    assert not target.exists()
