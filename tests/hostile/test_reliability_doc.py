"""The code example of docs/reliability.md runs, against the hostile server."""

from __future__ import annotations

import re
from pathlib import Path

from tests.hostile.drivers import PASSWORD, USER
from tests.hostile.server import Reply

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"


def test_the_reliability_example_runs(hostile, capsys):
    hostile.serve_jmap()
    hostile.route("/jmap/api/", Reply(429, {"Retry-After": "999"}, b"slow down"))
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert blocks
    for block in blocks:
        exec(block, {"URL": hostile.well_known, "USER": USER, "PASSWORD": PASSWORD})
    assert "the server asks to wait 999.0 s" in capsys.readouterr().out
