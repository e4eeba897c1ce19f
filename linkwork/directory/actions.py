"""Curation: the writes that keep the directory true. Each is one transaction, leaves HSDS
metadata for every changed field and writes an audit event."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import User
from linkwork.audit import auditor
from linkwork.core import concurrency
from linkwork.core.languages import language_name
from linkwork.directory.geography import Point
from linkwork.directory.listing import ListingLinks, current_links
from linkwork.directory.models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    Entity,
    Frequency,
    Language,
    LinkType,
    Location,
    LocationType,
    Metadata,
    Phone,
    PhoneType,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    ServiceTip,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
    TaxonomyTerm,
    TipStatus,
    Weekday,
)
from linkwork.directory.oruk.attributes import AUDIENCE_TAXONOMY_NAME
from linkwork.directory.search import ACCESSIBILITY_FEATURES
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy, term_id
from linkwork.directory.versioning import record_changes, record_deletion
from linkwork.vocabulary.categories import TAXONOMY_NAME


def _save_with_history(
    *,
    by: User,
    service: Service,
    before: Service,
    action: str,
    links: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> None:
    service.last_modified = timezone.now()
    service.save()
    changed = record_changes(before=before, after=service, by=by)
    said: dict[str, Any] = {
        "fields": sorted({row.field_name for row in changed if row.field_name}),
        **(detail or {}),
    }
    if links:
        said["links"] = list(links)
    auditor.record(action=action, actor=by, target=service, detail=said)


@transaction.atomic
def verify_service(*, by: User, service: Service, today: dt.date | None = None) -> Service:
    """A person has checked the listing with the provider today ("verified today")."""
    before = copy.copy(service)
    service.assured_date = today or timezone.localdate()
    # The checker is kept privately as `assurer`; their email is never published in the feed.
    service.assurer = by
    _save_with_history(by=by, service=service, before=before, action="service.verified")
    return service


@transaction.atomic
def edit_service(
    *,
    by: User,
    service: Service,
    changes: dict[str, Any],
    links: ListingLinks | None = None,
    version: str | None = None,
) -> Service:
    """Apply a curator's or provider's edits to a listing: its own fields, and, when given,
    its categories, audiences, languages and main phone.

    `version` is the listing's `last_modified` the form was opened on (every write to a
    listing moves it): a listing changed since raises `concurrency.EditConflict`."""
    locked = Service.objects.select_for_update().only("pk", "last_modified").get(pk=service.pk)
    concurrency.check(
        sent=version,
        current=locked.last_modified,
        what="listing",
        last_change=lambda: listing_last_change(service),
    )
    before = copy.copy(service)
    for name, value in changes.items():
        setattr(service, name, value)
    service.full_clean()
    linked = (
        _apply_links(by=by, service=service, before=current_links(service), after=links)
        if links is not None
        else []
    )
    _save_with_history(by=by, service=service, before=before, action="service.edited", links=linked)
    return service


def listing_last_change(service: Service) -> concurrency.LastChange:
    """Who last changed the listing, when, and which fields (from its HSDS metadata)."""
    latest = Metadata.objects.filter(resource_id=service.pk).order_by("-last_action_date").first()
    if latest is None:
        return "Someone else", service.last_modified
    fields = sorted(
        set(
            Metadata.objects.filter(
                resource_id=service.pk, last_action_date=latest.last_action_date
            )
            .exclude(field_name="")
            .values_list("field_name", flat=True)
        )
    )
    who = latest.updated_by or "Someone else"
    return who, latest.last_action_date, ", ".join(f.replace("_", " ") for f in fields)


@transaction.atomic
def merge_services(*, by: User, keep: Service, duplicate: Service) -> Service:
    """Fold a duplicate listing into the one kept: its tips move across and it is marked
    defunct, pointing at the listing kept. Nothing is deleted."""
    if keep.pk == duplicate.pk:
        raise ValueError("A listing cannot be merged into itself.")
    duplicate.tips.update(service=keep)
    before = copy.copy(duplicate)
    duplicate.status = ServiceStatus.DEFUNCT
    duplicate.alert = f"Merged into {keep.name} ({keep.pk})."
    _save_with_history(by=by, service=duplicate, before=before, action="service.merged")
    return keep


# Creating and keeping a listing in the browser ----------------------------------------------
#
# Each write below is one transaction that leaves HSDS metadata for every record it adds,
# changes or removes, marks the listing modified (so exports and matching see the change) and
# writes one audit event naming the listing.


def _touch(*, service: Service) -> None:
    service.last_modified = timezone.now()
    Service.objects.filter(pk=service.pk).update(last_modified=service.last_modified)


def _ensure_terms(ids: set[uuid.UUID]) -> None:
    """The vocabulary's terms exist before attributes point at them (a new site may not have
    written them yet)."""
    if ids and TaxonomyTerm.objects.filter(id__in=ids).count() < len(ids):
        ensure_linkwork_taxonomy()


def _set_terms(
    *,
    by: User,
    service: Service,
    link_type: str,
    taxonomy: str,
    had: Iterable[str],
    wanted: Iterable[str],
) -> list[str]:
    had, wanted = set(had), set(wanted)
    ids = {term_id(taxonomy, slug) for slug in wanted - had}
    _ensure_terms(ids)
    for slug in sorted(wanted - had):
        attribute = Attribute.objects.create(
            link_id=service.pk,
            link_entity=Entity.SERVICE,
            link_type=link_type,
            taxonomy_term_id=term_id(taxonomy, slug),
        )
        record_changes(before=None, after=attribute, by=by)
    gone = Attribute.objects.filter(
        link_id=service.pk,
        link_entity=Entity.SERVICE,
        link_type=link_type,
        taxonomy_term_id__in=[term_id(taxonomy, slug) for slug in had - wanted],
    )
    for attribute in gone:
        record_deletion(record=attribute, by=by)
        attribute.delete()
    return [f"{link_type}:{slug}" for slug in sorted(had ^ wanted)]


def _set_languages(*, by: User, service: Service, had: set[str], wanted: set[str]) -> list[str]:
    for code in sorted(wanted - had):
        language = Language.objects.create(service=service, code=code, name=language_name(code))
        record_changes(before=None, after=language, by=by)
    for language in service.languages.filter(code__in=had - wanted):
        record_deletion(record=language, by=by)
        language.delete()
    return [f"language:{code}" for code in sorted(had ^ wanted)]


def _set_phone(*, by: User, service: Service, had: str, wanted: str) -> list[str]:
    if had == wanted:
        return []
    phone = service.phones.filter(number=had).order_by("pk").first() if had else None
    if phone is None:
        phone = Phone.objects.create(service=service, number=wanted, type=PhoneType.VOICE)
        record_changes(before=None, after=phone, by=by)
    elif not wanted:
        record_deletion(record=phone, by=by)
        phone.delete()
    else:
        before = copy.copy(phone)
        phone.number = wanted
        phone.save(update_fields=["number"])
        record_changes(before=before, after=phone, by=by)
    return ["phone"]


def _apply_links(
    *, by: User, service: Service, before: ListingLinks, after: ListingLinks
) -> list[str]:
    return [
        *_set_terms(
            by=by,
            service=service,
            link_type=LinkType.CATEGORY,
            taxonomy=TAXONOMY_NAME,
            had=before.categories,
            wanted=after.categories,
        ),
        *_set_terms(
            by=by,
            service=service,
            link_type=LinkType.AUDIENCE,
            taxonomy=AUDIENCE_TAXONOMY_NAME,
            had=before.audiences,
            wanted=after.audiences,
        ),
        *_set_languages(
            by=by, service=service, had=set(before.languages), wanted=set(after.languages)
        ),
        *_set_phone(by=by, service=service, had=before.phone, wanted=after.phone),
    ]


@transaction.atomic
def create_service(
    *, by: User, fields: dict[str, Any], links: ListingLinks, today: dt.date | None = None
) -> Service:
    """A new listing, written by a curator or by the provider who runs it. The person who
    writes it has just checked it, so it counts as checked today."""
    service = Service(**fields)
    service.assured_date = today or timezone.localdate()
    service.assurer = by
    service.last_modified = timezone.now()
    service.full_clean()
    service.save()
    record_changes(before=None, after=service, by=by)
    linked = _apply_links(by=by, service=service, before=ListingLinks(), after=links)
    auditor.record(
        action="service.created",
        actor=by,
        target=service,
        detail={"fields": sorted(name for name, value in fields.items() if value), "links": linked},
    )
    return service


@transaction.atomic
def add_schedule(
    *,
    by: User,
    service: Service,
    day: str,
    opens_at: dt.time,
    closes_at: dt.time,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Schedule:
    """A weekly session of the listing: a day, opening and closing times, and the dates a
    course runs between where it has them."""
    schedule = Schedule(
        service=service,
        freq=Frequency.WEEKLY,
        interval=1,
        wkst=Weekday.MO,
        byday=day,
        opens_at=opens_at,
        closes_at=closes_at,
        valid_from=valid_from,
        valid_to=valid_to,
        dtstart=valid_from,
        until=valid_to,
        description=f"{Weekday(day).label}s, {opens_at:%H:%M} to {closes_at:%H:%M}",
    )
    schedule.full_clean()
    schedule.save()
    record_changes(before=None, after=schedule, by=by)
    _touch(service=service)
    auditor.record(
        action="service.schedule_added",
        actor=by,
        target=service,
        detail={"schedule": str(schedule.pk)},
    )
    return schedule


def _remove(*, by: User, service: Service, record: Any, action: str, key: str, said: str) -> None:
    """Delete one of a listing's records with its HSDS `delete` metadata, mark the listing
    modified and audit `action`, naming what went as `{key: said}`."""
    record_deletion(record=record, by=by)
    record.delete()
    _touch(service=service)
    auditor.record(action=action, actor=by, target=service, detail={key: said})


@transaction.atomic
def remove_schedule(*, by: User, service: Service, schedule: Schedule) -> None:
    _remove(
        by=by,
        service=service,
        record=schedule,
        action="service.schedule_removed",
        key="schedule",
        said=str(schedule.pk),
    )


@transaction.atomic
def add_venue(
    *,
    by: User,
    service: Service,
    point: Point,
    postcode: str,
    address_1: str,
    city: str,
    name: str = "",
    address_2: str = "",
    county: str = "",
    accessibility: Iterable[str] = (),
    access_details: str = "",
    transportation: str = "",
) -> ServiceAtLocation:
    """A place where the listing runs: a location at the postcode's point, its address and
    what it offers for access, linked to the listing."""
    location = Location.objects.create(
        location_type=LocationType.PHYSICAL,
        organization=service.organization,
        name=name,
        latitude=point.latitude,
        longitude=point.longitude,
        transportation=transportation,
    )
    address = Address.objects.create(
        location=location,
        address_1=address_1,
        address_2=address_2,
        city=city,
        state_province=county,
        postal_code=postcode,
        country="GB",
        address_type=LocationType.PHYSICAL,
    )
    access = [
        Accessibility.objects.create(location=location, description=ACCESSIBILITY_FEATURES[key][0])
        for key in accessibility
    ]
    if access_details:
        access.append(
            Accessibility.objects.create(
                location=location, description="Access", details=access_details
            )
        )
    place = ServiceAtLocation.objects.create(service=service, location=location)
    for record in (location, address, *access, place):
        record_changes(before=None, after=record, by=by)
    _touch(service=service)
    auditor.record(
        action="service.venue_added",
        actor=by,
        target=service,
        detail={"location": str(location.pk)},
    )
    return place


@transaction.atomic
def remove_venue(*, by: User, service: Service, place: ServiceAtLocation) -> None:
    """Take a venue off the listing. The place itself stays: other listings may meet there."""
    _remove(
        by=by,
        service=service,
        record=place,
        action="service.venue_removed",
        key="location",
        said=str(place.location_id),
    )


@transaction.atomic
def add_cost(
    *, by: User, service: Service, amount: Decimal, amount_description: str = ""
) -> CostOption:
    """A cost option: an amount of 0 is free."""
    free = amount == 0
    option = CostOption.objects.create(
        service=service,
        amount=amount,
        currency="GBP",
        option="Everyone" if free else "",
        amount_description=amount_description or ("Free" if free else ""),
    )
    record_changes(before=None, after=option, by=by)
    _touch(service=service)
    auditor.record(
        action="service.cost_added", actor=by, target=service, detail={"cost": str(option.pk)}
    )
    return option


@transaction.atomic
def remove_cost(*, by: User, service: Service, option: CostOption) -> None:
    _remove(
        by=by,
        service=service,
        record=option,
        action="service.cost_removed",
        key="cost",
        said=str(option.pk),
    )


# Tips --------------------------------------------------------------------------------------


@transaction.atomic
def add_tip(*, by: User, service: Service, text: str) -> ServiceTip:
    """A link worker's tip, waiting for a curator before other link workers see it."""
    tip = ServiceTip.objects.create(service=service, author=by, text=text)
    auditor.record(action="tip.added", actor=by, target=tip, detail={"service": str(service.pk)})
    return tip


@transaction.atomic
def moderate_tip(*, by: User, tip: ServiceTip, approve: bool) -> ServiceTip:
    """A curator approves a tip (it is shown to link workers) or rejects it (it never is)."""
    if tip.status != TipStatus.PENDING:
        raise ValueError("This tip has already been checked.")
    tip.status = TipStatus.APPROVED if approve else TipStatus.REJECTED
    tip.moderated_by = by
    tip.moderated_at = timezone.now()
    tip.save(update_fields=["status", "moderated_by", "moderated_at"])
    auditor.record(
        action="tip.approved" if approve else "tip.rejected",
        actor=by,
        target=tip,
        detail={"service": str(tip.service_id)},
    )
    return tip


# Suggested categories, ages and sex limits: confirmed or rejected by a curator ---------------


class SuggestionDecided(ValueError):
    """The suggestion was already confirmed or rejected (by someone else, or a second click)."""


def _decide(*, by: User, suggestion: Suggestion, status: str) -> None:
    if suggestion.status != SuggestionStatus.SUGGESTED:
        raise SuggestionDecided(f"This suggestion was already {suggestion.status}.")
    suggestion.status = status
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = by
    suggestion.save(update_fields=["status", "decided_at", "decided_by"])


@transaction.atomic
def confirm_suggestion(*, by: User, suggestion: Suggestion) -> Service:
    """A curator agrees with a suggestion: it becomes a stated fact of the listing (a category
    or audience attribute, or the listing's ages), with its history and an audit event."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    service = Service.objects.select_for_update().get(pk=suggestion.service_id)
    _decide(by=by, suggestion=suggestion, status=SuggestionStatus.CONFIRMED)
    before = copy.copy(service)
    if suggestion.kind == SuggestionKind.AGES:
        low, _, high = suggestion.value.partition("-")
        service.minimum_age = int(low) if low else None
        service.maximum_age = int(high) if high else None
        service.full_clean()
    else:
        ensure_linkwork_taxonomy()
        category = suggestion.kind == SuggestionKind.CATEGORY
        attribute, created = Attribute.objects.get_or_create(
            link_entity=Entity.SERVICE,
            link_id=service.pk,
            link_type=LinkType.CATEGORY if category else LinkType.AUDIENCE,
            taxonomy_term_id=term_id(
                TAXONOMY_NAME if category else AUDIENCE_TAXONOMY_NAME, suggestion.value
            ),
        )
        if created:
            record_changes(before=None, after=attribute, by=by)
    _save_with_history(
        by=by,
        service=service,
        before=before,
        action="service.suggestion_confirmed",
        detail={"kind": suggestion.kind, "value": suggestion.value},
    )
    return service


@transaction.atomic
def reject_suggestion(*, by: User, suggestion: Suggestion) -> Service:
    """A curator disagrees with a suggestion: it stops counting and is not offered again."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    service = Service.objects.select_for_update().get(pk=suggestion.service_id)
    _decide(by=by, suggestion=suggestion, status=SuggestionStatus.REJECTED)
    before = copy.copy(service)
    _save_with_history(
        by=by,
        service=service,
        before=before,
        action="service.suggestion_rejected",
        detail={"kind": suggestion.kind, "value": suggestion.value},
    )
    return service
