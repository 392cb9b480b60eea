"""Throughput of the iCalendar <-> JSCalendar converter, compared with icalendar alone.

Runs over the real-world calendars of the installed icalendar package and the calcard
corpus (/work/shared/vectors/calcard/ical): objects per second ical -> jscal and
jscal -> ical, and the ratio of a full round trip (ical -> jscal -> ical) to parsing and
serialising the same data with icalendar (``Calendar.from_ical`` + ``to_ical``).

It also times one event with 10,000 ATTENDEEs both ways against icalendar parsing and
serialising the same text (a quadratic participant lookup once took 40 s there).

    python benchmarks/bench_convert.py [--repeat N] [--profile] [--attendees N]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

import icalendar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from caldav.jmap.convert import ical_to_jscal_all, jscal_to_ical
from caldav.jmap.error import JMAPConversionError

CORPORA = [
    Path(os.path.dirname(icalendar.__file__)) / "tests",
    Path(__file__).resolve().parents[2] / "shared" / "vectors" / "calcard" / "ical",
]


def load() -> list[str]:
    """The calendars both the converter and icalendar accept."""
    texts = []
    for corpus in CORPORA:
        for path in sorted(corpus.rglob("*.ics")):
            text = path.read_text(encoding="utf-8", errors="replace")
            try:
                jscal_to_ical(ical_to_jscal_all(text))
                icalendar.Calendar.from_ical(text).to_ical()
            except (JMAPConversionError, ValueError, Exception):  # noqa: BLE001 - skipped
                continue
            texts.append(text)
    return texts


def best_of(repeat: int, call) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def many_attendees(count: int) -> str:
    """One event with ``count`` attendees and an organizer among them."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", "BEGIN:VEVENT"]
    lines += ["UID:many@example.com", "DTSTAMP:20260101T000000Z", "DTSTART:20260105T100000Z"]
    lines.append("ORGANIZER;CN=Org:mailto:p0@example.com")
    lines += [f"ATTENDEE;CN=Person {i}:mailto:p{i}@example.com" for i in range(count)]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


def bench_attendees(count: int, repeat: int) -> None:
    """Print the time for one event with ``count`` attendees, both ways."""
    text = many_attendees(count)
    obj = ical_to_jscal_all(text)
    t_js = best_of(repeat, lambda: ical_to_jscal_all(text))
    t_ical = best_of(repeat, lambda: jscal_to_ical(obj))
    t_ref = best_of(repeat, lambda: icalendar.Calendar.from_ical(text).to_ical())
    print(
        f"{count} attendees: ical -> jscal {t_js * 1000:.1f} ms, jscal -> ical "
        f"{t_ical * 1000:.1f} ms, icalendar {t_ref * 1000:.1f} ms; "
        f"round trip / icalendar: {(t_js + t_ical) / t_ref:.2f}x"
    )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--attendees", type=int, default=10_000)
    args = parser.parse_args()
    texts = load()
    converted = [ical_to_jscal_all(t) for t in texts]
    objects = sum(len(c) for c in converted)

    def to_jscal() -> None:
        for text in texts:
            ical_to_jscal_all(text)

    def to_ical() -> None:
        for objs in converted:
            jscal_to_ical(objs)

    def icalendar_only() -> None:
        for text in texts:
            icalendar.Calendar.from_ical(text).to_ical()

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: (to_jscal(), to_ical()))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        return
    t_js = best_of(args.repeat, to_jscal)
    t_ical = best_of(args.repeat, to_ical)
    t_ref = best_of(args.repeat, icalendar_only)
    print(f"calendars: {len(texts)}, objects: {objects}")
    print(f"ical -> jscal: {objects / t_js:8.0f} objects/s ({t_js * 1000:.1f} ms)")
    print(f"jscal -> ical: {objects / t_ical:8.0f} objects/s ({t_ical * 1000:.1f} ms)")
    print(f"icalendar parse + serialise: {objects / t_ref:8.0f} objects/s ({t_ref * 1000:.1f} ms)")
    print(f"round trip / icalendar: {(t_js + t_ical) / t_ref:.2f}x")
    bench_attendees(args.attendees, args.repeat)


if __name__ == "__main__":
    main()
