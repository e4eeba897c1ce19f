"""The triage form: only the chosen decision's fields are read, and each error names its field."""

from __future__ import annotations

import pytest

from linkwork.referrals.forms import TriageDecision, TriageForm
from tests.conftest import World
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def form(world: World, **data: object) -> TriageForm:
    return TriageForm(data, referral=ReferralFactory(scheme=world.scheme_a))


def test_triage_form_reads_only_the_chosen_decisions_fields(world: World):
    declined = form(
        world, decision="decline", decline_reason="duplicate", link_worker="not a number"
    )
    assert declined.is_valid(), declined.errors
    assert set(declined.cleaned_data) == {"decision", "decline_reason", "note"}
    waiting = form(world, decision="waiting_list", redirect_to="")
    assert waiting.is_valid(), waiting.errors
    assert waiting.cleaned_data == {"decision": TriageDecision.WAITING_LIST}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"decision": "maybe"}, "decision", "Select accept, waiting list, decline or redirect"),
        ({"decision": "accept", "link_worker": "x"}, "link_worker", "Select the link worker"),
        ({"decision": "accept", "link_worker": "0"}, "link_worker", "Select the link worker"),
        (
            {"decision": "decline", "decline_reason": "not_recorded"},
            "decline_reason",
            "Select why the referral is declined",
        ),
        ({"decision": "redirect", "redirect_to": "  "}, "redirect_to", "Enter the service"),
    ],
)
def test_triage_form_errors_name_the_field(world: World, data, field, message):
    bound = form(world, **data)
    assert not bound.is_valid()
    assert list(bound.errors) == [field]
    assert bound.errors[field][0].startswith(message)


def test_triage_form_keeps_the_note_as_written_and_trims_the_service(world: World):
    bound = form(world, decision="redirect", redirect_to=" Adult social care ", note=" As said ")
    assert bound.is_valid(), bound.errors
    assert (bound.cleaned_data["redirect_to"], bound.cleaned_data["note"]) == (
        "Adult social care",
        " As said ",
    )


def test_triage_form_warns_over_the_limit_unless_told_to_go_ahead(world: World):
    world.scheme_a.active_caseload_limit = 1
    world.scheme_a.save()
    ReferralFactory(scheme=world.scheme_a, status="active", link_worker=world.link_worker_a)
    worker = str(world.link_worker_a.pk)
    warned = form(world, decision="accept", link_worker=worker)
    assert not warned.is_valid()
    assert "2 active against a limit of 1 at once" in warned.errors["link_worker"][0]
    assert "Assign anyway" in warned.errors["link_worker"][0]
    anyway = form(world, decision="accept", link_worker=worker, over_limit_ok="yes")
    assert anyway.is_valid(), anyway.errors
    assert anyway.cleaned_data["link_worker"] == world.link_worker_a
