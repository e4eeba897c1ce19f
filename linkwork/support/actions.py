"""Every write of link worker support: keyword-only, one transaction each, audited. Audit
events name the records by id, never the notes, answers or courses themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from linkwork.accounts.models import Scheme, User
from linkwork.audit import auditor
from linkwork.directory.models import Service
from linkwork.support.models import (
    PeerProfile,
    SchemeSupport,
    SupervisionSession,
    TrainingRecord,
    WellbeingCheckIn,
    month_of,
)


class AlreadyAnswered(ValueError):
    """The link worker has answered this month's check-in already."""


@transaction.atomic
def record_session(
    *,
    by: User,
    scheme: Scheme,
    supervisee: User,
    supervisor: User,
    held_on: dt.date,
    kind: str,
    duration_minutes: int,
    notes: str,
    request: HttpRequest | None = None,
) -> SupervisionSession:
    """Record a supervision session. The caller has checked that `by` may record it (the
    scheme's lead, or the supervisor) and that both people work in the scheme."""
    session = SupervisionSession.objects.create(
        scheme=scheme,
        supervisee=supervisee,
        supervisor=supervisor,
        held_on=held_on,
        kind=kind,
        duration_minutes=duration_minutes,
        notes=notes,
        recorded_by=by,
    )
    auditor.record(
        action="supervision.recorded",
        request=request,
        actor=by,
        target=session,
        scheme_id=scheme.pk,
        detail={"kind": kind, "supervisee": supervisee.pk, "supervisor": supervisor.pk},
    )
    return session


@transaction.atomic
def record_training(
    *,
    by: User,
    course: str,
    provider: str,
    completed_on: dt.date,
    expires_on: dt.date | None,
    request: HttpRequest | None = None,
) -> TrainingRecord:
    """Add a course to the link worker's own training record."""
    record = TrainingRecord.objects.create(
        worker=by,
        course=course,
        provider=provider,
        completed_on=completed_on,
        expires_on=expires_on,
    )
    auditor.record(action="training.recorded", request=request, actor=by, target=record)
    return record


def check_in(
    *, by: User, on: dt.date, answers: dict[str, int], request: HttpRequest | None = None
) -> WellbeingCheckIn:
    """Keep the link worker's answers for the month of `on`; `AlreadyAnswered` if they have
    answered it. The audit event says that they answered, never what."""
    try:
        with transaction.atomic():
            found = WellbeingCheckIn.objects.create(worker=by, month=month_of(on), **answers)
            auditor.record(action="wellbeing.answered", request=request, actor=by, target=found)
    except IntegrityError:
        raise AlreadyAnswered("You have answered this month's check-in already.") from None
    return found


@transaction.atomic
def set_peer_profile(
    *,
    by: User,
    opted_in: bool,
    needs: Sequence[str],
    services: Iterable[Service],
    request: HttpRequest | None = None,
) -> PeerProfile:
    """Opt the link worker in to the peer network (or out), with what they know best."""
    profile, _ = PeerProfile.objects.select_for_update().get_or_create(worker=by)
    profile.opted_in = opted_in
    profile.needs = list(needs)
    profile.updated_at = timezone.now()
    profile.save()
    profile.services.set(list(services))
    auditor.record(
        action="peer_profile.changed",
        request=request,
        actor=by,
        target=profile,
        detail={"opted_in": opted_in},
    )
    return profile


@transaction.atomic
def save_settings(
    *,
    by: User,
    scheme: Scheme,
    supervision_gap_weeks: int,
    complex_share_percent: int,
    complex_count: int,
    request: HttpRequest | None = None,
) -> SchemeSupport:
    """Change when the scheme's lead is prompted about its link workers."""
    found, _ = SchemeSupport.objects.update_or_create(
        scheme=scheme,
        defaults={
            "supervision_gap_weeks": supervision_gap_weeks,
            "complex_share_percent": complex_share_percent,
            "complex_count": complex_count,
        },
    )
    auditor.record(
        action="support_settings.changed",
        request=request,
        actor=by,
        target=found,
        scheme_id=scheme.pk,
    )
    return found
