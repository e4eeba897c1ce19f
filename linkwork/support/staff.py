"""Who works in a scheme, for the support pages and measures: its active link workers and
those who may supervise them (its leads and its link workers)."""

from __future__ import annotations

from django.db.models import QuerySet

from linkwork.accounts import permissions
from linkwork.accounts.models import Role, Scheme, User


def link_workers(scheme: Scheme) -> QuerySet[User]:
    """The scheme's active link workers, by name."""
    return (
        User.objects.filter(
            is_active=True, memberships__scheme=scheme, memberships__role=Role.LINK_WORKER
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def supervisors(scheme: Scheme) -> QuerySet[User]:
    """Those who may supervise in the scheme: its leads and its link workers, by name."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__scheme=scheme,
            memberships__role__in=[Role.SCHEME_LEAD, Role.LINK_WORKER],
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def schemes_of(user: User, *roles: Role) -> list[Scheme]:
    """The schemes in which `user` holds one of `roles`, by name."""
    return list(Scheme.objects.filter(pk__in=permissions.scheme_ids(user, *roles)).order_by("name"))
