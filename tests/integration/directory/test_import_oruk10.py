"""Importing ORUK 1.0 feeds (issue 13): the shapes councils publish, normalised rather than
rejected, HTML sanitised at import and published as plain text, re-import a no-op, and
`cost:free` kept through import, search, matching and export. The fixtures are synthetic
feeds written for these tests (tests/fixtures/oruk10/make_fixtures.py); feeds read over a URL
are served by a dict-backed fetcher, never the network."""

from __future__ import annotations

import copy
import io
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from linkwork.accounts.models import Role
from linkwork.directory import models as m
from linkwork.directory.oruk import legacy
from linkwork.directory.oruk.attributes import FREE, attribute_id, attribute_term_id
from linkwork.directory.oruk.importer import FetchError, Status, import_oruk
from linkwork.directory.search import Criteria, search
from linkwork.matching.facts import from_oruk
from tests.conftest import signed_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "oruk10"
ARRAY = FIXTURES / "council_array.json"
ENVELOPE = FIXTURES / "council_envelope.json"
UNSAFE = re.compile(r"<script|\bon[a-z]+\s*=|data:", re.IGNORECASE)


def records(path: Path) -> list[dict[str, Any]]:
    document = json.loads(path.read_text("utf-8"))
    return document["content"] if isinstance(document, dict) else document


def run(*args: Any, **options: Any) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import_oruk", *args, "--no-progress", stdout=out, **options)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


class DictFetcher:
    """Answers `get_json` from a dict of URL -> document, and remembers what was asked."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.asked: list[str] = []

    def get_json(self, url: str) -> Any:
        self.asked.append(url)
        if url not in self.documents:
            raise FetchError("HTTP 404 Not Found")
        return copy.deepcopy(self.documents[url])


def test_array_and_envelope_import_at_least_98_percent():
    total = len(records(ARRAY)) + len(records(ENVELOPE))
    reports = [import_oruk(str(ARRAY)), import_oruk(str(ENVELOPE))]
    imported = sum(r.imported for r in reports)
    assert imported / total >= 0.98
    rejected = [o for r in reports for o in r.rejected]
    # Only a record with no usable id or name is rejected.
    assert [o.problems for o in rejected] == [["name: has no name"]]
    assert m.Service.objects.count() == imported


def test_every_dropped_field_is_reported_and_the_command_exits_1():
    report = import_oruk(str(ARRAY))
    dropped = [text for o in report.outcomes for text in o.dropped]
    expected = [
        '"sixty" is not a number',  # eligibilitys[].maximum_age
        '"tbc" is not a time of day',  # regular_schedules[].opens_at
        '"a donation" is not a number',  # cost_options[].amount
        '"not an address" is not an email address',
        '"see leaflet" is not a web address',
        "organization.logo",  # a data: URI
        "0, 0 is no place",
    ]
    for text in expected:
        assert any(text in line for line in dropped), text
    # Every bad value in the fixture is accounted for: each record that holds one says so.
    for outcome, record in zip(report.outcomes, records(ARRAY), strict=True):
        bad = json.dumps(record, ensure_ascii=False)
        if outcome.status is Status.REJECTED:
            continue
        for marker in ("sixty", '"tbc"', "a donation", "not an address", "see leaflet"):
            if marker in bad:
                assert any(marker.strip('"') in d for d in outcome.dropped), (outcome.id, marker)
    status, out = run(str(ARRAY))
    assert status == 1
    assert "Imported with fields left out:" in out


def test_reimport_changes_nothing():
    first = import_oruk(str(ARRAY))
    first_env = import_oruk(str(ENVELOPE))
    versions = m.Metadata.objects.count()
    snapshot = {
        model: sorted(map(str, model._default_manager.values_list()))
        for model in (m.Service, m.Organization, m.Location, m.Schedule, m.CostOption, m.Attribute)
    }
    again = import_oruk(str(ARRAY))
    again_env = import_oruk(str(ENVELOPE))
    assert again.counts["unchanged"] == first.imported
    assert again_env.counts["unchanged"] == first_env.imported
    assert m.Metadata.objects.count() == versions
    for model, rows in snapshot.items():
        assert sorted(map(str, model._default_manager.values_list())) == rows


def test_normalised_values_ids_and_mapped_facts():
    import_oruk(str(ARRAY), area="E06000001")
    base = ARRAY.name
    service = m.Service.objects.get(original_id="SVC1001")
    assert service.id == uuid.uuid5(legacy.ORUK1_NAMESPACE, f"{base}|service|SVC1001")
    assert service.url == "https://www.group1.example.org.uk"
    assert service.email == "hello1@group1.example.org.uk"  # trailing full stop trimmed
    assert service.organization.website == "https://www.charity1.example.org.uk"  # 1.0 `url`
    assert service.organization.original_id == "ORG-1"
    assert (service.delivers_in_person, service.delivers_online, service.delivers_by_phone) == (
        False,
        False,
        True,
    )  # attending_type "Phone"
    assert service.referral_route == m.ReferralRoute.REFERRAL  # attending_access "Referral only"
    nbsp = m.Service.objects.get(original_id="SVC1002")
    assert nbsp.email == "hello2@group2.example.org.uk"
    orphan = m.Service.objects.get(original_id="SVC1004")
    assert orphan.organization.placeholder
    assert orphan.organization.name == "Organisation not given by the feed"
    # Target audiences through the reviewed mapping: "Older people" (eligibility) -> older_people.
    older = m.Service.objects.get(pk="8c1f0000-1a2b-4c3d-8e9f-0a1b2c3d4e5f")
    assert older.original_id == ""  # a UUID id is kept as the id itself
    audience = m.Attribute.objects.filter(link_id=older.id, link_type="audience")
    assert {a.taxonomy_term.code for a in audience} >= {"older_people"}
    # Weekday names become RRULE days; a 1.0 schedule is weekly.
    assert older.schedules.get(description="").byday == "MO"
    # The area the feed serves, for every service, by ONS code.
    assert m.ServiceArea.objects.filter(service=service, local_authority_code="E06000001").exists()
    # A feed's own service area that names an ONS code keeps it too.
    assert m.ServiceArea.objects.filter(service=service, local_authority_code="E06000099").exists()


def test_descriptions_are_sanitised_html_with_plain_text_beside():
    import_oruk(str(ARRAY))
    for service in m.Service.objects.all():
        assert not UNSAFE.search(service.description), service.original_id
        assert "<" not in service.description_text
    table = m.Service.objects.get(original_id="SVC1020")  # n=20: a table
    assert "Tuesday 10am to 12pm" in table.description_text
    linked = m.Service.objects.get(pk="8c1f0003-1a2b-4c3d-8e9f-0a1b2c3d4e5f")  # image, links
    assert 'href="https://www.example.org/book"' in linked.description
    assert 'rel="noopener noreferrer"' in linked.description
    assert "javascript" not in linked.description
    # Other free text is kept plain.
    schedule = m.Schedule.objects.filter(description__contains="Term time").first()
    assert schedule is not None
    assert schedule.description == "Term time only"
    org = m.Organization.objects.get(original_id="ORG-1")
    assert "<strong>" in org.description
    assert "data:" not in org.description


def _everything_in_the_database() -> str:
    chunks = []
    for model in (
        m.Organization,
        m.Service,
        m.Location,
        m.Address,
        m.Accessibility,
        m.Schedule,
        m.CostOption,
        m.Contact,
        m.Phone,
        m.Language,
        m.ServiceArea,
        m.TaxonomyTerm,
        m.Attribute,
    ):
        chunks += [str(row) for row in model._default_manager.values_list()]
    return "\n".join(chunks)


def test_nothing_unsafe_survives_in_database_pages_api_or_export(client, tmp_path):
    import_oruk(str(ARRAY))
    import_oruk(str(ENVELOPE))
    assert not UNSAFE.search(_everything_in_the_database())

    curator = MembershipFactory(role=Role.CURATOR, user__totp=True).user
    signed_in(client, curator)
    services = list(m.Service.objects.all())
    for service in services:
        page = client.get(reverse("directory:service", args=[service.pk])).content.decode()
        main = page[page.index("<main") : page.index("</main>")]
        assert not UNSAFE.search(main), service.original_id
        assert "&lt;p&gt;" not in main
    listing = m.Service.objects.get(original_id="SVC1001")
    page = client.get(reverse("directory:service", args=[listing.pk])).content.decode()
    assert "Id in the source feed: SVC1001" in page
    search_page = client.get(reverse("directory:search")).content.decode()
    assert not UNSAFE.search(search_page[search_page.index("<main") :])

    body = client.get("/oruk/services?per_page=100&full_service=true").content.decode()
    assert not UNSAFE.search(body)
    assert "<p>" not in body
    assert "&lt;" not in body
    one = client.get(f"/oruk/services/{listing.pk}").json()
    assert "<" not in one["description"]
    assert "<" not in one["organization"]["description"]

    call_command("export_oruk", str(tmp_path / "feed"), verbosity=0)
    for path in (tmp_path / "feed").rglob("*.json"):
        text = path.read_text("utf-8")
        assert not UNSAFE.search(text), path
        assert "<p>" not in text


def _summaries(full: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in r.items() if not isinstance(v, list) and k != "organization"}
        for r in full
    ]


def test_url_feed_follows_pages_and_reads_each_full_record():
    base = "https://council.example.org/api"
    full = [r for r in records(ENVELOPE) if r["name"]]
    pages = [full[:10], full[10:20], full[20:]]
    documents: dict[str, Any] = {f"{base}/": {"version": "1.0"}}
    for number, content in enumerate(pages):
        documents[f"{base}/services?page={number + 1}"] = {
            "totalElements": len(full),
            "totalPages": len(pages),
            "number": number + 1,
            "size": 10,
            "first": number == 0,
            "last": number == len(pages) - 1,
            "content": _summaries(content),
        }
    for record in full:
        documents[f"{base}/services/{record['id']}"] = record
    fetcher = DictFetcher(documents)
    report = import_oruk(base, fetcher=fetcher)
    assert report.imported == len(full)
    assert not report.rejected
    assert f"{base}/services?page=3" in fetcher.asked
    assert f"{base}/services?page=4" not in fetcher.asked
    assert sum("/services/" in url for url in fetcher.asked) == len(full)
    # The ids are UUID5s of the feed's base URL and the original id.
    some = next(r for r in full if not legacy.is_uuid(r["id"]))
    stored = m.Service.objects.get(original_id=some["id"])
    assert stored.id == uuid.uuid5(legacy.ORUK1_NAMESPACE, f"{base}|service|{some['id']}")
    # Full records were read: schedules and taxonomies are there.
    assert m.Schedule.objects.filter(service=stored).exists()
    # The command reads the same feed through the same fetcher, and re-import changes nothing.
    status, out = run(base, fetcher=DictFetcher(documents))
    assert status == 1  # the fixture's unreadable fields are reported
    assert f"  unchanged  {len(full)}" in out


def _clean_record(**extra: Any) -> dict[str, Any]:
    return {
        "id": "CLEAN-1",
        "name": "Knit and Natter",
        "description": "<p>Knitting <em>and</em> chat.</p>",
        "status": "active",
        "attending_type": "Venue",
        "organization": {"id": "ORG-K", "name": "Brackenfield Knitters", "url": "www.knit.example"},
        **extra,
    }


def test_command_exit_codes(tmp_path):
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps([_clean_record()]), "utf-8")
    assert run(str(clean))[0] == 0
    nameless = tmp_path / "nameless.json"
    nameless.write_text(json.dumps([_clean_record(id="N-1", name=" ")]), "utf-8")
    status, out = run(str(nameless))
    assert status == 2
    assert "nothing was imported" in out
    envelope = tmp_path / "empty.json"
    envelope.write_text(json.dumps({"content": [], "totalElements": 0, "totalPages": 0}), "utf-8")
    assert run(str(envelope))[0] == 2
    status, out = run(str(clean), "--area", "Hartlepool")
    assert status == 2
    assert "--area" in out
    status, _ = run(str(clean), "--area", "e06000001")
    assert status == 0
    assert m.ServiceArea.objects.filter(local_authority_code="E06000001").count() == 1


def test_cost_free_survives_import_matching_and_export(tmp_path, client):
    # A 3.0 feed's cost:free attribute, on a service that lists no costs.
    term = str(attribute_term_id(FREE))
    org_id, service_id = str(uuid.uuid4()), uuid.uuid4()
    record = {
        "id": str(service_id),
        "name": "Free Swim Sessions",
        "status": "active",
        "organization": {"id": org_id, "name": "Leisure Trust", "description": ""},
        "attributes": [
            {
                "id": str(attribute_id(service_id, FREE)),
                "taxonomy_term_id": term,
                "taxonomy_term": {
                    "id": term,
                    "name": FREE,
                    "code": FREE,
                    "taxonomy": "linkwork",
                    "description": "Free for everyone.",
                },
            }
        ],
    }
    source = tmp_path / "free.json"
    source.write_text(json.dumps(record), "utf-8")
    assert import_oruk(str(source)).counts["created"] == 1
    option = m.CostOption.objects.get(service_id=service_id)
    assert option.amount == 0
    assert import_oruk(str(source)).counts["unchanged"] == 1
    # A 1.0 cost option that says free.
    free10 = tmp_path / "free10.json"
    free10.write_text(
        json.dumps([_clean_record(cost_options=[{"id": "C1", "option": "Free", "amount": None}])]),
        "utf-8",
    )
    import_oruk(str(free10))
    knit = m.Service.objects.get(original_id="CLEAN-1")
    # Search's free filter (matching's free_only reads the same published terms).
    found = {r.service.pk for r in search(Criteria(free_only=True)).results}
    assert {service_id, knit.pk} <= found
    # Export publishes cost:free, and matching reads it as free.
    call_command("export_oruk", str(tmp_path / "feed"), verbosity=0)
    for pk in (service_id, knit.pk):
        exported = json.loads((tmp_path / "feed" / "services" / f"{pk}.json").read_text("utf-8"))
        terms = [a["taxonomy_term"]["name"] for a in exported.get("attributes", [])]
        assert FREE in terms
        assert from_oruk(exported).free
    # Matching's free_only, on the directory's own facts, keeps both free services.
    import datetime as dt

    from linkwork.matching.engine import rank
    from linkwork.matching.index import build_index
    from linkwork.matching.profile import parse_profile
    from linkwork.matching.service import load_facts
    from linkwork.matching.weights import DEFAULT_WEIGHTS

    facts = load_facts()
    assert {f.id for f in facts if f.free} >= {str(service_id), str(knit.pk)}
    chosen = rank(
        build_index(facts),
        parse_profile({"needs": ["loneliness"], "preferences": {"free_only": True}}),
        k=50,
        weights=DEFAULT_WEIGHTS,
        today=dt.date.today(),
        stale_days=365,
    )
    ids = {result.service_id for result in chosen.results}
    assert all(f.free for f in facts if f.id in ids)
    assert str(service_id) in ids
