"""ORGANIZER and ATTENDEE <-> participants and replyTo.

An organizer who is also an attendee is one Participant with roles owner + attendee; the
two properties are matched by calendar address (mailto: compared case-insensitively).
"""

from __future__ import annotations

from typing import Any

from caldav.jmap.convert.context import JsMapper, PropMapper, ToICal, ToJSCal, expect, put
from caldav.jmap.convert.ids import ID_PARAMS, id_param, uuid5_id
from caldav.jmap.convert.model import ICalProperty
from caldav.jmap.convert.preserve import keep_params, restore_params

__all__ = ["TO_ICAL", "TO_JSCAL", "normalize_address"]

_ROLE_TO_JS: dict[str, dict[str, bool]] = {
    "REQ-PARTICIPANT": {"attendee": True},
    "OPT-PARTICIPANT": {"attendee": True, "optional": True},
    "NON-PARTICIPANT": {"informational": True},
    "CHAIR": {"attendee": True, "chair": True},
}
_KIND_TO_JS = {
    "INDIVIDUAL": "individual",
    "GROUP": "group",
    "RESOURCE": "resource",
    "ROOM": "location",
    "UNKNOWN": "unknown",
}
_KIND_TO_ICAL = {v: k for k, v in _KIND_TO_JS.items()}
# PARTSTAT values only tasks have: the participant accepted and reports progress
_TASK_PARTSTAT = {"COMPLETED": "completed", "IN-PROCESS": "in-process", "FAILED": "failed"}

_KNOWN_PARAMS = frozenset(
    {
        "CN",
        "EMAIL",
        "PARTSTAT",
        "RSVP",
        "CUTYPE",
        "ROLE",
        "DELEGATED-TO",
        "DELEGATED-FROM",
        "SENT-BY",
        "LANGUAGE",
        "SCHEDULE-AGENT",
        "SCHEDULE-FORCE-SEND",
        "SCHEDULE-STATUS",
        *ID_PARAMS,
    }
)


#: Parameter values the writer leaves out because they are the JSCalendar (and RFC 5545)
#: defaults; stated in the source, they are kept with the unconverted parameters.
_DEFAULT_PARAMS = {
    "PARTSTAT": "NEEDS-ACTION",
    "RSVP": "FALSE",
    "CUTYPE": "INDIVIDUAL",
    "ROLE": "REQ-PARTICIPANT",
    "SCHEDULE-AGENT": "SERVER",
}
#: Parameters only an ATTENDEE has (RFC 5545 section 3.8.4.1 vs 3.8.4.3).
_ATTENDEE_ONLY = frozenset({"PARTSTAT", "RSVP", "CUTYPE", "ROLE", "DELEGATED-TO", "DELEGATED-FROM"})


def normalize_address(value: str) -> str:
    """A calendar address with the mailto: scheme in lower case; other URIs stay as they are."""
    value = value.strip()
    if value[:7].lower() == "mailto:":
        return "mailto:" + value[7:]
    return value


def _method(address: str) -> str:
    """The sendTo / replyTo method of an address."""
    if address.startswith("mailto:"):
        return "imip"
    return "web" if address.lower().startswith(("http:", "https:")) else "other"


def _strip_mailto(value: str) -> str:
    value = normalize_address(value)
    return value[7:] if value.startswith("mailto:") else value


def _same(a: str, b: str) -> bool:
    return normalize_address(a).lower() == normalize_address(b).lower()


def _find_participant(ctx: ToJSCal, prop: ICalProperty) -> str:
    """The id for a participant property: explicit id, else the one already seen at the
    same address (organizer and attendee merge), else the UUIDv5 of the raw value."""
    for name in ID_PARAMS:
        if prop.param(name):
            return prop.param(name) or ""
    for pid, participant in ctx.obj.get("participants", {}).items():
        if any(_same(addr, prop.value) for addr in participant.get("sendTo", {}).values()):
            return pid
    return uuid5_id(prop.value)


def _common_to_js(prop: ICalProperty, ctx: ToJSCal) -> dict[str, Any]:
    address = normalize_address(prop.value)
    participant = put(ctx.obj, "participants", _find_participant(ctx, prop), {})
    participant["@type"] = "Participant"
    # merged organizer / attendee: the first spelling of the address wins
    participant.setdefault("sendTo", {}).setdefault(_method(address), address)
    email = prop.param("EMAIL") or (address[7:] if address.startswith("mailto:") else None)
    simple = {
        "name": prop.param("CN"),
        "email": email,
        "sentBy": _strip_mailto(prop.param("SENT-BY") or "") or None,
        "language": prop.param("LANGUAGE"),
        "scheduleAgent": (prop.param("SCHEDULE-AGENT") or "").lower() or None,
    }
    participant.update((k, v) for k, v in simple.items() if v)
    if "SCHEDULE-FORCE-SEND" in prop.params:
        participant["scheduleForceSend"] = True
    if prop.params.get("SCHEDULE-STATUS"):
        participant["scheduleStatus"] = list(prop.params["SCHEDULE-STATUS"])
    keep_params(participant, prop, _KNOWN_PARAMS, _DEFAULT_PARAMS)
    return participant


def _attendee_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    participant = _common_to_js(prop, ctx)
    roles = participant.setdefault("roles", {})
    roles.update(_ROLE_TO_JS.get((prop.param("ROLE") or "REQ-PARTICIPANT").upper(), {}))
    if not roles:  # an unknown ROLE: still an attendee
        roles["attendee"] = True
    kind = _KIND_TO_JS.get((prop.param("CUTYPE") or "").upper())
    if kind:
        participant["kind"] = kind
    partstat = (prop.param("PARTSTAT") or "").upper()
    if ctx.kind == "Task" and partstat in _TASK_PARTSTAT:
        participant["participationStatus"] = "accepted"
        participant["progress"] = _TASK_PARTSTAT[partstat]
    elif partstat:
        participant["participationStatus"] = partstat.lower()
    rsvp = (prop.param("RSVP") or "").upper()
    if rsvp in ("TRUE", "FALSE"):
        participant["expectReply"] = rsvp == "TRUE"
    for param, key in (("DELEGATED-TO", "delegatedTo"), ("DELEGATED-FROM", "delegatedFrom")):
        if prop.params.get(param):
            participant[key] = {uuid5_id(normalize_address(v)): True for v in prop.params[param]}


def _organizer_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    participant = _common_to_js(prop, ctx)
    participant.setdefault("roles", {})["owner"] = True
    method = _method(normalize_address(prop.value))
    ctx.obj["replyTo"] = {method: participant["sendTo"][method]}


def _address_of(participant: dict[str, Any]) -> str | None:
    send_to = participant.get("sendTo") or {}
    expect(send_to, dict, "participants/sendTo")
    for method in ("imip", "other", "web"):
        if isinstance(send_to.get(method), str):
            return send_to[method]
    if isinstance(participant.get("email"), str):
        return "mailto:" + participant["email"]
    return next((v for v in send_to.values() if isinstance(v, str)), None)


def _role_param(roles: dict[str, Any]) -> str | None:
    if roles.get("chair"):
        return "CHAIR"
    if roles.get("optional"):
        return "OPT-PARTICIPANT"
    if roles.get("informational") and not roles.get("attendee"):
        return "NON-PARTICIPANT"
    return None  # REQ-PARTICIPANT is the default


def _participant_params(
    participant: dict[str, Any], address: str, pid: str
) -> dict[str, str | list[str] | None]:
    email = participant.get("email")
    sent_by = participant.get("sentBy")
    return {
        "JSID": id_param(pid, address),
        "CN": participant.get("name"),
        "EMAIL": email if isinstance(email, str) and f"mailto:{email}" != address else None,
        "SENT-BY": f"mailto:{sent_by}" if isinstance(sent_by, str) else None,
        "LANGUAGE": participant.get("language"),
        "SCHEDULE-AGENT": str(participant["scheduleAgent"]).upper()
        if participant.get("scheduleAgent") not in (None, "", "server")  # default: server
        else None,
        "SCHEDULE-FORCE-SEND": "REQUEST" if participant.get("scheduleForceSend") else None,
        "SCHEDULE-STATUS": participant.get("scheduleStatus"),
    }


def _delegates(ids: Any, addresses: dict[str, str], key: str) -> list[str] | None:
    if not ids:
        return None
    found = [addresses.get(i, i) for i, on in expect(ids, dict, key).items() if on]
    return [a for a in found if ":" in a] or None


def _participants_to_ical(value: Any, ctx: ToICal) -> None:
    participants = expect(value, dict, "participants")
    addresses: dict[str, str] = {}
    for pid, participant in participants.items():
        address = _address_of(expect(participant, dict, f"participants/{pid}"))
        if address:
            addresses[pid] = address
            addresses[uuid5_id(address)] = address
    has_owner = False
    for pid, participant in participants.items():
        address = addresses.get(pid)
        if address is None:
            continue  # no calendar address: nothing iCalendar could carry
        roles = expect(participant.get("roles") or {"attendee": True}, dict, "roles")
        params = _participant_params(participant, address, pid)
        if roles.get("owner"):
            has_owner = True
            organizer = ctx.component.add("ORGANIZER", address, **params)
            restore_params(participant, organizer, _ATTENDEE_ONLY)
        if set(roles) - {"owner"}:
            status = participant.get("participationStatus")
            progress = participant.get("progress")
            if ctx.kind == "Task" and progress in _TASK_PARTSTAT.values():
                status = {v: k for k, v in _TASK_PARTSTAT.items()}[progress]
            kind = participant.get("kind")
            params |= {
                "ROLE": _role_param(roles),
                # defaults (individual, needs-action, no reply expected) are left out
                "CUTYPE": _KIND_TO_ICAL.get(kind) if kind != "individual" else None,
                "PARTSTAT": str(status).upper() if status and status != "needs-action" else None,
                "RSVP": "TRUE" if participant.get("expectReply") is True else None,
                "DELEGATED-TO": _delegates(
                    participant.get("delegatedTo"), addresses, "delegatedTo"
                ),
                "DELEGATED-FROM": _delegates(
                    participant.get("delegatedFrom"), addresses, "delegatedFrom"
                ),
            }
            restore_params(participant, ctx.component.add("ATTENDEE", address, **params))
    if not has_owner:
        _reply_to_ical(ctx.obj.get("replyTo"), ctx, force=True)


def _reply_to_ical(value: Any, ctx: ToICal, force: bool = False) -> None:
    # the owner participant writes ORGANIZER; replyTo alone only when there is none
    if value is None or (not force and "participants" in ctx.obj):
        return
    methods = expect(value, dict, "replyTo")
    address = next((methods[m] for m in ("imip", "other", "web") if m in methods), None)
    if isinstance(address, str) and ctx.component.first("ORGANIZER") is None:
        ctx.component.add("ORGANIZER", address)


def resolve_delegates(obj: dict[str, Any]) -> None:
    """Point delegatedTo / delegatedFrom at participant keys: while converting, a delegate
    is known only by the UUIDv5 of its address, its key may be an explicit id."""
    found = obj.get("participants") or {}
    alias = {
        uuid5_id(address): pid
        for pid, participant in found.items()
        for address in participant.get("sendTo", {}).values()
    }
    for participant in found.values():
        for key in ("delegatedTo", "delegatedFrom"):
            if key in participant:
                participant[key] = {alias.get(i, i): on for i, on in participant[key].items()}


TO_JSCAL: dict[str, PropMapper] = {"ATTENDEE": _attendee_to_js, "ORGANIZER": _organizer_to_js}
TO_ICAL: dict[str, JsMapper] = {"participants": _participants_to_ical, "replyTo": _reply_to_ical}
