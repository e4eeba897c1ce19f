"""Issue 16, item 9: bad input answers 4xx with a message that says what is wrong, never 500.
Each case of the issue's list is here, with the NUL byte and control characters in forms and
the API, and bodies over the documented limit (413)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import World, signed_in
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_sent_page_without_a_session_value_is_not_an_error(client, world: World):
    signed_in(client, world.referrer)
    response = client.get(reverse("referrals:sent"))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:list")


def test_sent_page_with_a_garbled_session_value_is_not_an_error(client, world: World):
    signed_in(client, world.referrer)
    session = client.session
    session["referrals:sent"] = "abc"
    session.save()
    for value in ("abc", "", None, ["x"]):
        session = client.session
        for key in list(session.keys()):
            if "sent" in key:
                session[key] = value
        session.save()
        response = client.get(reverse("referrals:sent"))
        assert response.status_code in (302, 404), value


def _triage(client, world: World, **data: str):
    referral = ReferralFactory(scheme=world.scheme_a, status="received")
    signed_in(client, world.scheme_lead_a)
    response = client.post(reverse("referrals:triage_decide", args=[referral.pk]), data)
    referral.refresh_from_db()
    return response, referral


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "99999999999999999999999", "\x00"])
def test_triage_with_a_link_worker_that_is_not_a_number_says_so(client, world: World, value):
    response, referral = _triage(client, world, decision="accept", link_worker=value)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select the link worker" in page or "hidden (control) characters" in page
    assert referral.status == "received"


def test_triage_redirect_over_300_characters_says_so(client, world: World):
    response, referral = _triage(
        client, world, decision="redirect", redirect_to="x" * 301, note="Moved away"
    )
    assert response.status_code == 400
    assert "300 characters or fewer" in response.content.decode()
    assert referral.status == "received"


@pytest.mark.parametrize("value", ["Moved\x00away", "Moved\x07away", "Moved\x1baway"])
def test_triage_note_with_control_characters_says_so(client, world: World, value):
    response, referral = _triage(
        client, world, decision="redirect", redirect_to="Citizens Advice", note=value
    )
    assert response.status_code == 400
    assert "Remove the hidden (control) characters from" in response.content.decode()
    assert referral.status == "received"


def test_triage_note_keeps_line_breaks_and_tabs(client, world: World):
    response, referral = _triage(
        client, world, decision="redirect", redirect_to="Citizens Advice", note="One\r\n\tTwo"
    )
    assert response.status_code == 302
    assert referral.status == "redirected"


def test_form_body_over_the_limit_answers_413(client, world: World):
    signed_in(client, world.scheme_lead_a)
    referral = ReferralFactory(scheme=world.scheme_a, status="received")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(
        reverse("referrals:triage_decide", args=[referral.pk]),
        {"decision": "redirect", "redirect_to": "x", "note": "x" * (limit + 1)},
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_public_self_referral_body_over_the_limit_answers_413(client):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post("/refer/", {"given_name": "x" * (limit + 1)})
    assert response.status_code == 413
