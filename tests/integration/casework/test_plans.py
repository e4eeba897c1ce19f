"""The support plan page, its goals and actions, the goal and action pages, and the plan
letter: each form's happy path and errors, permissions, and read-only after closure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework.letters import build_plan_letter
from linkwork.casework.models import (
    ActionStatus,
    CaseNote,
    Goal,
    GoalRating,
    GoalStatus,
    PlanAction,
    SupportPlan,
)
from tests.conftest import World, signed_in
from tests.factories import GoalFactory, ReferralFactory, SupportPlanFactory


def plan_url(referral) -> str:  # type: ignore[no-untyped-def]
    return reverse("casework:plan", args=[referral.pk])


def date_parts(prefix: str, day: dt.date) -> dict[str, object]:
    return {f"{prefix}[day]": day.day, f"{prefix}[month]": day.month, f"{prefix}[year]": day.year}


def plan_data(**changes: object) -> dict[str, object]:
    review = timezone.localdate() + dt.timedelta(days=42)
    data: dict[str, object] = {
        "form": "plan",
        "plan-what_matters": "Seeing my grandchildren more.",
        "plan-strengths": "Good sense of humour; a kind neighbour.",
        "plan-needs_and_concerns": "Worried about money.",
        **date_parts("plan-review_on", review),
        "plan-agreed": "on",
    }
    data.update(changes)
    return data


def goal_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "form": "goal",
        "goal-description": "Go to the walking group every week",
        "goal-importance": "8",
        "goal-progress": "3",
    }
    data.update(changes)
    return data


def action_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "form": "action",
        "action-what": "Phone the walking group to book a first walk",
        "action-who": "person",
        "action-who_other": "",
        **date_parts("action-due_on", timezone.localdate() + dt.timedelta(days=7)),
    }
    data.update(changes)
    return data


@pytest.fixture
def closed(world: World):  # type: ignore[no-untyped-def]
    referral = ReferralFactory(
        scheme=world.scheme_a,
        link_worker=world.link_worker_a,
        status="closed",
        closure_reason="goals_met",
    )
    plan = SupportPlanFactory(referral=referral, updated_by=world.link_worker_a)
    GoalFactory(plan=plan)
    return referral


def plan_goal(referral, user, **fields: object) -> Goal:  # type: ignore[no-untyped-def]
    plan = SupportPlanFactory(referral=referral, updated_by=user)
    goal: Goal = GoalFactory(plan=plan, **fields)
    return goal


# The plan page


@pytest.mark.django_db
def test_plan_prefills_what_matters_from_the_referral(client, world: World, referral_a):
    referral_a.what_matters = "Getting back to the allotment."
    referral_a.save()
    signed_in(client, world.link_worker_a)
    response = client.get(plan_url(referral_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Getting back to the allotment." in body
    assert 'name="form" value="plan"' in body
    assert AuditEvent.objects.filter(action="plan.viewed", object_id=str(referral_a.pk)).exists()


@pytest.mark.django_db
def test_plan_saved_and_agreed(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    response = client.post(plan_url(referral_a), plan_data())
    assert response.status_code == 302
    plan = SupportPlan.objects.get(referral=referral_a)
    assert plan.what_matters == "Seeing my grandchildren more."
    assert plan.strengths.startswith("Good sense of humour")
    assert plan.agreed_on == timezone.localdate()
    assert plan.review_on == timezone.localdate() + dt.timedelta(days=42)
    assert AuditEvent.objects.filter(action="plan.created", object_id=str(plan.pk)).exists()
    body = client.get(plan_url(referral_a)).content.decode()
    assert "Seeing my grandchildren more." in body
    assert "agreed this plan on" in body


@pytest.mark.django_db
def test_plan_unticked_agreement_is_a_draft(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    data = plan_data()
    del data["plan-agreed"]
    client.post(plan_url(referral_a), data)
    assert SupportPlan.objects.get(referral=referral_a).agreed_on is None


@pytest.mark.django_db
def test_plan_review_date_in_the_past_refused(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    past = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(plan_url(referral_a), plan_data(**date_parts("plan-review_on", past)))
    body = response.content.decode()
    assert response.status_code == 400
    assert "The review date must be today or in the future" in body
    assert 'href="#id_plan-review_on-day"' in body
    assert 'id="id_plan-review_on-day"' in body
    assert not SupportPlan.objects.exists()


@pytest.mark.django_db
def test_plan_review_date_must_be_real(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    response = client.post(
        plan_url(referral_a),
        plan_data(**{"plan-review_on[day]": "31", "plan-review_on[month]": "2"}),
    )
    assert response.status_code == 400
    assert "The review date must be a real date" in response.content.decode()
    assert not SupportPlan.objects.exists()


@pytest.mark.django_db
def test_plan_unknown_form_is_bad_request(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    response = client.post(plan_url(referral_a), {"form": "nonsense"})
    assert response.status_code == 400
    assert "Choose what to save" in response.content.decode()
    assert not SupportPlan.objects.exists()


@pytest.mark.django_db
def test_goal_added_with_its_first_progress(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    response = client.post(plan_url(referral_a), goal_data())
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.description, goal.importance, goal.plan.referral) == (
        "Go to the walking group every week",
        8,
        referral_a,
    )
    assert [r.score for r in goal.ratings.all()] == [3]
    assert AuditEvent.objects.filter(action="goal.added", object_id=str(goal.pk)).exists()
    body = client.get(plan_url(referral_a)).content.decode()
    assert "Go to the walking group every week" in body
    assert "3 out of 10" in body


@pytest.mark.django_db
def test_goal_without_progress_has_no_rating(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    client.post(plan_url(referral_a), goal_data(**{"goal-progress": ""}))
    assert Goal.objects.count() == 1
    assert not GoalRating.objects.exists()


@pytest.mark.django_db
def test_goal_errors_named_and_nothing_stored(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    response = client.post(
        plan_url(referral_a),
        goal_data(**{"goal-description": "  ", "goal-importance": "11", "goal-progress": "x"}),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter the goal" in body
    assert "Enter how much the goal matters from 0 to 10" in body
    assert "Enter where the person is now as a whole number from 0 to 10" in body
    assert 'href="#id_goal-description"' in body
    assert 'href="#id_goal-importance"' in body
    assert not Goal.objects.exists()
    assert not SupportPlan.objects.exists()


@pytest.mark.django_db
def test_action_added_for_the_person(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    response = client.post(plan_url(referral_a), action_data())
    assert response.status_code == 302
    action = PlanAction.objects.get()
    assert (action.what, action.who, action.status) == (
        "Phone the walking group to book a first walk",
        "The person",
        ActionStatus.TO_DO,
    )
    assert action.due_on == timezone.localdate() + dt.timedelta(days=7)


@pytest.mark.django_db
def test_action_added_for_someone_else_without_a_date(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    data = action_data(**{"action-who": "other", "action-who_other": "Her daughter, Jo"})
    for part in ("day", "month", "year"):
        data[f"action-due_on[{part}]"] = ""
    client.post(plan_url(referral_a), data)
    action = PlanAction.objects.get()
    assert (action.who, action.due_on) == ("Her daughter, Jo", None)


@pytest.mark.django_db
def test_action_errors_named_and_nothing_stored(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    past = timezone.localdate() - dt.timedelta(days=3)
    response = client.post(
        plan_url(referral_a),
        action_data(
            **{"action-what": "", "action-who": "other", **date_parts("action-due_on", past)}
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter what will be done" in body
    assert "Enter who will do it" in body
    assert "The date it is due must be today or in the future" in body
    assert 'href="#id_action-who_other"' in body
    assert 'id="id_action-who_other"' in body
    assert not PlanAction.objects.exists()


@pytest.mark.django_db
def test_action_needs_someone(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    response = client.post(plan_url(referral_a), action_data(**{"action-who": ""}))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Select who will do it" in body
    assert 'href="#id_action-who"' in body
    assert 'id="id_action-who"' in body


@pytest.mark.django_db
def test_plan_lists_goal_progress_history(client, world: World, referral_a):
    goal = plan_goal(referral_a, world.link_worker_a, description="Sleep better")
    for score, day in (
        (3, dt.date(2026, 1, 4)),
        (5, dt.date(2026, 2, 1)),
        (7, dt.date(2026, 3, 3)),
    ):
        GoalRating.objects.create(goal=goal, score=score, rated_on=day, recorded_by=world.admin)
    signed_in(client, world.link_worker_a)
    body = client.get(plan_url(referral_a)).content.decode()
    assert "3 (4 Jan 2026) → 5 (1 Feb 2026) → 7 (3 Mar 2026)" in body
    assert "7 out of 10 on 3 March 2026" in body
    assert "Working on it" in body


@pytest.mark.django_db
def test_plan_page_queries_do_not_grow_with_goals(
    client, world: World, referral_a, django_assert_max_num_queries
):
    plan = SupportPlanFactory(referral=referral_a, updated_by=world.link_worker_a)

    def add_goals(numbers: range) -> None:
        for n in numbers:
            goal = GoalFactory(plan=plan)
            GoalRating.objects.create(
                goal=goal, score=n, rated_on=dt.date(2026, 1, 1), recorded_by=world.admin
            )
            PlanAction.objects.create(plan=plan, what=f"Step {n}", who="The person")

    signed_in(client, world.link_worker_a)
    add_goals(range(1))
    client.get(plan_url(referral_a))  # the session and two-factor state settle on the first request
    with CaptureQueriesContext(connection) as one:
        assert client.get(plan_url(referral_a)).status_code == 200
    add_goals(range(1, 6))
    with django_assert_max_num_queries(16), CaptureQueriesContext(connection) as six:
        assert client.get(plan_url(referral_a)).status_code == 200
    assert len(six) == len(one)


@pytest.mark.django_db
def test_plan_shows_safeguarding_concerns_first(client, world: World, referral_a):
    referral_a.person.safeguarding_concerns = "Lives with a person who has been violent."
    referral_a.person.save()
    CaseNote.objects.create(
        referral=referral_a,
        text="Disclosed financial abuse by a relative.",
        safeguarding=True,
        written_by=world.link_worker_a,
    )
    CaseNote.objects.create(
        referral=referral_a, text="Likes gardening.", written_by=world.link_worker_a
    )
    signed_in(client, world.link_worker_a)
    body = client.get(plan_url(referral_a)).content.decode()
    callout = body.index("Safeguarding concerns")
    assert callout < body.index("What matters to")
    assert "Lives with a person who has been violent." in body
    assert callout < body.index("Disclosed financial abuse by a relative.")
    assert "Likes gardening." not in body


@pytest.mark.django_db
def test_plan_read_only_after_closure(client, world: World, closed):
    signed_in(client, world.link_worker_a)
    body = client.get(plan_url(closed)).content.decode()
    assert "the support plan can no longer be changed" in body
    assert 'id="plan-form"' not in body
    assert 'id="goal-form"' not in body
    assert "Go to a group once a week" in body


@pytest.mark.django_db
@pytest.mark.parametrize("data", [plan_data(), goal_data(), action_data()])
def test_plan_post_after_closure_refused(client, world: World, closed, data):
    signed_in(client, world.link_worker_a)
    before = SupportPlan.objects.get(referral=closed).what_matters
    response = client.post(plan_url(closed), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "casework can only be recorded while the person is supported" in body
    assert 'href="#plan-read-only"' in body
    assert 'id="plan-read-only"' in body
    assert SupportPlan.objects.get(referral=closed).what_matters == before
    assert Goal.objects.count() == 1
    assert not PlanAction.objects.exists()


@pytest.mark.django_db
def test_scheme_lead_sees_the_plan(client, world: World, referral_a):
    signed_in(client, world.scheme_lead_a)
    assert client.get(plan_url(referral_a)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    # Another scheme's link worker: 404. Roles that do no casework: 403 (the gate's rule).
    [("link_worker_b", 404), ("referrer", 403), ("provider", 403), ("admin", 403)],
)
@pytest.mark.parametrize("name", ["casework:plan", "casework:plan_letter"])
def test_plan_hidden_outside_the_scheme_team(
    client, world: World, referral_a, persona, status, name
):
    referral_a.referring_organisation = world.practice
    referral_a.save()
    signed_in(client, getattr(world, persona))
    response = client.get(reverse(name, args=[referral_a.pk]))
    assert response.status_code == status
    assert AuditEvent.objects.filter(action="access.denied").exists()
    assert not AuditEvent.objects.filter(action__in=["plan.viewed", "plan.letter_viewed"]).exists()


@pytest.mark.django_db
def test_plan_post_by_other_scheme_is_refused(client, world: World, referral_a):
    signed_in(client, world.link_worker_b)
    assert client.post(plan_url(referral_a), goal_data()).status_code == 404
    assert not Goal.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied").exists()


# One goal


def goal_url(goal: Goal) -> str:
    return reverse("casework:goal", args=[goal.plan.referral_id, goal.pk])


def rating_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "form": "rating",
        "rating-score": "6",
        **date_parts("rating-rated_on", timezone.localdate()),
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_goal_rated_again(client, world: World, referral_a):
    goal = plan_goal(referral_a, world.link_worker_a)
    GoalRating.objects.create(
        goal=goal, score=2, rated_on=dt.date(2026, 1, 5), recorded_by=world.link_worker_a
    )
    signed_in(client, world.link_worker_a)
    response = client.post(goal_url(goal), rating_data())
    assert response.status_code == 302
    assert [r.score for r in goal.ratings.order_by("rated_on")] == [2, 6]
    assert AuditEvent.objects.filter(action="goal.rated", object_id=str(goal.pk)).exists()
    page = client.get(goal_url(goal))
    body = page.content.decode()
    assert "6 out of 10" in body
    assert "5 January 2026" in body
    assert AuditEvent.objects.filter(action="goal.viewed", object_id=str(goal.pk)).exists()


@pytest.mark.django_db
def test_goal_page_defaults_the_date_to_today(client, world: World, referral_a):
    goal = plan_goal(referral_a, world.link_worker_a)
    signed_in(client, world.link_worker_a)
    body = client.get(goal_url(goal)).content.decode()
    assert f'name="rating-rated_on[year]" type="text" value="{timezone.localdate().year}"' in body


@pytest.mark.django_db
def test_goal_rating_errors_named_and_nothing_stored(client, world: World, referral_a):
    goal = plan_goal(referral_a, world.link_worker_a)
    signed_in(client, world.link_worker_a)
    future = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(
        goal_url(goal),
        rating_data(**{"rating-score": "12", **date_parts("rating-rated_on", future)}),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter the progress from 0 to 10" in body
    assert "The date of the rating must be today or in the past" in body
    assert 'href="#id_rating-score"' in body
    assert 'href="#id_rating-rated_on-day"' in body
    assert not GoalRating.objects.exists()


@pytest.mark.django_db
def test_goal_status_changed(client, world: World, referral_a):
    goal = plan_goal(referral_a, world.link_worker_a)
    signed_in(client, world.link_worker_a)
    response = client.post(goal_url(goal), {"form": "status", "status-status": "achieved"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED
    assert AuditEvent.objects.filter(action="goal.status", object_id=str(goal.pk)).exists()


@pytest.mark.django_db
def test_goal_status_must_be_known(client, world: World, referral_a):
    goal = plan_goal(referral_a, world.link_worker_a)
    signed_in(client, world.link_worker_a)
    response = client.post(goal_url(goal), {"form": "status", "status-status": "won"})
    assert response.status_code == 400
    assert 'href="#id_status-status"' in response.content.decode()
    goal.refresh_from_db()
    assert goal.status == GoalStatus.OPEN


@pytest.mark.django_db
def test_goal_of_another_referral_is_not_found(client, world: World, referral_a):
    other = ReferralFactory(scheme=world.scheme_a, status="active", link_worker=world.link_worker_a)
    goal = plan_goal(other, world.link_worker_a)
    signed_in(client, world.link_worker_a)
    url = reverse("casework:goal", args=[referral_a.pk, goal.pk])
    assert client.get(url).status_code == 404
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.detail["model"] == "casework.goal"


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("link_worker_b", 404), ("referrer", 403)])
def test_goal_hidden_outside_the_scheme_team(client, world: World, referral_a, persona, status):
    referral_a.referring_organisation = world.practice
    referral_a.save()
    goal = plan_goal(referral_a, world.link_worker_a)
    signed_in(client, getattr(world, persona))
    assert client.get(goal_url(goal)).status_code == status
    assert client.post(goal_url(goal), rating_data()).status_code == status
    assert not GoalRating.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied").exists()


@pytest.mark.django_db
def test_goal_read_only_after_closure(client, world: World, closed):
    goal = Goal.objects.get(plan__referral=closed)
    signed_in(client, world.link_worker_a)
    body = client.get(goal_url(goal)).content.decode()
    assert 'id="rating-form"' not in body
    response = client.post(goal_url(goal), rating_data())
    assert response.status_code == 400
    assert (
        "casework can only be recorded while the person is supported" in response.content.decode()
    )
    response = client.post(goal_url(goal), {"form": "status", "status-status": "achieved"})
    assert response.status_code == 400
    assert not GoalRating.objects.exists()
    goal.refresh_from_db()
    assert goal.status == GoalStatus.OPEN


# One action


def action_url(action: PlanAction) -> str:
    return reverse("casework:plan_action", args=[action.plan.referral_id, action.pk])


@pytest.fixture
def action_a(world: World, referral_a) -> PlanAction:  # type: ignore[no-untyped-def]
    plan = SupportPlanFactory(referral=referral_a, updated_by=world.link_worker_a)
    return PlanAction.objects.create(plan=plan, what="Visit the library", who="The person")


@pytest.mark.django_db
def test_action_marked_done(client, world: World, action_a):
    signed_in(client, world.link_worker_a)
    assert "Visit the library" in client.get(action_url(action_a)).content.decode()
    response = client.post(action_url(action_a), {"form": "status", "status-status": "done"})
    assert response.status_code == 302
    assert response["Location"] == plan_url(action_a.plan.referral)
    action_a.refresh_from_db()
    assert action_a.status == ActionStatus.DONE
    assert AuditEvent.objects.filter(
        action="plan_action.status", object_id=str(action_a.pk)
    ).exists()


@pytest.mark.django_db
def test_action_status_error_named(client, world: World, action_a):
    signed_in(client, world.link_worker_a)
    response = client.post(action_url(action_a), {"form": "status"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Select the status of the action" in body
    assert 'href="#id_status-status"' in body
    action_a.refresh_from_db()
    assert action_a.status == ActionStatus.TO_DO


@pytest.mark.django_db
def test_action_of_another_referral_is_not_found(client, world: World, action_a):
    other = ReferralFactory(scheme=world.scheme_a, status="active", link_worker=world.link_worker_a)
    signed_in(client, world.link_worker_a)
    url = reverse("casework:plan_action", args=[other.pk, action_a.pk])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").exists()


@pytest.mark.django_db
def test_action_hidden_from_other_scheme(client, world: World, action_a):
    signed_in(client, world.link_worker_b)
    assert (
        client.post(action_url(action_a), {"form": "status", "status-status": "done"}).status_code
        == 404
    )
    action_a.refresh_from_db()
    assert action_a.status == ActionStatus.TO_DO


@pytest.mark.django_db
def test_action_read_only_after_closure(client, world: World, action_a):
    referral = action_a.plan.referral
    referral.status, referral.closure_reason = "closed", "moved"
    referral.save()
    signed_in(client, world.link_worker_a)
    assert 'id="status-form"' not in client.get(action_url(action_a)).content.decode()
    response = client.post(action_url(action_a), {"form": "status", "status-status": "done"})
    assert response.status_code == 400
    action_a.refresh_from_db()
    assert action_a.status == ActionStatus.TO_DO


# The letter


@pytest.mark.django_db
def test_plan_letter_in_plain_english(client, world: World, referral_a):
    goal = plan_goal(referral_a, world.link_worker_a, description="Walk to the shops")
    plan = goal.plan
    plan.what_matters = "Being able to get out on my own."
    plan.agreed_on = dt.date(2026, 3, 2)
    plan.review_on = dt.date(2026, 4, 20)
    plan.save()
    GoalRating.objects.create(
        goal=goal, score=4, rated_on=dt.date(2026, 3, 2), recorded_by=world.link_worker_a
    )
    PlanAction.objects.create(
        plan=plan, what="Try the bus to town", who="The person", due_on=dt.date(2026, 3, 20)
    )
    PlanAction.objects.create(plan=plan, what="Find a bus pass form", who="Link worker")
    PlanAction.objects.create(
        plan=plan, what="Dropped step", who="Link worker", status=ActionStatus.DROPPED
    )
    signed_in(client, world.link_worker_a)
    response = client.get(reverse("casework:plan_letter", args=[referral_a.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for heading in (
        "What matters to you",
        "Your goals",
        "What we agreed to do",
        "When we will next talk",
        "How to get in touch",
    ):
        assert f"<h2>{heading}</h2>" in body
    assert "Dear Ann," in body
    assert "Being able to get out on my own." in body
    assert "You agreed it on 2 March 2026." in body
    assert "Last time you said you were at 4 out of 10." in body
    assert "By 20 March 2026" in body
    assert "Lina Worker, your link worker" in body
    assert "Dropped step" not in body
    assert "We will look at your plan again on 20 April 2026." in body
    assert "Lina Worker is your link worker at Scheme A." in body
    assert AuditEvent.objects.filter(
        action="plan.letter_viewed", object_id=str(referral_a.pk)
    ).exists()


@pytest.mark.django_db
def test_plan_letter_before_any_plan(world: World, referral_a):
    letter = build_plan_letter(
        referral=referral_a, plan=None, goals=[], actions=[], today=dt.date(2026, 3, 4)
    )
    assert letter.written_on == "4 March 2026"
    assert letter.what_matters == ""
    assert letter.goals == ()
    assert letter.steps == ()
    assert "not finished yet" in " ".join(letter.introduction)
    assert letter.next_talk == ("We will phone you to agree when we talk next.",)
    assert letter.signed_by == "Lina Worker"


@pytest.mark.django_db
def test_plan_letter_leaves_out_goals_no_longer_wanted(world: World, referral_a):
    achieved = plan_goal(referral_a, world.link_worker_a, status=GoalStatus.ACHIEVED)
    stopped = GoalFactory(plan=achieved.plan, description="Old goal", status=GoalStatus.STOPPED)
    referral_a.link_worker = None
    letter = build_plan_letter(
        referral=referral_a,
        plan=achieved.plan,
        goals=[achieved, stopped],
        actions=[PlanAction(plan=achieved.plan, what="Call", who="Link worker")],
        today=dt.date(2026, 3, 4),
    )
    assert [goal.goal for goal in letter.goals] == [achieved.description]
    assert "You have done this. Well done!" in letter.goals[0].lines
    assert letter.steps[0].who == "Your link worker"
    assert letter.get_in_touch == ("If you want to talk before then, contact Scheme A.",)
