"""Write audit events. Call `record` from the action or view that reads or changes data."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from linkwork.audit.models import AuditEvent


def client_ip(request: HttpRequest) -> str | None:
    # Behind a trusted proxy, django-axes has already worked out the client address.
    address = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    return address or None


def record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Any = None,
    target: models.Model | None = None,
    scheme_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event: who did `action` to `target`, when and from where.

    `detail` holds identifiers and codes only, never personal data.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        scheme_id=scheme_id,
        ip_address=client_ip(request) if request is not None else None,
        path=request.path[:300] if request is not None else "",
        detail=detail or {},
    )
