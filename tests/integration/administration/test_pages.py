"""The service's management pages (/manage/): organisations and GP mailboxes, schemes, users
and their roles, API tokens and instruments. Each page adds and changes what it says, names
the field at fault, is refused to everyone but system admins, and audits every write by ids
and field names only."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from linkwork.accounts.models import Membership, Organisation, Scheme, User
from linkwork.api import tokens as api_tokens
from linkwork.api.actions import issue_api_token
from linkwork.api.models import ApiToken
from linkwork.audit.models import AuditEvent
from linkwork.notifications.models import Mailbox
from linkwork.outcomes.models import InstrumentLicence
from tests.conftest import World, signed_in
from tests.factories import ReferralFactory, UserFactory

NON_ADMINS = ["link_worker_a", "scheme_lead_a", "provider", "referrer", "analyst", "curator"]


@pytest.fixture
def admin(client: Client, world: World) -> Client:
    return signed_in(client, world.admin)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def error_names(response, field: str, words: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert f'href="#{field}"' in body, body
    assert words in body


# --- Refused to everyone but admins --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", NON_ADMINS)
def test_manage_pages_refused_to_non_admins_and_audited(client: Client, world: World, persona):
    user = getattr(world, persona)
    signed_in(client, user)
    for name in ("index", "organisations", "schemes", "users", "user_new", "instruments"):
        response = client.get(reverse(f"administration:{name}"))
        assert response.status_code == 403, name
    response = client.post(
        reverse("administration:organisation_new"), {"name": "Sneaky", "kind": "other"}
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="Sneaky").exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=user).count() == 7


@pytest.mark.django_db
def test_an_organisations_admin_who_does_not_operate_the_platform_is_refused(
    client: Client, world: World
):
    """An admin of one organisation must not give themselves a role in another."""
    world.admin.is_staff = False
    world.admin.save(update_fields=["is_staff"])
    signed_in(client, world.admin)
    assert client.get(reverse("administration:users")).status_code == 403
    response = client.post(
        reverse("administration:organisation_new"), {"name": "Sneaky", "kind": "other"}
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="Sneaky").exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=world.admin).count() == 2


@pytest.mark.django_db
def test_navigation_shows_manage_to_admins_only(client: Client, world: World):
    signed_in(client, world.admin)
    home = client.get(reverse("web:home")).content.decode()
    assert "Manage the service" in home
    assert f'href="{reverse("administration:index")}"' in home
    signed_in(client, world.link_worker_a)
    assert "Manage the service" not in client.get(reverse("web:home")).content.decode()


# --- Organisations and GP mailboxes --------------------------------------------------------


@pytest.mark.django_db
def test_admin_adds_gp_practice_with_secure_mailbox(admin: Client, world: World):
    response = admin.post(
        reverse("administration:organisation_new"),
        {
            "name": "Beck Lane Surgery",
            "kind": "gp_practice",
            "ods_code": " z99123 ",
            "postcode": "bk1 1ae",
            "mailbox_email": "Beck.Lane@NHS.net",
        },
    )
    practice = Organisation.objects.get(name="Beck Lane Surgery")
    assert response.status_code == 302
    assert response["Location"] == reverse("administration:organisation", args=[practice.pk])
    assert (practice.ods_code, practice.postcode) == ("Z99123", "BK1 1AE")
    assert Mailbox.objects.get(organisation=practice).email == "beck.lane@nhs.net"
    created = events("organisation.created")[0]
    assert created.actor == world.admin
    assert created.object_id == str(practice.pk)
    assert "mailbox_email" not in created.detail["fields"]
    assert [e.object_id for e in events("mailbox.set")] == [str(practice.pk)]
    # Identifiers only: the address is not in the audit.
    assert "beck" not in str([e.detail for e in AuditEvent.objects.all()]).lower()


@pytest.mark.django_db
def test_admin_changes_practice_mailbox(admin: Client, world: World):
    Mailbox.objects.create(organisation=world.practice, email="old@nhs.net")
    url = reverse("administration:organisation", args=[world.practice.pk])
    page = admin.get(url)
    assert "old@nhs.net" in page.content.decode()
    response = admin.post(
        url, {"name": world.practice.name, "kind": "gp_practice", "mailbox_email": "new@nhs.net"}
    )
    assert response.status_code == 302
    assert Mailbox.objects.get(organisation=world.practice).email == "new@nhs.net"
    assert events("organisation.changed")[0].detail["fields"] == []
    assert len(events("mailbox.set")) == 1


@pytest.mark.django_db
def test_bad_mailbox_names_the_field_and_writes_nothing(admin: Client, world: World):
    url = reverse("administration:organisation", args=[world.practice.pk])
    response = admin.post(
        url, {"name": world.practice.name, "kind": "gp_practice", "mailbox_email": "not an email"}
    )
    error_names(response, "id_mailbox_email", "Enter the secure mailbox in the correct format")
    assert not Mailbox.objects.exists()
    assert not events("organisation.changed")


@pytest.mark.django_db
def test_organisation_errors_name_each_field(admin: Client, world: World):
    world.practice.ods_code = "Z90001"
    world.practice.save()
    response = admin.post(
        reverse("administration:organisation_new"),
        {
            "name": "",
            "kind": "vcse",
            "ods_code": "z90001",
            "postcode": "nowhere",
            "mailbox_email": "a@nhs.net",
        },
    )
    error_names(response, "id_name", "Enter the organisation")
    body = response.content.decode()
    assert 'href="#id_ods_code"' in body
    assert "Another organisation has this ODS code" in body
    assert 'href="#id_postcode"' in body
    assert "Only a GP practice has a secure mailbox" in body
    assert Organisation.objects.count() == 4


@pytest.mark.django_db
def test_organisations_list_searches_and_filters(admin: Client, world: World):
    response = admin.get(reverse("administration:organisations"), {"q": "alder"})
    body = response.content.decode()
    assert "Alder Street Surgery" in body
    assert "Millbrook Walking Club" not in body
    response = admin.get(reverse("administration:organisations"), {"kind": "vcse"})
    body = response.content.decode()
    assert "Millbrook Walking Club" in body
    assert "Alder Street Surgery" not in body


# --- Schemes ------------------------------------------------------------------------------


def scheme_form(host_org: Organisation, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "name": "Beck Valley Link",
        "slug": "beck-valley-link",
        "host": host_org.pk,
        "catchment": "Beck Valley wards",
        "postcode_districts": "bk1, BK2",
        "accepted_routes": ["gp_practice", "self"],
        "active_caseload_limit": "40",
        "yearly_caseload_limit": "200",
        "triage_working_days": "2",
        "provider_response_working_days": "10",
        "provider_reminder_working_days": "6",
        "follow_up_days_after_connection": "14",
        "missed_contacts_before_review": "3",
        "minimum_age": "18",
    }
    form.update(changes)
    return form


@pytest.mark.django_db
def test_admin_adds_and_edits_a_scheme(admin: Client, world: World):
    response = admin.post(reverse("administration:scheme_new"), scheme_form(world.practice))
    assert response.status_code == 302
    scheme = Scheme.objects.get(slug="beck-valley-link")
    assert scheme.host == world.practice
    assert scheme.catchment_postcode_districts == ["BK1", "BK2"]
    assert scheme.accepted_routes == ["gp_practice", "self"]
    assert (scheme.active_caseload_limit, scheme.minimum_age) == (40, 18)
    assert events("scheme.created")[0].object_id == str(scheme.pk)

    url = reverse("administration:scheme", args=[scheme.pk])
    assert "Beck Valley wards" in admin.get(url).content.decode()
    response = admin.post(
        url,
        scheme_form(
            world.practice, active_caseload_limit="45", slug="x", postcode_districts="BK1, BK2"
        ),
    )
    scheme.refresh_from_db()
    assert response.status_code == 302
    assert (scheme.active_caseload_limit, scheme.slug) == (45, "beck-valley-link")
    assert events("scheme.changed")[0].detail["fields"] == ["active_caseload_limit"]


@pytest.mark.django_db
def test_scheme_errors_name_each_field(admin: Client, world: World):
    response = admin.post(
        reverse("administration:scheme_new"),
        scheme_form(
            world.practice,
            slug=world.scheme_a.slug,
            active_caseload_limit="0",
            provider_reminder_working_days="12",
            postcode_districts="not a district",
            host="",
        ),
    )
    error_names(response, "id_slug", "Another scheme has this short name")
    body = response.content.decode()
    for name in (
        "host",
        "active_caseload_limit",
        "provider_reminder_working_days",
        "postcode_districts",
    ):
        assert f'href="#id_{name}"' in body, name
    assert not Scheme.objects.filter(name="Beck Valley Link").exists()


# --- Users and roles ----------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_adds_user_without_password(admin: Client, world: World):
    response = admin.post(
        reverse("administration:user_new"),
        {"full_name": "Nia New", "email": "Nia.New@Example.org", "job_title": "Link worker"},
    )
    user = User.objects.get(email="nia.new@example.org")
    assert response["Location"] == reverse("administration:user", args=[user.pk])
    assert not user.has_usable_password()
    assert events("user.created")[0].object_id == str(user.pk)
    assert "nia" not in str([e.detail for e in AuditEvent.objects.all()]).lower()
    page = admin.get(response["Location"]).content.decode()
    assert "No password set yet" in page
    # The authenticator reset (the accounts app's page), for accounts the admin administers:
    # every account, for an admin who operates the platform (staff).
    assert reverse("accounts:reset_two_factor", args=[user.pk]) in page
    world.admin.is_staff = False
    world.admin.save(update_fields=["is_staff"])
    page = admin.get(response["Location"]).content.decode()
    assert reverse("accounts:reset_two_factor", args=[user.pk]) not in page


@pytest.mark.django_db
def test_user_errors_name_the_field(admin: Client, world: World):
    response = admin.post(
        reverse("administration:user_new"),
        {"full_name": "", "email": world.link_worker_a.email.upper()},
    )
    error_names(response, "id_full_name", "Enter their full name")
    assert "Another user has this email address" in response.content.decode()
    response = admin.post(reverse("administration:user_new"), {"full_name": "X", "email": "nope"})
    error_names(response, "id_email", "Enter an email address in the correct format")


@pytest.mark.django_db
def test_admin_edits_user_details(admin: Client, world: World):
    url = reverse("administration:user", args=[world.curator.pk])
    response = admin.post(
        url,
        {
            "form": "details",
            "full_name": "Cora Curated",
            "email": world.curator.email,
            "job_title": "Curator",
        },
    )
    assert response.status_code == 302
    world.curator.refresh_from_db()
    assert world.curator.full_name == "Cora Curated"
    assert events("user.changed")[0].detail["fields"] == ["full_name", "job_title"]


@pytest.mark.django_db
def test_admin_gives_link_worker_role_in_a_scheme(admin: Client, world: World):
    user = UserFactory(full_name="Nia New")
    url = reverse("administration:user", args=[user.pk])
    response = admin.post(
        url, {"form": "role", "role-role": "link_worker", "role-scheme": world.scheme_b.pk}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.scheme, membership.organisation) == (
        "link_worker",
        world.scheme_b,
        world.scheme_b.host,
    )
    added = events("membership.added")[0]
    assert added.detail == {
        "user": user.pk,
        "organisation": world.scheme_b.host_id,
        "scheme": world.scheme_b.pk,
        "role": "link_worker",
    }
    assert added.scheme_id == world.scheme_b.pk


@pytest.mark.django_db
def test_membership_rules_are_field_errors(admin: Client, world: World):
    url = reverse("administration:user", args=[world.link_worker_a.pk])
    response = admin.post(url, {"form": "role", "role-role": "link_worker"})
    error_names(response, "id_role-scheme", "Select the scheme: a link worker works in a scheme")
    response = admin.post(
        url, {"form": "role", "role-role": "link_worker", "role-scheme": world.scheme_a.pk}
    )
    error_names(response, "id_role-role", "They are a link worker there already")
    response = admin.post(
        url, {"form": "role", "role-role": "analyst", "role-scheme": world.scheme_a.pk}
    )
    error_names(response, "id_role-scheme", "Only link workers and scheme leads work in a scheme")
    response = admin.post(url, {"form": "role", "role-role": "analyst"})
    error_names(response, "id_role-organisation", "Select the organisation")
    response = admin.post(url, {"form": "role", "role-role": ""})
    error_names(response, "id_role-role", "Select a role")
    assert Membership.objects.filter(user=world.link_worker_a).count() == 1
    assert not events("membership.added")


@pytest.mark.django_db
def test_admin_removes_a_role(admin: Client, world: World):
    membership = Membership.objects.get(user=world.curator)
    url = reverse("administration:membership_remove", args=[world.curator.pk, membership.pk])
    assert admin.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert events("membership.removed")[0].detail["role"] == "curator"


@pytest.mark.django_db
def test_admin_cannot_remove_own_admin_role_or_deactivate_self(admin: Client, world: World):
    membership = Membership.objects.get(user=world.admin)
    admin.post(reverse("administration:membership_remove", args=[world.admin.pk, membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()
    admin.post(reverse("administration:user_active", args=[world.admin.pk]), {"active": "no"})
    world.admin.refresh_from_db()
    assert world.admin.is_active


@pytest.mark.django_db
def test_deactivating_ends_sessions_and_reactivating_restores(admin: Client, world: World):
    other = signed_in(Client(), world.curator)
    assert other.get(reverse("web:home")).status_code == 200
    url = reverse("administration:user_active", args=[world.curator.pk])
    assert admin.post(url, {"active": "no"}).status_code == 302
    world.curator.refresh_from_db()
    assert not world.curator.is_active
    assert not any(
        s.get_decoded().get(SESSION_KEY) == str(world.curator.pk) for s in Session.objects.all()
    )
    deactivated = events("user.deactivated")[0]
    assert (deactivated.actor, deactivated.detail["sessions_ended"]) == (world.admin, 1)
    admin.post(url, {"active": "yes"})
    world.curator.refresh_from_db()
    assert world.curator.is_active
    assert events("user.reactivated")[0].actor == world.admin


@pytest.mark.django_db
def test_users_list_searches_filters_and_audits_no_words(admin: Client, world: World):
    response = admin.get(reverse("administration:users"), {"q": "lina"})
    body = response.content.decode()
    assert "Lina Worker" in body
    assert "Bea Other" not in body
    response = admin.get(
        reverse("administration:users"),
        {"organisation": world.scheme_b.host_id, "role": "link_worker"},
    )
    body = response.content.decode()
    assert "Bea Other" in body
    assert "Lina Worker" not in body
    viewed = events("user.list_viewed")
    assert viewed[0].detail == {"searched": True, "page": 1}
    assert "lina" not in str([e.detail for e in viewed]).lower()


# --- API tokens ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_makes_token_shown_once(admin: Client, world: World):
    url = reverse("administration:tokens", args=[world.practice.pk])
    response = admin.post(
        url,
        {
            "name": "Practice system",
            "scopes": ["fhir"],
            "expires[day]": "1",
            "expires[month]": "1",
            "expires[year]": "2099",
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(organisation=world.practice)
    body = response.content.decode()
    secret = body.split('id="api-token">')[1].split("<")[0]
    assert api_tokens.authenticate(secret) == token
    assert token.scopes == ["fhir"]
    assert token.expires_at is not None
    assert token.expires_at.year == 2099
    assert events("api_token.issued")[0].actor == world.admin
    # The list shows the prefix, never the secret.
    issue_api_token(by=None, organisation=world.practice, name="Second system")
    listed = admin.get(url).content.decode()
    # A set of "when the old token stops working" radios for each token, with ids of its own.
    ids = re.findall(r'id="([^"]+)"', listed)
    assert listed.count('name="grace_hours"') == 6
    assert len(ids) == len(set(ids))
    assert f"lw_{token.prefix}" in listed
    assert secret not in listed


@pytest.mark.django_db
def test_token_errors_name_the_field(admin: Client, world: World):
    url = reverse("administration:tokens", args=[world.practice.pk])
    response = admin.post(
        url, {"name": "", "expires[day]": "1", "expires[month]": "1", "expires[year]": "2020"}
    )
    error_names(response, "id_name", "Enter what the token is for")
    body = response.content.decode()
    assert "Select at least one API" in body
    assert "The date it stops working must be in the future" in body
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_admin_rotates_and_revokes_tokens(admin: Client, world: World):
    token, _ = issue_api_token(by=None, organisation=world.practice, name="Old system")
    url = reverse("administration:token_rotate", args=[world.practice.pk, token.pk])
    response = admin.post(url, {"grace_hours": "24"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new = ApiToken.objects.get(replaces=token)
    token.refresh_from_db()
    assert token.is_active
    assert token.expires_at is not None
    revoke = reverse("administration:token_revoke", args=[world.practice.pk, new.pk])
    assert admin.post(revoke).status_code == 302
    new.refresh_from_db()
    assert new.revoked_at is not None
    assert [e.actor for e in events("api_token.revoked")] == [world.admin]


@pytest.mark.django_db
def test_token_of_another_organisation_is_404(admin: Client, world: World):
    token, _ = issue_api_token(by=None, organisation=world.provider_org, name="Theirs")
    url = reverse("administration:token_revoke", args=[world.practice.pk, token.pk])
    assert admin.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert events("access.denied")


# --- Instruments --------------------------------------------------------------------------


@pytest.mark.django_db
def test_instruments_page_shows_licence_state(admin: Client, settings):
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["pam"]
    body = admin.get(reverse("administration:instruments")).content.decode()
    assert "SWEMWBS" in body or "Warwick" in body
    assert "LINKWORK_LICENSED_INSTRUMENTS" in body
    assert "Needs a licence or registration" in body


def _switch(admin: Client, scheme: Scheme, instrument: str, state: str, reference: str = ""):  # type: ignore[no-untyped-def]
    return admin.post(
        reverse("administration:instruments"),
        {"scheme": scheme.pk, "instrument": instrument, "enabled": state, "reference": reference},
    )


@pytest.mark.django_db
def test_instrument_switched_off_for_one_scheme_only(admin: Client, world: World, settings):
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["pam"]
    ours = ReferralFactory(scheme=world.scheme_a, link_worker=world.link_worker_a, status="active")
    theirs = ReferralFactory(
        scheme=world.scheme_b, link_worker=world.link_worker_b, status="active"
    )

    def offered(user: User, referral) -> bool:  # type: ignore[no-untyped-def]
        client = signed_in(Client(), user)
        page = client.get(reverse("outcomes:trajectories", args=[referral.pk])).content.decode()
        url = reverse("outcomes:record", args=[referral.pk, "pam"])
        return url in page and client.get(url).status_code == 200

    assert offered(world.link_worker_a, ours)
    assert offered(world.link_worker_b, theirs)
    response = _switch(admin, world.scheme_a, "pam", "off", "PAM-123")
    assert response.status_code == 302
    licence = InstrumentLicence.objects.get()
    assert (licence.scheme, licence.instrument, licence.enabled) == (world.scheme_a, "pam", False)
    assert licence.reference == "PAM-123"
    assert licence.changed_by == world.admin
    [event] = events("instrument.licence_changed")
    assert event.object_id == str(licence.pk)
    assert event.scheme_id == world.scheme_a.pk
    assert event.detail == {"instrument": "pam", "enabled": False}
    assert not offered(world.link_worker_a, ours)
    assert offered(world.link_worker_b, theirs)
    body = admin.get(reverse("administration:instruments")).content.decode()
    assert "PAM-123" in body
    assert "No: switched off" in body
    # Switched back on: scheme A follows the installation again.
    assert _switch(admin, world.scheme_a, "pam", "on").status_code == 302
    assert offered(world.link_worker_a, ours)
    assert len(events("instrument.licence_changed")) == 2


@pytest.mark.django_db
def test_instrument_switch_beyond_the_installation_names_the_field(
    admin: Client, world: World, settings
):
    settings.LINKWORK_LICENSED_INSTRUMENTS = []
    response = _switch(admin, world.scheme_a, "pam", "on")
    error_names(response, "id_enabled", "is not switched on for this installation")
    assert not InstrumentLicence.objects.exists()
    assert not events("instrument.licence_changed")


@pytest.mark.django_db
def test_instrument_switch_with_missing_fields_names_each(admin: Client, world: World):
    response = admin.post(reverse("administration:instruments"), {"instrument": "swemwbs-nope"})
    error_names(response, "id_scheme", "Select a scheme")
    error_names(response, "id_enabled", "Select whether the scheme can record it")
    assert 'href="#id_instrument"' in response.content.decode()
    assert not InstrumentLicence.objects.exists()


@pytest.mark.django_db
def test_index_counts_practices_without_mailbox(admin: Client, world: World):
    body = admin.get(reverse("administration:index")).content.decode()
    assert "1 GP practice has no secure mailbox" in body
    Mailbox.objects.create(organisation=world.practice, email="gp@nhs.net")
    body = admin.get(reverse("administration:index")).content.decode()
    assert "no secure mailbox" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "ten", "1.5"])
def test_scheme_number_out_of_range_names_the_field(admin: Client, world: World, value: str):
    response = admin.post(
        reverse("administration:scheme_new"),
        scheme_form(world.practice, triage_working_days=value),
    )
    error_names(response, "id_triage_working_days", "Working days to triage a referral")
    assert not Scheme.objects.filter(slug="beck-valley-link").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "99999999999", "\x00"])
def test_garbled_choices_name_the_field(admin: Client, world: World, value: str):
    url = reverse("administration:user", args=[world.curator.pk])
    response = admin.post(url, {"form": "role", "role-role": "analyst", "role-organisation": value})
    error_names(response, "id_role-organisation", "organisation")
    response = admin.get(reverse("administration:users"), {"organisation": value, "page": "x"})
    assert response.status_code == 400
    response = admin.post(
        reverse("administration:tokens", args=[world.practice.pk]),
        {"name": "System", "scopes": [value]},
    )
    error_names(response, "id_scopes", "API")
    assert not Membership.objects.filter(user=world.curator, role="analyst").exists()
