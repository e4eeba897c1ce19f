"""What insights keeps: the extracts people asked for from the app, so the task worker can
write them and only the person who asked (or an admin) can download them; the catchment's
population; and the clinical measures and health-care use loaded from GP and hospital
records for evaluation (`linkwork import-clinical`, `linkwork import-care-use`)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Role
from linkwork.people.models import Person
from linkwork.referrals.models import Referral


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
    with_clinical = models.BooleanField(
        default=True,
        help_text="Also write the clinical measures and the health-care use, one file each.",
    )
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
        """The file of `part` ("episodes", "measures", "clinical" or "care_use")."""
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


# --- Clinical measures and health-care use ------------------------------------------------


class ClinicalMeasureKind(models.TextChoices):
    """GP-record measures an evaluation compares before and after referral. Each is stored
    in one unit (see `linkwork.insights.clinical.MEASURES`)."""

    HBA1C = "hba1c", "HbA1c (mmol/mol)"
    BMI = "bmi", "Body mass index (kg/m\u00b2)"
    SYSTOLIC_BP = "systolic_bp", "Systolic blood pressure (mmHg)"
    DIASTOLIC_BP = "diastolic_bp", "Diastolic blood pressure (mmHg)"
    TOTAL_CHOLESTEROL = "total_cholesterol", "Total cholesterol (mmol/L)"
    SMOKING_STATUS = "smoking_status", "Smoking status"


class SmokingStatus(models.TextChoices):
    NEVER = "never", "Never smoked"
    EX = "ex", "Ex-smoker"
    CURRENT = "current", "Current smoker"


class CareSetting(models.TextChoices):
    """Kinds of health-care use counted for evaluation; unplanned care is A&E and
    non-elective admissions, planned care elective admissions and outpatient attendances."""

    GP_APPOINTMENT = "gp_appointment", "GP appointment"
    AE_ATTENDANCE = "ae_attendance", "A&E attendance"
    NON_ELECTIVE_ADMISSION = "non_elective_admission", "Non-elective (emergency) admission"
    ELECTIVE_ADMISSION = "elective_admission", "Elective (planned) admission"
    OUTPATIENT_ATTENDANCE = "outpatient_attendance", "Outpatient attendance"


def _case_people(user: Any) -> models.QuerySet[Any]:
    """Ids of the people referred into a scheme in which the user does casework or leads:
    the only people whose clinical data anyone may read one by one. Referrers, providers and
    analysts read none (analysts have the pseudonymised extract)."""
    schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    return Referral._default_manager.filter(scheme_id__in=schemes).values("person_id")


class ClinicalMeasureQuerySet(models.QuerySet["ClinicalMeasure"]):
    def visible_to(self, user: Any) -> ClinicalMeasureQuerySet:
        if not permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD):
            return self.none()
        return self.filter(person_id__in=_case_people(user))


class ClinicalMeasure(models.Model):
    """One measure from a person's GP record, in its stored unit. One per person, measure
    and day (the natural key), so loading the same file again changes nothing and a
    corrected file replaces the value."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=20, choices=ClinicalMeasureKind.choices)
    measured_on = models.DateField()
    value = models.FloatField(null=True, blank=True, help_text="In the measure's stored unit.")
    category = models.CharField(
        max_length=10, choices=SmokingStatus.choices, blank=True, help_text="Smoking status."
    )
    as_given = models.CharField(
        max_length=40, blank=True, help_text="The value and unit as the file gave them."
    )
    imported_at = models.DateTimeField(default=timezone.now)

    objects = ClinicalMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["person", "measure", "measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "measure", "measured_on"], name="clinical_measure_natural_key"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(measure=ClinicalMeasureKind.SMOKING_STATUS)
                    & models.Q(value__isnull=True)
                    & ~models.Q(category="")
                )
                | (
                    ~models.Q(measure=ClinicalMeasureKind.SMOKING_STATUS)
                    & models.Q(value__isnull=False)
                    & models.Q(category="")
                ),
                name="clinical_measure_value_or_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} on {self.measured_on}"


class CareUseQuerySet(models.QuerySet["CareUse"]):
    def visible_to(self, user: Any) -> CareUseQuerySet:
        if not permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD):
            return self.none()
        return self.filter(person_id__in=_case_people(user))


class CareUse(models.Model):
    """How often a person used one kind of care in a period (a single day for one event).
    One per person, setting and period (the natural key)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    setting = models.CharField(max_length=24, choices=CareSetting.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    count = models.PositiveIntegerField()
    imported_at = models.DateTimeField(default=timezone.now)

    objects = CareUseQuerySet.as_manager()

    class Meta:
        ordering = ["person", "setting", "period_start"]
        verbose_name_plural = "care use"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "setting", "period_start", "period_end"],
                name="care_use_natural_key",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="care_use_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.setting} {self.period_start} to {self.period_end}"


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


# The columns every dashboard filter reads (`insights.scope.fact_q`), bar the GP practice.
FILTERED = ["scheme", "received_at", "route", "referring_organisation", "link_worker"]


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
    needs_key = models.TextField(
        blank=True, default="", help_text="The needs, each once, sorted and comma-separated."
    )
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
            # People referred more than once, counted distinct per practice (the referral
            # rate) and per person's characteristics (equity): read in the indexes' order
            # with every filter's column at hand (an index-only scan on PostgreSQL, which
            # removes duplicates and numbers each person's bands as it goes, with no sort or
            # hash of every referral). Only referrals of such people are indexed: a person's
            # only referral is counted as it is.
            models.Index(
                fields=["gp_practice", "person"],
                include=FILTERED,
                condition=models.Q(only_referral=False),
                name="referralfact_several_practice",
            ),
            models.Index(
                fields=[
                    "person",
                    "age_band_low",
                    "sex",
                    "ethnicity",
                    "imd_decile",
                    "digital_access",
                    "preferred_language",
                ],
                include=[*FILTERED, "gp_practice"],
                condition=models.Q(only_referral=False),
                name="referralfact_several_person",
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
