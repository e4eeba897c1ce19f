"""Suggested categories, ages and sex limits: inferred for listings whose feed stated none,
counted by search and matching (categories only), and confirmed or rejected by curators in one
click each, with history and audit."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.directory.models import (
    Attribute,
    Entity,
    LinkType,
    Metadata,
    Service,
    Suggestion,
    SuggestionKind,
    SuggestionSource,
    SuggestionStatus,
)
from linkwork.directory.suggestions import suggest_for_services
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy, term_id
from linkwork.matching.service import load_facts
from linkwork.vocabulary.categories import TAXONOMY_NAME
from tests.conftest import build_world, signed_in
from tests.factories import ServiceFactory
from tests.unit.directory.factories import TaxonomyTermFactory

pytestmark = pytest.mark.django_db


def lunch_club() -> Service:
    return ServiceFactory(
        name="Friday Lunch Club",
        description="<p>A hot two-course lunch and good company for people over 60.</p>",
    )


def open_values(service: Service, kind: str) -> set[str]:
    return set(service.suggestions.open().filter(kind=kind).values_list("value", flat=True))


def test_categories_ages_and_sex_suggested_from_the_words() -> None:
    service = ServiceFactory(
        name="Ladies Walking Group",
        description="A walking group for women aged 18-30, meeting at the park gates.",
    )
    report = suggest_for_services([service.pk])
    assert report.services == 1
    assert report.with_category == 1
    assert "physical_activity" in open_values(service, SuggestionKind.CATEGORY)
    assert open_values(service, SuggestionKind.AGES) == {"18-30"}
    assert open_values(service, SuggestionKind.AUDIENCE) == {"women_only"}
    walking = service.suggestions.get(kind=SuggestionKind.CATEGORY, value="physical_activity")
    assert walking.source == SuggestionSource.KEYWORDS
    assert "walking group" in walking.evidence
    # Nothing is applied: the listing's own fields are as they were.
    service.refresh_from_db()
    assert service.minimum_age is None
    assert service.maximum_age is None
    assert not Attribute.objects.filter(link_id=service.pk).exists()


def test_feed_terms_map_to_categories() -> None:
    service = ServiceFactory(name="Drop-in", description="Come along.")
    term = TaxonomyTermFactory(name="Debt advice", code="esd-debt")
    Attribute.objects.create(
        link_entity=Entity.SERVICE, link_id=service.pk, link_type="", taxonomy_term=term
    )
    suggest_for_services(Service.objects.filter(pk=service.pk))
    row = service.suggestions.get(kind=SuggestionKind.CATEGORY)
    assert (row.value, row.source) == ("money_debt", SuggestionSource.FEED_TERM)
    assert "Debt advice" in row.evidence


def test_stated_categories_and_ages_are_not_second_guessed() -> None:
    ensure_linkwork_taxonomy()
    service = ServiceFactory(
        name="Lunch club", description="For people aged 60-99.", minimum_age=55
    )
    Attribute.objects.create(
        link_entity=Entity.SERVICE,
        link_id=service.pk,
        link_type=LinkType.CATEGORY,
        taxonomy_term_id=term_id(TAXONOMY_NAME, "social"),
    )
    suggest_for_services([service.pk])
    assert not service.suggestions.exists()


def test_running_again_changes_nothing_and_never_reoffers_a_decision() -> None:
    world = build_world()
    service = lunch_club()
    suggest_for_services()
    first = set(Suggestion.objects.values_list("kind", "value", "status"))
    again = suggest_for_services()
    assert (again.added, again.updated, again.removed) == (0, 0, 0)
    assert set(Suggestion.objects.values_list("kind", "value", "status")) == first
    from linkwork.directory import actions

    food = service.suggestions.get(kind=SuggestionKind.CATEGORY, value="food")
    actions.reject_suggestion(by=world.curator, suggestion=food)
    suggest_for_services([service.pk])
    food.refresh_from_db()
    assert food.status == SuggestionStatus.REJECTED
    # A guess the words no longer support is removed while it is open.
    Service.objects.filter(pk=service.pk).update(
        name="Friday Club", description_text="Cards.", description="Cards."
    )
    report = suggest_for_services([service.pk])
    assert report.removed >= 1
    assert not service.suggestions.open().filter(kind=SuggestionKind.CATEGORY).exists()
    assert service.suggestions.filter(status=SuggestionStatus.REJECTED).count() == 1


def test_search_and_matching_count_suggested_categories_until_rejected() -> None:
    world = build_world()
    service = lunch_club()
    suggest_for_services([service.pk])
    assert service in Service.objects.in_categories(["social"])
    facts = {f.id: f for f in load_facts()}
    assert {"social", "food"} <= facts[str(service.pk)].categories
    # Ages found in the text are not facts until confirmed.
    assert facts[str(service.pk)].minimum_age is None

    from linkwork.directory import actions

    social = service.suggestions.get(kind=SuggestionKind.CATEGORY, value="social")
    actions.reject_suggestion(by=world.curator, suggestion=social)
    assert service not in Service.objects.in_categories(["social"])
    assert "social" not in {f.id: f for f in load_facts()}[str(service.pk)].categories


def test_curator_confirms_and_rejects_in_one_click_each(client) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    service = lunch_club()
    suggest_for_services([service.pk])
    signed_in(client, world.curator)
    page = client.get(reverse("directory:service", args=[service.pk])).content.decode()
    assert "Suggestions to check" in page
    assert "Type of support: Social groups and activities" in page
    assert "Ages 60 and over" in page
    assert 'Confirm<span class="nhsuk-u-visually-hidden"> Ages 60 and over</span>' in page

    url = reverse("directory:suggestions", args=[service.pk])
    social = service.suggestions.get(kind=SuggestionKind.CATEGORY, value="social")
    response = client.post(url, {"suggestion": social.pk, "decision": "confirm"})
    assert response.status_code == 302
    social.refresh_from_db()
    assert social.status == SuggestionStatus.CONFIRMED
    assert social.decided_by == world.curator
    attribute = Attribute.objects.get(link_id=service.pk, link_type=LinkType.CATEGORY)
    assert attribute.taxonomy_term_id == term_id(TAXONOMY_NAME, "social")
    assert Metadata.objects.filter(resource_id=attribute.pk, last_action_type="create").exists()
    event = AuditEvent.objects.get(action="service.suggestion_confirmed")
    assert event.detail["kind"] == "category"
    assert event.detail["value"] == "social"
    assert event.actor == world.curator

    ages = service.suggestions.get(kind=SuggestionKind.AGES)
    client.post(url, {"suggestion": ages.pk, "decision": "confirm"})
    service.refresh_from_db()
    assert (service.minimum_age, service.maximum_age) == (60, None)
    assert Metadata.objects.filter(resource_id=service.pk, field_name="minimum_age").exists()

    food = service.suggestions.get(kind=SuggestionKind.CATEGORY, value="food")
    client.post(url, {"suggestion": food.pk, "decision": "reject"})
    food.refresh_from_db()
    assert food.status == SuggestionStatus.REJECTED
    assert AuditEvent.objects.filter(action="service.suggestion_rejected").count() == 1

    # A second click on a decided suggestion says so and changes nothing.
    response = client.post(url, {"suggestion": food.pk, "decision": "confirm"}, follow=True)
    assert "already rejected" in response.content.decode()
    food.refresh_from_db()
    assert food.status == SuggestionStatus.REJECTED


def test_bad_decision_names_nothing_wrong_and_writes_nothing(client) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    service = lunch_club()
    other = lunch_club()
    suggest_for_services([service.pk, other.pk])
    signed_in(client, world.curator)
    url = reverse("directory:suggestions", args=[service.pk])
    elsewhere = other.suggestions.first()
    for data in (
        {"suggestion": "not-a-uuid", "decision": "confirm"},
        {"suggestion": elsewhere.pk, "decision": "confirm"},
        {"suggestion": service.suggestions.first().pk, "decision": "maybe"},
    ):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert "That suggestion was not found on this listing" in response.content.decode()
    assert not Suggestion.objects.exclude(status=SuggestionStatus.SUGGESTED).exists()


def test_only_curators_see_and_decide_suggestions(client) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    service = lunch_club()
    suggest_for_services([service.pk])
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("directory:service", args=[service.pk])).content.decode()
    assert "Suggestions to check" not in page
    # Link workers see what the suggested types of support are, marked as not yet checked.
    assert "Suggested type of support" in page
    suggestion = service.suggestions.first()
    response = client.post(
        reverse("directory:suggestions", args=[service.pk]),
        {"suggestion": suggestion.pk, "decision": "confirm"},
    )
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.SUGGESTED


def test_command_suggests_over_the_directory() -> None:
    lunch_club()
    out = io.StringIO()
    call_command("suggest_categories", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["services"] == 1
    assert report["added"] >= 3
    assert report["open_categories"] >= 2
    assert report["open_limits"] == 1
    with pytest.raises(Exception, match="no service"):
        call_command("suggest_categories", "--service", "5b1a8a5e-3e2d-4a49-8f55-4c1d2c7b1e00")


def test_import_suggests_for_what_it_imported_and_reimport_changes_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    record = {
        "id": "ac148810-d857-441c-9679-408f346de14b",
        "name": "Walk and Talk",
        "status": "active",
        "description": "<p>A friendly <b>health walk</b> for over 50s.</p>",
        "organization": {
            "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
            "name": "Walkers",
            "description": "Walks.",
        },
    }
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    call_command("import_oruk", str(path), "--no-progress", stdout=io.StringIO())
    service = Service.objects.get(pk=record["id"])
    assert "physical_activity" in open_values(service, SuggestionKind.CATEGORY)
    assert open_values(service, SuggestionKind.AGES) == {"50-"}
    before = list(Suggestion.objects.values_list("id", "kind", "value", "status", "evidence"))
    modified = service.last_modified
    call_command("import_oruk", str(path), "--no-progress", stdout=io.StringIO())
    after = list(Suggestion.objects.values_list("id", "kind", "value", "status", "evidence"))
    assert sorted(after) == sorted(before)
    service.refresh_from_db()
    assert service.last_modified == modified
