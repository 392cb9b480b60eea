"""The code examples of docs/architecture.md run, and do what the page says."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

from caldav.jmap._operation import OPERATION_MARK
from caldav.jmap._protocol.request import READS, SETS

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def _examples() -> dict[str, object]:
    # a module of its own: dataclasses look their module up in sys.modules
    module = types.ModuleType("architecture_example")
    sys.modules[module.__name__] = module
    try:
        for block in re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
            exec(compile(block, str(DOC), "exec"), module.__dict__)  # noqa: S102 - our docs
    finally:
        del sys.modules[module.__name__]
    return module.__dict__


def test_the_new_data_type_example_is_a_working_spec() -> None:
    ns = _examples()
    note = ns["NOTE"]
    assert note.get("u1", ["n1"]).kind is READS  # type: ignore[attr-defined]
    assert note.set("u1", destroy=["n1"]).kind is SETS  # type: ignore[attr-defined]
    assert note.filter_condition({"in_folder": "f1"}, "search_notes") == {"inFolder": "f1"}  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        note.filter_condition({"colour": "red"}, "search_notes")  # type: ignore[attr-defined]


def test_the_client_method_example_is_an_operation() -> None:
    ns = _examples()
    method = ns["NoteMethods"].get_note  # type: ignore[attr-defined]
    assert hasattr(method, OPERATION_MARK)
