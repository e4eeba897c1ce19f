"""Background work that keeps the directory true. Queued daily by `linkwork reminders`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from linkwork.accounts.models import Membership, Role
from linkwork.directory.models import (
    ListingConfirmationRequest,
    Service,
    ServiceStatus,
    confirm_after_days,
)

# Ask about one listing at most this often, however long it stays unconfirmed.
ASK_AGAIN_AFTER = dt.timedelta(days=30)


@task()
def ask_providers_to_confirm_listings() -> int:
    """Email each provider organisation the listings nobody has checked for a while.

    Returns how many listings were included. Emails name services and link to them; they
    hold no personal data.
    """
    now = timezone.now()
    cutoff = timezone.localdate() - dt.timedelta(days=confirm_after_days())
    recently_asked = ListingConfirmationRequest.objects.filter(
        requested_at__gte=now - ASK_AGAIN_AFTER
    ).values("service_id")
    due = (
        Service.objects.exclude(status=ServiceStatus.DEFUNCT)
        .filter(organization__account_organisation__isnull=False)
        .filter(Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff))
        .exclude(pk__in=recently_asked)
        .select_related("organization")
        .order_by("name")
    )
    by_organisation: dict[int, list[Service]] = defaultdict(list)
    for service in due:
        by_organisation[service.organization.account_organisation_id].append(service)  # type: ignore[index]
    recipients: dict[int, list[str]] = defaultdict(list)
    for organisation_id, email in Membership.objects.filter(
        role=Role.PROVIDER, organisation_id__in=by_organisation, user__is_active=True
    ).values_list("organisation_id", "user__email"):
        recipients[organisation_id].append(email)
    messages = []
    requests = []
    for organisation_id, services in by_organisation.items():
        to = recipients.get(organisation_id, [])
        if to:
            messages.append(
                (
                    "Please check your listings in the community directory",
                    _body(services),
                    settings.DEFAULT_FROM_EMAIL,
                    to,
                )
            )
        requests += [
            ListingConfirmationRequest(
                service=service,
                organisation_id=organisation_id,
                requested_at=now,
                recipients=len(to),
            )
            for service in services
        ]
    send_mass_mail(messages, fail_silently=False)
    ListingConfirmationRequest.objects.bulk_create(requests)
    return len(requests)


def _body(services: list[Service]) -> str:
    base = settings.LINKWORK_BASE_URL.rstrip("/")
    lines = [
        "Link workers use these listings to connect people with your services, so they",
        "need to be right. Nobody has checked them for a while. Please open each one, check",
        "it, edit anything that has changed, then select 'Mark as checked today'.",
        "",
    ]
    for service in services:
        checked = (
            f"last checked {service.assured_date:%d %B %Y}"
            if service.assured_date
            else "never checked"
        )
        lines.append(
            f"- {service.name} ({checked}): {base}{reverse('directory:service', args=[service.pk])}"
        )
    lines += ["", "Thank you.", ""]
    return "\n".join(lines)
