"""The feedback survey (issue 19, item 5): sent by the daily job a week after a connection
starts, once per connection; opened once; answered once; results per service with no names and
nothing shown below five answers; and one more insights dashboard."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework.models import ConnectionStatusChange
from linkwork.core import daily
from linkwork.insights.dashboards import DASHBOARDS
from linkwork.insights.model import Filters
from linkwork.notifications.models import Message
from linkwork.prescription import actions
from linkwork.prescription.models import FeedbackAnswer, SurveyInvitation
from linkwork.prescription.tasks import send_feedback_surveys
from tests.conftest import World, signed_in
from tests.factories import ConnectionFactory, DirectoryOrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"went": "yes", "welcome": "very", "helped": "a_little", "recommend": "yes"}


def _started(connection: Any, days_ago: int) -> None:
    ConnectionStatusChange.objects.filter(connection=connection).update(
        changed_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def _going(case: Any) -> Any:
    return case.connections.get(status="in_progress")


def _survey_token(message: Message) -> str:
    (token,) = re.findall(r"/s/([A-Za-z0-9_-]+)/", message.body)
    return token


def test_the_daily_job_is_registered():
    assert send_feedback_surveys in daily.jobs()


def test_the_survey_is_sent_a_week_after_the_connection_starts_never_twice(case):
    going = _going(case)
    _started(going, 6)
    assert actions.send_due_surveys() == {"sent": 0, "skipped": 0}
    _started(going, 7)
    assert actions.send_due_surveys() == {"sent": 1, "skipped": 0}
    assert actions.send_due_surveys() == {"sent": 0, "skipped": 0}
    assert actions.invite_to_survey(connection=going) is None
    (invitation,) = SurveyInvitation.objects.all()
    message = Message.objects.get(pk=invitation.message_id)
    assert (message.channel, message.event) == ("text", "survey")
    assert "Riverside Walking Group" in message.body
    # A short link that fits a text message.
    assert len(message.body) <= 160
    assert Message.objects.filter(event="survey").count() == 1
    assert AuditEvent.objects.filter(action="feedback_survey.sent").count() == 1


def test_a_signposted_service_is_surveyed_a_week_after_signposting(world: World, case):
    signposted = ConnectionFactory(
        referral=case, service=ServiceFactory(), status="signposted", created_by=world.link_worker_a
    )
    Connection = type(signposted)
    Connection.objects.filter(pk=signposted.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3)
    )
    assert signposted not in actions.due_for_survey()
    Connection.objects.filter(pk=signposted.pk).update(
        created_at=timezone.now() - dt.timedelta(days=7, hours=1)
    )
    assert signposted in actions.due_for_survey()


def test_a_person_who_refused_contact_is_not_sent_the_survey(world: World, case):
    from linkwork.people.models import Consent

    Consent.objects.create(person=case.person, kind="contact", given=False, method="verbal")
    _started(_going(case), 8)
    assert actions.send_due_surveys() == {"sent": 0, "skipped": 1}
    assert not Message.objects.filter(event="survey").exists()
    # Still once: the skip is kept, so it is not tried every day.
    assert actions.send_due_surveys() == {"sent": 0, "skipped": 0}


def _invited(case: Any) -> str:
    _started(_going(case), 8)
    actions.send_due_surveys()
    return _survey_token(Message.objects.get(event="survey"))


def test_the_person_answers_once_and_no_name_is_kept(case):
    token = _invited(case)
    person = Client()
    opened = person.get(reverse("prescription:survey_open", args=[token]), follow=True)
    assert opened.status_code == 200
    body = opened.content.decode()
    assert "How is Riverside Walking Group going?" in body
    assert 'type="radio"' in body
    # Its form posts back to us, so the browser may send our own origin; no other site
    # learns anything, and nothing is cached or indexed.
    assert opened["Referrer-Policy"] == "same-origin"
    assert opened["Cache-Control"] == "no-store"
    assert opened["X-Robots-Tag"] == "noindex, nofollow"
    response = person.post(reverse("prescription:survey"), {**ANSWERS, "comment": "Lovely."})
    assert response.status_code == 302
    assert response["Location"] == reverse("prescription:survey_done")
    (answer,) = FeedbackAnswer.objects.all()
    assert (answer.service_id, answer.went, answer.comment) == (
        _going(case).service_id,
        "yes",
        "Lovely.",
    )
    # A second answer changes nothing.
    again = person.post(reverse("prescription:survey"), {**ANSWERS, "went": "no"})
    assert "You have already answered" in again.content.decode()
    assert FeedbackAnswer.objects.get().went == "yes"
    # Another browser cannot open the link.
    other = Client().get(reverse("prescription:survey_open", args=[token]))
    assert other.status_code == 404
    assert AuditEvent.objects.filter(action="feedback_survey.answered").count() == 1
    assert AuditEvent.objects.filter(action="feedback_survey.viewed").count() == 1


def test_a_missing_answer_is_named_and_nothing_is_kept(case):
    token = _invited(case)
    person = Client()
    person.get(reverse("prescription:survey_open", args=[token]))
    response = person.post(reverse("prescription:survey"), {"went": "yes", "welcome": "loud"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "How welcome did you feel?" in body
    assert not FeedbackAnswer.objects.exists()


def test_the_survey_opens_in_welsh(case):
    token = _invited(case)
    person = Client()
    response = person.get(
        reverse("prescription:survey_open", args=[token]), {"lang": "cy"}, follow=True
    )
    body = response.content.decode()
    assert '<html lang="cy">' in body
    assert "Sut mae Riverside Walking Group yn mynd?" in body
    assert "Byddwn" in body
    assert "Ydw" in body
    response = person.post(reverse("prescription:survey"), {})
    assert "Dewiswch ateb i" in response.content.decode()


def _answers(service: Any, n: int, case: Any) -> None:
    for _ in range(n):
        connection = ConnectionFactory(
            referral=case, service=service, status="in_progress", created_by=case.link_worker
        )
        FeedbackAnswer.objects.create(
            connection=connection, service=service, **ANSWERS, comment="Kind people."
        )


def test_results_are_shown_only_from_five_answers(client, world: World, case):
    service = ServiceFactory(
        organization=DirectoryOrganizationFactory(account_organisation=world.provider_org)
    )
    _answers(service, 4, case)
    signed_in(client, world.provider)
    url = reverse("prescription:feedback_service", args=[service.pk])
    body = client.get(url).content.decode()
    assert "Fewer than 5 people have answered" in body
    assert "Kind people." not in body
    assert "Very welcome" not in body
    listing = client.get(reverse("prescription:feedback")).content.decode()
    assert "Fewer than 5" in listing
    _answers(service, 1, case)
    body = client.get(url).content.decode()
    assert "5 people answered" in body
    assert "Very welcome" in body
    assert "Kind people." in body
    # No one is named.
    assert case.person.given_name not in body
    assert case.person.family_name not in body
    assert AuditEvent.objects.filter(action="feedback.results_viewed").count() == 2


def test_providers_see_only_their_own_services_results(client, world: World, case):
    other = ServiceFactory()
    _answers(other, 5, case)
    signed_in(client, world.provider)
    response = client.get(reverse("prescription:feedback_service", args=[other.pk]))
    assert response.status_code == 404
    assert other.name not in client.get(reverse("prescription:feedback")).content.decode()
    signed_in(client, world.curator)
    assert client.get(reverse("prescription:feedback_service", args=[other.pk])).status_code == 200
    signed_in(client, world.link_worker_a)
    assert client.get(reverse("prescription:feedback")).status_code == 403


def test_feedback_feeds_the_insights_pages(client, world: World, case):
    service = ServiceFactory(name="Garden Club")
    _answers(service, 6, case)
    assert "feedback" in DASHBOARDS
    built = DASHBOARDS["feedback"].build(Filters(schemes=frozenset({world.scheme_a.pk})))
    (row,) = built.tables[0].rows
    assert (row["service"], row["answers_count"], row["recommend_count"]) == ("Garden Club", 6, 6)
    other = DASHBOARDS["feedback"].build(Filters(schemes=frozenset({world.scheme_b.pk})))
    assert other.tables[0].rows == []
    signed_in(client, world.analyst)
    page = client.get(reverse("insights:dashboard", args=["feedback"]))
    assert page.status_code == 200
    assert "Garden Club" in page.content.decode()
