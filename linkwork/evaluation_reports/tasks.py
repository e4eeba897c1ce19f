"""Evaluations asked for from the insights pages, built by the task worker."""

from __future__ import annotations

import dataclasses
import logging

from django.utils import timezone
from django_tasks import task

from linkwork.audit import auditor
from linkwork.evaluation_reports.analyses import build_report
from linkwork.evaluation_reports.frames import Extract
from linkwork.evaluation_reports.live import extract_from_database
from linkwork.evaluation_reports.models import (
    EvaluationRequest,
    EvaluationStatus,
    reports_directory,
)
from linkwork.evaluation_reports.render import PdfUnavailable, html_of, pdf_of, write_atomically
from linkwork.evaluation_reports.spec import Spec, SpecError
from linkwork.evaluation_reports.standard import standard_spec
from linkwork.referrals.models import Referral

logger = logging.getLogger(__name__)


def _with_data(spec: Spec, extract: Extract) -> Spec:
    """The spec less the outcome measures this scheme has too few before-and-after pairs of."""
    people = extract.episodes

    def paired(instrument: str) -> bool:
        before, after = f"{instrument}_baseline", f"{instrument}_follow_up"
        if before not in people.columns:
            return False
        return int((people[before].notna() & people[after].notna()).sum()) >= 2

    return dataclasses.replace(spec, change=tuple(c for c in spec.change if paired(c.instrument)))


@task()
def build_requested_evaluation(evaluation_id: str) -> str:
    """Build the report of one requested evaluation; returns what became of it."""
    updated = EvaluationRequest.objects.filter(
        pk=evaluation_id, status=EvaluationStatus.QUEUED
    ).update(status=EvaluationStatus.RUNNING)
    if not updated:
        return "skipped"
    found = EvaluationRequest.objects.select_related("requested_by", "scheme").get(pk=evaluation_id)
    folder = reports_directory()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        spec = standard_spec(
            title=f"{found.scheme.name}: standard evaluation",
            analyses=list(found.analyses),
            period_from=found.period_from,
            period_to=found.period_to,
        )
        extract, written = extract_from_database(
            spec, Referral._default_manager.filter(scheme_id=found.scheme_id)
        )
        report = build_report(_with_data(spec, extract), extract)
        html = html_of(report)
        write_atomically(found.path("html"), html.encode("utf-8"))
        if found.with_pdf:
            try:
                write_atomically(found.path("pdf"), pdf_of(html))
                found.has_pdf = True
            except PdfUnavailable as error:
                found.error = str(error)[:300]
    except SpecError as error:
        found.status, found.error = EvaluationStatus.FAILED, str(error)[:300]
    except Exception as unexpected:  # the request must say it failed, not stay "being built"
        logger.exception("Evaluation %s failed", evaluation_id)
        found.status = EvaluationStatus.FAILED
        found.error = f"Unexpected error ({type(unexpected).__name__})"
    else:
        found.status = EvaluationStatus.DONE
        found.problems = len(report.problems)
        auditor.record(
            action="evaluation_reports.report_built",
            actor=found.requested_by,
            object_type="evaluation_reports.evaluationrequest",
            object_id=str(found.pk),
            detail={
                "scheme": found.scheme_id,
                "analyses": list(found.analyses),
                "episodes": written.episodes,
                "problems": found.problems,
                "pdf": found.has_pdf,
            },
        )
    found.finished_at = timezone.now()
    found.save(update_fields=["status", "error", "finished_at", "has_pdf", "problems"])
    return str(found.status)
