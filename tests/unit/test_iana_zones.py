"""Time zones for servers that know IANA zones only (Cyrus 3.10: the corpus test in
tests/integration/test_cyrus_corpus.py sends real Outlook / Lotus / Mozilla files there).
These cover the pure parts, and the learning path on a peer that is not Cyrus."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from caldav.jmap._servers.iana_zones import for_iana_server, iana_equivalent, is_zone_property
from caldav.jmap._servers.profile import profile_of
from caldav.jmap.convert import ical_to_jscal

# Outlook's definition of "W. Europe Standard Time": the EU rules
OUTLOOK_BERLIN = """BEGIN:VTIMEZONE
TZID:{tzid}
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
"""
# a zone no IANA zone has: +0130 all year
ODD = """BEGIN:VTIMEZONE
TZID:{tzid}
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0130
TZOFFSETTO:+0130
END:STANDARD
END:VTIMEZONE
"""


def event(tzid: str, vtimezone: str, *lines: str) -> dict:
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n"
        + vtimezone.format(tzid=tzid).replace("\n", "\r\n")
        + "BEGIN:VEVENT\r\nUID:z@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
        + f"DTSTART;TZID={tzid}:20260310T090000\r\nDURATION:PT1H\r\n"
        + "".join(line + "\r\n" for line in lines)
        + "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return ical_to_jscal(text)


def test_equivalents_by_name() -> None:
    assert iana_equivalent("US/Eastern", years=(2026, 2026)) == "America/New_York"
    assert iana_equivalent("Eastern Standard Time") == "America/New_York"  # CLDR
    assert iana_equivalent("/mozilla.org/20070129_1/America/New_York") == "America/New_York"
    assert iana_equivalent("America/Los Angeles") == "America/Los_Angeles"
    # a canonical zone stays, even where tzdata made it a link (Stockholm -> Berlin)
    assert iana_equivalent("Europe/Stockholm") == "Europe/Stockholm"
    assert iana_equivalent("/Europe/Stockholm") == "Europe/Stockholm"
    assert iana_equivalent("Nowhere Standard Time") is None


def test_equivalents_by_rules() -> None:
    definition = event("MyZone", OUTLOOK_BERLIN)["timeZones"]["MyZone"]
    found = iana_equivalent("MyZone", definition, (2026, 2030))
    berlin, other = zoneinfo.ZoneInfo("Europe/Berlin"), zoneinfo.ZoneInfo(found)
    instants = [
        dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=h)
        for h in range(0, 5 * 8760, 7)
    ]
    assert all(
        i.astimezone(berlin).utcoffset() == i.astimezone(other).utcoffset() for i in instants
    )
    assert found == "Europe/Berlin"  # CLDR's zone for the rule set comes first
    odd = event("Odd", ODD)["timeZones"]["Odd"]
    assert iana_equivalent("Odd", odd, (2026, 2026)) is None
    # a name that says Berlin but rules that are not Berlin's: the rules win
    assert iana_equivalent("/mozilla.org/x/Europe/Berlin", odd, (2026, 2026)) is None


def test_recurring_event_gets_the_iana_zone() -> None:
    tzid = "W. Europe Standard Time"
    obj = event(
        tzid,
        OUTLOOK_BERLIN,
        "RRULE:FREQ=WEEKLY;COUNT=5",
        f"RECURRENCE-ID;TZID={tzid}:20260317T090000",
    )
    obj["locations"] = {"l1": {"@type": "Location", "relativeTo": "end", "timeZone": tzid}}
    out = for_iana_server(obj, "event a")
    assert out["timeZone"] == "Europe/Berlin" and "timeZones" not in out
    assert out["start"] == obj["start"]  # wall times do not move
    assert out["locations"]["l1"]["timeZone"] == "Europe/Berlin"
    assert obj["timeZone"] == tzid  # the input is left as it was


def test_single_event_in_an_unmatched_zone_goes_in_utc() -> None:
    obj = event("Odd", ODD)
    out = for_iana_server(obj, "event a")
    assert (out["start"], out["timeZone"]) == ("2026-03-10T07:30:00", "Etc/UTC")
    assert "timeZones" not in out
    recurring = event("Odd", ODD, "RRULE:FREQ=DAILY;COUNT=3")
    kept = for_iana_server(recurring, "event b")
    assert kept["timeZone"] == "Odd" and "timeZones" in kept  # the refusal stands


def test_known_zones_untouched_and_refusals_recognised() -> None:
    obj = {"start": "2026-03-10T09:00:00", "timeZone": "Europe/Paris", "title": "x"}
    assert for_iana_server(obj, "e") == obj
    assert is_zone_property("timeZone") and is_zone_property("recurrenceOverrides/x/timeZone")
    assert is_zone_property("timeZones") and not is_zone_property("title")


class IanaOnlyServer:
    """A CalendarEvent/set that refuses zones it does not know, as Cyrus does, on a peer
    that does not look like Cyrus (so the client starts without Cyrus's defaults)."""

    def __init__(self) -> None:
        self.stored: list[dict] = []

    def set(self, args: dict) -> dict:
        created, not_created = {}, {}
        for key, obj in (args.get("create") or {}).items():
            bad = [
                k
                for k in ("timeZones", "timeZone")
                if k in obj and (k == "timeZones" or "/" not in obj[k] and obj[k] != "Etc/UTC")
            ]
            vendor = [k for k in obj if ":" in k]
            if bad or vendor:
                not_created[key] = {"type": "invalidProperties", "properties": bad + vendor}
            else:
                self.stored.append(obj)
                created[key] = {"id": f"e{len(self.stored)}"}
        return {"newState": "s2", "created": created, "notCreated": not_created}


def test_zone_refusal_is_learned() -> None:
    from .fake_jmap import FakeJMAP, sync_client

    store = IanaOnlyServer()
    server = FakeJMAP({"CalendarEvent/set": store.set})
    client = sync_client(server)
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n"
        + OUTLOOK_BERLIN.format(tzid="W. Europe Standard Time").replace("\n", "\r\n")
        + "BEGIN:VEVENT\r\nUID:z@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
        + "DTSTART;TZID=W. Europe Standard Time:20260310T090000\r\n"
        + "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert client.create_event("C1", text) == "e1"
    assert store.stored[0]["timeZone"] == "Europe/Berlin"
    assert profile_of(client._conn).iana_zones_only is True


# EU offsets, but the autumn change at 02:00 local instead of 03:00 (Lotus Notes'
# "Western/Central Europe"): no IANA zone has these rules
LOTUS = OUTLOOK_BERLIN.replace(
    "DTSTART:16010101T030000\nTZOFFSETFROM:+0200", "DTSTART:16010101T020000\nTZOFFSETFROM:+0200"
)


def test_recurring_event_in_a_zone_equal_at_its_times() -> None:
    obj = event("Lotus", LOTUS, "RRULE:FREQ=WEEKLY")
    definition = obj["timeZones"]["Lotus"]
    assert iana_equivalent("Lotus", definition, (2026, 2036)) is None  # not the same rules
    out = for_iana_server(obj, "event a")
    # ... but at 09:00 local every day the offsets are Berlin's
    assert out["timeZone"] == "Europe/Berlin" and "timeZones" not in out
    # an occurrence moved into the hour the rules disagree on: no zone fits
    night = dict(obj, recurrenceOverrides={"2026-10-25T09:00:00": {"start": "2026-10-25T02:30:00"}})
    kept = for_iana_server(night, "event b")
    assert kept["timeZone"] == "Lotus" and "timeZones" in kept


def test_orphan_instance_with_recurrences_is_stored_as_a_series() -> None:
    from .fake_jmap import FakeJMAP, sync_client

    stored: list[dict] = []

    def set_(args: dict) -> dict:
        stored.extend((args.get("create") or {}).values())
        return {"newState": "s2", "created": {"new": {"id": "e1"}}}

    client = sync_client(FakeJMAP({"CalendarEvent/set": set_}))
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:lotus@example.com\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T150000Z\r\nDURATION:PT1H\r\n"
        "RECURRENCE-ID;RANGE=THISANDFUTURE:20260105T150000Z\r\n"
        "RDATE:20260112T150000Z,20260119T150000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert client.create_event("C1", text) == "e1"
    [sent] = stored
    assert "recurrenceId" not in sent and "recurrenceIdTimeZone" not in sent
    assert set(sent["recurrenceOverrides"]) == {"2026-01-12T15:00:00", "2026-01-19T15:00:00"}


def test_a_zone_without_any_definition_goes_floating(caplog) -> None:
    obj = {"start": "2021-11-01T16:00:00", "timeZone": "Western/Central Europe", "title": "x"}
    with caplog.at_level("WARNING", logger="caldav.jmap"):
        out = for_iana_server(obj, "event a")
    assert out["timeZone"] is None and out["start"] == obj["start"]
    assert "no definition and names no IANA zone" in caplog.text
