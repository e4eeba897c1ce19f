"""Which instruments may be recorded, and in which scheme. Scoring is not recording and is
not affected.

The rule:
- an instrument that needs no licence or registration is always recordable;
- one that does is recordable in a scheme only if the installation allows it (its id is in
  `LINKWORK_LICENSED_INSTRUMENTS`) AND the scheme has not switched it off
  (`InstrumentLicence.enabled` false);
- a scheme with no switch for an instrument follows the installation;
- a scheme cannot switch on what the installation does not allow: `set_licence` refuses it
  with an error naming the field, since the licence is the installation's to hold first.

Callers that record for a scheme read its switches once (`switched_off`) and pass them to
`recordable`, so a page or a schedule run asks the database once, not once per instrument.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from linkwork.audit import auditor
from linkwork.outcomes.definitions import Instrument
from linkwork.outcomes.models import InstrumentLicence


class LicenceRefused(Exception):
    """A switch the installation does not allow; `field` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def installation_allows(instrument: Instrument) -> bool:
    if not instrument.requires_registration:
        return True
    return instrument.id in settings.LINKWORK_LICENSED_INSTRUMENTS


def switched_off(scheme_ids: Iterable[Any]) -> dict[Any, frozenset[str]]:
    """For each of the schemes, the instruments it has switched off, in one query (none when
    the installation allows no licensed instrument, since then nothing could be switched
    on)."""
    ids = set(scheme_ids)
    if not ids or not settings.LINKWORK_LICENSED_INSTRUMENTS:
        return {}
    found: dict[Any, set[str]] = {}
    for scheme_id, instrument in InstrumentLicence.objects.filter(
        scheme_id__in=ids, enabled=False
    ).values_list("scheme_id", "instrument"):
        found.setdefault(scheme_id, set()).add(instrument)
    return {k: frozenset(v) for k, v in found.items()}


def scheme_switched_off(scheme_id: Any) -> frozenset[str]:
    return switched_off([scheme_id]).get(scheme_id, frozenset())


def recordable(
    instrument: Instrument, scheme: Any = None, *, off: Collection[str] | None = None
) -> bool:
    """Whether `instrument` may be recorded: in the installation when `scheme` (a scheme id)
    is None, else in that scheme. Pass `off` (from `switched_off`) to avoid a query."""
    if not installation_allows(instrument):
        return False
    if not instrument.requires_registration:
        return True
    if off is None:
        off = scheme_switched_off(scheme) if scheme is not None else ()
    return instrument.id not in off


@transaction.atomic
def set_licence(
    *,
    by: Any,
    scheme: Any,
    instrument: Instrument,
    enabled: bool,
    reference: str = "",
    request: HttpRequest | None = None,
) -> InstrumentLicence:
    """Switch a licensed instrument on or off for a scheme, audited by ids only."""
    if not instrument.requires_registration:
        raise LicenceRefused(
            "instrument", f"{instrument.name} needs no licence: every scheme may record it"
        )
    if enabled and not installation_allows(instrument):
        raise LicenceRefused(
            "enabled",
            f"{instrument.name} is not switched on for this installation, so a scheme cannot "
            "switch it on: add its code to LINKWORK_LICENSED_INSTRUMENTS first",
        )
    licence, _ = InstrumentLicence.objects.update_or_create(
        scheme=scheme,
        instrument=instrument.id,
        defaults={
            "enabled": enabled,
            "reference": reference.strip(),
            "changed_by": by,
            "changed_at": timezone.now(),
        },
    )
    auditor.record(
        action="instrument.licence_changed",
        request=request,
        actor=by,
        target=licence,
        scheme_id=scheme.pk,
        detail={"instrument": instrument.id, "enabled": enabled},
    )
    return licence
