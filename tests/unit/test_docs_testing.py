"""The code examples of docs/testing.md run, in order, in one namespace (the later ones use
the scripted server of the first), and the pass-through hooks hand on what the network
gives."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from caldav.jmap import HTTPRequest, HTTPResponse

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing.md"


def _examples() -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "testing_example"}
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 4
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - the doc's own example
    return namespace


def test_the_testing_doc_examples_run_and_the_relays_pass_answers_on() -> None:
    ns = _examples()
    request = HTTPRequest("POST", "https://jmap.example.com/jmap/api/", {}, b"{}")
    head = HTTPResponse.build(200, {}, b"", request.url)

    def network(sent: HTTPRequest) -> Any:
        assert sent is request
        yield head
        yield b"{}"

    assert list(ns["counting"](request, network)) == [head, b"{}"]

    async def async_network(sent: HTTPRequest) -> Any:
        assert sent is request
        yield head
        yield b"{}"

    async def relayed() -> list[Any]:
        return [part async for part in ns["async_counting"](request, async_network)]

    assert asyncio.run(relayed()) == [head, b"{}"]
    assert ns["posts"] == [True, True]
