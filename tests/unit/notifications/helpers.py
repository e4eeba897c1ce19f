"""Referrals at each stage, and fake delivery backends, for the notifications tests."""

from __future__ import annotations

from typing import Any

from linkwork.notifications.backends import PermanentFailure, TemporaryFailure
from linkwork.notifications.models import Mailbox, Message
from linkwork.people.models import Consent, ConsentKind, ConsentMethod, ContactMethod, Person
from linkwork.referrals import actions
from linkwork.referrals.lifecycle import ClosureReason, DeclineReason
from linkwork.referrals.models import Channel, Referral
from linkwork.vocabulary.routes import Route
from tests.conftest import World
from tests.factories import PersonFactory

# A valid NHS number (modulus 11) from the NHS's test range.
NHS_NUMBER = "9434765919"
PRACTICE_MAILBOX = "alder.street@nhs.example"


def person(world: World, **fields: Any) -> Person:
    values: dict[str, Any] = {
        "given_name": "Ann",
        "family_name": "Example",
        "nhs_number": NHS_NUMBER,
        "phone": "07700 900123",
        "email": "ann@example.org",
        "address": "1 High Street\nMillbrook",
        "postcode": "BK1 2AB",
        "preferred_contact_method": ContactMethod.TEXT,
        "gp_practice": world.practice,
    }
    values.update(fields)
    return PersonFactory(**values)


def consent(who: Person, kind: ConsentKind, given: bool) -> Consent:
    return Consent.objects.create(person=who, kind=kind, given=given, method=ConsentMethod.VERBAL)


def practice_mailbox(world: World, email: str = PRACTICE_MAILBOX, address: str = "") -> Mailbox:
    return Mailbox.objects.create(organisation=world.practice, email=email, postal_address=address)


def referral(
    world: World,
    *,
    who: Person | None = None,
    referrer: dict[str, str] | None = None,
    response_to: dict[str, str] | None = None,
) -> Referral:
    """A referral into scheme A from the practice, received."""
    return actions.create_referral(
        by=world.referrer,
        person=who or person(world),
        scheme=world.scheme_a,
        route=Route.GP_PRACTICE,
        channel=Channel.STAFF_FORM,
        needs=["loneliness", "money_debt"],
        reason="Lonely since moving.",
        consent_to_refer=True,
        referring_organisation=world.practice,
        referrer={"name": "Dr Rita Referrer", "email": "rita@example.org"}
        if referrer is None
        else referrer,
        response_to=response_to,
    )


def accepted(world: World, **kwargs: Any) -> Referral:
    return actions.accept_referral(
        by=world.scheme_lead_a, referral=referral(world, **kwargs), link_worker=world.link_worker_a
    )


def active(world: World, **kwargs: Any) -> Referral:
    return actions.start_support(by=world.link_worker_a, referral=accepted(world, **kwargs))


def closed(world: World, **kwargs: Any) -> Referral:
    return actions.close_referral(
        by=world.link_worker_a, referral=active(world, **kwargs), reason=ClosureReason.GOALS_MET
    )


def declined(world: World, reason: DeclineReason, note: str = "", **kwargs: Any) -> Referral:
    return actions.decline_referral(
        by=world.scheme_lead_a, referral=referral(world, **kwargs), reason=reason, note=note
    )


class Flaky:
    """Fails for now `failures` times, then sends. Counts its calls."""

    failures = 2
    calls = 0

    def send(self, message: Message) -> str:
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise TemporaryFailure("Mail server error (SMTPServerDisconnected)")
        return f"flaky:{type(self).calls}"


class AlwaysDown:
    calls = 0

    def send(self, message: Message) -> str:
        type(self).calls += 1
        raise TemporaryFailure("Could not reach Notify (URLError)")


class Refusing:
    calls = 0

    def send(self, message: Message) -> str:
        type(self).calls += 1
        raise PermanentFailure("Notify answered 400 (BadRequestError)")


class Broken:
    """A fault in our own code, whose text quotes personal data."""

    def send(self, message: Message) -> str:
        raise RuntimeError(f"cannot format {message.recipient_address}")
