"""Issue 16, item 6: every answer carries the security headers, every non-static answer says
`Cache-Control: no-store`, and production settings (HTTPS on) add HSTS and secure, HttpOnly,
SameSite cookies. The deploy check itself: tests/integration/test_deploy_check.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.http import HttpResponse
from django.urls import reverse

from linkwork.core.headers import SecurityHeadersMiddleware
from tests.conftest import World, signed_in
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _assert_security_headers(response) -> None:
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe" not in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_record_page_is_never_stored(client, world: World):
    referral = ReferralFactory(scheme=world.scheme_a, link_worker=world.link_worker_a)
    signed_in(client, world.link_worker_a)
    for url in (
        reverse("web:home"),
        reverse("referrals:detail", args=[referral.pk]),
        reverse("people:detail", kwargs={"person_id": referral.person_id}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
        _assert_security_headers(response)


def test_api_answer_and_refusal_are_never_stored(client):
    response = client.get("/api/v1/referrals/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 401
    assert response["Cache-Control"] == "no-store"
    _assert_security_headers(response)


@pytest.mark.parametrize("url", ["/account/login/", "/refer/", "/oruk/", "/healthz"])
def test_public_answer_has_the_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_answer_that_sets_its_own_caching_keeps_it(rf):
    """As WhiteNoise does for static files (which tests do not collect)."""

    def static_file(request):
        response = HttpResponse("body {}", content_type="text/css")
        response["Cache-Control"] = "max-age=60, public"
        return response

    response = SecurityHeadersMiddleware(static_file)(rf.get("/static/x.css"))
    assert response["Cache-Control"] == "max-age=60, public"
    _assert_security_headers_of_middleware(response)


def _assert_security_headers_of_middleware(response) -> None:
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


PRODUCTION_PROBE = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.conf import settings
    from django.test import Client

    response = Client().get("/account/login/", secure=True)
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    print(json.dumps({
        "status": response.status_code,
        "hsts": response.get("Strict-Transport-Security"),
        "cache": response.get("Cache-Control"),
        "csrf_cookie": {k: cookie[k] for k in ("secure", "httponly", "samesite")},
        "session_secure": settings.SESSION_COOKIE_SECURE,
        "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
        "session_samesite": settings.SESSION_COOKIE_SAMESITE,
        "ssl_redirect": settings.SECURE_SSL_REDIRECT,
        "plain_http": Client().get("/account/login/").status_code,
    }))
    """
)


def test_production_settings_send_hsts_and_secure_cookies(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "LINKWORK_HTTPS", "LINKWORK_DEMO", "DATABASE_URL"}
    }
    env.update(
        {
            "SECRET_KEY": "x7Kq2vP9mZ4rT8wY1nB6cD3fG5hJ0kL2sA9qW4eR7tY1uI3oP6aS8dF0gH2jK4lZ",
            "ALLOWED_HOSTS": "testserver",
            "LINKWORK_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "linkwork.settings",
            "STATIC_MANIFEST": "false",
        }
    )
    result = subprocess.run(  # noqa: S603 - our own probe, run by this interpreter
        [sys.executable, "-c", PRODUCTION_PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["cache"] is not None
    assert "no-store" in seen["cache"]
    assert seen["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert (seen["session_secure"], seen["session_httponly"], seen["session_samesite"]) == (
        True,
        True,
        "Lax",
    )
    # Plain HTTP is redirected to HTTPS.
    assert seen["ssl_redirect"] is True
    assert seen["plain_http"] == 301
