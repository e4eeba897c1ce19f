"""Evaluations asked for from the insights pages, built by the task worker."""

from __future__ import annotations

import dataclasses
import logging

from django_tasks import task

from linkwork.audit import auditor
from linkwork.evaluation_reports.analyses import Report, build_report
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
from linkwork.insights.extract import Written
from linkwork.insights.requested import claim, finish
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
    found = claim(
        EvaluationRequest,
        evaluation_id,
        statuses=EvaluationStatus,
        folder=reports_directory(),
        related=("requested_by", "scheme"),
    )
    if found is None:
        return "skipped"

    def build() -> tuple[Report, Written]:
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
        return report, written

    def built(made: tuple[Report, Written]) -> None:
        report, written = made
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

    return finish(
        found,
        statuses=EvaluationStatus,
        make=build,
        expected=SpecError,
        done=built,
        fields=["status", "error", "finished_at", "has_pdf", "problems"],
        logger=logger,
    )
