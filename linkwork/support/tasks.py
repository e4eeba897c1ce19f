"""The daily support prompts: each scheme lead with something to look at gets one message
saying how many link workers each prompt concerns, with a link to the support overview. The
message names no one: neither the link workers nor anyone they support.

The job runs every day, but a lead is told only when the prompts change, or once a week
(`PROMPT_REPEAT_DAYS`) while the same prompts stand: a daily email saying the same thing
would soon be filtered out unread."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from linkwork import notifications
from linkwork.accounts.models import Membership, Role, Scheme
from linkwork.notifications.addressing import Recipient
from linkwork.notifications.models import Audience, DeliveryChannel, Event
from linkwork.support.models import SchemeSupport
from linkwork.support.prompts import PromptKind, prompts_for

PROMPT_REPEAT_DAYS = 7


def prompt_lines(scheme: Scheme, today: dt.date) -> list[str]:
    """One line per kind of prompt with how many link workers it concerns."""
    counts = Counter(prompt.kind for prompt in prompts_for(scheme, today))
    return [
        f"{PromptKind(kind).label}: {count} link worker{'s' if count != 1 else ''}"
        for kind, count in sorted(counts.items())
    ]


@task()
def prompt_scheme_leads() -> int:
    """Queue one message to each lead of each scheme with prompts; returns how many."""
    today = timezone.localdate()
    sent = 0
    overview = settings.LINKWORK_BASE_URL.rstrip("/") + reverse("support:overview")
    for scheme in Scheme.objects.order_by("name"):
        lines = prompt_lines(scheme, today)
        told, _ = SchemeSupport.objects.get_or_create(scheme=scheme)
        if not lines or not _due(told, lines, today):
            continue
        told.last_told_lines, told.last_told_on = lines, today
        told.save(update_fields=["last_told_lines", "last_told_on"])
        leads = Membership.objects.filter(
            scheme=scheme, role=Role.SCHEME_LEAD, user__is_active=True
        ).select_related("user")
        for membership in leads:
            lead = membership.user
            notifications.send(
                to=Recipient(
                    Audience.SCHEME_LEAD, DeliveryChannel.EMAIL, lead.full_name, lead.email
                ),
                event=Event.SUPPORT_PROMPTS,
                subject=prompt_subject(scheme.name),
                body=prompt_body(scheme.name, lines, overview),
            )
            sent += 1
    return sent


def prompt_subject(scheme: str) -> str:
    return f"Link worker support: {scheme}"


def prompt_body(scheme: str, lines: list[str], overview: str) -> str:
    return (
        f"Some link workers of {scheme} may need your support:\n\n"
        + "\n".join(f"- {line}" for line in lines)
        + f"\n\nSee who on the support overview: {overview}\n"
    )


def example_prompts() -> tuple[str, str]:
    """The prompts with made-up counts, for the admins' page of message templates."""
    lines = [f"{kind.label}: 2 link workers" for kind in list(PromptKind)[:2]]
    overview = settings.LINKWORK_BASE_URL.rstrip("/") + reverse("support:overview")
    return prompt_subject("Example Social Prescribing"), prompt_body(
        "Example Social Prescribing", lines, overview
    )


def _due(told: SchemeSupport, lines: list[str], today: dt.date) -> bool:
    """Whether the leads should hear of these prompts today: they differ from what was last
    told, or what was told is a week old."""
    if told.last_told_on is None or told.last_told_lines != lines:
        return True
    return (today - told.last_told_on).days >= PROMPT_REPEAT_DAYS
