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
