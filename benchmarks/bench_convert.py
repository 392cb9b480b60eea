"""Throughput of the iCalendar <-> JSCalendar converter, compared with icalendar alone.

Runs over the real-world calendars of the installed icalendar package and the calcard
corpus (/work/shared/vectors/calcard/ical): objects per second ical -> jscal and
jscal -> ical, and the ratio of a full round trip (ical -> jscal -> ical) to parsing and
serialising the same data with icalendar (``Calendar.from_ical`` + ``to_ical``).

    python benchmarks/bench_convert.py [--repeat N] [--profile]
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


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
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


if __name__ == "__main__":
    main()
