"""The caldav-jmap command line at scale, against the project's Cyrus.

Prints the HTTP requests (counted on the ``caldav.jmap.http`` log the CLI's --debug
reads), client CPU seconds (this process: the CLI runs in-process, the server in its own)
and wall seconds of:

- ``import`` of N events (one .ics file), beside the library's ``create_events`` of the
  same N events as the reference (the CLI's own cost is the ratio);
- ``sync`` of the N-event calendar into an empty vdir (the first sync);
- a two-way ``sync`` after 10 events changed on the server and 10 files changed locally.

Run after ``tests/cyrus/cyrus.sh start`` (the ``cli`` extra installed):

    python benchmarks/bench_cli.py --count 10000 --url http://127.0.0.1:18080/.well-known/jmap
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
import uuid
from pathlib import Path

from caldav.jmap import JMAPClient
from caldav.jmap.cli import main


class Counter(logging.Handler):
    """Counts the HTTP exchanges the transport logs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def ics(uid: str, n: int) -> str:
    day = 1 + n % 28
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;TZID=Europe/Berlin:202703{day:02d}T{8 + n % 10:02d}0000\r\n"
        f"DURATION:PT1H\r\nSUMMARY:Benchmark event {n}\r\nEND:VEVENT\r\n"
    )


def calendar_file(tag: str, count: int) -> str:
    body = "".join(ics(f"{tag}-{n}", n) for n in range(count))
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n{body}END:VCALENDAR\r\n"


def measure(label: str, counter: Counter, call, count: int) -> tuple[int, float]:
    counter.count = 0
    cpu, wall = time.process_time(), time.perf_counter()
    call()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"{label:<44} {counter.count:>5} requests  {cpu:7.2f} s CPU "
        f"({cpu / max(count, 1) * 1000:.3f} ms/event)  {wall:7.2f} s wall"
    )
    return counter.count, cpu


def cli(base: list[str], *args: str) -> None:
    try:
        main([*base, *args], standalone_mode=False)
    except SystemExit as done:
        if done.code:
            raise


def run(url: str, user: str, password: str, count: int) -> None:
    counter = Counter()
    log = logging.getLogger("caldav.jmap.http")
    log.addHandler(counter)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    client = JMAPClient(url, user, password)
    tag = uuid.uuid4().hex[:8]
    cal = client.create_calendar(f"bench-cli {tag}")
    ref = client.create_calendar(f"bench-ref {tag}")
    base = ["--url", url, "--username", user, "--password", password]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "bench.ics"
            source.write_text(calendar_file(tag, count))
            print(f"{count} events")
            _, ref_cpu = measure(
                "reference: library create_events",
                counter,
                lambda: client.create_events(
                    ref,
                    [
                        calendar_file(f"r{tag}", 1).replace(f"r{tag}-0", f"r{tag}-{n}")
                        for n in range(count)
                    ],
                ),
                count,
            )
            _, cli_cpu = measure(
                "caldav-jmap import",
                counter,
                lambda: cli(base, "import", str(source), "--calendar", cal),
                count,
            )
            print(f"{'':<44} CLI / library CPU: {cli_cpu / ref_cpu:.2f}")
            vdir = Path(tmp) / "vdir"
            measure(
                "caldav-jmap sync (first, into an empty vdir)",
                counter,
                lambda: cli(base, "sync", str(vdir), "--calendar", cal),
                count,
            )
            events = client.search_event_objects(calendar_id=cal, limit=10)
            client.update_events(
                {e.id: e.data.replace("SUMMARY:", "SUMMARY:remote edit ") for e in events}
            )
            files = sorted(vdir.glob("*.ics"))[-10:]
            for path in files:
                path.write_text(path.read_text().replace("SUMMARY:", "SUMMARY:local edit "))
            measure(
                "caldav-jmap sync (10 changes on each side)",
                counter,
                lambda: cli(base, "sync", str(vdir), "--calendar", cal),
                count,
            )
    finally:
        log.removeHandler(counter)
        client.delete_calendar(cal, remove_events=True)
        client.delete_calendar(ref, remove_events=True)
        client.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:18080/.well-known/jmap")
    parser.add_argument("--username", default="user1")
    parser.add_argument("--password", default="password")
    parser.add_argument("--count", type=int, default=10000)
    args = parser.parse_args()
    run(args.url, args.username, args.password, args.count)
