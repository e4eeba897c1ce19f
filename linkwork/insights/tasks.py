"""Extracts asked for from the app, written by the task worker."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from linkwork.accounts.models import Scheme
from linkwork.audit import auditor
from linkwork.insights.extract import ExtractError, Written, write_extract
from linkwork.insights.models import ExtractRequest, ExtractStatus, extracts_directory
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
    updated = ExtractRequest.objects.filter(pk=extract_id, status=ExtractStatus.QUEUED).update(
        status=ExtractStatus.RUNNING
    )
    if not updated:
        return "skipped"
    extract = ExtractRequest.objects.select_related("requested_by").get(pk=extract_id)
    folder = extracts_directory()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    schemes = list(Scheme.objects.filter(pk__in=extract.schemes).values_list("pk", flat=True))
    try:
        written = write_extract(
            referrals_of(schemes),
            out=extract.path("episodes"),
            measures_out=extract.path("measures") if extract.with_measures else None,
            clinical_out=extract.path("clinical") if extract.with_clinical else None,
            care_use_out=extract.path("care_use") if extract.with_clinical else None,
        )
    except ExtractError as error:
        extract.status, extract.error = ExtractStatus.FAILED, str(error)[:300]
    except Exception as unexpected:  # the task must say it failed, not stay "being written"
        logger.exception("Extract %s failed", extract_id)
        extract.status = ExtractStatus.FAILED
        extract.error = f"Unexpected error ({type(unexpected).__name__})"
    else:
        extract.status = ExtractStatus.DONE
        extract.episodes, extract.measures = written.episodes, written.measures
        audit_written(
            actor=extract.requested_by, written=written, via="app", extract_id=str(extract.pk)
        )
    extract.finished_at = timezone.now()
    extract.save(update_fields=["status", "error", "episodes", "measures", "finished_at"])
    return str(extract.status)


@task()
def refresh_facts(referrals: list[str] | None = None, people: list[str] | None = None) -> int:
    """Rewrite the dashboards' facts of referrals (and people) whose records changed."""
    from linkwork.insights import facts

    return facts.refresh(referrals=referrals or [], people=people or [])
