"""Insights pages: the standard evaluation of a scheme, asked for here and built by the task
worker; the report downloaded when it is ready."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_http_methods

from linkwork.accounts import gate
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.permissions import Ability
from linkwork.core.presenters import datetime_uk
from linkwork.evaluation_reports import actions
from linkwork.evaluation_reports.forms import EvaluationForm
from linkwork.evaluation_reports.models import (
    ANALYSES,
    EvaluationRequest,
    EvaluationStatus,
    evaluable_scheme_ids,
)
from linkwork.insights import requested

KINDS = {"html": "text/html", "pdf": "application/pdf"}
NO_KEY = (
    "Evaluations cannot be run yet: the pseudonym key (LINKWORK_PSEUDONYM_KEY) is not set. "
    "Ask whoever runs Linkwork to set it"
)


@dataclass(frozen=True)
class EvaluationRow:
    id: str
    requested: str
    scheme: str
    period: str
    analyses: str
    status: str
    done: bool
    has_pdf: bool
    note: str

    @classmethod
    def of(cls, found: EvaluationRequest) -> EvaluationRow:
        names = dict(ANALYSES)
        note = found.error
        if found.status == EvaluationStatus.DONE and found.problems:
            note = f"{found.problems} analysis could not run: the report says why"
        return cls(
            id=str(found.pk),
            requested=datetime_uk(found.requested_at),
            scheme=found.scheme.name,
            period=f"{found.period_from or 'start'} to {found.period_to or 'now'}",
            analyses="; ".join(names.get(a, a).split(" (")[0] for a in found.analyses),
            status=found.get_status_display(),
            done=found.status == EvaluationStatus.DONE,
            has_pdf=found.has_pdf,
            note=note,
        )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for the standard evaluation of a scheme, and download the reports asked for."""
    gate.require(request, Ability.RUN_EVALUATION)
    schemes = evaluable_scheme_ids(request.user)
    form = EvaluationForm(request.POST or None, schemes=schemes)

    def ask() -> None:
        data = form.cleaned_data
        actions.request_evaluation(
            by=request.user,
            scheme=form.schemes[data["scheme"]],
            analyses=list(data["analyses"]),
            period_from=data["period_from"],
            period_to=data["period_to"],
            with_pdf=data["with_pdf"],
        )

    return requested.request_page(
        request,
        form=form,
        ask=ask,
        no_key=NO_KEY,
        asked="Your evaluation is being built. Come back to this page to download it",
        again="evaluation_reports:evaluation",
        template="evaluation_reports/evaluation.jinja",
        title="Evaluate a scheme",
        found=lambda: EvaluationRequest.objects.visible_to(request.user).select_related("scheme"),
        row=EvaluationRow.of,
    )


@login_required
def download(request: AuthenticatedHttpRequest, evaluation_id: str) -> HttpResponseBase:
    """The report of an evaluation that is ready, for the person who asked for it."""
    found = gate.get_visible_or_404(
        request,
        EvaluationRequest.objects.visible_to(request.user),
        ability=Ability.RUN_EVALUATION,
        pk=evaluation_id,
    )
    kind = request.GET.get("format", "html")
    if kind not in KINDS or (kind == "pdf" and not found.has_pdf):
        raise Http404("This evaluation has no such file")
    return requested.ready_file(
        request,
        found,
        path=found.path(kind),
        done=found.status == EvaluationStatus.DONE,
        not_ready="This report is not ready to download",
        action="evaluation_reports.report_downloaded",
        detail={"format": kind, "scheme": found.scheme_id},
        filename=f"linkwork-evaluation-{found.pk}.{kind}",
        content_type=KINDS[kind],
    )
