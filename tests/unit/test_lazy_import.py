"""The converter is importable without the client (PEP 562 lazy package init): run in a
fresh interpreter, since this test session has loaded everything already."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import caldav.jmap

#: What the converter must not bring in: our client and transports, the HTTP stack.
CLIENT = ("transport", "client", "async_client", "api", "websocket", "session", "methods")
HTTP = ("niquests", "requests", "urllib3", "h11", "wsproto")

_PROBE = """
import json, sys
before = set(sys.modules)
import caldav
after_caldav = set(sys.modules)
{statement}
print(json.dumps({{
    "caldav": sorted(after_caldav - before),
    "ours": sorted(set(sys.modules) - after_caldav),
}}))
"""


def _loaded(statement: str) -> dict[str, list[str]]:
    """The modules python-caldav's own ``import caldav`` loads, and those ``statement``
    loads after it."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result: dict[str, list[str]] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize(
    "statement",
    [
        "import caldav.jmap.convert",
        "from caldav.jmap.convert import ical_to_jscal, jscal_to_ical",
        "import caldav.jmap",
    ],
)
def test_the_converter_loads_no_client_and_no_http_library(statement: str) -> None:
    loaded = _loaded(statement)
    ours = loaded["ours"]
    assert [m for m in ours if m.startswith("caldav.jmap.") and m.split(".")[2] in CLIENT] == []
    assert [m for m in ours if m.split(".")[0] in HTTP] == []
    # nor python-caldav's HTTP layer (caldav.requests, caldav.lib.http_*)
    assert [m for m in ours if m.startswith(("caldav.requests", "caldav.lib.http"))] == []


def test_the_converter_loads_only_the_converter_and_the_errors() -> None:
    ours = _loaded("import caldav.jmap.convert")["ours"]
    jmap = {m for m in ours if m.startswith("caldav.jmap")}
    assert {m for m in jmap if not m.startswith("caldav.jmap.convert")} == {
        "caldav.jmap",
        "caldav.jmap._version",
        "caldav.jmap.error",
        "caldav.jmap._redact",
        "caldav.jmap._jsontypes",  # the JSONObject/JSONValue names: no imports of its own
    }


def test_the_public_names_are_still_there() -> None:
    from caldav.jmap import JMAPClient, JMAPConversionError, get_jmap_client

    assert JMAPClient.__name__ == "JMAPClient" and callable(get_jmap_client)
    assert issubclass(JMAPConversionError, Exception)
    assert set(caldav.jmap.__all__) <= set(dir(caldav.jmap))
    for name in caldav.jmap.__all__:
        assert getattr(caldav.jmap, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
        caldav.jmap.NoSuchName  # noqa: B018 - the attribute access is the test


def test_using_the_client_loads_it() -> None:
    ours = _loaded("import caldav.jmap; caldav.jmap.JMAPClient")["ours"]
    assert "caldav.jmap.client" in ours and "caldav.jmap._transport" in ours
