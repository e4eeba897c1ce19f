"""Which instruments this deployment may record: those needing registration or a licence only
when switched on in `LINKWORK_LICENSED_INSTRUMENTS`. Scoring is not recording and is not
affected."""

from __future__ import annotations

from django.conf import settings

from linkwork.outcomes.definitions import Instrument


def recordable(instrument: Instrument) -> bool:
    if not instrument.requires_registration:
        return True
    return instrument.id in settings.LINKWORK_LICENSED_INSTRUMENTS
