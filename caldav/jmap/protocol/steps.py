"""What an operation yields: the instructions the sans-IO core gives a transport.

An operation is a generator of type ``Steps[T]``.  It yields an
:class:`~caldav.jmap.protocol.http.HTTPRequest` (the transport sends it and sends the
:class:`~caldav.jmap.protocol.http.HTTPResponse` back in) or a :class:`Pause` (the
transport waits, then sends ``None`` back in), and finally returns its result ``T``.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TypeVar

from caldav.jmap.protocol.http import HTTPRequest, HTTPResponse

__all__ = ["Pause", "Steps", "advance"]

T = TypeVar("T")


@dataclass(frozen=True)
class Pause:
    """An instruction to the transport: wait ``seconds`` before going on."""

    seconds: float


Steps = Generator[HTTPRequest | Pause, HTTPResponse | None, T]


def advance(
    operation: Steps[T], value: HTTPResponse | None = None, error: BaseException | None = None
) -> tuple[bool, HTTPRequest | Pause | T]:
    """Resume ``operation`` with ``value`` (or throw ``error`` into it).

    Returns ``(False, next step)`` while it runs and ``(True, result)`` when it has
    finished, so a driver never mistakes an exception of its own for the end.
    """
    try:
        step = operation.throw(error) if error is not None else operation.send(value)
    except StopIteration as stop:
        return True, stop.value
    return False, step
