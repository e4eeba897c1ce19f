"""Who receives the message back about a referral, and how.

- The referrer: at the referral's "return response to" (email, else postal address), else at
  the referrer's email. By email when there is an address, else by letter.
- The GP practice: a copy, only when the person's latest message-back consent is "given";
  never when refused or not asked.

The person is addressed by `linkwork.notifications.addressing.person_recipient`, which needs
no referral. Each function returns a `Recipient`, or a `Skip` with a code (never personal
data) saying why nobody is addressed, for the audit trail.
"""

from __future__ import annotations

from linkwork.notifications.addressing import Recipient, Skip
from linkwork.notifications.models import Audience, DeliveryChannel, Mailbox
from linkwork.people.models import ConsentKind
from linkwork.referrals.models import Referral


def referrer_recipient(referral: Referral) -> Recipient | Skip:
    """The referrer, at the address the referral asks responses to go to."""
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
    """The person's GP practice, at its mailbox, when the person agreed to a message back."""
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
