"""The one place that answers "may this user do X to this object?".

Views and querysets ask here; nothing else inspects memberships to make an access decision.
The memberships of a user are read once per request and kept on the user object.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from linkwork.accounts.models import (
    TWO_FACTOR_ROLES,
    Membership,
    OrganisationKind,
    Role,
    User,
)
from linkwork.core.prepared import Prepared


class Ability(StrEnum):
    VIEW_PERSON = "view_person"
    VIEW_REFERRAL = "view_referral"
    TRIAGE_REFERRAL = "triage_referral"
    WITHDRAW_REFERRAL = "withdraw_referral"
    MAKE_REFERRAL = "make_referral"
    FOLLOW_OWN_REFERRALS = "follow_own_referrals"
    VIEW_AUDIT = "view_audit"
    SEARCH_DIRECTORY = "search_directory"
    CURATE_DIRECTORY = "curate_directory"
    EDIT_LISTINGS = "edit_listings"
    ADD_SERVICE_TIPS = "add_service_tips"
    VIEW_INSIGHTS = "view_insights"
    REQUEST_EXTRACT = "request_extract"
    RUN_EVALUATION = "run_evaluation"
    DO_CASEWORK = "do_casework"
    MANAGE_CAPACITY = "manage_capacity"
    ANSWER_CONNECTIONS = "answer_connections"
    RETRY_MESSAGES = "retry_messages"
    MANAGE_WEBHOOKS = "manage_webhooks"
    MANAGE_RECORDS = "manage_records"
    SET_RETENTION = "set_retention"
    EXPORT_GP_EVENTS = "export_gp_events"
    RESET_TWO_FACTOR = "reset_two_factor"
    MANAGE_SCHEME_STAFF = "manage_scheme_staff"
    SET_SCHEME_CONTACT = "set_scheme_contact"
    ASSESS_SCHEME = "assess_scheme"
    USE_SUPPORT = "use_support"
    WORKER_SUPPORT = "worker_support"
    LEAD_SUPPORT = "lead_support"
    VIEW_HEALTH_CHECK = "view_health_check"
    RUN_SERVICE = "run_service"
    VIEW_GP_EVENTS = "view_gp_events"
    RUN_GROUPS = "run_groups"
    KEEP_DIARY = "keep_diary"
    VIEW_SCHEME_DIARY = "view_scheme_diary"


@dataclass(frozen=True)
class Grant:
    role: Role
    organisation_id: int
    scheme_id: int | None
    organisation_kind: str = ""


def grants(user: Any) -> tuple[Grant, ...]:
    """Every role the user holds, read once per request. A role in an inactive organisation
    counts for nothing: the login page refuses a user with no other role, and a session
    already open keeps no access through it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached: tuple[Grant, ...] | None = getattr(user, "_linkwork_grants", None)
    if cached is None:
        cached = tuple(
            Grant(Role(role), organisation_id, scheme_id, kind)
            for role, organisation_id, scheme_id, kind in _GRANTS.rows(user.pk)
        )
        user._linkwork_grants = cached
    return cached


# Every signed-in request reads the user's memberships: the ORM writes this SQL once.
_GRANTS = Prepared(
    lambda user_id: Membership.objects.filter(
        user_id=user_id, organisation__is_active=True
    ).values_list("role", "organisation_id", "scheme_id", "organisation__kind")
)


def roles(user: Any) -> set[Role]:
    return {grant.role for grant in grants(user)}


def has_role(user: Any, *wanted: Role) -> bool:
    return any(grant.role in wanted for grant in grants(user))


def scheme_ids(user: Any, *wanted: Role) -> set[int]:
    """Schemes in which the user holds one of the `wanted` scheme roles."""
    return {
        grant.scheme_id
        for grant in grants(user)
        if grant.role in wanted and grant.scheme_id is not None
    }


def organisation_ids(user: Any, *wanted: Role) -> set[int]:
    return {grant.organisation_id for grant in grants(user) if grant.role in wanted}


def gp_practice_ids(user: Any) -> set[int]:
    """The GP practices where the user refers: whose own coded-event exports they may take."""
    return {
        grant.organisation_id
        for grant in grants(user)
        if grant.role is Role.REFERRER and grant.organisation_kind == OrganisationKind.GP_PRACTICE
    }


def needs_two_factor(user: Any) -> bool:
    return any(grant.role in TWO_FACTOR_ROLES for grant in grants(user)) or bool(
        getattr(user, "is_staff", False)
    )


def passed_two_factor(user: Any) -> bool:
    """Whether this session's user has passed two-factor (django-otp marks the user)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def operates_platform(user: Any) -> bool:
    """A system admin who also operates the platform (staff): the only one who may change what
    applies across organisations."""
    return has_role(user, Role.ADMIN) and bool(getattr(user, "is_staff", False))


def users_administered_by(user: Any) -> QuerySet[User]:
    """The accounts whose two-factor an admin may reset: every account for an admin who also
    operates the platform (staff); else those holding a role in an organisation they
    administer."""
    if not has_role(user, Role.ADMIN):
        return User.objects.none()
    if operates_platform(user):
        return User.objects.all()
    return User.objects.filter(
        memberships__organisation_id__in=organisation_ids(user, Role.ADMIN)
    ).distinct()


def may(user: Any, ability: Ability, obj: Any = None) -> bool:
    """May `user` exercise `ability`, on `obj` where the ability concerns one record?"""
    if ability is Ability.VIEW_AUDIT:
        return has_role(user, Role.ADMIN)
    if ability is Ability.RUN_SERVICE:
        # Organisations, schemes, users and their roles, API tokens and instruments across the
        # installation (`linkwork.administration`). An admin of one organisation could otherwise
        # give themselves a role in any other and read its people, so only an admin who also
        # operates the platform (staff) may, as for the retention periods.
        return operates_platform(user)
    if ability is Ability.MANAGE_RECORDS:
        # Information governance for the user's organisation: rights requests, subject access
        # exports and the retention review. The organisation's admins; with a record, only a
        # record of an organisation they administer.
        if obj is None:
            return has_role(user, Role.ADMIN)
        return obj.organisation_id in organisation_ids(user, Role.ADMIN)
    if ability is Ability.SET_RETENTION:
        # The retention periods apply to every organisation on this installation, so only an
        # admin who also operates the platform (staff) may change them.
        return operates_platform(user)
    if ability is Ability.SEARCH_DIRECTORY:
        return bool(grants(user))
    if ability is Ability.CURATE_DIRECTORY:
        return has_role(user, Role.CURATOR)
    if ability is Ability.EDIT_LISTINGS:
        # Which listings is decided by `Service.objects.editable_by(user)`.
        return has_role(user, Role.CURATOR, Role.PROVIDER)
    if ability is Ability.ADD_SERVICE_TIPS:
        # The roles that read tips write them; curators check each one before it is shown.
        return has_role(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    if ability is Ability.VIEW_INSIGHTS:
        # Aggregates only; which schemes each counts is `insights.scope.scheme_ids_for`.
        return has_role(user, Role.ANALYST, Role.SCHEME_LEAD, Role.ADMIN)
    if ability is Ability.REQUEST_EXTRACT:
        # The pseudonymised extract: analysts, for their own requests; admins, for any.
        if obj is None or not has_role(user, Role.ANALYST, Role.ADMIN):
            return has_role(user, Role.ANALYST, Role.ADMIN)
        return has_role(user, Role.ADMIN) or obj.requested_by_id == user.pk
    if ability is Ability.RUN_EVALUATION:
        # The standard evaluation of a scheme, on its pseudonymised extract: analysts and
        # scheme leads only; a report is downloaded by the person who asked for it.
        allowed = has_role(user, Role.ANALYST, Role.SCHEME_LEAD)
        return allowed if obj is None else allowed and obj.requested_by_id == user.pk
    if ability is Ability.DO_CASEWORK:
        if obj is None:
            return has_role(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
        return obj.scheme_id in scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    if ability is Ability.KEEP_DIARY:
        # A diary of one's own appointments, and its calendar feed: those who do casework.
        return has_role(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    if ability is Ability.VIEW_SCHEME_DIARY:
        # Every link worker's appointments in the schemes they lead.
        if obj is None:
            return has_role(user, Role.SCHEME_LEAD)
        return getattr(obj, "scheme_id", None) in scheme_ids(user, Role.SCHEME_LEAD)
    if ability is Ability.RETRY_MESSAGES:
        # Which messages: those about referrals of the schemes they lead (the page's query).
        return has_role(user, Role.SCHEME_LEAD)
    if ability is Ability.MANAGE_WEBHOOKS:
        # Which endpoints: those of the organisations where they are admins (the pages' query).
        return has_role(user, Role.ADMIN)
    if ability is Ability.MANAGE_CAPACITY:
        if obj is None:
            return has_role(user, Role.SCHEME_LEAD)
        return obj.scheme_id in scheme_ids(user, Role.SCHEME_LEAD)
    if ability is Ability.EXPORT_GP_EVENTS:
        # The coded events a scheme writes to GP records: its leads, and the admins of the
        # organisation that hosts it. `obj` is the scheme, or anything with a `scheme`.
        if obj is None:
            return has_role(user, Role.SCHEME_LEAD, Role.ADMIN)
        scheme = getattr(obj, "scheme", obj)
        return scheme.pk in scheme_ids(user, Role.SCHEME_LEAD) or scheme.host_id in (
            organisation_ids(user, Role.ADMIN)
        )
    if ability is Ability.RESET_TWO_FACTOR:
        # Losing an authenticator: system admins reset it for accounts they administer.
        if obj is None:
            return has_role(user, Role.ADMIN)
        return users_administered_by(user).filter(pk=obj.pk).exists()
    if ability is Ability.MANAGE_SCHEME_STAFF:
        # Adding and removing a scheme's link workers: the leads of that scheme. `obj` is the
        # scheme.
        if obj is None:
            return has_role(user, Role.SCHEME_LEAD)
        return obj.pk in scheme_ids(user, Role.SCHEME_LEAD)
    if ability is Ability.SET_SCHEME_CONTACT:
        # The phone, email and hours on people's prescription pages: the scheme's leads, and
        # the system admins who operate the platform (who add and change schemes). `obj` is
        # the scheme.
        if obj is None:
            return has_role(user, Role.SCHEME_LEAD) or operates_platform(user)
        return obj.pk in scheme_ids(user, Role.SCHEME_LEAD) or operates_platform(user)
    if ability is Ability.ASSESS_SCHEME:
        # A scheme's self-assessment and action plan: its leads, and the admins of the
        # organisation that hosts it. `obj` is the scheme, or anything with a `scheme`.
        if obj is None:
            return has_role(user, Role.SCHEME_LEAD, Role.ADMIN)
        scheme = getattr(obj, "scheme", obj)
        return scheme.pk in scheme_ids(user, Role.SCHEME_LEAD) or scheme.host_id in (
            organisation_ids(user, Role.ADMIN)
        )
    if ability is Ability.USE_SUPPORT:
        # Link worker support: supervision, training, the peer network. Which sessions each
        # may see is `SupervisionSession.objects.visible_to(user)`.
        return has_role(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    if ability is Ability.WORKER_SUPPORT:
        # A link worker's own side of support: their training record, the wellbeing check-in
        # and their entry in the peer network.
        return has_role(user, Role.LINK_WORKER)
    if ability is Ability.LEAD_SUPPORT:
        # The support overview, the prompts and the scheme's support settings: its leads.
        if obj is None:
            return has_role(user, Role.SCHEME_LEAD)
        return getattr(obj, "scheme_id", getattr(obj, "pk", None)) in scheme_ids(
            user, Role.SCHEME_LEAD
        )
    if ability is Ability.VIEW_HEALTH_CHECK:
        # A scheme's health check (aggregates and ratings, never a person): its leads, and
        # the admins and analysts (read-only) of the organisation that hosts it. `obj` is
        # the scheme.
        if obj is None:
            return has_role(user, Role.SCHEME_LEAD, Role.ADMIN, Role.ANALYST)
        return obj.pk in scheme_ids(user, Role.SCHEME_LEAD) or obj.host_id in (
            organisation_ids(user, Role.ADMIN, Role.ANALYST)
        )
    if ability is Ability.VIEW_GP_EVENTS:
        # The exports made, and their downloads: those who may export them, and the GP
        # practice each was made for (its referrers). `obj` is an export batch.
        if obj is None:
            return may(user, Ability.EXPORT_GP_EVENTS) or bool(gp_practice_ids(user))
        return may(user, Ability.EXPORT_GP_EVENTS, obj) or obj.practice_id in gp_practice_ids(user)
    if ability is Ability.ANSWER_CONNECTIONS:
        return has_role(user, Role.PROVIDER)
    if ability is Ability.RUN_GROUPS:
        # Group sessions and their registers: providers run their organisation's groups, link
        # workers and leads their scheme's. `obj` is a group, or anything with a `group`.
        if obj is None:
            return has_role(user, Role.PROVIDER, Role.LINK_WORKER, Role.SCHEME_LEAD)
        group = getattr(obj, "group", obj)
        return group.organisation_id in organisation_ids(
            user, Role.PROVIDER
        ) or group.scheme_id in scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    if ability is Ability.FOLLOW_OWN_REFERRALS:
        return has_role(user, Role.REFERRER)
    if ability is Ability.MAKE_REFERRAL:
        return has_role(user, Role.REFERRER, Role.LINK_WORKER, Role.SCHEME_LEAD)
    if ability is Ability.WITHDRAW_REFERRAL:
        # The referring organisation's referrers take back what they sent; a scheme lead may
        # do it for them (a referrer who phones the scheme). Whether the referral can still
        # be withdrawn is the lifecycle's question, not this one.
        if obj is None:
            return has_role(user, Role.REFERRER, Role.SCHEME_LEAD)
        return obj.referring_organisation_id in organisation_ids(
            user, Role.REFERRER
        ) or obj.scheme_id in scheme_ids(user, Role.SCHEME_LEAD)
    if ability is Ability.TRIAGE_REFERRAL:
        if obj is None:
            return has_role(user, Role.SCHEME_LEAD)
        return obj.scheme_id in scheme_ids(user, Role.SCHEME_LEAD)
    if ability in (Ability.VIEW_PERSON, Ability.VIEW_REFERRAL):
        if obj is None:
            return has_role(user, Role.REFERRER, Role.LINK_WORKER, Role.SCHEME_LEAD)
        # Record-level access is decided by the scoped querysets, so the rule lives in one
        # place: the object must be among those the user may see.
        return type(obj).objects.visible_to(user).filter(pk=obj.pk).exists()
    raise ValueError(f"Unknown ability {ability!r}")
