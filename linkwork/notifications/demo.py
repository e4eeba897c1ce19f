"""The demo's GP practices' secure mailboxes, so the message back reaches each practice by
email, as it would in a real area, instead of being skipped for want of an address.

Addresses are synthetic and on the reserved `.invalid` domain: the demo sends nothing out."""

from __future__ import annotations

from collections.abc import Iterable

from linkwork.accounts.models import Organisation
from linkwork.notifications.models import Mailbox


def practice_mailbox(practice: Organisation) -> str:
    """A practice's demo mailbox: shaped like an NHSmail shared mailbox, on a domain that
    cannot receive mail."""
    return f"brackenfield.{practice.ods_code.lower()}@demo.linkwork.invalid"


def seed_mailboxes(*, practices: Iterable[Organisation]) -> list[Mailbox]:
    return Mailbox.objects.bulk_create(
        Mailbox(organisation=practice, email=practice_mailbox(practice)) for practice in practices
    )
