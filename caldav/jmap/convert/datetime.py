"""Date, date-time, time zone and duration values in both formats.

iCalendar DATE / DATE-TIME values become JSCalendar LocalDateTime strings plus a time zone
name ("Etc/UTC" for UTC, None for floating); TZIDs are never rewritten, even when they
are not IANA names. A TZID that is no IANA name but names one unambiguously (a Windows
zone name, a globally unique id ending in an IANA name) and that the source does not
define is *read* in that IANA zone (:func:`iana_name`), so its times convert between zones.
Durations are kept as strings in the JSCalendar form.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from types import MappingProxyType

from caldav.jmap.convert.model import ICalProperty
from caldav.jmap.error import JMAPConversionError

try:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
except ImportError:  # an icalendar without the CLDR table: Windows names stay unknown
    WINDOWS_TO_OLSON = {}

__all__ = [
    "UTC_ZONES",
    "WINDOWS_ZONES",
    "Duration",
    "ICalTime",
    "add_duration",
    "custom_zones",
    "duration_between",
    "format_ical_time",
    "format_local",
    "format_utc",
    "ical_date",
    "ical_datetime",
    "iana_name",
    "is_iana",
    "parse_duration",
    "parse_ical_time",
    "parse_local",
    "parse_utc",
    "prop_times",
    "to_zone",
    "zone_info",
]

#: JSCalendar time zone names that mean UTC (written with a "Z" in iCalendar).
UTC_ZONES = frozenset({"Etc/UTC", "UTC"})

_DATE_TIME = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z)?)?$")
_LOCAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$")
_UTC = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$")


@cache
def is_iana(tz: str | None) -> bool:
    """Whether ``tz`` names a zone of the IANA database known to this system."""
    if not tz or tz.startswith("/") or ".." in tz:
        return False
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


#: Windows zone names (Outlook, Exchange) -> IANA zone, CLDR's table as icalendar ships it.
WINDOWS_ZONES: Mapping[str, str] = MappingProxyType(dict(WINDOWS_TO_OLSON))


@cache
def iana_name(tz: str | None) -> str | None:
    """The IANA zone a TZID names: itself when it is one, the CLDR zone of a Windows name
    ("Central Standard Time" -> "America/Chicago"), the IANA name that ends a globally
    unique id ("/mozilla.org/20070129_1/Europe/Berlin"); None for any other id."""
    if not tz:
        return None
    if is_iana(tz):
        return tz
    name = WINDOWS_ZONES.get(tz.strip())
    if name is not None and is_iana(name):
        return name
    if tz.startswith("/"):
        parts = tz.strip("/").split("/")
        for i in range(1, len(parts)):
            suffix = "/".join(parts[i:])
            if "/" in suffix and is_iana(suffix):  # "Area/City", not a bare "Berlin"
                return suffix
    return None


@dataclass(frozen=True)
class ICalTime:
    """A parsed DATE or DATE-TIME value: wall time, and the zone it is in."""

    local: dt.datetime
    is_date: bool = False
    tzid: str | None = None  # TZID parameter, verbatim; None for floating or UTC
    utc: bool = False

    @property
    def zone(self) -> str | None:
        """The JSCalendar time zone name: "Etc/UTC", the TZID, or None when floating."""
        if self.utc:
            return "Etc/UTC"
        return None if self.is_date else self.tzid

    @property
    def local_str(self) -> str:
        """The value as a JSCalendar LocalDateTime."""
        return format_local(self.local)


def parse_ical_time(value: str, tzid: str | None = None) -> ICalTime:
    """Parse one DATE or DATE-TIME value."""
    m = _DATE_TIME.match(value.strip())
    if not m:
        raise JMAPConversionError(f"not a DATE or DATE-TIME: {value!r}")
    y, mo, d, h, mi, s, z = m.groups()
    try:
        local = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError as e:
        raise JMAPConversionError(f"invalid date {value!r}: {e}") from e
    return ICalTime(local, is_date=h is None, tzid=None if z else tzid, utc=bool(z))


def prop_times(prop: ICalProperty) -> list[ICalTime]:
    """Every DATE / DATE-TIME value of a (possibly multi-valued) property; periods give starts."""
    tzid = prop.param("TZID")
    return [parse_ical_time(part.split("/", 1)[0], tzid) for part in prop.value.split(",") if part]


#: The custom (non-IANA) zones of the conversion under way, by TZID: a VTIMEZONE of the
#: source or a ``timeZones`` entry, so that UNTIL, EXDATE, DUE, ... convert in them too.
_CUSTOM_ZONES: ContextVar[Mapping[str, dt.tzinfo]] = ContextVar(
    "custom_zones", default=MappingProxyType({})
)


@contextmanager
def custom_zones(zones: Mapping[str, dt.tzinfo]) -> Iterator[None]:
    """Make ``zones`` (TZID -> tzinfo) known to :func:`to_zone` for the enclosed conversion."""
    token = _CUSTOM_ZONES.set(zones)
    try:
        yield
    finally:
        _CUSTOM_ZONES.reset(token)


def zone_info(name: str | None) -> dt.tzinfo | None:
    """The tzinfo of a zone name: a custom zone of the conversion (the source's own
    definition wins), else the IANA zone it names (:func:`iana_name`), else None."""
    if not name:
        return None
    custom = _CUSTOM_ZONES.get().get(name)
    if custom is not None:
        return custom
    iana = iana_name(name)
    return zoneinfo.ZoneInfo(iana) if iana is not None else None


def to_zone(time: ICalTime, zone: str | None) -> dt.datetime:
    """The wall time of ``time`` in ``zone``; unchanged when either zone is not convertible."""
    source = time.zone
    if time.is_date or source == zone or zone is None or source is None:
        return time.local
    source_info, target_info = zone_info(source), zone_info(zone)
    if source_info is None or target_info is None:
        return time.local
    aware = time.local.replace(tzinfo=source_info)
    return aware.astimezone(target_info).replace(tzinfo=None)


def format_local(value: dt.datetime | dt.date) -> str:
    """A naive datetime (or a date, at midnight) as a LocalDateTime string; years before
    1000 zero-padded (``strftime("%Y")`` does not pad them)."""
    if not isinstance(value, dt.datetime):
        return f"{value.year:04d}-{value:%m-%d}T00:00:00"
    return f"{value.year:04d}-{value:%m-%dT%H:%M:%S}"


def ical_date(value: dt.date) -> str:
    """An iCalendar DATE value (four-digit year)."""
    return f"{value.year:04d}{value:%m%d}"


def ical_datetime(value: dt.datetime, utc: bool = False) -> str:
    """An iCalendar DATE-TIME value (four-digit year), with ``Z`` when ``utc``."""
    return f"{value.year:04d}{value:%m%dT%H%M%S}" + ("Z" if utc else "")


def format_utc(time: ICalTime) -> str:
    """A DATE-TIME as a UTCDateTime string (floating values are taken as UTC)."""
    if time.tzid and zone_info(time.tzid) is not None:
        return format_local(to_zone(time, "Etc/UTC")) + "Z"
    return format_local(time.local) + "Z"


def _parse(pattern: re.Pattern[str], kind: str, value: object, prop: str) -> dt.datetime:
    m = pattern.match(value) if isinstance(value, str) else None
    if not m:
        raise JMAPConversionError(f"not a {kind}: {value!r}", property=prop)
    try:
        year, month, day, hour, minute, second = (int(g) for g in m.groups())
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError as e:
        raise JMAPConversionError(f"invalid date {value!r}", property=prop) from e


def parse_local(value: object, prop: str) -> dt.datetime:
    """Parse a LocalDateTime, raising JMAPConversionError naming ``prop`` when invalid."""
    return _parse(_LOCAL, "LocalDateTime", value, prop)


def parse_utc(value: object, prop: str) -> dt.datetime:
    """Parse a UTCDateTime (fractions of seconds are dropped)."""
    return _parse(_UTC, "UTCDateTime", value, prop)


def format_ical_time(
    value: dt.datetime, zone: str | None, is_date: bool = False
) -> tuple[str, dict[str, str]]:
    """An iCalendar value and its parameters (VALUE=DATE or TZID) for a wall time in ``zone``."""
    if is_date:
        return ical_date(value), {"VALUE": "DATE"}
    text = ical_datetime(value)
    if zone in UTC_ZONES:
        return text + "Z", {}
    return text, ({"TZID": zone} if zone else {})


_DURATION = re.compile(
    r"^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


@dataclass(frozen=True)
class Duration:
    """A signed duration: nominal days (weeks folded in) and exact seconds."""

    negative: bool
    days: int
    seconds: Decimal
    weeks_only: bool = False  # "P2W" stays "P2W"

    def timedelta(self) -> dt.timedelta:
        """The duration as a timedelta (days taken as 24 hours)."""
        delta = dt.timedelta(days=self.days, seconds=float(self.seconds))
        return -delta if self.negative else delta

    def jscal(self) -> str:
        """The JSCalendar form, e.g. "PT1H30M", "P1D", "-PT15M", "PT0.5S"."""
        return self._format(fractions=True)

    def ical(self) -> str:
        """The iCalendar form (whole seconds: iCalendar has no fractions)."""
        return self._format(fractions=False)

    def _format(self, fractions: bool) -> str:
        sign = "-" if self.negative else ""
        if self.weeks_only:
            return f"{sign}P{self.days // 7}W"
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        if not fractions:
            seconds = Decimal(int(seconds))
        time = "".join(
            f"{_num(n)}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n
        )
        days = f"{self.days}D" if self.days else ""
        if not days and not time:
            return "PT0S"
        return f"{sign}P{days}" + (f"T{time}" if time else "")


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value != value.to_integral() else str(int(value))
    return text


def parse_duration(value: object, prop: str | None = None) -> Duration:
    """Parse an iCalendar or JSCalendar duration string."""
    text = value.strip() if isinstance(value, str) else None
    m = _DURATION.match(text) if text is not None else None
    if not m or text is None or text.endswith(("P", "T")):
        raise JMAPConversionError(f"not a duration: {value!r}", property=prop)
    sign, w, d, h, mi, s = m.groups()
    days = int(w or 0) * 7 + int(d or 0)
    seconds = int(h or 0) * 3600 + int(mi or 0) * 60 + Decimal(s or 0)
    if days + seconds / 86400 > 3_650_000:  # ten thousand years: no calendar's duration
        raise JMAPConversionError(f"duration out of range: {value!r}", property=prop)
    weeks_only = bool(w) and not (d or h or mi or s)
    return Duration(sign == "-", days, Decimal(seconds), weeks_only)


def duration_between(start: dt.datetime, end: dt.datetime) -> Duration:
    """The duration from ``start`` to ``end`` (whole days kept nominal); never negative."""
    if end <= start:
        return Duration(False, 0, Decimal(0))
    delta = end - start
    return Duration(False, delta.days, Decimal(delta.seconds))


def add_duration(start: dt.datetime, duration: Duration) -> dt.datetime:
    """``start`` plus ``duration`` on the wall clock."""
    return start + duration.timedelta()
