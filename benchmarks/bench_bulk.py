"""Bulk operations against the project's Cyrus, side by side with one call at a time.

Prints, for each operation, the HTTP requests, bytes sent + received, seconds and, where
/proc shows the local Cyrus's processes, the CPU seconds the server spent on it:

- import of N events: ``create_events`` (chunked /set) vs ``create_event`` per event;
- full sync of M events: ``get_objects_by_sync_token`` from the empty state;
- uid lookup in an M-event calendar: ``get_object_by_uid``;
- and, where calendaring-jmap is installed, the same import with it for reference.

Run after ``tests/cyrus/cyrus.sh start``:

    python benchmarks/bench_bulk.py --import-count 1000 --sync-count 5000
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from dataclasses import dataclass

from caldav.jmap import JMAPClient

URL = "http://127.0.0.1:18080/.well-known/jmap"


@dataclass
class Meter:
    requests: int = 0
    sent: int = 0
    received: int = 0


#: What the client moved since the last :func:`metered` (its ``http_send`` hook counts).
METER = Meter()


def counting(request, network):
    """The client's ``http_send``: hands each exchange on to the network and counts it
    (the body bytes as on the wire: Cyrus sends them uncompressed)."""
    METER.requests += 1
    METER.sent += len(request.body or b"")
    for part in network(request):
        if isinstance(part, bytes):
            METER.received += len(part)
        yield part


def metered(client: JMAPClient) -> Meter:
    """A fresh count of what the client moves from now on."""
    global METER
    METER = Meter()
    return METER


def ics(uid: str, n: int) -> str:
    day = 1 + n % 28
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;TZID=Europe/Berlin:202703{day:02d}T{8 + n % 10:02d}0000\r\n"
        "DURATION:PT1H\r\n"
        f"SUMMARY:Benchmark event {n}\r\nDESCRIPTION:Event number {n} of the benchmark\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


#: Process names of the local Cyrus (its JMAP requests run in httpd processes).
CYRUS_PROCESSES = frozenset({"httpd", "master", "squatter"})


def server_cpu() -> float | None:
    """CPU seconds the local Cyrus's processes have used (children included), from /proc;
    None where /proc is not readable. Shows how much of a wall-clock second is the
    server's own work, which no client can save."""
    total = 0
    try:
        stats = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return None
    for pid in stats:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                data = handle.read()
        except OSError:
            continue
        name = data[data.index("(") + 1 : data.rindex(")")]
        if name in CYRUS_PROCESSES:
            fields = data[data.rindex(")") + 2 :].split()
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def report(name: str, meter: Meter, seconds: float, count: int, cpu: float | None) -> None:
    print(
        f"{name:<44} {meter.requests:>7} req {meter.sent + meter.received:>12,} B "
        f"{seconds:>8.2f} s {count / seconds if seconds else 0:>9.1f} obj/s"
        + (f" {cpu:>8.2f} s" if cpu is not None else "")
    )


def timed(client: JMAPClient, work):
    meter = metered(client)
    cpu_before = server_cpu()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    cpu_after = server_cpu()
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return result, meter, seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=URL)
    parser.add_argument("--username", default="user3")
    parser.add_argument("--password", default="password")
    parser.add_argument("--import-count", type=int, default=1000)
    parser.add_argument(
        "--single-count",
        type=int,
        default=200,
        help="events created one call at a time (rate is extrapolated)",
    )
    parser.add_argument("--sync-count", type=int, default=5000)
    args = parser.parse_args()

    with JMAPClient(args.url, args.username, args.password, http_send=counting) as client:
        bulk_cal = client.create_calendar(f"bench-bulk-{uuid.uuid4().hex[:6]}")
        single_cal = client.create_calendar(f"bench-single-{uuid.uuid4().hex[:6]}")
        events = [ics(f"{uuid.uuid4()}@bench", n) for n in range(args.import_count)]
        print(
            f"{'operation':<44} {'HTTP':>11} {'bytes':>14} {'time':>10} {'rate':>13} "
            f"{'server CPU':>10}"
        )

        _, m, bulk_s, bulk_cpu = timed(client, lambda: client.create_events(bulk_cal, events))
        report(
            f"bulk import of {args.import_count} (create_events)",
            m,
            bulk_s,
            args.import_count,
            bulk_cpu,
        )

        singles = [ics(f"{uuid.uuid4()}@bench", n) for n in range(args.single_count)]
        _, m, single_s, single_cpu = timed(
            client, lambda: [client.create_event(single_cal, e) for e in singles]
        )
        report(
            f"import of {len(singles)} one call each (create_event)",
            m,
            single_s,
            len(singles),
            single_cpu,
        )
        per_event_single = single_s / len(singles)
        per_event_bulk = bulk_s / args.import_count
        print(f"  bulk import speed-up: {per_event_single / per_event_bulk:.1f}x per event")
        if bulk_cpu and single_cpu is not None:
            # what the server spends on storing one event bounds any client's bulk import
            bulk_ms = 1000 * bulk_cpu / args.import_count
            single_ms = 1000 * single_cpu / len(singles)
            print(
                f"  server CPU per event: {bulk_ms:.1f} ms in bulk, {single_ms:.1f} ms one call "
                f"each; with no wait at all bulk could be at most "
                f"{per_event_single * 1000 / bulk_ms:.1f}x faster here"
            )

        # Full sync and uid lookup in a calendar of sync-count events
        sync_cal = client.create_calendar(f"bench-sync-{uuid.uuid4().hex[:6]}")
        uids = [f"{uuid.uuid4()}@bench" for _ in range(args.sync_count)]
        token = client.get_sync_token()
        client.create_events(sync_cal, [ics(u, n) for n, u in enumerate(uids)])
        (added, _, _), m, s, cpu = timed(client, lambda: client.get_objects_by_sync_token(token))
        report(f"full sync of {len(added)} (get_objects_by_sync_token)", m, s, len(added), cpu)
        _, m, s, cpu = timed(client, lambda: client.get_object_by_uid(uids[len(uids) // 2]))
        report(f"uid lookup among {args.sync_count} (get_object_by_uid)", m, s, 1, cpu)

        try:
            import calendaring_jmap
        except ImportError:
            print("calendaring-jmap is not installed: no reference figures")
        else:
            peer = calendaring_jmap.JMAPClient(args.url, args.username, args.password)
            peer_events = [ics(f"{uuid.uuid4()}@bench", n) for n in range(args.single_count)]
            start = time.perf_counter()
            for event in peer_events:
                peer.create_event(single_cal, event)
            peer_s = time.perf_counter() - start
            print(
                f"{f'calendaring-jmap: import of {len(peer_events)} one call each':<44} "
                f"{'':>7}     {'':>12}   {peer_s:>8.2f} s "
                f"{len(peer_events) / peer_s:>9.1f} obj/s"
            )
            print(
                f"  bulk import vs calendaring-jmap: "
                f"{(peer_s / len(peer_events)) / per_event_bulk:.1f}x per event"
            )
        for cal in (bulk_cal, single_cal, sync_cal):
            client.delete_calendar(cal, remove_events=True)


if __name__ == "__main__":
    main()
