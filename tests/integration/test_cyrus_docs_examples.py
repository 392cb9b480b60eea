"""The python-caldav idiom example of docs/api.md runs, against Cyrus, as written."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from caldav.jmap import JMAPClient

from .support import eventually, ics

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def example(name: str) -> str:
    """The python block after ``<!-- example: name ... -->`` in docs/api.md."""
    text = DOC.read_text()
    found = re.search(rf"<!-- example: {name}\b.*?-->\n```python\n(.*?)```", text, re.S)
    assert found, f"no example {name!r} in {DOC}"
    return found.group(1)


def test_idioms_example_runs(cyrus_url: str) -> None:
    with JMAPClient(cyrus_url, username="user1", password="password") as client:
        cal_id = client.create_calendar(f"docs-{uuid.uuid4().hex[:8]}")
        try:
            cal = client.calendar(cal_id=cal_id)
            uid = f"{uuid.uuid4()}@docs"
            for i in range(3):
                cal.add_event(ics(f"{i}-{uid}", f"Team standup {i}"))
            cal.add_event(ics(uid, "standup"))
            # Cyrus indexes text in the background
            eventually(lambda: len(cal.search_objects(text="standup")) == 4)
            exec(example("idioms"), {"cal": cal, "uid": uid})
            assert all("LOCATION:Room 2" in ev.data for ev in cal.events())
            assert cal.event_by_uid(uid).jscal["title"] == "Standup (moved)"
        finally:
            client.delete_calendar(cal_id, remove_events=True)
