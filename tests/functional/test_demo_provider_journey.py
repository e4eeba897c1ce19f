"""The demo gives the provider real work: signed in as the demo provider, a request from the
inbox is opened and accepted in Chromium; axe checks the inbox and the request."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from linkwork.accounts.demo import DEMO_EMAIL_DOMAIN
from linkwork.accounts.models import User
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_demo_provider_accepts_a_request_from_the_inbox(live_server, page):
    call_command("seed_demo", people=120, seed=7, quiet=True, stdout=io.StringIO())
    provider = User.objects.get(email=f"provider.age@{DEMO_EMAIL_DOMAIN}")
    waiting = (
        Connection.objects.for_provider(provider)
        .filter(status=ConnectionStatus.REQUESTED)
        .select_related("referral")
        .order_by("respond_by", "pk")
    )
    assert waiting.exists(), "the demo provider's inbox has requests to answer"
    sign_in(page, live_server, provider)

    page.goto(f"{live_server.url}/casework/inbox/")
    expect(page.get_by_role("heading", name="Needs an answer")).to_be_visible()
    assert_accessible(page)

    request = waiting.first()
    assert request is not None
    page.get_by_role("link", name=request.referral.reference).first.click()
    page.wait_for_url(f"**/casework/inbox/{request.pk}/")
    assert_accessible(page)
    page.get_by_label("Accept", exact=True).check()
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text(f"You accepted referral {request.referral.reference}")).to_be_visible()
    assert_accessible(page)

    assert Connection.objects.get(pk=request.pk).status == ConnectionStatus.ACCEPTED
