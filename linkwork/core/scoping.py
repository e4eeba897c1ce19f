"""Fetch one personal-data record through its scoping method, or 404 and audit the refusal."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404, HttpRequest

from linkwork.audit import auditor

M = TypeVar("M", bound=models.Model)


def get_visible_or_404(request: HttpRequest, model: type[M], **lookup: Any) -> M:
    """The record if the user may see it. Otherwise 404, whether it exists or not, so a
    user cannot learn that another scheme's record exists, and an audit event of the attempt.
    """
    try:
        return model.objects.visible_to(request.user).get(**lookup)  # type: ignore[attr-defined]
    except (models.ObjectDoesNotExist, ValueError):
        auditor.record(
            action="access.denied",
            request=request,
            detail={"model": model._meta.label_lower, **{k: str(v) for k, v in lookup.items()}},
        )
        raise Http404 from None


def get_case_or_404(request: HttpRequest, referral_id: Any) -> Any:
    """A referral whose casework the user may see: they must be a link worker or scheme lead
    of its scheme. Referrers see their referrals but not the casework; anyone else gets 404,
    and the refusal is audited."""
    from linkwork.accounts import permissions
    from linkwork.accounts.models import Role
    from linkwork.referrals.models import Referral

    referral = get_visible_or_404(request, Referral, pk=referral_id)
    if referral.scheme_id not in permissions.scheme_ids(
        request.user, Role.LINK_WORKER, Role.SCHEME_LEAD
    ):
        auditor.record(
            action="access.denied", request=request, target=referral, scheme_id=referral.scheme_id
        )
        raise Http404
    return referral
