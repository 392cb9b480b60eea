"""ORGANIZER, ATTENDEE and PARTICIPANT (RFC 9073) <-> participants and replyTo.

An organizer who is also an attendee is one Participant with roles owner + attendee; the
two properties are matched by calendar address (mailto: compared case-insensitively). A
PARTICIPANT component with the address of one of them merges into that Participant
(description, links, its kept UID); one without such a property is a Participant of its
own, whose address (CALENDAR-ADDRESS) is marked as the draft says so that it comes back
as CALENDAR-ADDRESS rather than as an ATTENDEE. PARTICIPANT-TYPE stays unconverted (the
draft lists it among the properties without JSCalendar home).
"""

from __future__ import annotations

from caldav.jmap._jsontypes import JSONObject, JSONValue
from caldav.jmap.convert import links
from caldav.jmap.convert.context import (
    JsMapper,
    PropMapper,
    ToICal,
    ToJSCal,
    expect,
    in_range,
    put,
)
from caldav.jmap.convert.ids import ID_PARAMS, id_param, uuid5_id
from caldav.jmap.convert.jsprop import jsprop_to_ical
from caldav.jmap.convert.model import ICalComponent, ICalProperty, escape_text, unescape_text
from caldav.jmap.convert.patch import escape_pointer
from caldav.jmap.convert.preserve import (
    VENDOR_KEY,
    converted_entry,
    converted_from,
    keep_line_params,
    keep_params,
    line_params,
    mark_converted,
    restore_params,
    restore_property_params,
)
from caldav.jmap.convert.simple import first, text
from caldav.jmap.convert.subcomponents import (
    component_key,
    component_name,
    component_to_ical,
    component_to_js,
    unique_key,
)

__all__ = ["COMPONENTS", "TO_ICAL", "TO_JSCAL", "normalize_address"]

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
#: ATTENDEE parameters listing calendar addresses that become sets of participant ids.
#: None of them is in _KNOWN_PARAMS: their raw values stay with the kept parameters. RFC 8984
#: makes the sets hold participant ids only (servers refuse others), and a group or a
#: delegate is often no participant: the writer needs those addresses back.
_ID_SET_PARAMS = (
    ("DELEGATED-TO", "delegatedTo"),
    ("DELEGATED-FROM", "delegatedFrom"),
    ("MEMBER", "memberOf"),
)


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


def _address_key(value: str) -> str:
    """What two spellings of one calendar address have in common."""
    return normalize_address(value).lower()


def _register(ctx: ToJSCal, pid: str, participant: JSONObject) -> None:
    """Index the addresses of ``participant`` for :func:`_find_participant`."""
    for address in (participant.get("sendTo") or {}).values():
        if isinstance(address, str):
            ctx.addresses.setdefault(_address_key(address), pid)


def _find_participant(ctx: ToJSCal, prop: ICalProperty) -> str:
    """The id for a participant property: explicit id, else the one already seen at the
    same address (organizer and attendee merge), else the UUIDv5 of the raw value."""
    for name in ID_PARAMS:
        if prop.param(name):
            return prop.param(name) or ""
    found = ctx.addresses.get(_address_key(prop.value))
    return found if found is not None else uuid5_id(prop.value)


def _common_to_js(prop: ICalProperty, ctx: ToJSCal) -> JSONObject:
    address = normalize_address(prop.value)
    pid = _find_participant(ctx, prop)
    participant = put(ctx.obj, "participants", pid, {})
    participant["@type"] = "Participant"
    # merged organizer / attendee: the first spelling of the address wins
    participant.setdefault("sendTo", {}).setdefault(_method(address), address)
    _register(ctx, pid, participant)
    email = prop.param("EMAIL") or (address[7:] if address.startswith("mailto:") else None)
    simple = {
        "name": prop.param("CN"),
        "email": email,
        "sentBy": _strip_mailto(prop.param("SENT-BY") or "") or None,
        "language": prop.param("LANGUAGE"),
        "scheduleAgent": (prop.param("SCHEDULE-AGENT") or "").lower() or None,
    }
    # merged: the ATTENDEE's values win over the ORGANIZER's, whichever comes first
    for k, v in simple.items():
        if v and (prop.name == "ATTENDEE" or k not in participant):
            participant[k] = v
    if simple["name"] == "":  # CN="": the source's own empty name, never over a real one
        participant.setdefault("name", "")
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
    for param, key in _ID_SET_PARAMS:
        if prop.params.get(param):
            participant[key] = {uuid5_id(normalize_address(v)): True for v in prop.params[param]}
    _keep_lines(participant, ctx)


def _organizer_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    participant = _common_to_js(prop, ctx)
    participant.setdefault("roles", {})["owner"] = True
    method = _method(normalize_address(prop.value))
    ctx.obj["replyTo"] = {method: participant["sendTo"][method]}
    _keep_lines(participant, ctx)


#: What of a Participant its ORGANIZER / ATTENDEE lines say (their parameters).
_LINE_FIELDS = (
    "name", "email", "sentBy", "language", "scheduleAgent", "scheduleForceSend",
    "scheduleStatus", "participationStatus", "expectReply", "kind", "roles", "delegatedTo",
    "delegatedFrom", "memberOf",
)  # fmt: skip


def _line_fields(participant: JSONObject) -> list[JSONValue]:
    return [participant.get(key) for key in _LINE_FIELDS]


def _keep_lines(participant: JSONObject, ctx: ToJSCal) -> None:
    """An organizer who is also an attendee is one Participant from two lines, whose CN,
    SCHEDULE-AGENT or X- parameters may differ (Google, Oracle, RIM exports): each line's
    own parameters are kept, for as long as the Participant stays as it was."""
    roles = participant.get("roles") or {}
    if not (roles.get("owner") and set(roles) - {"owner"}):
        return
    address = _address_key(next(iter(participant["sendTo"].values())))
    lines = {  # without the id parameter: the writer adds one as the key needs
        prop.name.lower(): ICalProperty(
            prop.name, {k: v for k, v in prop.params.items() if k not in ID_PARAMS}, prop.value
        )
        for prop in ctx.component.properties
        if prop.name in ("ORGANIZER", "ATTENDEE") and _address_key(prop.value) == address
    }
    if len(lines) == 2:
        keep_line_params(participant, lines, _line_fields(participant))


def _address_of(participant: JSONObject) -> str | None:
    send_to = participant.get("sendTo") or {}
    expect(send_to, dict, "participants/sendTo")
    for method in ("imip", "other", "web"):
        address = send_to.get(method)
        if isinstance(address, str):
            return address
    email = participant.get("email")
    if isinstance(email, str):
        return "mailto:" + email
    return next((v for v in send_to.values() if isinstance(v, str)), None)


def _role_param(roles: JSONObject) -> str | None:
    if roles.get("chair"):
        return "CHAIR"
    if roles.get("optional"):
        return "OPT-PARTICIPANT"
    if roles.get("informational") and not roles.get("attendee"):
        return "NON-PARTICIPANT"
    return None  # REQ-PARTICIPANT is the default


def _participant_params(
    participant: JSONObject, address: str, pid: str
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


def _delegates(ids: JSONValue, addresses: dict[str, str], key: str) -> list[str] | None:
    if not ids:
        return None
    delegated: JSONObject = expect(ids, dict, key)
    found = [addresses.get(i, i) for i, on in delegated.items() if on]
    return [a for a in found if ":" in a] or None


# the MEMBER parameter skipped on the ORGANIZER, by whether it may keep its own
_MEMBER_SKIP = {True: frozenset(), False: frozenset({"MEMBER"})}


def _kept_addresses(participant: JSONObject, param: str) -> dict[str, str]:
    """The addresses of ``param`` (MEMBER, DELEGATED-TO, ...) kept with the participant, by
    the UUIDv5 id they would have as participants."""
    vendor = participant.get(VENDOR_KEY)
    params = vendor.get("parameters") if isinstance(vendor, dict) else None
    values = params.get(param.lower()) if isinstance(params, dict) else None
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        return {}
    return {uuid5_id(normalize_address(v)): v for v in values if isinstance(v, str)}


def _address_set(
    participant: JSONObject, addresses: dict[str, str], param: str, key: str
) -> list[str] | None:
    """MEMBER / DELEGATED-TO / DELEGATED-FROM: the participants of the id set ``key``, then
    the kept addresses that are no participant (they have no place in the id set)."""
    listed = _delegates(participant.get(key), addresses, key) or []
    kept = _kept_addresses(participant, param)
    outside = [v for pid, v in kept.items() if pid not in addresses]
    return listed + [v for v in outside if v not in listed] or None


def _participants_to_ical(value: JSONValue, ctx: ToICal) -> None:
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
        # a CALENDAR-ADDRESS of a PARTICIPANT alone goes back there, not to an ATTENDEE
        if address is None or converted_entry(participant, "calendarAddress") is not None:
            _participant_component(pid, participant, address, False, ctx)
            continue
        roles = expect(participant.get("roles") or {"attendee": True}, dict, "roles")
        params = _participant_params(participant, address, pid)
        if converted_from(participant, "name") == "summary":
            params["CN"] = None  # the name was the PARTICIPANT's SUMMARY
        attends = bool(set(roles) - {"owner"})
        fields = _line_fields(participant)
        if roles.get("owner") and has_owner:
            # RFC 5545 allows one ORGANIZER: a further owner is written as an ATTENDEE
            # and its roles as JSPROP, which restores the owner role on the way back
            attends = True
            jsprop_to_ical({f"participants/{escape_pointer(pid)}/roles": roles}, ctx)
        elif roles.get("owner"):
            has_owner = True
            kept = line_params(participant, "organizer", fields)
            if kept is not None:  # the source's own ORGANIZER line, the participant unchanged
                jsid = id_param(pid, kept.value)  # read first again: its value gives the id
                if jsid and not any(name in kept.params for name in ID_PARAMS):
                    kept.params["JSID"] = [jsid]
                ctx.component.properties.append(kept)
            else:
                organizer = ctx.component.add("ORGANIZER", address, **params)
                # MEMBER belongs to the ATTENDEE (RFC 5545 has none on ORGANIZER): the
                # organizer keeps only one it had itself
                own_member = not attends and "memberOf" not in participant
                restore_params(participant, organizer, _ATTENDEE_ONLY | _MEMBER_SKIP[own_member])
        kept = line_params(participant, "attendee", fields) if attends else None
        if kept is not None:
            ctx.component.properties.append(kept)
        elif attends:
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
                **{
                    param: _address_set(participant, addresses, param, key)
                    for param, key in _ID_SET_PARAMS
                },
            }
            attendee = ctx.component.add("ATTENDEE", address, **params)
            # written above from the id sets and the kept addresses outside them
            restore_params(participant, attendee, frozenset(p for p, _ in _ID_SET_PARAMS))
        _participant_component(pid, participant, address, True, ctx)
    if not has_owner:
        _reply_to_ical(ctx.obj.get("replyTo"), ctx, force=True)


# --- PARTICIPANT <-> Participant ---------------------------------------------------------

_PARTICIPANT = "participant"
#: Participant properties an ATTENDEE / ORGANIZER carries (or that have no iCalendar home).
_ATTENDEE_KEYS = frozenset(
    {
        "@type",
        "name",
        "email",
        "sendTo",
        "calendarAddress",
        "sentBy",
        "language",
        "scheduleAgent",
        "scheduleForceSend",
        "scheduleStatus",
        "scheduleSequence",
        "scheduleUpdated",
        "roles",
        "participationStatus",
        "progress",
        "kind",
        "expectReply",
        "delegatedTo",
        "delegatedFrom",
        "memberOf",
    }
)
#: ATTENDEE-carried properties that a PARTICIPANT alone cannot carry but JSPROP can, with
#: the values that need nothing (the defaults).
_ATTENDEE_DEFAULTS: JSONObject = {
    "roles": {"attendee": True},
    "participationStatus": "needs-action",
    "expectReply": False,
    "kind": "individual",
    "scheduleAgent": "server",
    "scheduleForceSend": False,
    "sentBy": None,
    "language": None,
    "progress": None,
    "delegatedTo": None,
    "delegatedFrom": None,
    "memberOf": None,
    "scheduleStatus": None,
}
#: Participant properties only a PARTICIPANT component carries.
_COMPONENT_KEYS = ("description", "links", "percentComplete")


def _percent_to_js(prop: ICalProperty, ctx: ToJSCal) -> None:
    if not prop.value.strip().isdigit() or prop.params:
        ctx.unconverted.append(prop)
    elif first(prop, "percentComplete", ctx):  # RFC 9073: once per PARTICIPANT
        ctx.obj["percentComplete"] = int(prop.value.strip())


def _participant_mappers(
    merged: JSONObject | None, address: ICalProperty | None
) -> dict[str, PropMapper]:
    """The PARTICIPANT property mappers, for a component merging into the participant
    ``merged`` (from an ATTENDEE / ORGANIZER) or standing alone."""

    def summary(prop: ICalProperty, ctx: ToJSCal) -> None:
        if merged is not None and merged.get("name") is not None:
            ctx.unconverted.append(prop)  # the CN holds the name
            return
        ctx.obj["name"] = unescape_text(prop.value)
        if merged is not None or prop.params:
            mark_converted(ctx.obj, "name", prop)  # SUMMARY rather than CN

    def calendar_address(prop: ICalProperty, ctx: ToJSCal) -> None:
        if prop is not address or (merged is not None and prop.params):
            ctx.unconverted.append(prop)  # a second one, or parameters the ATTENDEE lacks
        elif merged is None:
            value = normalize_address(prop.value)
            ctx.obj["sendTo"] = {_method(value): value}
            mark_converted(ctx.obj, "calendarAddress", prop)

    return {
        "SUMMARY": summary,
        "CALENDAR-ADDRESS": calendar_address,
        "DESCRIPTION": text("DESCRIPTION", "description")[0],
        "PERCENT-COMPLETE": _percent_to_js,
        "URL": links.TO_JSCAL["URL"],
        "ATTACH": links.TO_JSCAL["ATTACH"],
    }


def _participant_to_js(comp: ICalComponent, ctx: ToJSCal) -> None:
    participants = ctx.obj.setdefault("participants", {})
    address = next((p for p in comp.all("CALENDAR-ADDRESS") if p.value.strip()), None)
    merged_id = ctx.addresses.get(_address_key(address.value)) if address is not None else None
    if merged_id is not None and component_name(participants[merged_id]) == _PARTICIPANT:
        merged_id = None  # that attendee has its PARTICIPANT already: this one stands alone
    merged = participants[merged_id] if merged_id is not None else None
    key, id_prop = component_key(comp, uuid5_id(address.value) if address is not None else None)
    keep_id = merged_id is not None and key != merged_id
    ignored = frozenset({id_prop}) if id_prop and not keep_id else frozenset()
    mappers = _participant_mappers(merged, address)
    found = component_to_js(comp, ctx, "Participant", mappers, ignored)
    if merged is None:
        found.setdefault("roles", {"attendee": True})  # RFC 8984 requires roles
        pid = unique_key(key, participants)
        participants[pid] = found
        _register(ctx, pid, found)
        return
    vendor = found.pop(VENDOR_KEY)
    for name, item in found.items():
        merged.setdefault(name, item)
    merged.setdefault(VENDOR_KEY, {}).update(vendor)


def _summary_to_ical(value: JSONValue, ctx: ToICal) -> None:
    prop = ctx.component.add("SUMMARY", escape_text(expect(value, str, "participants/name")))
    restore_property_params(ctx.obj, "name", prop)


def _percent_to_ical(value: JSONValue, ctx: ToICal) -> None:
    ctx.component.add("PERCENT-COMPLETE", str(in_range(value, 0, 100, "percentComplete")))


_PARTICIPANT_TO_ICAL: dict[str, JsMapper] = {
    "name": _summary_to_ical,
    "description": text("DESCRIPTION", "description")[1],
    "percentComplete": _percent_to_ical,
    "links": links.TO_ICAL["links"],
}


def _component_part(participant: JSONObject, summary: bool, alone: bool) -> JSONObject:
    """What of a Participant goes into its PARTICIPANT component: the component's own
    properties, the name as SUMMARY, other properties (as JSPROP); with no ATTENDEE
    written (``alone``) also what the ATTENDEE would have carried, unless a default."""
    part = {}
    for key, value in participant.items():
        if key == "name":
            if summary:
                part[key] = value
        elif key not in _ATTENDEE_KEYS:
            part[key] = value
        elif alone and key in _ATTENDEE_DEFAULTS and value != _ATTENDEE_DEFAULTS[key]:
            part[key] = value
    return part


def _participant_component(
    pid: str, participant: JSONObject, address: str | None, wrote: bool, ctx: ToICal
) -> None:
    """The PARTICIPANT component of a Participant, when it needs one: it came from one, has
    PARTICIPANT-only properties, or is a name without calendar address (``wrote``: an
    ATTENDEE / ORGANIZER carries the address)."""
    named = isinstance(participant.get("name"), str)
    summary = named and (not wrote or converted_from(participant, "name") == "summary")
    if not (
        component_name(participant) == _PARTICIPANT
        or any(participant.get(k) is not None for k in _COMPONENT_KEYS)
        or (summary and address is None)
    ):
        return
    part = _component_part(participant, summary, alone=not wrote)
    comp = component_to_ical(part, "PARTICIPANT", "Participant", _PARTICIPANT_TO_ICAL, ctx)
    if address is not None and comp.first("CALENDAR-ADDRESS") is None:
        prop = ICalProperty("CALENDAR-ADDRESS", {}, address)
        restore_property_params(participant, "calendarAddress", prop)
        comp.properties.insert(0, prop)
    uid = comp.first("UID")
    if uid is None:
        uid = ICalProperty("UID", {}, pid)  # RFC 9073 requires one; the key serves
        comp.properties.insert(0, uid)
    derived = uuid5_id(address) if address is not None else uid.value.strip()
    if not wrote and pid != derived and comp.first("JSID") is None:
        comp.add("JSID", pid)
    ctx.component.components.append(comp)


def _reply_to_ical(value: JSONValue, ctx: ToICal, force: bool = False) -> None:
    # the owner participant writes ORGANIZER; replyTo alone only when there is none
    if value is None or (not force and "participants" in ctx.obj):
        return
    methods = expect(value, dict, "replyTo")
    address = next((methods[m] for m in ("imip", "other", "web") if m in methods), None)
    if isinstance(address, str) and ctx.component.first("ORGANIZER") is None:
        ctx.component.add("ORGANIZER", address)


def resolve_delegates(obj: JSONObject) -> None:
    """Point delegatedTo / delegatedFrom / memberOf at participant keys: while converting,
    a delegate (or group) is known only by the UUIDv5 of its address, its key may be an
    explicit id."""
    found = obj.get("participants") or {}
    alias = {
        uuid5_id(address): pid
        for pid, participant in found.items()
        for address in participant.get("sendTo", {}).values()
    }
    for participant in found.values():
        for _, key in _ID_SET_PARAMS:
            if key in participant:
                # RFC 8984: the sets hold participant ids (servers refuse others); an address
                # that is no participant stays in the kept parameter only
                resolved = ((alias.get(i, i), on) for i, on in participant[key].items())
                ids = {i: on for i, on in resolved if i in found}
                if ids:
                    participant[key] = ids
                else:
                    del participant[key]


TO_JSCAL: dict[str, PropMapper] = {"ATTENDEE": _attendee_to_js, "ORGANIZER": _organizer_to_js}
#: Subcomponent mappers of VEVENT / VTODO.
COMPONENTS = {"PARTICIPANT": _participant_to_js}
TO_ICAL: dict[str, JsMapper] = {"participants": _participants_to_ical, "replyTo": _reply_to_ical}
