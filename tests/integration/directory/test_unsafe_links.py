"""Issue 16, item 1: a `javascript:`, `data:` or `vbscript:` address (any case, with whitespace
or hidden characters before it) never becomes a link. An import leaves the address out with
its reason and keeps the record; the curation form refuses it; the ORUK API never publishes
it; a listing page shows an old row's unsafe address as text; the data migration empties it."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from linkwork.directory.models import Organization, Service
from linkwork.directory.oruk.importer import import_oruk
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy
from tests.conftest import World, signed_in
from tests.factories import ServiceFactory
from tests.prerequisites import shared_standard
from tests.unit.directory.factories import OrganizationFactory

PLANTED = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
]
SCHEMES = ("javascript", "data:", "vbscript")


def _no_planted_link(text: str) -> None:
    lowered = text.lower()
    for scheme in SCHEMES:
        assert f'href="{scheme}' not in lowered.replace(" ", "").replace("\t", "")
    assert 'href=" javascript' not in lowered


def _service_record(url: str) -> dict[str, Any]:
    record = json.loads(shared_standard("oruk-3.0/examples/service_full.json").read_text("utf-8"))
    record["url"] = url
    record["organization"]["website"] = url
    return record


@pytest.mark.django_db
@pytest.mark.parametrize("planted", PLANTED)
def test_import_leaves_unsafe_address_out_and_keeps_the_record(tmp_path: Path, planted):
    source = tmp_path / "service.json"
    record = _service_record(planted)
    source.write_text(json.dumps(record), encoding="utf-8")
    report = import_oruk(str(source))
    assert report.counts["rejected"] == 0, report.as_dict()
    service = Service.objects.get(pk=uuid.UUID(record["id"]))
    assert service.url == ""
    assert service.organization.website == ""
    said = json.dumps(report.as_dict())
    assert "only http: or https: addresses are kept; the field was left out" in said
    assert "url" in said
    assert "website" in said


@pytest.mark.django_db
def test_import_gives_bare_domain_https(tmp_path: Path):
    source = tmp_path / "service.json"
    record = _service_record("www.example.org/walks")
    source.write_text(json.dumps(record), encoding="utf-8")
    import_oruk(str(source))
    service = Service.objects.get(pk=uuid.UUID(record["id"]))
    assert service.url == "https://www.example.org/walks"


@pytest.fixture
def own_org(world: World) -> Organization:
    return OrganizationFactory(name="Millbrook Walkers", account_organisation=world.provider_org)


@pytest.mark.django_db
@pytest.mark.parametrize("planted", [*PLANTED, "ftp://files.example.org/"])
def test_curation_form_refuses_unsafe_address(client, world: World, own_org, planted):
    ensure_linkwork_taxonomy()
    signed_in(client, world.curator)
    form = {
        "name": "Millbrook Tuesday Walk",
        "organization": own_org.pk,
        "status": "active",
        "capacity": "accepting",
        "referral_route": "referral",
        "delivers_in_person": "on",
        "categories": ["social"],
        "url": planted,
    }
    response = client.post(reverse("directory:new"), form)
    assert response.status_code == 200
    assert not Service.objects.filter(name="Millbrook Tuesday Walk").exists()
    assert "Enter a web address" in response.content.decode()
    assert 'href="#id_url"' in response.content.decode() or "id_url" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("planted", PLANTED)
def test_old_unsafe_row_is_text_on_the_page_and_absent_from_oruk(client, world: World, planted):
    service = ServiceFactory(name="Old row")
    # Written before the rule: straight into the table, past every check.
    Service.objects.filter(pk=service.pk).update(url=planted)
    Organization.objects.filter(pk=service.organization_id).update(website=planted)
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("directory:service", args=[service.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    _no_planted_link(html)
    assert "Website:" in html

    for path in (
        f"/oruk/services/{service.pk}",
        "/oruk/services",
        f"/oruk/organizations/{service.organization_id}",
        "/oruk/organizations",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        for scheme in SCHEMES:
            assert scheme not in body.lower(), path
    published = client.get(f"/oruk/services/{service.pk}").json()
    assert "url" not in published


@pytest.mark.django_db
def test_safe_address_is_linked_on_the_page(client, world: World):
    service = ServiceFactory(name="New row", url="https://walks.example.org/")
    signed_in(client, world.link_worker_a)
    html = client.get(reverse("directory:service", args=[service.pk])).content.decode()
    assert '<a href="https://walks.example.org/">https://walks.example.org/</a>' in html
    assert f'<a href="mailto:{service.email}">{service.email}</a>' in html


@pytest.mark.django_db(transaction=True)
def test_migration_empties_unsafe_addresses_and_counts_them(capsys):
    executor = MigrationExecutor(connection)
    before = [("directory", "0011_service_full_text_search")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    org_model = apps.get_model("directory", "Organization")
    organization = org_model.objects.create(
        name="Org", website=" javascript:alert(1)", logo="https://example.org/logo.png"
    )
    service_model = apps.get_model("directory", "Service")
    bad = service_model.objects.create(
        organization=organization, name="Bad", url="DATA:text/html,<script>x</script>"
    )
    good = service_model.objects.create(
        organization=organization, name="Good", url="https://example.org/"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    apps = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    service_model = apps.get_model("directory", "Service")
    org_model = apps.get_model("directory", "Organization")
    assert service_model.objects.get(pk=bad.pk).url == ""
    assert service_model.objects.get(pk=good.pk).url == "https://example.org/"
    kept = org_model.objects.get(pk=organization.pk)
    assert (kept.website, kept.logo) == ("", "https://example.org/logo.png")
    assert "Emptied 2 unsafe web addresses (Organization.website: 1, Service.url: 1)" in (
        capsys.readouterr().out
    )
