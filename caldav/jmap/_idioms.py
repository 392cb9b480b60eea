"""The client methods behind python-caldav's object idioms, shared by both clients.

:class:`CalDAVIdioms` is a base of :class:`~caldav.jmap._api.JMAPClientAPI`: each method is
written once as a sans-IO generator method (``@operation``, see
:mod:`caldav.jmap._operation`; the async client returns an awaitable).  The objects
(JMAPEvent, JMAPCalendar, JMAPPrincipal) call the private ones; ``principal()`` and
``calendar()`` are public, as in python-caldav.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._methods import calendar as calendar_ops
from caldav.jmap._methods import conflict
from caldav.jmap._methods import event as event_ops
from caldav.jmap._methods import idioms as idiom_ops
from caldav.jmap._methods import principal as principal_ops
from caldav.jmap._methods.ical_input import ICalInput
from caldav.jmap._operation import ClientCore, operation
from caldav.jmap._protocol.steps import Steps
from caldav.jmap.objects.calendar import JMAPCalendar
from caldav.jmap.objects.event import JMAPEvent
from caldav.jmap.objects.principal import JMAPPrincipal

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["CalDAVIdioms"]


class CalDAVIdioms(ClientCore):
    """python-caldav's ``principal()`` / ``calendar()`` and what the objects' idioms run."""

    def for_account(self, account_id: str) -> Self:
        raise NotImplementedError

    @operation
    def principal(self) -> Steps[JMAPPrincipal]:
        """The user's principal (python-caldav's ``client.principal()``): its
        ``calendars()`` and ``calendar(name=..., cal_id=...)`` are the user's calendars."""
        return (yield from principal_ops.get_current_principal(self._conn, self))

    @operation
    def calendar(self, name: str | None = None, cal_id: str | None = None) -> Steps[JMAPCalendar]:
        """The calendar named ``name`` and/or with the id ``cal_id`` (neither: the default
        calendar); JMAPNotFoundError (a caldav NotFoundError) when there is none."""
        return (yield from idiom_ops.find_calendar(self._conn, self, name, cal_id))

    # -- what the objects call ----------------------------------------------------------

    def _account_client(self, principal: JMAPPrincipal) -> Self:
        """This client, or the view of it on the account holding ``principal``'s calendars."""
        own = self._conn.account_id
        if principal.account_id is None or principal.account_id == own:
            return self
        return self.for_account(principal.account_id)

    # a view shares this client's transport: its operations run through this _run

    @operation
    def _principal_calendars(self, principal: JMAPPrincipal) -> Steps[list[JMAPCalendar]]:
        client = self._account_client(principal)
        return (yield from calendar_ops.get_calendars(client._conn, client))

    @operation
    def _principal_calendar(
        self, principal: JMAPPrincipal, name: str | None, cal_id: str | None
    ) -> Steps[JMAPCalendar]:
        client = self._account_client(principal)
        return (yield from idiom_ops.find_calendar(client._conn, client, name, cal_id))

    @operation
    def _save_event(self, event: JMAPEvent) -> Steps[None]:
        return (yield from conflict.save_event_object(self._conn, event))

    @operation
    def _delete_event_object(self, event: JMAPEvent) -> Steps[None]:
        return (yield from conflict.delete_event_object(self._conn, event))

    @operation
    def _load_event(self, event: JMAPEvent) -> Steps[JMAPEvent]:
        fresh = yield from event_ops.get_event_object(self._conn, event.id, self)
        return event.record_loaded(fresh)

    @operation
    def _add_event(
        self,
        calendar_id: str,
        ical: ICalInput,
        no_overwrite: bool,
        no_create: bool,
        ical_data: JSONObject,
    ) -> Steps[str]:
        return (
            yield from idiom_ops.add_event(
                self._conn,
                calendar_id,
                ical,
                no_overwrite=no_overwrite,
                no_create=no_create,
                **ical_data,
            )
        )

    @operation
    def _save_event_in(
        self,
        calendar: JMAPCalendar,
        ical: ICalInput,
        no_overwrite: bool,
        no_create: bool,
        ical_data: JSONObject,
    ) -> Steps[JMAPEvent]:
        return (
            yield from idiom_ops.save_event(
                self._conn,
                calendar,
                ical,
                no_overwrite=no_overwrite,
                no_create=no_create,
                **ical_data,
            )
        )

    def _caldav_search(self, calendar_id: str, keywords: JSONObject) -> list[str]:
        # not an @operation: a wrong keyword raises at the call, before any await
        search = idiom_ops.CalDAVSearch.parse(**keywords)
        return self._run(idiom_ops.caldav_search(self._conn, self, calendar_id, search))

    @operation
    def _object_by_uid(self, calendar_id: str, uid: str, comp_class: object) -> Steps[str]:
        return (yield from idiom_ops.object_by_uid(self._conn, self, calendar_id, uid, comp_class))

    @operation
    def _calendar_events(self, calendar: JMAPCalendar) -> Steps[list[JMAPEvent]]:
        return (yield from idiom_ops.calendar_events(self._conn, calendar))

    @operation
    def _event_by_uid(self, calendar: JMAPCalendar, uid: str) -> Steps[JMAPEvent]:
        return (yield from idiom_ops.event_by_uid(self._conn, calendar, uid))
