"""Identity matching reveals and overwrites nothing: a referral that matches someone already on
record (issue 16, item 2) opens a pending match for the scheme to check; until then the
consents and details given stay with that referral, and the referrer sees only what they sent.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.notifications.models import Message
from linkwork.people.models import Consent, Person, PersonChange, PersonMatch, current_consents
from linkwork.referrals.actions import accept_referral
from linkwork.referrals.models import Referral
from tests.conftest import SELF_REFERRAL, World, signed_in
from tests.factories import PersonFactory, ReferralFactory
from tests.integration.api.conftest import caller_for, get, post, request_into

pytestmark = pytest.mark.django_db


def known_in_scheme(world: World, **person: object) -> Person:
    """Someone already supported by scheme A, who agreed to sharing with providers."""
    known = PersonFactory(**person)
    ReferralFactory(person=known, scheme=world.scheme_a)
    Consent.objects.create(person=known, kind="share_with_providers", given=True, method="written")
    return known


def self_refer_as_known(client, world: World) -> tuple[Person, Referral]:  # type: ignore[no-untyped-def]
    known = known_in_scheme(
        world,
        given_name="Sam",
        family_name="Example",
        date_of_birth=dt.date(1990, 11, 2),
        postcode="BK2 4QT",
        phone="07700 111222",
    )
    assert client.post(reverse("refer"), SELF_REFERRAL).status_code == 302
    return known, Referral.objects.exclude(person=known).get()


def test_self_referral_matching_someone_known_writes_nothing_over_their_consents(
    client, world: World
):
    known, referral = self_refer_as_known(client, world)

    # The self-referral's decisions (share_with_providers not given) stay on its own record.
    assert current_consents(known) == {"share_with_providers": True}
    assert current_consents(referral.person)["share_with_providers"] is False
    assert Person.objects.get(pk=known.pk).phone == "07700 111222"
    match = PersonMatch.objects.get()
    assert (match.candidate, match.existing, match.status, match.basis) == (
        referral.person,
        known,
        "pending",
        "name_and_postcode",
    )
    found = AuditEvent.objects.get(action="person.match_found")
    assert found.detail == {
        "candidate": str(referral.person.pk),
        "existing": str(known.pk),
        "basis": "name_and_postcode",
    }


def test_triage_page_offers_the_pending_match_to_the_scheme(client, world: World):
    known, referral = self_refer_as_known(client, world)
    signed_in(client, world.scheme_lead_a)

    page = client.get(reverse("referrals:triage", args=[referral.pk])).content.decode()

    assert "This person may already be known" in page
    assert reverse("referrals:match_decide", args=[referral.pk]) in page
    assert reverse("people:detail", args=[known.pk]) in page


def test_confirming_a_match_moves_the_referral_and_records_consents_as_new_decisions(
    client, world: World
):
    known, referral = self_refer_as_known(client, world)
    candidate = referral.person
    signed_in(client, world.link_worker_a)

    response = client.post(
        reverse("referrals:match_decide", args=[referral.pk]), {"decision": "confirm"}
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.person == known
    assert not Person.objects.filter(pk=candidate.pk).exists()
    # The decision given with the referral is the latest; the earlier one is kept.
    assert current_consents(known)["share_with_providers"] is False
    assert Consent.objects.filter(person=known, kind="share_with_providers").count() == 2
    change = PersonChange.objects.get(person=known)
    assert "consent:share_with_providers" in change.fields
    match = PersonMatch.objects.get()
    assert (match.status, match.decided_by) == ("confirmed", world.link_worker_a)
    event = AuditEvent.objects.get(action="person.match_confirmed")
    assert event.actor == world.link_worker_a
    assert event.detail["existing"] == str(known.pk)
    assert event.detail["referrals"] == [str(referral.pk)]
    assert "consent:share_with_providers" in event.detail["consents"]


def test_rejecting_a_match_keeps_a_new_person_and_the_known_one_untouched(client, world: World):
    known, referral = self_refer_as_known(client, world)
    signed_in(client, world.scheme_lead_a)

    client.post(reverse("referrals:match_decide", args=[referral.pk]), {"decision": "reject"})

    referral.refresh_from_db()
    assert referral.person != known
    assert referral.person.given_name == "Sam"
    assert current_consents(known) == {"share_with_providers": True}
    assert PersonMatch.objects.get().status == "rejected"
    event = AuditEvent.objects.get(action="person.match_rejected")
    assert event.actor == world.scheme_lead_a
    assert event.detail == {"candidate": str(referral.person.pk), "existing": str(known.pk)}
    # A second decision is refused with a message, never a second move.
    again = client.post(
        reverse("referrals:match_decide", args=[referral.pk]), {"decision": "confirm"}, follow=True
    )
    assert "already been checked" in again.content.decode()
    assert Referral.objects.get(pk=referral.pk).person != known


def test_only_the_schemes_staff_decide_a_match(client, world: World):
    _, referral = self_refer_as_known(client, world)
    url = reverse("referrals:match_decide", args=[referral.pk])

    signed_in(client, world.link_worker_b)
    assert client.post(url, {"decision": "confirm"}).status_code == 404
    signed_in(client, world.referrer)
    assert client.post(url, {"decision": "confirm"}).status_code == 403
    assert PersonMatch.objects.get().status == "pending"


def test_api_referrer_with_a_known_nhs_number_sees_only_what_they_sent(client, world: World):
    """Any name with someone's NHS number and date of birth opens nothing of their record."""
    known = known_in_scheme(
        world,
        given_name="Nadia",
        family_name="Okafor-Smith",
        nhs_number="9434765919",
        date_of_birth=dt.date(1958, 2, 14),
        postcode="BK9 9ZZ",
        phone="07700 999888",
    )
    practice = caller_for(world.practice)
    body = request_into(world.scheme_a)
    body["person"]["given_name"] = "Anyone"
    body["person"]["family_name"] = "Atall"

    created = post(client, practice, body)
    assert created.status_code == 201, created.content
    answer = get(client, practice, created.json()["links"]["self"])

    assert answer.status_code == 200
    text = answer.content.decode()
    for detail in ("Okafor-Smith", "07700 999888", "BK9 9ZZ"):
        assert detail not in text
    # The answer repeats no one's details, the matched person's least of all.
    assert "person" not in answer.json()
    assert current_consents(known) == {"share_with_providers": True}
    # The practice's staff cannot open the known person's record either.
    signed_in(client, world.referrer)
    page = client.get(reverse("people:detail", args=[known.pk]))
    assert page.status_code == 404
    referral = Referral.objects.get(pk=created.json()["id"])
    shown = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Okafor-Smith" not in shown


def test_referrer_sees_what_they_sent_after_the_match_is_confirmed(client, world: World):
    known = known_in_scheme(
        world, given_name="Nadia", nhs_number="9434765919", date_of_birth=dt.date(1958, 2, 14)
    )
    practice = caller_for(world.practice)
    body = request_into(world.scheme_a)
    body["person"]["given_name"] = "Nadine"
    created = post(client, practice, body).json()
    signed_in(client, world.link_worker_a)
    client.post(reverse("referrals:match_decide", args=[created["id"]]), {"decision": "confirm"})
    assert Referral.objects.get(pk=created["id"]).person == known

    signed_in(client, world.referrer)
    page = client.get(reverse("referrals:detail", args=[created["id"]])).content.decode()

    assert "Nadine Okafor" in page
    assert known.full_name not in page
    assert reverse("people:detail", args=[known.pk]) not in page
    # The API answer keeps repeating no personal details.
    answer = get(client, practice, created["links"]["self"]).json()
    assert "person" not in answer


def test_a_second_referral_never_matches_an_unchecked_record(client, world: World):
    known, _ = self_refer_as_known(client, world)
    client.post(reverse("refer"), SELF_REFERRAL)

    assert set(PersonMatch.objects.values_list("existing", flat=True)) == {known.pk}


def confirmed_api_referral(client, world: World) -> tuple[Person, Referral]:  # type: ignore[no-untyped-def]
    """A practice refers "Nadine Okafor" with no NHS number; the scheme confirms she is the
    Nadia Okafor-Smith already on record (same date of birth and postcode), whose NHS number,
    address, phone and email the practice never sent; then accepts the referral."""
    known = known_in_scheme(
        world,
        given_name="Nadine",
        family_name="Okafor",
        nhs_number="9434765919",
        date_of_birth=dt.date(1958, 2, 14),
        postcode="BK1 2AB",
        address="77 Hidden Row, Brackenfield",
        phone="07700 999888",
        email="hidden.known@example.org",
        sex="female",
    )
    body = request_into(world.scheme_a)
    body["person"].update(
        given_name="Nadine",
        family_name="Okafor",
        nhs_number="",
        address="4 Mill Lane, Brackenfield",
        phone="07700 900123",
        email="sent@example.org",
    )
    created = post(client, caller_for(world.practice), body)
    assert created.status_code == 201, created.content
    referral = Referral.objects.get(pk=created.json()["id"])
    assert PersonMatch.objects.get().existing == known
    signed_in(client, world.link_worker_a)
    client.post(reverse("referrals:match_decide", args=[referral.pk]), {"decision": "confirm"})
    # What the practice never sent is changed on the record, so it can be looked for.
    Person.objects.filter(pk=known.pk).update(given_name="Nadia", family_name="Okafor-Smith")
    known.refresh_from_db()
    referral.refresh_from_db()
    assert referral.person == known
    return known, referral


# What the practice never sent: the record's names, NHS number, address, phone and email.
UNSENT = (
    "Okafor-Smith",
    "Nadia ",
    "943 476 5919",
    "9434765919",
    "77 Hidden Row",
    "07700 999888",
    "hidden.known@example.org",
)


def test_message_back_after_a_confirmed_match_repeats_only_what_the_referrer_sent(
    client, world: World, django_capture_on_commit_callbacks
):
    _, referral = confirmed_api_referral(client, world)

    with django_capture_on_commit_callbacks(execute=True):
        accept_referral(by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_a)

    sent_back = Message.objects.get(referral=referral, audience="referrer")
    assert "Person: Nadine Okafor, born 14 February 1958" in sent_back.body
    assert "NHS number: not given" in sent_back.body
    for detail in UNSENT:
        assert detail not in sent_back.subject + sent_back.body
    # The same message, read through the API, repeats nothing more.
    answer = get(client, caller_for(world.practice), f"/api/v1/referrals/{referral.pk}")
    assert answer.status_code == 200
    for detail in UNSENT:
        assert detail not in answer.content.decode()


def test_referrer_pages_after_a_confirmed_match_show_only_what_was_sent(client, world: World):
    known, referral = confirmed_api_referral(client, world)
    signed_in(client, world.referrer)

    # The record the referral joined is not the referrer's to open.
    assert client.get(reverse("people:detail", args=[known.pk])).status_code == 404
    pages = {
        "mine": reverse("notifications:my_referrals"),
        "list": reverse("referrals:list"),
        "found by what was sent": reverse("referrals:list") + "?q=Nadine+Okafor",
        "detail": reverse("referrals:detail", args=[referral.pk]),
        "messages": reverse("notifications:referral_messages", args=[referral.pk]),
    }
    for name, url in pages.items():
        page = client.get(url)
        assert page.status_code == 200, name
        text = page.content.decode()
        assert referral.reference in text, name
        assert [detail for detail in UNSENT if detail in text] == [], name
    # Searching by the record's own details finds nothing: it would say the record exists.
    for query in ("Okafor-Smith", "9434765919"):
        found = client.get(reverse("referrals:list"), {"q": query}).content.decode()
        assert referral.reference not in found, query
    # The scheme's own staff see the record as it is.
    signed_in(client, world.link_worker_a)
    assert client.get(reverse("people:detail", args=[known.pk])).status_code == 200
    staff_list = client.get(reverse("referrals:list"), {"q": "Okafor-Smith"}).content.decode()
    assert referral.reference in staff_list
