"""The referrals app's message templates, registered with `notifications.catalogue` for the
admins' preview page: each rendered by the same function that writes the real message, from
a made-up referral that is never saved (a synthetic person, scheme and link worker)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from functools import partial

from django.utils import timezone

from linkwork.accounts.models import Organisation, Scheme, User
from linkwork.notifications.catalogue import Template, register
from linkwork.notifications.models import Audience, DeliveryChannel, Event
from linkwork.people.models import Person
from linkwork.referrals import replies
from linkwork.referrals.lifecycle import ClosureReason, DeclineReason
from linkwork.referrals.message_back import (
    MESSAGE_BACK_EVENTS,
    PERSON_EVENTS,
    message_back,
    person_message,
)
from linkwork.referrals.messages import gp_copy, withdrawn_notice
from linkwork.referrals.models import Referral

PERSON_CHANNELS = (DeliveryChannel.EMAIL, DeliveryChannel.TEXT, DeliveryChannel.LETTER)
EMAIL = (DeliveryChannel.EMAIL,)


def example_referral() -> Referral:
    """A made-up referral, never saved: every detail is synthetic."""
    scheme = Scheme(name="Example Social Prescribing", triage_working_days=5)
    return Referral(
        id=uuid.UUID("00000000-0000-4000-8000-000000000042"),
        reference="LW-7K3M-Q9TD",
        person=Person(
            given_name="Sam",
            family_name="Example",
            date_of_birth=dt.date(1960, 4, 1),
            nhs_number="9990000018",
            postcode="ZZ99 3VZ",
        ),
        scheme=scheme,
        link_worker=User(full_name="Alex Link-Worker", email="alex@example.invalid"),
        referring_organisation=Organisation(name="Example Surgery"),
        received_at=timezone.now() - dt.timedelta(days=30),
        decline_reason=DeclineReason.OUTSIDE_AREA,
        closure_reason=ClosureReason.GOALS_MET,
    )


def _message_back(event: Event, audience: Audience) -> tuple[str, str]:
    subject, body = message_back(example_referral(), event)
    return subject, gp_copy("Example Surgery", body) if audience == Audience.GP else body


def _person(event: Event) -> tuple[str, str]:
    return person_message(
        example_referral(),
        event,
        appointment_at=timezone.now().replace(hour=10, minute=30, second=0, microsecond=0)
        + dt.timedelta(days=7),
        appointment_place="Example Community Centre",
    )


def _withdrawn() -> tuple[str, str]:
    return withdrawn_notice(example_referral())


def _reply() -> tuple[str, str]:
    referral = example_referral()
    fields = replies.reply_fields(referral.reference, referral.scheme.name, referral.pk)
    return replies.REPLY_SUBJECT.format(**fields), replies.REPLY_BODY.format(**fields)


def register_templates() -> None:
    source = "linkwork/referrals/message_back.py"
    for event in Event:
        if event in MESSAGE_BACK_EVENTS:
            for audience in (Audience.REFERRER, Audience.GP):
                example: Callable[[], tuple[str, str]] = partial(_message_back, event, audience)
                channels = (
                    EMAIL
                    if audience == Audience.REFERRER
                    else (
                        DeliveryChannel.EMAIL,
                        DeliveryChannel.LETTER,
                    )
                )
                register(Template(event, audience, channels, source, example))
        if event in PERSON_EVENTS:
            register(
                Template(event, Audience.PERSON, PERSON_CHANNELS, source, partial(_person, event))
            )
    register(
        Template(
            Event.WITHDRAWN,
            Audience.REFERRER,
            EMAIL,
            source,
            partial(_message_back, Event.WITHDRAWN, Audience.REFERRER),
        )
    )
    register(
        Template(
            Event.WITHDRAWN,
            Audience.LINK_WORKER,
            EMAIL,
            "linkwork/referrals/messages.py",
            _withdrawn,
        )
    )
    register(
        Template(
            Event.PERSON_REPLIED,
            Audience.LINK_WORKER,
            EMAIL,
            "linkwork/referrals/replies.py",
            _reply,
        )
    )
