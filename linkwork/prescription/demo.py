"""The demo's prescriptions: who each scheme's people call, feedback from people about the
services they went to (several services with five or more answers, a few with fewer), and one
live link to a person's prescription, printed on the console. All made up."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from linkwork.accounts.models import Membership, Role, Scheme
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection
from linkwork.prescription import tokens
from linkwork.prescription.actions import create_link
from linkwork.prescription.models import (
    Channel,
    FeedbackAnswer,
    Helped,
    Recommend,
    SchemeContact,
    SurveyInvitation,
    Welcome,
    Went,
)
from linkwork.referrals.models import Referral

DEMO = "@demo.linkwork.invalid"
COMMENTS = [
    "Everyone was friendly and I did not feel rushed.",
    "Hard to find the room the first time.",
    "I look forward to Tuesdays now.",
    "The bus times do not fit the start time.",
    "It helped me get out of the house.",
    "A bit noisy, but kind people.",
]
# Connections the person started going to (some later ended or stopped), and those accepted
# but not started, whose people answer "not yet".
WENT_TO = (
    ConnectionStatus.IN_PROGRESS,
    ConnectionStatus.COMPLETED,
    ConnectionStatus.FAILED,
    ConnectionStatus.ACCEPTED,
    ConnectionStatus.SIGNPOSTED,
)


@dataclass(frozen=True)
class Seeded:
    contacts: int
    answers: int
    services_shown: int
    link_url: str
    reference: str


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def _answer(rng: random.Random, started: bool) -> dict[str, Any]:
    went = _pick(
        rng,
        [(Went.YES, 8), (Went.NOT_YET, 1), (Went.NO, 1)]
        if started
        else [(Went.NOT_YET, 3), (Went.NO, 1)],
    )
    if went != Went.YES:
        welcome: str = Welcome.NOT_GONE
        helped = _pick(rng, [(Helped.TOO_SOON, 3), (Helped.NO, 1)])
    else:
        welcome = _pick(
            rng,
            [(Welcome.VERY, 5), (Welcome.QUITE, 3), (Welcome.NOT_VERY, 1), (Welcome.NOT_AT_ALL, 1)],
        )
        helped = _pick(
            rng, [(Helped.A_LOT, 4), (Helped.A_LITTLE, 4), (Helped.NO, 1), (Helped.TOO_SOON, 1)]
        )
    recommend = _pick(rng, [(Recommend.YES, 6), (Recommend.MAYBE, 3), (Recommend.NO, 1)])
    comment = rng.choice(COMMENTS) if rng.random() < 0.3 else ""
    return {
        "went": went,
        "welcome": welcome,
        "helped": helped,
        "recommend": recommend,
        "comment": comment,
    }


def _feedback(rng: random.Random, now: dt.datetime) -> tuple[int, int]:
    """Answers for connections people went to: most of each of the busiest services (and the
    demo provider's), and a couple for a few quieter ones, so some stay below five."""
    by_service: dict[Any, list[Any]] = defaultdict(list)
    started: set[Any] = set()
    for pk, service_id, status in (
        Connection.objects.filter(status__in=WENT_TO)
        .order_by("pk")
        .values_list("pk", "service_id", "status")
    ):
        by_service[service_id].append(pk)
        if status != ConnectionStatus.ACCEPTED:
            started.add(pk)
    provider = (
        Membership.objects.filter(role=Role.PROVIDER, user__email__endswith=DEMO)
        .order_by("user__date_joined", "user_id")
        .values_list("organisation_id", flat=True)
        .first()
    )
    own = set(
        Connection.objects.filter(
            status__in=WENT_TO, service__organization__account_organisation_id=provider
        ).values_list("service_id", flat=True)
    )
    busiest = sorted(by_service, key=lambda s: (s not in own, -len(by_service[s]), str(s)))
    chosen: list[tuple[Any, list[Any]]] = []
    for service_id in busiest[:8]:
        chosen.append((service_id, by_service[service_id]))
    for service_id in busiest[8:12]:
        chosen.append((service_id, by_service[service_id][:2]))
    invitations: list[SurveyInvitation] = []
    answers: list[FeedbackAnswer] = []
    shown = 0
    for service_id, connections in chosen:
        if len(connections) >= 5:
            shown += 1
        for connection_id in connections:
            sent = now - dt.timedelta(days=rng.randint(8, 80))
            invitations.append(
                SurveyInvitation(
                    connection_id=connection_id,
                    token_digest=tokens.digest(tokens.new_token()),
                    channel=Channel.TEXT,
                    created_at=sent,
                    expires_at=sent + dt.timedelta(days=28),
                    opened_at=sent + dt.timedelta(hours=rng.randint(1, 48)),
                )
            )
            answers.append(
                FeedbackAnswer(
                    connection_id=connection_id,
                    service_id=service_id,
                    answered_at=sent + dt.timedelta(hours=rng.randint(2, 60)),
                    **_answer(rng, connection_id in started),
                )
            )
    SurveyInvitation.objects.bulk_create(invitations, batch_size=500)
    FeedbackAnswer.objects.bulk_create(answers, batch_size=500)
    return len(answers), shown


def _live_link() -> tuple[str, str]:
    """A printed link for one of the demo link worker's people with a plan and services."""
    membership = (
        Membership.objects.filter(role=Role.LINK_WORKER, user__email__endswith=DEMO)
        .select_related("user")
        .order_by("user__date_joined", "user_id")
        .first()
    )
    if membership is None:
        return "", ""
    worker = membership.user
    agreed = Q(connections__status__in=[ConnectionStatus.IN_PROGRESS, ConnectionStatus.ACCEPTED])
    referral = (
        Referral.objects.filter(agreed, link_worker=worker, status="active")
        .exclude(plan__what_matters="")
        .filter(plan__isnull=False)
        .order_by("received_at", "pk")
        .first()
    )
    if referral is None:
        return "", ""
    made = create_link(by=worker, referral=referral, send=False)
    url = settings.LINKWORK_BASE_URL.rstrip("/") + reverse("prescription:open", args=[made.token])
    return url, referral.reference


def seed_prescription(*, seed: int, now: dt.datetime) -> Seeded:
    rng = random.Random(f"prescription-{seed}")
    contacts = 0
    for n, scheme in enumerate(Scheme.objects.order_by("pk")):
        _, made = SchemeContact.objects.get_or_create(
            scheme=scheme,
            defaults={
                # Ofcom's numbers for drama: they reach no one.
                "phone": f"01632 960 {100 + n:03d}",
                "email": f"{scheme.slug}{DEMO}",
                "hours": "Monday to Friday, 9am to 5pm",
            },
        )
        contacts += int(made)
    answers, shown = _feedback(rng, now)
    url, reference = _live_link()
    return Seeded(contacts, answers, shown, url, reference)
