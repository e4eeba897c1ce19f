"""Every write of the service's management pages: keyword-only, one transaction each, and
each audited by what changed (field names and ids, never the values: a name or an email
address is personal data)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest

from linkwork.accounts.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    Scheme,
    User,
)
from linkwork.accounts.sessions import deactivate_user, end_sessions_of
from linkwork.audit import auditor
from linkwork.notifications.models import Mailbox


class RefusedChange(Exception):
    """A change the page must not make (an admin locking themselves out); the message says
    why, for the person who asked."""


@transaction.atomic
def save_organisation(
    *,
    by: User,
    organisation: Organisation,
    changed: Iterable[str],
    mailbox_email: str | None,
    request: HttpRequest | None = None,
) -> Organisation:
    """Add or change an organisation; for a GP practice, set the secure mailbox its messages
    back go to (`mailbox_email`; None leaves it as it is, "" clears it)."""
    created = organisation.pk is None
    fields = sorted(set(changed) - {"mailbox_email"})
    organisation.save()
    auditor.record(
        action="organisation.created" if created else "organisation.changed",
        request=request,
        actor=by,
        target=organisation,
        detail={"fields": fields, "kind": organisation.kind},
    )
    if mailbox_email is not None and organisation.kind == OrganisationKind.GP_PRACTICE:
        set_mailbox(by=by, organisation=organisation, email=mailbox_email, request=request)
    return organisation


@transaction.atomic
def set_organisation_active(
    *, by: User, organisation: Organisation, active: bool, request: HttpRequest | None = None
) -> int:
    """Make an organisation inactive, or active again; audited with how many sessions ended.

    Inactive, its roles count for nothing (`permissions.grants`), its users with no role in
    an active organisation cannot sign in and their sessions end now, and its API tokens stop
    working (`api.tokens.authenticate`); nothing is deleted, so making it active again gives
    it all back. An admin cannot make inactive an organisation where they are an admin: they
    would lock themselves out. Returns how many sessions ended."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.is_active == active:
        organisation.is_active = active
        return 0
    if (
        not active
        and Membership.objects.filter(user=by, organisation=locked, role=Role.ADMIN).exists()
    ):
        raise RefusedChange(
            "You cannot make your own organisation inactive: ask an admin of another organisation"
        )
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    organisation.is_active = active
    ended = 0
    if not active:
        # Those whose every role is here; a user with a role elsewhere keeps signing in
        # there, and loses this one's access at their next request.
        others = Membership.objects.filter(organisation__is_active=True).values("user_id")
        ended = end_sessions_of(
            Membership.objects.filter(organisation=locked)
            .exclude(user_id__in=others)
            .values_list("user_id", flat=True)
        )
    auditor.record(
        action="organisation.reactivated" if active else "organisation.deactivated",
        request=request,
        actor=by,
        target=locked,
        detail={"kind": locked.kind, "sessions_ended": ended},
    )
    return ended


@transaction.atomic
def set_mailbox(
    *, by: User, organisation: Organisation, email: str, request: HttpRequest | None = None
) -> Mailbox | None:
    """The practice's secure mailbox, kept with its postal address; an unchanged address
    writes nothing."""
    mailbox = Mailbox.objects.filter(organisation=organisation).first()
    if (mailbox.email if mailbox else "") == email:
        return mailbox
    if mailbox is None:
        mailbox = Mailbox(organisation=organisation)
    mailbox.email = email
    mailbox.save()
    auditor.record(
        action="mailbox.set" if email else "mailbox.cleared",
        request=request,
        actor=by,
        object_type="accounts.organisation",
        object_id=str(organisation.pk),
    )
    return mailbox


@transaction.atomic
def save_scheme(
    *, by: User, scheme: Scheme, changed: Iterable[str], request: HttpRequest | None = None
) -> Scheme:
    created = scheme.pk is None
    scheme.full_clean()
    scheme.save()
    auditor.record(
        action="scheme.created" if created else "scheme.changed",
        request=request,
        actor=by,
        target=scheme,
        scheme_id=scheme.pk,
        detail={"fields": sorted(changed), "host": scheme.host_id},
    )
    return scheme


@transaction.atomic
def create_user(*, by: User, user: User, request: HttpRequest | None = None) -> User:
    """A new account with no password: they set one by the password reset link, and must set
    up two-factor when they first sign in."""
    user.email = user.email.strip().lower()
    user.set_unusable_password()
    user.save()
    auditor.record(action="user.created", request=request, actor=by, target=user)
    return user


@transaction.atomic
def edit_user(
    *, by: User, user: User, changed: Iterable[str], request: HttpRequest | None = None
) -> User:
    user.save()
    auditor.record(
        action="user.changed",
        request=request,
        actor=by,
        target=user,
        detail={"fields": sorted(changed)},
    )
    return user


@transaction.atomic
def set_active(*, by: User, user: User, active: bool, request: HttpRequest | None = None) -> int:
    """Deactivate (every session they hold ends, audited by `accounts.sessions`) or
    reactivate an account. Returns how many sessions ended."""
    if user.pk == by.pk:
        raise RefusedChange("You cannot deactivate your own account")
    if not active:
        return deactivate_user(by=by, user=user) if user.is_active else 0
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        auditor.record(action="user.reactivated", request=request, actor=by, target=user)
    return 0


@transaction.atomic
def add_membership(
    *, by: User, membership: Membership, request: HttpRequest | None = None
) -> Membership:
    membership.full_clean(exclude=["created_at"])
    membership.save()
    auditor.record(
        action="membership.added",
        request=request,
        actor=by,
        target=membership,
        scheme_id=membership.scheme_id,
        detail=_about(membership),
    )
    return membership


@transaction.atomic
def remove_membership(
    *, by: User, membership: Membership, request: HttpRequest | None = None
) -> None:
    if membership.user_id == by.pk and membership.role == "admin":
        raise RefusedChange("You cannot remove your own admin role: ask another admin")
    about = _about(membership)
    auditor.record(
        action="membership.removed",
        request=request,
        actor=by,
        target=membership,
        scheme_id=membership.scheme_id,
        detail=about,
    )
    membership.delete()


def _about(membership: Membership) -> dict[str, object]:
    return {
        "user": membership.user_id,
        "organisation": membership.organisation_id,
        "scheme": membership.scheme_id,
        "role": membership.role,
    }
