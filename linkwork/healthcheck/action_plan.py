"""Reading the action plan, for the action plan page and the health check grid."""

from __future__ import annotations

from linkwork.accounts.models import Scheme, User
from linkwork.healthcheck.models import Action


def actions_for(
    scheme: Scheme, level: str | None = None, setting: str | None = None
) -> list[Action]:
    """The scheme's actions, soonest due first, optionally of one level and one setting.
    Callers reach `scheme` through the gate."""
    found = Action.objects.filter(scheme=scheme).select_related("owner")
    if level is not None:
        found = found.filter(level=level)
    if setting is not None:
        found = found.filter(setting=setting)
    return list(found.order_by("due_on", "pk"))


def scheme_users(scheme: Scheme) -> list[User]:
    """Who may own an action: active users holding a role in the scheme."""
    return list(
        User.objects.filter(is_active=True, memberships__scheme=scheme)
        .distinct()
        .order_by("full_name", "pk")
    )
