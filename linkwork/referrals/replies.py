"""Text messages people send back: which referral a reply belongs to, and telling its link
worker. Registered with `linkwork.notifications.inbound` in `ReferralsConfig.ready()`.

A reply is threaded on a referral only when the sender's number is the mobile of exactly one
person and that person has exactly one open referral. Anything less certain (nobody, two
people sharing a phone, two open referrals) is kept unmatched for an admin to match by hand:
a reply attached to the wrong person would tell a stranger's link worker what they wrote.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from linkwork.accounts.models import Membership, Role
from linkwork.notifications import centre
from linkwork.notifications.addressing import mobile_number
from linkwork.notifications.models import AlertKind, Audience, InboundMessage
from linkwork.people.models import Person
from linkwork.referrals.lifecycle import OPEN_STATUSES
from linkwork.referrals.models import Referral

REPLY_SUBJECT = "A reply about referral {reference}"
REPLY_BODY = (
    "The person referred ({reference}, {scheme}) has replied to a text message.\n\n"
    "Sign in to read the reply on the referral's messages page:\n{link}\n"
)


def referral_for_number(number: str) -> Any:
    """The id of the one open referral of the one person whose mobile is `number`
    (07xxxxxxxxx), or None. Reads every person: the caller is Notify's callback, which has no
    user, and only an id leaves this function."""
    if len(number) < 2:
        return None
    # Narrow by the last two digits in the database, then compare whole numbers however
    # each was written ("07700 900123", "+44 7700 900123").
    people = [
        pk
        for pk, phone in Person.objects.filter(phone__endswith=number[-2:]).values_list(
            "pk", "phone"
        )
        if mobile_number(phone) == number
    ]
    if len(people) != 1:
        return None
    open_referrals = list(
        Referral.objects.filter(person_id=people[0], status__in=OPEN_STATUSES).values_list(
            "pk", flat=True
        )[:2]
    )
    return open_referrals[0] if len(open_referrals) == 1 else None


def reply_fields(reference: str, scheme: str, referral_id: Any) -> dict[str, str]:
    link = settings.LINKWORK_BASE_URL.rstrip("/") + reverse(
        "notifications:referral_messages", args=[referral_id]
    )
    return {"reference": reference, "scheme": scheme, "link": link}


def tell_link_worker(reply: InboundMessage) -> None:
    """Tell the referral's link worker (or, with nobody assigned, its scheme's leads) that the
    person replied: an alert in the notification centre, and an email for those who switched
    replies on. Both name the reference, never the person or what they wrote."""
    if reply.referral_id is None:
        return
    referral = Referral.objects.select_related("scheme", "link_worker").get(pk=reply.referral_id)
    worker = referral.link_worker
    if worker is not None and worker.is_active:
        users, audience = [worker], Audience.LINK_WORKER
    else:
        users = [
            m.user
            for m in Membership.objects.filter(
                role=Role.SCHEME_LEAD, scheme_id=referral.scheme_id, user__is_active=True
            )
            .select_related("user")
            .order_by("user_id")
        ]
        audience = Audience.SCHEME_LEAD
    fields = reply_fields(referral.reference, referral.scheme.name, referral.pk)
    centre.tell(
        users,
        AlertKind.PERSON_REPLIED,
        f"Reply from the person on referral {referral.reference}",
        reverse("notifications:referral_messages", args=[referral.pk]),
        referral,
        email=centre.Email(
            subject=REPLY_SUBJECT.format(**fields),
            body=REPLY_BODY.format(**fields),
            audience=audience,
        ),
    )
