"""The staff referral form (three screens), public self-referral and triage."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.people.models import Consent, Person, PersonMatch
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Channel, CodedEvent, Referral
from linkwork.vocabulary.routes import Route
from tests.conftest import SELF_REFERRAL, World, signed_in
from tests.factories import MembershipFactory, PersonFactory, ReferralFactory, UserFactory

PERSON = {
    "given_name": "Maya",
    "family_name": "Example",
    "date_of_birth[day]": "15",
    "date_of_birth[month]": "3",
    "date_of_birth[year]": "1958",
    "nhs_number": "943 476 5919",
    "postcode": "bk1 1ae",
    "phone": "07700 900123",
    "preferred_contact_method": "phone",
    "gp_practice": "",
}


def details(world: World) -> dict[str, object]:
    return {
        "scheme": world.scheme_a.pk,
        "route": Route.GP_PRACTICE,
        "needs": ["loneliness", "money_debt"],
        "reason": "Lonely since her husband died; worried about bills.",
        "urgency": "routine",
    }


def refer(client, world: World, **consent: object):  # type: ignore[no-untyped-def]
    client.get(reverse("referrals:new"))
    first = client.post(reverse("referrals:new_person"), PERSON)
    assert first["Location"] == reverse("referrals:new_details")
    second = client.post(reverse("referrals:new_details"), details(world))
    assert second["Location"] == reverse("referrals:new_check")
    data = {
        "consent_to_refer": "on",
        "consents": ["contact", "share_with_providers", "message_back"],
        **consent,
    }
    return client.post(reverse("referrals:new_check"), data)


@pytest.mark.django_db
def test_referrer_refers_in_three_screens(client, world: World):
    signed_in(client, world.referrer)
    response = refer(client, world)
    assert response["Location"] == reverse("referrals:sent")
    referral = Referral.objects.get()
    assert referral.channel == Channel.STAFF_FORM
    assert referral.referring_organisation == world.practice
    assert referral.response_to_email == world.referrer.email
    assert referral.person.nhs_number == "9434765919"
    assert referral.person.postcode == "BK1 1AE"
    consents = dict(Consent.objects.values_list("kind", "given"))
    assert consents == {
        "contact": True,
        "share_with_providers": True,
        "message_back": True,
        "evaluation": False,
    }
    page = client.get(reverse("referrals:sent")).content.decode()
    assert referral.reference in page


@pytest.mark.django_db
def test_consent_left_unticked_is_recorded_as_refused(client, world: World):
    signed_in(client, world.referrer)
    refer(client, world, consents=["message_back"])
    consents = dict(Consent.objects.values_list("kind", "given"))
    assert consents["contact"] is False
    assert consents["share_with_providers"] is False
    assert consents["message_back"] is True


@pytest.mark.django_db
def test_known_person_keeps_their_consents_until_the_match_is_checked(client, world: World):
    known = PersonFactory(nhs_number="9434765919", date_of_birth=dt.date(1958, 3, 15))
    signed_in(client, world.referrer)
    refer(client, world)
    assert not Consent.objects.filter(person=known).exists()
    referral = Referral.objects.get()
    assert set(Consent.objects.filter(person=referral.person).values_list("kind", flat=True)) == {
        "contact",
        "share_with_providers",
        "message_back",
        "evaluation",
    }


@pytest.mark.django_db
def test_route_defaults_from_referrer_organisation(client, world: World):
    signed_in(client, world.referrer)
    client.post(reverse("referrals:new_person"), PERSON)
    page = client.get(reverse("referrals:new_details")).content.decode()
    assert '<option value="gp_practice" selected' in page


@pytest.mark.django_db
def test_referral_form_errors_name_each_field(client, world: World):
    signed_in(client, world.referrer)
    bad = {
        **PERSON,
        "given_name": "",
        "date_of_birth[year]": "",
        "nhs_number": "943 476 5918",
        "phone": "",
    }
    body = client.post(reverse("referrals:new_person"), bad).content.decode()
    assert "Enter the person&#39;s first name" in body
    assert "Date of birth must include a year" in body
    assert "not a valid NHS number" in body
    assert "Enter a phone number, or choose another way" in body
    assert 'href="#id_date_of_birth-day"' in body
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_referral_needs_consent_and_writes_nothing_without(client, world: World):
    signed_in(client, world.referrer)
    client.post(reverse("referrals:new_person"), PERSON)
    client.post(reverse("referrals:new_details"), details(world))
    response = client.post(reverse("referrals:new_check"), {})
    assert "Confirm that the person agreed to this referral" in response.content.decode()
    assert not Referral.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_known_person_is_matched_not_shown(client, world: World):
    known = PersonFactory(
        nhs_number="9434765919",
        given_name="Someone",
        family_name="Else",
        date_of_birth=dt.date(1958, 3, 15),
    )
    signed_in(client, world.referrer)
    response = refer(client, world)
    referral = Referral.objects.get()
    assert referral.person.given_name == "Maya"
    assert PersonMatch.objects.get().existing == known
    page = client.get(response["Location"], follow=True).content.decode()
    assert "Someone" not in page
    assert "already known" not in page


@pytest.mark.django_db
def test_same_nhs_number_with_other_birth_date_is_not_joined(client, world: World):
    """A mistyped NHS number must never attach a referral to somebody else's record."""
    PersonFactory(nhs_number="9434765919", date_of_birth=dt.date(1971, 1, 1))
    signed_in(client, world.referrer)
    refer(client, world)
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_skipping_ahead_returns_to_first_screen(client, world: World):
    signed_in(client, world.referrer)
    client.get(reverse("referrals:new"))
    assert client.get(reverse("referrals:new_check"))["Location"] == reverse("referrals:new_person")


@pytest.mark.django_db
def test_analyst_cannot_refer(client, world: World):
    signed_in(client, world.analyst)
    assert client.get(reverse("referrals:new_person")).status_code == 403


@pytest.mark.django_db
def test_self_referral_without_login(client, world: World):
    response = client.post(reverse("refer"), SELF_REFERRAL)
    assert response["Location"] == reverse("refer_done")
    referral = Referral.objects.get()
    assert (referral.route, referral.channel, referral.status) == (
        Route.SELF,
        Channel.SELF_REFERRAL,
        Status.RECEIVED,
    )
    assert referral.referring_organisation is None
    done = client.get(reverse("refer_done")).content.decode()
    assert referral.reference in done
    assert AuditEvent.objects.filter(
        action="referral.self_referred", ip_address="127.0.0.1"
    ).exists()


@pytest.mark.django_db
def test_self_referral_errors_are_plain_and_named(client, world: World):
    body = client.post(reverse("refer"), {"preferred_contact_method": "email"}).content.decode()
    for message in [
        "Enter your first name",
        "Enter your date of birth",
        "Enter your postcode",
        "Select at least one thing you would like help with",
        "Confirm you agree to a link worker contacting you",
        "Enter your email address, or choose another way",
    ]:
        assert message in body
    assert "There is a problem" in body
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_self_referral_honeypot_stores_nothing(client, world: World):
    response = client.post(reverse("refer"), {**SELF_REFERRAL, "website": "https://spam.example"})
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not Referral.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_self_referral_rate_limited_per_address(client, world: World):
    for n in range(5):
        client.post(reverse("refer"), {**SELF_REFERRAL, "given_name": f"Sam{n}"})
    response = client.post(reverse("refer"), {**SELF_REFERRAL, "given_name": "Sam6"})
    assert response.status_code == 429
    assert Referral.objects.count() == 5


@pytest.mark.django_db
def test_self_referral_limit_refusal_is_audited(client, world: World):
    for n in range(5):
        client.post(reverse("refer"), {**SELF_REFERRAL, "given_name": f"Sam{n}"})
    assert not AuditEvent.objects.filter(action="access.denied").exists()
    response = client.post(reverse("refer"), {**SELF_REFERRAL, "given_name": "Sixth"})
    assert response.status_code == 429
    (refusal,) = AuditEvent.objects.filter(action="access.denied")
    assert (refusal.actor, refusal.ip_address, refusal.path) == (None, "127.0.0.1", "/refer/")
    assert refusal.detail == {"page": "refer", "status": 429, "limit": 5}
    # Codes only: nothing the sender typed.
    assert "Sixth" not in str(refusal.detail)


@pytest.mark.django_db
def test_self_referral_limit_leaves_other_addresses_alone(client, world: World):
    for n in range(5):
        client.post(reverse("refer"), {**SELF_REFERRAL, "given_name": f"Sam{n}"})
    assert (
        client.post(reverse("refer"), {**SELF_REFERRAL, "given_name": "Sixth"}).status_code == 429
    )
    other = client.post(
        reverse("refer"), {**SELF_REFERRAL, "given_name": "Neighbour"}, REMOTE_ADDR="198.51.100.7"
    )
    assert other["Location"] == reverse("refer_done")
    assert Referral.objects.count() == 6
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


@pytest.mark.django_db
def test_self_referral_limit_window_expires(client, world: World):
    start = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for n in range(5):
            client.post(reverse("refer"), {**SELF_REFERRAL, "given_name": f"Sam{n}"})
        clock.shift(dt.timedelta(minutes=59))
        assert (
            client.post(reverse("refer"), {**SELF_REFERRAL, "given_name": "Early"}).status_code
            == 429
        )
        # An hour after the five, they no longer count.
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        late = client.post(reverse("refer"), {**SELF_REFERRAL, "given_name": "Later"})
    assert late["Location"] == reverse("refer_done")
    assert Referral.objects.count() == 6
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


@pytest.mark.django_db
def test_triage_queue_urgent_first_then_oldest(client, world: World):
    old = ReferralFactory(scheme=world.scheme_a)
    urgent = ReferralFactory(scheme=world.scheme_a, urgency="urgent")
    ReferralFactory(scheme=world.scheme_b)
    signed_in(client, world.scheme_lead_a)
    body = client.get(reverse("referrals:triage_queue")).content.decode()
    assert body.index(urgent.reference) < body.index(old.reference)
    assert "2 referrals are waiting" in body


@pytest.mark.django_db
def test_triage_accept_shows_caseloads_and_assigns(client, world: World):
    referral = ReferralFactory(scheme=world.scheme_a, referring_organisation=world.practice)
    signed_in(client, world.scheme_lead_a)
    page = client.get(reverse("referrals:triage", args=[referral.pk])).content.decode()
    assert "Lina Worker" in page
    assert "0 open cases (safe limit 60)" in page
    assert "Bea Other" not in page  # scheme B's link worker
    response = client.post(
        reverse("referrals:triage_decide", args=[referral.pk]),
        {"decision": "accept", "link_worker": world.link_worker_a.pk},
    )
    # Straight on to booking the first appointment (casework's next step after triage).
    assert response["Location"] == (
        reverse("casework:appointments", args=[referral.pk]) + "?after=triage"
    )
    referral.refresh_from_db()
    assert (referral.status, referral.link_worker) == (Status.ACCEPTED, world.link_worker_a)


@pytest.mark.django_db
def test_triage_decline_person_declined_is_coded(client, world: World):
    referral = ReferralFactory(scheme=world.scheme_a)
    signed_in(client, world.scheme_lead_a)
    client.post(
        reverse("referrals:triage_decide", args=[referral.pk]),
        {"decision": "decline", "decline_reason": "person_declined"},
    )
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
    assert CodedEvent.objects.filter(referral=referral, code="871711000000103").exists()


@pytest.mark.django_db
def test_triage_redirect(client, world: World):
    referral = ReferralFactory(scheme=world.scheme_a)
    signed_in(client, world.scheme_lead_a)
    client.post(
        reverse("referrals:triage_decide", args=[referral.pk]),
        {
            "decision": "redirect",
            "redirect_to": "Adult social care",
            "note": "Needs a care assessment",
        },
    )
    referral.refresh_from_db()
    assert (referral.status, referral.redirected_to) == (Status.REDIRECTED, "Adult social care")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message", "anchor"),
    [
        ({}, "Select accept, waiting list, decline or redirect", "#decision"),
        ({"decision": "accept"}, "Select the link worker", "#link_worker"),
        ({"decision": "decline"}, "Select why the referral is declined", "#decline_reason"),
        ({"decision": "redirect"}, "Enter the service you are redirecting", "#redirect_to"),
    ],
)
def test_triage_errors_named_and_nothing_changes(client, world: World, data, message, anchor):
    referral = ReferralFactory(scheme=world.scheme_a)
    signed_in(client, world.scheme_lead_a)
    response = client.post(reverse("referrals:triage_decide", args=[referral.pk]), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert f'href="{anchor}"' in body
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED


def test_failed_triage_page_opened_again_goes_back_to_triage(client, world: World):
    """The failed form is shown at the decide address; a reload or bookmark there is a GET."""
    referral = ReferralFactory(scheme=world.scheme_a)
    signed_in(client, world.scheme_lead_a)
    decide = reverse("referrals:triage_decide", args=[referral.pk])
    assert client.post(decide, {}).status_code == 400

    response = client.get(decide)

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:triage", args=[referral.pk])
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_triage_refused_to_link_worker_and_other_scheme(client, world: World):
    referral = ReferralFactory(scheme=world.scheme_a)
    signed_in(client, world.link_worker_a)
    assert client.get(reverse("referrals:triage", args=[referral.pk])).status_code == 403
    # A link worker of any scheme may not triage: 403 before any record is looked at.
    signed_in(client, world.link_worker_b)
    assert client.get(reverse("referrals:triage", args=[referral.pk])).status_code == 403
    # The lead of another scheme may triage, but not this referral: 404.
    lead_b = UserFactory(totp=True)
    MembershipFactory(
        user=lead_b,
        organisation=world.scheme_b.host,
        scheme=world.scheme_b,
        role=Role.SCHEME_LEAD,
    )
    signed_in(client, lead_b)
    assert client.get(reverse("referrals:triage", args=[referral.pk])).status_code == 404


@pytest.mark.django_db
def test_triaging_twice_is_refused_with_message(client, world: World):
    referral = ReferralFactory(scheme=world.scheme_a)
    signed_in(client, world.scheme_lead_a)
    url = reverse("referrals:triage_decide", args=[referral.pk])
    client.post(url, {"decision": "redirect", "redirect_to": "Adult social care"})
    response = client.post(url, {"decision": "decline", "decline_reason": "duplicate"}, follow=True)
    assert "cannot become declined" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.REDIRECTED


@pytest.mark.django_db
def test_every_route_reaches_triage(client, world: World):
    for route in Route:
        ReferralFactory(scheme=world.scheme_a, route=route)
    signed_in(client, world.scheme_lead_a)
    body = client.get(reverse("referrals:triage_queue")).content.decode()
    assert f"{len(Route)} referrals are waiting" in body


@pytest.mark.django_db
def test_triage_adds_to_waiting_list(client, world: World):
    referral = ReferralFactory(scheme=world.scheme_a)
    signed_in(client, world.scheme_lead_a)
    response = client.post(
        reverse("referrals:triage_decide", args=[referral.pk]), {"decision": "waiting_list"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.link_worker is None
    assert referral.waiting_since is not None


@pytest.mark.django_db
def test_triage_warns_before_going_over_the_limit(client, world: World):
    world.scheme_a.active_caseload_limit = 1
    world.scheme_a.save()
    ReferralFactory(scheme=world.scheme_a, status="active", link_worker=world.link_worker_a)
    referral = ReferralFactory(scheme=world.scheme_a)
    signed_in(client, world.scheme_lead_a)
    page = client.get(reverse("referrals:triage", args=[referral.pk])).content.decode()
    assert "The scheme is full" in page
    url = reverse("referrals:triage_decide", args=[referral.pk])
    response = client.post(url, {"decision": "accept", "link_worker": world.link_worker_a.pk})
    assert response.status_code == 400
    assert "2 active against a limit of 1 at once" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED
    client.post(
        url, {"decision": "accept", "link_worker": world.link_worker_a.pk, "over_limit_ok": "yes"}
    )
    referral.refresh_from_db()
    assert referral.link_worker == world.link_worker_a


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("link_worker", "message"),
    [
        ("not a number", "Select the link worker who will support this person"),
        ("other scheme", "Choose a link worker who works in this scheme."),
    ],
)
def test_triage_accept_refuses_a_bad_link_worker_by_name(
    client, world: World, link_worker, message
):
    referral = ReferralFactory(scheme=world.scheme_a)
    if link_worker == "other scheme":
        link_worker = world.link_worker_b.pk
    signed_in(client, world.scheme_lead_a)
    response = client.post(
        reverse("referrals:triage_decide", args=[referral.pk]),
        {"decision": "accept", "link_worker": link_worker},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'href="#link_worker"' in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED


def test_sent_page_without_a_sent_referral_goes_to_the_referral_list(client, world: World):
    """A new session or a bookmark of the confirmation page, not a server error."""
    signed_in(client, world.referrer)

    response = client.get(reverse("referrals:sent"))

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:list")
