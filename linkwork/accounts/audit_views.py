"""The audit log search page, for system admins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from markupsafe import Markup

from linkwork.accounts import gate
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.audit.labels import action_words
from linkwork.audit.models import AuditEvent
from linkwork.core import tables
from linkwork.core.forms import HouseVoice
from linkwork.core.paging import paging
from linkwork.core.presenters import datetime_uk

PAGE_SIZE = 50


class AuditSearchForm(HouseVoice, forms.Form):
    action = forms.CharField(
        label="Action",
        required=False,
        max_length=64,
        help_text="For example person.viewed or access.denied",
    )
    actor = forms.CharField(label="User's email address", required=False, max_length=254)
    object_id = forms.CharField(label="Record ID", required=False, max_length=64)
    since = forms.DateField(
        label="From date",
        required=False,
        help_text="For example 2026-11-28",
        error_messages={"invalid": "Enter the from date as YYYY-MM-DD"},
    )
    until = forms.DateField(
        label="To date",
        required=False,
        help_text="For example 2026-11-28",
        error_messages={"invalid": "Enter the to date as YYYY-MM-DD"},
    )

    def clean(self) -> dict[str, object] | None:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, dt.date) and isinstance(until, dt.date) and since > until:
            self.add_error("until", "The to date must be the same as or after the from date")
        return data


def _model_words(label: str) -> str:
    """ "referrals.referral" -> "Referral": the model's own name for itself."""
    try:
        name = str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label
    return name[:1].upper() + name[1:]


def _record(event: AuditEvent) -> Markup:
    """The record, and for a refusal the page that was refused (the gate stores its path and
    URL name), so a refusal can be followed up without reading the raw entry."""
    parts = []
    if event.object_type:
        parts.append(
            tables.markup("{} <code>{}</code>", _model_words(event.object_type), event.object_id)
        )
    if event.action == "access.denied":
        detail = event.detail if isinstance(event.detail, dict) else {}
        if event.path:
            parts.append(tables.markup("Page <code>{}</code>", event.path))
        if detail.get("page"):
            parts.append(tables.markup("({})", detail["page"]))
        if detail.get("status"):
            parts.append(tables.markup("answered {}", detail["status"]))
    return Markup(" ").join(parts)


def _action(event: AuditEvent) -> Markup:
    # The code stays beside the words: the search box takes codes.
    return tables.markup(
        '{}<br><span class="nhsuk-body-s"><code>{}</code></span>',
        action_words(event.action),
        event.action,
    )


def events_table(events: Iterable[AuditEvent]) -> dict[str, Any]:
    """Audit events, newest first: when, who, what and to which record, and from where."""
    rows = [
        [
            {"text": datetime_uk(event.occurred_at), "classes": "lw-nowrap"},
            tables.text(event.actor.email if event.actor else "Not signed in"),
            tables.html(_action(event)),
            tables.html(_record(event)),
            tables.text(event.ip_address or ""),
        ]
        for event in events
    ]
    return tables.table("Audit entries", ["When", "Who", "Action", "Record", "From"], rows)


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.VIEW_AUDIT)
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action__startswith=data["action"].strip())
        if data["actor"]:
            events = events.filter(actor__email__iexact=data["actor"].strip())
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"].strip())
        if data["since"]:
            events = events.filter(occurred_at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(occurred_at__date__lte=data["until"])
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    auditor.record(action="audit.searched", request=request, detail={"page": page.number})
    return render(
        request,
        "audit/search.jinja",
        {
            "page_title": "Audit log",
            "form": form,
            "form_errors": bool(form.errors),
            "page": page,
            "events_table": events_table(page.object_list),
            "paging": paging(request.GET, page),
        },
    )
