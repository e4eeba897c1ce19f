"""Link worker support through its pages: supervision notes for the two people only (404
and audited for anyone else, the lead included), every read of notes audited; the wellbeing
check-in once a month and shown to leads only from five answers; training, the peer network
and the daily prompts to leads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.notifications.models import Message
from linkwork.support.models import (
    PeerProfile,
    RequiredCourse,
    SupervisionSession,
    TrainingRecord,
    WellbeingCheckIn,
    month_of,
)
from linkwork.support.tasks import prompt_scheme_leads
from tests.conftest import World, signed_in
from tests.factories import MembershipFactory, ReferralFactory, ServiceFactory, UserFactory

NOTES = "Found the week with the Thursday clinic heavy going."


def _worker(world: World, name: str):  # type: ignore[no-untyped-def]
    user = UserFactory(totp=True, full_name=name)
    MembershipFactory(
        user=user, organisation=world.scheme_a.host, scheme=world.scheme_a, role=Role.LINK_WORKER
    )
    return user


def _session(world: World, supervisor, **fields):  # type: ignore[no-untyped-def]
    return SupervisionSession.objects.create(
        scheme=world.scheme_a,
        supervisee=world.link_worker_a,
        supervisor=supervisor,
        held_on=dt.date(2026, 1, 12),
        kind="peer",
        duration_minutes=45,
        notes=NOTES,
        recorded_by=supervisor,
        **fields,
    )


@pytest.mark.django_db
def test_lead_records_a_session_and_the_link_worker_reads_its_notes(client, world: World):
    signed_in(client, world.scheme_lead_a)
    scheme = world.scheme_a.pk
    response = client.post(
        reverse("support:new_session"),
        {
            "supervisee": f"{scheme}:{world.link_worker_a.pk}",
            "supervisor": f"{scheme}:{world.scheme_lead_a.pk}",
            "held_on[day]": "12",
            "held_on[month]": "1",
            "held_on[year]": "2026",
            "kind": "clinical",
            "duration_minutes": "60",
            "notes": NOTES,
        },
    )
    session = SupervisionSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("support:session", args=[session.pk])
    assert (session.supervisee, session.supervisor, session.recorded_by) == (
        world.link_worker_a,
        world.scheme_lead_a,
        world.scheme_lead_a,
    )
    recorded = AuditEvent.objects.get(action="supervision.recorded")
    assert NOTES not in str(recorded.detail)

    signed_in(client, world.link_worker_a)
    page = client.get(reverse("support:session_notes", args=[session.pk]))
    assert page.status_code == 200
    assert NOTES in page.content.decode()
    read = AuditEvent.objects.get(action="supervision.notes_viewed")
    assert (read.actor, read.object_id) == (world.link_worker_a, str(session.pk))


@pytest.mark.django_db
def test_lead_who_is_not_one_of_the_two_sees_the_session_but_gets_404_on_its_notes(
    client, world: World
):
    peer = _worker(world, "Pia Peer")
    session = _session(world, peer)
    signed_in(client, world.scheme_lead_a)

    shown = client.get(reverse("support:session", args=[session.pk]))
    assert shown.status_code == 200
    body = shown.content.decode()
    assert "Peer supervision" in body
    assert "12 January 2026" in body
    assert NOTES not in body
    assert reverse("support:session_notes", args=[session.pk]) not in body

    notes = client.get(reverse("support:session_notes", args=[session.pk]))
    assert notes.status_code == 404
    assert NOTES not in notes.content.decode()
    refused = AuditEvent.objects.get(action="access.denied")
    assert refused.actor == world.scheme_lead_a
    assert refused.detail["page"] == "support:session_notes"
    assert refused.object_id == str(session.pk)
    assert not AuditEvent.objects.filter(action="supervision.notes_viewed").exists()

    overview = client.get(reverse("support:overview")).content.decode()
    assert "Pia Peer" in overview
    assert NOTES not in overview


@pytest.mark.django_db
def test_supervisor_reads_the_notes_and_another_link_worker_of_the_scheme_gets_404(
    client, world: World
):
    peer, bystander = _worker(world, "Pia Peer"), _worker(world, "Ben Bystander")
    session = _session(world, peer)
    signed_in(client, peer)
    assert NOTES in client.get(reverse("support:session_notes", args=[session.pk])).content.decode()
    signed_in(client, bystander)
    for name in ("support:session", "support:session_notes"):
        assert client.get(reverse(name, args=[session.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=bystander).count() == 2


@pytest.mark.django_db
def test_a_link_worker_records_only_supervision_they_gave(client, world: World):
    peer = _worker(world, "Pia Peer")
    signed_in(client, peer)
    scheme = world.scheme_a.pk
    form = {
        "supervisee": f"{scheme}:{world.link_worker_a.pk}",
        "held_on[day]": "2",
        "held_on[month]": "2",
        "held_on[year]": "2026",
        "kind": "peer",
        "duration_minutes": "30",
    }
    as_lead = client.post(
        reverse("support:new_session"), {**form, "supervisor": f"{scheme}:{world.scheme_lead_a.pk}"}
    )
    assert as_lead.status_code == 400
    assert not SupervisionSession.objects.exists()
    response = client.post(
        reverse("support:new_session"), {**form, "supervisor": f"{scheme}:{peer.pk}"}
    )
    assert response.status_code == 302
    assert SupervisionSession.objects.get().supervisor == peer


@pytest.mark.django_db
def test_session_form_names_each_missing_field(client, world: World):
    signed_in(client, world.scheme_lead_a)
    response = client.post(
        reverse("support:new_session"), {"duration_minutes": "2", "held_on[day]": "40"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    for message in (
        "Select the link worker who was supervised",
        "Date of the session must include a month and year",
        "Select the kind of supervision",
        "The duration must be at least 5 minutes",
    ):
        assert message in body
    assert not SupervisionSession.objects.exists()


def _check_ins(world: World, count: int) -> None:
    month = month_of(timezone.localdate())
    workers = [world.link_worker_a, *[_worker(world, f"Worker {n}") for n in range(count - 1)]]
    for worker in workers[:count]:
        WellbeingCheckIn.objects.create(
            worker=worker, month=month, workload=2, supported=4, switch_off=3, confident=5
        )


@pytest.mark.django_db
def test_wellbeing_is_not_shown_to_the_lead_below_five_answers(client, world: World):
    _check_ins(world, 4)
    signed_in(client, world.scheme_lead_a)
    body = client.get(reverse("support:overview")).content.decode()
    month = f"{month_of(timezone.localdate()):%B %Y}"
    assert month in body
    assert body.count("Not shown: fewer than 5 answers") == 6
    assert "4.0" not in body


@pytest.mark.django_db
def test_wellbeing_is_shown_to_the_lead_as_averages_from_five_answers(client, world: World):
    _check_ins(world, 5)
    signed_in(client, world.scheme_lead_a)
    body = client.get(reverse("support:overview")).content.decode()
    assert body.count("Not shown: fewer than 5 answers") == 5
    for mean in ("2.0", "4.0", "3.0", "5.0"):
        assert mean in body


@pytest.mark.django_db
def test_wellbeing_check_in_is_kept_once_a_month_and_shown_to_its_author(client, world: World):
    signed_in(client, world.link_worker_a)
    answers = {"workload": "2", "supported": "4", "switch_off": "3", "confident": "5"}
    assert client.post(reverse("support:wellbeing"), answers).status_code == 302
    assert client.post(reverse("support:wellbeing"), answers).status_code == 302
    assert WellbeingCheckIn.objects.filter(worker=world.link_worker_a).count() == 1
    event = AuditEvent.objects.get(action="wellbeing.answered")
    assert "workload" not in str(event.detail)
    page = client.get(reverse("support:wellbeing")).content.decode()
    assert "You have answered the check-in" in page


@pytest.mark.django_db
def test_wellbeing_check_in_with_an_answer_missing_names_the_question(client, world: World):
    signed_in(client, world.link_worker_a)
    response = client.post(reverse("support:wellbeing"), {"workload": "2", "supported": "9"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select an answer to: How confident have you felt in your role?" in body
    assert not WellbeingCheckIn.objects.exists()


@pytest.mark.django_db
def test_training_page_adds_a_course_and_shows_what_is_overdue(client, world: World):
    RequiredCourse.objects.create(
        scheme=world.scheme_a, name="Safeguarding adults", renewal_months=12
    )
    RequiredCourse.objects.create(scheme=world.scheme_a, name="Motivational interviewing")
    signed_in(client, world.link_worker_a)
    today = timezone.localdate()
    response = client.post(
        reverse("support:training"),
        {
            "course": "Safeguarding adults",
            "provider": "Local authority",
            "completed_on[day]": str(today.day),
            "completed_on[month]": str(today.month),
            "completed_on[year]": str(today.year),
        },
    )
    assert response.status_code == 302
    assert TrainingRecord.objects.get().worker == world.link_worker_a
    support = client.get(reverse("support:index")).content.decode()
    assert "1 required course overdue: Motivational interviewing" in support
    signed_in(client, world.scheme_lead_a)
    overview = client.get(reverse("support:overview")).content.decode()
    assert "Motivational interviewing" in overview


@pytest.mark.django_db
def test_training_expiry_before_completion_is_refused(client, world: World):
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("support:training"),
        {
            "course": "First aid",
            "provider": "St John",
            "completed_on[day]": "1",
            "completed_on[month]": "3",
            "completed_on[year]": "2025",
            "expires_on[day]": "1",
            "expires_on[month]": "3",
            "expires_on[year]": "2024",
        },
    )
    assert response.status_code == 400
    assert "Expiry date must be after the date completed" in response.content.decode()
    assert not TrainingRecord.objects.exists()


@pytest.mark.django_db
def test_peer_network_is_off_by_default_and_lists_those_who_opt_in(client, world: World):
    signed_in(client, world.link_worker_b)
    assert "Lina Worker" not in client.get(reverse("support:peers")).content.decode()

    service = ServiceFactory(name="Millbrook Walking Group")
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("support:peer_profile"),
        {"opted_in": "on", "needs": ["loneliness", "housing"]},
    )
    assert response.status_code == 302
    profile = PeerProfile.objects.get(worker=world.link_worker_a)
    profile.services.add(service)

    signed_in(client, world.link_worker_b)
    body = client.get(reverse("support:peers")).content.decode()
    assert "Lina Worker" in body
    assert "Scheme A" in body
    assert "Loneliness or isolation, Housing" in body
    assert "Millbrook Walking Group" in body
    signed_in(client, world.scheme_lead_a)
    assert "Lina Worker" in client.get(reverse("support:peers")).content.decode()


@pytest.mark.django_db
def test_link_worker_sees_their_own_weighted_load(client, world: World):
    ReferralFactory(
        scheme=world.scheme_a,
        link_worker=world.link_worker_a,
        status="active",
        complexity="complex",
    )
    ReferralFactory(scheme=world.scheme_a, link_worker=world.link_worker_a, status="active")
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("support:index")).content.decode()
    assert "Your caseload, weighted by complexity" in body
    assert "2.5" in body


@pytest.mark.django_db
def test_daily_prompts_tell_the_lead_how_many_never_who(
    world: World, django_capture_on_commit_callbacks
):
    ReferralFactory(
        scheme=world.scheme_a,
        link_worker=world.link_worker_a,
        status="active",
        complexity="very_complex",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert prompt_scheme_leads.call() == 1
    message = Message.objects.get(recipient_address=world.scheme_lead_a.email)
    assert message.event == "support_prompts"
    assert "Many complex cases: 1 link worker" in message.body
    assert "/support/overview/" in message.body
    assert world.link_worker_a.full_name not in message.body


@pytest.mark.django_db
def test_the_same_prompts_are_told_once_a_week_not_every_day(
    world: World, django_capture_on_commit_callbacks, monkeypatch
):
    ReferralFactory(
        scheme=world.scheme_a,
        link_worker=world.link_worker_a,
        status="active",
        complexity="very_complex",
    )
    today = timezone.localdate()

    def told_on(day: dt.date) -> int:
        monkeypatch.setattr(timezone, "localdate", lambda: day)
        with django_capture_on_commit_callbacks(execute=True):
            return prompt_scheme_leads.call()

    assert told_on(today) == 1
    assert told_on(today) == 0
    assert told_on(today + dt.timedelta(days=6)) == 0
    assert told_on(today + dt.timedelta(days=7)) == 1
    # A new prompt is news: told the next day.
    second = _worker(world, "Second Worker")
    ReferralFactory(
        scheme=world.scheme_a, link_worker=second, status="active", complexity="very_complex"
    )
    assert told_on(today + dt.timedelta(days=8)) == 1
    assert Message.objects.filter(event="support_prompts").count() == 3


@pytest.mark.django_db
def test_lead_changes_when_they_are_prompted(client, world: World):
    signed_in(client, world.scheme_lead_a)
    response = client.post(
        reverse("support:settings"),
        {
            "scheme": world.scheme_a.pk,
            "supervision_gap_weeks": "4",
            "complex_share_percent": "40",
            "complex_count": "8",
        },
    )
    assert response.status_code == 302
    assert world.scheme_a.support.supervision_gap_weeks == 4
    bad = client.post(
        reverse("support:settings"),
        {"scheme": world.scheme_a.pk, "supervision_gap_weeks": "0"},
    )
    assert bad.status_code == 400
