"""API tokens, one or more per organisation, and the stored answers to idempotent requests.

A token is shown once, when it is made; only its SHA-256 hash and a short prefix (to find it
again) are kept. An idempotency record keeps a hash of the request, never the request itself,
and the answer, which holds identifiers only.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from linkwork.accounts.models import Organisation


class Scope(models.TextChoices):
    """What a token may be used for: the referrals API, the FHIR API, or both."""

    REFERRALS = "referrals", "The referrals API (/api/v1/)"
    FHIR = "fhir", "The FHIR API (/fhir/)"


def every_scope() -> list[str]:
    """A token made without naming its scopes may use every API."""
    return list(Scope.values)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        """Not revoked and not expired: the tokens that authenticate."""
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now())
        )


class ApiToken(models.Model):
    """Lets one organisation's system call the API as that organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, such as the system that uses it."
    )
    prefix = models.CharField(
        max_length=8, unique=True, editable=False, help_text="Finds the token; not a secret."
    )
    secret_hash = models.CharField(
        "SHA-256 of the token", max_length=64, unique=True, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scopes = models.JSONField(
        default=every_scope, help_text="The APIs the token may use, from Scope."
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When the token stops working; empty for never."
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The token this one was rotated from.",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} (lw_{self.prefix}…)"

    @property
    def is_active(self) -> bool:
        expired = self.expires_at is not None and self.expires_at <= timezone.now()
        return self.revoked_at is None and not expired

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes


class IdempotencyRecord(models.Model):
    """The answer given to the first request with an `Idempotency-Key`, to replay to retries.

    The unique constraint is what makes concurrent retries safe: only one request can claim a
    key, and the others wait for its transaction and then replay its answer.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the request's method, path and body."
    )
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    kept = models.BooleanField(
        default=False,
        help_text="Never purged: the key is a message's own identifier (a FHIR "
        "Bundle.identifier), which must not be acted on twice however late it comes again.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="idempotency_key_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"Idempotency key {self.key!r} of organisation {self.organisation_id}"
