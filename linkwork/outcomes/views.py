"""Record outcome measures for a referral and show their trajectories."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from linkwork.accounts import permissions
from linkwork.accounts.models import Role
from linkwork.audit import auditor
from linkwork.core.scoping import get_visible_or_404
from linkwork.outcomes import actions, presenters
from linkwork.outcomes.definitions import Instrument
from linkwork.outcomes.errors import ScoreError
from linkwork.outcomes.forms import SCALED_FORMATS, MeasureForm
from linkwork.outcomes.models import OutcomeMeasure
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.referrals.models import Referral


def _referral(request: HttpRequest, referral_id: str) -> Referral:
    """The referral, if the user is a link worker or scheme lead of its scheme; else 404."""
    referral = get_visible_or_404(request, Referral, pk=referral_id)
    schemes = permissions.scheme_ids(request.user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    if referral.scheme_id not in schemes:
        auditor.record(
            action="access.denied",
            request=request,
            target=referral,
            scheme_id=referral.scheme_id,
            detail={"model": "outcomes.outcomemeasure", "referral": str(referral.pk)},
        )
        raise Http404
    return referral


def _scaled_instruments() -> list[Instrument]:
    return [i for i in INSTRUMENTS.values() if i.response_format in SCALED_FORMATS]


@login_required
def record(request: HttpRequest, referral_id: str, instrument: str) -> HttpResponse:
    referral = _referral(request, referral_id)
    definition = INSTRUMENTS.get(instrument)
    if definition is None or definition.response_format not in SCALED_FORMATS:
        raise Http404
    form = MeasureForm(request.POST if request.method == "POST" else None, instrument=definition)
    if request.method == "POST" and form.is_valid():
        try:
            measure = actions.record_measure(
                by=request.user,
                referral=referral,
                instrument=definition.id,
                time_point=form.cleaned_data["time_point"],
                responses=form.responses(),
            )
        except ScoreError as error:
            form.add_error(form.field_for(error.field), error.message)
        else:
            messages.success(request, f"{definition.name} recorded")
            url = reverse("outcomes:trajectories", args=[referral.pk])
            return redirect(f"{url}?recorded={measure.pk}")
    return render(
        request,
        "outcomes/record.jinja",
        {
            "page_title": f"Record {definition.name}",
            "referral": referral,
            "instrument": definition,
            "form": form,
            "form_errors": bool(form.errors),
        },
    )


@login_required
def trajectories(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = _referral(request, referral_id)
    measures = list(
        OutcomeMeasure.objects.visible_to(request.user)
        .filter(referral=referral)
        .order_by("recorded_at")
    )
    auditor.record(
        action="outcome.trajectories_viewed",
        request=request,
        target=referral,
        scheme_id=referral.scheme_id,
        detail={"measures": len(measures)},
    )
    warnings = []
    recorded = request.GET.get("recorded", "")
    just_recorded = next((m for m in measures if str(m.pk) == recorded), None)
    if just_recorded is not None and just_recorded.flags:
        definition = INSTRUMENTS[just_recorded.instrument]
        warnings = [f.note for f in definition.flags if f.id in just_recorded.flags]
    return render(
        request,
        "outcomes/trajectories.jinja",
        {
            "page_title": f"Outcome measures for referral {referral.reference}",
            "referral": referral,
            "trajectories": presenters.trajectories(measures),
            "instruments": _scaled_instruments(),
            "warnings": warnings,
        },
    )
