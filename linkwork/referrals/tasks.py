"""Daily referral upkeep, queued by `linkwork reminders`."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from linkwork.accounts.models import Membership, Role
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral


def overdue_for_triage() -> list[Referral]:
    """Received referrals past their triage date (working days, bank holidays respected)."""
    return list(
        Referral.objects.filter(status=Status.RECEIVED, triage_due__lt=timezone.localdate())
        .select_related("scheme")
        .order_by("triage_due", "received_at")
    )


@task()
def remind_overdue_triage() -> int:
    """Email each scheme's leads the references of referrals waiting past their triage date.

    The email names references and dates only, never the person. Returns how many referrals
    were overdue.
    """
    overdue = overdue_for_triage()
    by_scheme: dict[int, list[Referral]] = defaultdict(list)
    for referral in overdue:
        by_scheme[referral.scheme_id].append(referral)
    leads: dict[int, list[str]] = defaultdict(list)
    for scheme_id, email in Membership.objects.filter(
        role=Role.SCHEME_LEAD, scheme_id__in=by_scheme, user__is_active=True
    ).values_list("scheme_id", "user__email"):
        leads[scheme_id].append(email)
    base = settings.LINKWORK_BASE_URL.rstrip("/")
    messages = []
    for scheme_id, referrals in by_scheme.items():
        if not leads.get(scheme_id):
            continue
        lines = [
            f"{len(referrals)} referrals to {referrals[0].scheme.name} are past their triage date:",
            "",
            *(
                f"- {r.reference}, due {r.triage_due:%d %B %Y}: "
                f"{base}{reverse('referrals:triage', args=[r.pk])}"
                for r in referrals
            ),
            "",
        ]
        messages.append(
            (
                "Referrals waiting past their triage date",
                "\n".join(lines),
                settings.DEFAULT_FROM_EMAIL,
                leads[scheme_id],
            )
        )
    send_mass_mail(messages, fail_silently=False)
    return len(overdue)
