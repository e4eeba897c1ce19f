"""The Django admin for platform operators. Curators and providers edit listings in the
directory's own pages, which record versioned metadata; the admin is for repairs."""

from __future__ import annotations

from django.contrib import admin

from linkwork.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    ImdDecile,
    Language,
    Location,
    Metadata,
    Organization,
    OrganizationIdentifier,
    Phone,
    Postcode,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceTip,
    Taxonomy,
    TaxonomyTerm,
)


class ServiceInline(admin.TabularInline[Service, Organization]):
    model = Service
    fields = ["name", "status", "capacity", "assured_date"]
    show_change_link = True
    extra = 0


class OrganizationIdentifierInline(admin.TabularInline[OrganizationIdentifier, Organization]):
    model = OrganizationIdentifier
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ["name", "account_organisation", "legal_status", "last_modified"]
    search_fields = ["name", "alternate_name", "email"]
    autocomplete_fields = ["account_organisation", "parent_organization"]
    inlines = [OrganizationIdentifierInline, ServiceInline]


class ServiceAtLocationInline(admin.TabularInline[ServiceAtLocation, Service]):
    model = ServiceAtLocation
    autocomplete_fields = ["location"]
    extra = 0


class ScheduleInline(admin.TabularInline[Schedule, Service]):
    model = Schedule
    fk_name = "service"
    fields = ["freq", "interval", "byday", "opens_at", "closes_at", "valid_from", "valid_to"]
    extra = 0


class CostOptionInline(admin.TabularInline[CostOption, Service]):
    model = CostOption
    extra = 0


class LanguageInline(admin.TabularInline[Language, Service]):
    model = Language
    fk_name = "service"
    fields = ["name", "code", "note"]
    extra = 0


class ServiceAreaInline(admin.TabularInline[ServiceArea, Service]):
    model = ServiceArea
    fields = ["name", "description", "extent_type"]
    extra = 0


class ContactInline(admin.TabularInline[Contact, Service]):
    model = Contact
    fk_name = "service"
    fields = ["name", "title", "department", "email"]
    extra = 0


class PhoneInline(admin.TabularInline[Phone, Service]):
    model = Phone
    fk_name = "service"
    fields = ["number", "extension", "type", "description"]
    extra = 0


class FundingInline(admin.TabularInline[Funding, Service]):
    model = Funding
    fk_name = "service"
    fields = ["source"]
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    list_display = ["name", "organization", "status", "capacity", "referral_route", "assured_date"]
    list_filter = ["status", "capacity", "referral_route", "format", "delivers_online"]
    search_fields = ["name", "alternate_name", "organization__name"]
    autocomplete_fields = ["organization", "assurer"]
    date_hierarchy = "assured_date"
    inlines = [
        ServiceAtLocationInline,
        ScheduleInline,
        CostOptionInline,
        LanguageInline,
        ServiceAreaInline,
        ContactInline,
        PhoneInline,
        FundingInline,
    ]


class AddressInline(admin.StackedInline[Address, Location]):
    model = Address
    extra = 0


class AccessibilityInline(admin.TabularInline[Accessibility, Location]):
    model = Accessibility
    extra = 0


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin[Location]):
    list_display = ["name", "location_type", "latitude", "longitude"]
    list_filter = ["location_type"]
    search_fields = ["name", "addresses__postal_code"]
    inlines = [AddressInline, AccessibilityInline]


class TaxonomyTermInline(admin.TabularInline[TaxonomyTerm, Taxonomy]):
    model = TaxonomyTerm
    fk_name = "taxonomy"
    fields = ["code", "name", "description", "parent"]
    extra = 0


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin[Taxonomy]):
    list_display = ["name", "version"]
    search_fields = ["name"]
    inlines = [TaxonomyTermInline]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin[TaxonomyTerm]):
    list_display = ["name", "code", "taxonomy"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "code"]


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin[Attribute]):
    list_display = ["link_entity", "link_id", "link_type", "taxonomy_term", "value"]
    list_filter = ["link_entity", "link_type"]
    search_fields = ["link_id"]
    autocomplete_fields = ["taxonomy_term"]


@admin.register(ServiceTip)
class ServiceTipAdmin(admin.ModelAdmin[ServiceTip]):
    list_display = ["service", "author", "created_at"]
    autocomplete_fields = ["service", "author"]


@admin.register(Metadata)
class MetadataAdmin(admin.ModelAdmin[Metadata]):
    """History is read-only: it is the record of what changed."""

    list_display = [
        "resource_type",
        "resource_id",
        "last_action_type",
        "field_name",
        "last_action_date",
    ]
    list_filter = ["resource_type", "last_action_type"]
    search_fields = ["resource_id"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin[Postcode]):
    list_display = ["postcode", "latitude", "longitude", "lsoa"]
    search_fields = ["postcode", "lsoa"]


@admin.register(ImdDecile)
class ImdDecileAdmin(admin.ModelAdmin[ImdDecile]):
    list_display = ["lsoa", "decile"]
    list_filter = ["decile"]
    search_fields = ["lsoa"]
