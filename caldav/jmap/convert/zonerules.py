"""Compact VTIMEZONEs for IANA zones: the zone's current rule as RRULEs, valid for every
year after it took effect (icalendar's generator lists each transition as an RDATE and
stops at 2038, so an event in 2045 got a wrong offset in readers that trust the VTIMEZONE).

The current rule is the POSIX TZ string at the end of the zone's TZif file (RFC 8536
section 3.3), e.g. ``CET-1CEST,M3.5.0,M10.5.0/3``. The year it took effect is found by
checking zoneinfo's offsets year by year; history before it comes from icalendar's
generator, limited to the years before.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PosixRule", "current_rule", "rule_observances"]

_OFFSET = r"([+-]?\d{1,2}(?::\d{2}){0,2})"
_NAME = r"(<[^>]+>|[A-Za-z]{3,})"
_RULE = r"M(\d{1,2})\.(\d)\.(\d)(?:/([+-]?\d{1,3}(?::\d{2}){0,2}))?"
_POSIX = re.compile(rf"^{_NAME}{_OFFSET}(?:{_NAME}(?:{_OFFSET})?,{_RULE},{_RULE})?$")
_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")


def _seconds(text: str | None, default: int) -> int:
    if text is None:
        return default
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


@dataclass(frozen=True)
class Transition:
    """One yearly change: month, week (1-4, 5 = last), weekday (0 = Sunday), local time of
    day in seconds (in the offset in force before it)."""

    month: int
    week: int
    weekday: int
    time: int

    def day(self, year: int) -> dt.date:
        """The date of the change in ``year``."""
        first = dt.date(year, self.month, 1)
        shift = (self.weekday - (first.isoweekday() % 7)) % 7
        day = first + dt.timedelta(days=shift + 7 * (self.week - 1))
        while day.month != self.month:  # week 5: the last such weekday
            day -= dt.timedelta(days=7)
        return day

    def local(self, year: int) -> dt.datetime:
        """The wall time of the change in ``year`` (before it happens)."""
        return dt.datetime.combine(self.day(year), dt.time()) + dt.timedelta(seconds=self.time)

    def rrule(self) -> str:
        """The RRULE of this change."""
        week = -1 if self.week == 5 else self.week
        return f"FREQ=YEARLY;BYMONTH={self.month};BYDAY={week}{_DAYS[self.weekday]}"


@dataclass(frozen=True)
class PosixRule:
    """A zone's current rule: standard name and offset (seconds east of UTC), and with
    daylight saving its name, offset and the two yearly changes."""

    std_name: str
    std_offset: int
    dst_name: str | None = None
    dst_offset: int | None = None
    dst_start: Transition | None = None
    dst_end: Transition | None = None


def parse_posix(text: str) -> PosixRule | None:
    """A POSIX TZ string of the M-form (every zone of the IANA data but a few)."""
    m = _POSIX.match(text.strip())
    if m is None:
        return None
    std, off, dst, dst_off, m1, w1, d1, t1, m2, w2, d2, t2 = m.groups()
    std_offset = -_seconds(off, 0)  # POSIX offsets are west of UTC
    if dst is None:
        return PosixRule(std.strip("<>"), std_offset)
    dst_offset = -_seconds(dst_off, -std_offset - 3600) if dst_off else std_offset + 3600
    start = Transition(int(m1), int(w1), int(d1), _seconds(t1, 7200))
    end = Transition(int(m2), int(w2), int(d2), _seconds(t2, 7200))
    return PosixRule(std.strip("<>"), std_offset, dst.strip("<>"), dst_offset, start, end)


def _footer(tzid: str) -> str | None:
    for base in zoneinfo.TZPATH:
        path = Path(base) / tzid
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if data.startswith(b"TZif") and data.endswith(b"\n"):
            return data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii", "replace")
    return None


def _offset_at(zone: zoneinfo.ZoneInfo, utc: dt.datetime) -> int:
    offset = utc.replace(tzinfo=dt.timezone.utc).astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _holds(rule: PosixRule, zone: zoneinfo.ZoneInfo, year: int) -> bool:
    """Whether the zone's offsets in ``year`` are the rule's."""
    if rule.dst_start is None or rule.dst_end is None or rule.dst_offset is None:
        return all(
            _offset_at(zone, dt.datetime(year, month, 15)) == rule.std_offset
            for month in (1, 4, 7, 10)
        )
    second = dt.timedelta(seconds=1)
    changes = (
        (rule.dst_start.local(year), rule.std_offset, rule.dst_offset),
        (rule.dst_end.local(year), rule.dst_offset, rule.std_offset),
    )
    for local, before, after in changes:
        utc = local - dt.timedelta(seconds=before)
        if _offset_at(zone, utc - second) != before or _offset_at(zone, utc + second) != after:
            return False
    return True


@functools.lru_cache(maxsize=256)
def current_rule(tzid: str) -> tuple[PosixRule, int] | None:
    """The zone's current rule and the first year it holds in (from this year back), or
    None when the zone's data has no usable rule."""
    text = _footer(tzid)
    rule = parse_posix(text) if text else None
    if rule is None:
        return None
    zone = zoneinfo.ZoneInfo(tzid)
    year = dt.date.today().year + 1
    if not _holds(rule, zone, year):
        return None
    while year > 1900 and _holds(rule, zone, year - 1):
        year -= 1
    return rule, year


def _offset_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def rule_observances(rule: PosixRule, year: int) -> list[list[tuple[str, str]]]:
    """The STANDARD / DAYLIGHT observances of ``rule`` from ``year`` on, each as its
    content lines (name, value), BEGIN and END included."""
    std = _offset_text(rule.std_offset)
    if rule.dst_start is None or rule.dst_end is None or rule.dst_offset is None:
        return [
            [
                ("BEGIN", "STANDARD"),
                ("DTSTART", f"{year:04d}0101T000000"),
                ("TZNAME", rule.std_name),
                ("TZOFFSETFROM", std),
                ("TZOFFSETTO", std),
                ("END", "STANDARD"),
            ]
        ]
    dst = _offset_text(rule.dst_offset)
    found = []
    for name, change, tzname, before, after in (
        ("DAYLIGHT", rule.dst_start, rule.dst_name or "", std, dst),
        ("STANDARD", rule.dst_end, rule.std_name, dst, std),
    ):
        start = change.local(year)
        found.append(
            [
                ("BEGIN", name),
                ("DTSTART", f"{start.year:04d}{start:%m%dT%H%M%S}"),
                ("RRULE", change.rrule()),
                ("TZNAME", tzname),
                ("TZOFFSETFROM", before),
                ("TZOFFSETTO", after),
                ("END", name),
            ]
        )
    return found
