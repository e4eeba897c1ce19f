"""Writes made through the API: receiving a referral, and issuing and revoking tokens.

A token is not a user: records made through the API have no `created_by`, and the audit
events name the token instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import Organisation, OrganisationKind, Scheme, User
from linkwork.api import tokens
from linkwork.api.models import ApiToken, Scope
from linkwork.api.problems import FieldError, InvalidRequest
from linkwork.api.schemas import PersonIn, ReferralRequest
from linkwork.audit import auditor
from linkwork.people.actions import best_match, create_person, open_match
from linkwork.people.models import ConsentMethod
from linkwork.referrals import intake
from linkwork.referrals.actions import create_referral
from linkwork.referrals.models import Channel, Referral
from linkwork.vocabulary.routes import Route

# The referrer confirms the person agreed; the API cannot know how they were asked, and
# most referrers ask in a conversation.
CONSENT_METHOD = ConsentMethod.VERBAL


@transaction.atomic
def receive_referral(*, token: ApiToken, request: ReferralRequest) -> Referral:
    """A referral from the token's organisation, for a person already known or a new one.

    Everything is checked before anything is written, and it is all one transaction: a
    request that fails leaves nothing behind.
    """
    problems = request.cross_checks()
    wanted = request.referral
    scheme = Scheme.objects.filter(slug=wanted.scheme).first()
    if scheme is None:
        problems.append(FieldError("referral.scheme", "No scheme has this slug."))
    elif scheme.accepted_routes and wanted.route not in scheme.accepted_routes:
        accepted = ", ".join(sorted(scheme.accepted_routes))
        problems.append(
            FieldError("referral.route", f"This scheme takes referrals only from: {accepted}.")
        )
    if scheme is not None:
        young = intake.too_young(scheme, request.person.date_of_birth)
        if young is not None:
            problems.append(FieldError("person.date_of_birth", young))
    practice = None
    if request.person.gp_practice_ods_code:
        practice = Organisation.objects.filter(
            kind=OrganisationKind.GP_PRACTICE, ods_code__iexact=request.person.gp_practice_ods_code
        ).first()
        if practice is None:
            problems.append(
                FieldError("person.gp_practice_ods_code", "No GP practice has this ODS code.")
            )
    if problems or scheme is None:
        raise InvalidRequest(problems)

    # The person, referral, message and receipt audited in one INSERT at the end.
    with auditor.together():
        decisions = request.consents.decisions()
        # Always a record of its own from what was sent, with the consents sent: a person
        # already on record is never changed and never shown to the caller; a link worker of
        # the scheme checks the pending match (`referrals.actions.confirm_match`).
        found = best_match(
            nhs_number=request.person.nhs_number,
            given_name=request.person.given_name,
            family_name=request.person.family_name,
            date_of_birth=request.person.date_of_birth,
            postcode=request.person.postcode,
        )
        details = _person_details(request.person, practice)
        try:
            person = create_person(
                by=None, details=details, consents=decisions, consent_method=CONSENT_METHOD
            )
        except ValidationError as error:
            raise InvalidRequest.from_django(error, "person") from None
        if found is not None:
            open_match(candidate=person, existing=found[0], basis=found[1])
        known = found is not None
        try:
            referral = create_referral(
                by=None,
                person=person,
                scheme=scheme,
                route=Route(wanted.route),
                channel=Channel.API,
                needs=[str(need) for need in wanted.needs],
                reason=wanted.reason,
                what_matters=wanted.what_matters,
                urgency=wanted.urgency,
                consent_to_refer=wanted.consent_to_refer,
                referring_organisation=token.organisation,
                referrer=wanted.referrer.model_dump(),
                response_to=wanted.response_to.model_dump(),
                safeguarding_concern=request.person.safeguarding_concerns,
                submitted_person=intake.submitted_identity(details),
            )
        except ValidationError as error:
            raise InvalidRequest.from_django(error, "referral") from None
        auditor.record(
            action="api.referral_received",
            target=referral,
            scheme_id=scheme.pk,
            detail={"api_token": token.pk, "organisation": token.organisation_id, "known": known},
        )
    return referral


def _person_details(person: PersonIn, practice: Organisation | None) -> dict[str, Any]:
    details = person.model_dump(exclude={"gp_practice_ods_code"})
    details["gp_practice"] = practice
    # Not asked is blank on the record.
    details["gender_same_as_sex"] = person.gender_same_as_sex or ""
    return details


@transaction.atomic
def issue_api_token(
    *,
    by: User | None,
    organisation: Organisation,
    name: str,
    scopes: Iterable[Scope | str] = (),
    expires_at: dt.datetime | None = None,
    replaces: ApiToken | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `organisation`, and its secret, which is shown this once only.

    Without `scopes` it may use every API (`Scope`), as tokens made before scopes did."""
    chosen = [Scope(scope).value for scope in dict.fromkeys(scopes)] or list(Scope.values)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValueError("A token must expire in the future.")
    secret = tokens.new_secret()
    token = ApiToken(
        organisation=organisation,
        name=name.strip(),
        prefix=secret.prefix,
        secret_hash=secret.secret_hash,
        scopes=chosen,
        expires_at=expires_at,
        replaces=replaces,
    )
    token.full_clean()
    token.save()
    auditor.record(
        action="api_token.issued",
        actor=by,
        target=token,
        detail={
            "organisation": organisation.pk,
            "prefix": token.prefix,
            "scopes": chosen,
            "expires_at": expires_at.isoformat() if expires_at else None,
            "replaces": replaces.prefix if replaces else None,
        },
    )
    return token, secret.token


@transaction.atomic
def rotate_api_token(
    *, by: User | None, token: ApiToken, grace: dt.timedelta = dt.timedelta(0)
) -> tuple[ApiToken, str]:
    """A new token with the same organisation, name, scopes and expiry, and its secret; the
    old one stops working after `grace` (at once by default), so a system can switch over
    without a gap. A revoked, expired or already rotated token cannot be rotated."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not token.is_active or ApiToken.objects.filter(replaces=token).exists():
        raise ValueError("Only a token in use that was not rotated before can be rotated.")
    new, secret = issue_api_token(
        by=by,
        organisation=token.organisation,
        name=token.name,
        scopes=token.scopes,
        expires_at=token.expires_at,
        replaces=token,
    )
    if grace:
        ends = timezone.now() + grace
        token.expires_at = min(token.expires_at, ends) if token.expires_at else ends
        token.save(update_fields=["expires_at"])
        auditor.record(
            action="api_token.rotated",
            actor=by,
            target=token,
            detail={"prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
        )
    else:
        revoke_api_token(by=by, token=token)
    return new, secret


@transaction.atomic
def revoke_api_token(*, by: User | None, token: ApiToken) -> ApiToken:
    """Stop a token working, at once and for good. Revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        auditor.record(
            action="api_token.revoked",
            actor=by,
            target=token,
            detail={"organisation": token.organisation_id, "prefix": token.prefix},
        )
    return token
