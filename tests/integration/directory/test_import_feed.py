"""Importing from an ORUK API: `/services?page=N` is followed to the last page the feed
announces, each service the list gives in brief is read whole from `/services/{id}`, and a feed
that cannot be read is reported, never a traceback. The feed is a fake serving the official
examples: tests never reach the network."""

from __future__ import annotations

import copy
import io
import json
import uuid
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from linkwork.directory import models as m
from linkwork.directory.oruk import importer
from linkwork.directory.oruk.importer import FetchError, SourceError, UrlFetcher
from tests.prerequisites import shared_standard

pytestmark = pytest.mark.django_db

BASE = "https://feed.example.org/oruk"
NAMESPACE = uuid.UUID("6f1d4a36-0c55-4d49-9d6c-3f7f2f2a4b10")


def example(name: str) -> Any:
    path = shared_standard(f"oruk-3.0/examples/{name}")
    return json.loads(path.read_text("utf-8"))


class FakeFeed:
    """Answers `get_json` from a dict of URL -> document (or FetchError), and remembers."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.asked: list[str] = []

    def get_json(self, url: str) -> Any:
        self.asked.append(url)
        answer = self.documents.get(url, FetchError("HTTP 404 Not Found"))
        if isinstance(answer, Exception):
            raise answer
        return copy.deepcopy(answer)


def service_number(n: int) -> dict[str, Any]:
    """The full example service, as a different service (its own ids throughout)."""
    record = example("service_full.json")

    def renumber(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: renumber(v) for k, v in value.items()}
        if isinstance(value, list):
            return [renumber(v) for v in value]
        if isinstance(value, str) and len(value) == 36 and value.count("-") == 4:
            return str(uuid.uuid5(NAMESPACE, f"{n}/{value}"))
        return value

    record = renumber(record)
    record["name"] = f"Community Counselling {n}"
    return record


def brief(record: dict[str, Any]) -> dict[str, Any]:
    """A service as a list page gives it: one-to-one fields only."""
    return {k: v for k, v in record.items() if not isinstance(v, list)}


def page(number: int, pages: int, contents: list[Any], total: int) -> dict[str, Any]:
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number == pages,
        "empty": not contents,
        "contents": contents,
    }


@pytest.fixture
def feed() -> FakeFeed:
    services = [service_number(n) for n in range(1, 6)]
    pages = [[services[0], services[1]], [services[2], services[3]], [services[4]]]
    documents: dict[str, Any] = {
        f"{BASE}/": {
            "version": "HSDS-UK-3.0",
            "profile": "https://example.org",
            "openapi_url": "https://example.org/openapi.json",
        }
    }
    for number, listed in enumerate(pages, start=1):
        documents[f"{BASE}/services?page={number}"] = page(
            number, len(pages), [brief(s) for s in listed], len(services)
        )
    for record in services:
        documents[f"{BASE}/services/{record['id']}"] = record
    return FakeFeed(documents)


def test_feed_follows_every_page_and_reads_each_service_whole(feed):
    progress = []

    class Bar:
        total = None

        def update(self, n: int) -> None:
            progress.append((self.total, n))

        def close(self) -> None:
            progress.append("closed")

    report = importer.import_oruk(BASE + "/", fetcher=feed, progress=lambda total: Bar())
    assert report.counts == {"created": 5, "updated": 0, "unchanged": 0, "rejected": 0}
    assert feed.asked[:4] == [
        f"{BASE}/",
        f"{BASE}/services?page=1",
        f"{BASE}/services/{feed.documents[f'{BASE}/services?page=1']['contents'][0]['id']}",
        f"{BASE}/services/{feed.documents[f'{BASE}/services?page=1']['contents'][1]['id']}",
    ]
    assert [url for url in feed.asked if "?page=" in url] == [
        f"{BASE}/services?page={n}" for n in (1, 2, 3)
    ]
    assert len(feed.asked) == 1 + 3 + 5
    assert m.Service.objects.count() == 5
    # Read whole: the schedules and locations are only on /services/{id}.
    assert m.Schedule.objects.count() == 5
    assert m.ServiceAtLocation.objects.count() == 5
    assert m.Organization.objects.count() == 5
    assert progress == [(5, 1)] * 5 + ["closed"]
    assert all(o.where.startswith(f"{BASE}/services/") for o in report.outcomes)


def test_feed_reimport_changes_nothing(feed):
    importer.import_oruk(BASE, fetcher=feed)
    metadata = m.Metadata.objects.count()
    again = importer.import_oruk(BASE, fetcher=feed)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 5, "rejected": 0}
    assert m.Metadata.objects.count() == metadata


def test_feed_uses_list_entries_that_are_already_whole(feed):
    listing = feed.documents[f"{BASE}/services?page=2"]
    whole = service_number(3)
    listing["contents"][0] = whole
    report = importer.import_oruk(BASE, fetcher=feed)
    assert report.counts["created"] == 5
    assert f"{BASE}/services/{whole['id']}" not in feed.asked
    assert m.Service.objects.get(id=whole["id"]).schedules.count() == 1


def test_feed_service_that_cannot_be_read_is_rejected_and_the_rest_imported(feed):
    missing = feed.documents[f"{BASE}/services?page=2"]["contents"][1]["id"]
    del feed.documents[f"{BASE}/services/{missing}"]
    other = feed.documents[f"{BASE}/services?page=3"]["contents"][0]["id"]
    feed.documents[f"{BASE}/services/{other}"] = service_number(1)
    report = importer.import_oruk(BASE, fetcher=feed)
    assert report.counts == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 2}
    assert {(o.id, o.where, tuple(o.problems)) for o in report.rejected} == {
        (missing, f"{BASE}/services/{missing}", ("cannot be read (HTTP 404 Not Found)",)),
        (
            other,
            f"{BASE}/services/{other}",
            (f'answered with another record (id "{service_number(1)["id"]}")',),
        ),
    }
    assert not m.Service.objects.filter(id__in=[missing, other]).exists()


def test_feed_page_that_cannot_be_read_stops_the_import_and_says_so(feed):
    feed.documents[f"{BASE}/services?page=3"] = FetchError("timed out")
    report = importer.import_oruk(BASE, fetcher=feed)
    assert report.counts["created"] == 4
    assert [(s.where, s.reason, s.lost) for s in report.skipped] == [
        (f"{BASE}/services?page=3", "cannot be read (timed out); later pages were not read", True)
    ]
    assert not report.complete


def test_feed_first_page_that_cannot_be_read_is_an_unreadable_source(feed, monkeypatch):
    feed.documents[f"{BASE}/services?page=1"] = FetchError("Name or service not known")
    with pytest.raises(SourceError, match="services\\?page=1 cannot be read: Name or service"):
        importer.import_oruk(BASE, fetcher=feed)
    monkeypatch.setattr(importer, "UrlFetcher", lambda: feed)
    with pytest.raises(CommandError) as raised:
        call_command("import_oruk", BASE, "--no-progress", stdout=io.StringIO())
    assert raised.value.returncode == 2
    assert m.Service.objects.count() == 0


def test_feed_that_is_not_an_oruk_api_is_an_unreadable_source(feed):
    feed.documents[f"{BASE}/services?page=1"] = {"hello": "world"}
    with pytest.raises(SourceError, match="is not a page of services"):
        importer.import_oruk(BASE, fetcher=feed)


def test_feed_root_with_another_version_is_noted(feed):
    feed.documents[f"{BASE}/"] = {"version": "HSDS-UK-1.0"}
    report = importer.import_oruk(BASE, fetcher=feed)
    assert report.notes == [
        f'{BASE}/ gives version "HSDS-UK-1.0"; this import reads Open Referral UK 3.0, so '
        "expect problems"
    ]
    assert report.counts["created"] == 5


def test_feed_named_by_its_services_url_reads_the_same(feed):
    report = importer.import_oruk(f"{BASE}/services", fetcher=feed)
    assert report.counts["created"] == 5


def test_url_fetcher_reads_only_http_and_https():
    with pytest.raises(FetchError, match="only http and https URLs are read"):
        UrlFetcher().get_json("file:///etc/passwd")
