"""Walking a component or object and handing each property to its mapper."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap.convert.context import JsMapper, OutOfRange, PropMapper, ToICal, ToJSCal
from caldav.jmap.convert.model import ICalComponent, format_line, serialize, unreadable
from caldav.jmap.convert.preserve import VENDOR_KEY, store_unconverted
from caldav.jmap.error import JMAPConversionError

__all__ = [
    "ComponentMapper",
    "guarded",
    "note_unreadable",
    "reading",
    "run_to_ical",
    "run_to_jscal",
]

log = logging.getLogger("caldav.jmap.convert")

ComponentMapper = Callable[[ICalComponent, ToJSCal], None]

#: Converted first: other properties (RRULE's UNTIL, EXDATE) are relative to the start's zone.
_FIRST = ("DTSTART", "DUE")

#: Written after the rest: localized SUMMARY lines must follow the main one, and the
#: vendor property may replace what a mapper wrote.
_LAST = ("localizations", VENDOR_KEY)


#: What the conversion under way could not read (and kept verbatim), for one warning.
_UNREADABLE: ContextVar[list[str] | None] = ContextVar("unreadable", default=None)


def note_unreadable(what: str) -> None:
    """Record that ``what`` could not be read and was kept verbatim."""
    notes = _UNREADABLE.get()
    if notes is not None:
        notes.append(what)


@contextmanager
def reading(source: str) -> Iterator[list[str]]:
    """Collect what :func:`note_unreadable` records while reading; one warning at the end
    names it all (a broken feed logs once per conversion, not once per line)."""
    notes: list[str] = []
    token = _UNREADABLE.set(notes)
    try:
        yield notes
    finally:
        _UNREADABLE.reset(token)
    if notes:
        shown = "; ".join(notes[:5]) + (f"; and {len(notes) - 5} more" if len(notes) > 5 else "")
        log.warning("%s: kept verbatim what could not be read: %s", source, shown)


def guarded(name: str, call: Callable[[], None]) -> None:
    """Run one mapper, turning any unexpected failure into a JMAPConversionError naming it."""
    try:
        call()
    except (JMAPConversionError, OutOfRange):
        raise
    except Exception as e:  # noqa: BLE001 - every failure must surface as a conversion error
        raise JMAPConversionError(f"cannot convert: {type(e).__name__}: {e}", name) from e


def _undo(obj: JSONObject, size: int, sizes: dict[str, int]) -> None:
    """Remove what a failed mapper added: the keys past the first ``size`` and, in the maps
    whose sizes ``sizes`` holds, the entries past those (dicts keep insertion order)."""
    for key in list(obj)[size:]:
        del obj[key]
    for key, count in sizes.items():
        entries = obj.get(key)
        if isinstance(entries, dict):
            for extra in list(entries)[count:]:
                del entries[extra]


def run_to_jscal(
    ctx: ToJSCal,
    properties: Mapping[str, PropMapper],
    components: Mapping[str, ComponentMapper],
    ignored: frozenset[str] = frozenset(),
    once: frozenset[str] = frozenset(),
) -> None:
    """Convert every property and subcomponent of ``ctx.component`` into ``ctx.obj``;
    what has no mapper is preserved in the vendor property, and so is a second occurrence
    of a property in ``once`` (broken producers repeat them): it must not overwrite the
    first."""
    props = sorted(ctx.component.properties, key=lambda p: p.name not in _FIRST)
    seen: set[str] = set()
    for prop in props:
        mapper = properties.get(prop.name)
        if prop.name in once:
            if prop.name in seen:
                mapper = None
            seen.add(prop.name)
        if mapper is not None:
            size = len(ctx.obj)
            try:
                guarded(prop.name, partial(mapper, prop, ctx))
            except JMAPConversionError as e:  # lenient: kept as it came, the rest converts
                _undo(ctx.obj, size, {})
                note_unreadable(f"{prop.name} ({e.args[0] if e.args else e})")
                ctx.unconverted.append(unreadable(format_line(prop)))
        elif prop.name not in ignored:
            ctx.unconverted.append(prop)
    unconverted_components = []
    for sub in ctx.component.components:
        comp_mapper = components.get(sub.name)
        if comp_mapper is not None:
            size = len(ctx.obj)
            sizes = {k: len(v) for k, v in ctx.obj.items() if isinstance(v, dict)}
            try:
                guarded(sub.name, partial(comp_mapper, sub, ctx))
            except JMAPConversionError as e:
                _undo(ctx.obj, size, sizes)
                note_unreadable(f"{sub.name} ({e.args[0] if e.args else e})")
                ctx.unconverted.append(unreadable(serialize(sub)))
        else:
            unconverted_components.append(sub)
    store_unconverted(ctx.obj, ctx.unconverted, unconverted_components)


def run_to_ical(
    ctx: ToICal, mappers: Mapping[str, JsMapper], fallback: JsMapper | None = None
) -> None:
    """Convert every property of ``ctx.obj`` into ``ctx.component``. Unknown properties go
    to ``fallback`` (or are dropped); the vendor property comes last so that it can
    replace what a mapper wrote."""
    items: list[tuple[str, Any]] = [(k, v) for k, v in ctx.obj.items() if k not in _LAST]
    items += [(k, ctx.obj[k]) for k in _LAST if k in ctx.obj]
    for key, value in items:
        if not isinstance(key, str):
            raise JMAPConversionError("property names must be strings")
        mapper = mappers.get(key)
        if mapper is None and fallback is not None:
            guarded(key, partial(fallback, {key: value}, ctx))
        elif mapper is not None and value is not None:
            _write_in_range(ctx, key, value, mapper, fallback)


def _write_in_range(
    ctx: ToICal, key: str, value: JSONValue, mapper: JsMapper, fallback: JsMapper | None
) -> None:
    """Run ``mapper``; when the value is out of iCalendar's range, undo what it wrote and
    keep the JSCalendar value through ``fallback`` (JSPROP) instead."""
    comp = ctx.component
    n_props, n_comps = len(comp.properties), len(comp.components)
    try:
        guarded(key, lambda: mapper(value, ctx))
    except OutOfRange:
        del comp.properties[n_props:], comp.components[n_comps:]
        if fallback is not None:
            fallback({key: value}, ctx)
