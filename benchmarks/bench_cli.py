"""The caldav-jmap command line at scale, against the project's Cyrus.

Prints the HTTP requests (counted on the ``caldav.jmap.http`` log the CLI's --debug
reads), client CPU seconds (this process: the CLI runs in-process, the server in its own)
and wall seconds of:

- ``import`` of N events (one .ics file), beside the library's ``create_events`` of the
  same N events as the reference (the CLI's own cost is the ratio);
- ``sync`` of the N-event calendar into an empty vdir (the first sync);
- a two-way ``sync`` after 10 events changed on the server and 10 files changed locally;
- the memory of such a sync (another 10 changes on each side): its tracemalloc peak as a
  ratio against two references measured in the same run: the size of the vdir on disk
  (its .ics files and status), and the peak of what the sync did before it kept its
  status in SQLite and compared stamps (the whole JSON status loaded, every file read,
  hashed and kept).  Besides, the peak RSS of each of the two in a process of its own,
  less that of a process that only imports the command line (SQLite's page cache is
  outside tracemalloc's view).

Run after ``tests/cyrus/cyrus.sh start`` (the ``cli`` extra installed):

    python benchmarks/bench_cli.py --count 10000 --url http://127.0.0.1:18080/.well-known/jmap
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from caldav.jmap import JMAPClient
from caldav.jmap.cli import main
from caldav.jmap.cli.status import STATUS_NAME, Status
from caldav.jmap.cli.vdir import content_hash


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


def peak(call: Callable[[], object]) -> int:
    """The tracemalloc peak (bytes) of ``call``, above what was allocated before it."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        call()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def child_rss(code: str) -> int:
    """The peak RSS (bytes) of a Python process running ``code``: its VmHWM, which (unlike
    ru_maxrss) does not count the memory of the process it was forked from."""
    report = "; print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    done = subprocess.run(
        [sys.executable, "-c", code + report], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-2]) * 1024  # "VmHWM:  1234 kB"


def legacy_status(vdir: Path, target: Path) -> None:
    """The vdir's status in the JSON format the sync kept before (the same entries)."""
    calendar_id = Status.calendar_of(vdir)
    assert calendar_id is not None
    status = Status.open(vdir, calendar_id, persist=False)
    try:
        items = {}
        for entry in status.entries():
            row = asdict(entry)
            del row["uid"], row["stamp"]
            items[entry.uid] = row
        data = {"version": 1, "calendar_id": calendar_id, "token": status.token, "items": items}
    finally:
        status.close()
    target.write_text(json.dumps(data, indent=1))


def old_load_and_scan(vdir: Path, legacy: Path) -> object:
    """What every sync did before: load the whole status, read and hash each file,
    keeping the texts until the plan was applied."""
    status = json.loads(legacy.read_text(encoding="utf-8"))
    files = {}
    for path in sorted(vdir.glob("*.ics")):
        text = path.read_text(encoding="utf-8")
        files[path.name] = (content_hash(text), text)
    return status, files


def edit_both_sides(client: JMAPClient, cal: str, vdir: Path, mark: str) -> None:
    """10 events edited on the server, 10 other files edited locally."""
    events = client.search_event_objects(calendar_id=cal, limit=10)
    client.update_events(
        {e.id: e.data.replace("SUMMARY:", f"SUMMARY:{mark} remote ") for e in events}
    )
    for path in sorted(vdir.glob("*.ics"))[-10:]:
        path.write_text(path.read_text().replace("SUMMARY:", f"SUMMARY:{mark} local "))


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
            edit_both_sides(client, cal, vdir, "first")
            measure(
                "caldav-jmap sync (10 changes on each side)",
                counter,
                lambda: cli(base, "sync", str(vdir), "--calendar", cal),
                count,
            )
            memory(client, cal, vdir, base, Path(tmp) / "legacy-status.json")
    finally:
        log.removeHandler(counter)
        client.delete_calendar(cal, remove_events=True)
        client.delete_calendar(ref, remove_events=True)
        client.close()


def memory(client: JMAPClient, cal: str, vdir: Path, base: list[str], legacy: Path) -> None:
    """The memory figures (see the module)."""
    on_disk = (
        sum(p.stat().st_size for p in vdir.glob("*.ics")) + (vdir / STATUS_NAME).stat().st_size
    )
    legacy_status(vdir, legacy)
    old = peak(lambda: old_load_and_scan(vdir, legacy))
    edit_both_sides(client, cal, vdir, "second")
    new = peak(lambda: cli(base, "sync", str(vdir), "--calendar", cal))
    here = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_cli; "
        "from pathlib import Path as P"
    )
    rss_base = child_rss(f"{here}")
    rss_old = child_rss(
        f"{here}; bench_cli.old_load_and_scan(P({str(vdir)!r}), P({str(legacy)!r}))"
    )
    edit_both_sides(client, cal, vdir, "third")
    rss_new = child_rss(f"{here}; bench_cli.cli({base!r}, 'sync', {str(vdir)!r}, '-c', {cal!r})")
    mib = 1024 * 1024
    print(f"{'vdir on disk (.ics files and status)':<44} {on_disk / mib:8.2f} MiB")
    print(f"{'reference: old load + scan, tracemalloc peak':<44} {old / mib:8.2f} MiB")
    print(f"{'caldav-jmap sync (10 + 10), tracemalloc peak':<44} {new / mib:8.2f} MiB")
    print(f"{'':<44} sync peak / vdir on disk: {new / on_disk:.3f}")
    print(f"{'':<44} sync peak / old load + scan: {new / old:.3f}")
    print(f"{'peak RSS of a process importing the CLI':<44} {rss_base / mib:8.2f} MiB")
    print(
        f"{'reference: old load + scan, RSS above that':<44} {(rss_old - rss_base) / mib:8.2f} MiB"
    )
    print(
        f"{'caldav-jmap sync (10 + 10), RSS above that':<44} {(rss_new - rss_base) / mib:8.2f} MiB"
    )
    if rss_old > rss_base:  # below some size the reference stays within the import's peak
        ratio = (rss_new - rss_base) / (rss_old - rss_base)
        print(f"{'':<44} RSS above the import: sync / old load + scan: {ratio:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:18080/.well-known/jmap")
    parser.add_argument("--username", default="user1")
    parser.add_argument("--password", default="password")
    parser.add_argument("--count", type=int, default=10000)
    args = parser.parse_args()
    run(args.url, args.username, args.password, args.count)
