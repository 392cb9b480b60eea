"""ATTACH <-> links (rel "enclosure"), URL <-> links (rel "describedby"),
RELATED-TO <-> relatedTo."""

from __future__ import annotations

from caldav.jmap._jsontypes import JSONValue
from caldav.jmap.convert.context import (
    JsMapper,
    PropMapper,
    ToICal,
    ToJSCal,
    expect,
    in_range,
    put,
)
from caldav.jmap.convert.ids import ID_PARAMS, id_param, property_id
from caldav.jmap.convert.model import ICalProperty
from caldav.jmap.convert.preserve import keep_params, restore_params

__all__ = ["TO_ICAL", "TO_JSCAL"]

_ATTACH_PARAMS = frozenset({"FMTTYPE", "FILENAME", "SIZE", "VALUE", "ENCODING", *ID_PARAMS})


def _attach_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    link = put(ctx.obj, "links", property_id(prop), {"@type": "Link", "rel": "enclosure"})
    media_type = prop.param("FMTTYPE")
    if (prop.param("VALUE") or "").upper() == "BINARY":
        link["href"] = f"data:{media_type or ''};base64,{prop.value}"
    else:
        link["href"] = prop.value
    if media_type:
        link["contentType"] = media_type
    if prop.param("FILENAME"):
        link["title"] = prop.param("FILENAME")
    size = prop.param("SIZE") or ""
    if size.isdigit():
        link["size"] = int(size)
    keep_params(link, prop, _ATTACH_PARAMS)


def _url_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    link = put(ctx.obj, "links", property_id(prop), {"@type": "Link", "rel": "describedby"})
    link["href"] = prop.value
    keep_params(link, prop, frozenset(ID_PARAMS))


def _links_to_ical(value: JSONValue, ctx: ToICal) -> None:
    for key, link in expect(value, dict, "links").items():
        href = expect(expect(link, dict, f"links/{key}").get("href"), str, f"links/{key}/href")
        if link.get("rel") == "describedby":
            prop = ctx.component.add("URL", href, JSID=id_param(key, href))
        elif href.startswith("data:") and ";base64," in href:
            data = href.split(";base64,", 1)[1]
            prop = ctx.component.add(
                "ATTACH",
                data,
                JSID=id_param(key, data),
                ENCODING="BASE64",
                VALUE="BINARY",
                FMTTYPE=link.get("contentType") or href[5:].split(";", 1)[0] or None,
            )
        else:
            size = link.get("size")
            prop = ctx.component.add(
                "ATTACH",
                href,
                JSID=id_param(key, href),
                FMTTYPE=link.get("contentType"),
                FILENAME=link.get("title"),
                SIZE=str(in_range(size, 0, 2**63 - 1, "links/size")) if size is not None else None,
            )
        restore_params(link, prop)


def _related_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    relation = put(ctx.obj, "relatedTo", prop.value.strip(), {"@type": "Relation"})
    types = [t.lower() for t in prop.params.get("RELTYPE", []) if t]
    if types:
        relation.setdefault("relation", {}).update(dict.fromkeys(types, True))
    keep_params(relation, prop, frozenset({"RELTYPE"}))  # VALUE, GAP (RFC 9253), X-


def _related_to_ical(value: JSONValue, ctx: ToICal) -> None:
    for uid, relation in expect(value, dict, "relatedTo").items():
        kinds = expect(relation, dict, "relatedTo").get("relation") or {}
        types = [k.upper() for k, on in expect(kinds, dict, "relatedTo/relation").items() if on]
        for reltype in types or [None]:
            restore_params(relation, ctx.component.add("RELATED-TO", uid, RELTYPE=reltype))


TO_JSCAL: dict[str, PropMapper] = {
    "ATTACH": _attach_to_js,
    "URL": _url_to_js,
    "RELATED-TO": _related_to_js,
}
TO_ICAL: dict[str, JsMapper] = {"links": _links_to_ical, "relatedTo": _related_to_ical}
