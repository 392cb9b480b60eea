"""The whole-exchange deadline of the blocking transport: one exchange on a worker thread.

A read timeout bounds each read, not the exchange: a server that drips one byte a second
never lets a read time out.  :class:`Pump` runs the blocking exchange on a short-lived
worker thread and hands its parts (the head, then the body's pieces) over through a small
queue; the caller waits for each part at most until the deadline, then gives up and
closes the response, which ends the worker's read.  (The async transport needs none of
this: it wraps each step in ``asyncio.wait_for``.)
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["END", "Pump", "end_of"]

#: What :meth:`Pump.get` returns once the exchange is complete.
END = object()


def end_of(deadline: float | None) -> float | None:
    """The monotonic time ``deadline`` seconds from now (None: no end)."""
    return None if deadline is None else time.monotonic() + deadline


class Pump:
    """One blocking exchange on a worker thread, its parts handed over through a small
    queue: the caller waits for each part at most until the deadline, which a read timeout
    alone cannot give (a server dripping one byte a second never lets a read time out).
    On giving up, :meth:`stop` closes the response, which ends the worker's read."""

    def __init__(self, produce: Callable[[Pump], None]) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=8)
        self._stopped = threading.Event()
        self._closers: list[Callable[[], None]] = []
        self._thread = threading.Thread(target=self._work, args=(produce,), daemon=True)
        self._thread.start()

    def put(self, item: Any) -> bool:
        """Hand ``item`` over; False once the caller gave up."""
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def on_stop(self, close: Callable[[], None]) -> None:
        """Run ``close`` when the caller gives up (at once, if it already has)."""
        self._closers.append(close)
        if self._stopped.is_set():
            self.stop()

    def _work(self, produce: Callable[[Pump], None]) -> None:
        try:
            produce(self)
            self.put(END)
        except BaseException as error:  # handed to the caller, raised there
            self.put(error)

    def get(self, end: float | None) -> Any:
        """The next part; ``END`` at the end; raises what the worker raised, or
        TimeoutError at ``end`` (a monotonic time)."""
        try:
            wait = None if end is None else max(0.0, end - time.monotonic())
            item = self._queue.get(timeout=wait)
        except queue.Empty:
            raise TimeoutError from None
        if isinstance(item, BaseException):
            raise item
        return item

    def stop(self) -> None:
        """Give up: the worker stops handing parts over, and its response is closed."""
        self._stopped.set()
        while self._closers:
            try:
                self._closers.pop()()
            except Exception:  # a response closed twice or mid-read: gone either way
                pass
