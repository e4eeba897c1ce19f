from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from linkwork.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the audit log is append-only everywhere, the admin site included."""

    list_display = ["occurred_at", "actor", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["action", "object_id", "actor__email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
