"""The evaluation page: analysts and scheme leads ask for the standard evaluation of a scheme
they may count, the task worker builds the report, and only the one who asked downloads it;
everyone else is refused (403) and the refusal audited."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.evaluation_reports.models import EvaluationRequest
from tests.conftest import World, signed_in
from tests.factories import ReferralFactory

KEY = "test-pseudonym-key-not-a-real-secret"
PAGE = "evaluation_reports:evaluation"


@pytest.fixture
def data_dir(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    settings.LINKWORK_PSEUDONYM_KEY = KEY
    return tmp_path


def fetch(client, url: str) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return response.status_code, body


def ask(client, capture, **form):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post(reverse(PAGE), form)


@pytest.mark.django_db
def test_analyst_runs_an_evaluation_and_downloads_the_report(
    client, world: World, data_dir, django_capture_on_commit_callbacks
):
    ReferralFactory.create_batch(3, scheme=world.scheme_a)
    signed_in(client, world.analyst)
    assert client.get(reverse(PAGE)).status_code == 200
    response = ask(
        client,
        django_capture_on_commit_callbacks,
        scheme=str(world.scheme_a.pk),
        analyses=["change", "event_study"],
    )
    assert response.status_code == 302
    (found,) = EvaluationRequest.objects.all()
    assert found.status == "done"
    assert found.has_pdf is False
    link = reverse("evaluation_reports:download", args=[found.pk])
    assert link in client.get(reverse(PAGE)).content.decode()
    status, body = fetch(client, link)
    assert status == 200
    html = body.decode()
    assert "Scheme A: standard evaluation" in html
    assert "Data and methods" in html
    assert "http" not in html
    assert fetch(client, f"{link}?format=pdf")[0] == 404
    actions = set(
        AuditEvent.objects.filter(action__startswith="evaluation_reports.").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "evaluation_reports.report_requested",
        "evaluation_reports.report_built",
        "evaluation_reports.report_downloaded",
    }


@pytest.mark.django_db
def test_scheme_lead_sees_only_their_scheme(client, world: World, data_dir):
    signed_in(client, world.scheme_lead_a)
    page = client.get(reverse(PAGE)).content.decode()
    assert "Scheme A" in page
    assert "Scheme B" not in page


@pytest.mark.django_db
def test_a_scheme_they_may_not_count_is_an_error_naming_the_field(
    client, world: World, data_dir, django_capture_on_commit_callbacks
):
    signed_in(client, world.scheme_lead_a)
    response = ask(
        client,
        django_capture_on_commit_callbacks,
        scheme=str(world.scheme_b.pk),
        analyses=["change"],
        period_from="April",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the month as YYYY-MM" in page
    assert not EvaluationRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["link_worker_a", "provider", "referrer", "admin"])
def test_other_roles_are_refused_and_audited(client, world: World, data_dir, persona):
    signed_in(client, getattr(world, persona))
    assert client.get(reverse(PAGE)).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied").exists()


@pytest.mark.django_db
def test_someone_elses_report_is_not_found(
    client, world: World, data_dir, django_capture_on_commit_callbacks
):
    signed_in(client, world.analyst)
    ask(
        client,
        django_capture_on_commit_callbacks,
        scheme=str(world.scheme_a.pk),
        analyses=["change"],
    )
    (found,) = EvaluationRequest.objects.all()
    signed_in(client, world.scheme_lead_a)
    link = reverse("evaluation_reports:download", args=[found.pk])
    assert fetch(client, link)[0] == 404
