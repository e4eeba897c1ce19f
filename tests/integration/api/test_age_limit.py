"""POST /api/v1/referrals refuses someone younger than the scheme supports, naming the date
of birth, and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linkwork.referrals.models import Referral
from tests.integration.api.conftest import field_errors, post

pytestmark = pytest.mark.django_db


def test_api_refuses_someone_under_the_scheme_age_naming_the_date_of_birth(client, practice, body):
    body["person"]["date_of_birth"] = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    response = post(client, practice, body)
    assert response.status_code == 422, response.content
    assert (
        "this scheme supports people aged 16 and over"
        in field_errors(response)["person.date_of_birth"]
    )
    assert not Referral.objects.exists()
