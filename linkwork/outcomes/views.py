"""Record outcome measures for a referral and show their trajectories."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from linkwork.accounts import gate
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.audit import auditor
from linkwork.outcomes import actions, presenters, safety
from linkwork.outcomes.definitions import Instrument
from linkwork.outcomes.errors import ScoreError
from linkwork.outcomes.forms import (
    SCALED_FORMATS,
    Eq5dForm,
    FlagHandledForm,
    LicensedForm,
    MeasureForm,
)
from linkwork.outcomes.licensing import recordable, scheme_switched_off
from linkwork.outcomes.models import OutcomeMeasure, SafetyFlag
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.referrals.models import Referral
from linkwork.referrals.scoping import get_case_or_404

# "licensed" instruments (PAM, MYCaW) all need a licence, so `recordable` decides per deployment.
RECORDABLE_FORMATS = (*SCALED_FORMATS, "eq5d", "licensed")


def _recordable_instruments(scheme_id: int) -> list[Instrument]:
    """Instruments with a record form that the scheme may record (see `licensing`): its
    switches are read once for the page."""
    off = scheme_switched_off(scheme_id)
    return [
        i
        for i in INSTRUMENTS.values()
        if i.response_format in RECORDABLE_FORMATS and recordable(i, off=off)
    ]


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _eq5d_context(referral: Referral) -> tuple[dict[str, object], str | None]:
    """The scoring context for the deployment's EQ-5D method, or a message saying why the
    person's record cannot give it."""
    method = settings.LINKWORK_EQ5D_METHOD
    if method != "dsu_2023":
        return {"method": method}, None
    person = referral.person
    if person.sex not in ("male", "female"):
        return {}, (
            "This deployment scores EQ-5D-5L with the NICE DSU 5L-to-3L mapping, which needs "
            f"the person's sex recorded as male or female; it is recorded as "
            f"{person.get_sex_display().lower()}. Update the person's details first."
        )
    age = _age(person.date_of_birth, timezone.localdate())
    return {"method": method, "sex": person.sex, "age": age}, None


@login_required
def record(request: AuthenticatedHttpRequest, referral_id: str, instrument: str) -> HttpResponse:
    referral = get_case_or_404(request, referral_id)
    definition = INSTRUMENTS.get(instrument)
    if (
        definition is None
        or definition.response_format not in RECORDABLE_FORMATS
        or not recordable(definition, referral.scheme_id)
    ):
        raise Http404
    data = request.POST if request.method == "POST" else None
    # Links from the caseload and the discharge page say which time point is due.
    initial = {"time_point": request.GET["time_point"]} if "time_point" in request.GET else None
    form: MeasureForm | Eq5dForm | LicensedForm
    context: dict[str, object] = {}
    problem = None
    template = "outcomes/record.jinja"
    if definition.response_format == "licensed":
        form = LicensedForm(data, instrument=definition, initial=initial)
        template = "outcomes/record_licensed.jinja"
    elif definition.response_format == "eq5d":
        form = Eq5dForm(data, instrument=definition, initial=initial)
        context, problem = _eq5d_context(referral)
        if problem is not None and form.is_bound:
            form.is_valid()
            form.add_error(None, problem)
    else:
        form = MeasureForm(data, instrument=definition, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            measure = actions.record_measure(
                by=request.user,
                referral=referral,
                instrument=definition.id,
                time_point=form.cleaned_data["time_point"],
                responses=form.responses(),
                context=context,
            )
        except ScoreError as error:
            form.add_error(form.field_for(error.field), error.message)
        else:
            messages.success(request, f"{definition.name} recorded")
            url = reverse("outcomes:trajectories", args=[referral.pk])
            return redirect(f"{url}?recorded={measure.pk}")
    return render(
        request,
        template,
        {
            "page_title": f"Record {definition.name}",
            "referral": referral,
            "instrument": definition,
            "form": form,
            "form_errors": bool(form.errors),
            "problem": problem,
        },
    )


@login_required
def trajectories(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    referral = get_case_or_404(request, referral_id)
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
            "instruments": _recordable_instruments(referral.scheme_id),
            "warnings": warnings,
        },
    )


@login_required
def flag(request: AuthenticatedHttpRequest, referral_id: str, flag_id: str) -> HttpResponse:
    """Record how an open safety flag was handled; once recorded, the flag closes."""
    referral = get_case_or_404(request, referral_id)
    found = gate.get_visible_or_404(request, SafetyFlag, pk=flag_id, referral=referral)
    handled = getattr(found, "handling", None)
    form = FlagHandledForm(request.POST if request.method == "POST" and handled is None else None)
    if form.is_bound and form.is_valid():
        try:
            actions.record_flag_handled(
                by=request.user, flag=found, action_taken=form.cleaned_data["action_taken"]
            )
        except actions.FlagError as error:
            form.add_error("action_taken", str(error))
        else:
            messages.success(request, "What you did is recorded. The safety flag is closed.")
            return redirect("referrals:detail", referral.pk)
    return render(
        request,
        "outcomes/flag.jinja",
        {
            "page_title": f"Safety flag on referral {referral.reference}",
            # Not "referral": the layout would repeat this flag above its own form.
            "case": referral,
            "flag": safety.present(found),
            "handled": handled,
            "form": form,
            "form_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )
