"""The health check pages: the schemes a user may check, and one scheme's health check for a
quarter (the page, printable, and the same as a PDF).

Aggregates and ratings only: no page here names a person. Scheme leads see their schemes'
health checks; the admins and analysts of the organisation hosting a scheme read it too
(`Ability.VIEW_HEALTH_CHECK`). Every view goes through the gate and is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Role, Scheme
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.healthcheck import contributions, pdf, report
from linkwork.healthcheck import report_presenters as presenters
from linkwork.healthcheck.framework import Archetype, Level, Setting


def visible_schemes(user: Any) -> list[Scheme]:
    """The schemes whose health check the user may read, by name."""
    led = permissions.scheme_ids(user, Role.SCHEME_LEAD)
    hosts = permissions.organisation_ids(user, Role.ADMIN, Role.ANALYST)
    return list(Scheme.objects.filter(Q(pk__in=led) | Q(host_id__in=hosts)).order_by("name"))


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.VIEW_HEALTH_CHECK)
    schemes = visible_schemes(request.user)
    auditor.record(action="healthcheck.listed", request=request)
    return render(
        request,
        "healthcheck/index.jinja",
        {"page_title": "Scheme health check", "schemes": schemes},
    )


def _scheme(request: AuthenticatedHttpRequest, scheme_id: int) -> Scheme:
    return gate.get_visible_or_404(
        request,
        Scheme.objects.select_related("host"),
        ability=Ability.VIEW_HEALTH_CHECK,
        pk=scheme_id,
    )


def _built(request: AuthenticatedHttpRequest, scheme: Scheme) -> report.HealthCheck:
    today = timezone.localdate()
    try:
        quarter = report.parse_quarter(request.GET.get("quarter", ""), today)
    except ValueError as error:
        raise Http404(str(error)) from None
    return report.build(scheme, quarter)


def _context(request: AuthenticatedHttpRequest, check: report.HealthCheck) -> dict[str, Any]:
    cells = check.cells.values()
    return {
        # Whether the reader keeps the self-assessment and action plan (their links shown),
        # or reads them only (a host analyst).
        "can_assess": permissions.may(request.user, Ability.ASSESS_SCHEME, check.scheme),
        "has_assessment": any(
            s.heading == contributions.SELF_ASSESSMENT for c in cells for s in c.sections
        ),
        "check": check,
        "levels": list(Level),
        "settings": list(Setting),
        "archetypes": list(Archetype),
        "p": presenters,
        "below_best": sum(c.rating not in (None, Archetype.BEST) for c in cells),
        "rated": sum(c.rating is not None for c in cells),
        "generated": timezone.localtime(),
    }


@login_required
@require_GET
def scheme_check(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    scheme = _scheme(request, scheme_id)
    check = _built(request, scheme)
    auditor.record(
        action="healthcheck.viewed",
        request=request,
        target=scheme,
        scheme_id=scheme.pk,
        detail={"quarter": check.quarter.name},
    )
    today = timezone.localdate()
    return render(
        request,
        "healthcheck/scheme.jinja",
        {
            "page_title": f"Health check: {scheme.name}",
            "quarters": report.recent_quarters(today),
            **_context(request, check),
        },
    )


@login_required
@require_GET
def scheme_pdf(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    scheme = _scheme(request, scheme_id)
    check = _built(request, scheme)
    html = render_to_string("healthcheck/print.jinja", _context(request, check), request=request)
    try:
        body = pdf.pdf_of(html)
    except pdf.PdfUnavailable as error:
        raise Http404(str(error)) from None
    auditor.record(
        action="healthcheck.downloaded",
        request=request,
        target=scheme,
        scheme_id=scheme.pk,
        detail={"quarter": check.quarter.name, "format": "pdf"},
    )
    response = HttpResponse(body, content_type="application/pdf")
    name = f"health-check-{scheme.pk}-{check.quarter.name}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
