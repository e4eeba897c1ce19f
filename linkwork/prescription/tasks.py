"""The daily feedback survey job, queued by `linkwork reminders`."""

from __future__ import annotations

from django_tasks import task

from linkwork.prescription import actions


@task()
def send_feedback_surveys() -> dict[str, int]:
    """Send the feedback survey for each connection the person started going to a week ago,
    by their chosen channel, never twice. Returns how many were sent and skipped."""
    return actions.send_due_surveys()
