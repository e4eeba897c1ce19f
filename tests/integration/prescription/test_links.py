"""The person's own prescription link (issue 19, item 5): made and sent by the case's staff,
opened once in one browser, shown with nothing but the person's own plan, audited on every
showing, and after expiry or revocation a page that names no one."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.notifications.models import Message
from linkwork.prescription import tokens
from linkwork.prescription.actions import CannotSend, create_link, revoke_link
from linkwork.prescription.models import PrescriptionLink
from tests.conftest import World, signed_in

pytestmark = pytest.mark.django_db


def _token_of(message: Message) -> str:
    (token,) = re.findall(r"/p/([A-Za-z0-9_-]+)/", message.body)
    return token


def _open(client: Client, token: str, **query: str) -> Any:
    return client.get(reverse("prescription:open", args=[token]), query, follow=True)


def test_staff_send_the_link_by_the_persons_chosen_channel(client, world: World, case):
    signed_in(client, world.link_worker_a)
    response = client.post(reverse("prescription:case", args=[case.pk]), {"how": "send"})
    assert response.status_code == 302
    link = PrescriptionLink.objects.get(referral=case)
    message = Message.objects.get(pk=link.message_id)
    assert (message.channel, message.event, message.audience) == ("text", "prescription", "person")
    assert message.recipient_address == "07700900123"
    # The token is in the message and nowhere in the database.
    token = _token_of(message)
    assert link.token_digest == tokens.digest(token)
    assert not PrescriptionLink.objects.filter(token_digest=token).exists()
    assert AuditEvent.objects.filter(action="prescription_link.created", object_id=str(link.pk))
    page = client.get(reverse("prescription:case", args=[case.pk])).content.decode()
    assert "Not opened yet" in page
    assert "Text message" in page


def test_a_person_who_refused_contact_gets_a_printed_link_instead(client, world: World, case):
    from linkwork.people.models import Consent

    Consent.objects.create(
        person=case.person, kind="contact", given=False, method="verbal", recorded_by=None
    )
    with pytest.raises(CannotSend):
        create_link(by=world.link_worker_a, referral=case, send=True)
    assert not PrescriptionLink.objects.exists()
    signed_in(client, world.link_worker_a)
    response = client.post(reverse("prescription:case", args=[case.pk]), {"how": "send"})
    assert response.status_code == 200
    assert "do not want to be contacted" in response.content.decode()
    response = client.post(
        reverse("prescription:case", args=[case.pk]), {"how": "print"}, follow=True
    )
    body = response.content.decode()
    (link,) = PrescriptionLink.objects.filter(referral=case)
    assert link.channel == "printed"
    assert link.message_id is None
    (url,) = re.findall(r"http://[^<\s]+/p/[A-Za-z0-9_-]+/", body)
    # Shown once: the next visit does not show it again.
    again = client.get(reverse("prescription:case", args=[case.pk])).content.decode()
    assert url not in again


def test_a_held_person_is_not_sent_a_link(client, world: World, case, monkeypatch):
    from linkwork.notifications import holds

    monkeypatch.setattr(holds, "_rules", [lambda referral_id: "restricted"])
    signed_in(client, world.link_worker_a)
    response = client.post(reverse("prescription:case", args=[case.pk]), {"how": "send"})
    assert "Messages to the person are held" in response.content.decode()
    assert not PrescriptionLink.objects.exists()
    assert not Message.objects.exists()


def test_the_staff_form_names_the_field_when_nothing_is_chosen(client, world: World, case):
    signed_in(client, world.link_worker_a)
    response = client.post(reverse("prescription:case", args=[case.pk]), {})
    assert response.status_code == 200
    assert 'Select an answer to "How should the person get it?"' in html.unescape(
        response.content.decode()
    )
    assert not PrescriptionLink.objects.exists()


def test_the_page_shows_what_matters_services_and_who_to_call(client, world: World, case):
    made = create_link(by=world.link_worker_a, referral=case, send=False)
    response = _open(Client(), made.token)
    assert response.redirect_chain[-1][0] == reverse("prescription:page")
    body = response.content.decode()
    assert response.status_code == 200
    for expected in (
        "Getting out of the house and meeting people.",
        "Go to a group once a week",
        "Riverside Walking Group",
        "Tuesdays, 10am to 12pm",
        "Riverside Community Centre, 12 Mill Lane, Brackenfield BK1 1AE",
        "Bus 12 to Mill Lane",
        "01632 960 111",
        "Lina Worker",
        "Scheme A",
        "01632 960 000",
    ):
        assert expected in body, expected
    # Nothing else: not the cancelled service, not the surname, no staff navigation.
    assert "Cancelled Choir" not in body
    assert case.person.family_name not in body
    assert "Log out" not in body
    assert "Caseload" not in body


def test_the_page_is_kept_out_of_caches_search_engines_and_referrers(world: World, case):
    made = create_link(by=world.link_worker_a, referral=case, send=False)
    client = Client()
    opened = client.get(reverse("prescription:open", args=[made.token]))
    response = client.get(opened["Location"])
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    body = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in body
    assert '<meta name="referrer" content="no-referrer">' in body
    # The token is left behind: the page's own address does not hold it.
    assert made.token not in opened["Location"]


def test_the_link_is_single_use_another_browser_sees_nothing(world: World, case):
    made = create_link(by=world.link_worker_a, referral=case, send=False)
    first = Client()
    assert _open(first, made.token).status_code == 200
    # The same browser may reload the page and open the link again.
    assert first.get(reverse("prescription:page")).status_code == 200
    assert _open(first, made.token).status_code == 200
    # Another browser may not.
    other = _open(Client(), made.token)
    assert other.status_code == 404
    assert "This link does not work" in other.content.decode()
    assert "Ann" not in other.content.decode()
    refused = AuditEvent.objects.get(action="prescription.link_refused")
    assert refused.detail == {"reason": "opened_elsewhere"}
    assert refused.object_id == str(made.link.pk)


def _gone_body(response: Any) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_expired_revoked_and_unknown_links_show_the_same_page_naming_no_one(world: World, case):
    expired = create_link(by=world.link_worker_a, referral=case, send=False)
    PrescriptionLink.objects.filter(pk=expired.link.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    revoked = create_link(by=world.link_worker_a, referral=case, send=False)
    revoke_link(by=world.link_worker_a, link=revoked.link)
    answers = [
        _open(Client(), token) for token in (expired.token, revoked.token, "nOtAtOkEn-0000000000")
    ]
    assert {r.status_code for r in answers} == {404}
    bodies = {_gone_body(r) for r in answers}
    assert len(bodies) == 1, "the answers differ, so they tell one link from another"
    (body,) = bodies
    for secret in ("Ann", "Example", "Riverside", "Scheme A", "Lina"):
        assert secret not in body
    reasons = [
        e.detail["reason"]
        for e in AuditEvent.objects.filter(action="prescription.link_refused").order_by("id")
    ]
    assert reasons == ["expired", "revoked", "unknown"]


def test_revoking_stops_a_link_already_open_in_a_browser(client, world: World, case):
    made = create_link(by=world.link_worker_a, referral=case, send=False)
    person = Client()
    assert _open(person, made.token).status_code == 200
    signed_in(client, world.link_worker_a)
    response = client.post(reverse("prescription:revoke", args=[made.link.pk]))
    assert response.status_code == 302
    assert person.get(reverse("prescription:page")).status_code == 404
    assert AuditEvent.objects.filter(
        action="prescription_link.revoked", actor=world.link_worker_a
    ).exists()


def test_a_new_link_stops_the_earlier_one(world: World, case):
    first = create_link(by=world.link_worker_a, referral=case, send=False)
    create_link(by=world.link_worker_a, referral=case, send=False)
    assert _open(Client(), first.token).status_code == 404


def test_every_showing_is_audited_naming_the_person_and_the_link(world: World, case):
    made = create_link(by=world.link_worker_a, referral=case, send=False)
    person = Client()
    _open(person, made.token)
    person.get(reverse("prescription:page"), {"format": "easy-read"})
    person.get(reverse("prescription:page"))
    views = list(AuditEvent.objects.filter(action="prescription.viewed").order_by("id"))
    assert len(views) == 3
    for event in views:
        assert event.actor is None
        assert (event.object_type, event.object_id) == ("people.person", str(case.person_id))
        assert event.detail["link"] == str(made.link.pk)
        assert event.detail["who"] == "person"
    assert [e.detail["view"] for e in views] == ["page", "easy_read", "page"]
    made.link.refresh_from_db()
    assert made.link.views == 3


def test_staff_printing_the_page_is_audited_as_theirs(client, world: World, case):
    made = create_link(by=world.link_worker_a, referral=case, send=False)
    signed_in(client, world.scheme_lead_a)
    response = client.get(reverse("prescription:print", args=[made.link.pk]))
    assert response.status_code == 200
    assert "Riverside Walking Group" in response.content.decode()
    event = AuditEvent.objects.get(action="prescription.printed")
    assert event.actor == world.scheme_lead_a
    assert event.detail["link"] == str(made.link.pk)


def test_the_page_opens_in_welsh_when_the_link_asks(world: World, case):
    made = create_link(by=world.link_worker_a, referral=case, send=False)
    person = Client()
    response = _open(person, made.token, lang="cy")
    body = response.content.decode()
    assert '<html lang="cy">' in body
    assert "Eich presgripsiwn cymdeithasol" in body
    assert "Dydd Mawrth, 10yb tan 12yh" in body
    assert response["Content-Language"] == "cy"
    # Remembered for this browser, and English again when asked.
    assert "Eich presgripsiwn" in person.get(reverse("prescription:page")).content.decode()
    english = person.get(reverse("prescription:page"), {"lang": "en"}).content.decode()
    assert '<html lang="en">' in english
    assert "Your social prescription" in english


def test_a_welsh_speaker_gets_the_message_and_page_in_welsh(world: World, case):
    case.person.preferred_language = "cy"
    case.person.save()
    made = create_link(by=world.link_worker_a, referral=case, send=True)
    message = Message.objects.get(pk=made.link.message_id)
    assert "Eich presgripsiwn cymdeithasol" in message.body
    assert "?lang=cy" in message.body
    body = _open(Client(), _token_of(message)).content.decode()
    assert "Beth sy&#39;n bwysig i chi" in body or "Beth sy'n bwysig i chi" in body


def test_the_easy_read_version_has_short_lines_and_bigger_type(world: World, case):
    made = create_link(by=world.link_worker_a, referral=case, send=False)
    body = _open(Client(), made.token, format="easy-read").content.decode()
    assert "nhsuk-u-font-size-26" in body
    assert "Your plan" in body
    assert "When: Tuesdays, 10am to 12pm" in body
    assert "An emergency? Call 999." in body


def test_the_referral_page_leads_staff_to_the_prescription(client, world: World, case):
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("referrals:detail", args=[case.pk])).content.decode()
    assert reverse("prescription:case", args=[case.pk]) in body
    signed_in(client, world.referrer)
    body = client.get(reverse("referrals:detail", args=[case.pk])).content.decode()
    assert reverse("prescription:case", args=[case.pk]) not in body
