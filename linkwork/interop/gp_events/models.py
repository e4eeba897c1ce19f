"""The export ledger: every coded event sent to a GP practice, once, in the batch that sent it.

An event is named by a stable key (`referred:<referral>`, `declined:<referral>`,
`score:<outcome measure>`); a key in the ledger is never exported again, whatever changes
later (a contact recorded with an earlier date, the person moving practice). A batch keeps the
events exactly as they were sent, so it can be downloaded again, in either format, as it was.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Organisation, Role, Scheme


class BatchQuerySet(models.QuerySet["ExportBatch"]):
    def visible_to(self, user: Any) -> BatchQuerySet:
        """Batches of the schemes the user leads, or that an organisation they administer
        hosts, and those made for a GP practice where they refer."""
        leads = permissions.scheme_ids(user, Role.SCHEME_LEAD)
        hosts = permissions.organisation_ids(user, Role.ADMIN)
        practices = permissions.gp_practice_ids(user)
        if not leads and not hosts and not practices:
            return self.none()
        return self.filter(
            Q(scheme_id__in=leads) | Q(scheme__host_id__in=hosts) | Q(practice_id__in=practices)
        )


class ExportBatch(models.Model):
    """One export of one scheme's new coded events for one GP practice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    practice = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "gp_practice"},
    )
    exported_at = models.DateTimeField(default=timezone.now)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when exported with the `linkwork export-gp-events` command.",
    )
    shared_all_data = models.BooleanField(
        default=False, help_text="The scheme's 'share all data' switch when this was exported."
    )
    # The events as sent (`events.Event.as_dict`), so the batch downloads again as it was.
    events = models.JSONField(default=list)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-exported_at"]
        indexes = [models.Index(fields=["scheme", "practice", "-exported_at"], name="gp_batch_idx")]

    def __str__(self) -> str:
        return f"GP events for practice {self.practice_id}, {self.exported_at:%Y-%m-%d %H:%M}"


class ExportedEvent(models.Model):
    """A coded event already sent: its key, and the batch (when, by whom, to which practice)."""

    key = models.CharField(max_length=64, unique=True)
    batch = models.ForeignKey(ExportBatch, on_delete=models.PROTECT, related_name="ledger")

    class Meta:
        ordering = ["batch", "key"]

    def __str__(self) -> str:
        return self.key
