"""The self-assessment and action plan pages: a scheme lead answers and keeps history, adds
and moves actions on; bad input names the field; another scheme's lead is refused and
audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.healthcheck.actions import add_action, submit_self_assessment
from linkwork.healthcheck.models import Action, ActionChange, SelfAssessment
from linkwork.healthcheck.questionnaire import questionnaire
from tests.conftest import World, signed_in
from tests.factories import MembershipFactory, UserFactory


def answers(rating: str) -> dict[str, str]:
    return {q.id: rating for q in questionnaire().questions}


def lead_of_b(world: World):  # type: ignore[no-untyped-def]
    user = UserFactory(totp=True, full_name="Bo Lead")
    MembershipFactory(
        user=user, organisation=world.scheme_b.host, scheme=world.scheme_b, role="scheme_lead"
    )
    return user


@pytest.mark.django_db
def test_self_assessment_submitted_twice_keeps_both(client, world: World):
    signed_in(client, world.scheme_lead_a)
    url = reverse("healthcheck:self_assessment", args=[world.scheme_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert questionnaire().questions[0].text in body
    assert "Husk K" in body
    first = client.post(url, answers("developing"))
    assert first.status_code == 302
    client.post(url, answers("good"))
    assert SelfAssessment.objects.filter(scheme=world.scheme_a).count() == 2
    # The form starts from the latest answers.
    assert 'value="good" checked' in client.get(url).content.decode()
    history = client.get(reverse("healthcheck:self_assessment_history", args=[world.scheme_a.pk]))
    assert history.content.decode().count("Lee Lead") >= 2
    earliest = SelfAssessment.objects.order_by("answered_at", "pk").first()
    assert earliest is not None
    record = client.get(
        reverse("healthcheck:self_assessment_record", args=[world.scheme_a.pk, earliest.pk])
    )
    assert record.status_code == 200
    assert "Developing" in record.content.decode()
    assert AuditEvent.objects.filter(action="healthcheck.self_assessment_submitted").count() == 2


@pytest.mark.django_db
def test_self_assessment_missing_answer_names_the_question(client, world: World):
    signed_in(client, world.scheme_lead_a)
    given = answers("good")
    missing = questionnaire().question("post_funding")
    assert missing is not None
    del given["post_funding"]
    response = client.post(reverse("healthcheck:self_assessment", args=[world.scheme_a.pk]), given)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"Select an answer to &#34;{missing.text}&#34;" in body or missing.text in body
    assert 'href="#id_post_funding"' in body
    assert not SelfAssessment.objects.exists()


@pytest.mark.django_db
def test_self_assessment_bad_rating_names_the_question(client, world: World):
    signed_in(client, world.scheme_lead_a)
    given = answers("good")
    given["leadership"] = "stellar"
    response = client.post(reverse("healthcheck:self_assessment", args=[world.scheme_a.pk]), given)
    assert response.status_code == 400
    assert "Select one of the answers given to" in response.content.decode()
    assert not SelfAssessment.objects.exists()


def _form(world: World, **extra: str) -> dict[str, object]:
    data: dict[str, object] = {
        "level": "interpersonal",
        "setting": "referrers",
        "what": "Join each practice's monthly meeting",
        "owner": world.link_worker_a.pk,
        "due_on[day]": "1",
        "due_on[month]": "9",
        "due_on[year]": "2030",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_action_added_edited_and_moved_on(client, world: World):
    signed_in(client, world.scheme_lead_a)
    new = reverse("healthcheck:action_new", args=[world.scheme_a.pk])
    assert client.get(new).status_code == 200
    response = client.post(new, _form(world))
    assert response.status_code == 302
    action = Action.objects.get()
    edit = reverse("healthcheck:action_edit", args=[world.scheme_a.pk, action.pk])
    client.post(edit, _form(world, what="Join each practice's fortnightly meeting"))
    status = reverse("healthcheck:action_status", args=[world.scheme_a.pk, action.pk])
    client.post(status, {"status-status": "in_progress"})
    action.refresh_from_db()
    assert action.status == "in_progress"
    assert action.what == "Join each practice's fortnightly meeting"
    assert ActionChange.objects.filter(action=action).count() == 3
    page = client.get(edit).content.decode()
    assert "Status: Planned to In progress" in page
    listing = client.get(reverse("healthcheck:actions", args=[world.scheme_a.pk]))
    assert "fortnightly meeting" in listing.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message", "anchor"),
    [
        ({"what": ""}, "Enter the action", "#id_what"),
        ({"owner": "999999"}, "Select an owner who works in this scheme", "#id_owner"),
        ({"due_on[month]": "13"}, "The due date must be a real date", "#id_due_on-day"),
        ({"level": "galactic"}, "Select one of the choices given for level", "#id_level"),
    ],
)
def test_action_bad_input_names_the_field(client, world: World, change, message, anchor):
    signed_in(client, world.scheme_lead_a)
    response = client.post(
        reverse("healthcheck:action_new", args=[world.scheme_a.pk]), _form(world, **change)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'href="{anchor}"' in body
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_owner_of_another_scheme_is_not_offered(client, world: World):
    signed_in(client, world.scheme_lead_a)
    response = client.post(
        reverse("healthcheck:action_new", args=[world.scheme_a.pk]),
        _form(world, owner=str(world.link_worker_b.pk)),
    )
    assert response.status_code == 400
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_overdue_action_highlighted(client, world: World):
    add_action(
        by=world.scheme_lead_a,
        scheme=world.scheme_a,
        level="policy",
        setting="community",
        what="Ask the council about grant funding",
        owner=world.scheme_lead_a,
        due_on=dt.date(2020, 1, 1),
    )
    signed_in(client, world.scheme_lead_a)
    body = client.get(reverse("healthcheck:actions", args=[world.scheme_a.pk])).content.decode()
    assert "Overdue (planned)" in body
    assert "1 action is past the due date" in body


@pytest.mark.django_db
def test_other_schemes_lead_refused_404_and_audited(client, world: World):
    action = add_action(
        by=world.scheme_lead_a,
        scheme=world.scheme_a,
        level="policy",
        setting="community",
        what="Ask the council about grant funding",
        owner=world.scheme_lead_a,
        due_on=dt.date(2030, 1, 1),
    )
    assessment = submit_self_assessment(
        by=world.scheme_lead_a, scheme=world.scheme_a, answers=answers("good")
    )
    other = lead_of_b(world)
    signed_in(client, other)
    urls = [
        reverse("healthcheck:self_assessment", args=[world.scheme_a.pk]),
        reverse("healthcheck:self_assessment_history", args=[world.scheme_a.pk]),
        reverse("healthcheck:self_assessment_record", args=[world.scheme_a.pk, assessment.pk]),
        reverse("healthcheck:actions", args=[world.scheme_a.pk]),
        reverse("healthcheck:action_new", args=[world.scheme_a.pk]),
        reverse("healthcheck:action_edit", args=[world.scheme_a.pk, action.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    # Scheme B's own lead cannot reach scheme A's action through scheme B either.
    sideways = reverse("healthcheck:action_edit", args=[world.scheme_b.pk, action.pk])
    assert client.get(sideways).status_code == 404
    posted = client.post(
        reverse("healthcheck:action_status", args=[world.scheme_a.pk, action.pk]),
        {"status-status": "dropped"},
    )
    assert posted.status_code == 404
    action.refresh_from_db()
    assert action.status == "planned"
    denied = AuditEvent.objects.filter(action="access.denied", actor=other)
    assert denied.count() == len(urls) + 2
    assert all(event.detail["status"] == 404 for event in denied)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["link_worker_a", "referrer", "analyst", "provider"])
def test_other_roles_refused_403_and_audited(client, world: World, persona):
    user = getattr(world, persona)
    signed_in(client, user)
    response = client.get(reverse("healthcheck:actions", args=[world.scheme_a.pk]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=user).count() == 1


@pytest.mark.django_db
def test_host_admin_may_read_and_write(client, world: World):
    signed_in(client, world.admin)
    assert client.get(reverse("healthcheck:actions", args=[world.scheme_a.pk])).status_code == 200
    assert client.get(reverse("healthcheck:actions", args=[world.scheme_b.pk])).status_code == 404


@pytest.mark.django_db
def test_the_grid_shows_the_self_assessment_and_open_actions_with_links_for_the_lead(
    client, world: World
):
    scheme = world.scheme_a
    lead = world.scheme_lead_a
    submit_self_assessment(by=lead, scheme=scheme, answers=answers("poor"))
    add_action(
        by=lead,
        scheme=scheme,
        level="policy",
        setting="community",
        what="Ask the ICB for a three-year grant",
        owner=lead,
        due_on=dt.date(2020, 1, 31),
    )
    add_action(
        by=lead,
        scheme=scheme,
        level="policy",
        setting="community",
        what="A finished action",
        owner=lead,
        due_on=dt.date(2099, 1, 31),
        status="done",
    )
    url = reverse("healthcheck:scheme", args=[scheme.pk])
    signed_in(client, lead)
    body = client.get(url, {"quarter": "2026-Q2"}).content.decode()
    # The self-assessment's rating, when and who; poor everywhere makes every cell poor.
    assert "Self-assessment" in body
    assert "by Lee Lead" in body
    assert body.count('nhsuk-tag--red">Poor practice') >= 12
    # Open actions only: what, owner, due date, status, the overdue marked.
    assert "Ask the ICB for a three-year grant (owner Lee Lead, due 31 January 2020" in body
    assert "A finished action" not in body
    assert 'lw-hc-alert"><strong class="nhsuk-tag nhsuk-tag--red">Overdue' in body
    # Links to the self-assessment and the plan, and an action for a weak cell, pre-filled.
    assert reverse("healthcheck:self_assessment", args=[scheme.pk]) in body
    assert reverse("healthcheck:actions", args=[scheme.pk]) in body
    new = reverse("healthcheck:action_new", args=[scheme.pk])
    assert f"{new}?level=policy&amp;setting=community" in body
    form = client.get(new, {"level": "policy", "setting": "community"}).content.decode()
    assert 'value="policy" checked' in form or 'value="policy" selected' in form
    # And back to the grid from the plan and the self-assessment.
    for page in ("healthcheck:actions", "healthcheck:self_assessment"):
        assert url in client.get(reverse(page, args=[scheme.pk])).content.decode()


@pytest.mark.django_db
def test_the_host_analyst_reads_the_ratings_and_actions_without_links(client, world: World):
    scheme = world.scheme_a
    lead = world.scheme_lead_a
    submit_self_assessment(by=lead, scheme=scheme, answers=answers("developing"))
    add_action(
        by=lead,
        scheme=scheme,
        level="policy",
        setting="community",
        what="Ask the ICB for a three-year grant",
        owner=lead,
        due_on=dt.date(2099, 1, 31),
    )
    signed_in(client, world.analyst)
    body = client.get(
        reverse("healthcheck:scheme", args=[scheme.pk]), {"quarter": "2026-Q2"}
    ).content.decode()
    assert "Ask the ICB for a three-year grant" in body
    assert "by Lee Lead" in body
    for page in ("healthcheck:self_assessment", "healthcheck:actions", "healthcheck:action_new"):
        assert reverse(page, args=[scheme.pk]) not in body
    assert "/actions/" not in body
