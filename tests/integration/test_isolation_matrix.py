"""Tenant isolation, record type by record type and role by role (issue 16, item 4).

Two tenants, A and B, are built alike: a scheme and its host, a GP practice that refers into
it, a provider with a listed service, one user of every role, and one of every record that
holds personal data. Every URL that reads or writes such a record by its id is asked, by GET
and by POST (and, on the FHIR API, by PUT and PATCH), by each role and API token of tenant A
about tenant A's record ("own"), tenant B's record ("other") and, for a URL naming two records,
tenant A's referral with tenant B's record ("mixed"). `MATRIX` below is the promise, one
readable row per URL (or per kind of record a URL takes: "fhir:task@connection"); the test
fails on any cell that answers otherwise, and names the cell.

Beyond the status, every cell proves:
- a refusal (401, 403, 404) writes one `access.denied` audit event naming the caller, the
  page and (for 404) the record, and writes nothing else;
- no answer, allowed or refused, holds a personal detail of the other tenant's people;
- the JSON API answers its refusals as `application/problem+json`, the FHIR API every error
  as an OperationOutcome (`application/fhir+json`);
- a refused write (POST, PUT, PATCH) changes no row of any table holding records.

The URL list comes from the URL resolver: a URL that takes a parameter and is neither in the
matrix nor in `NOT_PERSONAL` fails `test_every_record_url_is_in_the_matrix` ("unclassified
URL"), so a record page added later must take its place in the table. URLs without a
parameter (lists, queues, dashboards) are asked by every role of tenant A and must never show
tenant B's people (`test_pages_without_a_record_never_show_the_other_tenant`).

The default-deny walk (`test_permissions.py`) asks each URL once with the wrong role and once
from another scope; this matrix asks every role, own and other, so a rule that is right for
one role and wrong for another cannot hide.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from linkwork.accounts.models import OrganisationKind, Role, User
from linkwork.api.actions import issue_api_token
from linkwork.api.models import Scope
from linkwork.audit.models import AuditEvent
from linkwork.casework.models import Appointment, CaseNote, Connection, Contact, PlanAction
from linkwork.evaluation_reports.models import EvaluationRequest
from linkwork.groups.actions import create_group
from linkwork.groups.models import RegisterEntry
from linkwork.insights.models import ExtractRequest
from linkwork.interop.gp_events.actions import export as export_gp_events
from linkwork.interop.webhooks.models import (
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from linkwork.notifications.models import Letter, Message
from linkwork.outcomes import get_instrument
from linkwork.outcomes.actions import raise_flag, record_measure
from linkwork.outcomes.models import FlagKind
from linkwork.people.models import MatchBasis, PersonMatch
from linkwork.people.nhs_number import check_digit, format_nhs_number
from linkwork.prescription.actions import create_link
from linkwork.records.actions import decide_request, record_request
from linkwork.records.models import (
    Decision,
    LegalReason,
    RecordClass,
    Requester,
    RequestKind,
    ReviewItem,
    RightsRequest,
)
from linkwork.referrals.models import Referral
from linkwork.support.models import SupervisionSession
from tests.conftest import shared_by_module, signed_in
from tests.factories import (
    ConnectionFactory,
    DirectoryOrganizationFactory,
    FollowUpFactory,
    GoalFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    SchemeFactory,
    ServiceFactory,
    SupportPlanFactory,
    UserFactory,
)
from tests.integration.interop.test_inbound import bundle as inbound_bundle

# --- The promise ------------------------------------------------------------------------------
#
# Columns: the roles of `linkwork.accounts.models.Role`, then the three API tokens a tenant
# holds (its GP practice's, which refers; its scheme host's, whose case system reads the
# recommendations; its provider's, whose case system answers Tasks over FHIR). Each cell is
# "own/other": the status for the tenant's own record and for the other tenant's. "ok" (POST
# only) is any answer that is not a refusal and not an error (a form shown again, a redirect
# after saving, a 409 conflict): what a form does with the words posted is the business of its
# own tests; here it only matters that it was let in. A page that only shows a record answers a
# POST as it does a GET (CSRF is checked first in real use; the test client skips it). 405: a
# method the URL does not take, answered before any record is looked at. Pages take sessions
# only, so the tokens are asked about the APIs.
#
#   ref  referrer (the tenant's GP practice)      prov  provider (the tenant's listed charity)
#   lw   link worker of the tenant's scheme        cur   directory curator
#   lead scheme lead of the tenant's scheme        anl   analyst of the scheme's host
#   adm  system admin                              tok-ref / tok-host  API tokens
#                                                  tok-prov  the provider's token (FHIR only)
#
# Pages about the referral of a pending person match, triage and the triage decision are asked
# with the tenant's received referral; every other page with its active one.

COLUMNS = ("ref", "lw", "lead", "prov", "cur", "anl", "adm", "tok-ref", "tok-host", "tok-prov")

PAGES = """
url                                    ref      lw       lead     prov     cur      anl      adm
# the person (details, consents, changes)
people:detail                    GET   200/404  200/404  200/404  404/404  404/404  404/404  404/404
people:detail                    POST  ok/404   ok/404   ok/404   404/404  404/404  404/404  404/404
people:edit                      GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
people:edit                      POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
# the referral
referrals:detail                 GET   200/404  200/404  200/404  404/404  404/404  404/404  404/404
referrals:detail                 POST  ok/404   ok/404   ok/404   404/404  404/404  404/404  404/404
referrals:triage                 GET   403/403  403/403  200/404  403/403  403/403  403/403  403/403
referrals:triage                 POST  403/403  403/403  ok/404   403/403  403/403  403/403  403/403
referrals:triage_decide          GET   403/403  403/403  302/404  403/403  403/403  403/403  403/403
referrals:triage_decide          POST  403/403  403/403  ok/404   403/403  403/403  403/403  403/403
casework:assign                  GET   403/403  403/403  200/404  403/403  403/403  403/403  403/403
casework:assign                  POST  403/403  403/403  ok/404   403/403  403/403  403/403  403/403
casework:timeline                GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:timeline                POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
casework:discharge               GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:discharge               POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
referrals:withdraw               GET   200/404  403/403  200/404  403/403  403/403  403/403  403/403
referrals:withdraw               POST  ok/404   403/403  ok/404   403/403  403/403  403/403  403/403
notifications:referral_messages  GET   200/404  200/404  200/404  404/404  404/404  404/404  404/404
notifications:referral_messages  POST  ok/404   ok/404   ok/404   404/404  404/404  404/404  404/404
# the pending match of a new referral's person with one already on record
referrals:match_decide           GET   405/405  405/405  405/405  405/405  405/405  405/405  405/405
referrals:match_decide           POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
# contacts and case notes
casework:contacts                GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:contacts                POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
# appointments: the case's list and booking, one appointment, and its .ics file
casework:appointments            GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:appointments            POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
casework:appointment             GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:appointment             POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
casework:appointment_ics         GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:appointment_ics         POST  405/405  405/405  405/405  405/405  405/405  405/405  405/405
casework:notes                   GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:notes                   POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
# the support plan, its goals and its actions
casework:plan                    GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:plan                    POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
casework:plan_letter             GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:plan_letter             POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
casework:goal                    GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:goal                    POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
casework:plan_action             GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:plan_action             POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
# connections to services, and follow-ups
casework:connections             GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:connections             POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
casework:connect                 GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:connect                 POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
casework:connection              GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
casework:connection              POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
casework:inbox_connection        GET   403/403  403/403  403/403  200/404  403/403  403/403  403/403
casework:inbox_connection        POST  403/403  403/403  403/403  ok/404   403/403  403/403  403/403
casework:follow_up               GET   405/405  405/405  405/405  405/405  405/405  405/405  405/405
casework:follow_up               POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
# outcome measures and safety flags
outcomes:trajectories            GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
outcomes:trajectories            POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
outcomes:record                  GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
outcomes:record                  POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
outcomes:flag                    GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
outcomes:flag                    POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
# messages back to the referrer, and their letters
notifications:message            GET   200/404  200/404  200/404  404/404  404/404  404/404  404/404
notifications:message            POST  ok/404   ok/404   ok/404   404/404  404/404  404/404  404/404
notifications:letter             GET   200/404  200/404  200/404  404/404  404/404  404/404  404/404
notifications:letter             POST  ok/404   ok/404   ok/404   404/404  404/404  404/404  404/404
notifications:retry              GET   405/405  405/405  405/405  405/405  405/405  405/405  405/405
notifications:retry              POST  403/403  403/403  ok/404   403/403  403/403  403/403  403/403
# the print queue's "Printed and posted": link workers and leads of the letter's scheme
notifications:mark_printed       GET   405/405  405/405  405/405  405/405  405/405  405/405  405/405
notifications:mark_printed       POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
# the directory searched for one person's referral (`?for=<referral id>`)
directory:search?for             GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
directory:search?for             POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
# the pseudonymised extract and the evaluation report (asked for by the tenant's analyst)
insights:extract_download        GET   403/403  403/403  403/403  403/403  403/403  200/404  200/200
insights:extract_download        POST  403/403  403/403  403/403  403/403  403/403  ok/404   ok/ok
evaluation_reports:download      GET   403/403  403/403  404/404  403/403  403/403  200/404  403/403
evaluation_reports:download      POST  403/403  403/403  404/404  403/403  403/403  ok/404   403/403
# records and rights, for the host's admins: a subject access request and its export, a granted
# restriction request with the restriction it placed, and a record due for retention review
records:request@access           GET   403/403  403/403  403/403  403/403  403/403  403/403  200/404
records:request@access           POST  403/403  403/403  403/403  403/403  403/403  403/403  ok/404
records:request@restriction      GET   403/403  403/403  403/403  403/403  403/403  403/403  200/404
records:request@restriction      POST  403/403  403/403  403/403  403/403  403/403  403/403  ok/404
records:export                   GET   403/403  403/403  403/403  403/403  403/403  403/403  200/404
records:export                   POST  405/405  405/405  405/405  405/405  405/405  405/405  405/405
records:review_item              GET   403/403  403/403  403/403  403/403  403/403  403/403  200/404
records:review_item              POST  403/403  403/403  403/403  403/403  403/403  403/403  ok/404
# the host's webhook endpoint, and a delivery to it that gave up
webhooks:deactivate              GET   405/405  405/405  405/405  405/405  405/405  405/405  405/405
webhooks:deactivate              POST  403/403  403/403  403/403  403/403  403/403  403/403  ok/404
webhooks:rotate                  GET   405/405  405/405  405/405  405/405  405/405  405/405  405/405
webhooks:rotate                  POST  403/403  403/403  403/403  403/403  403/403  403/403  ok/404
webhooks:replay                  GET   405/405  405/405  405/405  405/405  405/405  405/405  405/405
webhooks:replay                  POST  403/403  403/403  403/403  403/403  403/403  403/403  ok/404
# the coded events exported for the GP practice's records (NHS numbers), for the scheme's lead
# and its host's admins
gp_events:batch                  GET   200/404  403/403  200/404  403/403  403/403  403/403  200/404
gp_events:batch                  POST  405/405  405/405  405/405  405/405  405/405  405/405  405/405
gp_events:batch_csv              GET   200/404  403/403  200/404  403/403  403/403  403/403  200/404
gp_events:batch_csv              POST  405/405  405/405  405/405  405/405  405/405  405/405  405/405
gp_events:batch_fhir             GET   200/404  403/403  200/404  403/403  403/403  403/403  200/404
gp_events:batch_fhir             POST  405/405  405/405  405/405  405/405  405/405  405/405  405/405
# a supervision session of the tenant's link worker, given by its lead, and its private notes
# (the notes: the two people only; `tests/integration/support/` proves a lead who is not one
# of them is refused)
support:session                  GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
support:session                  POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
support:session_notes            GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
support:session_notes            POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
# a group run by the tenant's provider, and a session's register with the tenant's person on it
groups:group                     GET   403/403  404/404  404/404  200/404  403/403  403/403  403/403
groups:group                     POST  405/405  405/405  405/405  405/405  405/405  405/405  405/405
groups:session                   GET   403/403  404/404  404/404  200/404  403/403  403/403  403/403
groups:session                   POST  403/403  404/404  404/404  ok/404   403/403  403/403  403/403
# changing a group's details and closing it, for whoever runs it (a closed group's pages still
# open: the words posted here may close it, in any order of the cells)
groups:edit                      GET   403/403  404/404  404/404  200/404  403/403  403/403  403/403
groups:edit                      POST  403/403  404/404  404/404  ok/404   403/403  403/403  403/403
groups:close                     GET   403/403  404/404  404/404  200/404  403/403  403/403  403/403
groups:close                     POST  403/403  404/404  404/404  ok/404   403/403  403/403  403/403
# the scheme's health check (aggregates and ratings), for its lead and its host's admins and
# analysts, and the same as a PDF
healthcheck:scheme               GET   403/403  403/403  200/404  403/403  403/403  200/404  200/404
healthcheck:scheme               POST  405/405  405/405  405/405  405/405  405/405  405/405  405/405
healthcheck:pdf                  GET   403/403  403/403  200/404  403/403  403/403  200/404  200/404
healthcheck:pdf                  POST  405/405  405/405  405/405  405/405  405/405  405/405  405/405
# the person's own prescription: its links, made, revoked and printed by the case's staff
prescription:case                GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
prescription:case                POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
prescription:revoke              GET   405/405  405/405  405/405  405/405  405/405  405/405  405/405
prescription:revoke              POST  403/403  ok/404   ok/404   403/403  403/403  403/403  403/403
prescription:print               GET   403/403  200/404  200/404  403/403  403/403  403/403  403/403
prescription:print               POST  405/405  405/405  405/405  405/405  405/405  405/405  405/405
"""

# The JSON API, by session (the recommendations only) and by token.
API = """
url                         ref     lw      lead    prov    cur     anl     adm
api_v1:referral        GET  401/401 401/401 401/401 401/401 401/401 401/401 401/401
api_v1:referral        POST 405/405 405/405 405/405 405/405 405/405 405/405 405/405
api_v1:withdraw        GET  405/405 405/405 405/405 405/405 405/405 405/405 405/405
api_v1:withdraw        POST 401/401 401/401 401/401 401/401 401/401 401/401 401/401
api_v1:recommendations GET  403/403 200/404 200/404 403/403 403/403 403/403 403/403
api_v1:recommendations POST 405/405 405/405 405/405 405/405 405/405 405/405 405/405
"""

# The FHIR API takes tokens only: a signed-in session is 401, whatever its role.
FHIR = """
url                                  ref     lw      lead    prov    cur     anl     adm
fhir:task@connection            GET  401/401 401/401 401/401 401/401 401/401 401/401 401/401
fhir:task@connection            PUT  401/401 401/401 401/401 401/401 401/401 401/401 401/401
fhir:task@connection            PATCH 401/401 401/401 401/401 401/401 401/401 401/401 401/401
fhir:task@connection            POST 405/405 405/405 405/405 405/405 405/405 405/405 405/405
fhir:task@referral              GET  401/401 401/401 401/401 401/401 401/401 401/401 401/401
fhir:task@referral              PUT  401/401 401/401 401/401 401/401 401/401 401/401 401/401
fhir:task@referral              PATCH 401/401 401/401 401/401 401/401 401/401 401/401 401/401
fhir:task@referral              POST 405/405 405/405 405/405 405/405 405/405 405/405 405/405
fhir:service-request@connection GET  401/401 401/401 401/401 401/401 401/401 401/401 401/401
fhir:service-request@connection POST 405/405 405/405 405/405 405/405 405/405 405/405 405/405
fhir:service-request@referral   GET  401/401 401/401 401/401 401/401 401/401 401/401 401/401
fhir:service-request@referral   POST 405/405 405/405 405/405 405/405 405/405 405/405 405/405
"""

# The tokens, on the JSON API and the FHIR API. The provider's token holds the `fhir` scope
# only, so the JSON API refuses it before looking at any record (403). On FHIR a Task is asked
# twice: the Task of the tenant's connection to its provider's service (the provider owns it
# and may change its status) and the Task of the tenant's referral (the practice that sent it
# requested it: it may read it, but not set an owner's status, 403). The scheme host's case
# system uses the JSON API and finds no Task here. PUT and PATCH ask to set the status
# `accepted`. Every FHIR refusal is an OperationOutcome; another organisation's resource is
# 404, the same as one that does not exist.
TOKENS = """
url                                   tok-ref tok-host tok-prov
api_v1:referral                 GET   200/404 404/404  403/403
api_v1:referral                 POST  405/405 405/405  405/405
api_v1:withdraw                 GET   405/405 405/405  405/405
api_v1:withdraw                 POST  ok/404  404/404  403/403
api_v1:recommendations          GET   404/404 200/404  403/403
api_v1:recommendations          POST  405/405 405/405  405/405
fhir:task@connection            GET   404/404 404/404  200/404
fhir:task@connection            PUT   404/404 404/404  200/404
fhir:task@connection            PATCH 404/404 404/404  200/404
fhir:task@connection            POST  405/405 405/405  405/405
fhir:task@referral              GET   200/404 404/404  404/404
fhir:task@referral              PUT   403/404 404/404  404/404
fhir:task@referral              PATCH 403/404 404/404  404/404
fhir:task@referral              POST  405/405 405/405  405/405
fhir:service-request@connection GET   404/404 404/404  200/404
fhir:service-request@connection POST  405/405 405/405  405/405
fhir:service-request@referral   GET   200/404 404/404  404/404
fhir:service-request@referral   POST  405/405 405/405  405/405
"""

# URLs that take a parameter but hold no personal data, and why. Everything else that takes a
# parameter must have its rows in the matrix.
NOT_PERSONAL = {
    # A user's own notification: only its recipient reaches it, whatever their role.
    "notification_centre:open": "a user's own notification",
    "notification_centre:read": "a user's own notification",
    # The person's own links: the token is the only key, and a wrong one names no one.
    "prescription:open": "a person's single-use link",
    "prescription:survey_open": "a person's single-use survey link",
    "prescription:feedback_service": "aggregates",
    # The phone, email and hours a scheme gives its people: the scheme's, never a person's.
    "prescription:scheme_contact": "a scheme's contact details",
    # Staff accounts, never a person's record: a reset link (public, refused unless valid),
    # an admin's reset of an authenticator, and a scheme lead's page of link workers.
    "accounts:password_reset_link": "a reset link",
    "accounts:password_reset_new": "a reset link",
    "accounts:reset_two_factor": "a staff account",
    "accounts:scheme_link_workers": "a scheme's staff",
    "accounts:remove_link_worker": "a scheme's staff",
    # The service directory: listings, their times, venues and costs, and tips about them.
    "directory:service": "a listing",
    "directory:edit": "a listing",
    "directory:schedules": "a listing",
    "directory:venues": "a listing",
    "directory:costs": "a listing",
    "directory:verify": "a listing",
    "directory:suggestions": "a listing",
    "directory:add_tip": "a listing",
    "casework:service_availability": "a listing's capacity",
    # The public Open Referral UK feed of the directory.
    "oruk:get_service": "a public listing",
    "oruk:get_service_at_location": "a public listing",
    "oruk:get_organization": "a public listing",
    "oruk:get_taxonomy": "a public code list",
    "oruk:get_taxonomy_term": "a public code list",
    # Aggregates, small numbers suppressed; which schemes each role counts is proved by
    # tests/integration/insights/test_export.py (an analyst sees their host's schemes only).
    "insights:dashboard": "aggregates",
    "insights:xlsx": "aggregates",
    "insights:table_csv": "aggregates",
    "api_v1:problem-type": "an error type's description",
    # How long each class of record is kept: one rule per class, the same for every
    # organisation on the installation, changed by the platform's staff admins only.
    "records:rule": "a retention period",
    # A scheme's health check: its lead's self-assessment of the scheme and its action plan,
    # about the scheme's practice, never a person; gated to the scheme's leads and its host's
    # admins (test_permissions.py and tests/integration/healthcheck/test_pages.py).
    "healthcheck:self_assessment": "a scheme's self-assessment",
    "healthcheck:self_assessment_history": "a scheme's self-assessment",
    "healthcheck:self_assessment_record": "a scheme's self-assessment",
    "healthcheck:actions": "a scheme's action plan",
    "healthcheck:action_new": "a scheme's action plan",
    "healthcheck:action_edit": "a scheme's action plan",
    "healthcheck:action_status": "a scheme's action plan",
    # Running the service: the installation's organisations, schemes, staff accounts and API
    # tokens, managed by system admins across every tenant (no person's record; every other
    # role is refused, as test_permissions.py and tests/integration/administration prove).
    "administration:organisation": "an organisation, for system admins",
    "administration:organisation_active": "an organisation's active switch, for system admins",
    "administration:tokens": "an organisation's API tokens, for system admins",
    "administration:token_rotate": "an API token, for system admins",
    "administration:token_revoke": "an API token, for system admins",
    "administration:scheme": "a scheme's settings, for system admins",
    "administration:user": "a staff account, for system admins",
    "administration:user_active": "a staff account, for system admins",
    "administration:membership_remove": "a staff account's role, for system admins",
    # A text message no number matched: it belongs to no tenant until matched, so there is no
    # own or other; only admins who run the service may match it (test_permissions.py and
    # tests/integration/notifications/test_two_way.py).
    "notifications:match_reply": "an unmatched reply, for system admins",
    # A link worker's calendar feed: no session, its secret address is the key, so no role is
    # asked. It carries initials and references only; an unknown, stopped or replaced address
    # is 404 and a worker who left a scheme gets none of its appointments
    # (tests/integration/casework/test_appointments.py).
    "casework:calendar_feed": "a calendar address, keyed by its secret",
}

# A URL naming a record of the tenant's referral, asked with the tenant's own referral and the
# other tenant's record: it must be answered as the other tenant's record.
MIXED = {
    "casework:goal": "goal_id",
    "casework:plan_action": "action_id",
    "casework:connection": "connection_id",
    "casework:follow_up": "follow_up_id",
    "casework:appointment": "appointment_id",
    "casework:appointment_ics": "appointment_id",
    "outcomes:flag": "flag_id",
}
# Asked with the tenant's received referral; the others with its active one.
ABOUT_RECEIVED = {"referrals:triage", "referrals:triage_decide", "referrals:match_decide"}
# A row "name@what" asks the page `name` about one of several records it takes: the URL's
# parameter filled in with the tenant's record named here.
RECORD_OF = {
    "records:request@access": {"request_id": "access_request_id"},
    "records:request@restriction": {"request_id": "restriction_request_id"},
    "records:export": {"request_id": "access_request_id"},
    "fhir:task@connection": {"id": "connection_id"},
    "fhir:task@referral": {"id": "referral_id"},
    "fhir:service-request@connection": {"id": "connection_id"},
    "fhir:service-request@referral": {"id": "referral_id"},
}

# The words a refused form would have acted on, had it been let in.
EVERY_FORM = {
    "step": "cancel",
    "reason": "goals_met",
    "decision": "accept",
    "form": "answer",
    "note-text": "A note.",
    "status": "accepted",
}

# A form's own words, where it takes others than those above: the decision on a request, the
# restriction lifted, the retention decision.
FORM_OF = {
    "records:request@access": {
        "form": "decide",
        "decide-decision": "granted",
        "decide-legal_reason": "art15",
    },
    "records:request@restriction": {
        "form": "lift",
        "lift-because": "The accuracy check is done.",
        "lift-told": "on",
    },
    "records:review_item": {"decision": "keep", "reason": "A complaint is open."},
}
# A FHIR Task set to `accepted`, whole (PUT) or by a JSON Patch.
FHIR_JSON = "application/fhir+json"
JSON_PATCH = "application/json-patch+json"

# The system admin is a platform role: every extract is theirs to download (and audited).
PLATFORM_WIDE = {("insights:extract_download", "adm")}

REFUSALS = {401, 403, 404}
# The tables a refused POST could have written to: every app holding people's records, the
# accounts, the API's tokens and idempotency records, and the task queue. A token's last use
# is marked before the gate is asked.
COMPARED_APPS = {
    "accounts",
    "people",
    "referrals",
    "casework",
    "outcomes",
    "notifications",
    "matching",
    "insights",
    "evaluation_reports",
    "api",
    "django_tasks_database",
    "records",
    "interop",
    "support",
    "groups",
    "prescription",
}
NOT_COMPARED_FIELDS = {"api.ApiToken": "last_used_at"}


@dataclass(frozen=True)
class Cell:
    url: str
    method: str
    column: str
    side: str  # "own", "other" or "mixed"
    expected: str  # a status, "ok", or "-"

    def __str__(self) -> str:
        return f"{self.url} {self.method} {self.column} {self.side}"


def parse_matrix(*tables: str) -> dict[tuple[str, str], dict[str, tuple[str, str]]]:
    """The tables above as {(url, method): {column: (own, other)}}; a row may be continued
    in a later table with other columns, never the same one twice."""
    matrix: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    for text in tables:
        lines = [line.split() for line in text.strip().splitlines() if not line.startswith("#")]
        header, rows = lines[0][1:], lines[1:]
        assert set(header) <= set(COLUMNS), header
        for url, method, *cells in rows:
            assert len(cells) == len(header), url
            row = matrix.setdefault((url, method), {})
            for column, cell in zip(header, cells, strict=True):
                assert column not in row, f"{url} {method} {column} twice"
                own, other = cell.split("/")
                row[column] = (own, other)
    return matrix


MATRIX = parse_matrix(PAGES, API, FHIR, TOKENS)


def view_of(row: str) -> str:
    """The URL name of a row: "name?param" and "name@what" ask the page `name`."""
    return row.partition("?")[0].partition("@")[0]


# A row "name?param" asks the page `name` with the record's id in its query string.
MATRIX_URLS = {view_of(url) for url, _ in MATRIX if "?" not in url}
QUERY_URLS = {url for url, _ in MATRIX if "?" in url}


ALLOWED = {"200", "302", "ok"}


def cells() -> list[Cell]:
    found: list[Cell] = []
    for (url, method), row in MATRIX.items():
        for column, (own, other) in row.items():
            found.append(Cell(url, method, column, "own", own))
            found.append(Cell(url, method, column, "other", other))
            if url in MIXED and own in ALLOWED:
                # Named with an own referral, the other's record is still the other's.
                found.append(Cell(url, method, column, "mixed", other))
    return found


# --- The two tenants ------------------------------------------------------------------------


ROLE_OF_COLUMN = {
    "ref": Role.REFERRER,
    "lw": Role.LINK_WORKER,
    "lead": Role.SCHEME_LEAD,
    "prov": Role.PROVIDER,
    "cur": Role.CURATOR,
    "anl": Role.ANALYST,
    "adm": Role.ADMIN,
}
# Names of the people, different in each tenant, so a leak is found by searching for them.
PEOPLE = {
    "a": ("Ottoline", "Quarrington", "9000000009"),
    "b": ("Perpetua", "Vandersloot", "4010232137"),
}
# Who made each tenant's subject access request for the person (a representative).
REPRESENTATIVES = {"a": "Aurelio Fitzwarren", "b": "Benedikta Strathallan"}
# What each tenant's link worker said in supervision: private to the two people.
SUPERVISION_NOTES = {"a": "Struggling with the Thursday clinic", "b": "Wants to train as a mentor"}
# The person each tenant's scheme host restricted the processing of, on their request.
RESTRICTED = {"a": ("Wilhelmina", "Ashcombe"), "b": ("Ximena", "Brackenridge")}


@dataclass
class Tenant:
    name: str
    users: dict[str, User]
    tokens: dict[str, str]
    params: dict[str, Any]  # a value for every parameter a matrix URL takes
    received_id: Any
    secrets: list[str] = field(default_factory=list)  # what must never reach the other tenant


def _nhs_number(first_nine: str) -> str:
    digit = check_digit(first_nine)
    assert digit is not None
    return first_nine + str(digit)


def _member(role: Role, organisation: Any, scheme: Any = None, **user: Any) -> User:
    person = UserFactory(totp=True, **user)
    MembershipFactory(user=person, organisation=organisation, scheme=scheme, role=role)
    return person


def build_tenant(name: str) -> Tenant:
    """One tenant: a scheme and its host, a practice, a provider, one user of every role, and
    one of every record with personal data, each filled with the tenant's own person."""
    given, family, nine = PEOPLE[name]
    nhs_number = _nhs_number(nine[:9])
    scheme = SchemeFactory(name=f"Scheme {name.upper()}", slug=f"iso-scheme-{name}")
    host = scheme.host
    practice = OrganisationFactory(
        name=f"Practice {name.upper()}", kind=OrganisationKind.GP_PRACTICE
    )
    provider_org = OrganisationFactory(name=f"Provider {name.upper()}", kind=OrganisationKind.VCSE)
    users = {
        "ref": _member(Role.REFERRER, practice),
        "lw": _member(Role.LINK_WORKER, host, scheme),
        "lead": _member(Role.SCHEME_LEAD, host, scheme),
        "prov": _member(Role.PROVIDER, provider_org),
        "cur": _member(Role.CURATOR, host),
        "anl": _member(Role.ANALYST, host),
        "adm": _member(Role.ADMIN, host, is_staff=True),
    }
    _, practice_token = issue_api_token(by=None, organisation=practice, name="Practice system")
    _, host_token = issue_api_token(by=None, organisation=host, name="Case system")
    _, provider_token = issue_api_token(
        by=None, organisation=provider_org, name="Provider system", scopes=[Scope.FHIR]
    )

    # The person on record, with an earlier closed referral, and the active referral's person.
    person = PersonFactory(
        given_name=given,
        family_name=family,
        gp_practice=practice,
        nhs_number=nhs_number,
        email=f"{given.lower()}@example.net",
        phone="07700 900" + nine[-3:],
        date_of_birth=dt.date(1961, 3, 4),
    )
    referral = ReferralFactory(
        person=person,
        scheme=scheme,
        referring_organisation=practice,
        link_worker=users["lw"],
        status="active",
    )
    # A new referral whose person matched the one on record: a pending match.
    candidate = PersonFactory(
        given_name=given, family_name=family, date_of_birth=person.date_of_birth
    )
    received = ReferralFactory(
        person=candidate, scheme=scheme, referring_organisation=practice, status="received"
    )
    PersonMatch.objects.create(
        candidate=candidate, existing=person, basis=MatchBasis.NAME_AND_POSTCODE
    )

    plan = SupportPlanFactory(referral=referral, what_matters=f"{given} wants to garden.")
    listing = DirectoryOrganizationFactory(account_organisation=provider_org)
    service = ServiceFactory(organization=listing)
    Contact.objects.create(
        referral=referral,
        occurred_at=referral.received_at,
        mode="phone",
        duration_minutes=20,
        outcome="attended",
        recorded_by=users["lw"],
    )
    CaseNote.objects.create(referral=referral, text=f"Spoke to {given}.", written_by=users["lw"])
    items = get_instrument("phq9").items
    measure = record_measure(
        by=users["lw"],
        referral=referral,
        instrument="phq9",
        time_point="baseline",
        responses={"items": [1] * len(items)},
    )
    message = Message.objects.create(
        referral=referral,
        audience="referrer",
        event="accepted",
        channel="letter",
        recipient_address=f"Practice {name.upper()}, 1 High Street",
        subject="Referral accepted",
        body=f"{given} {family} was accepted.",
        status="failed",
    )
    Letter.objects.create(message=message, pdf=b"%PDF-1.4 letter")
    extract = ExtractRequest.objects.create(
        requested_by=users["anl"], file_format="csv", status="done", schemes=[scheme.pk]
    )
    evaluation = EvaluationRequest.objects.create(
        requested_by=users["anl"], scheme=scheme, analyses=["change"], status="done"
    )
    for path in (extract.path("episodes"), evaluation.path("html")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("pseudonymised\n")
    connection = ConnectionFactory(referral=referral, service=service, created_by=users["lw"])
    rights = build_rights(name, scheme, practice, person, users["adm"])
    hooks = build_webhooks(name, host, connection)
    # The first attended contact owes the practice the "referred" code, with the NHS number.
    gp_batch = export_gp_events(by=users["lead"], scheme=scheme, practice=practice)
    assert gp_batch is not None
    supervision = SupervisionSession.objects.create(
        scheme=scheme,
        supervisee=users["lw"],
        supervisor=users["lead"],
        held_on=dt.date(2026, 1, 12),
        kind="clinical",
        duration_minutes=60,
        notes=SUPERVISION_NOTES[name],
        recorded_by=users["lead"],
    )
    params = {
        "person_id": person.pk,
        "referral_id": referral.pk,
        "id": referral.pk,
        "goal_id": GoalFactory(plan=plan).pk,
        "action_id": PlanAction.objects.create(plan=plan, what="Call", who="Sam").pk,
        "connection_id": connection.pk,
        "follow_up_id": FollowUpFactory(referral=referral).pk,
        # Today at noon, so the diaries of the day show it (and must not show the other's).
        "appointment_id": Appointment.objects.create(
            referral=referral,
            link_worker=users["lw"],
            starts_at=timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0),
            duration_minutes=60,
            mode="in_person",
            place=f"Room {name.upper()}",
            created_by=users["lw"],
            updated_by=users["lw"],
        ).pk,
        "token": "not-a-calendar-address",
        "service_id": service.pk,
        "message_id": message.pk,
        "flag_id": raise_flag(by=users["lw"], referral=referral, kind=FlagKind.SELF_HARM).pk,
        "instrument": "swemwbs",
        "extract_id": extract.pk,
        "evaluation_id": evaluation.pk,
        "access_request_id": rights.access.pk,
        "restriction_request_id": rights.restriction.pk,
        "item_id": rights.review_item.pk,
        "endpoint_id": hooks.endpoint.pk,
        "delivery_id": hooks.dead.pk,
        "batch_id": gp_batch.pk,
        "session_id": supervision.pk,
        **build_group(provider_org, service, connection, users["prov"]),
        "scheme_id": scheme.pk,
        "link_id": create_link(by=users["lw"], referral=referral, send=False).link.pk,
        # Not URL parameters: the organisations, for the searches and forms that name them.
        "host_id": host.pk,
        "practice_id": practice.pk,
        "provider_org_id": provider_org.pk,
    }
    assert measure.referral_id == referral.pk
    return Tenant(
        name=name,
        users=users,
        tokens={"tok-ref": practice_token, "tok-host": host_token, "tok-prov": provider_token},
        params=params,
        received_id=received.pk,
        secrets=[
            given,
            family,
            nhs_number,
            format_nhs_number(nhs_number),
            person.email,
            person.phone,
            referral.reference,
            received.reference,
            rights.access.requester_name,
            *RESTRICTED[name],
            hooks.endpoint.url,
            SUPERVISION_NOTES[name],
        ],
    )


def build_group(provider_org: Any, service: Any, connection: Any, provider: User) -> dict[str, Any]:
    """A weekly group of the tenant's provider on its service, and a session with the tenant's
    person on the register (their name shared with the provider)."""
    group = create_group(
        by=provider,
        name="Walk and Talk",
        service=service,
        venue="The park cafe",
        recurrence="weekly",
        weekday=1,
        starts_at=dt.time(10, 30),
        first_on=dt.date(2026, 1, 6),
        capacity=10,
        organisation=provider_org,
        today=dt.date(2026, 1, 6),
    )
    session = group.sessions.order_by("starts_at").first()
    Connection.objects.filter(pk=connection.pk).update(shared_fields=["name"])
    RegisterEntry.objects.create(session=session, connection=connection, booked_by=provider)
    return {"group_id": group.pk, "group_session_id": session.pk}


@dataclass
class Rights:
    access: RightsRequest
    restriction: RightsRequest
    review_item: ReviewItem


def build_rights(name: str, scheme: Any, practice: Any, person: Any, admin: User) -> Rights:
    """The scheme host's records and rights work: an open subject access request for the
    tenant's person, made by a representative; the person's record listed as due for
    retention review; and a granted restriction request about a second person, whose
    referral is closed (a restriction stops new connections and messages, which the other
    rows of the matrix make for the first)."""
    host = scheme.host
    given, family = RESTRICTED[name]
    restricted = PersonFactory(given_name=given, family_name=family)
    ReferralFactory(
        person=restricted,
        scheme=scheme,
        referring_organisation=practice,
        status="closed",
        closure_reason="goals_met",
    )
    received_on = dt.date(2026, 1, 5)
    common = {"by": admin, "organisation": host, "received_on": received_on}
    access = record_request(
        **common,
        person=person,
        kind=RequestKind.ACCESS,
        requester=Requester.REPRESENTATIVE,
        requester_name=REPRESENTATIVES[name],
        identity_checked=True,
        identity_how="Letter of authority seen.",
    )
    restriction = record_request(
        **common,
        person=restricted,
        kind=RequestKind.RESTRICTION,
        requester=Requester.PERSON,
        identity_checked=True,
        identity_how="Photo ID seen.",
    )
    decide_request(
        by=admin,
        found=restriction,
        decision=Decision.GRANTED,
        legal_reason=LegalReason.ART18_1_A,
    )
    review_item = ReviewItem.objects.create(
        record_class=RecordClass.PERSON_RECORD,
        organisation=host,
        object_type="people.person",
        object_id=str(person.pk),
        last_activity=dt.date(2017, 1, 5),
        due_on=dt.date(2025, 1, 5),
    )
    return Rights(access, restriction, review_item)


@dataclass
class Hooks:
    endpoint: WebhookEndpoint
    dead: WebhookDelivery


def build_webhooks(name: str, host: Any, connection: Any) -> Hooks:
    """The host's webhook endpoint and a delivery to it, about the tenant's connection, that
    gave up."""
    endpoint = WebhookEndpoint.objects.create(
        organisation=host,
        name=f"Case system {name.upper()}",
        url=f"https://hooks-{name}.example.org/linkwork",
        events=[EventType.CONNECTION_STATUS_CHANGED],
        secret=f"whsec_{name}",
    )
    event = WebhookEvent.objects.create(
        type=EventType.CONNECTION_STATUS_CHANGED,
        resource_type="Task",
        resource_id=str(connection.pk),
        organisation=host,
    )
    dead = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=event,
        status=DeliveryStatus.DEAD,
        attempts=8,
        next_attempt_at=None,
        last_response_code=503,
        last_error="503 Service Unavailable",
    )
    return Hooks(endpoint, dead)


@dataclass
class Tenants:
    own: Tenant
    other: Tenant
    clients: dict[str, Client]  # tenant A's callers, by column


@pytest.fixture(scope="module")
def built(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Tenants]:
    """Both tenants and tenant A's signed-in callers, built once for the module."""
    data_dir = tmp_path_factory.mktemp("isolation")
    with override_settings(DATA_DIR=data_dir), shared_by_module(django_db_blocker):
        own, other = build_tenant("a"), build_tenant("b")
        clients = {column: signed_in(Client(), user) for column, user in own.users.items()}
        for column, secret in own.tokens.items():
            clients[column] = Client(headers={"Authorization": f"Bearer {secret}"})
        yield Tenants(own, other, clients)


@pytest.fixture
def tenants(built: Tenants, db: None) -> Tenants:
    return built


# --- Asking ---------------------------------------------------------------------------------


def url_for(cell: Cell, tenants: Tenants) -> str:
    """The cell's URL, filled in with the records of the side it asks about."""
    owner = tenants.own if cell.side == "own" else tenants.other
    params = dict(owner.params)
    if cell.url in ABOUT_RECEIVED:
        params["referral_id"] = owner.received_id
    for name, record in RECORD_OF.get(cell.url, {}).items():
        params[name] = owner.params[record]
    if cell.side == "mixed":
        params = {**tenants.own.params, MIXED[cell.url]: tenants.other.params[MIXED[cell.url]]}
    view, query = view_of(cell.url), cell.url.partition("?")[2]
    url = reverse(view, kwargs={name: params[name] for name in pattern_parameters()[view]})
    return f"{url}?{query}={params['referral_id']}" if query else url


def ask(client: Client, cell: Cell, url: str) -> Any:
    """Ask the cell's URL by its method, with the words a form or a FHIR client would send."""
    if cell.method == "GET":
        return client.get(url)
    if cell.method == "POST":
        return client.post(url, {**EVERY_FORM, **FORM_OF.get(cell.url, {})})
    task_id = url.rstrip("/").rpartition("/")[2]
    if cell.method == "PUT":
        task = {"resourceType": "Task", "id": task_id, "status": "accepted", "intent": "order"}
        return client.put(url, json.dumps(task), content_type=FHIR_JSON)
    assert cell.method == "PATCH", cell
    change = [{"op": "replace", "path": "/status", "value": "accepted"}]
    return client.patch(url, json.dumps(change), content_type=JSON_PATCH)


def rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables a refused write could have touched, to compare."""
    return {
        label: [
            {key: value for key, value in row.items() if key != NOT_COMPARED_FIELDS.get(label)}
            for row in model._default_manager.order_by("pk").values()
        ]
        for model in apps.get_models()
        if model._meta.app_label in COMPARED_APPS and (label := model._meta.label)
    }


def pattern_parameters() -> dict[str, frozenset[str]]:
    """Every named URL pattern, with the names of the parameters it takes."""
    found: dict[str, frozenset[str]] = {}

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":  # Django's admin keeps its own staff gate
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found[f"{namespace}{pattern.name}"] = frozenset(pattern.pattern.converters)

    walk(get_resolver().url_patterns)
    return found


def leaked(body: bytes, tenant: Tenant) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    return [secret for secret in tenant.secrets if secret and secret in text]


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("cell", cells(), ids=str)
def test_isolation_cell(tenants: Tenants, cell: Cell):
    client = tenants.clients[cell.column]
    url = url_for(cell, tenants)
    actor = tenants.own.users.get(cell.column)  # None for a token
    page = view_of(cell.url)
    # A refused write must write nothing; a refused GET is held to its one audit event.
    before_rows = rows() if cell.method != "GET" and cell.expected not in ALLOWED else None
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = ask(client, cell, url)
    status = response.status_code
    body = body_of(response)

    if cell.expected == "ok":
        assert status < 500, f"{cell}: {status}"
        assert status not in REFUSALS | {405}, f"{cell}: {status}"
    else:
        assert status == int(cell.expected), f"{cell}: {status}"
    assert not leaked(body, tenants.other), f"{cell}: the other tenant's people shown"
    if cell.side != "own" and (cell.url, cell.column) not in PLATFORM_WIDE:
        assert status not in (200, 201, 302), f"{cell}: the other tenant's record answered"

    added = list(AuditEvent.objects.filter(id__gt=before).order_by("id"))
    if status in REFUSALS:
        assert [event.action for event in added] == ["access.denied"], f"{cell}: {added}"
        event = added[0]
        assert event.actor == actor, cell
        assert event.path == url.partition("?")[0], cell
        assert event.detail["page"] == page, cell
        assert event.detail["status"] == status, cell
        if status == 404:
            assert event.object_id in url, f"{cell}: the refused record is not named"
        if cell.column.startswith("tok-"):
            assert event.detail.get("api_token"), f"{cell}: the refused token is not named"
        assert not leaked(str(event.detail).encode(), tenants.other)
        assert not leaked(str(event.detail).encode(), tenants.own)
    if before_rows is not None:
        assert rows() == before_rows, f"{cell}: a refused request wrote something"
    if page.startswith("api_v1:") and status in REFUSALS:
        assert response["Content-Type"].startswith("application/problem+json"), cell
    if page.startswith("fhir:") and status >= 400:
        assert response["Content-Type"] == FHIR_JSON, cell
        assert json.loads(body)["resourceType"] == "OperationOutcome", cell


# --- Classification -------------------------------------------------------------------------


def test_every_record_url_is_in_the_matrix():
    """A URL that takes a parameter is in the matrix or named as holding no personal data; a
    record page added later without its rows fails here."""
    parameterised = {name for name, params in pattern_parameters().items() if params}
    unclassified = parameterised - MATRIX_URLS - set(NOT_PERSONAL)
    assert not unclassified, f"unclassified URL: {sorted(unclassified)}"
    assert not MATRIX_URLS & set(NOT_PERSONAL)
    assert parameterised >= MATRIX_URLS, "the matrix names a URL that is gone"
    for url in {url for url, _ in MATRIX}:
        assert {(url, "GET"), (url, "POST")} <= set(MATRIX), f"{url}: GET and POST both"
    assert {view_of(url) for url in QUERY_URLS} <= set(pattern_parameters())
    assert set(MIXED) <= MATRIX_URLS
    assert ABOUT_RECEIVED <= MATRIX_URLS
    assert set(RECORD_OF) | set(FORM_OF) <= {url for url, _ in MATRIX}


def test_other_tenant_record_never_answers_200_in_the_matrix():
    """The table itself: no cell lets the other tenant's record through, but for the system
    admin's extracts (a platform role, which sees every extract by design)."""
    allowed = [
        (url, method, column)
        for (url, method), row in MATRIX.items()
        for column, (_, other) in row.items()
        if other in ("200", "ok")
    ]
    assert {(url, column) for url, _, column in allowed} == PLATFORM_WIDE


# --- Pages without a record in the URL --------------------------------------------------------


def list_urls() -> list[str]:
    return sorted(
        name
        for name, params in pattern_parameters().items()
        if not params and not name.startswith(("oruk:", "api_v1:openapi", "accounts:"))
    )


@pytest.mark.django_db
@pytest.mark.parametrize("column", [column for column in COLUMNS if column in ROLE_OF_COLUMN])
def test_pages_without_a_record_never_show_the_other_tenant(tenants: Tenants, column: str):
    """Lists, queues, inboxes and the home page, as each role of tenant A, as they open and
    searched for tenant B's person by name: whatever they show, never tenant B's people; and
    tenant A's own people are found where a role works with them (so the search for the
    other's names is a search of a page that lists people)."""
    client = tenants.clients[column]
    _, family, _ = PEOPLE[tenants.other.name]
    shown_own: list[str] = []
    for name in list_urls():
        for query in ({}, {"q": family}):
            response = client.get(reverse(name), query)
            assert response.status_code < 500, name
            body = body_of(response)
            # A search page repeats the words searched for: the rest must not be found.
            found = [
                secret for secret in leaked(body, tenants.other) if secret not in query.values()
            ]
            assert not found, f"{name} {query} as {column}: tenant B's people shown"
            if leaked(body, tenants.own):
                shown_own.append(name)
    expected_lists = {
        "lw": "casework:caseload",
        "lead": "referrals:triage_queue",
        "ref": "notifications:my_referrals",
        "prov": "casework:inbox",
        "adm": "records:requests",
    }
    if column in expected_lists:
        assert expected_lists[column] in shown_own, (column, shown_own)


# --- One person, two schemes ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_person_in_two_schemes_shows_each_scheme_only_its_own_episode(tenants: Tenants):
    """The same person referred to both schemes has one record, but each scheme's staff and
    each referrer see only their own episode: the other referral's reference, notes and
    plan never appear, and its pages answer 404."""
    own = tenants.own
    person_id = own.params["person_id"]
    practice_b = Referral.objects.get(pk=tenants.other.params["referral_id"]).referring_organisation
    elsewhere: Referral = ReferralFactory(
        person_id=person_id,
        scheme=Referral.objects.get(pk=tenants.other.params["referral_id"]).scheme,
        referring_organisation=practice_b,
        status="active",
    )
    secret_note = "Scheme B only: housing officer visited."
    CaseNote.objects.create(
        referral=elsewhere, text=secret_note, written_by=tenants.other.users["lw"]
    )
    SupportPlanFactory(referral=elsewhere, what_matters="Scheme B plan: return to choir.")  # type: ignore[no-untyped-call]
    hidden = [elsewhere.reference, secret_note, "return to choir"]
    for column in ("ref", "lw", "lead"):
        client = tenants.clients[column]
        person_page = client.get(reverse("people:detail", args=[person_id]))
        assert person_page.status_code == 200, column
        shown = person_page.content.decode()
        assert not [text for text in hidden if text in shown], column
        own_reference = Referral.objects.get(pk=own.params["referral_id"]).reference
        assert own_reference in shown, column
        assert client.get(reverse("referrals:detail", args=[elsewhere.pk])).status_code == 404
    for name in ("casework:notes", "casework:plan", "casework:timeline"):
        page = tenants.clients["lw"].get(reverse(name, args=[own.params["referral_id"]]))
        assert page.status_code == 200, name
        assert not [text for text in hidden if text in page.content.decode()], name
        assert tenants.clients["lw"].get(reverse(name, args=[elsewhere.pk])).status_code == 404, (
            name
        )


# --- A form naming the other tenant's staff ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "referral", "form", "message"),
    [
        (
            "referrals:triage_decide",
            "received",
            {"decision": "accept", "over_limit_ok": "on"},
            "Choose a link worker who works in this scheme.",
        ),
        (
            "casework:assign",
            "active",
            {"complexity": "standard", "assign_anyway": "on"},
            "Select a link worker of this scheme",
        ),
    ],
)
def test_a_form_naming_the_other_tenants_link_worker_is_refused(
    tenants: Tenants, url: str, referral: str, form: dict[str, str], message: str
):
    """The scheme lead's own referral, given to a link worker of the other scheme by editing
    the form's value: refused, naming the field, and the referral keeps its link worker."""
    own, other = tenants.own, tenants.other
    referral_id = own.received_id if referral == "received" else own.params["referral_id"]
    before = Referral.objects.values("status", "link_worker_id", "version").get(pk=referral_id)
    stranger = other.users["lw"]
    response = tenants.clients["lead"].post(
        reverse(url, args=[referral_id]), {**form, "link_worker": str(stranger.pk)}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert stranger.full_name not in body
    assert not leaked(body.encode(), other)
    after = Referral.objects.values("status", "link_worker_id", "version").get(pk=referral_id)
    assert after == before


# --- The FHIR API's searches and the referrals it receives -----------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["tok-ref", "tok-host", "tok-prov"])
@pytest.mark.parametrize(
    "owner", [None, "host_id", "provider_org_id"], ids=["all", "other-host", "other-provider"]
)
def test_fhir_task_search_finds_only_the_callers_tasks(
    tenants: Tenants, column: str, owner: str | None
):
    """Every token's Task search, with the Tasks' focus included, and narrowed to the other
    tenant's organisations by `owner`: never the other tenant's Tasks or people; and the
    provider finds its connection's Task, the practice its referral's, where they ask for
    all."""
    own, other = tenants.own, tenants.other
    query = {"_include": "Task:focus", "_count": "200"}
    if owner is not None:
        query["owner"] = f"Organization/{other.params[owner]}"
    response = tenants.clients[column].get(reverse("fhir:task-search"), query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == FHIR_JSON
    body = response.content.decode()
    ids = {entry["resource"]["id"] for entry in json.loads(body)["entry"]}
    others = {str(other.params[key]) for key in ("connection_id", "referral_id")}
    assert not ids & (others | {str(other.received_id)}), column
    assert not leaked(response.content, other), column
    sent = Referral.objects.filter(referring_organisation_id=own.params["practice_id"])
    found_own = {
        "tok-prov": {str(own.params["connection_id"])},
        "tok-ref": {str(pk) for pk in sent.values_list("pk", flat=True)},
        "tok-host": set(),
    }[column]
    assert ids == (found_own if owner is None else set()), column


@pytest.mark.django_db
def test_fhir_referral_naming_the_other_tenants_person_shows_only_what_was_sent(
    tenants: Tenants,
):
    """Tenant A's practice sends, over FHIR, a referral with tenant B's person's NHS number
    and date of birth under another name. The referral goes to a pending match; its Task and
    ServiceRequest, and the practice's Task search, show nothing of tenant B's person."""
    own, other = tenants.own, tenants.other
    stranger = Referral.objects.select_related("person").get(pk=other.params["referral_id"])
    sent = inbound_bundle(Referral.objects.get(pk=own.params["referral_id"]).scheme.slug)
    patient = sent["entry"][0]["resource"]
    patient["identifier"][0]["value"] = stranger.person.nhs_number
    patient["birthDate"] = stranger.person.date_of_birth.isoformat()
    client = tenants.clients["tok-ref"]
    answer = client.post(reverse("fhir:transaction"), json.dumps(sent), content_type=FHIR_JSON)
    assert answer.status_code == 200, answer.content
    made = Referral.objects.get(
        referring_organisation_id=own.params["practice_id"], person__given_name="Nadia"
    )
    assert PersonMatch.objects.filter(candidate=made.person, existing=stranger.person).exists()
    bodies = [
        answer,
        client.get(reverse("fhir:task", args=[made.pk])),
        client.get(reverse("fhir:service-request", args=[made.pk]), {"_include": "Task:focus"}),
        client.get(reverse("fhir:task-search"), {"_include": "Task:focus"}),
    ]
    for response in bodies:
        assert response.status_code == 200, response.content
        assert not leaked(response.content, other)
        assert str(stranger.person.pk) not in response.content.decode()
    assert json.loads(bodies[1].content)["id"] == str(made.pk)


# --- Records and rights, and webhooks, naming the other tenant ---------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["nhs_number", "reference"])
def test_a_rights_request_about_the_other_tenants_person_is_refused(tenants: Tenants, who: str):
    """The host's admin records a rights request naming tenant B's person, by NHS number or
    by their referral's reference: refused, naming the field, nothing recorded, and nothing of
    the person shown."""
    stranger = Referral.objects.select_related("person").get(pk=tenants.other.params["referral_id"])
    before = RightsRequest.objects.count()
    typed = stranger.person.nhs_number if who == "nhs_number" else stranger.reference
    response = tenants.clients["adm"].post(
        reverse("records:new_request"),
        {
            "kind": "access",
            "who": typed,
            "received_on_0": "5",
            "received_on_1": "1",
            "received_on_2": "2026",
            "requester": "person",
        },
    )
    assert response.status_code == 400
    assert "This organisation holds no record with that number" in response.content.decode()
    # The form shows again what was typed; nothing else of the person.
    assert [secret for secret in leaked(response.content, tenants.other) if secret != typed] == []
    assert RightsRequest.objects.count() == before


@pytest.mark.django_db
def test_a_webhook_endpoint_for_the_other_tenants_organisation_is_refused(tenants: Tenants):
    """An endpoint added for tenant B's scheme host, by editing the form's value: refused,
    naming the field, and no endpoint made."""
    before = WebhookEndpoint.objects.count()
    response = tenants.clients["adm"].post(
        reverse("webhooks:new"),
        {
            "organisation": str(tenants.other.params["host_id"]),
            "name": "Elsewhere",
            "url": "https://hooks.example.org/elsewhere",
            "events": [EventType.CONNECTION_STATUS_CHANGED.value],
        },
    )
    assert response.status_code == 400
    assert "Select one of the choices given for organisation" in response.content.decode()
    assert WebhookEndpoint.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["lead", "adm"])
def test_gp_events_export_for_the_other_tenants_scheme_is_refused(tenants: Tenants, column: str):
    """The scheme lead, or the host's admin, exports coded events naming tenant B's scheme and
    practice by editing the form's values: refused, naming the field, and nothing exported."""
    other = Referral.objects.get(pk=tenants.other.params["referral_id"])
    before = rows()
    response = tenants.clients[column].post(
        reverse("gp_events:index"),
        {"scheme": str(other.scheme_id), "practice": str(other.referring_organisation_id)},
    )
    assert response.status_code == 400
    assert "Select one of the choices given for scheme" in response.content.decode()
    assert not leaked(response.content, tenants.other)
    assert rows() == before


@pytest.mark.django_db
def test_subject_access_export_of_a_person_in_two_schemes_holds_only_the_hosts_episode(
    tenants: Tenants,
):
    """The tenant's person, referred to the other tenant's scheme too: the export tenant A's
    host gives them holds its own episode and never the other scheme's referral, notes or
    plan."""
    own, other = tenants.own, tenants.other
    elsewhere = Referral.objects.get(pk=other.params["referral_id"])
    second: Referral = ReferralFactory(
        person_id=own.params["person_id"],
        scheme=elsewhere.scheme,
        referring_organisation=elsewhere.referring_organisation,
        status="active",
    )
    secret_note = "Scheme B only: visited the food bank."
    CaseNote.objects.create(referral=second, text=secret_note, written_by=other.users["lw"])
    SupportPlanFactory(referral=second, what_matters="Scheme B plan: back to the allotment.")  # type: ignore[no-untyped-call]
    url = reverse("records:export", args=[own.params["access_request_id"]])
    response = tenants.clients["adm"].get(url, {"format": "json"})
    assert response.status_code == 200
    body = response.content.decode()
    own_reference = Referral.objects.get(pk=own.params["referral_id"]).reference
    assert own_reference in body
    for hidden in (second.reference, secret_note, "back to the allotment", str(second.pk)):
        assert hidden not in body, hidden
