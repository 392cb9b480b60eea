"""Time zones for servers that know IANA zones only.

The converter keeps a source's time zones as they are: a non-IANA TZID (Outlook's
"W. Europe Standard Time", Mozilla's "/mozilla.org/.../Europe/Berlin", a custom
"MyTimezone") with its VTIMEZONE as a ``timeZones`` entry, a legacy IANA link (US/Eastern)
by its name. Cyrus 3.10 refuses all of these. For such a server the zone is replaced by
the IANA zone with the same rules over the event's years, tried by name first (the link's
target, the CLDR Windows name, the IANA name inside a prefixed id), then over every
canonical zone; failing that, one with the same offsets at the times of day the event
occurs at. Local times stay as they are, so nothing moves. A single event in a zone no
IANA zone matches goes in UTC (the instant is exact); a recurring one is left as it is
and the server's refusal stands. A TZID without any definition that names no zone has no
instant to keep: its times go floating, as written. Every replacement is logged.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import zoneinfo
from importlib import resources
from typing import Any

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.convert.datetime import UTC_ZONES, WINDOWS_ZONES, is_iana, parse_local
from caldav.jmap.convert.timezones import timezone_to_ical, tzinfo_of
from caldav.jmap.error import JMAPConversionError

__all__ = ["for_iana_server", "iana_equivalent", "is_zone_property"]

log = logging.getLogger("caldav.jmap")

#: Properties naming a time zone; an invalidProperties naming them is a zone refusal.
ZONE_PROPERTIES = frozenset({"timeZone", "timeZones", "recurrenceIdTimeZone", "endTimeZone"})


def _tzdata_text(name: str) -> str:
    try:
        return resources.files("tzdata").joinpath(f"zoneinfo/{name}").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return ""


@functools.cache
def _canonical() -> tuple[str, ...]:
    """The zones every server knows: those of zone.tab / zone1970.tab, in file order."""
    names: dict[str, None] = {}
    for table in ("zone1970.tab", "zone.tab"):
        for line in _tzdata_text(table).splitlines():
            fields = line.split("\t")
            if not line.startswith("#") and len(fields) >= 3 and is_iana(fields[2]):
                names[fields[2]] = None
    return tuple(names)


@functools.cache
def _links() -> dict[str, str]:
    """Link name -> target zone, from tzdata's tzdata.zi ("L target link")."""
    links = {}
    for line in _tzdata_text("tzdata.zi").splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "L":
            links[fields[2]] = fields[1]
    return links


def _known(tzid: str) -> bool:
    return tzid in UTC_ZONES or tzid in _canonical() or tzid.startswith("Etc/")


def _name_candidates(tzid: str) -> list[str]:
    """IANA zones the id names, most likely first."""
    found = []
    parts = tzid.replace(" ", "_").strip("/").split("/")
    for name in (
        tzid,
        WINDOWS_ZONES.get(tzid, ""),
        *("/".join(parts[i:]) for i in range(len(parts))),
    ):
        if name and not _known(name):
            name = _links().get(name, name)
        if name and _known(name) and name not in found:
            found.append(name)
    # a zone named inside the id ("custom_America/New_York"), longest name first
    inside = sorted((c for c in _canonical() if "/" in c and c in tzid), key=len, reverse=True)
    return found + [c for c in inside if c not in found]


def _tzinfo(tzid: str, definition: JSONObject | None) -> dt.tzinfo | None:
    if definition is not None:
        try:
            return tzinfo_of(timezone_to_ical(tzid, definition))
        except JMAPConversionError:
            return None
    return zoneinfo.ZoneInfo(tzid) if is_iana(tzid) else None


def _offsets(zone: dt.tzinfo, instants: list[dt.datetime]) -> list[dt.timedelta | None]:
    return [instant.astimezone(zone).utcoffset() for instant in instants]


class _Rules:
    """A zone's UTC offsets over the years, computed once and compared with candidates
    (the custom zone's tzinfo is slow, zoneinfo's fast)."""

    def __init__(self, zone: dt.tzinfo, first: int, last: int) -> None:
        start = dt.datetime(first, 1, 1, tzinfo=dt.timezone.utc)
        self.zone = zone
        self.days = [start + dt.timedelta(days=n) for n in range((last - first + 1) * 366)]
        self.daily = _offsets(zone, self.days)
        # the hours around each change of offset, where rules can differ by their hour
        self.hours = [
            self.days[i - 1] + dt.timedelta(hours=h)
            for i in range(1, len(self.days))
            if self.daily[i] != self.daily[i - 1]
            for h in range(25)
        ]
        self.hourly = _offsets(zone, self.hours)
        self._walls: dict[tuple[dt.time, ...], list[dt.timedelta | None]] = {}

    def same_rules(self, candidate: str) -> bool:
        """Whether ``candidate`` has the zone's offset every day, and every hour around a
        change."""
        other = zoneinfo.ZoneInfo(candidate)
        return _offsets(other, self.days) == self.daily and (
            _offsets(other, self.hours) == self.hourly
        )

    def _locals(self, wall_times: tuple[dt.time, ...]) -> list[dt.datetime]:
        return [dt.datetime.combine(d.date(), w) for d in self.days for w in wall_times]

    def same_at(self, candidate: str, wall_times: tuple[dt.time, ...]) -> bool:
        """Whether ``candidate`` gives the wall times of every day the zone's UTC offset:
        then an event at those times is at the same instants in both, whatever their rules
        do at other hours."""
        if wall_times not in self._walls:
            self._walls[wall_times] = [
                t.replace(tzinfo=self.zone).utcoffset() for t in self._locals(wall_times)
            ]
        other = zoneinfo.ZoneInfo(candidate)
        theirs = [t.replace(tzinfo=other).utcoffset() for t in self._locals(wall_times)]
        return theirs == self._walls[wall_times]


@functools.lru_cache(maxsize=64)
def _rules(tzid: str, definition_json: str, first: int, last: int) -> _Rules | None:
    zone = _tzinfo(tzid, json.loads(definition_json))
    return _Rules(zone, first, last) if zone is not None else None


@functools.lru_cache(maxsize=256)
def _equivalent(
    tzid: str, definition_json: str, first: int, last: int, wall_times: tuple[dt.time, ...] = ()
) -> str | None:
    rules = _rules(tzid, definition_json, first, last)
    by_name = _name_candidates(tzid)
    if rules is None:
        # no rules to check against: only a name that says which zone it is
        return by_name[0] if by_name else None
    probes = [dt.datetime(first, m, 15, tzinfo=dt.timezone.utc) for m in (1, 4, 7, 10)]
    wanted = _offsets(rules.zone, probes)
    words = {w.lower() for w in tzid.replace("/", " ").replace("_", " ").split()}
    typical = set(WINDOWS_ZONES.values())
    rest = sorted(
        (c for c in _canonical() if c not in by_name),
        # "... Europe" tries Europe/ first, and the zone CLDR names for a rule set (Berlin
        # rather than Andorra) before the others that share it
        key=lambda c: (c.split("/")[0].lower() not in words, c not in typical),
    )
    for candidate in [*by_name, *rest]:
        if _offsets(zoneinfo.ZoneInfo(candidate), probes) != wanted:
            continue
        if rules.same_at(candidate, wall_times) if wall_times else rules.same_rules(candidate):
            return candidate
    return None


def iana_equivalent(
    tzid: str, definition: JSONObject | None = None, years: tuple[int, int] = (1970, 2037)
) -> str | None:
    """The canonical IANA zone for ``tzid`` with the same rules over ``years`` (checked
    against ``definition``, an RFC 8984 TimeZone object, or the zone of that name); None
    when there is none.

    >>> iana_equivalent("US/Eastern", years=(2026, 2026))
    'America/New_York'
    """
    if _known(tzid):
        return tzid
    return _equivalent(tzid, json.dumps(definition, sort_keys=True), *years)


def _years(obj: JSONObject) -> tuple[int, int]:
    try:
        year = parse_local(obj.get("start") or obj.get("due"), "start").year
    except JMAPConversionError:
        year = dt.date.today().year
    recurring = obj.get("recurrenceRules") or obj.get("recurrenceRule")
    # a recurring event repeats its wall times for years: the rules must agree that long
    return (year, year + 10 if recurring else year)


def _wall_times(obj: JSONObject) -> tuple[dt.time, ...]:
    """The times of day the event's occurrences start at: its start's, and those of its
    overridden instances (their recurrence ids and moved starts)."""
    found = set()
    overrides = obj.get("recurrenceOverrides")
    patches = overrides.items() if isinstance(overrides, dict) else []
    for value in [obj.get("start"), *(k for k, _ in patches)] + [
        p.get("start") for _, p in patches if isinstance(p, dict)
    ]:
        try:
            found.add(parse_local(value, "start").time())
        except JMAPConversionError:
            continue
    return tuple(sorted(found))


def _to_utc(obj: JSONObject, zone: dt.tzinfo) -> JSONObject:
    out = dict(obj)
    for key in ("start", "due"):
        if isinstance(obj.get(key), str):
            local = parse_local(obj[key], key).replace(tzinfo=zone)
            out[key] = local.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    out["timeZone"] = "Etc/UTC"
    return out


def _rename(value: Any, names: dict[str, str | None]) -> Any:
    """``value`` with every zone-naming property renamed (locations included)."""
    if isinstance(value, list):
        return [_rename(v, names) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        last = key.rsplit("/", 1)[-1]
        if last in ZONE_PROPERTIES - {"timeZones"} and isinstance(item, str):
            out[key] = names.get(item, item)  # None: floating
        else:
            out[key] = _rename(item, names)
    return out


def _zones_used(value: Any) -> set[str]:
    if isinstance(value, list):
        return set().union(*(_zones_used(v) for v in value)) if value else set()
    if not isinstance(value, dict):
        return set()
    found = set()
    for key, item in value.items():
        if key.rsplit("/", 1)[-1] in ZONE_PROPERTIES - {"timeZones"} and isinstance(item, str):
            found.add(item)
        elif key != "timeZones":
            found |= _zones_used(item)
    return found


def for_iana_server(obj: JSONObject, what: str) -> JSONObject:
    """``obj`` (an event or a patch) with its zones as canonical IANA zones where one has
    the same rules; ``timeZones`` left out once every custom zone is replaced."""
    zones = obj.get("timeZones")
    custom: JSONObject = zones if isinstance(zones, dict) else {}
    years = _years(obj)
    names: dict[str, str] = {}
    unmatched: list[str] = []
    floating: list[str] = []
    for tzid in sorted(_zones_used(obj)):
        if _known(tzid):
            continue
        definition = custom.get(tzid) if isinstance(custom.get(tzid), dict) else None
        found, how = iana_equivalent(tzid, definition, years), "the same rules"
        if found is None and definition is not None and tzid == obj.get("timeZone"):
            times = _wall_times(obj)
            found = _equivalent(tzid, json.dumps(definition, sort_keys=True), *years, times)
            how = "the same offsets at the event's times"
        if found is None and definition is None:
            # a TZID without VTIMEZONE that names no zone (Lotus Notes' "Western/Central
            # Europe"): its times have no defined instant, the wall time as written is all
            # there is; floating keeps it without inventing rules
            floating.append(tzid)
            log.warning(
                "%s: the time zone %r has no definition and names no IANA zone; its times "
                "were sent as floating (the wall time as written)",
                what,
                tzid,
            )
            continue
        if found is None:
            unmatched.append(tzid)
            continue
        names[tzid] = found
        log.warning(
            "%s: the server knows IANA time zones only; %r sent as %s (%s)",
            what,
            tzid,
            found,
            how,
        )
    out = _rename(obj, {**names, **dict.fromkeys(floating)}) if names or floating else dict(obj)
    single = not (obj.get("recurrenceRules") or obj.get("recurrenceRule"))
    single = single and not obj.get("recurrenceOverrides")
    zone = obj.get("timeZone")
    if single and zone in unmatched:
        definition = custom.get(zone) if isinstance(custom.get(zone), dict) else None
        tzinfo = _tzinfo(zone, definition)
        if tzinfo is not None:
            out = _to_utc(out, tzinfo)
            unmatched.remove(zone)
            log.warning(
                "%s: no IANA time zone has the rules of %r; its time was sent in UTC", what, zone
            )
    if "timeZones" in out and not unmatched:
        del out["timeZones"]
    return out


def is_zone_property(name: str) -> bool:
    """Whether a property (or patch path) an invalidProperties names is a time zone."""
    return name.rsplit("/", 1)[-1].split("[")[0] in ZONE_PROPERTIES
