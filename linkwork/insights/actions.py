"""Writes of the insights app (STYLE rule 2): each one transaction, audited."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from linkwork.accounts import permissions
from linkwork.accounts.models import Role, Scheme, User
from linkwork.audit import auditor
from linkwork.insights.models import ExtractRequest
from linkwork.insights.tasks import write_requested_extract


def extract_schemes(user: Any) -> list[int]:
    """The schemes a user's extract covers: every scheme for an admin, the schemes hosted by
    an analyst's organisations for an analyst (as `Referral.objects.for_analysis`)."""
    schemes = Scheme.objects.order_by("pk")
    if not permissions.has_role(user, Role.ADMIN):
        schemes = schemes.filter(host_id__in=permissions.organisation_ids(user, Role.ANALYST))
    return list(schemes.values_list("pk", flat=True))


@transaction.atomic
def request_extract(
    *, by: User, file_format: str, with_measures: bool, with_clinical: bool = False
) -> ExtractRequest:
    """Ask the task worker for an extract of the schemes `by` may analyse."""
    extract = ExtractRequest.objects.create(
        requested_by=by,
        file_format=file_format,
        with_measures=with_measures,
        with_clinical=with_clinical,
        schemes=extract_schemes(by),
    )
    auditor.record(
        action="insights.extract_requested",
        actor=by,
        target=extract,
        detail={
            "format": file_format,
            "with_measures": with_measures,
            "with_clinical": with_clinical,
            "schemes": extract.schemes,
        },
    )
    transaction.on_commit(partial(write_requested_extract.enqueue, str(extract.pk)))
    return extract
