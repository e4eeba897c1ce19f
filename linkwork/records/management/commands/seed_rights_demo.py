"""`linkwork seed-rights-demo`: a few rights requests for the demo's admin, so the records
and rights pages have content (run by `seed-demo`; safe to run again: it loads once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import Membership, Role
from linkwork.people.models import Person
from linkwork.records import actions
from linkwork.records.models import Decision, LegalReason, RequestKind, RightsRequest
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral

# (kind, days ago received, decision and reason, or None to leave it open)
REQUESTS: list[tuple[RequestKind, int, tuple[Decision, LegalReason, str] | None]] = [
    (RequestKind.ACCESS, 9, None),
    (RequestKind.ACCESS, 40, None),
    (
        RequestKind.ERASURE,
        20,
        (
            Decision.REFUSED,
            LegalReason.ART17_3_C,
            "Needed for the person's care and kept for the retention period.",
        ),
    ),
    (
        RequestKind.RESTRICTION,
        12,
        (Decision.GRANTED, LegalReason.ART18_1_A, "While the address they dispute is checked."),
    ),
]


class Command(BaseCommand):
    help = "Add a few rights requests for the demo's admin (made-up people, never real ones)."

    def handle(self, *args: Any, **options: Any) -> None:
        if RightsRequest.objects.exists():
            self.stdout.write("Rights requests are loaded already; nothing to do.")
            return
        admin = (
            Membership.objects.filter(role=Role.ADMIN)
            .select_related("user", "organisation")
            .order_by("id")
            .first()
        )
        if admin is None:
            self.stdout.write("No admin to make requests to; nothing to do.")
            return
        # People whose support has ended, so a restriction stops no one's casework.
        people = list(
            Person.objects.filter(
                pk__in=Referral.objects.filter(
                    scheme__host=admin.organisation, status=Status.CLOSED
                ).values("person_id")
            ).order_by("family_name", "given_name", "date_of_birth")[: len(REQUESTS)]
        )
        today = timezone.localdate()
        with transaction.atomic():
            for person, (kind, days, decision) in zip(people, REQUESTS, strict=False):
                found = actions.record_request(
                    by=admin.user,
                    organisation=admin.organisation,
                    person=person,
                    kind=kind,
                    received_on=today - dt.timedelta(days=days),
                    requester="person",
                    identity_checked=True,
                    identity_how="Photo ID and address checked by the link worker",
                )
                if decision is not None:
                    outcome, reason, notes = decision
                    actions.decide_request(
                        by=admin.user,
                        found=found,
                        decision=outcome,
                        legal_reason=reason,
                        notes=notes,
                    )
        self.stdout.write(f"Loaded {len(people)} rights requests to {admin.organisation.name}.")
