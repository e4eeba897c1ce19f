"""Messages hold personal data: who may read which."""

from __future__ import annotations

import pytest

from linkwork.accounts.models import OrganisationKind, Role
from linkwork.notifications.models import Message
from linkwork.people.models import ConsentKind
from linkwork.referrals.messages import referral_event
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.unit.notifications import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages(world):  # type: ignore[no-untyped-def]
    """A referrer copy, a GP copy and a person's message about one scheme A referral."""
    helpers.practice_mailbox(world)
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.MESSAGE_BACK, True)
    referral = helpers.closed(world, who=who)
    return {m.audience: m for m in referral_event(referral.pk, "closed")}


def visible(user) -> set[str]:  # type: ignore[no-untyped-def]
    return set(Message.objects.visible_to(user).values_list("audience", flat=True))


def test_link_workers_and_leads_of_the_scheme_read_all_its_messages(world, messages):
    assert set(messages) == {"referrer", "gp", "person"}
    assert visible(world.link_worker_a) == {"referrer", "gp", "person"}
    assert visible(world.scheme_lead_a) == {"referrer", "gp", "person"}


def test_the_referring_organisation_reads_only_messages_to_referrers(world, messages):
    assert visible(world.referrer) == {"referrer"}


def test_another_organisations_referrer_reads_none(world, messages):
    other = UserFactory()
    MembershipFactory(
        user=other,
        organisation=OrganisationFactory(kind=OrganisationKind.GP_PRACTICE),
        role=Role.REFERRER,
    )
    assert visible(other) == set()


@pytest.mark.parametrize("persona", ["link_worker_b", "provider", "analyst", "curator", "admin"])
def test_everyone_else_reads_none(world, messages, persona):
    assert visible(getattr(world, persona)) == set()


def test_message_str_holds_no_personal_data(world, messages):
    text = str(messages["referrer"])
    assert "rita" not in text
    assert "Ann" not in text


def test_letters_are_read_only_by_those_who_may_read_their_message(world, messages):
    from linkwork.notifications.backends import LetterBackend
    from linkwork.notifications.models import Letter

    LetterBackend().send(messages["gp"])
    assert Letter.objects.visible_to(world.link_worker_a).count() == 1
    assert Letter.objects.visible_to(world.referrer).count() == 0
    assert Letter.objects.visible_to(world.link_worker_b).count() == 0
