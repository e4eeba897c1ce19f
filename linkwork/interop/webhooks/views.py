"""The webhook pages, for admins of an organisation: its endpoints (add, deactivate, rotate the
secret) and its dead deliveries (replay one or all). Every page goes through the gate and is
scoped to the organisations where the user is an admin; every view and change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages as banners
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Organisation, Role
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core.paging import paging
from linkwork.core.presenters import datetime_uk
from linkwork.interop.webhooks import actions
from linkwork.interop.webhooks.forms import EndpointForm
from linkwork.interop.webhooks.models import (
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
)
from linkwork.interop.webhooks.signing import (
    ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
)

PAGE_SIZE = 25
EVENT_LABELS = dict(EventType.choices)


@dataclass(frozen=True)
class EndpointRow:
    id: str
    name: str
    organisation: str
    url: str
    events: str
    active: bool
    created: str
    pending: int
    dead: int

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> EndpointRow:
        return cls(
            id=str(endpoint.pk),
            name=endpoint.name,
            organisation=endpoint.organisation.name,
            url=endpoint.url,
            events=", ".join(EVENT_LABELS.get(e, e) for e in endpoint.events),
            active=endpoint.active,
            created=datetime_uk(endpoint.created_at),
            pending=getattr(endpoint, "pending", 0),
            dead=getattr(endpoint, "dead", 0),
        )


@dataclass(frozen=True)
class DeadRow:
    id: str
    endpoint: str
    event: str
    resource: str
    created: str
    attempts: int
    problem: str

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> DeadRow:
        event = delivery.event
        return cls(
            id=str(delivery.pk),
            endpoint=delivery.endpoint.name,
            event=EVENT_LABELS.get(event.type, event.type),
            resource=f"{event.resource_type}/{event.resource_id}",
            created=datetime_uk(delivery.created_at),
            attempts=delivery.attempts,
            problem=delivery.last_error or "Not recorded",
        )


def _organisations(request: AuthenticatedHttpRequest) -> list[tuple[int, str]]:
    admin_of = permissions.organisation_ids(request.user, Role.ADMIN)
    return list(
        Organisation.objects.filter(pk__in=admin_of).order_by("name").values_list("pk", "name")
    )


def _secret_page(
    request: AuthenticatedHttpRequest, endpoint: WebhookEndpoint, secret: str, *, rotated: bool
) -> HttpResponse:
    """The one time the secret is shown; never cached."""
    response = render(
        request,
        "webhooks/secret.jinja",
        {
            "page_title": "Copy the signing secret",
            "endpoint": endpoint,
            "secret": secret,
            "rotated": rotated,
            "headers": (ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def endpoints(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The endpoints of the admin's organisations, with their pending and dead deliveries."""
    gate.require(request, Ability.MANAGE_WEBHOOKS)
    found = (
        WebhookEndpoint.objects.visible_to(request.user)
        .select_related("organisation")
        .annotate(
            pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
            dead=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DEAD)),
        )
        .order_by("-active", "name", "id")
    )
    auditor.record(action="webhook.endpoints_viewed", request=request)
    rows = [EndpointRow.of(endpoint) for endpoint in found]
    return render(
        request,
        "webhooks/endpoints.jinja",
        {
            "page_title": "Webhooks",
            "rows": rows,
            "dead": sum(row.dead for row in rows),
            "several_organisations": len({row.organisation for row in rows}) > 1,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_endpoint(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add an endpoint; the page that follows shows its secret, once."""
    gate.require(request, Ability.MANAGE_WEBHOOKS)
    organisations = _organisations(request)
    form = EndpointForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        endpoint, secret = actions.create_endpoint(
            by=request.user,
            organisation=Organisation.objects.get(pk=form.cleaned_data["organisation"]),
            name=form.cleaned_data["name"],
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
        )
        return _secret_page(request, endpoint, secret, rotated=False)
    return render(
        request,
        "webhooks/new.jinja",
        {"page_title": "Add a webhook endpoint", "form": form},
        status=400 if form.errors else 200,
    )


def _managed(request: AuthenticatedHttpRequest, model: Any, pk: str) -> Any:
    """The endpoint or delivery `pk` of the user's own organisation, or a refusal (403 without
    the ability, 404 for another organisation's), audited by the gate."""
    return gate.get_visible_or_404(
        request, model.objects.visible_to(request.user), ability=Ability.MANAGE_WEBHOOKS, pk=pk
    )


@login_required
@require_POST
def deactivate(request: AuthenticatedHttpRequest, endpoint_id: str) -> HttpResponse:
    found = _managed(request, WebhookEndpoint, endpoint_id)
    try:
        actions.deactivate_endpoint(by=request.user, endpoint=found)
    except actions.WebhookError as refused:
        banners.error(request, str(refused))
    else:
        banners.success(request, f"{found.name} is deactivated: nothing more will be sent to it")
    return redirect("webhooks:endpoints")


@login_required
@require_POST
def rotate(request: AuthenticatedHttpRequest, endpoint_id: str) -> HttpResponse:
    """A new secret for the endpoint, shown once; the old one stops working at once."""
    found = _managed(request, WebhookEndpoint, endpoint_id)
    try:
        secret = actions.rotate_secret(by=request.user, endpoint=found)
    except actions.WebhookError as refused:
        banners.error(request, str(refused))
        return redirect("webhooks:endpoints")
    return _secret_page(request, found, secret, rotated=True)


@login_required
def dead(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Deliveries that gave up, newest first, to replay once the receiver is fixed."""
    gate.require(request, Ability.MANAGE_WEBHOOKS)
    found = (
        WebhookDelivery.objects.visible_to(request.user)
        .filter(status=DeliveryStatus.DEAD)
        .select_related("endpoint", "event")
        .order_by("-created_at", "id")
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    auditor.record(action="webhook.dead_list_viewed", request=request, detail={"page": page.number})
    return render(
        request,
        "webhooks/dead.jinja",
        {
            "page_title": "Webhook deliveries that gave up",
            "page": page,
            "paging": paging(request.GET, page),
            "rows": [DeadRow.of(delivery) for delivery in page.object_list],
        },
    )


@login_required
@require_POST
def replay(request: AuthenticatedHttpRequest, delivery_id: str) -> HttpResponse:
    found = _managed(request, WebhookDelivery, delivery_id)
    try:
        actions.replay_delivery(by=request.user, delivery=found)
    except actions.WebhookError as refused:
        banners.error(request, str(refused))
    else:
        banners.success(request, "The delivery will be sent again")
    return redirect("webhooks:dead")


@login_required
@require_POST
def replay_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.MANAGE_WEBHOOKS)
    found = WebhookDelivery.objects.visible_to(request.user).filter(status=DeliveryStatus.DEAD)
    replayed = actions.replay_all(by=request.user, deliveries=found.order_by("created_at", "id"))
    banners.success(
        request, f"{replayed} deliver{'y' if replayed == 1 else 'ies'} will be sent again"
    )
    return redirect("webhooks:dead")
