from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from linkwork.accounts.models import User
from linkwork.api.actions import revoke_api_token
from linkwork.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are made with `linkwork create-api-token`, which shows the secret once, and
    replaced with `linkwork rotate-api-token`; here they can be seen, renamed and revoked.
    They are never deleted, so the audit log's references to them stay meaningful."""

    list_display = [
        "name",
        "organisation",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation"]
    search_fields = ["name", "prefix", "organisation__name", "organisation__ods_code"]
    fields = [
        "name",
        "organisation",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "replaces",
    ]
    readonly_fields = [
        "organisation",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "replaces",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        user = request.user
        assert isinstance(user, User)  # the admin site lets only staff accounts in
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_api_token(by=user, token=token)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} tokens.", messages.SUCCESS)
