"""`GET /api/v1/referrals/{id}/recommendations?k=10`: matching for one referral.

Callers: a link worker or scheme lead of the referral's scheme signed in to Linkwork (the
casework pages use it), or an API token of the organisation that hosts the scheme (its own
case management system). Through the gate: a signed-in user whose role does no casework gets
403; a referral of another scheme or organisation gets 404, as if it did not exist; each
refusal is audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.security import django_auth
from pydantic import Field

from linkwork.accounts import gate, permissions
from linkwork.accounts.permissions import Ability
from linkwork.api.auth import TokenAuth
from linkwork.api.models import ApiToken
from linkwork.api.schemas import Problem
from linkwork.audit import auditor
from linkwork.casework.matching import recommend_for_referral
from linkwork.referrals.models import Referral

router = Router(tags=["matching"])


class RecommendationOut(Schema):
    service_id: str
    name: str
    score: float
    components: dict[str, float]
    reasons: list[str]


class ExclusionOut(Schema):
    service_id: str
    reason: str


class RecommendationsOut(Schema):
    referral: uuid.UUID
    weights_version: str
    results: list[RecommendationOut]
    excluded: list[ExclusionOut]
    warnings: list[str] = Field(
        default_factory=list,
        description="What to know about the answer as a whole, such as how many services "
        "were left out as not checked for years.",
    )


class RecommendationQuery(Schema):
    k: int = Field(10, ge=1, le=50, description="How many services, 1 to 50.")


def _referral_for(request: HttpRequest, referral_id: uuid.UUID) -> Referral:
    caller = request.auth  # type: ignore[attr-defined]
    ability: Ability | None = None
    if isinstance(caller, ApiToken):
        referrals = Referral.objects.for_host_system(caller.organisation_id)
        actor: Any = None
        detail: dict[str, Any] = {"api_token": caller.pk, "organisation": caller.organisation_id}
    else:
        ability = Ability.DO_CASEWORK
        gate.require(request, ability)
        referrals = Referral.objects.visible_to(caller)
        actor, detail = caller, {}
    found = referrals.select_related("person", "scheme").filter(pk=referral_id).first()
    if found is None or (ability is not None and not permissions.may(caller, ability, found)):
        gate.refuse(
            request,
            ability=ability,
            record=(Referral, referral_id),
            message="No referral with this id is yours to see.",
            detail=detail,
        )
    auditor.record(
        action="recommendations.viewed",
        actor=actor,
        request=request,
        target=found,
        scheme_id=found.scheme_id,
        detail=detail,
    )
    return found


@router.get(
    "/referrals/{uuid:id}/recommendations",
    auth=[TokenAuth(), django_auth],
    response={200: RecommendationsOut, 401: Problem, 403: Problem, 404: Problem, 422: Problem},
    summary="Services recommended for a referral",
    url_name="recommendations",
    operation_id="getRecommendations",
)
def get_recommendations(
    request: HttpRequest, id: uuid.UUID, query: Query[RecommendationQuery]
) -> dict[str, Any]:
    """The top k community services for the person, best first, each with its score, the
    score's components and the reasons in plain English; and every service left out by a hard
    constraint (not running, not checked within the expire limit, age, women or men only,
    online only without digital access, too far, outside its service area when it has no
    venue, full, no shared language, not free when only free will do) with its reason. A
    service not checked within the stale limit is ranked lower and says so. Facts a listing
    does not state constrain nothing. Identity preferences are never inferred."""
    referral = _referral_for(request, id)
    user = request.auth if not isinstance(request.auth, ApiToken) else None  # type: ignore[attr-defined]
    found = recommend_for_referral(referral, k=query.k, shown_to=user)
    return {"referral": referral.pk, "weights_version": found.weights_version, **found.as_json()}
