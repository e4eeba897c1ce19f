"""Extracts asked for from the app, written by the task worker."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import QuerySet
from django_tasks import task

from linkwork.accounts.models import Scheme
from linkwork.audit import auditor
from linkwork.insights.extract import ExtractError, Written, write_extract
from linkwork.insights.models import ExtractRequest, ExtractStatus, extracts_directory
from linkwork.insights.requested import claim, finish
from linkwork.referrals.models import Referral

logger = logging.getLogger(__name__)


def referrals_of(scheme_ids: list[int]) -> QuerySet[Referral]:
    """The referrals of the schemes an extract was asked for (fixed when it was asked)."""
    return Referral._default_manager.filter(scheme_id__in=scheme_ids)


def audit_written(*, actor: Any, written: Written, via: str, extract_id: str = "") -> None:
    """The `insights.extract_written` event: counts and formats, never personal data."""
    auditor.record(
        action="insights.extract_written",
        actor=actor,
        object_type="insights.extractrequest" if extract_id else "",
        object_id=extract_id,
        detail={**written.detail(), "via": via},
    )


@task()
def write_requested_extract(extract_id: str) -> str:
    """Write the files of one requested extract; returns what became of it."""
    extract = claim(
        ExtractRequest,
        extract_id,
        statuses=ExtractStatus,
        folder=extracts_directory(),
        related=("requested_by",),
    )
    if extract is None:
        return "skipped"
    schemes = list(Scheme.objects.filter(pk__in=extract.schemes).values_list("pk", flat=True))

    def written(made: Written) -> None:
        extract.episodes, extract.measures = made.episodes, made.measures
        audit_written(
            actor=extract.requested_by, written=made, via="app", extract_id=str(extract.pk)
        )

    return finish(
        extract,
        statuses=ExtractStatus,
        make=lambda: write_extract(
            referrals_of(schemes),
            out=extract.path("episodes"),
            measures_out=extract.path("measures") if extract.with_measures else None,
            clinical_out=extract.path("clinical") if extract.with_clinical else None,
            care_use_out=extract.path("care_use") if extract.with_clinical else None,
        ),
        expected=ExtractError,
        done=written,
        fields=["status", "error", "episodes", "measures", "finished_at"],
        logger=logger,
    )


@task()
def refresh_facts(referrals: list[str] | None = None, people: list[str] | None = None) -> int:
    """Rewrite the dashboards' facts of referrals (and people) whose records changed."""
    from linkwork.insights import facts

    return facts.refresh(referrals=referrals or [], people=people or [])
