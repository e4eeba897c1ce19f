"""The entries of a caseload, built from a scoped queryset of open referrals in a constant
number of queries: the caseload page and the link worker's home page share them, and put in
words (`presenters.caseload_rows`) only the entries they show."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from linkwork.casework import capacity, presenters
from linkwork.outcomes import safety
from linkwork.referrals.models import Referral


def caseload_entries(
    referrals: QuerySet[Referral], today: dt.date
) -> list[presenters.CaseloadEntry]:
    """One entry per referral, with what is due, overdue first (`CaseloadEntry.sort_key`);
    open safety flags come first in what is due."""
    # Only what the rows show: hundreds of rows, so no whole people, schemes or users.
    shown = referrals.select_related("person", "link_worker").only(
        *("id", "reference", "status", "complexity", "received_at", "scheme_id"),
        *("person__given_name", "person__family_name", "link_worker__full_name"),
    )
    found = list(capacity.annotate_caseload(shown, today))
    return presenters.caseload_entries(
        found,
        capacity.connection_counts(referrals, today),
        capacity.measures_due(found, today),
        today,
        flags=safety.open_flag_labels(r.pk for r in found),
    )
