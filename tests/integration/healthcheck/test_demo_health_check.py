"""The demo gives both demo schemes a health check with every cell the records can fill
populated and at least one cell rated below best practice; the page, its PDF and the list of
schemes show it to the scheme lead, audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwork.accounts.models import Role, Scheme, User
from linkwork.audit.models import AuditEvent
from linkwork.healthcheck import report
from linkwork.healthcheck.framework import Archetype, Level, Setting
from tests.conftest import seeded_demo_by_module, signed_in

pytestmark = pytest.mark.django_db

# The cells the records fill; the rest (individual link workers and community sector) are
# the self-assessment's.
MEASURED = {
    (Level.INDIVIDUAL, Setting.REFERRERS),
    (Level.INTERPERSONAL, Setting.REFERRERS),
    (Level.INTERPERSONAL, Setting.LINK_WORKERS),
    (Level.INTERPERSONAL, Setting.COMMUNITY),
    (Level.ORGANISATIONAL, Setting.REFERRERS),
    (Level.ORGANISATIONAL, Setting.LINK_WORKERS),
    (Level.ORGANISATIONAL, Setting.COMMUNITY),
    (Level.POLICY, Setting.REFERRERS),
    (Level.POLICY, Setting.LINK_WORKERS),
    (Level.POLICY, Setting.COMMUNITY),
}


@pytest.fixture(scope="module", autouse=True)
def _demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with seeded_demo_by_module(django_db_blocker, people=150, seed=7):
        yield


def _lead(scheme: Scheme) -> User:
    return User.objects.filter(
        memberships__scheme=scheme, memberships__role=Role.SCHEME_LEAD
    ).first() or _make_lead(scheme)


def _make_lead(scheme: Scheme) -> User:
    from tests.factories import MembershipFactory, UserFactory

    lead = UserFactory(totp=True)
    MembershipFactory(user=lead, organisation=scheme.host, scheme=scheme, role=Role.SCHEME_LEAD)
    return lead


def test_both_demo_schemes_have_every_measurable_cell_rated_and_one_below_best():
    schemes = list(Scheme.objects.order_by("name"))
    assert len(schemes) == 2
    quarter = report.last_complete_quarter(timezone.localdate())
    for scheme in schemes:
        check = report.build(scheme, quarter)
        rated = {
            (cell.level, cell.setting)
            for cell in check.cells.values()
            if cell.indicators and cell.rating is not None
        }
        assert rated == MEASURED, scheme.name
        assert all(m.current is not None for m in check.measured()), scheme.name
        assert any(cell.rating not in (None, Archetype.BEST) for cell in check.cells.values())


def test_both_demo_schemes_have_all_twelve_cells_rated_by_an_indicator_or_the_self_assessment():
    quarter = report.last_complete_quarter(timezone.localdate())
    for scheme in Scheme.objects.order_by("name"):
        check = report.build(scheme, quarter)  # with the self-assessment and the actions
        assert len(check.cells) == 12
        for (level, setting), cell in check.cells.items():
            assert cell.rating is not None, (scheme.name, level, setting)
            assert cell.indicators or any(s.heading == "Self-assessment" for s in cell.sections), (
                scheme.name,
                level,
                setting,
            )
        assert any(cell.weak for cell in check.cells.values()), scheme.name


def test_the_lead_reads_the_page_prints_it_and_downloads_the_pdf(client):
    scheme = Scheme.objects.order_by("name").first()
    assert scheme is not None
    lead = _lead(scheme)
    signed_in(client, lead)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    listed = client.get(reverse("healthcheck:index"))
    assert listed.status_code == 200
    page_url = reverse("healthcheck:scheme", kwargs={"scheme_id": scheme.pk})
    assert page_url in listed.content.decode()

    page = client.get(page_url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Referrers told within 5 working days" in text
    assert "nhsuk-tag" in text
    assert "The evidence behind" in text
    assert "lw-no-print" in text
    assert 'href="/health-check/"' in text  # the header's entry
    assert "Not yet rated" not in text.split("</table>")[0]  # every cell of the grid rated
    assert "Add an action for" in text  # from a weak cell

    quarter = report.last_complete_quarter(timezone.localdate()).name
    pdf = client.get(
        reverse("healthcheck:pdf", kwargs={"scheme_id": scheme.pk}), {"quarter": quarter}
    )
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    events = AuditEvent.objects.filter(pk__gt=before, actor=lead, action__startswith="healthcheck.")
    assert sorted(events.values_list("action", flat=True)) == [
        "healthcheck.downloaded",
        "healthcheck.listed",
        "healthcheck.viewed",
    ]
    assert {e.scheme_id for e in events if e.action != "healthcheck.listed"} == {scheme.pk}


@pytest.mark.parametrize("quarter", ["2026", "2026-Q5", "9999-Q1", "0000-Q1"])
def test_a_bad_quarter_is_a_404_naming_the_form(client, quarter):
    scheme = Scheme.objects.order_by("name").first()
    assert scheme is not None
    signed_in(client, _lead(scheme))
    response = client.get(
        reverse("healthcheck:scheme", kwargs={"scheme_id": scheme.pk}), {"quarter": quarter}
    )
    assert response.status_code == 404
