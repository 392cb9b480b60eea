"""Styled (HTML) descriptions for servers that store plain text only.

The converter turns an RFC 9073 STYLED-DESCRIPTION into ``description`` with its
``descriptionContentType``. Cyrus 3.10 refuses any content type but text/plain with
invalidProperties; for such a server the description goes as plain text: the plain copy
the source carried (``DESCRIPTION;DERIVED=TRUE``), else the HTML's text. The change is
logged.
"""

from __future__ import annotations

import logging
from html.parser import HTMLParser

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert.model import unescape_text
from caldav.jmap.convert.preserve import VENDOR_KEY

__all__ = ["html_to_text", "is_description_type", "plain_description"]

log = logging.getLogger("caldav.jmap")

# tags after which the text continues on a new line
_BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BREAKS and self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BREAKS - {"br"} and self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text of an HTML fragment: tags dropped, entities decoded, block ends as newlines.

    >>> html_to_text("<p>Agenda:</p><ul><li>one &amp; two</li></ul>")
    'Agenda:\\none & two'
    """
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip()


def _derived_copy(obj: JSONObject) -> str | None:
    """The plain-text DESCRIPTION;DERIVED=TRUE the converter kept beside a styled one."""
    vendor = obj.get(VENDOR_KEY)
    items = vendor.get("properties") if isinstance(vendor, dict) else None
    for item in items if isinstance(items, list) else []:
        if (
            isinstance(item, list)
            and len(item) >= 4
            and item[0] == "description"
            and isinstance(item[1], dict)
            and str(item[1].get("derived", "")).upper() == "TRUE"
            and isinstance(item[3], str)
        ):
            return unescape_text(item[3])
    return None


def _plain(obj: JSONObject, what: str) -> JSONObject:
    content_type = obj.get("descriptionContentType")
    if not isinstance(content_type, str) or content_type.lower().startswith("text/plain"):
        return obj
    out = {k: v for k, v in obj.items() if k != "descriptionContentType"}
    description = obj.get("description")
    if isinstance(description, str):
        derived = _derived_copy(obj)
        if derived is not None:
            out["description"] = derived
        elif content_type.lower().startswith("text/html"):
            out["description"] = html_to_text(description)
    log.warning(
        "%s: the server stores plain-text descriptions only; the %s description was sent as "
        "plain text",
        what,
        content_type,
    )
    return out


def plain_description(obj: JSONObject, what: str) -> JSONObject:
    """``obj`` (an event or a patch) with every description as text/plain, its recurrence
    overrides included."""
    out = _plain(obj, what)
    overrides = out.get("recurrenceOverrides")
    if isinstance(overrides, dict):
        out = dict(out)
        out["recurrenceOverrides"] = {
            key: _plain(patch, f"{what} instance {key}") if isinstance(patch, dict) else patch
            for key, patch in overrides.items()
        }
    return out


def is_description_type(name: str) -> bool:
    """Whether a property (or patch path) an invalidProperties names is the description's
    content type."""
    return name.rsplit("/", 1)[-1] == "descriptionContentType"
