"""The referrer's "Your organisation's referrals" page, message pages, letters, and the
failed messages page with its "Try again" button."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwork.accounts.models import OrganisationKind, Role
from linkwork.audit.models import AuditEvent
from linkwork.notifications.models import Message, MessageStatus
from linkwork.people.models import ConsentKind
from linkwork.referrals.messages import referral_event
from tests.conftest import World, signed_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.unit.notifications import helpers

pytestmark = pytest.mark.django_db

FAKES = "tests.unit.notifications.helpers"


@pytest.fixture
def sent(world: World, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """A closed scheme A referral whose messages went: to the referrer by email, to the GP
    practice by letter and to the person by text."""
    helpers.practice_mailbox(world, email="", address="3 Alder Street\nMillbrook")
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.MESSAGE_BACK, True)
    referral = helpers.closed(world, who=who)
    with django_capture_on_commit_callbacks(execute=True):
        messages = referral_event(referral.pk, "closed")
    return {m.audience: Message.objects.get(pk=m.pk) for m in messages}


@pytest.fixture
def outsider():  # type: ignore[no-untyped-def]
    """A referrer at another GP practice."""
    user = UserFactory(totp=True)
    MembershipFactory(
        user=user,
        organisation=OrganisationFactory(kind=OrganisationKind.GP_PRACTICE),
        role=Role.REFERRER,
    )
    return user


def message_urls(message: Message) -> list[str]:
    return [
        reverse("notifications:message", args=[message.pk]),
        reverse("notifications:letter", args=[message.pk]),
    ]


def test_my_referrals_lists_each_referral_with_its_messages(client, world, sent):
    signed_in(client, world.referrer)
    response = client.get(reverse("notifications:my_referrals"))
    body = response.content.decode()
    assert response.status_code == 200
    referral = sent["referrer"].referral
    assert referral.reference in body
    assert "Closed" in body
    assert sent["referrer"].subject in body
    assert reverse("notifications:message", args=[sent["referrer"].pk]) in body
    assert reverse("notifications:message", args=[sent["gp"].pk]) not in body, "not theirs"
    assert AuditEvent.objects.filter(action="message.list_viewed", actor=world.referrer).exists()


def test_my_referrals_is_for_referrers(client, world):
    signed_in(client, world.link_worker_a)
    assert client.get(reverse("notifications:my_referrals")).status_code == 403


def test_a_message_is_readable_in_full_and_each_view_is_audited(client, world, sent):
    message = sent["referrer"]
    signed_in(client, world.referrer)
    url = reverse("notifications:message", args=[message.pk])
    body = client.get(url).content.decode()
    for line in ("Needs identified", "- Loneliness or isolation", "No action needed."):
        assert line in body
    client.get(url)
    views = AuditEvent.objects.filter(action="message.viewed", object_id=str(message.pk))
    assert views.count() == 2
    assert views.first().actor == world.referrer


def test_a_letter_opens_as_a_pdf_for_the_scheme(client, world, sent):
    letter = sent["gp"]
    assert letter.channel == "letter"
    assert letter.status == MessageStatus.SENT
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("notifications:message", args=[letter.pk])).content.decode()
    assert reverse("notifications:letter", args=[letter.pk]) in page
    response = client.get(reverse("notifications:letter", args=[letter.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="message.viewed", object_id=str(letter.pk), detail__format="pdf"
    ).exists()


def test_a_message_without_a_letter_has_no_pdf(client, world, sent):
    signed_in(client, world.link_worker_a)
    response = client.get(reverse("notifications:letter", args=[sent["referrer"].pk]))
    assert response.status_code == 404


def test_another_organisations_referrer_gets_404_on_every_message_url(
    client, world, sent, outsider
):
    signed_in(client, outsider)
    referral = sent["referrer"].referral
    urls = [
        *message_urls(sent["referrer"]),
        *message_urls(sent["gp"]),
        reverse("notifications:referral_messages", args=[referral.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert AuditEvent.objects.filter(action="access.denied", actor=outsider).count() == len(urls)
    body = client.get(reverse("notifications:my_referrals")).content.decode()
    assert referral.reference not in body


@pytest.mark.parametrize("persona", ["link_worker_b", "provider", "analyst", "admin"])
def test_outsiders_get_404_on_message_urls(client, world, sent, persona):
    signed_in(client, getattr(world, persona))
    for url in message_urls(sent["gp"]):
        assert client.get(url).status_code == 404, url


def test_the_referrer_cannot_open_the_gp_copy(client, world, sent):
    signed_in(client, world.referrer)
    for url in message_urls(sent["gp"]):
        assert client.get(url).status_code == 404, url


def test_referral_messages_lists_what_the_user_may_read(client, world, sent):
    referral = sent["referrer"].referral
    url = reverse("notifications:referral_messages", args=[referral.pk])
    signed_in(client, world.link_worker_a)
    body = client.get(url).content.decode()
    assert all(str(m.pk) in body for m in sent.values())
    client.logout()
    signed_in(client, world.referrer)
    body = client.get(url).content.decode()
    assert str(sent["referrer"].pk) in body
    assert str(sent["gp"].pk) not in body
    assert str(sent["person"].pk) not in body


def test_my_referrals_query_count_does_not_grow_with_referrals(client, world, sent):
    signed_in(client, world.referrer)
    url = reverse("notifications:my_referrals")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        referral_event(helpers.closed(world).pk, "closed")
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count("support has ended") >= 4
    assert len(many) == len(few)


@pytest.fixture
def failed(world: World, settings, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """A message back that could not be sent after every attempt."""
    settings.LINKWORK_MESSAGE_BACKENDS = {
        **settings.LINKWORK_MESSAGE_BACKENDS,
        "email": f"{FAKES}.AlwaysDown",
    }
    with django_capture_on_commit_callbacks(execute=True):
        [message] = referral_event(helpers.accepted(world).pk, "accepted")
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    return message


def test_failed_messages_are_listed_for_the_scheme_lead(client, world, failed):
    signed_in(client, world.scheme_lead_a)
    body = client.get(reverse("notifications:failed")).content.decode()
    assert failed.subject in body
    assert "Could not reach Notify (URLError)" in body
    assert reverse("notifications:retry", args=[failed.pk]) in body
    assert "Try again" in body


@pytest.mark.parametrize("persona", ["link_worker_a", "referrer", "link_worker_b"])
def test_failed_messages_page_is_for_scheme_leads(client, world, failed, persona):
    signed_in(client, getattr(world, persona))
    assert client.get(reverse("notifications:failed")).status_code == 403


def test_try_again_sends_a_failed_message(
    client, world, failed, settings, django_capture_on_commit_callbacks
):
    settings.LINKWORK_MESSAGE_BACKENDS = {
        **settings.LINKWORK_MESSAGE_BACKENDS,
        "email": f"{FAKES}.Flaky",
    }
    helpers.Flaky.failures = 0
    signed_in(client, world.scheme_lead_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:retry", args=[failed.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:failed")
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (MessageStatus.SENT, 1)
    event = AuditEvent.objects.get(action="message.retried")
    assert (event.actor, event.object_id) == (world.scheme_lead_a, str(failed.pk))


def test_try_again_is_refused_to_a_link_worker(client, world, failed):
    signed_in(client, world.link_worker_a)
    response = client.post(reverse("notifications:retry", args=[failed.pk]))
    assert response.status_code == 403
    failed.refresh_from_db()
    assert failed.status == MessageStatus.FAILED


def test_try_again_on_a_sent_message_changes_nothing(client, world, sent):
    signed_in(client, world.scheme_lead_a)
    message = sent["referrer"]
    response = client.post(
        reverse("notifications:retry", args=[message.pk]), {"return_to": "message"}
    )
    assert response["Location"] == reverse("notifications:message", args=[message.pk])
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
