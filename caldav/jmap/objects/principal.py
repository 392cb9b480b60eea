"""Principals (RFC 9670, JMAP Sharing), their availability, and the user's participant
identities (draft-ietf-jmap-calendars).

Servers speak two revisions here.  The current drafts put a Principal's calendar details in
``capabilities["urn:ietf:params:jmap:calendars"]`` (accountId, mayGetAvailability,
calendarAddress) and give a ParticipantIdentity a ``calendarAddress``; Cyrus 3.10 follows an
older draft with flat ``accountId`` / ``mayGetAvailability`` properties and ``sendTo``
(``{"imip": "mailto:..."}``) in both.  The dataclasses keep what the server sent and offer
one way to read either: :attr:`JMAPPrincipal.may_get_availability`,
:attr:`JMAPPrincipal.account_id` and the ``calendar_address`` / ``address`` properties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap.constants import CALENDAR_CAPABILITY
from caldav.jmap.error import JMAPError
from caldav.jmap.objects.base import JMAPObject

if TYPE_CHECKING:
    # for annotations only: objects/calendar.py imports this module (through query.py)
    from caldav.jmap._api import JMAPClientAPI
    from caldav.jmap.objects.calendar import JMAPCalendar

__all__ = ["BusyPeriod", "JMAPParticipantIdentity", "JMAPPrincipal", "send_to_address"]


def send_to_address(send_to: Any) -> str | None:
    """The address of a ``sendTo`` map (older drafts, Cyrus): its iMIP one, else any."""
    if not isinstance(send_to, dict) or not send_to:
        return None
    imip = send_to.get("imip")
    if isinstance(imip, str):
        return imip
    return next((value for value in send_to.values() if isinstance(value, str)), None)


@dataclass
class JMAPPrincipal(JMAPObject):
    """A Principal: a person, group, resource or location the user may share with or
    schedule.

    ``may_get_availability`` and ``account_id`` (the account holding the principal's
    calendars) are read from the top-level properties Cyrus 3.10 sends, or else from the
    current draft's ``capabilities["urn:ietf:params:jmap:calendars"]``.

    Example::

        for p in client.search_principals(text="room"):
            print(p.name, p.email, p.calendar_address)
    """

    id: str
    name: str = ""
    description: str | None = None
    email: str | None = None
    type: str | None = None
    time_zone: str | None = None
    capabilities: JSONObject | None = None
    accounts: JSONObject | None = None
    may_get_availability: bool | None = None
    account_id: str | None = None
    send_to: JSONObject | None = None
    extra: JSONObject = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        calendars = self.calendar_capability
        if self.may_get_availability is None and isinstance(
            calendars.get("mayGetAvailability"), bool
        ):
            self.may_get_availability = calendars["mayGetAvailability"]
        if self.account_id is None and isinstance(calendars.get("accountId"), str):
            self.account_id = calendars["accountId"]

    @property
    def calendar_capability(self) -> JSONObject:
        """The principal's ``urn:ietf:params:jmap:calendars`` capability ({} if none)."""
        value = (self.capabilities or {}).get(CALENDAR_CAPABILITY)
        return value if isinstance(value, dict) else {}

    @property
    def calendar_address(self) -> str | None:
        """The URI to invite this principal with (``mailto:...``), from either revision."""
        address = self.calendar_capability.get("calendarAddress")
        if isinstance(address, str):
            return address
        return send_to_address(self.send_to)

    def _bound(self) -> JMAPClientAPI:
        if self.client is None:
            raise JMAPError(reason="this principal is not bound to a client; get it from one")
        client: JMAPClientAPI = self.client
        return client

    def get_availability(self, start: Any, end: Any, **kwargs: Any) -> list[BusyPeriod]:
        """This principal's busy periods between ``start`` and ``end`` (see
        :meth:`~caldav.jmap._api.JMAPClientAPI.get_availability`)."""
        return self._bound().get_availability(self.id, start, end, **kwargs)

    def calendars(self) -> list[JMAPCalendar]:
        """The calendars of the account holding this principal's calendars (the user's
        own for ``client.principal()``), as python-caldav's ``principal.calendars()``."""
        return self._bound()._principal_calendars(self)

    def calendar(self, name: str | None = None, cal_id: str | None = None) -> JMAPCalendar:
        """One of :meth:`calendars`: by ``name`` and/or id ``cal_id`` (neither: the
        default calendar); JMAPNotFoundError when there is none."""
        return self._bound()._principal_calendar(self, name, cal_id)


@dataclass
class BusyPeriod(JMAPObject):
    """A time the principal is busy (Principal/getAvailability).

    ``utc_start`` and ``utc_end`` are UTCDateTime strings; ``busy_status`` is "confirmed",
    "tentative" or "unavailable"; ``event`` is the CalendarEvent (JSCalendar) when details
    were asked for and may be shown, else None; ``account_id`` the account it is in.
    """

    utc_start: str
    utc_end: str
    busy_status: str = "unavailable"
    event: JSONObject | None = None
    account_id: str | None = None
    extra: JSONObject = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)


@dataclass
class JMAPParticipantIdentity(JMAPObject):
    """An address that stands for the user in events' participants.

    The current draft gives ``calendar_address``; Cyrus 3.10 gives ``send_to``
    (``{"imip": "mailto:..."}``).  :attr:`address` is whichever the server sent.
    """

    id: str
    name: str = ""
    calendar_address: str | None = None
    send_to: JSONObject | None = None
    is_default: bool | None = None
    extra: JSONObject = field(default_factory=dict, repr=False, compare=False)
    client: Any = field(default=None, repr=False, compare=False)

    @property
    def address(self) -> str | None:
        """The identity's calendar address (``mailto:...``), from either revision."""
        return self.calendar_address or send_to_address(self.send_to)
