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


# Facts: narrow rows the dashboards count, one per referral, contact, connection and outcome
# score, written by `insights.facts.refresh` (the task worker, as records change) and rebuilt
# by `linkwork insights refresh`. They hold no names or contact details; the person's id is
# kept only to count people once. Each row carries the referral's filter dimensions, so a
# dashboard reads one table without joining the records it was derived from.


def _dimension(model: Any, **more: Any) -> Any:
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        **more,
    )


class Dimensions(models.Model):
    """What every fact is filtered by: the referral's scheme, route, referring organisation,
    the person's GP practice, the link worker, and when the referral was received."""

    scheme = _dimension("accounts.Scheme")
    route = models.CharField(max_length=32)
    referring_organisation = _dimension("accounts.Organisation", null=True)
    gp_practice = _dimension("accounts.Organisation", null=True)
    link_worker = _dimension(settings.AUTH_USER_MODEL, null=True)
    received_at = models.DateTimeField()

    class Meta:
        abstract = True


class Characteristics(models.Model):
    """The person's recorded details the equity figures group by."""

    age_band_low = models.PositiveSmallIntegerField(null=True)
    sex = models.CharField(max_length=20, blank=True)
    ethnicity = models.CharField(max_length=40, blank=True)
    imd_decile = models.PositiveSmallIntegerField(null=True)
    digital_access = models.CharField(max_length=20, blank=True)
    preferred_language = models.CharField(max_length=16, blank=True)

    class Meta:
        abstract = True


class ReferralFact(Dimensions, Characteristics):
    """One referral: where it got to, how long it waited (working days), and who it is for."""

    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    person = _dimension("people.Person")
    only_referral = models.BooleanField(help_text="The person's only referral.")
    received_month = models.DateField()
    status = models.CharField(max_length=16)
    decline_reason = models.CharField(max_length=24, blank=True)
    closure_reason = models.CharField(max_length=24, blank=True)
    needs = models.JSONField(default=list)
    had_contact = models.BooleanField()
    plan_agreed = models.BooleanField()
    connected = models.BooleanField()
    attended = models.BooleanField()
    triage_wait = models.PositiveIntegerField(null=True)
    first_contact_wait = models.PositiveIntegerField(null=True)
    postcode = models.CharField(max_length=10, blank=True)
    refreshed_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            # Which organisations referred into a scheme (the filter's choices): a probe each.
            models.Index(
                fields=["referring_organisation", "scheme"], name="referralfact_referrer_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Facts of referral {self.pk}"


class ContactFact(Dimensions):
    contact = models.UUIDField(primary_key=True)
    referral = models.ForeignKey("referrals.Referral", on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField()
    mode = models.CharField(max_length=16)
    outcome = models.CharField(max_length=16)

    def __str__(self) -> str:
        return f"Facts of contact {self.pk}"


class ConnectionFact(Dimensions):
    connection = models.UUIDField(primary_key=True)
    referral = models.ForeignKey("referrals.Referral", on_delete=models.CASCADE, related_name="+")
    person = _dimension("people.Person")
    service = _dimension("directory.Service")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=12)
    supported_linking = models.BooleanField()
    waiting_list = models.BooleanField()
    rejection_reason = models.CharField(max_length=20, blank=True)
    responded = models.BooleanField()
    response_days = models.PositiveIntegerField(
        null=True, help_text="Working days from request to answer, when both are recorded."
    )

    def __str__(self) -> str:
        return f"Facts of connection {self.pk}"


class OutcomeFact(Dimensions, Characteristics):
    """One score of one instrument for one referral with a baseline: the change to the latest
    follow-up recorded long enough after it (None without one), and whether that change is a
    meaningful improvement (None when the instrument agrees no threshold)."""

    referral = models.ForeignKey("referrals.Referral", on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=32)
    score_key = models.CharField(max_length=64)
    change = models.FloatField(null=True)
    improved = models.BooleanField(null=True)

    def __str__(self) -> str:
        return f"Outcome facts of referral {self.referral_id}"
