"""VALARM <-> alerts (OffsetTrigger / AbsoluteTrigger, action display / email).

ACTION:AUDIO (and other actions) has no JSCalendar equivalent: the alert says "display" and
the original ACTION is kept in the vendor property, which restores it on the way back.
"""

from __future__ import annotations

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap.convert import links
from caldav.jmap.convert.context import JsMapper, PropMapper, ToICal, ToJSCal, expect
from caldav.jmap.convert.datetime import (
    format_utc,
    ical_datetime,
    parse_duration,
    parse_ical_time,
    parse_utc,
)
from caldav.jmap.convert.dispatch import run_to_ical, run_to_jscal
from caldav.jmap.convert.ids import ID_PARAMS, uuid5_id
from caldav.jmap.convert.jsprop import apply_jsprops, jsprop_to_ical, jsprop_to_js
from caldav.jmap.convert.model import ICalComponent, ICalProperty, escape_text, serialize
from caldav.jmap.convert.preserve import VENDOR_KEY, vendor_to_ical
from caldav.jmap.convert.simple import utc
from caldav.jmap.error import JMAPConversionError

__all__ = ["COMPONENTS", "TO_ICAL", "alert_id"]

_ACTIONS = {"DISPLAY": "display", "EMAIL": "email"}


def _trigger_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    value = prop.value.strip()
    if (prop.param("VALUE") or "").upper() == "DATE-TIME" or value[:1].isdigit():
        when = format_utc(parse_ical_time(value, prop.param("TZID")))
        ctx.obj["trigger"] = {"@type": "AbsoluteTrigger", "when": when}
        return
    related = "end" if (prop.param("RELATED") or "").upper() == "END" else "start"
    offset = parse_duration(value, "TRIGGER").jscal()
    ctx.obj["trigger"] = {"@type": "OffsetTrigger", "offset": offset, "relativeTo": related}


def _action_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    action = _ACTIONS.get(prop.value.strip().upper())
    if action is None:
        ctx.obj["action"] = "display"  # the closest JSCalendar action; ACTION kept below
        ctx.unconverted.append(prop)
    else:
        ctx.obj["action"] = action


def _uid_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    # the UID is the alert's id unless an explicit id took that place
    if any(ctx.component.first(name) for name in ID_PARAMS):
        ctx.unconverted.append(prop)


def alert_id(comp: ICalComponent) -> str:
    """The key of a VALARM's Alert: JSID / X-JMAP-ID, UID, else a hash of its content."""
    for name in (*ID_PARAMS, "UID"):
        prop = comp.first(name)
        if prop and prop.value.strip():
            return prop.value.strip()
    return uuid5_id(serialize(comp))


def _valarm_to_js(comp: ICalComponent, parent: ToJSCal) -> None:
    alert: JSONObject = {"@type": "Alert"}
    key = alert_id(comp)
    alerts = parent.obj.setdefault("alerts", {})
    if key in alerts:  # identical alarms: keep both, with distinct stable keys
        key = uuid5_id(f"{key}#{len(alerts)}")
    ctx = ToJSCal(comp, alert, "Alert", parent.vtimezones)
    run_to_jscal(ctx, _TO_JSCAL, {}, ignored=frozenset(ID_PARAMS), once=_ONCE)
    alert = apply_jsprops(alert)
    # what _complete_valarm would write back is not worth keeping
    default_text = parent.obj.get("title") or "Reminder"
    _drop_generated(alert, default_text)
    alert.setdefault("trigger", {"@type": "OffsetTrigger", "offset": "PT0S", "relativeTo": "start"})
    alert.setdefault("action", "display")
    alerts[key] = alert


def _drop_generated(alert: JSONObject, default_text: str) -> None:
    """Forget a DESCRIPTION / SUMMARY equal to the text written for alarms lacking one."""
    vendor = alert.get(VENDOR_KEY)
    if not vendor or "properties" not in vendor:
        return
    generated = escape_text(default_text)
    kept = [
        p
        for p in vendor["properties"]
        if not (p[0] in ("description", "summary") and p[1] == {} and p[3] == generated)
    ]
    if kept:
        vendor["properties"] = kept
    else:
        del vendor["properties"]
        if not vendor:
            del alert[VENDOR_KEY]


def _trigger_to_ical(value: JSONValue, ctx: ToICal) -> None:
    trigger = expect(value, dict, "alerts/trigger")
    kind = trigger.get("@type", "OffsetTrigger")
    if kind == "AbsoluteTrigger":
        when = parse_utc(trigger.get("when"), "alerts/trigger/when")
        ctx.component.add("TRIGGER", ical_datetime(when, utc=True), VALUE="DATE-TIME")
    elif kind == "OffsetTrigger":
        offset = parse_duration(trigger.get("offset"), "alerts/trigger/offset").ical()
        related = "END" if trigger.get("relativeTo") == "end" else None
        ctx.component.add("TRIGGER", offset, RELATED=related)
    else:
        raise JMAPConversionError(f"unsupported trigger type {kind!r}", "alerts/trigger")


def _action_to_ical(value: JSONValue, ctx: ToICal) -> None:
    action = expect(value, str, "alerts/action").upper()
    ctx.component.add("ACTION", action if action in _ACTIONS else "DISPLAY")


def _complete_valarm(comp: ICalComponent, alert_key: str, title: str) -> None:
    """Add what RFC 5545 requires of a VALARM and JSCalendar does not carry."""
    if comp.first("TRIGGER") is None:
        comp.add("TRIGGER", "PT0S")
    if comp.first("ACTION") is None:
        comp.add("ACTION", "DISPLAY")
    if comp.first("UID") is None:
        comp.properties.insert(0, ICalProperty("UID", {}, alert_key))
    action = (comp.first("ACTION") or ICalProperty("ACTION")).value.upper()
    if action in ("DISPLAY", "EMAIL") and comp.first("DESCRIPTION") is None:
        comp.add("DESCRIPTION", escape_text(title))
    if action == "EMAIL" and comp.first("SUMMARY") is None:
        comp.add("SUMMARY", escape_text(title))


def _alerts_to_ical(value: JSONValue, ctx: ToICal) -> None:
    title = ctx.obj.get("title") if isinstance(ctx.obj.get("title"), str) else "Reminder"
    for key, alert in expect(value, dict, "alerts").items():
        comp = ICalComponent("VALARM")
        sub = ToICal(expect(alert, dict, f"alerts/{key}"), comp, "Alert", ctx.tzids)
        run_to_ical(sub, _TO_ICAL, jsprop_to_ical)
        uid = comp.first("UID")
        if uid is not None and uid.value != key:
            comp.add("JSID", key)  # the id differs from the UID: keep it explicitly
        _complete_valarm(comp, key, title or "Reminder")
        ctx.component.components.append(comp)


_TO_JSCAL: dict[str, PropMapper] = {
    "TRIGGER": _trigger_to_js,
    "ACTION": _action_to_js,
    "ACKNOWLEDGED": utc("ACKNOWLEDGED", "acknowledged")[0],
    "UID": _uid_to_js,
    # RFC 9074: a snoozed alarm names the alarm it snoozes
    "RELATED-TO": links.TO_JSCAL["RELATED-TO"],
    "JSPROP": jsprop_to_js,
}
_TO_ICAL: dict[str, JsMapper] = {
    "trigger": _trigger_to_ical,
    "action": _action_to_ical,
    "acknowledged": utc("ACKNOWLEDGED", "acknowledged")[1],
    "relatedTo": links.TO_ICAL["relatedTo"],
    # a kept ACTION:AUDIO replaces the DISPLAY written for it
    VENDOR_KEY: vendor_to_ical(replaceable=frozenset({"ACTION"})),
}
#: RFC 5545 allows them once per VALARM: a second one is kept verbatim
_ONCE = frozenset({"TRIGGER", "ACTION"})

#: Subcomponent mappers of VEVENT / VTODO.
COMPONENTS = {"VALARM": _valarm_to_js}
TO_ICAL: dict[str, JsMapper] = {"alerts": _alerts_to_ical}
