"""The one access gate: every view and API handler that reaches personal data or a restricted
page passes through here, and every refusal is answered and audited by one rule.

1. The page. A user whose roles may not use the page at all (`permissions.may(user, ability)`
   with no record) gets 403 Forbidden. No record has been looked at, so the answer tells
   nothing about any record.
2. The record. A record the user may not reach on that page gets 404 Not Found: one of
   another organisation or scheme, and one that does not exist, get the same answer, so nobody
   learns that another organisation's record exists. Records are fetched through the model's
   scoping method (`visible_to(user)`) or a narrower scoped queryset the page gives, and, where
   the ability concerns one record, checked with `permissions.may(user, ability, record)`.

Pages about one record that every role may open when the record is theirs to see (a person, a
referral, a message) have no page ability: only step 2 applies.

Every refusal writes one `access.denied` audit event naming the page (its URL name in
`detail["page"]`, and the path) and the record refused (model and id, as the event's object
and in `detail`), with the status answered; never personal data. Refusals answered elsewhere
(the API's 401 without a valid token, the self-referral limit's 429) are recorded through
`audit_refusal`, so they read the same in the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest

from linkwork.accounts import permissions
from linkwork.accounts.models import User
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor

M = TypeVar("M", bound=models.Model)
# A record that was refused: the instance, or its model and the id asked for when there is
# no instance to name (it does not exist, or the user may not reach it).
Refused = models.Model | tuple[type[models.Model], Any]


class AuthenticatedHttpRequest(HttpRequest):
    """A request from a signed-in user: the type of every view behind `login_required`."""

    user: User


def require(request: HttpRequest, ability: Ability, obj: models.Model | None = None) -> None:
    """Let the request through, or refuse it: 403 when the user's roles may not use pages of
    `ability` at all; 404 when they may, but not on `obj`."""
    if not permissions.may(request.user, ability):
        refuse(request, ability=ability)
    if obj is not None and not permissions.may(request.user, ability, obj):
        refuse(request, ability=ability, record=obj)


def get_visible_or_404(
    request: HttpRequest,
    scope: type[M] | models.QuerySet[M],
    *,
    ability: Ability | None = None,
    **lookup: Any,
) -> M:
    """One record the user may reach, through the gate.

    `scope` is a model (its records `visible_to(request.user)`) or an already scoped queryset.
    With `ability`, the page is checked first (403) and the record after it is found (404);
    pass it only for abilities that `permissions.may` decides on such a record.
    """
    if ability is not None:
        require(request, ability)
    records: models.QuerySet[M] = (
        scope if isinstance(scope, models.QuerySet) else scope.objects.visible_to(request.user)  # type: ignore[attr-defined]
    )
    try:
        found = records.get(**lookup)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        refuse(request, ability=ability, record=(records.model, lookup.get("pk", "")))
    if ability is not None and not permissions.may(request.user, ability, found):
        refuse(request, ability=ability, record=found)
    return found


def refuse(
    request: HttpRequest,
    *,
    ability: Ability | None = None,
    record: Refused | None = None,
    message: str = "",
    detail: Mapping[str, Any] | None = None,
) -> NoReturn:
    """Audit the refusal and answer it: 404 when a record was refused, 403 for the page."""
    status = 403 if record is None else 404
    audit_refusal(request, status=status, ability=ability, record=record, detail=detail)
    if status == 403:
        raise PermissionDenied(message) if message else PermissionDenied
    raise Http404(message)


def audit_refusal(
    request: HttpRequest,
    *,
    status: int,
    ability: Ability | None = None,
    record: Refused | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Write the one `access.denied` event of a refusal answered with `status`. `detail`
    adds identifiers and codes only (for example the API token's id), never personal data."""
    about: dict[str, Any] = {"page": page_name(request), "status": status}
    if ability is not None:
        about["ability"] = str(ability)
    object_type = object_id = ""
    scheme_id = None
    if record is not None:
        if isinstance(record, models.Model):
            model, pk = type(record), record.pk
            scheme_id = getattr(record, "scheme_id", None)
        else:
            model, pk = record
        object_type, object_id = model._meta.label_lower, str(pk)[:64]
        about.update(model=object_type, pk=object_id)
    auditor.record(
        action="access.denied",
        request=request,
        object_type=object_type,
        object_id=object_id,
        scheme_id=scheme_id,
        # The gate's own keys last: a caller's detail adds to them, never replaces the page,
        # the status answered or the record refused.
        detail={**(detail or {}), **about},
    )


def page_name(request: HttpRequest) -> str:
    """The URL name of the page asked for ("casework:notes"), or "" when it has none."""
    match = request.resolver_match
    return match.view_name if match is not None else ""
