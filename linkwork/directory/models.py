"""The community directory: Open Referral UK 3.0 / HSDS 3.0 records, plus what social
prescribing needs to know about a service, plus the postcode and deprivation lookups.

Field names mirror HSDS field names (`fees_description`, `assured_date`, `link_entity`...) so
an ORUK export is a rename-free walk over the rows. Every HSDS record has a UUID primary key,
as ORUK requires; optional text is stored as "" and omitted on export. Fields beyond HSDS
(delivery modes, referral route, capacity, format, funding) are social prescribing's own and
are exported, where at all, as attributes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Organisation, Role
from linkwork.core.links import validate_web_address
from linkwork.directory.text import plain_text


# A listing not checked by a person for a year is stale: link workers are warned, curators
# are asked to re-check it.
def stale_after_days() -> int:
    """Days after its last human check when a listing is stale (LINKWORK_LISTING_STALE_DAYS)."""
    return int(getattr(settings, "LINKWORK_LISTING_STALE_DAYS", 365))


def expire_after_days() -> int:
    """Days after its last check when matching leaves a listing out altogether
    (LINKWORK_LISTING_EXPIRE_DAYS, three years unless set); never less than the stale limit."""
    return max(int(getattr(settings, "LINKWORK_LISTING_EXPIRE_DAYS", 1095)), stale_after_days())


def confirm_after_days() -> int:
    """Days after its last check when providers are asked to confirm a listing."""
    return int(getattr(settings, "LINKWORK_LISTING_CONFIRM_DAYS", 183))


class Entity(models.TextChoices):
    """HSDS table names, used for `Attribute.link_entity` and `Metadata.resource_type`."""

    ORGANIZATION = "organization", "Organization"
    ORGANIZATION_IDENTIFIER = "organization_identifier", "Organization identifier"
    SERVICE = "service", "Service"
    LOCATION = "location", "Location"
    SERVICE_AT_LOCATION = "service_at_location", "Service at location"
    ADDRESS = "address", "Address"
    PHONE = "phone", "Phone"
    CONTACT = "contact", "Contact"
    SCHEDULE = "schedule", "Schedule"
    COST_OPTION = "cost_option", "Cost option"
    LANGUAGE = "language", "Language"
    ACCESSIBILITY = "accessibility", "Accessibility"
    SERVICE_AREA = "service_area", "Service area"
    FUNDING = "funding", "Funding"
    TAXONOMY = "taxonomy", "Taxonomy"
    TAXONOMY_TERM = "taxonomy_term", "Taxonomy term"
    ATTRIBUTE = "attribute", "Attribute"


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class DeliveryMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    PHONE = "phone", "By phone"


# Delivery modes are booleans rather than a list so every mode can be filtered and indexed
# the same way on SQLite and PostgreSQL.
DELIVERY_MODE_FIELDS: dict[str, str] = {
    DeliveryMode.IN_PERSON: "delivers_in_person",
    DeliveryMode.ONLINE: "delivers_online",
    DeliveryMode.PHONE: "delivers_by_phone",
}


class ReferralRoute(models.TextChoices):
    REFERRAL = "referral", "Takes referrals"
    SIGNPOST = "signpost", "Signpost only"


class Capacity(models.TextChoices):
    ACCEPTING = "accepting", "Accepting people"
    WAITING_LIST = "waiting_list", "Waiting list"
    FULL = "full", "Full"


class ServiceFormat(models.TextChoices):
    GROUP = "group", "Group"
    ONE_TO_ONE = "one_to_one", "One to one"
    BOTH = "both", "Group and one to one"


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class PhoneType(models.TextChoices):
    """RFC 6350 telephone types, as HSDS lists them."""

    TEXT = "text", "Text"
    VOICE = "voice", "Voice"
    FAX = "fax", "Fax"
    CELL = "cell", "Mobile"
    VIDEO = "video", "Video"
    PAGER = "pager", "Pager"
    TEXTPHONE = "textphone", "Textphone"


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", "Weekly"
    MONTHLY = "MONTHLY", "Monthly"


class Weekday(models.TextChoices):
    MO = "MO", "Monday"
    TU = "TU", "Tuesday"
    WE = "WE", "Wednesday"
    TH = "TH", "Thursday"
    FR = "FR", "Friday"
    SA = "SA", "Saturday"
    SU = "SU", "Sunday"


class ExtentType(models.TextChoices):
    GEOJSON = "geojson", "GeoJSON"
    TOPOJSON = "topojson", "TopoJSON"
    KML = "kml", "KML"
    TEXT = "text", "Text"


class MetadataAction(models.TextChoices):
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"


class LinkType(models.TextChoices):
    """What an attribute's taxonomy term says about the record (HSDS `link_type`, an open
    codelist: imported feeds may carry other values, which are kept as they are)."""

    CATEGORY = "category", "Service category"
    AUDIENCE = "audience", "Who it is for"


def _at_least_one(*fields: str) -> Q:
    condition = Q(**{f"{fields[0]}__isnull": False})
    for field in fields[1:]:
        condition |= Q(**{f"{field}__isnull": False})
    return condition


def _in_range(field: str, low: float, high: float) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": low, f"{field}__lte": high})


def _not_after(start: str, end: str) -> Q:
    return (
        Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__lte": F(end)})
    )


def _coordinates_constraints(prefix: str, *, optional: bool) -> list[models.BaseConstraint]:
    constraints: list[models.BaseConstraint] = [
        models.CheckConstraint(
            condition=_in_range("latitude", -90, 90), name=f"{prefix}_latitude_range"
        ),
        models.CheckConstraint(
            condition=_in_range("longitude", -180, 180), name=f"{prefix}_longitude_range"
        ),
    ]
    if optional:
        constraints.append(
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name=f"{prefix}_coordinates_together",
            )
        )
    return constraints


class HsdsRecord(models.Model):
    """A record of one HSDS table: a UUID id, and attributes and metadata linked by that id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    hsds_entity: ClassVar[Entity]

    class Meta:
        abstract = True

    @property
    def attributes(self) -> models.QuerySet[Attribute]:
        """The attributes (taxonomy terms) linked to this record."""
        return Attribute.objects.filter(link_entity=self.hsds_entity, link_id=self.pk)

    @property
    def metadata(self) -> models.QuerySet[Metadata]:
        """This record's change history, oldest first."""
        return Metadata.objects.filter(resource_type=self.hsds_entity, resource_id=self.pk)


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def editable_by(self, user: Any) -> OrganizationQuerySet:
        """Listings the user may edit: curators edit all; providers edit their own."""
        if permissions.has_role(user, Role.CURATOR):
            return self.all()
        own = permissions.organisation_ids(user, Role.PROVIDER)
        return self.filter(account_organisation_id__in=own) if own else self.none()


class Organization(HsdsRecord):
    """An organisation's directory listing (HSDS `organization`).

    Not the same as `accounts.Organisation`, which is who signs in. A listing linked to an
    account organisation can be kept up to date by that organisation's providers.
    """

    hsds_entity = Entity.ORGANIZATION

    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=500, blank=True, validators=[validate_web_address])
    tax_status = models.CharField(max_length=100, blank=True)
    tax_id = models.CharField(max_length=100, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=100, blank=True)
    logo = models.URLField(max_length=500, blank=True, validators=[validate_web_address])
    uri = models.URLField(max_length=500, blank=True, validators=[validate_web_address])
    parent_organization = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    account_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organizations",
        help_text="The signed-in organisation whose providers may edit this listing.",
    )
    last_modified = models.DateTimeField(default=timezone.now)
    # The id the feed gave, when it was not a UUID (Linkwork's id is then a UUID5 of it).
    original_id = models.CharField(
        max_length=255, blank=True, help_text="The id the source feed gave this organisation."
    )
    # Made by an import for services a feed gave no organisation: a curator should name it.
    placeholder = models.BooleanField(
        default=False,
        help_text="Made by an import for services whose feed named no organisation.",
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="dir_org_name_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="dir_org_name_not_blank"),
            models.CheckConstraint(
                condition=~Q(parent_organization=F("id")), name="dir_org_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganizationIdentifier(HsdsRecord):
    """A registration number such as a charity or company number."""

    hsds_entity = Entity.ORGANIZATION_IDENTIFIER

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="organization_identifiers"
    )
    identifier_scheme = models.CharField(
        max_length=50, blank=True, help_text="org-id.guide scheme, such as GB-CHC."
    )
    identifier_type = models.CharField(max_length=100)
    identifier = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(identifier="") & ~Q(identifier_type=""),
                name="dir_orgid_not_blank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier_type} {self.identifier}"


class Taxonomy(HsdsRecord):
    hsds_entity = Entity.TAXONOMY

    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    uri = models.URLField(max_length=500, blank=True, validators=[validate_web_address])
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="dir_taxonomy_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(HsdsRecord):
    hsds_entity = Entity.TAXONOMY_TERM

    taxonomy = models.ForeignKey(
        Taxonomy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="taxonomy_terms",
    )
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    taxonomy_detail = models.CharField(
        max_length=255,
        blank=True,
        help_text="HSDS `taxonomy`: free text naming an established taxonomy, where the term "
        "has no taxonomy record.",
    )
    language = models.CharField(max_length=35, blank=True)
    term_uri = models.URLField(max_length=500, blank=True, validators=[validate_web_address])

    class Meta:
        ordering = ["taxonomy_id", "name"]
        indexes = [
            models.Index(fields=["code"], name="dir_term_code_idx"),
            models.Index(fields=["name"], name="dir_term_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="dir_term_name_not_blank"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="dir_term_not_own_parent"),
            models.UniqueConstraint(
                fields=["taxonomy", "code"],
                condition=~Q(code=""),
                name="dir_term_code_unique_in_taxonomy",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AttributeQuerySet(models.QuerySet["Attribute"]):
    def linked_to(self, entity: str, ids: Iterable[Any]) -> AttributeQuerySet:
        return self.filter(link_entity=entity, link_id__in=list(ids))


class Attribute(HsdsRecord):
    """Links a taxonomy term to any record, HSDS style: by table name and id.

    Kept as HSDS has it (rather than a generic foreign key) so the export writes the rows as
    they are; `Service.objects.in_categories()` does the join for the common case.
    """

    hsds_entity = Entity.ATTRIBUTE

    link_id = models.UUIDField()
    link_entity = models.CharField(max_length=32, choices=Entity.choices)
    link_type = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the term says about the record, such as 'category' or 'audience'.",
    )
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes"
    )
    value = models.TextField(blank=True)
    label = models.CharField(max_length=255, blank=True)

    objects = AttributeQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["link_entity", "link_id"], name="dir_attr_link_idx"),
            models.Index(fields=["taxonomy_term", "link_entity"], name="dir_attr_term_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(link_entity__in=Entity.values), name="dir_attr_link_entity_valid"
            ),
            models.UniqueConstraint(
                fields=["link_entity", "link_id", "link_type", "taxonomy_term"],
                name="dir_attr_unique_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link_entity} {self.link_id}: {self.taxonomy_term_id}"


class ServiceQuerySet(models.QuerySet["Service"]):
    def in_categories(self, slugs: Iterable[str]) -> ServiceQuerySet:
        """Services with any of these Linkwork categories, stated or suggested (a suggestion
        no curator has rejected yet: see `Suggestion`)."""
        # Imported here: the taxonomy module reads its data files, and imports these models.
        from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID

        slugs = list(slugs)
        terms = TaxonomyTerm.objects.filter(taxonomy_id=LINKWORK_TAXONOMY_ID, code__in=slugs)
        linked = Attribute.objects.filter(
            link_entity=Entity.SERVICE, link_type=LinkType.CATEGORY, taxonomy_term__in=terms
        ).values("link_id")
        suggested = Suggestion.objects.suggested_categories().filter(value__in=slugs)
        return self.filter(Q(id__in=linked) | Q(id__in=suggested.values("service_id")))

    def with_delivery_mode(self, *modes: str) -> ServiceQuerySet:
        """Services delivered in any of these modes."""
        condition = Q()
        for mode in modes:
            condition |= Q(**{DELIVERY_MODE_FIELDS[mode]: True})
        return self.filter(condition)

    def stale(self, today: date | None = None) -> ServiceQuerySet:
        """Services no person has checked within the stale limit: shown as stale, left out
        of matching, never deleted."""
        today = today or timezone.localdate()
        cutoff = today - timedelta(days=stale_after_days())
        return self.filter(Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff))

    def fresh(self, today: date | None = None) -> ServiceQuerySet:
        """Services checked within the stale limit: the only ones matching may suggest."""
        today = today or timezone.localdate()
        return self.filter(assured_date__gte=today - timedelta(days=stale_after_days()))

    def editable_by(self, user: Any) -> ServiceQuerySet:
        """Services the user may edit: curators edit all; providers their organisation's."""
        if permissions.has_role(user, Role.CURATOR):
            return self.all()
        own = permissions.organisation_ids(user, Role.PROVIDER)
        if not own:
            return self.none()
        return self.filter(organization__account_organisation_id__in=own)


class Service(HsdsRecord):
    hsds_entity = Entity.SERVICE

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    # The description's words without markup, for search, matching, snippets and export;
    # kept in step by `save()` (and by importers that bulk-write, through `refresh_text()`).
    description_text = models.TextField(blank=True, editable=False)
    # The id the feed gave, when it was not a UUID (Linkwork's id is then a UUID5 of it).
    original_id = models.CharField(
        max_length=255, blank=True, help_text="The id the source feed gave this service."
    )
    url = models.URLField(max_length=500, blank=True, validators=[validate_web_address])
    email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    wait_time = models.CharField(max_length=255, blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(
        null=True, blank=True, help_text="When a person last checked this listing."
    )
    assurer_email = models.EmailField(blank=True)
    assurer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assured_services",
        help_text="Who last checked this listing, when they are a Linkwork user.",
    )
    licenses = models.TextField(blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(default=timezone.now)

    # Social prescribing's own fields. Each is unknown until a feed or a person states it:
    # delivery modes are all None ("not stated") or each True or False with at least one
    # True; route, capacity and format are "" when not stated. Nothing is guessed.
    delivers_in_person = models.BooleanField(null=True, blank=True, default=None)
    delivers_online = models.BooleanField(null=True, blank=True, default=None)
    delivers_by_phone = models.BooleanField(null=True, blank=True, default=None)
    referral_route = models.CharField(
        max_length=10, choices=ReferralRoute.choices, blank=True, default=""
    )
    capacity = models.CharField(max_length=12, choices=Capacity.choices, blank=True, default="")
    format = models.CharField(max_length=10, choices=ServiceFormat.choices, blank=True)
    funded_for_social_prescribing = models.BooleanField(
        default=False,
        help_text="Whether the service is paid for taking social prescribing referrals; "
        "unfunded demand on the voluntary sector should be visible.",
    )
    funding_note = models.TextField(blank=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="dir_service_name_idx"),
            models.Index(fields=["status"], name="dir_service_status_idx"),
            models.Index(fields=["last_modified"], name="dir_service_modified_idx"),
            models.Index(fields=["assured_date"], name="dir_service_assured_idx"),
            # Remote (online or phone) services, which a distance search always includes.
            models.Index(
                fields=["name"],
                condition=Q(delivers_in_person=False),
                name="dir_service_remote_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="dir_service_name_not_blank"),
            models.CheckConstraint(
                condition=Q(status__in=ServiceStatus.values), name="dir_service_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(referral_route="") | Q(referral_route__in=ReferralRoute.values),
                name="dir_service_referral_route_valid",
            ),
            models.CheckConstraint(
                condition=Q(capacity="") | Q(capacity__in=Capacity.values),
                name="dir_service_capacity_valid",
            ),
            models.CheckConstraint(
                condition=Q(format="") | Q(format__in=ServiceFormat.values),
                name="dir_service_format_valid",
            ),
            models.CheckConstraint(
                condition=_not_after("minimum_age", "maximum_age"),
                name="dir_service_min_age_not_above_max",
            ),
            models.CheckConstraint(
                condition=Q(
                    delivers_in_person__isnull=True,
                    delivers_online__isnull=True,
                    delivers_by_phone__isnull=True,
                )
                | Q(delivers_in_person=True)
                | Q(delivers_online=True)
                | Q(delivers_by_phone=True),
                name="dir_service_delivery_stated_or_unknown",
            ),
            models.CheckConstraint(
                condition=Q(assurer__isnull=True) | Q(assured_date__isnull=False),
                name="dir_service_assurer_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_text()
        if (fields := kwargs.get("update_fields")) is not None and "description" in fields:
            kwargs["update_fields"] = {*fields, "description_text"}
        super().save(*args, **kwargs)

    def refresh_text(self) -> None:
        """Derive `description_text` from `description`."""
        self.description_text = plain_text(self.description)

    @property
    def delivery_modes(self) -> list[str]:
        """The modes the service is stated to be delivered in; [] when not stated."""
        return [mode for mode, field in DELIVERY_MODE_FIELDS.items() if getattr(self, field)]

    @property
    def delivery_stated(self) -> bool:
        """Whether a feed or a person has said how the service is delivered."""
        return any(getattr(self, field) is not None for field in DELIVERY_MODE_FIELDS.values())

    def is_stale(self, today: date | None = None) -> bool:
        if self.assured_date is None:
            return True
        today = today or timezone.localdate()
        return self.assured_date < today - timedelta(days=stale_after_days())


class TipStatus(models.TextChoices):
    """A tip is shown to link workers only once a curator has approved it."""

    PENDING = "pending", "Waiting to be checked"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ServiceTipQuerySet(models.QuerySet["ServiceTip"]):
    def visible_to(self, user: Any) -> ServiceTipQuerySet:
        """Approved tips are shared among link workers and scheme leads, who also see their
        own tips while they wait to be checked; no one else sees tips here (curators check
        them on the moderation page)."""
        if permissions.has_role(user, Role.LINK_WORKER, Role.SCHEME_LEAD):
            return self.filter(Q(status=TipStatus.APPROVED) | Q(author_id=user.pk)).exclude(
                status=TipStatus.REJECTED
            )
        return self.none()

    def pending(self) -> ServiceTipQuerySet:
        """Tips waiting for a curator, oldest first."""
        return self.filter(status=TipStatus.PENDING).order_by("created_at")


class ServiceTip(models.Model):
    """A link worker's private tip about a service ("ask for Jo at the door"); never exported.
    Curators approve or reject each new tip before other link workers see it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="tips")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_tips"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=TipStatus.choices, default=TipStatus.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    objects = ServiceTipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="dir_tip_status_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="dir_tip_text_not_blank"),
            models.CheckConstraint(
                condition=Q(status__in=TipStatus.values), name="dir_tip_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Tip on {self.service_id}"


class Location(HsdsRecord):
    hsds_entity = Entity.LOCATION

    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = models.URLField(max_length=500, blank=True, validators=[validate_web_address])
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="locations"
    )
    name = models.CharField(max_length=255, blank=True)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True, help_text="WGS84 decimal degrees.")
    longitude = models.FloatField(null=True, blank=True, help_text="WGS84 decimal degrees.")
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(
        max_length=50, blank=True, help_text="Such as UPRN."
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="dir_location_coords_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(location_type__in=LocationType.values),
                name="dir_location_type_valid",
            ),
            *_coordinates_constraints("dir_location", optional=True),
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(HsdsRecord):
    hsds_entity = Entity.SERVICE_AT_LOCATION

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = "service at location"
        verbose_name_plural = "services at locations"
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="dir_sal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} at {self.location_id}"


class Address(HsdsRecord):
    hsds_entity = Entity.ADDRESS

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(max_length=255)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=10)
    country = models.CharField(max_length=2, default="GB", help_text="ISO 3166-1 alpha-2.")
    address_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )

    class Meta:
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["postal_code"], name="dir_address_postcode_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(address_type__in=LocationType.values),
                name="dir_address_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.address_1, self.city, self.postal_code) if p)


class Contact(HsdsRecord):
    hsds_entity = Entity.CONTACT

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_at_least_one(
                    "organization", "service", "service_at_location", "location"
                ),
                name="dir_contact_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.title or str(self.id)


class Phone(HsdsRecord):
    hsds_entity = Entity.PHONE

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
    )
    number = models.CharField(max_length=30)
    extension = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(max_length=10, choices=PhoneType.choices, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(number=""), name="dir_phone_number_not_blank"),
            models.CheckConstraint(
                condition=_at_least_one(
                    "location", "service", "organization", "contact", "service_at_location"
                ),
                name="dir_phone_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Schedule(HsdsRecord):
    """When a service runs, as an iCalendar-style rule (HSDS `schedule`)."""

    hsds_entity = Entity.SCHEDULE

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True, help_text="UTC offset in hours.")
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, choices=Weekday.choices, blank=True)
    freq = models.CharField(max_length=7, choices=Frequency.choices, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=50, blank=True, help_text="Such as 'MO,TH' or '1SA'.")
    byweekno = models.CharField(max_length=100, blank=True)
    bymonthday = models.CharField(max_length=100, blank=True)
    byyearday = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.URLField(max_length=500, blank=True, validators=[validate_web_address])
    attending_type = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_at_least_one("service", "location", "service_at_location"),
                name="dir_schedule_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(freq="") | Q(freq__in=Frequency.values),
                name="dir_schedule_freq_valid",
            ),
            models.CheckConstraint(
                condition=Q(interval__isnull=True) | Q(interval__gte=1),
                name="dir_schedule_interval_positive",
            ),
            models.CheckConstraint(
                condition=_not_after("valid_from", "valid_to"),
                name="dir_schedule_valid_from_not_after_to",
            ),
        ]

    def __str__(self) -> str:
        return self.description or f"{self.freq} {self.byday}".strip()


class CostOption(HsdsRecord):
    hsds_entity = Entity.COST_OPTION

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=255, blank=True, help_text="Who or what it applies to.")
    currency = models.CharField(max_length=3, default="GBP", help_text="ISO 4217 code.")
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="dir_cost_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=_not_after("valid_from", "valid_to"),
                name="dir_cost_valid_from_not_after_to",
            ),
        ]

    def __str__(self) -> str:
        return self.option or str(self.amount)


class Language(HsdsRecord):
    """A language a service is delivered in, without an interpreter."""

    hsds_entity = Entity.LANGUAGE

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=35, blank=True, help_text="BCP 47 code, such as 'pl'.")
    note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["code"], name="dir_language_code_idx")]
        constraints = [
            models.CheckConstraint(
                condition=_at_least_one("service", "location", "phone"),
                name="dir_language_has_owner",
            ),
            models.CheckConstraint(condition=~Q(name="") | ~Q(code=""), name="dir_language_named"),
        ]

    def __str__(self) -> str:
        return self.name or self.code


class Accessibility(HsdsRecord):
    hsds_entity = Entity.ACCESSIBILITY

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True, validators=[validate_web_address])

    class Meta:
        verbose_name_plural = "accessibility"

    def __str__(self) -> str:
        return self.description[:50]


class ServiceArea(HsdsRecord):
    hsds_entity = Entity.SERVICE_AREA

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=10, choices=ExtentType.choices, blank=True)
    uri = models.URLField(max_length=500, blank=True, validators=[validate_web_address])
    # The ONS code of the local authority the area is (E06000001), when known: from the
    # feed's own service area, or stated for a whole feed by `import-oruk --area`.
    local_authority_code = models.CharField(
        max_length=9, blank=True, help_text="ONS local authority code, such as E06000001."
    )

    def __str__(self) -> str:
        return self.name or str(self.id)


class Funding(HsdsRecord):
    hsds_entity = Entity.FUNDING

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="funding"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="funding"
    )
    source = models.TextField()

    class Meta:
        verbose_name_plural = "funding"
        constraints = [
            models.CheckConstraint(
                condition=_at_least_one("organization", "service"),
                name="dir_funding_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.source[:50]


class Metadata(models.Model):
    """One immutable row per change to a directory record: what changed, from what to what,
    by whom and when (HSDS `metadata`). Together the rows are the record's version history.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resource_id = models.UUIDField()
    resource_type = models.CharField(max_length=32, choices=Entity.choices)
    last_action_date = models.DateTimeField(default=timezone.now)
    last_action_type = models.CharField(max_length=10, choices=MetadataAction.choices)
    field_name = models.CharField(max_length=100, blank=True)
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.CharField(
        max_length=255, blank=True, help_text="Who made the change, as exported."
    )
    updated_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["last_action_date", "field_name"]
        verbose_name_plural = "metadata"
        indexes = [
            models.Index(
                fields=["resource_type", "resource_id", "last_action_date"],
                name="dir_metadata_resource_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resource_type__in=Entity.values),
                name="dir_metadata_resource_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(last_action_type__in=MetadataAction.values),
                name="dir_metadata_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_action_type} {self.resource_type} {self.field_name}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Directory metadata is immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("Directory metadata is immutable.")


class Postcode(models.Model):
    """A row of a postcode directory (the ONS Postcode Directory, or the demo table)."""

    postcode = models.CharField(max_length=8, primary_key=True, help_text="Normalised: 'LS1 4AP'.")
    latitude = models.FloatField()
    longitude = models.FloatField()
    lsoa = models.CharField("LSOA", max_length=9, blank=True)
    local_authority = models.CharField(
        max_length=9,
        blank=True,
        help_text="ONS code of the local authority district, such as E08000035 ('' unknown).",
    )

    class Meta:
        indexes = [models.Index(fields=["lsoa"], name="dir_postcode_lsoa_idx")]
        constraints = _coordinates_constraints("dir_postcode", optional=False)

    def __str__(self) -> str:
        return self.postcode


class ImdDecile(models.Model):
    """The Index of Multiple Deprivation decile of an LSOA: 1 is the most deprived tenth."""

    lsoa = models.CharField("LSOA", max_length=9, primary_key=True)
    decile = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "IMD decile"
        constraints = [
            models.CheckConstraint(
                condition=Q(decile__gte=1) & Q(decile__lte=10), name="dir_imd_decile_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lsoa}: {self.decile}"


class ListingConfirmationRequest(models.Model):
    """A request to a provider to confirm that a listing is still right: kept so providers
    are asked at most once a month, and so curators can see who was asked when."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="confirmation_requests"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Confirmation of {self.service_id} requested {self.requested_at:%Y-%m-%d}"


class SuggestionKind(models.TextChoices):
    CATEGORY = "category", "Type of support"
    AUDIENCE = "audience", "Who it is for"
    AGES = "ages", "Ages"


class SuggestionStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class SuggestionSource(models.TextChoices):
    FEED_TERM = "feed_term", "The feed's own taxonomy term"
    KEYWORDS = "keywords", "Words in the name and description"
    TEXT = "text", "Stated in the text"


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def open(self) -> SuggestionQuerySet:
        """Suggestions no curator has decided yet."""
        return self.filter(status=SuggestionStatus.SUGGESTED)

    def suggested_categories(self) -> SuggestionQuerySet:
        """Undecided category suggestions: search and matching count them as categories."""
        return self.open().filter(kind=SuggestionKind.CATEGORY)


class Suggestion(models.Model):
    """A category, audience or age range that Linkwork inferred for a listing whose feed did
    not state it (`directory.suggestions`), kept apart from what the feed or a curator stated.

    A suggested category counts for search and matching until a curator decides; a suggested
    audience or age range counts for nothing until confirmed. Confirming writes the stated
    fact (an attribute row, or the listing's ages) with its history; rejecting keeps the row,
    so the same guess is not offered again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="suggestions")
    kind = models.CharField(max_length=10, choices=SuggestionKind.choices)
    value = models.CharField(
        max_length=100,
        help_text="A category or audience slug, or ages as 'min-max' ('11-18', '50-', '-24').",
    )
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.SUGGESTED
    )
    source = models.CharField(max_length=10, choices=SuggestionSource.choices)
    evidence = models.CharField(
        max_length=500, blank=True, help_text="The words or feed terms that gave the guess."
    )
    score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "value"]
        indexes = [
            models.Index(fields=["kind", "status", "value"], name="dir_suggestion_open_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind", "value"], name="dir_suggestion_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SuggestionKind.values), name="dir_suggestion_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values),
                name="dir_suggestion_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=SuggestionSource.values),
                name="dir_suggestion_source_valid",
            ),
            models.CheckConstraint(condition=~Q(value=""), name="dir_suggestion_value_not_blank"),
            models.CheckConstraint(
                condition=Q(status=SuggestionStatus.SUGGESTED, decided_at__isnull=True)
                | (~Q(status=SuggestionStatus.SUGGESTED) & Q(decided_at__isnull=False)),
                name="dir_suggestion_decided_when_not_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} for {self.service_id} ({self.status})"
