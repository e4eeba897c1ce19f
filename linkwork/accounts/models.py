"""Organisations, schemes, users and their roles.

A user belongs to organisations through memberships, each with one role. Roles that work a
caseload (link worker, scheme lead) are held in a scheme; the others are held in an
organisation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from django_stubs_ext.db.models.manager import RelatedManager


class OrganisationKind(models.TextChoices):
    GP_PRACTICE = "gp_practice", "GP practice"
    PCN = "pcn", "Primary care network"
    HOSPITAL = "hospital", "Hospital"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HOUSING = "housing", "Housing provider"
    POLICE = "police", "Police"
    FIRE = "fire", "Fire and rescue"
    JOBCENTRE = "jobcentre", "Jobcentre"
    SCHOOL = "school", "School or college"
    FAITH = "faith", "Faith group"
    VCSE = "vcse", "Voluntary, community or social enterprise"
    OTHER = "other", "Other"


NHS_KINDS = frozenset(
    {OrganisationKind.GP_PRACTICE, OrganisationKind.PCN, OrganisationKind.HOSPITAL}
)


class Role(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    LINK_WORKER = "link_worker", "Link worker"
    SCHEME_LEAD = "scheme_lead", "Scheme lead"
    PROVIDER = "provider", "Provider"
    CURATOR = "curator", "Directory curator"
    ANALYST = "analyst", "Analyst"
    ADMIN = "admin", "System admin"


# Roles whose work happens inside one social prescribing scheme.
SCHEME_ROLES = frozenset({Role.LINK_WORKER, Role.SCHEME_LEAD})
# Roles that can see identifiable personal data must use two-factor authentication.
# Analysts see pseudonymised data only; curators see the directory only.
TWO_FACTOR_ROLES = frozenset(
    {Role.REFERRER, Role.LINK_WORKER, Role.SCHEME_LEAD, Role.PROVIDER, Role.ADMIN}
)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        """The organisations that may be chosen in forms and whose users may sign in."""
        return self.filter(is_active=True)


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    ods_code = models.CharField(
        "ODS code",
        max_length=12,
        blank=True,
        help_text="Organisation Data Service code, where the organisation has one.",
    )
    postcode = models.CharField(max_length=10, blank=True)
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Off: its users cannot sign in, its API tokens stop working and it cannot "
        "be chosen in forms. Organisations are never deleted, only made inactive.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"], condition=~Q(ods_code=""), name="organisation_ods_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_nhs(self) -> bool:
        return self.kind in NHS_KINDS


class PracticeListSize(models.Model):
    """How many patients were registered at a GP practice on an extract date, from NHS
    England's "Patients Registered at a GP Practice" publication (`linkwork
    import-list-sizes`): the denominator of referral rates per 1,000 registered patients."""

    practice = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="list_sizes",
        limit_choices_to={"kind": OrganisationKind.GP_PRACTICE},
    )
    extract_date = models.DateField()
    patients = models.PositiveIntegerField()
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice", "-extract_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "extract_date"], name="practice_list_size_once_per_extract"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} on {self.extract_date}: {self.patients}"


def latest_list_sizes(on: dt.date | None = None) -> dict[int, PracticeListSize]:
    """Each practice's list size from the latest extract (on or before `on`, when given), by
    practice id."""
    rows = PracticeListSize.objects.order_by("practice_id", "-extract_date")
    if on is not None:
        rows = rows.filter(extract_date__lte=on)
    latest: dict[int, PracticeListSize] = {}
    for row in rows:
        latest.setdefault(row.practice_id, row)
    return latest


class Scheme(models.Model):
    """A social prescribing service hosted by an organisation, NHS or not."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    host = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="schemes")
    catchment = models.TextField(
        blank=True, help_text="The area the scheme serves, in words (for example the PCN's wards)."
    )
    catchment_postcode_districts = models.JSONField(
        default=list, blank=True, help_text="Postcode districts served, such as 'LS6'."
    )
    accepted_routes = models.JSONField(
        default=list, blank=True, help_text="Referral routes accepted; empty means every route."
    )
    yearly_caseload_limit = models.PositiveIntegerField(
        default=250, help_text="Safe maximum of people a link worker supports in a year."
    )
    active_caseload_limit = models.PositiveIntegerField(
        default=60, help_text="Safe maximum of people a link worker supports at once."
    )
    triage_working_days = models.PositiveSmallIntegerField(default=2)
    provider_response_working_days = models.PositiveSmallIntegerField(
        default=10, help_text="Working days a provider has to answer a connection request."
    )
    provider_reminder_working_days = models.PositiveSmallIntegerField(
        default=6, help_text="Working days after a request when the provider is reminded."
    )
    follow_up_days_after_connection = models.PositiveSmallIntegerField(
        default=14, help_text="Days after a provider accepts when the link worker checks in."
    )
    outcome_schedule = models.JSONField(
        default=dict,
        blank=True,
        help_text="Outcome measures at baseline, follow-up (after follow_up_weeks) and "
        "discharge; empty parts take the default (SWEMWBS and ONS4, 12 weeks).",
    )
    missed_contacts_before_review = models.PositiveSmallIntegerField(
        default=3, help_text="Missed contacts in a row before the link worker is asked to review."
    )
    minimum_age = models.PositiveSmallIntegerField(
        default=16,
        help_text="The youngest age, in years, the scheme supports; younger people are "
        "refused at referral with where to go instead.",
    )
    share_all_data_with_gp = models.BooleanField(
        "share all data with GP practices",
        default=False,
        help_text="Off: the GP event export carries the SNOMED CT codes only (referred, "
        "declined). On: it also carries outcome scores with their instrument.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    if TYPE_CHECKING:
        memberships: RelatedManager[Membership]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(yearly_caseload_limit__gte=1) & Q(active_caseload_limit__gte=1),
                name="scheme_caseload_limits_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_nhs_hosted(self) -> bool:
        return self.host.is_nhs


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users must have an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Staff accounts are never deleted, only deactivated."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May use the Django admin site (platform operators only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    # Not stored: set around a save that deactivates the user (`accounts.sessions`), so the
    # save signal can end their sessions and audit who did it.
    was_active: bool | None = None
    deactivated_by: User | None = None
    sessions_ended: int = 0

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    if TYPE_CHECKING:
        memberships: RelatedManager[Membership]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(models.Model):
    """One role a user holds in an organisation, and for scheme roles, in which scheme."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(scheme__isnull=True),
                name="membership_unique_without_scheme",
            ),
            models.UniqueConstraint(
                fields=["user", "scheme", "role"],
                condition=Q(scheme__isnull=False),
                name="membership_unique_in_scheme",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(SCHEME_ROLES)) | Q(scheme__isnull=False),
                name="membership_scheme_role_needs_scheme",
            ),
        ]

    def __str__(self) -> str:
        where = self.scheme or self.organisation
        return f"{self.get_role_display()} at {where}"
