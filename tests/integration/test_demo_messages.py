"""The demo's two-way messages: texts delivered and one that was not, replies threaded on the
demo link worker's cases, one reply for an admin to match, letters in the print queue; and
`simulate-reply`, which brings a reply the way Notify's callback would."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from linkwork.accounts.models import Membership, Role
from linkwork.notifications.models import InboundMessage, InboundStatus, Letter, Message
from linkwork.referrals.demo_messages import UNMATCHED_NUMBER
from tests.conftest import seeded_demo_by_module, signed_in


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with seeded_demo_by_module(django_db_blocker, people=150, seed=11) as printed:
        yield printed


@pytest.fixture
def demo(seeded_demo: str, db: None) -> str:
    return seeded_demo


def test_the_demo_has_delivered_and_failed_messages_replies_and_letters(demo):
    assert Message.objects.filter(status="delivered").count() >= 5
    assert Message.objects.filter(status="permanent_failure").count() == 1
    matched = InboundMessage.objects.filter(status=InboundStatus.MATCHED)
    assert matched.count() == 3
    assert InboundMessage.objects.filter(status=InboundStatus.UNMATCHED).count() == 1
    assert Letter.objects.filter(printed_at__isnull=True, via_notify=False).count() == 3
    for reply in matched.select_related("referral"):
        assert reply.referral.status in ("accepted", "active", "on_hold")


def test_every_role_sees_its_part(client, demo):
    reply = InboundMessage.objects.filter(status=InboundStatus.MATCHED).first()
    worker = reply.referral.link_worker
    signed_in(client, worker)
    page = client.get(reverse("notifications:referral_messages", args=[reply.referral_id]))
    assert reply.body.replace("'", "&#39;") in page.content.decode()
    assert client.get(reverse("notifications:print_queue")).status_code == 200
    admin = Membership.objects.filter(role=Role.ADMIN, user__is_staff=True).first().user
    signed_in(client, admin)
    body = client.get(reverse("notifications:unmatched_replies")).content.decode()
    assert UNMATCHED_NUMBER in body
    assert client.get(reverse("notifications:templates")).status_code == 200


def test_simulate_reply_threads_a_reply_like_notify_would(demo, settings):
    settings.LINKWORK_MESSAGE_BACKENDS = {**settings.LINKWORK_MESSAGE_BACKENDS, "text": "local"}
    out = io.StringIO()
    call_command("simulate_reply", "--from", "07700900998", "--text", "Hello?", stdout=out)
    assert "an admin matches it" in out.getvalue()
    assert InboundMessage.objects.filter(status=InboundStatus.UNMATCHED).count() == 2


def test_simulate_reply_is_refused_with_a_real_text_backend(demo, settings):
    settings.LINKWORK_MESSAGE_BACKENDS = {**settings.LINKWORK_MESSAGE_BACKENDS, "text": "notify"}
    with pytest.raises(CommandError, match="local backend"):
        call_command("simulate_reply", "--from", "07700900998", "--text", "Hello?")
