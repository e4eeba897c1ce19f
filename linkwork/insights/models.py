"""What insights keeps: the extracts people asked for from the app, so the task worker can
write them and only the person who asked (or an admin) can download them."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Role


class ExtractFormat(models.TextChoices):
    CSV = "csv", "CSV"
    PARQUET = "parquet", "Parquet"


class ExtractStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being written"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Could not be written"


def extracts_directory() -> Path:
    """Where extracts are written: a private folder of the data directory, never served."""
    return Path(settings.DATA_DIR) / "extracts"


class ExtractRequestQuerySet(models.QuerySet["ExtractRequest"]):
    def visible_to(self, user: Any) -> ExtractRequestQuerySet:
        """Extracts the user may see and download: their own; admins see every one."""
        if permissions.has_role(user, Role.ADMIN):
            return self.all()
        if permissions.has_role(user, Role.ANALYST):
            return self.filter(requested_by_id=user.pk)
        return self.none()


class ExtractRequest(models.Model):
    """One pseudonymised extract asked for from the app: who asked, for which schemes, and
    what became of it. The rows it wrote are counted here; nothing personal is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    file_format = models.CharField(max_length=8, choices=ExtractFormat.choices)
    with_measures = models.BooleanField(default=True)
    schemes = models.JSONField(
        default=list, help_text="Ids of the schemes the extract covers, fixed when asked."
    )
    status = models.CharField(
        max_length=8, choices=ExtractStatus.choices, default=ExtractStatus.QUEUED
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    episodes = models.PositiveIntegerField(default=0)
    measures = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    objects = ExtractRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Extract {self.pk}"

    def path(self, part: str) -> Path:
        """The file of `part` ("episodes" or "measures")."""
        return extracts_directory() / f"{self.pk}-{part}.{self.file_format}"


class CatchmentPopulation(models.Model):
    """One LSOA of the scheme's catchment: its residents of all ages and of each single year
    of age (0 to 89, then 90 and over), from `linkwork import-population`. Loading a file
    replaces every row, so the table is always one release of the estimates."""

    lsoa = models.CharField("LSOA", max_length=9, primary_key=True)
    name = models.CharField(max_length=200, blank=True)
    all_ages = models.PositiveIntegerField()
    by_age = models.JSONField(help_text="Residents of each single year of age, 0 to 90+.")

    class Meta:
        ordering = ["lsoa"]
        verbose_name = "catchment population"

    def __str__(self) -> str:
        return self.lsoa
