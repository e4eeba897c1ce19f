"""Abstract models that any app may build on; like the rest of core, they know no domain."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone


class StatusHistory(models.Model):
    """One immutable row per status change of a record: who, when and why.

    A concrete history adds the record that changed (a foreign key named after it, with
    `related_name="history"`) and `from_status` and `to_status`, each a `CharField` with that
    record's statuses as choices (`from_status` blank for the first row)."""

    from_status: models.CharField[str, str]
    to_status: models.CharField[str, str]
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Status history is immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("Status history is immutable.")
