"""factory_boy factories. All data is synthetic."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.accounts.models import Membership, Organisation, OrganisationKind, Role, Scheme, User
from linkwork.casework.models import Connection, Contact, FollowUp, Goal, SupportPlan
from linkwork.directory.models import (
    Attribute,
    Capacity,
    Entity,
    LinkType,
    Organization,
    ReferralRoute,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID, term_id
from linkwork.people.models import Person
from linkwork.referrals.models import Referral
from linkwork.vocabulary.routes import Route

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.VCSE


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme

    name = factory.Sequence(lambda n: f"Scheme {n}")
    slug = factory.Sequence(lambda n: f"scheme-{n}")
    host = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.PCN)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def totp(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create:
            self.save()
            if extracted:
                TOTPDevice.objects.create(user=self, name="Test app", confirmed=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.REFERRER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = dt.date(1960, 5, 17)
    postcode = "BK1 2AB"


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    person = factory.SubFactory(PersonFactory)
    scheme = factory.SubFactory(SchemeFactory)
    route = Route.GP_PRACTICE
    needs = ["loneliness"]
    reason = "Feels isolated."


class DirectoryOrganizationFactory(factory.django.DjangoModelFactory):
    """An organisation in the directory (HSDS), optionally linked to an account organisation."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Community Group {n}")
    description = "A local voluntary group."


class ServiceFactory(factory.django.DjangoModelFactory):
    """A directory service that takes referrals and has space."""

    class Meta:
        model = Service

    organization = factory.SubFactory(DirectoryOrganizationFactory)
    name = factory.Sequence(lambda n: f"Walking Group {n}")
    description = "Gentle weekly walks."
    email = factory.Sequence(lambda n: f"service{n}@example.org")
    referral_route = ReferralRoute.REFERRAL
    capacity = Capacity.ACCEPTING
    delivers_in_person = True
    delivers_online = False
    delivers_by_phone = False
    assured_date = factory.LazyFunction(timezone.localdate)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    referral = factory.SubFactory(ReferralFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    mode = "phone"
    duration_minutes = 30
    outcome = "attended"
    recorded_by = factory.SubFactory(UserFactory)


class SupportPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPlan

    referral = factory.SubFactory(ReferralFactory)
    what_matters = "Getting out of the house and meeting people."
    updated_by = factory.SubFactory(UserFactory)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(SupportPlanFactory)
    description = "Go to a group once a week"
    importance = 8


class ConnectionFactory(factory.django.DjangoModelFactory):
    """A requested connection; pass status and dates for other states."""

    class Meta:
        model = Connection

    referral = factory.SubFactory(ReferralFactory)
    service = factory.SubFactory(ServiceFactory)
    status = "requested"
    created_by = factory.SubFactory(UserFactory)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    referral = factory.SubFactory(ReferralFactory)
    due_on = factory.LazyFunction(timezone.localdate)
    reason = "Check in"


def categorise(service: Service, slug: str) -> None:
    """File `service` under a Linkwork category, as the directory import does."""
    taxonomy, _ = Taxonomy.objects.get_or_create(
        id=LINKWORK_TAXONOMY_ID, defaults={"name": "linkwork", "description": "Linkwork"}
    )
    term, _ = TaxonomyTerm.objects.get_or_create(
        id=term_id("linkwork", slug),
        defaults={"taxonomy": taxonomy, "code": slug, "name": slug, "description": slug},
    )
    Attribute.objects.create(
        link_entity=Entity.SERVICE,
        link_id=service.pk,
        link_type=LinkType.CATEGORY,
        taxonomy_term=term,
    )
