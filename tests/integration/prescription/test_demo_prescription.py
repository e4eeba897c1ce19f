"""The demo shows the person's own prescription: a live link printed by `seed-demo`, who each
scheme's people call, and feedback results for a few services with five answers or more."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from linkwork.accounts.models import Role
from linkwork.prescription.models import FeedbackAnswer, SchemeContact
from linkwork.web.management.commands.seed_demo import demo_logins
from tests.conftest import seeded_demo_by_module, sign_in_as_demo_user


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with seeded_demo_by_module(django_db_blocker, people=120, seed=7) as printed:
        yield printed


@pytest.fixture
def demo(seeded_demo: str, db: None) -> str:
    return seeded_demo


def test_the_demo_prints_a_live_link_that_opens_the_prescription(demo: str):
    (url,) = re.findall(r"opens once: (\S+/p/[A-Za-z0-9_-]+/)", demo)
    response = Client().get(urlsplit(url).path, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your social prescription" in body
    assert "Who to call" in body
    assert "01632 960" in body


def test_the_demo_has_feedback_for_several_services_with_five_or_more(demo: str):
    per_service = list(
        FeedbackAnswer.objects.values("service_id")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    # The small test demo (120 people) spreads its connections thinly; `make demo` (2,000)
    # has several services over five. Either way the summary printed says how many.
    shown = sum(1 for n in per_service if n >= 5)
    assert f"({shown} services with five or more)" in demo
    assert len(per_service) >= 8
    assert SchemeContact.objects.exists()


def test_the_demo_provider_sees_results_for_their_services(client: Client, demo: str):
    (email,) = [email for role, email, _ in demo_logins() if role == Role.PROVIDER.label]
    sign_in_as_demo_user(client, email)
    body = client.get(reverse("prescription:feedback")).content.decode()
    first = re.findall(r'href="(/prescription/feedback/[0-9a-f-]+/)"', body)[0]
    page = client.get(first).content.decode()
    assert "people answered" in page or "Fewer than 5 people have answered" in page
