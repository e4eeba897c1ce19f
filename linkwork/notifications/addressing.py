"""Who gets a message, and how: the rules of consent and channel in one place.

- The referrer: at the referral's "return response to" (email, else postal address), else at
  the referrer's email. By email when there is an address, else by letter.
- The GP practice: a copy, only when the person's latest message-back consent is "given";
  never when refused or not asked.
- The person: never when their latest contact consent is "refused". By their preferred
  channel (text, email or letter); a phone call or in-person preference falls back to text,
  then letter; never by a channel they cannot receive.

Each function returns a `Recipient`, or a `Skip` with a code (never personal data) saying why
nobody is addressed, for the audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linkwork.notifications.models import Audience, DeliveryChannel, Mailbox
from linkwork.people.models import ConsentKind, ContactMethod, Person
from linkwork.referrals.models import Referral


@dataclass(frozen=True)
class Recipient:
    audience: Audience
    channel: DeliveryChannel
    name: str
    address: str


@dataclass(frozen=True)
class Skip:
    audience: Audience
    reason: str


def referrer_recipient(referral: Referral) -> Recipient | Skip:
    name = (
        referral.response_to_name
        or referral.referrer_name
        or referral.referrer_organisation_name
        or (referral.referring_organisation.name if referral.referring_organisation else "")
    )
    if referral.response_to_email:
        return Recipient(Audience.REFERRER, DeliveryChannel.EMAIL, name, referral.response_to_email)
    if referral.response_to_address.strip():
        return Recipient(
            Audience.REFERRER, DeliveryChannel.LETTER, name, referral.response_to_address.strip()
        )
    if referral.referrer_email:
        name = referral.referrer_name or name
        return Recipient(Audience.REFERRER, DeliveryChannel.EMAIL, name, referral.referrer_email)
    return Skip(Audience.REFERRER, "no_referrer_address")


def gp_recipient(referral: Referral, consents: dict[str, bool]) -> Recipient | Skip:
    practice = referral.person.gp_practice
    if practice is None:
        return Skip(Audience.GP, "no_gp_practice")
    if consents.get(ConsentKind.MESSAGE_BACK) is not True:
        return Skip(Audience.GP, "no_message_back_consent")
    mailbox = Mailbox.objects.filter(organisation=practice).first()
    if mailbox is not None and mailbox.email:
        return Recipient(Audience.GP, DeliveryChannel.EMAIL, practice.name, mailbox.email)
    address = mailbox.postal_address.strip() if mailbox is not None else ""
    address = address or practice.postcode.strip()
    if not address:
        return Skip(Audience.GP, "no_gp_address")
    return Recipient(Audience.GP, DeliveryChannel.LETTER, practice.name, address)


def person_recipient(person: Person, consents: dict[str, bool]) -> Recipient | Skip:
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
