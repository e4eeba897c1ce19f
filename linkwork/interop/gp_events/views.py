"""The GP events pages. Scheme leads and the admins of a scheme's host organisation see what
each practice is owed, export it, and download a batch again as it was; a GP practice's
referrers see and download the batches made for their own practice only.

Every page passes the access gate (403 for a role that may not see exports, or may not export;
404 for a batch of another scheme or practice) and every view, export and download is
audited."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Organisation, OrganisationKind, Role, Scheme
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core import tables
from linkwork.core.forms import HouseVoice, error_summary
from linkwork.core.presenters import datetime_uk
from linkwork.interop.gp_events import actions, events
from linkwork.interop.gp_events.models import ExportBatch
from linkwork.people.models import Person


def schemes_of(request: AuthenticatedHttpRequest) -> list[Scheme]:
    """The schemes the user may export for: those they lead, or that an organisation they
    administer hosts."""
    leads = permissions.scheme_ids(request.user, Role.SCHEME_LEAD)
    hosts = permissions.organisation_ids(request.user, Role.ADMIN)
    return list(Scheme.objects.filter(Q(pk__in=leads) | Q(host_id__in=hosts)).order_by("name"))


def practices_of(scheme: Scheme) -> list[Organisation]:
    """The GP practices where people the scheme has had referred are registered."""
    registered = Person.objects.filter(referrals__scheme=scheme).values("gp_practice_id")
    return list(
        Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE, pk__in=registered).order_by(
            "name"
        )
    )


@dataclass(frozen=True)
class Row:
    scheme: Scheme
    practice: Organisation
    due: events.Pending


class ExportForm(HouseVoice, forms.Form):
    scheme = forms.TypedChoiceField(coerce=int, label="Scheme")
    practice = forms.TypedChoiceField(coerce=int, label="GP practice")

    def __init__(self, *args: object, rows: list[Row], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.rows = rows
        schemes = sorted({(r.scheme.pk, r.scheme.name) for r in rows})
        practices = sorted({(r.practice.pk, r.practice.name) for r in rows})
        self.fields["scheme"].choices = schemes  # type: ignore[attr-defined]
        self.fields["practice"].choices = practices  # type: ignore[attr-defined]

    def row(self) -> Row | None:
        wanted = (self.cleaned_data["scheme"], self.cleaned_data["practice"])
        return next((r for r in self.rows if (r.scheme.pk, r.practice.pk) == wanted), None)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not self.errors and self.row() is None:
            self.add_error("practice", "No one referred to this scheme is at this practice.")
        return data


def _rows(request: AuthenticatedHttpRequest) -> list[Row]:
    return [
        Row(scheme, practice, events.pending(scheme, practice))
        for scheme in schemes_of(request)
        for practice in practices_of(scheme)
    ]


def _practice_table(rows: list[Row]) -> dict[str, object]:
    return tables.records_table(
        "New coded events by practice",
        [
            ("Scheme", lambda r: tables.text(r.scheme.name)),
            ("GP practice", lambda r: tables.text(r.practice.name)),
            ("ODS code", lambda r: tables.text(r.practice.ods_code)),
            ("New events", lambda r: tables.text(len(r.due.events))),
            ("Held back: no NHS number", lambda r: tables.text(r.due.held_back)),
        ],
        rows,
    )


def _batch_table(batches: list[ExportBatch]) -> dict[str, object]:
    return tables.records_table(
        "Exports",
        [
            (
                "Exported",
                lambda b: tables.link(datetime_uk(b.exported_at), f"batches/{b.pk}/"),
            ),
            ("Scheme", lambda b: tables.text(b.scheme.name)),
            ("GP practice", lambda b: tables.text(b.practice.name)),
            ("Events", lambda b: tables.text(len(b.events))),
            ("By", lambda b: tables.text(b.exported_by.full_name if b.exported_by else "Command")),
        ],
        batches,
    )


@login_required
@require_http_methods(["GET", "POST"])
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each practice's new events, a form to export them, and the exports made; for a GP
    practice, the exports made for it."""
    gate.require(request, Ability.VIEW_GP_EVENTS)
    exporter = permissions.may(request.user, Ability.EXPORT_GP_EVENTS)
    if request.method == "POST" and not exporter:
        gate.refuse(request, ability=Ability.EXPORT_GP_EVENTS)
    rows = _rows(request) if exporter else []
    form = ExportForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid() and (row := form.row()) is not None:
        batch = actions.export(by=request.user, scheme=row.scheme, practice=row.practice)
        if batch is None:
            messages.info(request, f"Nothing new to export for {row.practice.name}.")
            return redirect("gp_events:index")
        messages.success(request, f"{len(batch.events)} event(s) exported.")
        return redirect("gp_events:batch", batch_id=batch.pk)
    batches = list(
        ExportBatch.objects.visible_to(request.user).select_related(
            "scheme", "practice", "exported_by"
        )[:50]
    )
    auditor.record(action="gp_events.viewed", request=request)
    errors = error_summary(form) if form.errors else []
    return render(
        request,
        "gp_events/index.jinja",
        {
            "page_title": "Coded events for GP records",
            "exporter": exporter,
            "form": form,
            "errors": errors,
            "practices": _practice_table(rows),
            "batches": _batch_table(batches),
        },
        status=400 if errors else 200,
    )


def _batch(request: AuthenticatedHttpRequest, batch_id: object) -> ExportBatch:
    scope = ExportBatch.objects.visible_to(request.user).select_related("scheme", "practice")
    return gate.get_visible_or_404(request, scope, ability=Ability.VIEW_GP_EVENTS, pk=batch_id)


@login_required
@require_GET
def batch(request: AuthenticatedHttpRequest, batch_id: object) -> HttpResponse:
    """One export: how many of each event it holds, and its downloads."""
    found = _batch(request, batch_id)
    counts: dict[str, int] = {}
    for event in actions.batch_events(found):
        counts[event.term] = counts.get(event.term, 0) + 1
    auditor.record(
        action="gp_events.batch_viewed", request=request, target=found, scheme_id=found.scheme_id
    )
    return render(
        request,
        "gp_events/batch.jinja",
        {
            "page_title": "GP events export",
            "batch": found,
            "exported": datetime_uk(found.exported_at),
            "counts": tables.table(
                "Events in this export",
                ["Event", "Number"],
                ([tables.text(term), tables.text(n)] for term, n in sorted(counts.items())),
            ),
        },
    )


def _download(
    request: AuthenticatedHttpRequest, batch_id: object, file_format: str
) -> HttpResponse:
    found = _batch(request, batch_id)
    body = actions.content(found, file_format)
    actions.downloaded(by=request.user, batch=found, file_format=file_format, request=request)
    response = HttpResponse(body, content_type=actions.FORMATS[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="{actions.file_name(found, file_format)}"'
    )
    return response


@login_required
@require_GET
def batch_csv(request: AuthenticatedHttpRequest, batch_id: object) -> HttpResponse:
    return _download(request, batch_id, "csv")


@login_required
@require_GET
def batch_fhir(request: AuthenticatedHttpRequest, batch_id: object) -> HttpResponse:
    return _download(request, batch_id, "fhir")
