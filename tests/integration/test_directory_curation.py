"""Curation in the browser: curators and providers add listings and keep their details, times,
venues and costs; link workers add tips, which curators approve or reject. Every write is
versioned and audited, every error names its field, and a refused or invalid form writes
nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.directory.models import (
    Attribute,
    CostOption,
    Entity,
    Language,
    LinkType,
    Location,
    Metadata,
    MetadataAction,
    Organization,
    Postcode,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceTip,
    TipStatus,
)
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy
from tests.conftest import World, signed_in
from tests.factories import ServiceFactory
from tests.unit.directory.factories import OrganizationFactory


def listing_form(org: Organization, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Millbrook Tuesday Walk",
        "organization": org.pk,
        "description": "A gentle walk round the park.\n\nTea afterwards at the cafe.",
        "status": "active",
        "capacity": "accepting",
        "referral_route": "referral",
        "delivers_in_person": "on",
        "categories": ["physical_activity", "social"],
        "sex": "women_only",
        "audiences": ["older_people"],
        "languages": ["en", "pl"],
        "minimum_age": "50",
        "phone": "01632 960 001",
        "email": "walks@example.org",
        "url": "millbrook.example.org",
    }
    data.update(overrides)
    return data


@pytest.fixture
def own_org(world: World) -> Organization:
    return OrganizationFactory(name="Millbrook Walkers", account_organisation=world.provider_org)


@pytest.mark.django_db
def test_curator_creates_listing_with_history_and_audit(client, world: World, own_org):
    ensure_linkwork_taxonomy()
    signed_in(client, world.curator)
    assert client.get(reverse("directory:new")).status_code == 200
    response = client.post(reverse("directory:new"), listing_form(own_org))
    assert response.status_code == 302
    service = Service.objects.get(name="Millbrook Tuesday Walk")
    assert response["Location"] == reverse("directory:service", args=[service.pk])
    assert service.organization == own_org
    assert service.description == (
        "<p>A gentle walk round the park.</p><p>Tea afterwards at the cafe.</p>"
    )
    assert service.description_text == "A gentle walk round the park.\nTea afterwards at the cafe."
    assert service.url == "https://millbrook.example.org"
    assert service.assured_date is not None
    assert service.assurer == world.curator
    terms = set(
        Attribute.objects.filter(link_id=service.pk).values_list("link_type", "taxonomy_term__code")
    )
    assert terms == {
        (LinkType.CATEGORY, "physical_activity"),
        (LinkType.CATEGORY, "social"),
        (LinkType.AUDIENCE, "women_only"),
        (LinkType.AUDIENCE, "older_people"),
    }
    assert set(service.languages.values_list("code", "name")) == {
        ("en", "English"),
        ("pl", "Polish"),
    }
    assert list(service.phones.values_list("number", flat=True)) == ["01632 960 001"]
    created = Metadata.objects.filter(last_action_type=MetadataAction.CREATE)
    assert created.filter(resource_type=Entity.SERVICE, resource_id=service.pk).exists()
    # One metadata row for every record the listing brought with it.
    assert created.filter(resource_type=Entity.ATTRIBUTE).count() == 4
    assert created.filter(resource_type=Entity.LANGUAGE).count() == 2
    assert created.filter(resource_type=Entity.PHONE).count() == 1
    event = AuditEvent.objects.get(action="service.created")
    assert (event.actor, event.object_id) == (world.curator, str(service.pk))
    body = client.get(response["Location"]).content.decode()
    assert "Tea afterwards at the cafe." in body
    assert "&lt;p&gt;" not in body


@pytest.mark.django_db
def test_markup_typed_into_the_description_is_never_stored(client, world: World, own_org):
    signed_in(client, world.curator)
    typed = (
        '<p onclick="steal()">Hello <script>alert(1)</script><img src="data:image/png;base64,AA">'
        "</p>&lt;script&gt;alert(2)&lt;/script&gt; friends"
    )
    response = client.post(reverse("directory:new"), listing_form(own_org, description=typed))
    assert response.status_code == 302
    service = Service.objects.get()
    for stored in (service.description, service.description_text):
        assert "<script" not in stored
        assert "onclick" not in stored
        assert "data:" not in stored
    assert service.description_text.split() == ["Hello", "friends"]


@pytest.mark.django_db
def test_provider_creates_listing_for_own_organisation_only(client, world: World, own_org):
    other = OrganizationFactory(name="Someone Else's Group")
    signed_in(client, world.provider)
    page = client.get(reverse("directory:new")).content.decode()
    assert "Millbrook Walkers" in page
    assert "Someone Else" not in page
    response = client.post(reverse("directory:new"), listing_form(other))
    assert response.status_code == 200
    assert "Select one of the choices given for organisation" in response.content.decode()
    assert not Service.objects.exists()
    assert client.post(reverse("directory:new"), listing_form(own_org)).status_code == 302
    assert Service.objects.get().organization == own_org


@pytest.mark.django_db
def test_link_worker_cannot_create_listings(client, world: World, own_org):
    signed_in(client, world.link_worker_a)
    assert client.get(reverse("directory:new")).status_code == 403
    assert client.post(reverse("directory:new"), listing_form(own_org)).status_code == 403
    assert not Service.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied").count() == 2


@pytest.mark.django_db
def test_provider_cannot_change_another_organisations_listing(client, world: World, own_org):
    other = ServiceFactory()
    signed_in(client, world.provider)
    for name in ("directory:edit", "directory:schedules", "directory:venues", "directory:costs"):
        url = reverse(name, args=[other.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"day": "MO", "opens_at": "10:00"}).status_code == 404, name
    assert not Schedule.objects.exists()


@pytest.mark.django_db
def test_bad_listing_names_each_field_and_writes_nothing(client, world: World, own_org):
    signed_in(client, world.curator)
    response = client.post(
        reverse("directory:new"),
        listing_form(
            own_org,
            name="",
            organization="",
            minimum_age="70",
            maximum_age="abc",
            phone="call us",
            email="walks@",
            delivers_in_person="",
            categories=["not_a_category"],
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Enter the name of the service",
        "Select the organisation that runs the service",
        "Enter the maximum age as a whole number, like 65",
        "Enter a phone number, like 01632 960 001",
        "Enter an email address in the correct format, like name@example.org",
        "Select one of the choices given for type of support",
    ):
        assert message in body, message
    assert 'href="#id_name"' in body
    assert not Service.objects.exists()
    assert not Metadata.objects.exists()


@pytest.mark.django_db
def test_edit_changes_terms_languages_and_phone_with_history(client, world: World, own_org):
    ensure_linkwork_taxonomy()
    signed_in(client, world.provider)
    client.post(reverse("directory:new"), listing_form(own_org))
    service = Service.objects.get()
    form = client.get(reverse("directory:edit", args=[service.pk])).content.decode()
    # The edit form shows the words, never the stored markup.
    assert "A gentle walk round the park." in form
    assert "&lt;p&gt;" not in form
    response = client.post(
        reverse("directory:edit", args=[service.pk]),
        listing_form(
            own_org,
            categories=["social"],
            sex="",
            audiences=[],
            languages=["en"],
            phone="",
        ),
    )
    assert response.status_code == 302
    assert set(
        Attribute.objects.filter(link_id=service.pk).values_list("taxonomy_term__code", flat=True)
    ) == {"social"}
    assert list(service.languages.values_list("code", flat=True)) == ["en"]
    assert not service.phones.exists()
    deleted = Metadata.objects.filter(last_action_type=MetadataAction.DELETE)
    assert deleted.filter(resource_type=Entity.ATTRIBUTE).count() == 3
    assert deleted.filter(resource_type=Entity.LANGUAGE).count() == 1
    assert deleted.filter(resource_type=Entity.PHONE).count() == 1
    event = AuditEvent.objects.get(action="service.edited")
    assert "phone" in event.detail["links"]
    # The description was not changed, so the stored paragraphs are kept as they were.
    service.refresh_from_db()
    assert service.description.startswith("<p>A gentle walk")


@pytest.mark.django_db
def test_edit_keeps_languages_the_form_does_not_offer(client, world: World, own_org):
    service = ServiceFactory(organization=own_org)
    Language.objects.create(service=service, code="fr", name="French")
    signed_in(client, world.curator)
    response = client.post(
        reverse("directory:edit", args=[service.pk]),
        listing_form(own_org, name=service.name, languages=["pl"]),
    )
    assert response.status_code == 302
    assert set(service.languages.values_list("code", flat=True)) == {"fr", "pl"}


@pytest.mark.django_db
def test_weekly_time_added_and_removed_with_history(client, world: World, own_org):
    service = ServiceFactory(organization=own_org)
    signed_in(client, world.provider)
    url = reverse("directory:schedules", args=[service.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "day": "TU",
            "opens_at": "10:00",
            "closes_at": "12.30",
            "valid_from[day]": "3",
            "valid_from[month]": "3",
            "valid_from[year]": "2027",
        },
    )
    assert response.status_code == 302
    schedule = Schedule.objects.get(service=service)
    assert (schedule.freq, schedule.byday, schedule.interval) == ("WEEKLY", "TU", 1)
    assert (schedule.opens_at, schedule.closes_at) == (dt.time(10), dt.time(12, 30))
    assert schedule.valid_from == dt.date(2027, 3, 3)
    assert "Tuesdays, 10am to 12:30pm" in client.get(url).content.decode()
    listing = client.get(reverse("directory:service", args=[service.pk])).content.decode()
    assert "Tuesdays, 10am to 12:30pm" in listing
    assert Metadata.objects.filter(
        resource_type=Entity.SCHEDULE, last_action_type=MetadataAction.CREATE
    ).exists()
    response = client.post(url, {"remove": str(schedule.pk)})
    assert response.status_code == 302
    assert not Schedule.objects.exists()
    assert Metadata.objects.filter(
        resource_id=schedule.pk, last_action_type=MetadataAction.DELETE
    ).exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(service.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["service.schedule_added", "service.schedule_removed"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "day", "Select the day of the week it runs"),
        ({"day": "XX"}, "day", "Select one of the choices given for day"),
        ({"opens_at": ""}, "opens_at", "Enter the time it opens"),
        ({"opens_at": "25:00"}, "opens_at", "Enter the time it opens as hours and minutes"),
        ({"closes_at": "09:00"}, "closes_at", "The closing time must be after the opening time"),
        (
            {"valid_from[day]": "31", "valid_from[month]": "2", "valid_from[year]": "2027"},
            "valid_from",
            "The first date must be a real date",
        ),
    ],
)
@pytest.mark.django_db
def test_bad_time_names_the_field_and_writes_nothing(client, world, own_org, data, field, message):
    service = ServiceFactory(organization=own_org)
    signed_in(client, world.curator)
    form = {"day": "MO", "opens_at": "10:00", "closes_at": "11:00", **data}
    if not data:
        form.pop("day")
    response = client.post(reverse("directory:schedules", args=[service.pk]), form)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert f'href="#id_{field}' in body
    assert not Schedule.objects.exists()


@pytest.mark.django_db
def test_venue_geocoded_from_the_postcode_table(client, world: World, own_org):
    Postcode.objects.create(postcode="BK1 1AE", latitude=53.801, longitude=-1.548, lsoa="E01000001")
    service = ServiceFactory(organization=own_org)
    signed_in(client, world.provider)
    url = reverse("directory:venues", args=[service.pk])
    response = client.post(
        url,
        {
            "name": "St Mark's Hall",
            "address_1": "12 Mill Lane",
            "city": "Brackenfield",
            "postcode": "bk11ae",
            "accessibility": ["step_free", "hearing_loop"],
            "access_details": "Ring the bell at the side door.",
        },
    )
    assert response.status_code == 302
    place = ServiceAtLocation.objects.select_related("location").get(service=service)
    assert (place.location.latitude, place.location.longitude) == (53.801, -1.548)
    address = place.location.addresses.get()
    assert (address.address_1, address.postal_code) == ("12 Mill Lane", "BK1 1AE")
    assert {a.description for a in place.location.accessibility.all()} == {
        "Step-free access",
        "Hearing loop",
        "Access",
    }
    listing = client.get(reverse("directory:service", args=[service.pk])).content.decode()
    assert "St Mark&#39;s Hall" in listing
    assert "12 Mill Lane" in listing
    response = client.post(url, {"remove": str(place.pk)})
    assert response.status_code == 302
    assert not ServiceAtLocation.objects.exists()
    # The place stays for other listings; the link is gone, and its removal is on record.
    assert Location.objects.exists()
    assert Metadata.objects.filter(
        resource_id=place.pk, last_action_type=MetadataAction.DELETE
    ).exists()


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter the postcode, like BK1 1AE"),
        ("nonsense", "Enter a real postcode, like BK1 1AE"),
        ("BK9 9ZZ", "We could not find the postcode BK9 9ZZ on the map"),
    ],
)
@pytest.mark.django_db
def test_venue_with_bad_postcode_names_the_field(client, world, own_org, postcode, message):
    service = ServiceFactory(organization=own_org)
    signed_in(client, world.curator)
    response = client.post(
        reverse("directory:venues", args=[service.pk]),
        {"address_1": "1 High Street", "city": "Brackenfield", "postcode": postcode},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert 'href="#id_postcode"' in body
    assert not Location.objects.exists()


@pytest.mark.django_db
def test_costs_free_or_an_amount(client, world: World, own_org):
    service = ServiceFactory(organization=own_org)
    signed_in(client, world.curator)
    url = reverse("directory:costs", args=[service.pk])
    assert client.post(url, {"kind": "free"}).status_code == 302
    assert (
        client.post(
            url, {"kind": "paid", "amount": "3.50", "amount_description": "per session"}
        ).status_code
        == 302
    )
    assert sorted(CostOption.objects.values_list("amount", "amount_description")) == [
        (Decimal("0.00"), "Free"),
        (Decimal("3.50"), "per session"),
    ]
    listing = client.get(reverse("directory:service", args=[service.pk])).content.decode()
    assert "£3.50 per session" in listing
    response = client.post(url, {"kind": "paid", "amount": ""})
    assert "Enter the amount in pounds, like 3.50" in response.content.decode()
    response = client.post(url, {"kind": "paid", "amount": "-1"})
    assert "Amount in pounds must be 0 or more" in response.content.decode()
    response = client.post(url, {})
    assert "Select whether it is free or costs money" in response.content.decode()
    assert CostOption.objects.count() == 2


@pytest.mark.django_db
def test_removing_something_already_removed_says_so(client, world: World, own_org):
    service = ServiceFactory(organization=own_org)
    signed_in(client, world.curator)
    for name in ("directory:schedules", "directory:venues", "directory:costs"):
        url = reverse(name, args=[service.pk])
        for value in ("00000000-0000-4000-8000-000000000000", "not-an-id"):
            response = client.post(url, {"remove": value}, follow=True)
            assert response.status_code == 200
            assert "was already removed" in response.content.decode()


@pytest.mark.django_db
def test_tip_waits_for_a_curator_then_shows(client, world: World):
    service = ServiceFactory()
    signed_in(client, world.link_worker_a)
    url = reverse("directory:add_tip", args=[service.pk])
    assert "Enter your tip" in client.post(url, {"text": "  "}).content.decode()
    assert client.post(url, {"text": "Ask for Jo at the door."}).status_code == 302
    tip = ServiceTip.objects.get()
    assert tip.status == TipStatus.PENDING
    listing = reverse("directory:service", args=[service.pk])
    assert "Waiting to be checked" in client.get(listing).content.decode()
    signed_in(client, world.link_worker_b)
    assert "Ask for Jo" not in client.get(listing).content.decode()

    signed_in(client, world.curator)
    queue = client.get(reverse("directory:tips")).content.decode()
    assert "Ask for Jo at the door." in queue
    response = client.post(reverse("directory:tips"), {"tip": tip.pk, "decision": "approve"})
    assert response.status_code == 302
    tip.refresh_from_db()
    assert (tip.status, tip.moderated_by) == (TipStatus.APPROVED, world.curator)
    assert "Ask for Jo" not in client.get(reverse("directory:tips")).content.decode()
    # Checked once: a second decision changes nothing.
    response = client.post(
        reverse("directory:tips"), {"tip": tip.pk, "decision": "reject"}, follow=True
    )
    assert "That tip has already been checked" in response.content.decode()
    tip.refresh_from_db()
    assert tip.status == TipStatus.APPROVED

    signed_in(client, world.link_worker_b)
    assert "Ask for Jo at the door." in client.get(listing).content.decode()
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="tip.").order_by("id")
    ] == [
        "tip.added",
        "tip.approved",
    ]


@pytest.mark.django_db
def test_rejected_tip_is_never_shown(client, world: World):
    service = ServiceFactory()
    tip = ServiceTip.objects.create(service=service, author=world.link_worker_a, text="Rude words.")
    signed_in(client, world.curator)
    client.post(reverse("directory:tips"), {"tip": tip.pk, "decision": "reject"})
    tip.refresh_from_db()
    assert tip.status == TipStatus.REJECTED
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("directory:service", args=[service.pk])).content.decode()
    assert "Rude words." not in body


@pytest.mark.django_db
def test_only_link_workers_and_leads_add_tips_only_curators_check_them(client, world: World):
    service = ServiceFactory()
    for user in (world.provider, world.referrer, world.curator):
        signed_in(client, user)
        url = reverse("directory:add_tip", args=[service.pk])
        assert client.post(url, {"text": "A tip."}).status_code == 403
    for user in (world.link_worker_a, world.provider):
        signed_in(client, user)
        assert client.get(reverse("directory:tips")).status_code == 403
    assert not ServiceTip.objects.exists()
