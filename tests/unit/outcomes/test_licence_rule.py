"""The licence rule (`outcomes.licensing`): an instrument needing no licence is always
recordable; a licensed one only where the installation allows it and the scheme has not
switched it off; no switch follows the installation; a scheme cannot switch on what the
installation does not allow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkwork.audit.models import AuditEvent
from linkwork.outcomes import INSTRUMENTS, licensing
from linkwork.outcomes.models import InstrumentLicence
from tests.conftest import World

pytestmark = pytest.mark.django_db

PAM = INSTRUMENTS["pam"]
FREE = next(i for i in INSTRUMENTS.values() if not i.requires_registration)


def test_free_instrument_is_recordable_everywhere_even_switched(world: World, settings):
    settings.LINKWORK_LICENSED_INSTRUMENTS = []
    assert licensing.recordable(FREE)
    assert licensing.recordable(FREE, world.scheme_a.pk)
    with pytest.raises(licensing.LicenceRefused) as refused:
        licensing.set_licence(by=world.admin, scheme=world.scheme_a, instrument=FREE, enabled=False)
    assert refused.value.field == "instrument"
    assert not InstrumentLicence.objects.exists()


def test_no_switch_follows_the_installation(world: World, settings):
    settings.LINKWORK_LICENSED_INSTRUMENTS = []
    assert not licensing.recordable(PAM, world.scheme_a.pk)
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["pam"]
    assert licensing.recordable(PAM)
    assert licensing.recordable(PAM, world.scheme_a.pk)


def test_switched_off_stops_that_scheme_only_and_is_audited_by_ids(world: World, settings):
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["pam"]
    licence = licensing.set_licence(
        by=world.admin, scheme=world.scheme_a, instrument=PAM, enabled=False, reference="L-1"
    )
    assert not licensing.recordable(PAM, world.scheme_a.pk)
    assert licensing.recordable(PAM, world.scheme_b.pk)
    assert licensing.recordable(PAM)  # the installation still allows it
    event = AuditEvent.objects.get(action="instrument.licence_changed")
    assert event.object_id == str(licence.pk)
    assert event.scheme_id == world.scheme_a.pk
    assert event.detail == {"instrument": "pam", "enabled": False}
    # Switched back on: one row, changed, and the scheme follows the installation again.
    licensing.set_licence(by=world.admin, scheme=world.scheme_a, instrument=PAM, enabled=True)
    assert InstrumentLicence.objects.get().enabled
    assert licensing.recordable(PAM, world.scheme_a.pk)
    assert AuditEvent.objects.filter(action="instrument.licence_changed").count() == 2


def test_switched_on_cannot_exceed_the_installation(world: World, settings):
    settings.LINKWORK_LICENSED_INSTRUMENTS = []
    with pytest.raises(licensing.LicenceRefused) as refused:
        licensing.set_licence(by=world.admin, scheme=world.scheme_a, instrument=PAM, enabled=True)
    assert refused.value.field == "enabled"
    assert "LINKWORK_LICENSED_INSTRUMENTS" in refused.value.message
    assert not InstrumentLicence.objects.exists()
    assert not AuditEvent.objects.filter(action="instrument.licence_changed").exists()
    assert not licensing.recordable(PAM, world.scheme_a.pk)


def test_an_on_switch_left_behind_does_not_outlive_the_installation(world: World, settings):
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["pam"]
    licensing.set_licence(by=world.admin, scheme=world.scheme_a, instrument=PAM, enabled=True)
    settings.LINKWORK_LICENSED_INSTRUMENTS = []
    assert not licensing.recordable(PAM, world.scheme_a.pk)


def test_switches_for_many_schemes_are_read_in_one_query(world: World, settings):
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["pam", "mycaw"]
    for instrument in ("pam", "mycaw"):
        licensing.set_licence(
            by=world.admin, scheme=world.scheme_a, instrument=INSTRUMENTS[instrument], enabled=False
        )
    with CaptureQueriesContext(connection) as queries:
        off = licensing.switched_off([world.scheme_a.pk, world.scheme_b.pk])
    assert len(queries) == 1
    assert off == {world.scheme_a.pk: frozenset({"pam", "mycaw"})}
    with CaptureQueriesContext(connection) as queries:
        assert not licensing.recordable(PAM, off=off[world.scheme_a.pk])
    assert len(queries) == 0
    # Nothing allowed, nothing to read.
    settings.LINKWORK_LICENSED_INSTRUMENTS = []
    with CaptureQueriesContext(connection) as queries:
        assert licensing.switched_off([world.scheme_a.pk]) == {}
    assert len(queries) == 0
