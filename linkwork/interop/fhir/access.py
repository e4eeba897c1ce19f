"""Who is calling the FHIR API, and what they may see.

A caller is an organisation, by an API token with the `fhir` scope. A provider sees the Tasks
of connections to its own services (never drafts or signposted records, as in its inbox); a
referrer sees the Tasks of the referrals it sent. Anything else answers 404, the same as a
Task that does not exist.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import DateTimeField, Max, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from linkwork.accounts import gate
from linkwork.api import tokens
from linkwork.api.auth import NOT_VALID, ApiClient, out_of_scope
from linkwork.api.models import ApiToken, Scope
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection
from linkwork.interop.fhir.outcome import FhirError, Issue
from linkwork.referrals.models import Referral


class Unauthenticated(FhirError):
    def __init__(self, diagnostics: str) -> None:
        super().__init__(401, Issue("login", diagnostics))


def caller(request: HttpRequest) -> ApiToken:
    """The token of the request, with the `fhir` scope; 401 (audited) without a valid one,
    403 (audited, through the gate) for a token of another scope."""
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        gate.audit_refusal(request, status=401, detail={"credentials": "missing"})
        raise Unauthenticated(
            "Send your organisation's API token as `Authorization: Bearer <token>`."
        )
    token = tokens.authenticate(presented.strip())
    if token is None:
        gate.audit_refusal(request, status=401, detail={"credentials": "not_valid"})
        raise Unauthenticated(NOT_VALID)
    if not token.allows(Scope.FHIR):
        gate.refuse(
            request,
            message=out_of_scope(Scope.FHIR),
            detail={"api_token": token.pk, "organisation": token.organisation_id},
        )
    return token


def about(token: ApiToken) -> dict[str, Any]:
    """What an audit event of the API names: the token and its organisation, never a person."""
    return {"api_token": token.pk, "organisation": token.organisation_id}


def owned_connections(token: ApiToken) -> QuerySet[Connection]:
    """Connections to the token's organisation's services that a provider may see."""
    return (
        Connection.objects.filter(
            service__organization__account_organisation_id=token.organisation_id
        )
        .exclude(status__in=[ConnectionStatus.DRAFT, ConnectionStatus.SIGNPOSTED])
        .select_related(
            "referral__scheme", "referral__person", "referral__link_worker", "service__organization"
        )
    )


def sent_referrals(token: ApiToken) -> QuerySet[Referral]:
    """Referrals the token's organisation made, with when each last changed status."""
    return (
        Referral.objects.visible_to(ApiClient(token))
        .select_related("scheme")
        .annotate(
            last_updated=Coalesce(
                Max("history__changed_at"), "received_at", output_field=DateTimeField()
            )
        )
    )


def as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def find(request: HttpRequest, token: ApiToken, resource_id: str) -> Connection | Referral:
    """The connection or referral a Task or ServiceRequest id names, if the caller may see
    it; otherwise 404, audited."""
    pk = as_uuid(resource_id)
    if pk is not None:
        found: Connection | Referral | None = owned_connections(token).filter(pk=pk).first()
        if found is None:
            found = sent_referrals(token).filter(pk=pk).first()
        if found is not None:
            return found
    gate.refuse(
        request,
        record=(Connection, resource_id[:64]),
        message=f"No resource with the id {resource_id[:64]!r} is yours to see.",
        detail=about(token),
    )
