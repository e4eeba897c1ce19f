"""The NHS.UK shell: header, branding, skip link, error pages, health check."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.conftest import World, signed_in


@pytest.mark.django_db
def test_login_page_has_skip_link_and_organisation_header(client, settings):
    settings.LINKWORK_ORGANISATION_NAME = "Brackenfield Council"
    response = client.get(reverse("accounts:login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#maincontent"' in body
    assert "Skip to main content" in body
    assert "nhsuk-header" in body
    assert 'lang="en"' in body


@pytest.mark.django_db
def test_header_has_no_nhs_logo_by_default(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'class="nhsuk-header__logo"' not in body
    assert "linkwork-mark" in body


@pytest.mark.django_db
def test_header_has_nhs_logo_when_branding_on(client, settings):
    settings.LINKWORK_NHS_BRANDING = True
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'class="nhsuk-header__logo"' in body


@pytest.mark.django_db
def test_not_found_page_uses_design_system(client, world: World):
    signed_in(client, world.link_worker_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "nhsuk-header" in body


@pytest.mark.django_db
def test_server_error_page_uses_design_system(rf):
    from linkwork.core.views import server_error

    request = rf.get("/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


@pytest.mark.django_db
def test_healthz_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_unavailable_when_database_fails(client):
    with mock.patch("linkwork.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.django_db
def test_pages_work_without_javascript(client, world: World):
    """Every form is a plain HTML form that posts; nothing needs a script to work."""
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<form method="post"' in body
    assert 'type="submit"' in body or "<button" in body


@pytest.mark.django_db
def test_security_headers_present(client):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_csrf_failure_page_explains_and_saves_nothing(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"email": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "Your form has expired" in response.content.decode()
