"""Insights pages: the pseudonymised extract, asked for here and written by the task worker."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_http_methods

from linkwork.accounts import gate
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.permissions import Ability
from linkwork.core.presenters import datetime_uk
from linkwork.insights import actions, requested
from linkwork.insights.forms import ExtractForm
from linkwork.insights.models import ExtractRequest, ExtractStatus

PARTS = ("episodes", "measures", "clinical", "care_use")
CLINICAL_PARTS = ("clinical", "care_use")
NO_KEY = (
    "Extracts cannot be written yet: the pseudonym key (LINKWORK_PSEUDONYM_KEY) is not set. "
    "Ask whoever runs Linkwork to set it"
)


@dataclass(frozen=True)
class ExtractRow:
    """One requested extract as the page shows it."""

    id: str
    requested: str
    requested_by: str
    format: str
    status: str
    done: bool
    with_measures: bool
    with_clinical: bool
    counts: str
    error: str

    @classmethod
    def of(cls, extract: ExtractRequest) -> ExtractRow:
        counts = ""
        if extract.status == ExtractStatus.DONE:
            counts = f"{extract.episodes:,} episodes"
            if extract.with_measures:
                counts += f", {extract.measures:,} measures"
            if extract.with_clinical:
                counts += ", clinical measures and care use"
        return cls(
            id=str(extract.pk),
            requested=datetime_uk(extract.requested_at),
            requested_by=extract.requested_by.email,
            format=extract.get_file_format_display(),
            status=extract.get_status_display(),
            done=extract.status == ExtractStatus.DONE,
            with_measures=extract.with_measures,
            with_clinical=extract.with_clinical,
            counts=counts,
            error=extract.error,
        )


@login_required
@require_http_methods(["GET", "POST"])
def extract(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for a pseudonymised extract, and download the ones asked for before."""
    gate.require(request, Ability.REQUEST_EXTRACT)
    form = ExtractForm(request.POST or None)
    return requested.request_page(
        request,
        form=form,
        ask=lambda: actions.request_extract(
            by=request.user,
            file_format=form.cleaned_data["file_format"],
            with_measures=form.cleaned_data["with_measures"],
            with_clinical=form.cleaned_data["with_clinical"],
        ),
        no_key=NO_KEY,
        asked="Your extract is being written. Come back to this page to download it",
        again="insights:extract",
        template="insights/extract.jinja",
        title="Pseudonymised extract",
        found=lambda: ExtractRequest.objects.visible_to(request.user).select_related(
            "requested_by"
        ),
        row=ExtractRow.of,
    )


@login_required
def download(request: AuthenticatedHttpRequest, extract_id: str) -> HttpResponseBase:
    """One file of an extract that is ready: for the person who asked for it, or an admin."""
    found = gate.get_visible_or_404(
        request,
        ExtractRequest.objects.visible_to(request.user),
        ability=Ability.REQUEST_EXTRACT,
        pk=extract_id,
    )
    part = request.GET.get("file", "episodes")
    if (
        part not in PARTS
        or (part == "measures" and not found.with_measures)
        or (part in CLINICAL_PARTS and not found.with_clinical)
    ):
        raise Http404("This extract has no such file")
    path = found.path(part)
    return requested.ready_file(
        request,
        found,
        path=path,
        done=found.status == ExtractStatus.DONE,
        not_ready="This extract is not ready to download",
        action="insights.extract_downloaded",
        detail={"file": part, "format": found.file_format},
        filename=f"linkwork-{part}-{found.pk}{path.suffix}",
    )
