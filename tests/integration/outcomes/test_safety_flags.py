"""Safety flags that stay: raised by a PHQ-9 self-harm answer or a safeguarding concern, shown on
every page of the person's record until a link worker records how each was handled, told to the
scheme lead at once, reported to the GP at closing, and blocking discharge as "goals met"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.casework import actions as casework_actions
from linkwork.notifications.models import Message
from linkwork.outcomes import actions
from linkwork.outcomes.models import FlagHandling, ImmutableFlag, SafetyFlag
from linkwork.people.models import ConsentKind
from linkwork.referrals.lifecycle import ClosureReason, Status
from linkwork.referrals.message_back import message_back
from tests.conftest import signed_in
from tests.unit.notifications import helpers

pytestmark = pytest.mark.django_db

FLAG = "Safety flag: thoughts of self-harm"


def phq9_with_self_harm(referral, by):  # type: ignore[no-untyped-def]
    return actions.record_measure(
        by=by,
        referral=referral,
        instrument="phq9",
        time_point="baseline",
        responses={"items": [0, 0, 0, 0, 0, 0, 0, 0, 2]},
    )


def pages(referral):  # type: ignore[no-untyped-def]
    """Every page of the person's record where the flag must show."""
    args = [referral.pk]
    return [
        reverse("casework:caseload"),
        reverse("referrals:detail", args=args),
        reverse("people:detail", args=[referral.person_id]),
        reverse("casework:contacts", args=args),
        reverse("casework:notes", args=args),
        reverse("casework:plan", args=args),
        reverse("casework:connections", args=args),
        reverse("casework:discharge", args=args),
        reverse("outcomes:trajectories", args=args),
    ]


def test_self_harm_answer_raises_a_flag_shown_on_every_page_after_reload(world, referral_a):
    phq9_with_self_harm(referral_a, world.link_worker_a)
    flag = SafetyFlag.objects.get()
    assert (flag.referral, flag.kind, flag.raised_by) == (
        referral_a,
        "self_harm",
        world.link_worker_a,
    )
    assert AuditEvent.objects.filter(action="safety_flag.raised", object_id=str(flag.pk)).exists()
    client = signed_in(Client(), world.link_worker_a)
    for url in pages(referral_a):
        response = client.get(url)
        assert response.status_code == 200, url
        assert FLAG in response.content.decode(), url
    page = client.get(reverse("referrals:detail", args=[referral_a.pk])).content.decode()
    assert reverse("outcomes:flag", args=[referral_a.pk, flag.pk]) in page
    assert "Talk with them today" in page


def test_flag_is_not_shown_outside_the_scheme_team(world, referral_a):
    phq9_with_self_harm(referral_a, world.link_worker_a)
    referrer = signed_in(Client(), world.referrer)
    page = referrer.get(reverse("referrals:detail", args=[referral_a.pk])).content.decode()
    assert FLAG not in page
    other = signed_in(Client(), world.link_worker_b)
    response = other.get(
        reverse("outcomes:flag", args=[referral_a.pk, SafetyFlag.objects.get().pk])
    )
    assert response.status_code == 404


def test_scheme_lead_is_told_at_once_without_personal_data(world, referral_a):
    phq9_with_self_harm(referral_a, world.link_worker_a)
    message = Message.objects.get(event="safety_flag")
    assert (message.audience, message.channel) == ("scheme_lead", "email")
    assert message.recipient_address == world.scheme_lead_a.email
    assert referral_a.reference in message.subject
    assert reverse("referrals:detail", args=[referral_a.pk]) in message.body
    assert referral_a.person.given_name not in message.subject + message.body
    assert referral_a.person.family_name not in message.subject + message.body
    lead = signed_in(Client(), world.scheme_lead_a)
    page = lead.get(reverse("referrals:detail", args=[referral_a.pk])).content.decode()
    assert FLAG in page


def test_recording_what_was_done_closes_the_flag_with_who_and_when(world, referral_a):
    phq9_with_self_harm(referral_a, world.link_worker_a)
    flag = SafetyFlag.objects.get()
    client = signed_in(Client(), world.link_worker_a)
    url = reverse("outcomes:flag", args=[referral_a.pk, flag.pk])
    form_page = client.get(url).content.decode()
    assert "Talk with them today" in form_page
    assert form_page.count(FLAG) == 1, "the flag shows once, as the page's heading"
    response = client.post(url, {"action_taken": " "})
    assert response.status_code == 400
    assert "Enter what you did about the flag" in response.content.decode()
    assert not FlagHandling.objects.exists()
    response = client.post(url, {"action_taken": "Called Ann; agreed a safety plan; told GP."})
    assert response.status_code == 302
    handling = FlagHandling.objects.get()
    assert (handling.flag, handling.handled_by) == (flag, world.link_worker_a)
    assert handling.action_taken == "Called Ann; agreed a safety plan; told GP."
    assert AuditEvent.objects.filter(action="safety_flag.handled", object_id=str(flag.pk)).exists()
    for page in pages(referral_a):
        assert FLAG not in client.get(page).content.decode(), page
    page = client.get(url).content.decode()
    assert "Called Ann; agreed a safety plan; told GP." in page
    assert "Lina Worker" in page


def test_flag_and_its_handling_are_immutable(world, referral_a):
    phq9_with_self_harm(referral_a, world.link_worker_a)
    flag = SafetyFlag.objects.get()
    handling = actions.record_flag_handled(by=world.link_worker_a, flag=flag, action_taken="Rang.")
    with pytest.raises(ImmutableFlag):
        flag.save()
    handling.action_taken = "Something else"
    with pytest.raises(ImmutableFlag):
        handling.save()
    with pytest.raises(actions.FlagError, match="already been recorded"):
        actions.record_flag_handled(by=world.link_worker_a, flag=flag, action_taken="Again.")


def test_other_phq9_flags_raise_no_safety_flag(world, referral_a):
    actions.record_measure(
        by=world.link_worker_a,
        referral=referral_a,
        instrument="phq9",
        time_point="baseline",
        responses={"items": [3, 3, 3, 3, 0, 0, 0, 0, 0]},  # caseness, no self-harm
    )
    assert not SafetyFlag.objects.exists()


def test_safeguarding_note_raises_a_safeguarding_flag(world, referral_a):
    client = signed_in(Client(), world.link_worker_a)
    client.post(
        reverse("casework:notes", args=[referral_a.pk]),
        {"note-text": "Neighbour worried about financial abuse.", "note-safeguarding": "on"},
    )
    flag = SafetyFlag.objects.get()
    assert flag.kind == "safeguarding"
    page = client.get(reverse("casework:caseload")).content.decode()
    assert "Safety flag: safeguarding concern" in page
    assert Message.objects.filter(event="safety_flag").count() == 1


def test_discharge_as_goals_met_is_refused_while_a_flag_is_open(world, referral_a):
    phq9_with_self_harm(referral_a, world.link_worker_a)
    client = signed_in(Client(), world.link_worker_a)
    url = reverse("casework:discharge", args=[referral_a.pk])
    response = client.post(url, {"reason": "goals_met"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "while a safety flag is open" in page
    assert "Record what you did" in page
    referral_a.refresh_from_db()
    assert referral_a.status == Status.ACTIVE
    actions.record_flag_handled(
        by=world.link_worker_a, flag=SafetyFlag.objects.get(), action_taken="Rang."
    )
    assert client.post(url, {"reason": "goals_met"}).status_code == 302
    referral_a.refresh_from_db()
    assert referral_a.status == Status.CLOSED


def test_closing_summary_gives_each_flag_and_how_it_was_handled(world):
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.MESSAGE_BACK, True)
    referral = helpers.active(world, who=who)
    phq9_with_self_harm(referral, world.link_worker_a)
    actions.record_flag_handled(
        by=world.link_worker_a, flag=SafetyFlag.objects.get(), action_taken="Agreed a safety plan."
    )
    casework_actions.add_case_note(
        by=world.link_worker_a, referral=referral, text="Concern.", safeguarding=True
    )
    closed = casework_actions.discharge(
        by=world.link_worker_a, referral=referral, reason=ClosureReason.ESCALATED
    )
    _, body = message_back(closed, "closed")
    block = next(part for part in body.split("\n\n") if part.startswith("Safety flags\n"))
    lines = block.splitlines()[1:]
    assert lines[0].startswith("- Thoughts of self-harm, raised on ")
    assert lines[0].endswith("by Lina Worker: Agreed a safety plan.")
    assert lines[1].startswith("- Safeguarding concern, raised on ")
    assert lines[1].endswith("Not yet recorded as handled.")


SAFEGUARDING = "Safety flag: safeguarding concern"


def _intake(world, person, concern, by):  # type: ignore[no-untyped-def]
    from linkwork.referrals.actions import create_referral
    from linkwork.referrals.models import Channel

    return create_referral(
        by=by,
        person=person,
        scheme=world.scheme_a,
        route="gp_practice",
        channel=Channel.STAFF_FORM,
        needs=["loneliness"],
        consent_to_refer=True,
        safeguarding_concern=concern,
    )


def test_safeguarding_concern_given_at_intake_raises_a_flag_the_lead_hears_of(world):
    from tests.factories import PersonFactory

    referral = _intake(world, PersonFactory(), "  Lives with a partner who shouts at her.  ", None)
    flag = SafetyFlag.objects.get()
    assert (flag.referral, flag.kind, flag.raised_by) == (referral, "safeguarding", None)
    assert referral.safeguarding_concern == "Lives with a partner who shouts at her."
    message = Message.objects.get(event="safety_flag")
    assert message.recipient_address == world.scheme_lead_a.email
    assert "shouts" not in message.subject + message.body
    lead = signed_in(Client(), world.scheme_lead_a)
    page = lead.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert SAFEGUARDING in page
    assert "Lives with a partner who shouts at her." in page


def test_concern_about_someone_already_known_is_kept_on_the_referral(world, referral_a):
    """The person exists with no recorded concern; the new referral's concern still shows."""
    referral = _intake(world, referral_a.person, "Neighbour reports unpaid carer is absent.", None)
    referral_a.person.refresh_from_db()
    assert referral_a.person.safeguarding_concerns == ""
    assert SafetyFlag.objects.get().referral == referral


def test_referral_without_a_concern_raises_no_flag(world):
    from tests.factories import PersonFactory

    _intake(world, PersonFactory(), "   ", world.referrer)
    assert not SafetyFlag.objects.exists()


def test_scheme_lead_home_lists_open_flags_until_handled(world, referral_a):
    phq9_with_self_harm(referral_a, world.link_worker_a)
    flag = SafetyFlag.objects.get()
    lead = signed_in(Client(), world.scheme_lead_a)
    home = lead.get(reverse("web:home")).content.decode()
    assert "Open safety flags" in home
    assert "1 flag is open" in home
    link = reverse("outcomes:flag", args=[referral_a.pk, flag.pk])
    assert link in home
    assert lead.get(link).status_code == 200
    actions.record_flag_handled(by=world.link_worker_a, flag=flag, action_taken="Phoned today.")
    home = lead.get(reverse("web:home")).content.decode()
    assert "No safety flags are open." in home
