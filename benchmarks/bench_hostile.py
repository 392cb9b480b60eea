"""What the hostile-server defences cost, measured against references in the same run.

- one HTTP exchange through the sync transport (URL gate, per-request auth, worker-thread
  deadline, own decompression) vs the same GET with a plain niquests session, against a
  local server on 127.0.0.1;
- the EventSource parser on 8 MB without a line end (linear: about the time of one scan).

Run from the repository root:

    python benchmarks/bench_hostile.py --requests 300
"""

from __future__ import annotations

import argparse
import time

import niquests

from caldav.jmap._protocol.eventsource import EventSourceParser
from caldav.jmap._protocol.http import HTTPRequest
from caldav.jmap._transport import SyncTransport
from tests.hostile.server import HostileServer, Reply


def exchanges(count: int) -> None:
    with HostileServer() as server:
        server.default = Reply.json({"ok": True})
        url = server.url + "/x"
        with SyncTransport(origin=server.url) as transport, niquests.Session() as plain:
            start = time.perf_counter()
            for _ in range(count):
                transport.send(HTTPRequest("GET", url))
            ours = (time.perf_counter() - start) / count
            start = time.perf_counter()
            for _ in range(count):
                _ = plain.get(url).content
            reference = (time.perf_counter() - start) / count
    print(
        f"HTTP exchange: transport {ours * 1e3:.2f} ms, plain niquests {reference * 1e3:.2f} ms"
        f" (ratio {ours / reference:.2f})"
    )


def eventsource(megabytes: int) -> None:
    parser = EventSourceParser(max_line_chars=megabytes * 2**20 + 1)
    chunk = b"x" * 65536
    start = time.process_time()
    for _ in range(megabytes * 16):
        parser.feed(chunk)
    parsed = time.process_time() - start
    start = time.process_time()
    for _ in range(megabytes * 16):
        chunk.decode().find("\n")  # the reference: decode and scan each chunk once
    scanned = time.process_time() - start
    print(
        f"EventSource, {megabytes} MB without a line end: {parsed:.3f} s CPU "
        f"(one decode+scan: {scanned:.3f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--megabytes", type=int, default=8)
    args = parser.parse_args()
    exchanges(args.requests)
    eventsource(args.megabytes)


if __name__ == "__main__":
    main()
