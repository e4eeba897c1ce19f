"""`linkwork insights export` and the downloads: one CSV per table, no count from 1 to 4."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from linkwork.audit.models import AuditEvent
from linkwork.insights.dashboards import DASHBOARDS
from tests.conftest import World, signed_in
from tests.factories import ContactFactory, ReferralFactory, SchemeFactory

pytestmark = pytest.mark.django_db
SMALL = {"1", "2", "3", "4"}


def _small_counts(name: str, text: str) -> list[str]:
    reader = csv.DictReader(io.StringIO(text))
    return [
        f"{name}:{key}={value}"
        for row in reader
        for key, value in row.items()
        if (key == "count" or key.endswith("_count")) and value in SMALL
    ]


def _seed(scheme=None):  # type: ignore[no-untyped-def]
    scheme = scheme or SchemeFactory(slug="beck")
    for _ in range(6):
        referral = ReferralFactory(scheme=scheme, route="gp_practice", status="active")
    ContactFactory(referral=referral)
    for route in ("self", "self", "police"):
        ReferralFactory(scheme=scheme, route=route)
    return scheme


def test_export_writes_every_table_with_small_counts_suppressed(tmp_path: Path):
    _seed()
    out = io.StringIO()
    call_command("insights", "export", "--out", str(tmp_path / "x"), stdout=out)
    files = {path.name: path.read_text(encoding="utf-8") for path in (tmp_path / "x").iterdir()}
    assert "Wrote" in out.getvalue()
    assert {"referrals_by_route.csv", "funnel.csv", "waiting_times.csv", "equity_sex.csv"} <= set(
        files
    )
    assert len(files) >= 2 * len(DASHBOARDS)
    routes = list(csv.reader(io.StringIO(files["referrals_by_route.csv"])))
    assert routes[0] == ["route", "count"]
    counts = dict(routes[1:])
    assert (counts["gp_practice"], counts["self"], counts["police"], counts["housing"]) == (
        "6",
        "<5",
        "<5",
        "0",
    )
    problems = [p for name, text in files.items() for p in _small_counts(name, text)]
    assert not problems
    assert AuditEvent.objects.filter(action="insights.exported").count() == 1


def test_export_narrows_to_a_scheme_and_dates(tmp_path: Path):
    _seed()
    other = SchemeFactory(slug="dale")
    for _ in range(5):
        ReferralFactory(scheme=other, route="housing")
    call_command(
        "insights",
        "export",
        "--out",
        str(tmp_path),
        "--scheme",
        "dale",
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
        stdout=io.StringIO(),
    )
    counts = dict(
        list(csv.reader(io.StringIO((tmp_path / "referrals_by_route.csv").read_text())))[1:]
    )
    assert (counts["housing"], counts["gp_practice"]) == ("5", "0")
    call_command(
        "insights", "export", "--out", str(tmp_path), "--to", "2000-01-01", stdout=io.StringIO()
    )
    counts = dict(
        list(csv.reader(io.StringIO((tmp_path / "referrals_by_route.csv").read_text())))[1:]
    )
    assert set(counts.values()) == {"0"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheme", "nowhere"], "No scheme with the slug 'nowhere'"),
        (["--from", "01/04/2026"], "YYYY-MM-DD"),
        (["--from", "2026-05-01", "--to", "2026-04-01"], "--to must be"),
    ],
)
def test_export_refuses_bad_options_and_writes_nothing(tmp_path: Path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("insights", "export", "--out", str(tmp_path / "out"), *args)
    assert not (tmp_path / "out").exists()


def test_page_downloads_are_suppressed_even_for_the_scheme_lead(client, world: World):
    _seed(world.scheme_a)
    signed_in(client, world.scheme_lead_a)
    page = client.get(reverse("insights:dashboard", args=["referrals"])).content.decode()
    assert "exact numbers" in page
    response = client.get(reverse("insights:table_csv", args=["referrals", "referrals_by_route"]))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "self,<5" in text
    assert "gp_practice,6" in text
    response = client.get(reverse("insights:xlsx", args=["referrals"]))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["referrals_by_route"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert (values["self"], values["gp_practice"]) == ("<5", 6)
    response = client.get(reverse("insights:quarterly_return"), {"quarter": "2026-Q1"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "referrals_by_route",
        "people_supported",
        "contacts_by_mode",
        "waiting_times",
        "outcome_completion",
    ]
    assert (
        AuditEvent.objects.filter(action="insights.downloaded", actor=world.scheme_lead_a).count()
        == 3
    )


def test_analyst_sees_only_their_host_schemes_and_no_exact_small_counts(client, world: World):
    _seed(world.scheme_a)
    _seed(world.scheme_b)
    ReferralFactory(scheme=world.scheme_b, route="gp_practice")
    signed_in(client, world.analyst)
    body = client.get(reverse("insights:dashboard", args=["referrals"])).content.decode()
    assert "exact numbers" not in body
    text = client.get(
        reverse("insights:table_csv", args=["referrals", "referrals_by_route"])
    ).content.decode()
    counts = dict(list(csv.reader(io.StringIO(text)))[1:])
    # The analyst's organisation hosts scheme A only: its six, not scheme B's.
    assert (counts["gp_practice"], counts["self"]) == ("6", "<5")


def test_bad_filter_dates_name_the_field(client, world: World):
    signed_in(client, world.scheme_lead_a)
    response = client.get(
        reverse("insights:dashboard", args=["funnel"]), {"date_from": "yesterday"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the from date as YYYY-MM-DD" in body
    assert 'href="#id_date_from"' in body
