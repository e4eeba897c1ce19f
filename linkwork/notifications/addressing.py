"""Who gets a message, and how: the rules of channel, and of consent to contact, that need
nothing but the person.

- The person: never when their latest contact consent is "refused". By their preferred
  channel (text, email or letter); a phone call or in-person preference falls back to text,
  then letter; never by a channel they cannot receive.

Who receives what about a referral (the referrer, the GP practice) is decided in
`linkwork.referrals.addressing`, with the same two answers: a `Recipient`, or a `Skip` with a
code (never personal data) saying why nobody is addressed, for the audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linkwork.notifications.models import Audience, DeliveryChannel
from linkwork.people.models import ConsentKind, ContactMethod, Person


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to, by which channel, at which address."""

    audience: Audience
    channel: DeliveryChannel
    name: str
    address: str


@dataclass(frozen=True)
class Skip:
    """Nobody of `audience` is addressed, and why, as a code for the audit trail."""

    audience: Audience
    reason: str


def person_recipient(person: Person, consents: dict[str, bool]) -> Recipient | Skip:
    """The person, by the first channel they can receive, unless they refused contact."""
    if consents.get(ConsentKind.CONTACT) is False:
        return Skip(Audience.PERSON, "contact_consent_refused")
    for channel in person_channels(person):
        address = _person_address(person, channel)
        if address:
            return Recipient(Audience.PERSON, channel, person.full_name, address)
    return Skip(Audience.PERSON, "no_way_to_reach_person")


def person_channels(person: Person) -> list[DeliveryChannel]:
    """Channels to try, in order: the preferred one if it is a written channel, then text,
    then letter."""
    preferred = {
        ContactMethod.TEXT: DeliveryChannel.TEXT,
        ContactMethod.EMAIL: DeliveryChannel.EMAIL,
        ContactMethod.LETTER: DeliveryChannel.LETTER,
    }.get(ContactMethod(person.preferred_contact_method))
    order = [preferred] if preferred is not None else []
    return list(dict.fromkeys([*order, DeliveryChannel.TEXT, DeliveryChannel.LETTER]))


def _person_address(person: Person, channel: DeliveryChannel) -> str:
    if channel == DeliveryChannel.TEXT:
        return mobile_number(person.phone) or ""
    if channel == DeliveryChannel.EMAIL:
        return person.email.strip()
    return postal_address(person.address, person.postcode)


def mobile_number(phone: str) -> str | None:
    """A UK mobile number in the form 07xxxxxxxxx, or None: a landline cannot take texts."""
    digits = re.sub(r"[\s().-]", "", phone or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return digits if re.fullmatch(r"07\d{9}", digits) else None


def postal_address(address: str, postcode: str) -> str:
    """The address lines with the postcode last, or "" when there is no address to post to."""
    lines = [line.strip() for line in address.replace(",", "\n").splitlines() if line.strip()]
    if not lines:
        return ""
    postcode = postcode.strip().upper()
    if postcode and postcode.replace(" ", "") not in {line.replace(" ", "") for line in lines}:
        lines.append(postcode)
    return "\n".join(lines)
