"""What an operation yields: the instructions the sans-IO core gives a transport.

An operation is a generator of type ``Steps[T]``.  It yields an
:class:`~caldav.jmap._protocol.http.HTTPRequest` (the transport sends it and sends the
:class:`~caldav.jmap._protocol.http.HTTPResponse` back in) or a :class:`Pause` (the
transport waits, then sends ``None`` back in), and finally returns its result ``T``.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Generic, TypeVar

from caldav.jmap._protocol.http import HTTPRequest, HTTPResponse

__all__ = ["Finished", "Pause", "Steps", "advance"]

T = TypeVar("T")


@dataclass(frozen=True)
class Pause:
    """An instruction to the transport: wait ``seconds`` before going on."""

    seconds: float


Steps = Generator[HTTPRequest | Pause, HTTPResponse | None, T]


@dataclass(frozen=True)
class Finished(Generic[T]):
    """What :func:`advance` gives when the operation has ended: its ``result``."""

    result: T


def advance(
    operation: Steps[T], value: HTTPResponse | None = None, error: BaseException | None = None
) -> HTTPRequest | Pause | Finished[T]:
    """Resume ``operation`` with ``value`` (or throw ``error`` into it).

    Returns the next step while it runs and :class:`Finished` with its result when it has
    ended, so a driver never mistakes an exception of its own for the end.
    """
    try:
        return operation.throw(error) if error is not None else operation.send(value)
    except StopIteration as stop:
        return Finished(stop.value)
