"""The message back to referrer and GP (PRSB Social Prescribing Information Standard v1.1),
and messages to the person: what each says, in plain English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linkwork.casework.lifecycle import ConnectionStatus, FailureReason
from linkwork.casework.models import ActionStatus, Attendance, GoalRating, GoalStatus, PlanAction
from linkwork.outcomes import actions as outcome_actions
from linkwork.outcomes.models import OutcomeMeasure
from linkwork.people.models import ConsentKind
from linkwork.referrals import actions
from linkwork.referrals import message_back as message_back_module
from linkwork.referrals.lifecycle import ClosureReason, DeclineReason
from linkwork.referrals.message_back import message_back, person_message
from linkwork.referrals.models import Referral
from tests.conftest import World
from tests.factories import (
    ConnectionFactory,
    ContactFactory,
    GoalFactory,
    ServiceFactory,
    SupportPlanFactory,
)
from tests.unit.notifications import helpers

pytestmark = pytest.mark.django_db

CLOSURE_SECTIONS = [
    "Plan and requested actions",
    "Safety flags",
    "Needs identified",
    "Support offered",
    "Connections made",
    "Outcome scores",
]


def section(body: str, heading: str) -> list[str]:
    """The lines under `heading`, up to the next blank line."""
    block = next(part for part in body.split("\n\n") if part.startswith(heading + "\n"))
    return block.splitlines()[1:]


def test_accepted_names_the_link_worker_and_what_happens_next(world):
    subject, body = message_back(helpers.accepted(world), "accepted")
    assert "accepted" in subject
    assert "Lina Worker" in section(body, "Their link worker")[0]
    assert section(body, "What happens next")[0].startswith("Lina will contact Ann")


def test_message_back_identifies_the_person_for_the_record(world):
    referral = helpers.accepted(world)
    _, body = message_back(referral, "accepted")
    about = section(body, "About this referral")
    assert f"Reference: {referral.reference}" in about
    assert "Person: Ann Example, born 17 May 1960" in about
    assert "NHS number: 943 476 5919" in about


def test_declined_by_the_person_says_the_person_declined_and_codes_it(world):
    _, body = message_back(helpers.declined(world, DeclineReason.PERSON_DECLINED), "declined")
    why = " ".join(section(body, "Why"))
    assert "The person declined." in why
    assert "Ann Example told us they do not want social prescribing" in why
    assert section(body, "For the GP record (SNOMED CT)") == [
        "- 871711000000103 Social prescribing declined (situation)"
    ]


@pytest.mark.parametrize("reason", list(DeclineReason))
def test_declined_gives_the_reason_in_words(world, reason):
    subject, body = message_back(helpers.declined(world, reason), "declined")
    assert "not accepted" in subject
    why = section(body, "Why")
    assert why, "the reason is missing"
    assert reason.value not in body, "a code instead of words"
    assert section(body, "What you can do")


def test_declined_includes_the_scheme_note(world):
    referral = helpers.declined(
        world, DeclineReason.NOT_ELIGIBLE, note="Under 18s go to Youth Link."
    )
    _, body = message_back(referral, "declined")
    assert "Note from the scheme: Under 18s go to Youth Link." in section(body, "Why")


def test_redirected_says_where_and_why(world):
    referral = actions.redirect_referral(
        by=world.scheme_lead_a,
        referral=helpers.referral(world),
        to="Millbrook Debt Advice",
        note="Money is the main worry; they see people within a week.",
    )
    subject, body = message_back(referral, "redirected")
    assert subject.endswith("redirected to Millbrook Debt Advice")
    assert section(body, "Where") == ["Millbrook Debt Advice"]
    assert section(body, "Why") == ["Money is the main worry; they see people within a week."]


def test_redirected_without_a_note_says_no_reason_was_recorded(world):
    referral = actions.redirect_referral(
        by=world.scheme_lead_a, referral=helpers.referral(world), to="Millbrook Debt Advice"
    )
    _, body = message_back(referral, "redirected")
    assert section(body, "Why") == ["No reason was recorded."]


def test_first_contact_says_who_and_when(world):
    referral = helpers.active(world)
    subject, body = message_back(referral, "first_contact")
    assert "first contact" in subject
    today = timezone.localdate()
    assert f"Lina Worker of Scheme A first spoke with Ann Example on {today.day} " in body


def test_closure_summary_has_the_sections_in_order_and_says_none_recorded(world):
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.MESSAGE_BACK, True)
    subject, body = message_back(helpers.closed(world, who=who), "closed")
    assert "support has ended" in subject
    positions = [body.index(f"\n{heading}\n") for heading in CLOSURE_SECTIONS]
    assert positions == sorted(positions)
    assert body.index("Reason: Goals met.") < positions[0], "the opening comes first"
    assert section(body, "Plan and requested actions") == ["No action needed."]
    assert section(body, "Needs identified") == ["- Loneliness or isolation", "- Money or debt"]
    assert section(body, "Support offered") == ["None recorded."]
    assert section(body, "Connections made") == ["None recorded."]
    assert section(body, "Outcome scores") == ["None recorded."]
    assert "871731000000106 Referral to social prescribing service (procedure)" in body


def record_casework(world: World, referral: Referral) -> None:
    """A plan with goals and actions, contacts, and connections with sessions, as a link
    worker records them during support."""
    worker = world.link_worker_a
    plan = SupportPlanFactory(referral=referral, updated_by=worker)
    walking = GoalFactory(plan=plan, description="Go to a walking group once a week")
    for day, score in ((1, 3), (20, 7)):
        GoalRating.objects.create(
            goal=walking, score=score, rated_on=dt.date(2026, 3, day), recorded_by=worker
        )
    sleep = GoalFactory(
        plan=plan, description="Sleep better", importance=5, status=GoalStatus.ACHIEVED
    )
    GoalRating.objects.create(
        goal=sleep, score=6, rated_on=dt.date(2026, 3, 20), recorded_by=worker
    )
    PlanAction.objects.create(
        plan=plan, what="Please review her pain relief", who="GP", due_on=dt.date(2026, 6, 12)
    )
    PlanAction.objects.create(
        plan=plan, what="Apply for a bus pass", who="Ann", status=ActionStatus.DONE
    )
    for mode, outcome in (
        ("phone", "attended"),
        ("in_person", "attended"),
        ("phone", "attended"),
        ("phone", "did_not_attend"),
    ):
        ContactFactory(referral=referral, mode=mode, outcome=outcome, recorded_by=worker)
    start = timezone.now() - dt.timedelta(days=30)
    for day, (service, status, extra) in enumerate(
        [
            ("Millbrook Walking Club", ConnectionStatus.ACCEPTED, {"supported_linking": True}),
            ("Debt advice", ConnectionStatus.FAILED, {"failure_reason": FailureReason.NOT_RIGHT}),
            ("Lunch club", ConnectionStatus.ACCEPTED, {}),
            ("Choir", ConnectionStatus.DRAFT, {}),
            ("Art class", ConnectionStatus.CANCELLED, {}),
        ]
    ):
        connection = ConnectionFactory(
            referral=referral,
            service=ServiceFactory(name=service),
            status=status,
            created_by=worker,
            created_at=start + dt.timedelta(days=day),
            **extra,
        )
        sessions = {"Millbrook Walking Club": [False, True], "Debt advice": [False]}
        for week, attended in enumerate(sessions.get(service, [])):
            Attendance.objects.create(
                connection=connection,
                session_on=dt.date(2026, 3, 2 + 7 * week),
                attended=attended,
                recorded_by=worker,
            )


def record_outcomes(world: World, referral: Referral) -> None:
    """SWEMWBS at the start and the end, UCLA-3 once, and ONS4, which has no headline score."""
    start = timezone.now() - dt.timedelta(days=90)
    for day, (instrument, responses) in enumerate(
        [
            ("swemwbs", {"items": [2] * 7}),  # metric 15.32
            ("ucla3", {"items": [2, 2, 2]}),  # total 6
            ("ons4", {"life_satisfaction": 6, "worthwhile": 7, "happiness": 5, "anxiety": 4}),
            ("swemwbs", {"items": [4] * 7}),  # metric 25.03
        ]
    ):
        measure = outcome_actions.record_measure(
            by=world.link_worker_a,
            referral=referral,
            instrument=instrument,
            time_point="baseline" if day == 0 else "discharge",
            responses=responses,
        )
        OutcomeMeasure.objects.filter(pk=measure.pk).update(
            # Four weeks apart: the end is long enough after the start to compare.
            recorded_at=start + dt.timedelta(weeks=4 * day)
        )


def test_closure_summary_reports_casework_when_recorded(world):
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.MESSAGE_BACK, True)
    referral = helpers.active(world, who=who)
    record_casework(world, referral)
    record_outcomes(world, referral)
    referral = actions.close_referral(
        by=world.link_worker_a, referral=referral, reason=ClosureReason.GOALS_MET
    )
    _, body = message_back(referral, "closed")
    assert section(body, "Plan and requested actions") == [
        "- Goal: Go to a walking group once a week, progress from 3 to 7 out of 10",
        "- Goal: Sleep better (achieved), progress 6 out of 10",
        "- Action for GP: Please review her pain relief by 12 June 2026",
    ]
    assert section(body, "Support offered") == [
        "- 3 conversations with the link worker (2 phone, 1 in person)",
        "- 1 arranged contacts did not happen",
        "- The link worker went along to 1 service(s) the first time",
    ]
    assert section(body, "Connections made") == [
        "- Millbrook Walking Club: attended",
        "- Debt advice: did not attend",
        "- Lunch club: attendance not known",
    ]
    assert section(body, "Outcome scores") == [
        "- Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS): 15.32 at the start, "
        "25.03 at the end",
        "- UCLA 3-item loneliness scale: 6 at the start, not measured at the end",
    ]


def test_closure_summary_sections_come_from_the_apps_that_know_them(world):
    """Casework and outcomes write their sections from their AppConfig.ready(); referrals
    imports neither."""
    from linkwork.casework import message_back as casework
    from linkwork.outcomes import message_back as outcomes

    written = message_back_module._contributors
    assert written[message_back_module.PLAN] is casework.plan_and_actions
    assert written[message_back_module.SUPPORT] is casework.support_offered
    assert written[message_back_module.CONNECTIONS] is casework.connections_made
    assert written[message_back_module.OUTCOMES] is outcomes.outcome_scores
    assert written[message_back_module.NEEDS] is message_back_module.needs_identified


def test_a_section_outside_the_closing_summary_cannot_be_contributed():
    stray = message_back_module.Section("Hobbies")
    with pytest.raises(ValueError, match="no section 'Hobbies'"):
        message_back_module.contribute(stray, lambda referral: [])


@pytest.mark.parametrize("decision", [False, None])
def test_closure_without_message_back_consent_shares_no_summary(world, decision):
    who = helpers.person(world)
    if decision is not None:
        helpers.consent(who, ConsentKind.MESSAGE_BACK, decision)
    _, body = message_back(helpers.closed(world, who=who), "closed")
    assert "has not agreed to a summary" in body
    for heading in CLOSURE_SECTIONS:
        assert heading not in body


def test_message_back_has_no_message_for_an_acknowledgement(world):
    with pytest.raises(ValueError, match="no message back"):
        message_back(helpers.referral(world), "received")


def test_acknowledgement_gives_the_reference_and_what_happens_next(world):
    referral = helpers.referral(world)
    subject, body = person_message(referral, "received")
    assert subject == "We have your referral for social prescribing"
    assert body.startswith("Hello Ann,")
    assert f"Your reference is {referral.reference}." in body
    assert "What happens next: we will look at it within 2 working days." in body
    assert len(body) < 600, "short enough for a text message"


def test_appointment_confirmation_gives_the_date_time_and_place(world):
    when = timezone.make_aware(dt.datetime(2026, 3, 4, 14, 5))
    _, body = person_message(
        helpers.active(world),
        "appointment",
        appointment_at=when,
        appointment_place="Millbrook Library",
    )
    assert (
        "appointment with Lina Worker from Scheme A on 4 March 2026 at 2:05pm "
        "at Millbrook Library." in body
    )


def test_appointment_confirmation_needs_a_time(world):
    with pytest.raises(ValueError, match="date and time"):
        person_message(helpers.active(world), "appointment")


def test_closure_to_the_person_says_support_has_ended(world):
    referral = helpers.closed(world)
    subject, body = person_message(referral, "closed")
    assert subject == "Your social prescribing support has ended"
    assert referral.reference in body
