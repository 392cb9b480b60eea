"""The structure rules of docs/architecture.md, checked on the source: no import cycle (also
none postponed by an import inside a function), no module over 600 lines, ``Any`` only where
data is arbitrary JSON (a budget per 1,000 lines)."""

from __future__ import annotations

import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import import_graph  # noqa: E402

SOURCES = sorted((ROOT / "caldav" / "jmap").rglob("*.py"))


def test_no_import_cycles() -> None:
    assert import_graph.cycles(import_graph.graph()) == []


def test_import_graph_sees_function_level_imports(tmp_path: Path) -> None:
    # the checker itself: an import inside a function is an edge, one under TYPE_CHECKING is not
    import ast

    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from caldav.jmap import b\n"
        "def f():\n    from caldav.jmap import c\n"
    )
    modules = {"caldav.jmap.a", "caldav.jmap.b", "caldav.jmap.c"}
    assert import_graph._imports(tree, "caldav.jmap.a", False, modules) == {"caldav.jmap.c"}
    assert import_graph.cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_no_module_over_600_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in SOURCES
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


def _any_names(text: str) -> int:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return sum(1 for tok in tokens if tok.type == tokenize.NAME and tok.string == "Any")


def test_any_budget() -> None:
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in SOURCES)
    uses = sum(_any_names(p.read_text(encoding="utf-8")) for p in SOURCES)
    assert uses * 1000 / lines < 15, f"{uses} uses of Any in {lines} lines"


#: What the calendar layer is made of: the sans-IO core must reach none of it.
CALENDAR_LAYER = (
    "caldav.jmap._events",
    "caldav.jmap._methods",
    "caldav.jmap._servers",
    "caldav.jmap._registry",
    "caldav.jmap.convert",
)


def test_the_protocol_layer_imports_nothing_of_calendars() -> None:
    edges = import_graph.graph()
    reached: dict[str, str] = {}  # module -> the _protocol module it is reached from
    for start in (m for m in edges if m.startswith("caldav.jmap._protocol.")):
        todo = [start]
        while todo:
            for target in edges.get(todo.pop(), ()):
                if target not in reached:
                    reached[target] = start
                    todo.append(target)
    calendar = {
        module: start
        for module, start in reached.items()
        if any(module == layer or module.startswith(layer + ".") for layer in CALENDAR_LAYER)
    }
    assert calendar == {}
