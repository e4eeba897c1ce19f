"""A scheme lead adds link workers to their own scheme, and removes them.

A link worker's membership is held in the scheme's host organisation (the Membership model's
rule for scheme roles: the organisation and the scheme). Someone who already has an account is
added with it; someone new gets an account with no password and a welcome email with a link to
set one (`passwords`). A link worker with open cases in the scheme is not removed until the
cases are with someone else: accounts knows no referrals, so referrals registers how to count
them (`register_open_cases`, from its `ready()`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest

from linkwork.accounts import passwords
from linkwork.accounts.models import Membership, Role, Scheme, User
from linkwork.audit import auditor

# (scheme) -> {link worker's user id: how many open cases they hold in it}
OpenCases = Callable[[Scheme], dict[int, int]]
_open_cases: list[OpenCases] = []


def register_open_cases(counter: OpenCases) -> None:
    """Let a higher app say how many open cases each link worker holds in a scheme."""
    if counter not in _open_cases:
        _open_cases.append(counter)


def open_cases(scheme: Scheme) -> dict[int, int]:
    counts: dict[int, int] = {}
    for counter in _open_cases:
        for user_id, count in counter(scheme).items():
            counts[user_id] = counts.get(user_id, 0) + count
    return counts


class StaffingError(ValueError):
    """Why a link worker cannot be added or removed, in words for the scheme lead."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def link_workers(scheme: Scheme) -> list[Membership]:
    return list(
        Membership.objects.filter(scheme=scheme, role=Role.LINK_WORKER)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


@transaction.atomic
def add_link_worker(
    request: HttpRequest, *, by: User, scheme: Scheme, email: str, full_name: str
) -> tuple[Membership, bool]:
    """Make the account with `email` a link worker in `scheme`, making the account first (and
    sending its welcome email) when there is none. Returns the membership and whether the
    account is new."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        if not full_name.strip():
            raise StaffingError(
                "Enter their full name: there is no account with this email address yet",
                field="full_name",
            )
        user = User.objects.create_user(email, password=None, full_name=full_name.strip())
        auditor.record(action="user.created", request=request, actor=by, target=user)
        passwords.queue_email(user, passwords.Email.WELCOME)
    elif not user.is_active:
        raise StaffingError(
            "This account is switched off. Ask your system admin to switch it back on",
            field="email",
        )
    elif Membership.objects.filter(user=user, scheme=scheme, role=Role.LINK_WORKER).exists():
        raise StaffingError(f"They are already a link worker in {scheme.name}", field="email")
    membership = Membership.objects.create(
        user=user, organisation_id=scheme.host_id, scheme=scheme, role=Role.LINK_WORKER
    )
    auditor.record(
        action="scheme.link_worker_added",
        request=request,
        actor=by,
        target=user,
        scheme_id=scheme.pk,
        detail={"membership": membership.pk, "new_account": created},
    )
    return membership, created


@transaction.atomic
def remove_link_worker(
    request: HttpRequest, *, by: User, scheme: Scheme, membership: Membership
) -> None:
    """End a link worker's membership of `scheme`; refused while they hold open cases there."""
    held = open_cases(scheme).get(membership.user_id, 0)
    if held:
        cases = "1 open case" if held == 1 else f"{held} open cases"
        raise StaffingError(
            f"{membership.user} has {cases} in {scheme.name}. Give the cases to another "
            "link worker first, then remove them"
        )
    user_id, membership_id = membership.user_id, membership.pk
    membership.delete()
    auditor.record(
        action="scheme.link_worker_removed",
        request=request,
        actor=by,
        object_type="accounts.user",
        object_id=str(user_id),
        scheme_id=scheme.pk,
        detail={"membership": membership_id},
    )
