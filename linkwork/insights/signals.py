"""Which record changes make the dashboards' facts stale, and the task that rewrites them.

The records live in apps below insights, which cannot call it; so insights listens for their
saves and deletes and queues `tasks.refresh_facts` for the referral concerned. The task is
queued inside the writing transaction: with the database-backed queue the worker sees it only
if the change commits. Writes that skip `save()` (bulk loads, `QuerySet.update`) are followed
by `linkwork insights refresh`, as the demo seed does. Nothing here is audit: audit stays
explicit in each action.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from linkwork.casework.models import Attendance, Connection, Contact, SupportPlan
from linkwork.outcomes.models import OutcomeMeasure
from linkwork.people.models import Person
from linkwork.referrals.models import Referral, StatusChange

OF_A_REFERRAL = (StatusChange, Contact, SupportPlan, Connection, OutcomeMeasure)


def _queue(*, referrals: list[str] = (), people: list[str] = ()) -> None:  # type: ignore[assignment]
    from linkwork.insights.tasks import refresh_facts

    refresh_facts.enqueue(referrals=list(referrals), people=list(people))


def referral_changed(sender: Any, instance: Referral, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _queue(referrals=[str(instance.pk)])


def record_changed(
    sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    if raw or (created and _first_status(instance)):
        return
    _queue(referrals=[str(instance.referral_id)])


def _first_status(instance: Any) -> bool:
    """A referral's first status change, written with the referral in the transaction that
    makes it, whose own save queued the refresh already."""
    return isinstance(instance, StatusChange) and not instance.from_status


def attendance_changed(sender: Any, instance: Attendance, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    referral = (
        Connection.objects.filter(pk=instance.connection_id)
        .values_list("referral_id", flat=True)
        .first()
    )
    if referral is not None:
        _queue(referrals=[str(referral)])


def person_changed(
    sender: Any, instance: Person, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    # A person just made has no referral yet, so no facts: their first referral's save
    # queues its own refresh.
    if not raw and not created:
        _queue(people=[str(instance.pk)])


def connect() -> None:
    post_save.connect(referral_changed, sender=Referral, dispatch_uid="insights-referral")
    for model in OF_A_REFERRAL:
        for signal in (post_save, post_delete):
            signal.connect(record_changed, sender=model, dispatch_uid=f"insights-{model.__name__}")
    for signal in (post_save, post_delete):
        signal.connect(attendance_changed, sender=Attendance, dispatch_uid="insights-attendance")
    post_save.connect(person_changed, sender=Person, dispatch_uid="insights-person")
