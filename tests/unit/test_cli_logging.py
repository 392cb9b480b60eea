"""The command line run in-process (``main([...])``, as the benchmarks and tests do) leaves
the library's loggers as it found them: their level and propagation are the program's."""

from __future__ import annotations

import logging

from click.testing import CliRunner

from caldav.jmap.cli import main

EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:x@example.com\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nSUMMARY:Tea\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_main_restores_the_loggers() -> None:
    names = ("caldav.jmap", "caldav.jmap.http")
    before = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate) for n in names}
    result = CliRunner().invoke(main, ["--debug", "convert", "--to", "jscal", "-"], input=EVENT)
    assert result.exit_code == 0, result.output
    assert '"Tea"' in result.output
    after = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate) for n in names}
    assert after == before
