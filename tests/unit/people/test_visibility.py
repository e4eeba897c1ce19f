"""Who may see a person: the rule the referrals app registers, and no one without a rule."""

from __future__ import annotations

import pytest

from linkwork.people import models as people_models
from linkwork.people.models import Person
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_person_visible_to_those_who_may_see_one_of_their_referrals(world: World, referral_a):
    assert list(Person.objects.visible_to(world.link_worker_a)) == [referral_a.person]
    assert not Person.objects.visible_to(world.link_worker_b).exists()


def test_person_visible_to_no_one_without_a_registered_rule(monkeypatch, world: World, referral_a):
    monkeypatch.setattr(people_models, "_visibility_rules", [])
    assert not Person.objects.visible_to(world.link_worker_a).exists()
