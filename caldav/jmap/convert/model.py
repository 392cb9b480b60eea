"""A minimal iCalendar object model: content lines parsed into components and back.

The converter works on raw property values rather than on icalendar's typed values: a
TZID must pass through unchanged (icalendar maps Windows zone names to IANA ones), and
generated ids are UUIDv5 hashes of the *raw* unfolded value, which a typed round trip
would not reproduce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from caldav.jmap.error import JMAPConversionError

__all__ = [
    "ICalComponent",
    "ICalProperty",
    "escape_text",
    "parse_ical",
    "serialize",
    "split_text_list",
    "unescape_text",
    "unreadable",
]


@dataclass
class ICalProperty:
    """One content line: upper-case name, parameters (upper-case names, list values), raw value."""

    name: str
    params: dict[str, list[str]] = field(default_factory=dict)
    value: str = ""

    def param(self, name: str) -> str | None:
        """The first value of parameter ``name``, or None."""
        values = self.params.get(name)
        return values[0] if values else None


@dataclass
class ICalComponent:
    """A component (VEVENT, VALARM, ...) with its properties and subcomponents in order."""

    name: str
    properties: list[ICalProperty] = field(default_factory=list)
    components: list[ICalComponent] = field(default_factory=list)

    def first(self, name: str) -> ICalProperty | None:
        """The first property called ``name``, or None."""
        return next((p for p in self.properties if p.name == name), None)

    def all(self, name: str) -> list[ICalProperty]:
        """Every property called ``name``."""
        return [p for p in self.properties if p.name == name]

    def add(self, name: str, value: str, **params: str | list[str] | None) -> ICalProperty:
        """Append a property; ``params`` with None values are left out, ``_`` becomes ``-``."""
        prop = ICalProperty(name, {}, value)
        for key, pvalue in params.items():
            if pvalue is not None:
                prop.params[key.replace("_", "-").upper()] = (
                    pvalue if isinstance(pvalue, list) else [pvalue]
                )
        self.properties.append(prop)
        return prop


_UNFOLD = re.compile(r"(?:\r?\n)+[ \t]")  # blank lines inside a fold (Mozilla): still one line
_PARAM_DECODE = {"^n": "\n", "^^": "^", "^'": '"'}


def _decode_param(value: str) -> str:
    # RFC 6868 caret encoding
    return re.sub(r"\^[n^']", lambda m: _PARAM_DECODE[m.group(0)], value)


def parse_line(line: str) -> ICalProperty:
    """Split one unfolded content line into name, parameters and raw value."""
    i, n = 0, len(line)
    while i < n and line[i] not in ";:":
        i += 1
    name = line[:i].strip().upper()
    if " " in name or "\t" in name:  # "REFRESH - INTERVAL": a name never holds spaces
        name = "".join(name.split())
    if not name or i >= n:
        raise JMAPConversionError(f"not an iCalendar content line: {line[:60]!r}")
    params: dict[str, list[str]] = {}
    while line[i] == ";":
        i += 1
        if line[i : i + 1] == ";":  # an empty parameter (``DTSTART;;VALUE=...``): nothing
            continue
        eq = line.find("=", i)
        colon = line.find(":", i)
        if params and (eq < 0 or (0 <= colon < eq)):
            # ";" inside an unquoted parameter value (``CN=Society; 2014:x``): part of it
            end = colon if colon >= 0 else n
            last = next(reversed(params))
            params[last][-1] += ";" + line[i:end]
            i = end
            if i >= n:
                raise JMAPConversionError(f"content line without value: {line[:60]!r}")
            break
        if eq < 0:
            raise JMAPConversionError(f"bad parameter in line: {line[:60]!r}")
        pname = line[i:eq].strip().upper()
        i = eq + 1
        values: list[str] = []
        while True:
            if i < n and line[i] == '"':
                end = line.find('"', i + 1)
                if end < 0:
                    raise JMAPConversionError(f"unterminated quote in line: {line[:60]!r}")
                values.append(_decode_param(line[i + 1 : end]))
                i = end + 1
            else:
                start, escaped = i, False
                while i < n and line[i] not in ",;:":
                    # "\," and "\;": a separator escaped the TEXT way (``CN=Society\, 2014``,
                    # as many producers write it) is part of the value, as readers take it
                    if line[i] == "\\" and line[i + 1 : i + 2] in (",", ";"):
                        escaped = True
                        i += 1
                    i += 1
                text = line[start:i]
                if escaped:
                    text = text.replace("\\,", ",").replace("\\;", ";")
                values.append(_decode_param(text))
            if i < n and line[i] == ",":
                i += 1
                continue
            break
        if i >= n:
            raise JMAPConversionError(f"content line without value: {line[:60]!r}")
        if pname == "VALUE":  # a value type is a token: "VALUE = DURATION" means DURATION
            values = [v.strip() for v in values]
        params.setdefault(pname, []).extend(values)
    if line[i] != ":":
        raise JMAPConversionError(f"bad content line: {line[:60]!r}")
    return ICalProperty(name, params, line[i + 1 :])


def unreadable(raw: str) -> ICalProperty:
    """A line (or component) that could not be read, kept verbatim: a property without a
    name, whose value is the text as it came. It travels in the unconverted data of the
    JSCalendar object and is never written to iCalendar (it would make the output
    invalid)."""
    return ICalProperty("", {}, raw)


def parse_ical(text: str, notes: list[str] | None = None) -> ICalComponent:
    """Parse an iCalendar stream into its first top-level component (normally VCALENDAR).

    Lenient: a line that is no content line is kept verbatim (:func:`unreadable`), an END
    without its BEGIN is ignored, and an END closing an outer component (or the end of the
    text) closes the inner ones; each such repair is described in ``notes`` when
    given. Raises JMAPConversionError only for text without any component."""
    if not isinstance(text, str):
        raise JMAPConversionError("iCalendar input must be a string")
    lines = _UNFOLD.sub("", text.lstrip("\ufeff")).replace("\r", "\n").split("\n")
    notes = notes if notes is not None else []
    stack: list[ICalComponent] = []
    root: ICalComponent | None = None
    for raw in lines:
        if not raw.strip():
            continue
        try:
            prop = parse_line(raw)
        except JMAPConversionError as e:
            notes.append(str(e))
            if stack:
                stack[-1].properties.append(unreadable(raw))
            continue
        if prop.name == "BEGIN":
            comp = ICalComponent(prop.value.strip().upper())
            if stack:
                stack[-1].components.append(comp)
            elif root is None:
                root = comp
            else:
                break  # only the first object of a stream is converted
            stack.append(comp)
        elif prop.name == "END":
            name = prop.value.strip().upper()
            if not any(c.name == name for c in stack):
                notes.append(f"END:{prop.value} without BEGIN (ignored)")
                continue
            while stack[-1].name != name:
                notes.append(f"BEGIN:{stack.pop().name} without END (closed)")
            stack.pop()
            if not stack:
                break
        elif stack:
            stack[-1].properties.append(prop)
        else:
            notes.append(f"{prop.name} outside of BEGIN/END (skipped)")
    if root is None:
        raise JMAPConversionError("no iCalendar component found")
    if stack:
        notes.append(f"BEGIN:{stack[-1].name} without END (closed)")
    return root


def _quote_param(value: str) -> str:
    value = value.replace("^", "^^").replace("\n", "^n").replace('"', "^'")
    # a backslash is quoted too: unquoted, "\;" or "\," would read as an escape
    return f'"{value}"' if any(c in value for c in ",;:\\") else value


def _fold(line: str) -> str:
    # fold at 75 octets without splitting a UTF-8 sequence
    if line.isascii():  # one octet a character: plain slices (most lines)
        if len(line) <= 75:
            return line
        parts = [line[:75]] + [" " + line[i : i + 74] for i in range(75, len(line), 74)]
        return "\r\n".join(parts)
    out: list[str] = []
    chunk, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > 75:
            out.append(chunk)
            chunk, size = " ", 1
        chunk += ch
        size += width
    out.append(chunk)
    return "\r\n".join(out)


def format_line(prop: ICalProperty) -> str:
    """One property as a folded content line (without the final CRLF)."""
    params = "".join(
        f";{name}={','.join(_quote_param(v) for v in values)}"
        for name, values in prop.params.items()
    )
    return _fold(f"{prop.name}{params}:{prop.value}")


def serialize(comp: ICalComponent) -> str:
    """The component as iCalendar text with CRLF line ends."""
    lines = [f"BEGIN:{comp.name}"]
    lines += [format_line(p) for p in comp.properties]
    lines += [serialize(c).rstrip("\r\n") for c in comp.components]
    lines.append(f"END:{comp.name}")
    return "\r\n".join(lines) + "\r\n"


_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


def unescape_text(value: str) -> str:
    """Decode a TEXT value (``\\n``, ``\\,``, ``\\;``, ``\\\\``)."""
    return _UNESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def escape_text(value: str) -> str:
    """Encode a string as a TEXT value."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def split_text_list(value: str) -> list[str]:
    """Split a multi-valued TEXT value on unescaped commas and decode each part."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(value)
    for ch in chars:
        if ch == "\\":
            current.append(ch + next(chars, ""))
        elif ch == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [unescape_text(p) for p in parts]
