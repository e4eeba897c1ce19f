"""Page structure a screen reader user relies on (axe's moderate rules, checked here without a
browser as well): the back link is inside a landmark, and heading levels never skip, on the
pages where warnings put a heading straight under the page's h1."""

from __future__ import annotations

import itertools
import re

import pytest
from django.urls import reverse

from tests.conftest import World, signed_in
from tests.factories import ContactFactory, PersonFactory, ReferralFactory

HEADING = re.compile(r"<h([1-6])[\s>]")


def skipped_levels(body: str) -> list[tuple[int, int]]:
    """Each place a heading goes more than one level deeper than the one before it."""
    levels = [int(level) for level in HEADING.findall(body)]
    return [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]


def back_link_outside_landmark(body: str) -> bool:
    squashed = " ".join(body.split())
    links = squashed.count('class="nhsuk-back-link"')
    in_nav = len(re.findall(r'<nav aria-label="Back"><a [^>]*class="nhsuk-back-link"', squashed))
    return links != in_nav


@pytest.fixture
def worried(world: World):  # type: ignore[no-untyped-def]
    """An active referral of a person with a safeguarding concern and three missed contacts:
    the pages about it show their warnings."""
    person = PersonFactory(safeguarding_concerns="Lives with a partner who shouts at her.")
    referral = ReferralFactory(
        scheme=world.scheme_a, person=person, link_worker=world.link_worker_a, status="active"
    )
    for _ in range(3):
        ContactFactory(referral=referral, outcome="did_not_attend", recorded_by=world.link_worker_a)
    return referral


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [
        "casework:caseload",
        "referrals:detail",
        "casework:connections",
        "casework:contacts",
        "casework:assign",
        "casework:appointments",
        "casework:diary",
        "casework:calendar",
    ],
)
def test_casework_pages_headings_do_not_skip(client, world: World, worried, page):
    signed_in(client, world.scheme_lead_a if page == "casework:assign" else world.link_worker_a)
    args = (
        [] if page in {"casework:caseload", "casework:diary", "casework:calendar"} else [worried.pk]
    )
    response = client.get(reverse(page, args=args))
    assert response.status_code == 200
    body = response.content.decode()
    assert skipped_levels(body) == []
    assert not back_link_outside_landmark(body)


@pytest.mark.django_db
def test_triage_pages_headings_do_not_skip(client, world: World):
    person = PersonFactory(safeguarding_concerns="Lives with a partner who shouts at her.")
    referral = ReferralFactory(scheme=world.scheme_a, person=person)
    signed_in(client, world.scheme_lead_a)
    for response in (
        client.get(reverse("referrals:triage_queue")),
        client.get(reverse("referrals:triage", args=[referral.pk])),
        # A decision with its answer missing: the form is shown again with its errors.
        client.post(
            reverse("referrals:triage_decide", args=[referral.pk]), {"decision": "decline"}
        ),
    ):
        body = response.content.decode()
        assert "<h1" in body
        assert skipped_levels(body) == []
        assert not back_link_outside_landmark(body)


def test_the_checks_can_fail():
    assert skipped_levels("<h1>A</h1><h3>B</h3>") == [(1, 3)]
    assert back_link_outside_landmark('<div><a class="nhsuk-back-link" href="/">Back</a></div>')
