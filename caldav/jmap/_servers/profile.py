"""What the client knows of one server beyond the protocol: a :class:`ServerProfile`.

The profile starts from the traits the session shows (Cyrus by its capability) and
learns the server's refusals as they come; every setting is one row of
:data:`~caldav.jmap._servers.quirks.QUIRKS`, which says why.  The connection holds it as
an opaque attribute (the protocol layer knows nothing of calendars); :func:`profile_of`
reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.session import Session
from caldav.jmap._servers.quirks import CYRUS, QUIRKS, REFUSABLE, refused_properties
from caldav.jmap.constants import CYRUS_CALENDAR_CAPABILITY
from caldav.jmap.error import JMAPError

__all__ = ["ServerProfile", "profile_of", "traits_of"]


def traits_of(session: Session) -> frozenset[str]:
    """The traits a session shows: ``"cyrus"`` when it announces Cyrus's calendar
    capability (in the session or as a primary account's capability)."""
    cyrus = CYRUS_CALENDAR_CAPABILITY in session.capabilities or (
        CYRUS_CALENDAR_CAPABILITY in session.primary_accounts
    )
    return frozenset({CYRUS} if cyrus else ())


@dataclass
class ServerProfile:
    """One connection's knowledge of its server (see :data:`QUIRKS` for each setting's
    reason).  None: not known yet; a server without a trait starts with none adapted."""

    traits: frozenset[str] = frozenset()
    #: CalendarEvent/query filters by a list of calendars (inCalendars), else by one.
    in_calendars: bool = False
    #: The server itself said which calendar filter it takes: no switching back.
    learned: bool = False
    #: The name of the sharing right ("mayAdmin" or "mayShare"); None until seen.
    rights_name: str | None = None
    vendor_properties: bool | None = None
    plain_descriptions: bool | None = None
    iana_zones_only: bool | None = None
    participant_reply: bool | None = None
    homogeneous_operators: bool = False
    managed_attachments: bool = False
    #: CalendarEvent/query filter properties the server rejected: evaluated by the client.
    rejected_filters: set[str] = field(default_factory=set)

    @classmethod
    def for_session(cls, session: Session) -> ServerProfile:
        """The profile to start with: every quirk of the session's traits turned on."""
        profile = cls(traits=traits_of(session))
        for quirk in QUIRKS:
            if quirk.trait is not None and quirk.trait in profile.traits:
                setattr(profile, quirk.setting, quirk.on)
        return profile

    def adapted(self, setting: str) -> bool:
        """Whether the quirk of ``setting`` is on for this server."""
        quirk = next(q for q in QUIRKS if q.setting == setting)
        value = getattr(self, setting)
        if isinstance(value, set):
            return bool(value)
        return bool(value == quirk.on)

    def learn_refusal(self, error: JMAPError) -> bool:
        """Remember what an invalidProperties refusal shows the server does not take;
        whether the next attempt will send anything else."""
        names = refused_properties(error) or []
        learned = False
        for quirk in REFUSABLE:
            assert quirk.refused is not None
            refused = quirk.refused
            if any(refused(p) for p in names) and getattr(self, quirk.setting) != quirk.on:
                setattr(self, quirk.setting, quirk.on)
                learned = True
        return learned

    def switch_calendar_filter(self) -> bool:
        """Switch to the other calendar filter form (inCalendar / inCalendars) once, the
        server having refused the one sent; False when it was switched before."""
        if self.learned:
            return False
        self.in_calendars = not self.in_calendars
        self.learned = True
        return True


def profile_of(conn: Connection) -> ServerProfile:
    """The connection's profile: the one made from its session (see
    :meth:`ServerProfile.for_session`), made now when the connection has none yet."""
    profile = conn.profile
    if isinstance(profile, ServerProfile):
        return profile
    made = ServerProfile.for_session(conn.session) if conn.session else ServerProfile()
    if conn.session is not None:
        # before the session there is nothing to detect: not kept, so it is detected later
        conn.profile = made
    return made
