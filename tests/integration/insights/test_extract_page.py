"""The extract page: analysts and admins ask for an extract, the task worker writes it, and
only the one who asked (or an admin) downloads it."""

from __future__ import annotations

import csv
import io

import pyarrow.parquet as pq
import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test.utils import override_settings
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.insights.models import ExtractRequest
from tests.conftest import World, signed_in
from tests.factories import ReferralFactory

KEY = "test-pseudonym-key-not-a-real-secret"


@pytest.fixture
def data_dir(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    settings.LINKWORK_PSEUDONYM_KEY = KEY
    return tmp_path


def close(response) -> None:  # type: ignore[no-untyped-def]
    """Close a download's file as the test client closes responses: without the end of the
    request closing the database connection, which would end the test's transaction."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def fetch(client, url: str) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
    """Status and body of a download, its file closed."""
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    close(response)
    return response.status_code, body


def ask(client, django_capture_on_commit_callbacks, **form: str):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("insights:extract"), form)


@pytest.mark.django_db
def test_analyst_asks_and_the_task_writes_their_schemes_only(
    client, world: World, referral_a, data_dir, django_capture_on_commit_callbacks
):
    ReferralFactory(scheme=world.scheme_b)
    signed_in(client, world.analyst)
    assert client.get(reverse("insights:extract")).status_code == 200
    response = ask(
        client, django_capture_on_commit_callbacks, file_format="csv", with_measures="on"
    )
    assert response.status_code == 302
    (extract,) = ExtractRequest.objects.all()
    assert (extract.status, extract.episodes, extract.schemes) == ("done", 1, [world.scheme_a.pk])
    assert extract.path("episodes").is_file()
    assert oct(extract.path("episodes").stat().st_mode & 0o777) == "0o600"
    page = client.get(reverse("insights:extract")).content.decode()
    link = reverse("insights:extract_download", args=[extract.pk])
    assert link in page
    download = client.get(link)
    assert "attachment" in download["Content-Disposition"]
    close(download)
    status, body = fetch(client, link)
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [row["scheme"] for row in rows] == [world.scheme_a.slug]
    assert fetch(client, f"{link}?file=measures")[0] == 200
    actions = list(
        AuditEvent.objects.filter(action__startswith="insights.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "insights.extract_requested",
        "insights.extract_written",
        "insights.extract_downloaded",
        "insights.extract_downloaded",
        "insights.extract_downloaded",
    ]
    written = AuditEvent.objects.get(action="insights.extract_written")
    assert written.actor == world.analyst
    assert written.detail["episodes"] == 1


@pytest.mark.django_db
def test_admin_gets_parquet_of_every_scheme_and_may_download_anyones(
    client, world: World, referral_a, data_dir, django_capture_on_commit_callbacks
):
    ReferralFactory(scheme=world.scheme_b)
    signed_in(client, world.admin)
    ask(client, django_capture_on_commit_callbacks, file_format="parquet")
    (extract,) = ExtractRequest.objects.all()
    assert (extract.status, extract.episodes, extract.with_measures) == ("done", 2, False)
    table = pq.read_table(extract.path("episodes"))
    assert sorted(table.column("scheme").to_pylist()) == sorted(
        [world.scheme_a.slug, world.scheme_b.slug]
    )
    link = reverse("insights:extract_download", args=[extract.pk])
    assert fetch(client, f"{link}?file=measures")[0] == 404  # none was asked for
    assert fetch(client, link)[0] == 200
    # The analyst did not ask for it: not theirs to see, as if it did not exist.
    assert fetch(signed_in(client, world.analyst), link)[0] == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["link_worker_a", "scheme_lead_a", "referrer", "provider"])
def test_roles_without_extracts_are_refused_and_nothing_is_queued(
    client, world: World, data_dir, persona, django_capture_on_commit_callbacks
):
    signed_in(client, getattr(world, persona))
    assert client.get(reverse("insights:extract")).status_code == 403
    response = ask(client, django_capture_on_commit_callbacks, file_format="csv")
    assert response.status_code == 403
    assert not ExtractRequest.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied").count() == 2


@pytest.mark.django_db
def test_without_the_key_the_page_says_so_and_queues_nothing(
    client, world: World, data_dir, settings, django_capture_on_commit_callbacks
):
    settings.LINKWORK_PSEUDONYM_KEY = ""
    signed_in(client, world.analyst)
    response = ask(client, django_capture_on_commit_callbacks, file_format="csv")
    assert response.status_code == 200
    assert "LINKWORK_PSEUDONYM_KEY" in response.content.decode()
    assert not ExtractRequest.objects.exists()


@pytest.mark.django_db
def test_a_format_not_offered_is_an_error_on_the_field(
    client, world: World, data_dir, django_capture_on_commit_callbacks
):
    signed_in(client, world.analyst)
    response = ask(client, django_capture_on_commit_callbacks, file_format="xlsx")
    assert response.status_code == 200
    assert 'href="#id_file_format"' in response.content.decode()
    assert not ExtractRequest.objects.exists()


@override_settings(LINKWORK_PSEUDONYM_KEY=KEY)
@pytest.mark.django_db
def test_an_extract_not_ready_cannot_be_downloaded(client, world: World, data_dir):
    extract = ExtractRequest.objects.create(requested_by=world.analyst, file_format="csv")
    signed_in(client, world.analyst)
    link = reverse("insights:extract_download", args=[extract.pk])
    assert client.get(link).status_code == 404


@pytest.mark.django_db
def test_analyst_gets_clinical_files_of_their_schemes_people_only(
    client, world: World, referral_a, data_dir, django_capture_on_commit_callbacks
):
    import datetime as dt

    from linkwork.insights.models import CareUse, ClinicalMeasure

    other = ReferralFactory(scheme=world.scheme_b)
    for person in (referral_a.person, other.person):
        ClinicalMeasure.objects.create(
            person=person, measure="bmi", measured_on=dt.date(2025, 5, 1), value=29.5
        )
        CareUse.objects.create(
            person=person,
            setting="gp_appointment",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
            count=6,
        )
    signed_in(client, world.analyst)
    ask(client, django_capture_on_commit_callbacks, file_format="csv", with_clinical="on")
    (extract,) = ExtractRequest.objects.all()
    assert (extract.status, extract.with_measures, extract.with_clinical) == ("done", False, True)
    link = reverse("insights:extract_download", args=[extract.pk])
    assert f"{link}?file=clinical" in client.get(reverse("insights:extract")).content.decode()
    _, episodes = fetch(client, link)
    (episode,) = list(csv.DictReader(io.StringIO(episodes.decode())))
    for part in ("clinical", "care_use"):
        status, body = fetch(client, f"{link}?file={part}")
        assert status == 200
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        assert [row["person_key"] for row in rows] == [episode["person_key"]]
    assert fetch(client, f"{link}?file=measures")[0] == 404
