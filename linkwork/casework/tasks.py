"""Daily casework upkeep, queued by `linkwork reminders`."""

from __future__ import annotations

from django_tasks import task

from linkwork.casework import actions


@task()
def chase_connection_deadlines() -> dict[str, int]:
    """Remind providers of requests unanswered at the reminder day, and tell the link worker
    and scheme leads of those still unanswered after the deadline; each is sent once.
    Returns how many were reminded and how many escalated."""
    return actions.chase_connections()


@task()
def remind_appointments() -> int:
    """Queue the day-before reminder to each person with an appointment tomorrow, by their
    chosen channel, once per appointment. Returns how many were reminded."""
    return actions.remind_appointments()
