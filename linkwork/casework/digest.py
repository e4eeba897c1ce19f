"""The link worker's daily digest: follow-ups and outcome measures due, by referral reference.

It names references only, never the person: the link worker signs in to see who. Sent through
`linkwork.notifications.send`, so it is kept and retried like every other message.

The same daily run alerts the link worker in the notification centre, once per item (each
alert has a key, so the next day's run adds none): an outcome measure that falls due, and then
again when it is overdue, and a follow-up past its date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from linkwork import notifications
from linkwork.casework.models import FollowUp
from linkwork.notifications import centre
from linkwork.notifications.addressing import Recipient
from linkwork.notifications.models import AlertKind, Audience, DeliveryChannel, Event
from linkwork.outcomes.schedules import due_measures
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral


def digest_lines(today: dt.date) -> dict[Any, list[str]]:
    """For each link worker with something due, one line per due item."""
    lines: dict[Any, list[str]] = defaultdict(list)
    base = settings.LINKWORK_BASE_URL.rstrip("/")
    for follow_up in (
        FollowUp.objects.due()
        .filter(
            due_on__lte=today,
            referral__status__in=[Status.ACTIVE, Status.ON_HOLD, Status.ACCEPTED],
            referral__link_worker__isnull=False,
        )
        .select_related("referral")
        .order_by("due_on")
    ):
        referral = follow_up.referral
        when = "today" if follow_up.due_on == today else f"since {follow_up.due_on:%d %B}"
        lines[referral.link_worker_id].append(
            f"{referral.reference}: follow-up due {when}: "
            f"{base}{reverse('casework:connections', args=[referral.pk])}"
        )
    open_referrals = {
        referral.pk: referral
        for referral in Referral.objects.filter(
            status__in=[Status.ACTIVE, Status.ON_HOLD], link_worker__isnull=False
        ).select_related("scheme")
    }
    for referral_id, measures in due_measures(open_referrals.values(), today=today).items():
        referral = open_referrals[referral_id]
        names = ", ".join(m.label for m in measures)
        lines[referral.link_worker_id].append(
            f"{referral.reference}: outcome measures due: {names}: "
            f"{base}{reverse('outcomes:trajectories', args=[referral.pk])}"
        )
    return lines


def alert_due_items(today: dt.date) -> int:
    """Alert each link worker, once per item, of their outcome measures due and overdue and
    their follow-ups past their date; return how many alerts were made."""
    made = 0
    for follow_up in (
        FollowUp.objects.due()
        .filter(
            due_on__lt=today,
            referral__status__in=[Status.ACTIVE, Status.ON_HOLD, Status.ACCEPTED],
            referral__link_worker__isnull=False,
        )
        .select_related("referral__link_worker")
    ):
        referral = follow_up.referral
        made += len(
            centre.tell(
                [referral.link_worker],
                AlertKind.OVERDUE,
                f"Follow-up for referral {referral.reference} was due on "
                f"{follow_up.due_on.day} {follow_up.due_on:%B}",
                reverse("casework:connections", args=[referral.pk]),
                referral,
                key=f"follow_up:{follow_up.pk}:overdue",
            )
        )
    open_referrals = {
        referral.pk: referral
        for referral in Referral.objects.filter(
            status__in=[Status.ACTIVE, Status.ON_HOLD], link_worker__isnull=False
        ).select_related("scheme", "link_worker")
    }
    for referral_id, measures in due_measures(open_referrals.values(), today=today).items():
        referral = open_referrals[referral_id]
        link = reverse("outcomes:trajectories", args=[referral.pk])
        for measure in measures:
            item = f"outcome:{referral.pk}:{measure.instrument}:{measure.time_point.value}"
            if measure.overdue:
                kind, text, key = (
                    AlertKind.OVERDUE,
                    f"{measure.label} for referral {referral.reference} is overdue",
                    f"{item}:overdue",
                )
            else:
                kind, text, key = (
                    AlertKind.OUTCOME_DUE,
                    f"{measure.label} for referral {referral.reference} is due",
                    f"{item}:due",
                )
            made += len(centre.tell([referral.link_worker], kind, text, link, referral, key=key))
    return made


@task()
def remind_link_workers() -> int:
    """Queue one digest email to each link worker with follow-ups or measures due; returns
    how many were queued."""
    from linkwork.accounts.models import User

    today = timezone.localdate()
    alert_due_items(today)
    lines = digest_lines(today)
    workers = User.objects.filter(pk__in=list(lines), is_active=True)
    for worker in workers:
        items = lines[worker.pk]
        notifications.send(
            to=Recipient(
                Audience.LINK_WORKER, DeliveryChannel.EMAIL, worker.full_name, worker.email
            ),
            event=Event.DUE_ITEMS,
            subject=digest_subject(items),
            body=digest_body(items),
        )
    return len(workers)


def digest_subject(items: list[str]) -> str:
    return f"{len(items)} casework items due"


def digest_body(items: list[str]) -> str:
    return "Due today or overdue:\n\n" + "\n".join(f"- {line}" for line in items) + "\n"


def example_digest() -> tuple[str, str]:
    """The digest with made-up items, for the admins' page of message templates."""
    base = settings.LINKWORK_BASE_URL.rstrip("/")
    items = [
        f"LW-7K3M-Q9TD: follow-up due today: {base}/casework/",
        f"LW-7K3M-Q9TD: outcome measures due: SWEMWBS: {base}/outcomes/",
    ]
    return digest_subject(items), digest_body(items)
