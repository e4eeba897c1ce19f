"""Writes of evaluation reports (STYLE rule 2): each one transaction, audited."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from linkwork.accounts.models import Scheme, User
from linkwork.audit import auditor
from linkwork.evaluation_reports.models import EvaluationRequest
from linkwork.evaluation_reports.tasks import build_requested_evaluation


@transaction.atomic
def request_evaluation(
    *,
    by: User,
    scheme: Scheme,
    analyses: list[str],
    period_from: str = "",
    period_to: str = "",
    with_pdf: bool = True,
) -> EvaluationRequest:
    """Ask the task worker for the standard evaluation of `scheme` (one `by` may evaluate:
    the view offers only those)."""
    found = EvaluationRequest.objects.create(
        requested_by=by,
        scheme=scheme,
        analyses=analyses,
        period_from=period_from,
        period_to=period_to,
        with_pdf=with_pdf,
    )
    auditor.record(
        action="evaluation_reports.report_requested",
        actor=by,
        target=found,
        detail={
            "scheme": scheme.pk,
            "analyses": analyses,
            "period": [period_from, period_to],
            "pdf": with_pdf,
        },
    )
    transaction.on_commit(partial(build_requested_evaluation.enqueue, str(found.pk)))
    return found
