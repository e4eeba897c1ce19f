"""Write audit events. Call `record` from the action or view that reads or changes data."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest

from linkwork.audit.models import AuditEvent


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person's device. Behind TRUSTED_PROXY_COUNT proxies it is the entry
    that many places from the right of X-Forwarded-For: the left part can be forged by the
    client, the right part was written by our own proxies. Lock-out uses this too."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


# The events recorded inside `together()`, written when it ends; None outside it.
_gathered: ContextVar[list[AuditEvent] | None] = ContextVar("audit_gathered", default=None)


@contextmanager
def together() -> Iterator[None]:
    """Write the events `record`ed inside this block in one INSERT as it ends, in the order
    they were recorded, inside the block's transaction: an action that audits several steps
    (a person, a referral, its messages) makes one round trip to the database for them. If
    the block fails, its events go with the rest of its writes; if their INSERT fails, so
    does the block, and its transaction rolls back. Nested blocks write with the outermost."""
    if _gathered.get() is not None:
        yield
        return
    events: list[AuditEvent] = []
    token = _gathered.set(events)
    try:
        with transaction.atomic(savepoint=False):
            yield
            _gathered.set(None)
            if events:
                AuditEvent.objects.bulk_create(events)
    finally:
        _gathered.reset(token)


def record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Any = None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    scheme_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event: who did `action` to `target`, when and from where.

    Without a `target`, `object_type` and `object_id` name the record (a refusal names the
    record asked for, which may not exist). `detail` holds identifiers and codes only, never
    personal data.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    fields = {
        "action": action,
        "actor": actor if actor is not None and actor.is_authenticated else None,
        "object_type": target._meta.label_lower if target is not None else object_type,
        "object_id": str(target.pk) if target is not None else object_id,
        "scheme_id": scheme_id,
        "ip_address": client_ip(request) if request is not None else None,
        "path": request.path[:300] if request is not None else "",
        "detail": detail or {},
    }
    gathered = _gathered.get()
    if gathered is None:
        return AuditEvent.objects.create(**fields)
    event = AuditEvent(**fields)
    gathered.append(event)
    return event
