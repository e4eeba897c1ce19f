"""Who is calling: an organisation, by one of its API tokens (`Authorization: Bearer ...`)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from linkwork.accounts import gate
from linkwork.accounts.models import Role
from linkwork.accounts.permissions import Grant
from linkwork.api import tokens
from linkwork.api.models import ApiToken, Scope

NOT_VALID = (
    "This API token is not valid: it may be mistyped, expired or revoked, or its organisation "
    "may no longer be active."
)


def out_of_scope(scope: Scope) -> str:
    return (
        f"This API token may not use {scope.label}: ask the Linkwork administrator for a "
        f"token with the {scope.value!r} scope."
    )


class TokenAuth(HttpBearer):
    """A token of the `scope` (the referrals API's by default)."""

    def __init__(self, scope: Scope = Scope.REFERRALS) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = tokens.authenticate(token.strip())
        if found is None:
            # One answer for unknown, mistyped, expired and revoked tokens: which it is would
            # help only someone guessing.
            raise AuthenticationError(message=NOT_VALID)
        if not found.allows(self.scope):
            gate.refuse(
                request,
                message=out_of_scope(self.scope),
                detail={"api_token": found.pk, "organisation": found.organisation_id},
            )
        return found


class ApiClient:
    """A token's organisation, as the scoping methods see it: a referrer of that organisation
    and nothing more, so `Referral.objects.visible_to(client)` holds the referrals the
    organisation made.

    It is not a user: never pass it as an audit actor or as `by` to an action.
    """

    is_authenticated = True
    is_active = True

    def __init__(self, token: ApiToken) -> None:
        self.token = token
        self.organisation_id = token.organisation_id
        # `permissions.grants` reads a principal's roles from here before asking the database
        # (which would find no memberships: a token is not a user).
        self._linkwork_grants = (Grant(Role.REFERRER, token.organisation_id, None),)
