"""Writes for outcome measures: each in one transaction with its own audit event."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from linkwork.accounts.models import User
from linkwork.audit import auditor
from linkwork.outcomes.models import OutcomeMeasure, TimePoint
from linkwork.outcomes.scoring import get_instrument, score
from linkwork.referrals.models import Referral


@transaction.atomic
def record_measure(
    *,
    by: User,
    referral: Referral,
    instrument: str,
    time_point: str,
    responses: Mapping[str, object],
    context: Mapping[str, object] | None = None,
) -> OutcomeMeasure:
    """Score `responses` (with `context`, e.g. the EQ-5D-5L method, sex and age) and store them
    with the result. A `ScoreError` (naming the field) propagates before anything is written."""
    result = score(instrument, responses, **dict(context or {}))
    definition = get_instrument(instrument)
    measure = OutcomeMeasure.objects.create(
        referral=referral,
        instrument=definition.id,
        instrument_version=definition.version,
        time_point=TimePoint(time_point),
        responses=dict(responses),
        result=result.to_dict(),
        flags=list(result.flags or ()),
        recorded_by=by,
    )
    auditor.record(
        action="outcome.recorded",
        actor=by,
        target=measure,
        scheme_id=referral.scheme_id,
        detail={
            "referral": str(referral.pk),
            "instrument": definition.id,
            "version": definition.version,
        },
    )
    return measure
