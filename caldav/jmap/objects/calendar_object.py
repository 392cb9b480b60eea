"""``JMAPCalendarObject``, the name python-caldav 3.2.1's caldav.jmap and calendaring-jmap
give the calendar object class: here it is :class:`~caldav.jmap.objects.event.JMAPEvent`
itself (same class, so ``isinstance`` works with either name).

One deliberate difference: ``get_data()`` returns the iCalendar text, as python-caldav's
CalendarObjectResource does; the JSCalendar dict those packages returned there is
``obj.jscal``.
"""

from __future__ import annotations

from caldav.jmap.objects.event import JMAPEvent

__all__ = ["JMAPCalendarObject"]

#: The calendar object class under the peers' name.
JMAPCalendarObject = JMAPEvent
