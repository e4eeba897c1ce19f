"""The person record: identity, demographics, contact preferences and digital access."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.core.constraints import ChecksInOneQuery
from linkwork.people.nhs_number import validate_nhs_number

PREFER_NOT_TO_SAY = "prefer_not_to_say"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INDETERMINATE = "indeterminate", "Indeterminate"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"
    NOT_KNOWN = "not_known", "Not known"


class GenderSameAsSex(models.TextChoices):
    """The ONS 2021 census question: is the gender the person identifies with the same as
    their sex registered at birth? A "no" may come with their gender identity in their own
    words (`Person.gender_identity`). Blank: not asked."""

    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class EthnicGroup(models.TextChoices):
    """The five high-level ethnic groups of the ONS 2021 census (England and Wales), and the
    answers that place no one in a group."""

    WHITE = "white", "White"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    OTHER = "other", "Other ethnic group"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    """The 19 ethnic groups of the ONS 2021 census in England and Wales (each code starts
    with its high-level group), "Prefer not to say", and "Not known" for not asked."""

    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_OR_IRISH_TRAVELLER = (
        "white_gypsy_or_irish_traveller",
        "White: Gypsy or Irish Traveller",
    )
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    MIXED_WHITE_AND_BLACK_CARIBBEAN = (
        "mixed_white_and_black_caribbean",
        "Mixed or multiple ethnic groups: White and Black Caribbean",
    )
    MIXED_WHITE_AND_BLACK_AFRICAN = (
        "mixed_white_and_black_african",
        "Mixed or multiple ethnic groups: White and Black African",
    )
    MIXED_WHITE_AND_ASIAN = (
        "mixed_white_and_asian",
        "Mixed or multiple ethnic groups: White and Asian",
    )
    MIXED_OTHER = "mixed_other", "Mixed or multiple ethnic groups: any other background"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = (
        "black_other",
        "Black, Black British, Caribbean or African: any other Black background",
    )
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: any other ethnic group"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"
    NOT_KNOWN = "not_known", "Not known"


def ethnic_group(ethnicity: str) -> EthnicGroup:
    """The high-level group of an ethnicity code ("asian_indian" -> ASIAN)."""
    if ethnicity in (PREFER_NOT_TO_SAY, Ethnicity.NOT_KNOWN):
        return EthnicGroup(ethnicity)
    head = ethnicity.split("_", 1)[0]
    return EthnicGroup(head) if head in EthnicGroup.values else EthnicGroup.NOT_KNOWN


# The NHS Data Dictionary's ethnic category codes (2001 census), as GP systems and older
# integrations send them, and the 2021 category each is recorded as. "Chinese" moved to the
# Asian group in 2011.
NHS_ETHNIC_CATEGORY = {
    "A": Ethnicity.WHITE_BRITISH,
    "B": Ethnicity.WHITE_IRISH,
    "C": Ethnicity.WHITE_OTHER,
    "D": Ethnicity.MIXED_WHITE_AND_BLACK_CARIBBEAN,
    "E": Ethnicity.MIXED_WHITE_AND_BLACK_AFRICAN,
    "F": Ethnicity.MIXED_WHITE_AND_ASIAN,
    "G": Ethnicity.MIXED_OTHER,
    "H": Ethnicity.ASIAN_INDIAN,
    "J": Ethnicity.ASIAN_PAKISTANI,
    "K": Ethnicity.ASIAN_BANGLADESHI,
    "L": Ethnicity.ASIAN_OTHER,
    "M": Ethnicity.BLACK_CARIBBEAN,
    "N": Ethnicity.BLACK_AFRICAN,
    "P": Ethnicity.BLACK_OTHER,
    "R": Ethnicity.ASIAN_CHINESE,
    "S": Ethnicity.OTHER_ANY,
    "Z": Ethnicity.PREFER_NOT_TO_SAY,
    "99": Ethnicity.NOT_KNOWN,
}


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"


class DigitalAccess(models.TextChoices):
    NONE = "none", "No digital access"
    LIMITED = "limited", "Limited"
    CONFIDENT = "confident", "Confident"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"
    NOT_KNOWN = "not_known", "Not known"


class RiskStatus(models.TextChoices):
    NOT_ASKED = "not_asked", "Not yet asked"
    NO_KNOWN_RISKS = "no_known_risks", "No known risks"
    RISKS_IDENTIFIED = "risks_identified", "Risks identified"


class ConsentKind(models.TextChoices):
    CONTACT = "contact", "To be contacted by the scheme"
    SHARE_WITH_PROVIDERS = (
        "share_with_providers",
        "To share details with the services they are connected to",
    )
    MESSAGE_BACK = "message_back", "To send a summary back to the referrer and GP"
    EVALUATION = "evaluation", "To use pseudonymised data to evaluate the service"


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", "Verbally, to the person recording it"
    WRITTEN = "written", "In writing"
    ONLINE = "online", "On the online form"


# Who may see a person follows from the records about them, which apps above people hold
# (a referral the user may see). Those apps register the rule at start-up, in their
# `AppConfig.ready()`, so people imports none of them.
VisibilityRule = Callable[[Any], models.QuerySet[Any]]
_visibility_rules: list[VisibilityRule] = []


def register_visibility(rule: VisibilityRule) -> None:
    """Let `rule(user)`, a queryset of person ids, add to the people `user` may see."""
    if rule not in _visibility_rules:
        _visibility_rules.append(rule)


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: Any) -> PersonQuerySet:
        """People the user may see: those a registered rule lets them see (a person with a
        referral the user may see). No one, if no app has registered a rule."""
        if not _visibility_rules:
            return self.none()
        allowed = Q()
        for rule in _visibility_rules:
            allowed |= Q(pk__in=rule(user))
        return self.filter(allowed)


class Person(ChecksInOneQuery, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, validators=[validate_nhs_number]
    )
    given_name = models.CharField("first name", max_length=100)
    family_name = models.CharField("last name", max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_KNOWN)
    gender_same_as_sex = models.CharField(
        "gender the same as sex registered at birth",
        max_length=20,
        choices=GenderSameAsSex.choices,
        blank=True,
    )
    gender_identity = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(
        max_length=40, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN
    )
    preferred_language = models.CharField(
        max_length=8, default="en", help_text="ISO 639-1 code, such as 'en' or 'pl'."
    )
    interpreter_needed = models.BooleanField(default=False)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # Filled from the postcode (see `fill_area`), never typed in.
    lsoa_code = models.CharField("LSOA", max_length=9, blank=True)
    local_authority = models.CharField(
        "local authority", max_length=9, blank=True, help_text="ONS code, such as E08000035."
    )
    imd_decile = models.PositiveSmallIntegerField("IMD decile", null=True, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact_method = models.CharField(
        max_length=16, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    digital_access = models.CharField(
        max_length=20, choices=DigitalAccess.choices, default=DigitalAccess.NOT_KNOWN
    )
    accessibility_needs = models.TextField(blank=True)
    reasonable_adjustments = models.TextField(blank=True)
    long_term_conditions = models.JSONField(default=list, blank=True)
    gp_practice = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "gp_practice"},
    )
    no_known_gp_practice = models.BooleanField(default=False)
    risk_status = models.CharField(
        max_length=20, choices=RiskStatus.choices, default=RiskStatus.NOT_ASKED
    )
    risks = models.TextField(blank=True, help_text="Risks to the person or to staff visiting.")
    safeguarding_concerns = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Counted up by every edit, so an edit made on an older version is refused (no lost
    # updates, `linkwork.core.concurrency`).
    version = models.PositiveIntegerField(default=1)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["nhs_number"], name="person_nhs_number_idx"),
            models.Index(
                fields=["family_name", "given_name", "date_of_birth"], name="person_name_dob_idx"
            ),
            # Finding a person again (`people.actions.matches`) compares names without regard
            # to case, which the index above cannot serve: the date of birth narrows 100,000
            # people to a handful first.
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(imd_decile__isnull=True)
                | (Q(imd_decile__gte=1) & Q(imd_decile__lte=10)),
                name="person_imd_decile_range",
            ),
            models.CheckConstraint(
                condition=Q(nhs_number="") | Q(nhs_number__regex=r"^[0-9]{10}$"),
                name="person_nhs_number_ten_digits",
            ),
            models.CheckConstraint(
                condition=Q(gp_practice__isnull=True) | Q(no_known_gp_practice=False),
                name="person_gp_practice_or_none_known",
            ),
            models.CheckConstraint(
                condition=~Q(risk_status=RiskStatus.RISKS_IDENTIFIED) | ~Q(risks=""),
                name="person_identified_risks_described",
            ),
        ]

    def __str__(self) -> str:
        # Used in the admin and logs of object identity only; never log a person's name.
        return f"Person {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Consent(models.Model):
    """One consent decision: what, yes or no, who recorded it, when and how.

    Decisions are never changed: a new row records a change of mind, and the latest row of
    each kind is the one in force.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=24, choices=ConsentKind.choices)
    given = models.BooleanField()
    method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["person", "kind", "-recorded_at"], name="consent_current_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {'given' if self.given else 'refused'}"


def current_consents(person: Person) -> dict[str, bool]:
    """The consent in force for each kind: the latest decision; absent means not asked."""
    current: dict[str, bool] = {}
    for kind, given in person.consents.order_by("-recorded_at", "-id").values_list("kind", "given"):
        current.setdefault(kind, given)
    return current


class PersonChange(models.Model):
    """One edit of a person's record: who, when and which fields changed.

    The values are left out on purpose: old and new values are personal data, and the record
    itself holds the current ones. Rows are never changed or deleted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    fields = models.JSONField(default=list)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"Person {self.person_id} changed: {', '.join(self.fields)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A person's change history is immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("A person's change history is immutable.")


class MatchStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a link worker to check"
    CONFIRMED = "confirmed", "The same person"
    REJECTED = "rejected", "A different person"


class MatchBasis(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number and date of birth"
    NAME_AND_POSTCODE = "name_and_postcode", "Name, date of birth and postcode"


class PersonMatchQuerySet(models.QuerySet["PersonMatch"]):
    def pending(self) -> PersonMatchQuerySet:
        return self.filter(status=MatchStatus.PENDING)


class PersonMatch(models.Model):
    """A new referral's person who may be someone already on record.

    Until a link worker of the referral's scheme checks it, the referral stays with `candidate`,
    a record made from what the referrer submitted, with the consents given on that referral:
    nothing is written over `existing`, and the referrer sees only what they sent. Confirming
    moves the referral to `existing` (the consents recorded there as new decisions) and
    removes the candidate; rejecting leaves the candidate as a person of their own."""

    candidate = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="matches"
    )
    existing = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=20, choices=MatchBasis.choices)
    status = models.CharField(
        max_length=10, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = PersonMatchQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=MatchStatus.PENDING) | Q(decided_at__isnull=False),
                name="person_match_decided_has_time",
            ),
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(status="pending"),
                name="person_match_one_pending_per_candidate",
            ),
        ]

    def __str__(self) -> str:
        return f"Match {self.pk}: {self.status}"


class RestrictionQuerySet(models.QuerySet["Restriction"]):
    def active(self) -> RestrictionQuerySet:
        return self.filter(lifted_at__isnull=True)


class Restriction(models.Model):
    """A restriction of processing (UK GDPR Article 18) that one organisation placed on its
    own records of a person: while it stands, that organisation keeps the record but makes no
    new connection to a service and sends no message about the person outside its own staff
    (see `is_restricted`). Placed and lifted through a rights request (`linkwork.records`);
    rows are kept when lifted, so the history stays."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="restrictions")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_because = models.TextField(blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=Q(lifted_at__isnull=True),
                name="restriction_one_active_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lifted_because=""),
                name="restriction_lifted_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"Restriction {self.pk} of person {self.person_id}"


def is_restricted(person_id: Any, organisation_id: int | None) -> bool:
    """Whether `organisation_id` has restricted the processing of its records of the person."""
    if organisation_id is None:
        return False
    return (
        Restriction.objects.active()
        .filter(person_id=person_id, organisation_id=organisation_id)
        .exists()
    )
