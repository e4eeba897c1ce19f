"""A user of one scheme cannot reach another scheme's records through any URL, and each
refused attempt is audited.

Every URL goes through the one access gate (`linkwork.accounts.gate`): a page the user's roles
may not use answers 403; a record of another organisation or scheme answers 404; each refusal
writes one `access.denied` event naming the page and the record, and nothing else is written.
The walk below classifies every URL pattern, so a page added later must say how it is gated.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from linkwork.accounts.models import Role, User
from linkwork.api.actions import issue_api_token
from linkwork.audit.models import AuditEvent
from linkwork.casework.models import Appointment, PlanAction
from linkwork.evaluation_reports.models import EvaluationRequest
from linkwork.groups.actions import create_group
from linkwork.healthcheck.actions import add_action, submit_self_assessment
from linkwork.healthcheck.questionnaire import questionnaire
from linkwork.insights.models import ExtractRequest
from linkwork.interop.gp_events.models import ExportBatch
from linkwork.interop.webhooks.models import (
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from linkwork.notifications.models import Alert, InboundMessage, Message
from linkwork.outcomes.actions import raise_flag
from linkwork.outcomes.models import FlagKind
from linkwork.prescription.actions import create_link
from linkwork.records.models import ReviewItem, RightsRequest
from linkwork.support.models import SupervisionSession
from tests.conftest import World, signed_in
from tests.factories import (
    ConnectionFactory,
    DirectoryOrganizationFactory,
    FollowUpFactory,
    GoalFactory,
    MembershipFactory,
    OrganisationFactory,
    ServiceFactory,
    SupportPlanFactory,
    UserFactory,
)


def record_urls(referral) -> list[str]:  # type: ignore[no-untyped-def]
    """Every URL that shows a scheme A person or referral."""
    return [
        reverse("people:detail", args=[referral.person_id]),
        reverse("referrals:detail", args=[referral.pk]),
    ]


OUTSIDERS = ["link_worker_b", "provider", "analyst", "curator", "admin"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", OUTSIDERS)
def test_record_urls_outside_scheme_give_404_and_audit(client, world: World, referral_a, persona):
    user = getattr(world, persona)
    signed_in(client, user)
    for url in record_urls(referral_a):
        response = client.get(url)
        assert response.status_code == 404, url
    denied = AuditEvent.objects.filter(action="access.denied", actor=user)
    assert denied.count() == len(record_urls(referral_a))
    assert {event.path for event in denied} == set(record_urls(referral_a))


@pytest.mark.django_db
def test_other_scheme_referral_not_listed(client, world: World, referral_a):
    signed_in(client, world.link_worker_b)
    response = client.get(reverse("referrals:list"))
    assert response.status_code == 200
    assert referral_a.reference not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["link_worker_a", "scheme_lead_a", "referrer"])
def test_record_urls_inside_scope_are_shown(client, world: World, referral_a, persona):
    signed_in(client, getattr(world, persona))
    for url in record_urls(referral_a):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_person_view_writes_audit_event(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    client.get(reverse("people:detail", args=[referral_a.person_id]))
    event = AuditEvent.objects.get(action="person.viewed")
    assert event.actor == world.link_worker_a
    assert event.object_type == "people.person"
    assert event.object_id == str(referral_a.person_id)
    assert event.ip_address == "127.0.0.1"
    # The audit row holds identifiers only, never the person's name.
    assert "Ann" not in str(event.detail)


@pytest.mark.django_db
def test_unknown_record_gives_404_and_audit(client, world: World):
    signed_in(client, world.link_worker_a)
    url = reverse("referrals:detail", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=world.link_worker_a).exists()


@pytest.mark.django_db
def test_audit_page_refused_to_non_admin(client, world: World):
    signed_in(client, world.link_worker_a)
    response = client.get(reverse("audit:search"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=world.link_worker_a).exists()


@pytest.mark.django_db
def test_audit_page_searches_for_admin(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    client.get(reverse("people:detail", args=[referral_a.person_id]))
    signed_in(client, world.admin)
    response = client.get(reverse("audit:search"), {"action": "person.viewed"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "person.viewed" in body
    assert world.link_worker_a.email in body
    assert "1 entry" in body


@pytest.mark.django_db
def test_audit_search_bad_date_names_field(client, world: World):
    signed_in(client, world.admin)
    response = client.get(reverse("audit:search"), {"since": "yesterday"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the from date as YYYY-MM-DD" in body
    assert 'href="#id_since"' in body


@pytest.mark.django_db
def test_anonymous_user_sent_to_login(client, referral_a):
    response = client.get(reverse("people:detail", args=[referral_a.person_id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Walking every URL ------------------------------------------------------------------------
#
# Each pattern of the URL configuration is public, open to any signed-in user, or restricted.
# A restricted one names a persona whose roles may not use the page (answered 403) and, for a
# page about one record, a persona of another organisation or scheme who may use the page but
# not on this record (answered 404). None where no such persona exists: a record page any role
# may open when the record is theirs to see has no wrong role; a page without a record in its
# URL has no other scope.

# Anyone: statements, the sign-in pages (which ask for a password, then the second factor),
# the public self-referral form, the public Open Referral UK API, and the internal API's own
# description and error pages.
PUBLIC = {
    "core:healthz",
    "core:accessibility",
    "core:privacy",
    "accounts:login",
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:logout",
    # "Forgotten your password?": asking for a link, and following it.
    "accounts:password_reset",
    "accounts:password_reset_sent",
    "accounts:password_reset_link",
    "accounts:password_reset_new",
    "refer",
    "refer_easy_read",
    "refer_done",
    "oruk:openapi-json",
    "oruk:about",
    "oruk:api-root",
    "oruk:not-found",
    "oruk:list_services",
    "oruk:get_service",
    "oruk:list_services_at_locations",
    "oruk:get_service_at_location",
    "oruk:list_organizations",
    "oruk:get_organization",
    "oruk:list_taxonomies",
    "oruk:get_taxonomy",
    "oruk:list_taxonomy_terms",
    "oruk:get_taxonomy_term",
    "api_v1:openapi-json",
    "api_v1:openapi-view",
    "api_v1:problem-type",
    "api_v1:api-root",
    "api_v1:not-found",
    # The FHIR API's CapabilityStatement, and its 404 for addresses it does not publish.
    "fhir:metadata",
    "fhir:not-found",
    # A link worker's calendar feed: its secret address is its key (a wrong one is 404).
    "casework:calendar_feed",
    # The person's own prescription and feedback survey: no login, reached by a single-use
    # link; an unknown, used, expired or revoked link answers one page that names no one.
    "prescription:open",
    "prescription:page",
    "prescription:survey_open",
    "prescription:survey",
    "prescription:survey_done",
}
# Paths of patterns without a name: the admin site's login page redirects to ours.
PUBLIC_PATHS = {"/django-admin/login/"}
# Django's admin site keeps its own gate (staff accounts only) and holds no personal data.
OWN_GATE_NAMESPACES = {"admin"}
# Any signed-in user: the home page shows one section for each role held, nothing otherwise;
# the notification centre lists the user's own notifications and their email choices;
# everyone may change their own password.
SIGNED_IN = {
    "web:home",
    "accounts:change_password",
    "notification_centre:index",
    "notification_centre:read_all",
    "notification_centre:settings",
}


@dataclass(frozen=True)
class Gated:
    wrong_role: str | None
    other_scope: str | None


CASEWORK = Gated(wrong_role="referrer", other_scope="link_worker_b")
PROVIDER_RECORD = Gated(wrong_role="link_worker_a", other_scope="provider_b")
PAGE = {  # restricted pages without a record in the URL, and who may not use them
    "audit:search": "link_worker_a",
    "referrals:list": "provider",
    "referrals:new": "analyst",
    "referrals:new_person": "analyst",
    "referrals:new_details": "analyst",
    "referrals:new_check": "analyst",
    "referrals:sent": "analyst",
    "referrals:triage_queue": "link_worker_a",
    "casework:caseload": "referrer",
    # Appointments: a link worker's own diary and calendar address; the scheme's for leads.
    "casework:diary": "referrer",
    "casework:calendar": "provider",
    "casework:scheme_diary": "link_worker_a",
    "casework:capacity": "link_worker_a",
    "casework:inbox": "link_worker_a",
    "casework:provider_services": "link_worker_a",
    "notifications:my_referrals": "link_worker_a",
    "notifications:failed": "link_worker_a",
    "notifications:print_queue": "referrer",
    "notifications:unmatched_replies": "scheme_lead_a",
    "notifications:templates": "scheme_lead_a",
    "directory:search": "nobody",
    "directory:service": "nobody",
    "directory:duplicates": "provider",
    "directory:merge": "provider",
    "directory:new": "link_worker_a",
    "directory:tips": "provider",
    "insights:extract": "link_worker_a",
    # Insights: aggregates for scheme leads, analysts and admins; never a person's record.
    "insights:index": "link_worker_a",
    "insights:dashboard": "link_worker_a",
    "insights:xlsx": "referrer",
    "insights:table_csv": "provider",
    "insights:quarterly_return": "link_worker_a",
    # The standard evaluation of a scheme: analysts and scheme leads only.
    "evaluation_reports:evaluation": "link_worker_a",
    # Webhooks: an organisation's admins, for their own organisation's endpoints.
    "webhooks:endpoints": "link_worker_a",
    "webhooks:new": "link_worker_a",
    "webhooks:dead": "link_worker_a",
    "webhooks:replay_all": "link_worker_a",
    # Records and rights: the organisation's admins only.
    "records:requests": "link_worker_a",
    "records:new_request": "link_worker_a",
    "records:review": "link_worker_a",
    "records:rules": "link_worker_a",
    # Coded events for GP records: scheme leads and the host organisation's admins export
    # them; a GP practice's referrers see their own practice's exports.
    "gp_events:index": "link_worker_a",
    # Link worker support: link workers and scheme leads; the overview and settings for
    # leads; training, the check-in and the peer entry for link workers themselves.
    "support:index": "referrer",
    "support:overview": "link_worker_a",
    "support:settings": "link_worker_a",
    "support:new_session": "provider",
    "support:training": "scheme_lead_a",
    "support:wellbeing": "scheme_lead_a",
    "support:peers": "analyst",
    "support:peer_profile": "scheme_lead_a",
    # Group sessions: the providers, link workers and leads who run groups.
    "groups:index": "referrer",
    "groups:new": "analyst",
    # The scheme health check: scheme leads, and the host organisation's admins and analysts.
    "healthcheck:index": "link_worker_a",
    # Running the service (/manage/): system admins only.
    "administration:index": "link_worker_a",
    "administration:organisations": "link_worker_a",
    "administration:organisation_new": "scheme_lead_a",
    "administration:schemes": "scheme_lead_a",
    "administration:scheme_new": "scheme_lead_a",
    "administration:users": "scheme_lead_a",
    "administration:user_new": "scheme_lead_a",
    "administration:instruments": "analyst",
    # Feedback results per service: curators, and providers for their own services.
    "prescription:feedback": "link_worker_a",
}
WEBHOOK_RECORD = Gated(wrong_role="link_worker_a", other_scope="admin_b")
RESTRICTED: dict[str, Gated] = {
    **{name: Gated(wrong_role=persona, other_scope=None) for name, persona in PAGE.items()},
    "people:detail": Gated(wrong_role=None, other_scope="link_worker_b"),
    "people:edit": CASEWORK,
    "referrals:detail": Gated(wrong_role=None, other_scope="link_worker_b"),
    "referrals:triage": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    "referrals:triage_decide": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    "referrals:match_decide": CASEWORK,
    # The referring organisation's referrers, or a lead of the referral's scheme.
    "referrals:withdraw": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    "casework:assign": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    "casework:contacts": CASEWORK,
    "casework:appointments": CASEWORK,
    "casework:appointment": CASEWORK,
    "casework:appointment_ics": CASEWORK,
    "casework:notes": CASEWORK,
    "casework:timeline": CASEWORK,
    "casework:plan": CASEWORK,
    "casework:plan_letter": CASEWORK,
    "casework:goal": CASEWORK,
    "casework:plan_action": CASEWORK,
    "casework:connections": CASEWORK,
    "casework:connect": CASEWORK,
    "casework:connection": CASEWORK,
    "casework:follow_up": CASEWORK,
    "casework:discharge": CASEWORK,
    "casework:inbox_connection": PROVIDER_RECORD,
    "casework:service_availability": PROVIDER_RECORD,
    "outcomes:trajectories": CASEWORK,
    # The person's own prescription: the case's link worker and scheme leads.
    "prescription:case": CASEWORK,
    "prescription:revoke": CASEWORK,
    "prescription:print": CASEWORK,
    "prescription:feedback_service": PROVIDER_RECORD,
    # The contact details on people's prescription pages: leads of the scheme (and admins who
    # operate the platform).
    "prescription:scheme_contact": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    "outcomes:record": CASEWORK,
    "outcomes:flag": CASEWORK,
    "notifications:referral_messages": Gated(wrong_role=None, other_scope="link_worker_b"),
    "notifications:message": Gated(wrong_role=None, other_scope="link_worker_b"),
    "notifications:letter": Gated(wrong_role=None, other_scope="link_worker_b"),
    "notifications:retry": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    "notifications:mark_printed": Gated(wrong_role="referrer", other_scope="link_worker_b"),
    # Unmatched replies belong to no scheme: admins who run the service match them.
    "notifications:match_reply": Gated(wrong_role="scheme_lead_a", other_scope=None),
    # GOV.UK Notify's callbacks: a bearer token from settings, never a session.
    "notify_callbacks:delivery_status": Gated(wrong_role=None, other_scope=None),
    "notify_callbacks:received_text": Gated(wrong_role=None, other_scope=None),
    # A notification (here link worker A's): its recipient only, whatever another's role.
    "notification_centre:open": Gated(wrong_role=None, other_scope="link_worker_b"),
    "notification_centre:read": Gated(wrong_role=None, other_scope="link_worker_b"),
    "directory:edit": PROVIDER_RECORD,
    "directory:verify": PROVIDER_RECORD,
    "directory:schedules": PROVIDER_RECORD,
    "directory:venues": PROVIDER_RECORD,
    "directory:costs": PROVIDER_RECORD,
    # Any listing may get a tip from those who read tips; a provider reads none.
    "directory:add_tip": Gated(wrong_role="provider", other_scope=None),
    "directory:suggestions": Gated(wrong_role="provider", other_scope=None),
    # The internal API: callers sign in with a token (another organisation's token: 404) or,
    # for recommendations, with a session (a role that does no casework: 403).
    "api_v1:referrals": Gated(wrong_role=None, other_scope=None),
    "api_v1:referral": Gated(wrong_role=None, other_scope="token_b"),
    "api_v1:withdraw": Gated(wrong_role=None, other_scope="token_b"),
    "api_v1:recommendations": Gated(wrong_role="referrer", other_scope="link_worker_b"),
    # The FHIR API: an organisation's token (another organisation's token: 404), never a
    # session; a search finds only the caller's own Tasks, so it has no other scope.
    "fhir:transaction": Gated(wrong_role=None, other_scope=None),
    "fhir:task-search": Gated(wrong_role=None, other_scope=None),
    "fhir:task": Gated(wrong_role=None, other_scope="token_b"),
    "fhir:service-request": Gated(wrong_role=None, other_scope="token_b"),
    # An extract is downloaded by the one who asked for it (here the admin) or an admin.
    "insights:extract_download": Gated(wrong_role="link_worker_a", other_scope="analyst"),
    # A report is downloaded by the one who asked for it (here the analyst) and no one else.
    "evaluation_reports:download": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_a"),
    "webhooks:deactivate": WEBHOOK_RECORD,
    "webhooks:rotate": WEBHOOK_RECORD,
    "webhooks:replay": WEBHOOK_RECORD,
    # A rights request or a record due for review: admins of its own organisation only.
    "records:request": Gated(wrong_role="link_worker_a", other_scope="admin_b"),
    "records:export": Gated(wrong_role="link_worker_a", other_scope="admin_b"),
    "records:review_item": Gated(wrong_role="link_worker_a", other_scope="admin_b"),
    # The retention rules apply to every organisation: admins who operate the platform.
    "records:rule": Gated(wrong_role="link_worker_a", other_scope=None),
    # A GP events export: leads of its scheme, admins of the scheme's host, and referrers of
    # the GP practice it was made for.
    "gp_events:batch": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    "gp_events:batch_csv": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    "gp_events:batch_fhir": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    # A lost authenticator: admins, for accounts of the organisations they administer.
    "accounts:reset_two_factor": Gated(wrong_role="link_worker_a", other_scope="admin_b"),
    # A scheme's link workers: that scheme's leads only.
    "accounts:scheme_link_workers": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    "accounts:remove_link_worker": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    # A scheme's health check (self-assessment and action plan): leads of the scheme and
    # admins of its host only.
    **{
        f"healthcheck:{name}": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b")
        for name in (
            "self_assessment",
            "self_assessment_history",
            "self_assessment_record",
            "actions",
            "action_new",
            "action_edit",
            "action_status",
        )
    },
    # A supervision session: its two people and the scheme's leads; its notes: the two only.
    "support:session": Gated(wrong_role="referrer", other_scope="link_worker_b"),
    "support:session_notes": Gated(wrong_role="referrer", other_scope="link_worker_b"),
    # A group of the provider's organisation and a session's register: its providers only.
    "groups:group": Gated(wrong_role="referrer", other_scope="provider_b"),
    # Changing and closing a group: whoever may open it.
    "groups:edit": Gated(wrong_role="referrer", other_scope="provider_b"),
    "groups:close": Gated(wrong_role="referrer", other_scope="provider_b"),
    "groups:session": Gated(wrong_role="referrer", other_scope="provider_b"),
    # A scheme's health check: leads of that scheme, admins and analysts of its host only.
    "healthcheck:scheme": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    "healthcheck:pdf": Gated(wrong_role="link_worker_a", other_scope="scheme_lead_b"),
    # The installation's own records, for system admins: there is no other scope to refuse.
    **{
        f"administration:{name}": Gated(wrong_role="scheme_lead_a", other_scope=None)
        for name in (
            "organisation",
            "organisation_active",
            "tokens",
            "token_rotate",
            "token_revoke",
            "scheme",
            "user",
            "user_active",
            "membership_remove",
        )
    },
}
# What a refused form would have written, had the gate let it through.
EVERY_FORM = {
    "step": "cancel",
    "reason": "goals_met",
    "form": "answer",
    "decision": "accept",
    "note-text": "A note.",
    "keep": "",
    "duplicate": "",
}
# Rows that change on every request whatever the answer, and a token's last use, which
# authentication marks before the gate is asked.
NOT_COMPARED = {"audit.AuditEvent", "sessions.Session"}
NOT_COMPARED_FIELDS = {"api.ApiToken": "last_used_at"}


@dataclass
class Walk:
    """Scheme A's records, one of each kind a URL takes, and the callers of the walk."""

    world: World
    referral: Any
    params: dict[str, object]
    clients: dict[str, Client]
    users: dict[str, Any]


def _member_of(role: Role, organisation: Any, scheme: Any = None) -> Any:
    user = UserFactory(totp=True)
    MembershipFactory(user=user, organisation=organisation, scheme=scheme, role=role)
    return user


def url_parameters(world: World, referral: Any) -> dict[str, object]:
    """A value for every parameter a URL takes: scheme A's records, one of each kind, and a
    service of the provider's own organisation."""
    plan = SupportPlanFactory(referral=referral)
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    service = ServiceFactory(organization=listing)
    message = Message.objects.create(
        referral=referral,
        audience="referrer",
        event="accepted",
        channel="email",
        recipient_address="gp@example.org",
        subject="Referral accepted",
        body="Accepted.",
        status="failed",
    )
    return {
        "person_id": referral.person_id,
        "referral_id": referral.pk,
        "goal_id": GoalFactory(plan=plan).pk,
        "action_id": PlanAction.objects.create(plan=plan, what="Call", who="Sam").pk,
        "connection_id": ConnectionFactory(referral=referral, service=service).pk,
        "follow_up_id": FollowUpFactory(referral=referral).pk,
        "appointment_id": Appointment.objects.create(
            referral=referral,
            link_worker=world.link_worker_a,
            starts_at=timezone.now() + dt.timedelta(days=2),
            duration_minutes=60,
            mode="phone",
            created_by=world.link_worker_a,
            updated_by=world.link_worker_a,
        ).pk,
        "service_id": service.pk,
        "message_id": message.pk,
        "alert_id": Alert.objects.create(
            recipient=world.link_worker_a,
            kind="overdue",
            text=f"Follow-up for referral {referral.reference} is overdue",
            link=f"/referrals/{referral.pk}/",
            referral=referral,
        ).pk,
        "flag_id": raise_flag(
            by=world.link_worker_a, referral=referral, kind=FlagKind.SELF_HARM
        ).pk,
        "instrument": "swemwbs",
        "id": referral.pk,
        "slug": "invalid-transition",
        "extract_id": ExtractRequest.objects.create(
            requested_by=world.admin, file_format="csv", status="done"
        ).pk,
        "evaluation_id": EvaluationRequest.objects.create(
            requested_by=world.analyst, scheme=world.scheme_a, analyses=["change"], status="done"
        ).pk,
        "dashboard": "referrals",
        "table": "referrals_by_route",
        **webhook_parameters(world, referral),
        "request_id": RightsRequest.objects.create(
            organisation=world.scheme_a.host,
            person=referral.person,
            kind="access",
            received_on=dt.date(2026, 1, 31),
            due_on=dt.date(2026, 2, 28),
            requester="person",
            recorded_by=world.admin,
        ).pk,
        "item_id": ReviewItem.objects.create(
            record_class="person_record",
            organisation=world.scheme_a.host,
            object_type="people.person",
            object_id=str(referral.person_id),
            last_activity=dt.date(2017, 1, 1),
            due_on=dt.date(2025, 1, 1),
        ).pk,
        "record_class": "person_record",
        # An account (a link worker of scheme A), its scheme, and a reset link that is not one.
        "user_id": world.link_worker_a.pk,
        "scheme_id": world.scheme_a.pk,
        "uidb64": "MQ",
        "token": "not-a-token",
        "batch_id": ExportBatch.objects.create(
            scheme=world.scheme_a, practice=world.practice, exported_by=world.scheme_lead_a
        ).pk,
        "session_id": SupervisionSession.objects.create(
            scheme=world.scheme_a,
            supervisee=world.link_worker_a,
            supervisor=world.scheme_lead_a,
            held_on=dt.date(2026, 1, 12),
            kind="clinical",
            duration_minutes=60,
            notes="Talked about a hard week.",
            recorded_by=world.scheme_lead_a,
        ).pk,
        **health_check_parameters(world),
        **administration_parameters(world),
        **group_parameters(world, service),
        "link_id": create_link(by=world.link_worker_a, referral=referral, send=False).link.pk,
        "reply_id": InboundMessage.objects.create(
            provider_id="walk-reply", source_number="07700900999", body="Who is this?"
        ).pk,
    }


def group_parameters(world: World, service: Any) -> dict[str, object]:
    """A weekly group of the provider's organisation, and one of its sessions."""
    group = create_group(
        by=world.provider,
        name="Walk and Talk",
        service=service,
        venue="The park cafe",
        recurrence="weekly",
        weekday=1,
        starts_at=dt.time(10, 30),
        first_on=dt.date(2026, 1, 6),
        capacity=10,
        organisation=world.provider_org,
        today=dt.date(2026, 1, 6),
    )
    return {"group_id": group.pk, "group_session_id": group.sessions.first().pk}


def health_check_parameters(world: World) -> dict[str, object]:
    """Scheme A, a self-assessment of it and an action of its plan."""
    assessment = submit_self_assessment(
        by=world.scheme_lead_a,
        scheme=world.scheme_a,
        answers={q.id: "good" for q in questionnaire().questions},
    )
    action = add_action(
        by=world.scheme_lead_a,
        scheme=world.scheme_a,
        level="policy",
        setting="community",
        what="Ask the council about grants",
        owner=world.scheme_lead_a,
        due_on=dt.date(2030, 1, 1),
    )
    return {
        "scheme_id": world.scheme_a.pk,
        "assessment_id": assessment.pk,
        "health_action_id": action.pk,
    }


def administration_parameters(world: World) -> dict[str, object]:
    """The records the service's management pages take, beside the scheme and the user
    (link worker A) above: an organisation and its API token, and the user's role."""
    token, _ = issue_api_token(by=None, organisation=world.practice, name="Practice system")
    return {
        "organisation_id": world.practice.pk,
        "token_id": token.pk,
        "membership_id": world.link_worker_a.memberships.get().pk,
    }


def webhook_parameters(world: World, referral: Any) -> dict[str, object]:
    """An endpoint of the admin's organisation, and a delivery to it that gave up."""
    endpoint = WebhookEndpoint.objects.create(
        organisation=world.scheme_a.host,
        name="Case system",
        url="https://cases.example.org/hooks",
        events=EventType.values,
        secret="whsec_walk",
    )
    event = WebhookEvent.objects.create(
        type=EventType.REFERRAL_STATUS_CHANGED,
        resource_type="Task",
        resource_id=str(referral.pk),
        organisation=world.scheme_a.host,
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, status=DeliveryStatus.DEAD, next_attempt_at=None
    )
    return {"endpoint_id": endpoint.pk, "delivery_id": delivery.pk}


@pytest.fixture
def walk(world: World, referral_a) -> Walk:  # type: ignore[no-untyped-def]
    users = {
        **{name: value for name, value in vars(world).items() if isinstance(value, User)},
        "scheme_lead_b": _member_of(Role.SCHEME_LEAD, world.scheme_b.host, world.scheme_b),
        "provider_b": _member_of(Role.PROVIDER, OrganisationFactory(kind="vcse")),
        "nobody": UserFactory(totp=True),
        "admin_b": _member_of(Role.ADMIN, world.scheme_b.host),
    }
    clients = {name: signed_in(Client(), user) for name, user in users.items()}
    _, secret = issue_api_token(by=None, organisation=OrganisationFactory(), name="Other")
    clients["token_b"] = Client(headers={"Authorization": f"Bearer {secret}"})
    clients["anonymous"] = Client()
    params = url_parameters(world, referral_a)
    return Walk(world, referral_a, params, clients, users)


class Found(NamedTuple):
    name: str  # "" for a pattern without a name
    url: str
    parameters: frozenset[str]


def every_url(params: dict[str, object]) -> list[Found]:
    """Every pattern of the URL configuration, with its parameters filled in from `params`;
    a pattern whose parameter has no value fails the walk."""
    found: list[Found] = []

    def walk(patterns: list[Any], namespace: str = "", prefix: str = "/") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in OWN_GATE_NAMESPACES:
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            elif pattern.name is None:
                found.append(Found("", prefix + str(pattern.pattern), frozenset()))
            else:
                names = frozenset(pattern.pattern.converters)
                assert names <= set(params), f"{pattern.name}: no value for {names - set(params)}"
                name = f"{namespace}{pattern.name}"
                url = reverse(name, kwargs={n: params[n] for n in names})
                found.append(Found(name, url, names))

    walk(get_resolver().url_patterns)
    return found


def rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table but the audit log and the sessions, to compare."""
    return {
        model._meta.label: [
            {key: value for key, value in row.items() if key != NOT_COMPARED_FIELDS.get(label)}
            for row in model._default_manager.order_by("pk").values()
        ]
        for model in apps.get_models()
        if (label := model._meta.label) not in NOT_COMPARED
    }


def refusal_problems(walk: Walk, persona: str, name: str, url: str, status: int) -> list[str]:
    """Ask `url` as `persona` by GET and by POST: each method the URL takes must answer
    `status` with one `access.denied` event that names the page and, for 404, the record."""
    problems: list[str] = []
    client = walk.clients[persona]
    answered = 0
    for method in ("get", "post"):
        before = AuditEvent.objects.count()
        response = getattr(client, method)(url, EVERY_FORM if method == "post" else None)
        if response.status_code == 405:
            continue
        answered += 1
        if response.status_code != status:
            problems.append(f"{method.upper()} {url} as {persona}: {response.status_code}")
            continue
        added = list(AuditEvent.objects.order_by("id")[before:])
        if [event.action for event in added] != ["access.denied"]:
            problems.append(f"{method.upper()} {url} as {persona}: wrote {added}")
            continue
        event = added[0]
        expected_actor = walk.users.get(persona)
        ids = {str(value) for value in walk.params.values()}
        if (
            event.actor != expected_actor
            or event.path != url
            or event.detail.get("page") != name
            or event.detail.get("status") != status
            or (status == 404 and (not event.object_type or event.object_id not in ids))
            or (status != 404 and event.object_id)
        ):
            problems.append(f"{method.upper()} {url} as {persona}: event {event.detail}")
    if not answered:
        problems.append(f"{url}: neither GET nor POST reached the gate")
    return problems


@pytest.mark.django_db
def test_every_url_is_public_signed_in_or_gated(walk: Walk):
    named = {found.name for found in every_url(walk.params) if found.name}
    paths = {found.url for found in every_url(walk.params) if not found.name}
    assert named == PUBLIC | SIGNED_IN | set(RESTRICTED)
    assert paths == PUBLIC_PATHS
    assert not PUBLIC & set(RESTRICTED)


@pytest.mark.django_db
def test_every_restricted_url_answers_the_wrong_role_403_and_audits(walk: Walk):
    before = rows()
    problems: list[str] = []
    checked = 0
    for name, url, _ in every_url(walk.params):
        persona = RESTRICTED[name].wrong_role if name in RESTRICTED else None
        if persona is not None:
            problems += refusal_problems(walk, persona, name, url, 403)
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked == sum(1 for gated in RESTRICTED.values() if gated.wrong_role)
    assert rows() == before, "a refused request wrote something"


@pytest.mark.django_db
def test_every_record_url_answers_another_scope_404_and_audits(walk: Walk):
    before = rows()
    problems: list[str] = []
    checked = 0
    for name, url, _ in every_url(walk.params):
        persona = RESTRICTED[name].other_scope if name in RESTRICTED else None
        if persona is not None:
            problems += refusal_problems(walk, persona, name, url, 404)
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked == sum(1 for gated in RESTRICTED.values() if gated.other_scope)
    assert walk.referral.status == "active"
    assert rows() == before, "a refused request wrote something"


@pytest.mark.django_db
def test_every_url_but_the_public_ones_needs_signing_in(walk: Walk):
    anonymous = walk.clients["anonymous"]
    for name, url, _ in every_url(walk.params):
        if name in PUBLIC or not name:
            continue
        before = AuditEvent.objects.count()
        response = anonymous.get(url)
        if response.status_code == 405:
            response = anonymous.post(url, {}, content_type="application/json")
        if name.startswith(("api_v1:", "fhir:", "notify_callbacks:")):
            # The API's 401 is a refusal too: audited, naming the page.
            assert response.status_code == 401, url
            (event,) = AuditEvent.objects.order_by("id")[before:]
            assert (event.action, event.actor, event.path) == ("access.denied", None, url)
            assert (event.detail["page"], event.detail["status"]) == (name, 401)
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url


def _writes_refusal(node: ast.AST) -> bool:
    """A call that passes action="access.denied", other than a query's filter."""
    return (
        isinstance(node, ast.Call)
        and not (isinstance(node.func, ast.Attribute) and node.func.attr == "filter")
        and any(
            keyword.arg == "action"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value == "access.denied"
            for keyword in node.keywords
        )
    )


def _raises_forbidden(node: ast.AST) -> bool:
    raised = node.exc if isinstance(node, ast.Raise) else None
    if isinstance(raised, ast.Call):
        raised = raised.func
    return isinstance(raised, ast.Name) and raised.id == "PermissionDenied"


def test_only_the_gate_refuses():
    """No view answers 403, or writes a refusal, by hand: the gate does both."""
    root = Path(__file__).resolve().parents[2] / "linkwork"
    found = [
        f"{path}:{getattr(node, 'lineno', 0)}"
        for path in root.rglob("*.py")
        if path.name != "gate.py" and "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text()))
        if _writes_refusal(node) or _raises_forbidden(node)
    ]
    assert not found, "refused by hand, not through linkwork.accounts.gate:\n" + "\n".join(found)


# --- Record URLs and another scheme -----------------------------------------------------------


def personal_record_urls(walk: Walk) -> list[Found]:
    """Every page in the project that takes a person or referral id, filled in for scheme A's
    referral (with one of each of its records for the URLs that take more ids).

    Walking the URL configuration means a record page added later is covered automatically.
    """
    return [
        found
        for found in every_url(walk.params)
        if found.name not in PUBLIC and found.parameters & {"person_id", "referral_id"}
    ]


@pytest.mark.django_db
def test_every_record_url_refuses_other_scheme(walk: Walk, referral_a):
    urls = personal_record_urls(walk)
    assert set(record_urls(referral_a)) <= {found.url for found in urls}
    assert "outcomes:record" in {found.name for found in urls}, "extra parameters are filled in"
    for name, url, _ in urls:
        persona = RESTRICTED[name].other_scope
        assert persona is not None, name
        response = walk.clients[persona].get(url)
        if response.status_code == 405:  # a form's target: try it the way the form does
            response = walk.clients[persona].post(url)
        assert response.status_code == 404, url
    denied = AuditEvent.objects.filter(action="access.denied")
    assert denied.count() == len(urls)


@pytest.mark.django_db
def test_every_record_url_refuses_writes_from_other_scheme(walk: Walk, referral_a):
    urls = personal_record_urls(walk)
    before = AuditEvent.objects.exclude(action="access.denied").count()
    for name, url, _ in urls:
        client = walk.clients[RESTRICTED[name].other_scope or ""]
        assert client.post(url, {"step": "cancel", "reason": "goals_met"}).status_code in (
            404,
            405,
        ), url
    referral_a.refresh_from_db()
    assert referral_a.status == "active"
    # Nothing but the refusals was written.
    assert AuditEvent.objects.exclude(action="access.denied").count() == before


# The internal API's referral endpoints take an organisation's token, never a session.
TOKEN_ONLY = {
    "api_v1:referrals",
    "api_v1:referral",
    "api_v1:withdraw",
    "fhir:transaction",
    "fhir:task-search",
    "fhir:task",
    "fhir:service-request",
    "notify_callbacks:delivery_status",
    "notify_callbacks:received_text",
}


@pytest.mark.django_db
def test_every_restricted_url_refuses_a_user_with_no_role(walk: Walk):
    """Signed in with two factors but holding no role: every restricted page answers 403 and
    every record page 403 or 404 (the record is not theirs to know of), by GET and by POST,
    each refusal audited, nothing written. A page added without a check fails here."""
    before = rows()
    problems: list[str] = []
    for name, url, _ in every_url(walk.params):
        if name not in RESTRICTED:
            continue
        expected = 404 if RESTRICTED[name].other_scope and name not in PAGE else 403
        if name in TOKEN_ONLY:
            expected = 401  # a signed-in session is no API token
        found = refusal_problems(walk, "nobody", name, url, expected)
        if found and expected == 404:
            # A role gate before the record's scope answers 403 for a user with no role.
            found = refusal_problems(walk, "nobody", name, url, 403)
        problems += found
    assert not problems, "\n".join(problems)
    assert rows() == before, "a refused request wrote something"


ESCAPED_MARKUP = re.compile(r"&lt;/?(?:a|p|span|br|strong|ul|li|div|form|h[1-6])[\s&/]")


@pytest.mark.django_db
def test_no_page_shows_its_own_markup_as_text(walk: Walk):
    """Every page each persona may open renders its markup: nothing the templates built (a link,
    a paragraph) arrives escaped, as happens when markup is joined to escaped text with `~`."""
    problems = []
    for found in every_url(walk.params):
        for persona in (
            "link_worker_a",
            "scheme_lead_a",
            "provider",
            "admin",
            "referrer",
            "curator",
        ):
            client = walk.clients.get(persona)
            if client is None:
                continue
            response = client.get(found.url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            body = response.content.decode()
            if shown := ESCAPED_MARKUP.search(body):
                problems.append(
                    f"{found.url} as {persona}: {body[shown.start() : shown.end() + 40]}"
                )
    assert not problems, problems
