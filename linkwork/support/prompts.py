"""Prompts to a scheme's lead about its link workers: no supervision for longer than the
scheme allows, an active load above the safe limit (`referrals.capacity`, weighted by
complexity), or many complex cases (by count or share, the scheme's support settings).

Three or four queries per scheme however many link workers: the workers, their last
sessions, their loads and their complex open cases are each read grouped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Max, Q

from linkwork.accounts.models import Membership, Role, Scheme, User
from linkwork.core.presenters import date_uk
from linkwork.referrals import capacity
from linkwork.referrals.lifecycle import OPEN_STATUSES, Complexity
from linkwork.referrals.models import Referral
from linkwork.support.models import SupervisionSession, support_settings

COMPLEX = (Complexity.COMPLEX, Complexity.VERY_COMPLEX)


class PromptKind(models.TextChoices):
    NO_SUPERVISION = "no_supervision", "No recent supervision"
    OVER_LIMIT = "over_limit", "Caseload above the safe limit"
    COMPLEX_CASES = "complex_cases", "Many complex cases"


@dataclass(frozen=True)
class Prompt:
    scheme: Scheme
    worker: User
    kind: PromptKind
    detail: str


def complex_counts(scheme: Scheme) -> dict[int, tuple[int, int]]:
    """(open cases, complex open cases) by link worker id, of the scheme: numbers only."""
    rows = (
        Referral.objects.filter(scheme=scheme, link_worker__isnull=False, status__in=OPEN_STATUSES)
        .order_by()
        .values("link_worker_id")
        .annotate(open=Count("pk"), complex=Count("pk", filter=Q(complexity__in=COMPLEX)))
    )
    return {row["link_worker_id"]: (row["open"], row["complex"]) for row in rows}


def prompts_for(scheme: Scheme, today: dt.date) -> list[Prompt]:
    """What the scheme's lead should look at today, by link worker name then kind."""
    rules = support_settings(scheme)
    loads = capacity.scheme_loads([scheme]).get(scheme.pk, [])
    joined = dict(
        Membership.objects.filter(scheme=scheme, role=Role.LINK_WORKER).values_list(
            "user_id", "created_at"
        )
    )
    last = dict(
        SupervisionSession.objects.filter(scheme=scheme)
        .order_by()
        .values("supervisee_id")
        .annotate(last=Max("held_on"))
        .values_list("supervisee_id", "last")
    )
    cases = complex_counts(scheme)
    since = today - dt.timedelta(weeks=rules.supervision_gap_weeks)
    found: list[Prompt] = []
    for load in loads:
        worker = load.worker
        held = last.get(worker.pk)
        started = joined.get(worker.pk)
        new_starter = started is not None and started.date() > since
        if (held is None and not new_starter) or (held is not None and held < since):
            detail = f"Last supervised on {date_uk(held)}." if held else "No supervision recorded."
            found.append(Prompt(scheme, worker, PromptKind.NO_SUPERVISION, detail))
        if load.active_weighted > load.active_limit:
            found.append(
                Prompt(
                    scheme,
                    worker,
                    PromptKind.OVER_LIMIT,
                    f"Active load {load.active_weighted:g} against a safe limit of "
                    f"{load.active_limit}.",
                )
            )
        open_cases, complex_cases = cases.get(worker.pk, (0, 0))
        share = 100 * complex_cases / open_cases if open_cases else 0
        if complex_cases and (
            complex_cases >= rules.complex_count or share >= rules.complex_share_percent
        ):
            found.append(
                Prompt(
                    scheme,
                    worker,
                    PromptKind.COMPLEX_CASES,
                    f"{complex_cases} of {open_cases} open cases are complex.",
                )
            )
    return found
